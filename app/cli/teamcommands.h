#pragma once

#include <QStringList>

class QTextStream;

namespace vouch::cli {

// `vouch team init`: the roles of a team store on PostgreSQL and their grants.
int teamCommand(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace vouch::cli
