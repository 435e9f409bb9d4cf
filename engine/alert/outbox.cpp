#include "engine/alert/outbox.h"

#include "engine/store/statestore.h"
#include "engine/store/storesql.h"
#include "engine/util/clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace vouch::engine {

namespace {

const char *const kColumns =
    "alert_id, event_seq, channel, run_id, report_id, event, service, target, routing_key, "
    "signing_secret, payload, status, tries, created_at, next_at, give_up_at, finished_at, "
    "http_status, last_error, timeout_ms, first_retry_ms, max_retry_ms";

qint64 nowMs()
{
    return wallNow().toMSecsSinceEpoch();
}

} // namespace

// For rowFrom() (storesql.h): a channel type and a delivery status are
// stored as their names; an unknown service reads as a webhook.
void readColumn(const QVariant &v, AlertChannel::Type &out)
{
    out = AlertChannel::Type::Webhook;
    for (auto t : {AlertChannel::Type::Slack, AlertChannel::Type::Teams,
                   AlertChannel::Type::PagerDuty, AlertChannel::Type::Webhook}) {
        if (toString(t) == v.toString())
            out = t;
    }
}

void readColumn(const QVariant &v, DeliveryStatus &out)
{
    const QString text = v.toString();
    out = text == QLatin1String("delivered") ? DeliveryStatus::Delivered
          : text == QLatin1String("failed")  ? DeliveryStatus::Failed
                                             : DeliveryStatus::Pending;
}

namespace {

// Reads the columns of kColumns, in that order.
Delivery deliveryFrom(const QSqlQuery &q)
{
    return rowFrom(q, &Delivery::alertId, &Delivery::eventSeq, &Delivery::channel, &Delivery::runId,
                   &Delivery::reportId, &Delivery::event, &Delivery::service, &Delivery::target,
                   &Delivery::routingKey, &Delivery::signingSecret, &Delivery::payload,
                   &Delivery::status, &Delivery::tries, &Delivery::createdAt, &Delivery::nextAt,
                   &Delivery::giveUpAt, &Delivery::finishedAt, &Delivery::httpStatus,
                   &Delivery::lastError, &Delivery::timeoutMs, &Delivery::firstRetryMs,
                   &Delivery::maxRetryMs);
}

// QtSql binds a null QString as NULL; these columns are NOT NULL ''.
QString notNull(const QString &text)
{
    return text.isNull() ? QString(QLatin1String("")) : text;
}

} // namespace

QString toString(DeliveryStatus status)
{
    switch (status) {
    case DeliveryStatus::Pending:
        return QStringLiteral("pending");
    case DeliveryStatus::Delivered:
        return QStringLiteral("delivered");
    case DeliveryStatus::Failed:
        return QStringLiteral("failed");
    }
    Q_UNREACHABLE();
}

QString Delivery::key() const
{
    return QStringLiteral("%1/%2/%3").arg(alertId).arg(eventSeq).arg(channel);
}

QStringList channelsFor(const Alerting &alerting, const QString &severity,
                        const QStringList &sections, const QStringList &owners)
{
    const auto intersects = [](const QStringList &a, const QStringList &b) {
        for (const QString &x : a) {
            if (b.contains(x))
                return true;
        }
        return false;
    };
    QStringList to;
    for (const AlertRoute &route : alerting.routes) {
        if (!route.severities.isEmpty() && !route.severities.contains(severity))
            continue;
        if (!route.sections.isEmpty() && !intersects(route.sections, sections))
            continue;
        if (!route.owners.isEmpty() && !intersects(route.owners, owners))
            continue;
        to << route.to;
    }
    for (const QString &owner : owners)
        to << alerting.owners.value(owner);
    to.removeDuplicates();
    to.sort();
    return to;
}

// The tables are part of the store's schema (migration 5, SQLite and
// PostgreSQL alike): opening a StateStore has made them.
Outbox::Outbox(StateStore &store)
    : m_connection(store.connectionName())
{}

bool Outbox::exec(const QString &sql, const QVariantList &binds, QString *error) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.prepare(sql)) {
        if (error)
            *error = QStringLiteral("the delivery outbox: %1").arg(q.lastError().text());
        return false;
    }
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (!q.exec()) {
        if (error)
            *error = QStringLiteral("the delivery outbox: %1").arg(q.lastError().text());
        return false;
    }
    return true;
}

int Outbox::enqueue(const Contract &contract, QString *error)
{
    if (contract.alerting.channels.isEmpty())
        return 0;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    const QString reportId = contract.report.id;
    const auto fail = [&](const QSqlQuery &q) {
        if (error)
            *error = QStringLiteral("the delivery outbox: %1").arg(q.lastError().text());
        rollbackWrite(db);
        return 0;
    };
    if (const QSqlError e = beginWrite(db); e.isValid()) {
        if (error)
            *error =
                QStringLiteral("the delivery outbox: cannot begin a transaction: %1").arg(e.text());
        return 0;
    }
    QSqlQuery cursor(db);
    cursor.prepare(QStringLiteral("SELECT last_seq FROM delivery_cursors WHERE report_id = ?"));
    cursor.addBindValue(reportId);
    qint64 after = 0;
    if (cursor.exec() && cursor.next())
        after = cursor.value(0).toLongLong();
    cursor.finish();

    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "SELECT e.seq, e.alert_id, e.state, e.severity, e.headline, e.at, a.run_id, a.root_node, "
        "a.details, r.period FROM alert_events e JOIN alerts a ON a.id = e.alert_id "
        "JOIN runs r ON r.id = a.run_id WHERE r.report_id = ? AND e.seq > ? ORDER BY e.seq"));
    q.addBindValue(reportId);
    q.addBindValue(after);
    if (!q.exec())
        return fail(q);
    const DeliveryPolicy &policy = contract.alerting.delivery;
    const qint64 created = nowMs();
    int added = 0;
    qint64 last = after;
    QList<AlertEvent> events;
    while (q.next()) {
        AlertEvent e = rowFrom(q, &AlertEvent::eventSeq, &AlertEvent::alertId, &AlertEvent::event,
                               &AlertEvent::severity, &AlertEvent::headline, &AlertEvent::at,
                               &AlertEvent::runId, &AlertEvent::rootNode, &AlertEvent::details,
                               &AlertEvent::period);
        e.reportId = reportId;
        e.reportName = contract.report.name;
        if (!contract.alerting.link.isEmpty()) {
            QString link = contract.alerting.link;
            link.replace(QLatin1String("{alert}"), QString::number(e.alertId));
            link.replace(QLatin1String("{run}"), QString::number(e.runId));
            link.replace(QLatin1String("{report}"), reportId);
            e.link = link;
        }
        events.append(e);
    }
    q.finish();
    for (const AlertEvent &e : std::as_const(events)) {
        last = std::max(last, e.eventSeq);
        QStringList sections;
        for (const QJsonValue &v : e.details.value(QStringLiteral("sections")).toArray())
            sections << v.toObject().value(QStringLiteral("id")).toString();
        const QStringList owners =
            e.details.value(QStringLiteral("owners")).toVariant().toStringList();
        for (const QString &name : channelsFor(contract.alerting, e.severity, sections, owners)) {
            const auto it = contract.alerting.channels.constFind(name);
            if (it == contract.alerting.channels.cend())
                continue;
            const AlertChannel &ch = *it;
            QSqlQuery ins(db);
            ins.prepare(QStringLiteral(
                "INSERT INTO deliveries (alert_id, event_seq, channel, run_id, report_id, event, "
                "service, target, routing_key, signing_secret, payload, status, tries, created_at, "
                "next_at, give_up_at, timeout_ms, first_retry_ms, max_retry_ms) VALUES (?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (alert_id, event_seq, channel) DO NOTHING"));
            for (const QVariant &v :
                 QVariantList{e.alertId, e.eventSeq, name, e.runId, reportId, e.event,
                              toString(ch.type), notNull(ch.url), notNull(ch.routingKey),
                              notNull(ch.signingSecret), QString::fromUtf8(payloadFor(ch.type, e)),
                              created, created, created + qint64(policy.giveUpAfter.count()) * 1000,
                              qint64(policy.timeout.count()) * 1000,
                              qint64(policy.firstRetry.count()) * 1000,
                              qint64(policy.maxRetry.count()) * 1000})
                ins.addBindValue(v);
            if (!ins.exec())
                return fail(ins);
            added += ins.numRowsAffected() > 0 ? 1 : 0;
        }
    }
    if (last != after) {
        QSqlQuery up(db);
        up.prepare(
            QStringLiteral("INSERT INTO delivery_cursors (report_id, last_seq) VALUES (?, ?) "
                           "ON CONFLICT (report_id) DO UPDATE SET last_seq = "
                           "excluded.last_seq"));
        up.addBindValue(reportId);
        up.addBindValue(last);
        if (!up.exec())
            return fail(up);
    }
    if (commitWrite(db).isValid()) {
        rollbackWrite(db);
        return 0;
    }
    return added;
}

QList<Delivery> Outbox::claimDue(const QString &holder, const QDateTime &now, int limit)
{
    QList<Delivery> claimed;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    const qint64 t = now.toMSecsSinceEpoch();
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM deliveries d WHERE d.status = 'pending' AND "
                             "d.next_at <= ? AND (d.claimed_until IS NULL OR d.claimed_until < ?) "
                             "AND NOT EXISTS (SELECT 1 FROM deliveries e WHERE e.alert_id = "
                             "d.alert_id AND e.channel = d.channel AND e.event_seq < d.event_seq "
                             "AND e.status = 'pending') ORDER BY d.created_at, d.alert_id, "
                             "d.event_seq, d.channel LIMIT ?")
                  .arg(QString::fromLatin1(kColumns)));
    q.addBindValue(t);
    q.addBindValue(t);
    q.addBindValue(limit);
    if (!q.exec())
        return claimed;
    QList<Delivery> due;
    while (q.next())
        due.append(deliveryFrom(q));
    q.finish();
    for (Delivery &d : due) {
        // Claimed (and the try counted) before anything is sent.
        QSqlQuery up(db);
        up.prepare(QStringLiteral(
            "UPDATE deliveries SET claimed_by = ?, claimed_until = ?, tries = tries + 1 "
            "WHERE alert_id = ? AND event_seq = ? AND channel = ? AND status = 'pending' AND "
            "(claimed_until IS NULL OR claimed_until < ?)"));
        for (const QVariant &v :
             QVariantList{holder, t + d.timeoutMs + 5000, d.alertId, d.eventSeq, d.channel, t})
            up.addBindValue(v);
        if (up.exec() && up.numRowsAffected() == 1) {
            ++d.tries;
            claimed.append(d);
        }
    }
    return claimed;
}

QDateTime Outbox::nextDue() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT min(CASE WHEN claimed_until IS NOT NULL AND claimed_until > "
                             "next_at THEN claimed_until ELSE next_at END) FROM deliveries WHERE "
                             "status = 'pending'"));
    if (!q.exec() || !q.next() || q.value(0).isNull())
        return {};
    return storedTime(q.value(0));
}

void Outbox::markDelivered(const Delivery &d, int httpStatus, const QDateTime &now)
{
    exec(QStringLiteral("UPDATE deliveries SET status = 'delivered', finished_at = ?, "
                        "http_status = ?, last_error = NULL, claimed_by = NULL, claimed_until = "
                        "NULL WHERE alert_id = ? AND event_seq = ? AND channel = ?"),
         {now.toMSecsSinceEpoch(), httpStatus, d.alertId, d.eventSeq, d.channel});
}

void Outbox::markRetry(const Delivery &d, int httpStatus, const QString &error,
                       const QDateTime &retryAt, const QDateTime &now)
{
    if (retryAt > d.giveUpAt) {
        markFailed(d, httpStatus,
                   QStringLiteral("gave up after %1 tries: %2").arg(d.tries).arg(error), now);
        return;
    }
    exec(QStringLiteral("UPDATE deliveries SET next_at = ?, http_status = ?, last_error = ?, "
                        "claimed_by = NULL, claimed_until = NULL WHERE alert_id = ? AND "
                        "event_seq = ? AND channel = ? AND status = 'pending'"),
         {retryAt.toMSecsSinceEpoch(), httpStatus ? QVariant(httpStatus) : QVariant(), error,
          d.alertId, d.eventSeq, d.channel});
}

void Outbox::markFailed(const Delivery &d, int httpStatus, const QString &error,
                        const QDateTime &now)
{
    exec(QStringLiteral("UPDATE deliveries SET status = 'failed', finished_at = ?, http_status = "
                        "?, last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE "
                        "alert_id = ? AND event_seq = ? AND channel = ?"),
         {now.toMSecsSinceEpoch(), httpStatus ? QVariant(httpStatus) : QVariant(), error, d.alertId,
          d.eventSeq, d.channel});
}

QStringList Outbox::claimHolders() const
{
    QStringList holders;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (q.exec(QStringLiteral("SELECT DISTINCT claimed_by FROM deliveries WHERE status = "
                              "'pending' AND claimed_by IS NOT NULL"))) {
        while (q.next())
            holders << q.value(0).toString();
    }
    return holders;
}

void Outbox::releaseClaims(const QString &holder)
{
    exec(QStringLiteral("UPDATE deliveries SET claimed_by = NULL, claimed_until = NULL WHERE "
                        "claimed_by = ? AND status = 'pending'"),
         {holder});
}

std::optional<Delivery> Outbox::delivery(qint64 alertId, qint64 eventSeq,
                                         const QString &channel) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT %1 FROM deliveries WHERE alert_id = ? AND event_seq = ? "
                             "AND channel = ?")
                  .arg(QString::fromLatin1(kColumns)));
    q.addBindValue(alertId);
    q.addBindValue(eventSeq);
    q.addBindValue(channel);
    if (!q.exec() || !q.next())
        return std::nullopt;
    return deliveryFrom(q);
}

QList<Delivery> Outbox::deliveries(qint64 alertId) const
{
    QList<Delivery> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT %1 FROM deliveries %2 ORDER BY alert_id, event_seq, channel")
                  .arg(QString::fromLatin1(kColumns),
                       alertId ? QStringLiteral("WHERE alert_id = ?") : QString()));
    if (alertId)
        q.addBindValue(alertId);
    if (q.exec()) {
        while (q.next())
            out.append(deliveryFrom(q));
    }
    return out;
}

QList<Delivery> Outbox::forRun(qint64 runId) const
{
    QList<Delivery> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT %1 FROM deliveries WHERE run_id = ? ORDER BY alert_id, "
                             "event_seq, channel")
                  .arg(QString::fromLatin1(kColumns)));
    q.addBindValue(runId);
    if (q.exec()) {
        while (q.next())
            out.append(deliveryFrom(q));
    }
    return out;
}

int Outbox::pendingCount() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (q.exec(QStringLiteral("SELECT count(*) FROM deliveries WHERE status = 'pending'")) &&
        q.next())
        return q.value(0).toInt();
    return 0;
}

} // namespace vouch::engine
