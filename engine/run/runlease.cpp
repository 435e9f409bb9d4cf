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

QString myHolder()
{
    return QStringLiteral("%1:%2")
        .arg(QSysInfo::machineHostName())
        .arg(QCoreApplication::applicationPid());
}

namespace {
// A holder on this machine whose process is gone holds nothing.
bool holderIsDead(const QString &holder)
{
    const QString host = holder.section(QLatin1Char(':'), 0, -2);
    bool ok = false;
    const qint64 pid = holder.section(QLatin1Char(':'), -1).toLongLong(&ok);
    if (!ok || host != QSysInfo::machineHostName())
        return false;
    return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

} // namespace

bool takeLease(StateStore &store, const QString &key, QString *holderOut)
{
    if (store.acquireLease(key, myHolder(), kLeaseSeconds))
        return true;
    const QString holder = store.leaseHolder(key);
    if (!holder.isEmpty() && holderIsDead(holder)) {
        store.releaseLease(key, holder);
        if (store.acquireLease(key, myHolder(), kLeaseSeconds))
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
    for (const NodeRunRecord &r : store.nodeRuns(run->id)) {
        if (r.processGroup > 0 && (r.state == NodeState::Running || r.state == NodeState::Retrying))
            killProcessGroup(r.processGroup, SIGKILL);
    }
    return store.markInterrupted(
        run->id, QStringLiteral("the process running it stopped (crash, kill or power loss)"));
}

} // namespace vouch::engine
