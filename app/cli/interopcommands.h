#pragma once

#include <QStringList>

class QTextStream;

namespace vouch::cli {

// `vouch import dbt MANIFEST …`: a contract from a dbt project.
int importCommand(const QStringList &args, QTextStream &out, QTextStream &err);
// `vouch observe dbt --manifest M --run-results R …`: a dbt-executed run recorded as a Vouch run.
int observeCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace vouch::cli
