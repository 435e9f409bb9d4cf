#pragma once

// For engine code that keeps tables on a state store's connection (the
// store itself, alerts, decisions, the audit log, the delivery outbox).
// QtSql is private to the engine: never include this from app/ or ui/.

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace vouch::engine {

// A stored time (milliseconds since the epoch, or NULL) in UTC.
inline QDateTime storedTime(const QVariant &ms)
{
    return ms.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(ms.toLongLong(), Qt::UTC);
}

// ------------------------------------------------------------------- rows
// One pattern for reading query rows into value structs: the SELECT lists
// the columns and rowFrom() the members they fill, in the same order; each
// member's type says how its column converts (readColumn). An engine type
// stored as text (a state, a status) gets a readColumn overload beside its
// other conversions, found by argument-dependent lookup:
//
//     constexpr char kLeaseColumns[] = "key, holder, expires_at";
//     LeaseRecord l = rowFrom(q, &LeaseRecord::key, &LeaseRecord::holder,
//                             &LeaseRecord::expiresAt);

inline void readColumn(const QVariant &v, QString &out)
{
    out = v.toString();
}
inline void readColumn(const QVariant &v, qint64 &out)
{
    out = v.toLongLong();
}
inline void readColumn(const QVariant &v, int &out)
{
    out = v.toInt();
}
inline void readColumn(const QVariant &v, bool &out) // stored as 0 or 1
{
    out = v.toInt() != 0;
}
inline void readColumn(const QVariant &v, double &out)
{
    out = v.toDouble();
}
inline void readColumn(const QVariant &v, QDateTime &out)
{
    out = storedTime(v);
}
inline void readColumn(const QVariant &v, QByteArray &out)
{
    out = v.toByteArray();
}
// JSON text: an object, a list of strings, a list of rows of strings.
inline void readColumn(const QVariant &v, QJsonObject &out)
{
    out = QJsonDocument::fromJson(v.toString().toUtf8()).object();
}
inline void readColumn(const QVariant &v, QStringList &out)
{
    out.clear();
    for (const QJsonValue &value : QJsonDocument::fromJson(v.toString().toUtf8()).array())
        out.append(value.toString());
}
inline void readColumn(const QVariant &v, QList<QStringList> &out)
{
    out.clear();
    if (v.isNull())
        return;
    for (const QJsonValue &row : QJsonDocument::fromJson(v.toString().toUtf8()).array()) {
        QStringList cells;
        for (const QJsonValue &cell : row.toArray())
            cells.append(cell.toString());
        out.append(cells);
    }
}
// NULL: no value.
template<typename T>
void readColumn(const QVariant &v, std::optional<T> &out)
{
    if (v.isNull()) {
        out.reset();
        return;
    }
    T value{};
    readColumn(v, value);
    out = std::move(value);
}

// Fills `members` of a new Row from the query's current row, from column
// `first` on (rowFrom: column 0).
template<typename Row, typename... Members>
Row rowFromAt(const QSqlQuery &q, int first, Members Row::*...members)
{
    Row row{};
    int column = first;
    (readColumn(q.value(column++), row.*members), ...);
    return row;
}

template<typename Row, typename... Members>
Row rowFrom(const QSqlQuery &q, Members Row::*...members)
{
    return rowFromAt<Row>(q, 0, members...);
}

// ------------------------------------------------------------ transactions
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
