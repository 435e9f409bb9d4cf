#pragma once

#include <QString>
#include <QStringList>

namespace vouch::engine {

class StateStore;

// One process at a time executes a report for a period: a lease in the state
// store keyed "report/period", held as "[ROLE@]host:pid" and renewed while the
// run goes on. A holder on this machine whose process is gone holds nothing;
// one on another machine holds it until the lease expires.
constexpr int kLeaseSeconds = 60;

// kLeaseSeconds, or VOUCH_LEASE_SECONDS (1 to 3600) for tests and sites that
// want a faster takeover.
int leaseSeconds();
QString leaseKey(const QString &reportId, const QString &period);
// The presence lease a runner (`vouch serve`) holds for each report it
// serves: a workstation then asks it to execute instead of executing itself.
QString runnerKey(const QString &reportId);
// "runner" for `vouch serve`; empty (the default) for a workstation.
void setHolderRole(const QString &role);
QString myHolder();
// For people: "runner on HOST (pid N)" or "workstation HOST (pid N)".
QString describeHolder(const QString &holder);
// Takes (or renews) the lease; on refusal `holderOut` names the live holder.
bool takeLease(StateStore &store, const QString &key, QString *holderOut);
// After a crash: what was queued, running or retrying becomes interrupted,
// and any process group it left is killed. Returns the interrupted node ids.
QStringList recoverInterrupted(StateStore &store, const QString &reportId, const QString &period);

} // namespace vouch::engine
