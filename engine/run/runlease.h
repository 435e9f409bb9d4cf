#pragma once

#include <QString>
#include <QStringList>

namespace vouch::engine {

class StateStore;

// One process at a time executes a report for a period: a lease in the state
// store keyed "report/period", held as "host:pid" and renewed while the run
// goes on. A holder on this machine whose process is gone holds nothing.
constexpr int kLeaseSeconds = 60;

QString leaseKey(const QString &reportId, const QString &period);
QString myHolder();
// Takes (or renews) the lease; on refusal `holderOut` names the live holder.
bool takeLease(StateStore &store, const QString &key, QString *holderOut);
// After a crash: what was queued, running or retrying becomes interrupted,
// and any process group it left is killed. Returns the interrupted node ids.
QStringList recoverInterrupted(StateStore &store, const QString &reportId, const QString &period);

} // namespace vouch::engine
