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

std::optional<AlertChannel::Type> serviceFrom(const QString &text)
{
    for (auto t : {AlertChannel::Type::Slack, AlertChannel::Type::Teams,
                   AlertChannel::Type::PagerDuty, AlertChannel::Type::Webhook}) {
        if (toString(t) == text)
            return t;
    }
    return std::nullopt;
}

DeliveryStatus statusFrom(const QString &text)
{
    if (text == QLatin1String("delivered"))
        return DeliveryStatus::Delivered;
    if (text == QLatin1String("failed"))
        return DeliveryStatus::Failed;
    return DeliveryStatus::Pending;
}

Delivery deliveryFrom(const QSqlQuery &q)
{
    Delivery d;
    d.alertId = q.value(0).toLongLong();
    d.eventSeq = q.value(1).toLongLong();
    d.channel = q.value(2).toString();
    d.runId = q.value(3).toLongLong();
    d.reportId = q.value(4).toString();
    d.event = q.value(5).toString();
    d.service = serviceFrom(q.value(6).toString()).value_or(AlertChannel::Type::Webhook);
    d.target = q.value(7).toString();
    d.routingKey = q.value(8).toString();
    d.signingSecret = q.value(9).toString();
    d.payload = q.value(10).toString().toUtf8();
    d.status = statusFrom(q.value(11).toString());
    d.tries = q.value(12).toInt();
    d.createdAt = storedTime(q.value(13));
    d.nextAt = storedTime(q.value(14));
    d.giveUpAt = storedTime(q.value(15));
    d.finishedAt = storedTime(q.value(16));
    d.httpStatus = q.value(17).toInt();
    d.lastError = q.value(18).toString();
    d.timeoutMs = q.value(19).toLongLong();
    d.firstRetryMs = q.value(20).toLongLong();
    d.maxRetryMs = q.value(21).toLongLong();
    return d;
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
        AlertEvent e;
        e.eventSeq = q.value(0).toLongLong();
        e.alertId = q.value(1).toLongLong();
        e.event = q.value(2).toString();
        e.severity = q.value(3).toString();
        e.headline = q.value(4).toString();
        e.at = storedTime(q.value(5));
        e.runId = q.value(6).toLongLong();
        e.rootNode = q.value(7).toString();
        e.details = QJsonDocument::fromJson(q.value(8).toString().toUtf8()).object();
        e.period = q.value(9).toString();
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
