#pragma once

// For engine code that keeps tables on a state store's connection (the
// store itself, alerts, decisions, the audit log, the delivery outbox).
// QtSql is private to the engine: never include this from app/ or ui/.

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace vouch::engine {

// A stored time (milliseconds since the epoch, or NULL) in UTC.
inline QDateTime storedTime(const QVariant &ms)
{
    return ms.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC);
}

// Begins a write transaction; an invalid QSqlError on success. On SQLite the
// write lock is taken up front (BEGIN IMMEDIATE), so the busy timeout applies
// instead of a read snapshot failing to upgrade later.
inline QSqlError beginWrite(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    const bool sqlite = db.driverName() == QLatin1String("QSQLITE");
    if (q.exec(sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN")))
        return {};
    return q.lastError();
}

inline QSqlError commitWrite(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    return q.exec(QStringLiteral("COMMIT")) ? QSqlError() : q.lastError();
}

inline void rollbackWrite(const QSqlDatabase &db)
{
    QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
}

} // namespace vouch::engine
