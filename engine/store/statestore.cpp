#include "engine/store/statestore.h"

#include "engine/store/storeprivate.h"
#include "engine/util/clock.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace vouch::engine {

namespace storedetail {

QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QVariant msOrNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
}

NodeState nodeStateFrom(const QString &text)
{
    static const QHash<QString, NodeState> states = [] {
        QHash<QString, NodeState> map;
        for (int i = int(NodeState::Pending); i <= int(NodeState::Interrupted); ++i)
            map.insert(toString(NodeState(i)), NodeState(i));
        return map;
    }();
    return states.value(text, NodeState::Pending);
}

Freshness freshnessFrom(const QString &text)
{
    for (Freshness f : {Freshness::Fresh, Freshness::StaleWarn, Freshness::StaleError}) {
        if (text == toString(f))
            return f;
    }
    return Freshness::Unknown;
}

QVariant sampleRowsJson(const QList<QStringList> &rows)
{
    if (rows.isEmpty())
        return QVariant();
    QJsonArray array;
    for (const QStringList &row : rows)
        array.append(QJsonArray::fromStringList(row));
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<QStringList> sampleRowsFrom(const QVariant &value)
{
    QList<QStringList> rows;
    if (value.isNull())
        return rows;
    const QJsonArray array = QJsonDocument::fromJson(value.toString().toUtf8()).array();
    for (const QJsonValue &row : array) {
        QStringList cells;
        for (const QJsonValue &cell : row.toArray())
            cells.append(cell.toString());
        rows.append(cells);
    }
    return rows;
}

QStringList stringListFrom(const QString &json)
{
    QStringList list;
    for (const QJsonValue &value : QJsonDocument::fromJson(json.toUtf8()).array())
        list.append(value.toString());
    return list;
}

QString stringListJson(const QStringList &list)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

// Runs, attempts and node transitions are stamped by the clock they are
// judged by (engine/util/clock.h).
qint64 nowMs()
{
    return clockNow().toMSecsSinceEpoch();
}

} // namespace storedetail

StateStore::StateStore()
    : d(std::make_unique<Private>())
{}

StateStore::~StateStore()
{
    // Every query must be gone before the connection is closed and removed.
    d->insertEvent.reset();
    d->upsertNodeRun.reset();
    if (d->db.isOpen())
        d->db.close();
    d->db = QSqlDatabase();
    if (!d->connectionName.isEmpty())
        QSqlDatabase::removeDatabase(d->connectionName);
}

QString StateStore::path() const
{
    return d->path;
}

bool StateStore::isReadOnly() const
{
    return d->readOnly;
}

bool StateStore::isPostgres() const
{
    return d->pg;
}

QString StateStore::databaseUser() const
{
    return d->user;
}

bool StateStore::lastErrorRefused() const
{
    return d->lastErrorRefused;
}

QString StateStore::connectionName() const
{
    return d->connectionName;
}

QString StateStore::lastError() const
{
    return d->lastError;
}

} // namespace vouch::engine
