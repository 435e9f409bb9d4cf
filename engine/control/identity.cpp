#include "engine/control/identity.h"

#include "engine/store/statestore.h"

#include <pwd.h>
#include <unistd.h>

namespace vouch::engine {

QString osLogin()
{
    if (const passwd *pw = getpwuid(getuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return QStringLiteral("uid-%1").arg(getuid());
}

namespace {

// The person an attempt is recorded for, without a store.
QString localActor(Acting what)
{
    if (what == Acting::Decision)
        return osLogin();
    const QString fromEnv = qEnvironmentVariable("VOUCH_USER");
    if (!fromEnv.isEmpty())
        return fromEnv;
    if (const passwd *pw = getpwuid(getuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return qEnvironmentVariable("USER", QStringLiteral("unknown"));
}

} // namespace

QString whoIsActing(Acting what, const StateStore *store)
{
    if (store && store->isPostgres())
        return store->databaseUser();
    return localActor(what);
}

QString whoIsActing(Acting what, const QString &statePath)
{
    if (!StateStore::isServerUrl(statePath))
        return localActor(what);
    if (const auto address = StateStore::parseServerUrl(statePath, nullptr);
        address && !address->user.isEmpty())
        return address->user;
    return qEnvironmentVariable("PGUSER", osLogin());
}

} // namespace vouch::engine
