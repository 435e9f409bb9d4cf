#include "engine/run/dialect.h"

#include "engine/store/storesql.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

namespace vouch::engine {

namespace {

QString idType(Connection::Dialect dialect)
{
    switch (dialect) {
    case Connection::Dialect::Sqlite:
    case Connection::Dialect::Postgres:
        return QStringLiteral("TEXT");
    case Connection::Dialect::SqlServer:
        return QStringLiteral("NVARCHAR(255)");
    case Connection::Dialect::Databricks:
        return QStringLiteral("STRING");
    case Connection::Dialect::Mysql:
    case Connection::Dialect::Snowflake:
    case Connection::Dialect::Redshift:
    case Connection::Dialect::Generic:
        return QStringLiteral("VARCHAR(255)");
    }
    Q_UNREACHABLE();
}

QString textType(Connection::Dialect dialect)
{
    switch (dialect) {
    case Connection::Dialect::Sqlite:
    case Connection::Dialect::Postgres:
        return QStringLiteral("TEXT");
    case Connection::Dialect::Mysql:
        return QStringLiteral("MEDIUMTEXT");
    case Connection::Dialect::SqlServer:
        return QStringLiteral("NVARCHAR(MAX)");
    case Connection::Dialect::Databricks:
        return QStringLiteral("STRING");
    case Connection::Dialect::Snowflake:
        return QStringLiteral("VARCHAR");
    case Connection::Dialect::Redshift:
        return QStringLiteral("VARCHAR(65535)");
    case Connection::Dialect::Generic:
        return QStringLiteral("VARCHAR(4000)");
    }
    Q_UNREACHABLE();
}

bool usesDriverTransactions(const Connection &connection)
{
    return connection.driver != Connection::Driver::Sqlite &&
           connection.dialect != Connection::Dialect::Databricks;
}

} // namespace

QString ensureTable(QSqlDatabase &db, Connection::Dialect dialect, const QString &table,
                    const QString &columns, const QString &primaryKey)
{
    // A probe rather than CREATE TABLE IF NOT EXISTS, which SQL Server and
    // some ODBC engines do not have.
    {
        QSqlQuery probe(db);
        if (probe.exec(QStringLiteral("SELECT 1 FROM %1 WHERE 1 = 0").arg(table)))
            return QString();
    }
    // A failed probe may have aborted an open transaction (PostgreSQL): the
    // table is made outside of one.
    QString definition = columns;
    definition.replace(QLatin1String("%ID"), idType(dialect));
    definition.replace(QLatin1String("%TEXT"), textType(dialect));
    if (!primaryKey.isEmpty() && dialect != Connection::Dialect::Databricks)
        definition += QStringLiteral(", PRIMARY KEY (%1)").arg(primaryKey);
    QSqlQuery create(db);
    if (!create.exec(QStringLiteral("CREATE TABLE %1 (%2)").arg(table, definition)))
        return QStringLiteral("cannot create %1: %2")
            .arg(table, create.lastError().text().section(QLatin1Char('\n'), 0, 0));
    return QString();
}

QString limitRows(Connection::Dialect dialect, const QString &sql, int limit)
{
    QString inner = sql.trimmed();
    while (inner.endsWith(QLatin1Char(';')))
        inner.chop(1);
    switch (dialect) {
    case Connection::Dialect::SqlServer:
        return QStringLiteral("SELECT TOP (%1) * FROM (\n%2\n) vouch_rows").arg(limit).arg(inner);
    case Connection::Dialect::Generic:
    case Connection::Dialect::Mysql:
        // MySQL and MariaDB drop the ORDER BY of a derived table that has no
        // LIMIT of its own: the sample would lose the user's order.
        return QString();
    default:
        return QStringLiteral("SELECT * FROM (\n%1\n) vouch_rows LIMIT %2").arg(inner).arg(limit);
    }
}

QString beginTransaction(QSqlDatabase &db, const Connection &connection)
{
    if (connection.driver == Connection::Driver::Sqlite) {
        // The write lock up front (BEGIN IMMEDIATE): a deferred transaction
        // that reads first and writes later cannot wait for another writer.
        const QSqlError e = beginWrite(db);
        return e.isValid() ? e.text() : QString();
    }
    if (!usesDriverTransactions(connection) || db.transaction())
        return QString();
    return db.lastError().text();
}

QString commitTransaction(QSqlDatabase &db, const Connection &connection)
{
    if (connection.driver == Connection::Driver::Sqlite) {
        const QSqlError e = commitWrite(db);
        return e.isValid() ? e.text() : QString();
    }
    if (!usesDriverTransactions(connection) || db.commit())
        return QString();
    return db.lastError().text();
}

void rollbackTransaction(QSqlDatabase &db, const Connection &connection)
{
    if (connection.driver == Connection::Driver::Sqlite)
        rollbackWrite(db);
    else if (usesDriverTransactions(connection))
        db.rollback();
}

QDateTime warehouseTimestamp(const QVariant &v, Connection::Driver driver)
{
    if (v.typeId() == QMetaType::QDateTime) {
        QDateTime dt = v.toDateTime();
        if ((driver == Connection::Driver::Mysql || driver == Connection::Driver::Odbc) &&
            dt.timeSpec() == Qt::LocalTime)
            dt = QDateTime(dt.date(), dt.time(), QTimeZone::utc());
        return dt;
    }
    QString text = v.toString().trimmed();
    if (text.isEmpty())
        return {};
    text.replace(QLatin1Char(' '), QLatin1Char('T'));
    QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(text, Qt::ISODate);
    if (dt.isValid() && dt.timeSpec() == Qt::LocalTime)
        dt.setTimeZone(QTimeZone::utc()); // warehouse timestamps without offset are UTC
    return dt;
}

} // namespace vouch::engine
