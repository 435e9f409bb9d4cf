#pragma once

// The durable delivery outbox. Every (alert, state change, channel) is a row
// in the state store before anything is sent; its key makes a second row for
// the same triple impossible, and a row is claimed before it is sent, so two
// Vouch processes on one store never post the same change twice. Rows carry
// secret *references* (keychain:NAME, ${ENV}) and payloads without secrets.

#include "engine/alert/payloads.h"
#include "engine/contract/contract.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace vouch::engine {

class StateStore;

enum class DeliveryStatus
{
    Pending,
    Delivered,
    Failed
};
QString toString(DeliveryStatus status);

struct Delivery
{
    qint64 alertId = 0;
    qint64 eventSeq = 0;
    QString channel;
    qint64 runId = 0;
    QString reportId;
    QString event; // open, updated, resolved
    AlertChannel::Type service = AlertChannel::Type::Webhook;
    QString target;        // secret reference, or PagerDuty's events URL
    QString routingKey;    // PagerDuty: secret reference
    QString signingSecret; // webhook: secret reference
    QByteArray payload;    // without secrets
    DeliveryStatus status = DeliveryStatus::Pending;
    int tries = 0;
    QDateTime createdAt;
    QDateTime nextAt;
    QDateTime giveUpAt;
    QDateTime finishedAt;
    int httpStatus = 0;
    QString lastError;
    qint64 timeoutMs = 10000;
    qint64 firstRetryMs = 30000;
    qint64 maxRetryMs = 900000;

    QString key() const; // "alert/seq/channel", also sent as the idempotency key
};

// The channels an alert event goes to: every route whose conditions all
// match (severity, any affected section, any owner), plus the channels its
// owners map to. Sorted, without duplicates.
QStringList channelsFor(const Alerting &alerting, const QString &severity,
                        const QStringList &sections, const QStringList &owners);

class Outbox
{
public:
    // Uses the store's connection (same thread as the store); its tables are
    // part of the store's schema (migration 5).
    explicit Outbox(StateStore &store);

    // Turns the report's alert changes since the last call into delivery
    // rows, routed by the contract. Returns how many rows were added; on a
    // store error nothing is added (the next call tries again) and *error
    // says why. Delivery timing runs on the real clock: retries are real waits.
    int enqueue(const Contract &contract, QString *error = nullptr);

    // Claims up to `limit` rows that are due, oldest first, for `holder`
    // until claimedUntil; a change of one alert reaches a channel only after
    // its earlier changes there are settled (a PagerDuty resolve never
    // overtakes its trigger).
    QList<Delivery> claimDue(const QString &holder, const QDateTime &now, int limit);
    // When the next pending row is due (invalid when none is pending).
    QDateTime nextDue() const;

    void markDelivered(const Delivery &d, int httpStatus, const QDateTime &now);
    // Tried again at retryAt, or failed for good when that is past give-up.
    void markRetry(const Delivery &d, int httpStatus, const QString &error,
                   const QDateTime &retryAt, const QDateTime &now);
    void markFailed(const Delivery &d, int httpStatus, const QString &error, const QDateTime &now);

    // Who holds claims on pending rows ("host:pid"), and letting them go
    // (the holder died: its rows are sent again at once).
    QStringList claimHolders() const;
    void releaseClaims(const QString &holder);

    std::optional<Delivery> delivery(qint64 alertId, qint64 eventSeq, const QString &channel) const;
    QList<Delivery> deliveries(qint64 alertId = 0) const;
    QList<Delivery> forRun(qint64 runId) const;
    int pendingCount() const;

private:
    bool exec(const QString &sql, const QVariantList &binds, QString *error = nullptr) const;
    QString m_connection;
};

} // namespace vouch::engine
