#pragma once

#include "engine/run/runlease.h"

#include "app/cli/common.h"

#include <QDateTime>

#include <optional>

class QTextStream;

namespace vouch::engine {
class StateStore;
}

namespace vouch::cli {

using engine::describeHolder;
using engine::kLeaseSeconds;
using engine::leaseKey;
using engine::leaseSeconds;
using engine::myHolder;
using engine::recoverInterrupted;
using engine::runnerKey;
using engine::takeLease;

int runCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int statusCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int rerunCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int cancelCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int serveCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int demoHeadlessCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace vouch::cli
