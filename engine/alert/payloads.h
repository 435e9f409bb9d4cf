#pragma once

// What each service receives for one alert event: Slack incoming-webhook
// blocks, a Microsoft Teams workflow message with an Adaptive Card, a
// PagerDuty Events API v2 event, or Vouch's own JSON (schema
// "vouch.alert.v1", see docs/alerting.md). Payloads never carry a secret:
// PagerDuty's routing key is added at send time, from the keychain.

#include "engine/contract/contract.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace vouch::engine {

// One state change of one alert, as a channel reports it.
struct AlertEvent
{
    qint64 alertId = 0;
    qint64 eventSeq = 0;
    qint64 runId = 0;
    QString event; // open, updated, resolved
    QString severity;
    QString headline;
    QString rootNode;
    QJsonObject details; // as AlertDraft::details
    QString reportId;
    QString reportName;
    QString period;
    QDateTime at;
    QString link; // a link back to the alert; may be empty
};

// Each service's limits (bytes of the compact JSON, or characters).
constexpr int kSlackTextLimit = 3000;     // a section block's text
constexpr int kSlackHeaderLimit = 150;    // a header block's text
constexpr int kTeamsPayloadLimit = 28000; // a Teams message
constexpr int kPagerDutySummaryLimit = 1024;
constexpr int kPagerDutyPayloadLimit = 512 * 1024;
constexpr int kWebhookPayloadLimit = 256 * 1024;

QJsonObject slackPayload(const AlertEvent &event);
QJsonObject teamsPayload(const AlertEvent &event);
// Without "routing_key"; withRoutingKey() adds it just before sending.
QJsonObject pagerDutyPayload(const AlertEvent &event);
QJsonObject webhookPayload(const AlertEvent &event);

// The payload for a channel of this type, compact, within the service's limit.
QByteArray payloadFor(AlertChannel::Type type, const AlertEvent &event);
QByteArray withRoutingKey(const QByteArray &pagerDutyPayload, const QString &routingKey);

// PagerDuty's deduplication key for an alert: one incident per alert.
QString pagerDutyDedupKey(const AlertEvent &event);
QString pagerDutySeverity(const QString &severity);

// Text cut to at most `limit` characters, marked with an ellipsis.
QString clipText(const QString &text, int limit);

} // namespace vouch::engine
