#include "engine/store/statestore.h"

#include "engine/store/storeprivate.h"
#include "engine/util/clock.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDriver>

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

QVariant sampleRowsJson(const QList<QStringList> &rows)
{
    if (rows.isEmpty())
        return QVariant();
    QJsonArray array;
    for (const QStringList &row : rows)
        array.append(QJsonArray::fromStringList(row));
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
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

QVariantList waitingColumns(const std::optional<Waiting> &waiting)
{
    if (!waiting)
        return {QVariant(QMetaType::fromType<QString>()), QVariant(QMetaType::fromType<qint64>()),
                QVariant(QMetaType::fromType<qint64>())};
    return {text(waiting->reason), msOrNull(waiting->nextLook), msOrNull(waiting->deadline)};
}

std::optional<Waiting> waitingFrom(const QSqlQuery &q, int first)
{
    if (q.value(first).isNull())
        return std::nullopt;
    return rowFromAt(q, first, &Waiting::reason, &Waiting::nextLook, &Waiting::deadline);
}

} // namespace storedetail

void readColumn(const QVariant &v, NodeState &out)
{
    static const QHash<QString, NodeState> states = [] {
        QHash<QString, NodeState> map;
        for (int i = int(NodeState::Pending); i <= int(NodeState::Interrupted); ++i)
            map.insert(toString(NodeState(i)), NodeState(i));
        return map;
    }();
    out = states.value(v.toString(), NodeState::Pending);
}

void readColumn(const QVariant &v, Freshness &out)
{
    const QString text = v.toString();
    out = Freshness::Unknown;
    for (Freshness f : {Freshness::Fresh, Freshness::StaleWarn, Freshness::StaleError}) {
        if (text == toString(f))
            out = f;
    }
}

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

bool StateStore::onTableChanged(const QString &table, QObject *context,
                                std::function<void()> onChange)
{
    if (!d->pg)
        return false;
    QSqlDriver *driver = d->db.driver();
    const QString channel = QStringLiteral("vouch_") + table;
    if (!driver->subscribeToNotification(channel))
        return false;
    QObject::connect(driver, &QSqlDriver::notification, context,
                     [channel, onChange = std::move(onChange)](const QString &name) {
                         if (name == channel)
                             onChange();
                     });
    return true;
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
