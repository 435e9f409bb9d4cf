#include "engine/alert/payloads.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vouch::engine {

namespace {

QString joinOrDash(const QStringList &names)
{
    return names.isEmpty() ? QStringLiteral("—") : names.join(QStringLiteral(", "));
}

QString eventTitle(const AlertEvent &e)
{
    const QString what = e.event == QLatin1String("resolved")  ? QStringLiteral("Resolved")
                         : e.event == QLatin1String("updated") ? QStringLiteral("Updated")
                                                               : QStringLiteral("Alert");
    return QStringLiteral("%1 [%2]: %3, %4")
        .arg(what, e.severity.toUpper(), e.reportName, e.period);
}

// Slack's mrkdwn treats &, < and > as control characters.
QString slackEscape(const QString &text)
{
    QString out = text;
    out.replace(QLatin1Char('&'), QLatin1String("&amp;"));
    out.replace(QLatin1Char('<'), QLatin1String("&lt;"));
    out.replace(QLatin1Char('>'), QLatin1String("&gt;"));
    return out;
}

QJsonObject mrkdwn(const QString &text)
{
    return {{QStringLiteral("type"), QStringLiteral("mrkdwn")},
            {QStringLiteral("text"), clipText(text, kSlackTextLimit)}};
}

struct Fact
{
    QString title;
    QString value;
};

QList<Fact> factsOf(const AlertEvent &e)
{
    const QJsonObject &d = e.details;
    QList<Fact> facts;
    if (d.contains(QStringLiteral("can_publish")))
        facts.append(
            {QStringLiteral("Can publish"),
             joinOrDash(d.value(QStringLiteral("can_publish")).toVariant().toStringList())});
    const QStringList caveat = d.value(QStringLiteral("caveat")).toVariant().toStringList();
    const QStringList held = d.value(QStringLiteral("held")).toVariant().toStringList();
    const QStringList blocked = d.value(QStringLiteral("blocked")).toVariant().toStringList();
    if (!caveat.isEmpty())
        facts.append({QStringLiteral("Publish with a caveat"), caveat.join(QStringLiteral(", "))});
    if (!held.isEmpty())
        facts.append({QStringLiteral("Held"), held.join(QStringLiteral(", "))});
    if (!blocked.isEmpty())
        facts.append({QStringLiteral("Blocked"), blocked.join(QStringLiteral(", "))});
    const QStringList owners = d.value(QStringLiteral("owners")).toVariant().toStringList();
    if (!owners.isEmpty())
        facts.append({QStringLiteral("Owners"), owners.join(QStringLiteral(", "))});
    if (!e.rootNode.isEmpty())
        facts.append({QStringLiteral("Root cause"), e.rootNode});
    return facts;
}

QList<Fact> fallbacksOf(const AlertEvent &e)
{
    QList<Fact> out;
    for (const QJsonValue &v : e.details.value(QStringLiteral("fallbacks")).toArray()) {
        const QJsonObject f = v.toObject();
        out.append({f.value(QStringLiteral("section")).toString(),
                    f.value(QStringLiteral("text")).toString()});
    }
    return out;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

QString clipText(const QString &text, int limit)
{
    if (text.size() <= limit)
        return text;
    return text.left(std::max(0, limit - 1)) + QChar(0x2026);
}

QString pagerDutyDedupKey(const AlertEvent &e)
{
    return clipText(QStringLiteral("vouch/%1/%2/alert-%3").arg(e.reportId, e.period).arg(e.alertId),
                    255);
}

QString pagerDutySeverity(const QString &severity)
{
    if (severity == QLatin1String("critical"))
        return QStringLiteral("critical");
    if (severity == QLatin1String("high"))
        return QStringLiteral("error");
    if (severity == QLatin1String("medium"))
        return QStringLiteral("warning");
    return QStringLiteral("info");
}

QJsonObject slackPayload(const AlertEvent &e)
{
    QJsonArray blocks;
    blocks.append(QJsonObject{
        {QStringLiteral("type"), QStringLiteral("header")},
        {QStringLiteral("text"),
         QJsonObject{{QStringLiteral("type"), QStringLiteral("plain_text")},
                     {QStringLiteral("text"), clipText(eventTitle(e), kSlackHeaderLimit)}}}});
    const QString headline =
        e.event == QLatin1String("resolved")
            ? QStringLiteral("~%1~\nResolved: the cause is gone.").arg(slackEscape(e.headline))
            : QStringLiteral("*%1*").arg(slackEscape(e.headline));
    blocks.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("section")},
                              {QStringLiteral("text"), mrkdwn(headline)}});
    QJsonArray fields;
    for (const Fact &f : factsOf(e)) {
        if (fields.size() == 10) // Slack's limit per section
            break;
        fields.append(mrkdwn(QStringLiteral("*%1*\n%2").arg(f.title, slackEscape(f.value))));
    }
    if (!fields.isEmpty())
        blocks.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("section")},
                                  {QStringLiteral("fields"), fields}});
    if (e.event != QLatin1String("resolved")) {
        for (const Fact &f : fallbacksOf(e)) {
            if (blocks.size() >= 45)
                break;
            blocks.append(
                QJsonObject{{QStringLiteral("type"), QStringLiteral("section")},
                            {QStringLiteral("text"),
                             mrkdwn(QStringLiteral("*Fallback (%1):* %2")
                                        .arg(slackEscape(f.title), slackEscape(f.value)))}});
        }
    }
    QJsonArray context{mrkdwn(QStringLiteral("Vouch · alert %1 · run %2 · %3")
                                  .arg(e.alertId)
                                  .arg(e.runId)
                                  .arg(e.at.toUTC().toString(Qt::ISODate)))};
    if (!e.link.isEmpty())
        context.append(mrkdwn(QStringLiteral("<%1|Open in Vouch>").arg(e.link)));
    blocks.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("context")},
                              {QStringLiteral("elements"), context}});
    // `text` is the notification's fallback and what screen readers say.
    return {{QStringLiteral("text"),
             clipText(eventTitle(e) + QStringLiteral(": ") + e.headline, kSlackTextLimit)},
            {QStringLiteral("blocks"), blocks}};
}

QJsonObject teamsPayload(const AlertEvent &e)
{
    const bool resolved = e.event == QLatin1String("resolved");
    QJsonArray body;
    body.append(QJsonObject{
        {QStringLiteral("type"), QStringLiteral("TextBlock")},
        {QStringLiteral("size"), QStringLiteral("Medium")},
        {QStringLiteral("weight"), QStringLiteral("Bolder")},
        {QStringLiteral("color"), resolved ? QStringLiteral("Good") : QStringLiteral("Attention")},
        {QStringLiteral("wrap"), true},
        {QStringLiteral("text"), eventTitle(e)}});
    body.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("TextBlock")},
                            {QStringLiteral("wrap"), true},
                            {QStringLiteral("text"), clipText(e.headline, 4000)}});
    QJsonArray facts;
    for (const Fact &f : factsOf(e))
        facts.append(QJsonObject{{QStringLiteral("title"), f.title},
                                 {QStringLiteral("value"), clipText(f.value, 1000)}});
    if (!facts.isEmpty())
        body.append(QJsonObject{{QStringLiteral("type"), QStringLiteral("FactSet")},
                                {QStringLiteral("facts"), facts}});
    if (!resolved) {
        for (const Fact &f : fallbacksOf(e))
            body.append(QJsonObject{
                {QStringLiteral("type"), QStringLiteral("TextBlock")},
                {QStringLiteral("wrap"), true},
                {QStringLiteral("isSubtle"), true},
                {QStringLiteral("text"),
                 clipText(QStringLiteral("Fallback (%1): %2").arg(f.title, f.value), 2000)}});
    }
    QJsonObject card{{QStringLiteral("type"), QStringLiteral("AdaptiveCard")},
                     {QStringLiteral("$schema"),
                      QStringLiteral("http://adaptivecards.io/schemas/adaptive-card.json")},
                     {QStringLiteral("version"), QStringLiteral("1.4")},
                     {QStringLiteral("body"), body}};
    if (!e.link.isEmpty())
        card.insert(
            QStringLiteral("actions"),
            QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("Action.OpenUrl")},
                                   {QStringLiteral("title"), QStringLiteral("Open in Vouch")},
                                   {QStringLiteral("url"), e.link}}});
    return {{QStringLiteral("type"), QStringLiteral("message")},
            {QStringLiteral("attachments"),
             QJsonArray{QJsonObject{{QStringLiteral("contentType"),
                                     QStringLiteral("application/vnd.microsoft.card.adaptive")},
                                    {QStringLiteral("contentUrl"), QJsonValue::Null},
                                    {QStringLiteral("content"), card}}}}};
}

QJsonObject pagerDutyPayload(const AlertEvent &e)
{
    QJsonObject event{{QStringLiteral("dedup_key"), pagerDutyDedupKey(e)}};
    if (e.event == QLatin1String("resolved")) {
        event.insert(QStringLiteral("event_action"), QStringLiteral("resolve"));
        return event;
    }
    event.insert(QStringLiteral("event_action"), QStringLiteral("trigger"));
    QJsonObject custom;
    for (const Fact &f : factsOf(e))
        custom.insert(f.title, f.value);
    for (const Fact &f : fallbacksOf(e))
        custom.insert(QStringLiteral("Fallback (%1)").arg(f.title), f.value);
    custom.insert(QStringLiteral("Alert"), QString::number(e.alertId));
    QString component;
    for (const QJsonValue &v : e.details.value(QStringLiteral("sections")).toArray()) {
        if (component.isEmpty())
            component = v.toObject().value(QStringLiteral("name")).toString();
    }
    QJsonObject payload{{QStringLiteral("summary"), clipText(e.headline, kPagerDutySummaryLimit)},
                        {QStringLiteral("source"), QStringLiteral("vouch: %1").arg(e.reportId)},
                        {QStringLiteral("severity"), pagerDutySeverity(e.severity)},
                        {QStringLiteral("timestamp"), e.at.toUTC().toString(Qt::ISODate)},
                        {QStringLiteral("group"), e.reportName},
                        {QStringLiteral("class"), e.rootNode},
                        {QStringLiteral("custom_details"), custom}};
    if (!component.isEmpty())
        payload.insert(QStringLiteral("component"), component);
    event.insert(QStringLiteral("payload"), payload);
    event.insert(QStringLiteral("client"), QStringLiteral("Vouch"));
    if (!e.link.isEmpty()) {
        event.insert(QStringLiteral("client_url"), e.link);
        event.insert(
            QStringLiteral("links"),
            QJsonArray{QJsonObject{{QStringLiteral("href"), e.link},
                                   {QStringLiteral("text"), QStringLiteral("Open in Vouch")}}});
    }
    return event;
}

QJsonObject webhookPayload(const AlertEvent &e)
{
    QJsonObject alert = e.details;
    alert.insert(QStringLiteral("id"), e.alertId);
    alert.insert(QStringLiteral("run_id"), e.runId);
    alert.insert(QStringLiteral("severity"), e.severity);
    alert.insert(QStringLiteral("state"), e.event);
    alert.insert(QStringLiteral("headline"), e.headline);
    alert.insert(QStringLiteral("root_cause"), e.rootNode);
    return {{QStringLiteral("schema"), QStringLiteral("vouch.alert.v1")},
            {QStringLiteral("event"), e.event},
            {QStringLiteral("event_id"), QStringLiteral("%1-%2").arg(e.alertId).arg(e.eventSeq)},
            {QStringLiteral("at"), e.at.toUTC().toString(Qt::ISODate)},
            {QStringLiteral("report"), QJsonObject{{QStringLiteral("id"), e.reportId},
                                                   {QStringLiteral("name"), e.reportName},
                                                   {QStringLiteral("period"), e.period}}},
            {QStringLiteral("alert"), alert},
            {QStringLiteral("link"), e.link.isEmpty() ? QJsonValue() : QJsonValue(e.link)}};
}

QByteArray payloadFor(AlertChannel::Type type, const AlertEvent &event)
{
    switch (type) {
    case AlertChannel::Type::Slack:
        return compact(slackPayload(event));
    case AlertChannel::Type::Teams: {
        QByteArray body = compact(teamsPayload(event));
        if (body.size() > kTeamsPayloadLimit) {
            // Fallbacks and facts go first; the headline stays.
            AlertEvent lean = event;
            lean.details = QJsonObject{};
            lean.headline = clipText(event.headline, 2000);
            body = compact(teamsPayload(lean));
        }
        return body;
    }
    case AlertChannel::Type::PagerDuty: {
        QByteArray body = compact(pagerDutyPayload(event));
        if (body.size() > kPagerDutyPayloadLimit - 1024) {
            AlertEvent lean = event;
            lean.details = QJsonObject{};
            body = compact(pagerDutyPayload(lean));
        }
        return body;
    }
    case AlertChannel::Type::Webhook: {
        QByteArray body = compact(webhookPayload(event));
        if (body.size() > kWebhookPayloadLimit) {
            AlertEvent lean = event;
            lean.details.remove(QStringLiteral("sections"));
            lean.details.remove(QStringLiteral("fallbacks"));
            lean.details.insert(QStringLiteral("truncated"), true);
            lean.headline = clipText(event.headline, 8000);
            body = compact(webhookPayload(lean));
        }
        return body;
    }
    }
    return {};
}

QByteArray withRoutingKey(const QByteArray &payload, const QString &routingKey)
{
    QJsonObject o = QJsonDocument::fromJson(payload).object();
    o.insert(QStringLiteral("routing_key"), routingKey);
    return compact(o);
}

} // namespace vouch::engine
