#pragma once

#include "app/cli/common.h"

class QTextStream;

namespace vouch::cli {

int impactCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int approveCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int holdCommand(const QStringList &args, QTextStream &out, QTextStream &err);
int auditCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace vouch::cli
