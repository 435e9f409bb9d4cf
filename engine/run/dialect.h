#pragma once

// The little SQL that Vouch writes itself, per engine (`dialect:` of a
// connection): table definitions for what `publish` records in the
// warehouse, sample-row limits, transactions, and timestamps as drivers
// return them. Users' own SQL is never rewritten.

#include "engine/contract/contract.h"

#include <QDateTime>
#include <QString>
#include <QVariant>

class QSqlDatabase;

namespace vouch::engine {

// Creates `table` when it does not exist yet. `columns` are "name TYPE"
// pairs where TYPE may be %ID (short text: ids, periods, ISO timestamps) or
// %TEXT (long text: JSON); `primaryKey` is left out where the engine has
// none to enforce. Returns an error text, empty on success.
QString ensureTable(QSqlDatabase &db, Connection::Dialect dialect, const QString &table,
                    const QString &columns, const QString &primaryKey);

// `sql` (a query returning rows) limited to `limit` rows on the server
// (LIMIT n, TOP (n)); empty when the dialect has no way that keeps the
// query's order (MySQL, generic), and the rows are then limited as they are
// read.
QString limitRows(Connection::Dialect dialect, const QString &sql, int limit);

// One transaction for a node's statements (BEGIN IMMEDIATE on SQLite, the
// driver's own elsewhere; none on Databricks, which has no multi-statement
// transactions). Each returns an error text, empty on success.
QString beginTransaction(QSqlDatabase &db, const Connection &connection);
QString commitTransaction(QSqlDatabase &db, const Connection &connection);
void rollbackTransaction(QSqlDatabase &db, const Connection &connection);

// A timestamp as the driver returned it; a time without an offset is UTC
// (MySQL DATETIME and ODBC SQL_TYPE_TIMESTAMP arrive as local times).
QDateTime warehouseTimestamp(const QVariant &value, Connection::Driver driver);

} // namespace vouch::engine
