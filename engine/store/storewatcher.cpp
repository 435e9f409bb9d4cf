#include "engine/store/storewatcher.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace vouch::engine {

namespace {
constexpr int kKeepAliveMs = 1000;
constexpr int kSqlitePollMs = 500;
const char *const kChannels[] = {"vouch_events", "vouch_requests", "vouch_decisions",
                                 "vouch_leases", "vouch_attempts"};
} // namespace

StoreWatcher::StoreWatcher(QString statePath, QString reportId, QObject *parent)
    : QObject(parent)
    , m_statePath(std::move(statePath))
    , m_reportId(std::move(reportId))
{
    connect(&m_keepAlive, &QTimer::timeout, this, &StoreWatcher::check);
}

StoreWatcher::~StoreWatcher() = default;

bool StoreWatcher::start(QString *error)
{
    if (!connectStore(error))
        return false;
    m_keepAlive.start(m_store->isPostgres() ? kKeepAliveMs : kSqlitePollMs);
    catchUp();
    return true;
}

bool StoreWatcher::connectStore(QString *error)
{
    m_store = StateStore::open(m_statePath, error);
    if (!m_store)
        return false;
    if (!m_store->isPostgres())
        return true;
    QSqlDriver *driver = QSqlDatabase::database(m_store->connectionName(), false).driver();
    for (const char *channel : kChannels) {
        if (!driver->subscribeToNotification(QString::fromLatin1(channel))) {
            if (error)
                *error = QStringLiteral("cannot listen on %1: %2")
                             .arg(QString::fromLatin1(channel), driver->lastError().text());
            m_store.reset();
            return false;
        }
    }
    connect(driver, &QSqlDriver::notification, this,
            [this](const QString &name) { onNotification(name); });
    return true;
}

void StoreWatcher::onNotification(const QString &channel)
{
    if (channel == QLatin1String("vouch_events"))
        catchUp();
    else if (channel == QLatin1String("vouch_requests"))
        Q_EMIT requestsChanged();
    else if (channel == QLatin1String("vouch_decisions"))
        Q_EMIT decisionsChanged();
    else if (channel == QLatin1String("vouch_leases"))
        Q_EMIT leasesChanged();
    else if (channel == QLatin1String("vouch_attempts"))
        Q_EMIT attemptsChanged();
}

void StoreWatcher::catchUp()
{
    if (!m_store)
        return;
    constexpr int kPage = 5000;
    for (;;) {
        const QList<EventRecord> events = m_store->eventsSince(m_lastSeq, m_reportId, kPage);
        if (events.isEmpty())
            return;
        m_lastSeq = events.last().seq;
        Q_EMIT eventsArrived(events);
        if (events.size() < kPage)
            return;
    }
}

// The keep-alive: a trivial query on PostgreSQL (a dropped connection only
// shows when it is used), the new-event check on SQLite. Reconnects when the
// connection is gone.
void StoreWatcher::checkDecisions()
{
    QSqlQuery q(QSqlDatabase::database(m_store->connectionName(), false));
    if (!q.exec(QStringLiteral("SELECT coalesce(max(seq), 0) FROM audit_log")) || !q.next())
        return; // an older store, or no right to read the log: nothing to follow
    const qint64 seq = q.value(0).toLongLong();
    // The first look reports decisions already on the record too: whoever
    // follows may have loaded the run just before one was written.
    if (seq != m_auditSeq && (m_auditSeq >= 0 || seq > 0))
        Q_EMIT decisionsChanged();
    m_auditSeq = seq;
}

void StoreWatcher::check()
{
    if (m_store) {
        if (!m_store->isPostgres()) {
            catchUp();
            checkDecisions();
            return;
        }
        QSqlQuery q(QSqlDatabase::database(m_store->connectionName(), false));
        if (q.exec(QStringLiteral("SELECT 1"))) {
            checkDecisions();
            return;
        }
        m_lostError = q.lastError().text().trimmed();
        q = QSqlQuery();
        m_store.reset();
        Q_EMIT connectionLost(m_lostError);
    }
    QString error;
    if (!connectStore(&error))
        return; // the next tick tries again
    // Whatever was written while we were away: from the event table.
    catchUp();
    Q_EMIT reconnected();
    Q_EMIT requestsChanged();
    Q_EMIT leasesChanged();
    Q_EMIT attemptsChanged();
    Q_EMIT decisionsChanged();
}

} // namespace vouch::engine
