#include "engine/run/runlease.h"

#include "engine/run/commandexecutor.h"
#include "engine/store/statestore.h"

#include <QCoreApplication>
#include <QSysInfo>

#include <cerrno>
#include <csignal>

namespace vouch::engine {

QString leaseKey(const QString &reportId, const QString &period)
{
    return reportId + QLatin1Char('/') + period;
}

QString runnerKey(const QString &reportId)
{
    return QStringLiteral("runner/") + reportId;
}

int leaseSeconds()
{
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue("VOUCH_LEASE_SECONDS", &ok);
    return ok && fromEnv >= 1 && fromEnv <= 3600 ? fromEnv : kLeaseSeconds;
}

namespace {
QString g_role;
}

void setHolderRole(const QString &role)
{
    g_role = role;
}

QString myHolder()
{
    return QStringLiteral("%1%2:%3")
        .arg(g_role.isEmpty() ? QString() : g_role + QLatin1Char('@'))
        .arg(QSysInfo::machineHostName())
        .arg(QCoreApplication::applicationPid());
}

QString describeHolder(const QString &holder)
{
    if (holder.isEmpty())
        return QString();
    const QString where = holder.section(QLatin1Char(':'), 0, -2);
    const QString pid = holder.section(QLatin1Char(':'), -1);
    const QString host = where.section(QLatin1Char('@'), -1);
    const QString role = where.contains(QLatin1Char('@')) ? where.section(QLatin1Char('@'), 0, 0)
                                                          : QStringLiteral("workstation");
    return QStringLiteral("%1 %2 %3 (pid %4)")
        .arg(role, role == QLatin1String("workstation") ? QString() : QStringLiteral("on"), host,
             pid)
        .simplified();
}

namespace {
// A holder on this machine whose process is gone holds nothing.
bool holderIsDead(const QString &holder)
{
    const QString host = holder.section(QLatin1Char(':'), 0, -2).section(QLatin1Char('@'), -1);
    bool ok = false;
    const qint64 pid = holder.section(QLatin1Char(':'), -1).toLongLong(&ok);
    if (!ok || host != QSysInfo::machineHostName())
        return false;
    return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

bool takeLease(StateStore &store, const QString &key, QString *holderOut)
{
    if (store.acquireLease(key, myHolder(), leaseSeconds()))
        return true;
    const QString holder = store.leaseHolder(key);
    if (!holder.isEmpty() && holderIsDead(holder)) {
        store.releaseLease(key, holder);
        if (store.acquireLease(key, myHolder(), leaseSeconds()))
            return true;
    }
    *holderOut = store.leaseHolder(key);
    return false;
}

// After a crash: what was running is interrupted, and its processes go.
QStringList recoverInterrupted(StateStore &store, const QString &reportId, const QString &period)
{
    const auto run = store.findRun(reportId, period);
    if (!run)
        return {};
    for (const NodeRunRecord &r : store.activeNodeRuns(run->id)) {
        if (r.processGroup > 0 && (r.state == NodeState::Running || r.state == NodeState::Retrying))
            killProcessGroup(r.processGroup, SIGKILL);
    }
    return store.markInterrupted(
        run->id, QStringLiteral("the process running it stopped (crash, kill or power loss)"));
}

} // namespace vouch::engine
