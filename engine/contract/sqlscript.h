#pragma once

// SQL scripts (`sql:` and `sql_file:`) split into the statements the engine
// runs one at a time, the way the engine's own client splits them: quotes,
// comments and the dialect's own ways of holding a `;` (PostgreSQL's dollar
// quotes, MySQL's DELIMITER, SQL Server's GO batches, SQLite's triggers).

#include "engine/contract/contract.h"

#include <QList>
#include <QString>

namespace vouch::engine {

struct SqlStatement
{
    QString text; // trimmed; comments inside and before it are kept
    int line = 1; // 1-based line in the script of its first character of code
};

struct SqlSplit
{
    QList<SqlStatement> statements;
    // Why the script cannot be split (a quote or comment never closed, a
    // DELIMITER without a delimiter), at `errorLine`; empty when it can.
    QString error;
    int errorLine = 0;
};

// How each dialect splits:
// - every dialect: `;` ends a statement outside '…' and "…" quotes, `--`
//   line comments and /* … */ comments;
// - postgres, redshift, snowflake: also outside $$ … $$ and $tag$ … $tag$;
// - mysql: `#` comments, `…` identifiers, backslash escapes in quotes, and
//   `DELIMITER //` lines that change the statement end, as the mysql client;
// - databricks: `…` identifiers and backslash escapes in quotes;
// - sqlite: `…` identifiers, and CREATE TRIGGER … BEGIN …; END is one
//   statement;
// - sqlserver: a line holding only GO ends a batch, and `;` does not split
//   (a batch goes to the server whole, as sqlcmd sends it); [ … ] names.
SqlSplit splitSqlScript(const QString &script, Connection::Dialect dialect);

} // namespace vouch::engine
