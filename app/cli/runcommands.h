#pragma once

#include "app/cli/common.h"

#include <QDateTime>

#include <optional>

class QTextStream;

namespace vouch::engine {
class StateStore;
}

namespace vouch::cli {

// `--now ISO` for the demo commands; the current time when absent.
std::optional<QDateTime> parseNow(const Args &a, QTextStream &err);

constexpr int kLeaseSeconds = 60;

// One process at a time executes a report for a period: a lease in the store
// keyed "report/period", held as "host:pid". A holder on this machine whose
// process is gone holds nothing.
QString leaseKey(const QString &reportId, const QString &period);
QString myHolder();
bool takeLease(engine::StateStore &store, const QString &key, QString *holderOut);
// After a crash: running nodes become interrupted and their process groups die.
QStringList recoverInterrupted(engine::StateStore &store, const QString &reportId,
                               const QString &period);

int runCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int statusCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int rerunCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int serveCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int demoHeadlessCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace vouch::cli
