// What each service receives stays within its limits and carries the
// decision in business words; routing picks the right channels; retry
// timing follows the policy and Retry-After.

#include "engine/alert/dispatcher.h"
#include "engine/alert/outbox.h"
#include "engine/alert/payloads.h"
#include "support/testguard.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vouch::engine;

namespace {

AlertEvent makeEvent(const QString &headline, const QString &state = QStringLiteral("open"))
{
    AlertEvent e;
    e.alertId = 7;
    e.eventSeq = 21;
    e.runId = 3;
    e.event = state;
    e.severity = QStringLiteral("high");
    e.headline = headline;
    e.rootNode = QStringLiteral("chk_sku_cost_mapped");
    e.reportId = QStringLiteral("weekly");
    e.reportName = QStringLiteral("Weekly Operating Performance Report");
    e.period = QStringLiteral("2026-W48");
    e.at = QDateTime(QDate(2026, 11, 30), QTime(6, 0), Qt::UTC);
    e.link = QStringLiteral("https://vouch.example/alerts/7");
    e.details = QJsonObject{
        {QStringLiteral("sections"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("contribution_margin")},
                                {QStringLiteral("name"), QStringLiteral("Contribution margin")}}}},
        {QStringLiteral("can_publish"),
         QJsonArray{QStringLiteral("Revenue"), QStringLiteral("Cash bridge")}},
        {QStringLiteral("caveat"), QJsonArray{QStringLiteral("Contribution margin")}},
        {QStringLiteral("fallbacks"),
         QJsonArray{
             QJsonObject{{QStringLiteral("section"), QStringLiteral("Contribution margin")},
                         {QStringLiteral("text"), QStringLiteral("Use last week's rates.")}}}},
        {QStringLiteral("owners"), QJsonArray{QStringLiteral("finance-lead")}}};
    return e;
}

QJsonObject parse(const QByteArray &body)
{
    return QJsonDocument::fromJson(body).object();
}

} // namespace

class TestPayloads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void slackSaysWhatCanPublish()
    {
        const QJsonObject o = parse(payloadFor(
            AlertChannel::Type::Slack, makeEvent(QStringLiteral("Margin is not safe & <late>"))));
        const QJsonArray blocks = o.value(QStringLiteral("blocks")).toArray();
        QCOMPARE(blocks.first().toObject().value(QStringLiteral("type")).toString(),
                 QStringLiteral("header"));
        const QByteArray text = QJsonDocument(o).toJson();
        QVERIFY(text.contains("Revenue, Cash bridge"));
        QVERIFY(text.contains("Use last week's rates."));
        QVERIFY(text.contains("Margin is not safe &amp; &lt;late&gt;")); // mrkdwn escaped
        QVERIFY(text.contains("https://vouch.example/alerts/7"));
    }

    void limitsAreRespected()
    {
        const QString huge(50000, QLatin1Char('x'));
        const QJsonObject slack = parse(payloadFor(AlertChannel::Type::Slack, makeEvent(huge)));
        for (const QJsonValue &b : slack.value(QStringLiteral("blocks")).toArray()) {
            const QJsonObject text = b.toObject().value(QStringLiteral("text")).toObject();
            QVERIFY(text.value(QStringLiteral("text")).toString().size() <= kSlackTextLimit);
        }
        QVERIFY(slack.value(QStringLiteral("text")).toString().size() <= kSlackTextLimit);
        QVERIFY(payloadFor(AlertChannel::Type::Teams, makeEvent(huge)).size() <=
                kTeamsPayloadLimit);
        const QJsonObject pd = parse(payloadFor(AlertChannel::Type::PagerDuty, makeEvent(huge)));
        QCOMPARE(pd.value(QStringLiteral("payload"))
                     .toObject()
                     .value(QStringLiteral("summary"))
                     .toString()
                     .size(),
                 kPagerDutySummaryLimit);
        AlertEvent big = makeEvent(QStringLiteral("h"));
        QJsonArray many;
        for (int i = 0; i < 4000; ++i)
            many.append(QJsonObject{{QStringLiteral("section"), QString::number(i)},
                                    {QStringLiteral("text"), QString(100, QLatin1Char('y'))}});
        big.details.insert(QStringLiteral("fallbacks"), many);
        const QByteArray hook = payloadFor(AlertChannel::Type::Webhook, big);
        QVERIFY(hook.size() <= kWebhookPayloadLimit);
        QVERIFY(parse(hook)
                    .value(QStringLiteral("alert"))
                    .toObject()
                    .value(QStringLiteral("truncated"))
                    .toBool());
    }

    void pagerDutyTriggersAndResolvesOneIncident()
    {
        const QJsonObject trigger =
            parse(payloadFor(AlertChannel::Type::PagerDuty, makeEvent(QStringLiteral("h"))));
        const QJsonObject resolve =
            parse(payloadFor(AlertChannel::Type::PagerDuty,
                             makeEvent(QStringLiteral("h"), QStringLiteral("resolved"))));
        QCOMPARE(trigger.value(QStringLiteral("event_action")).toString(),
                 QStringLiteral("trigger"));
        QCOMPARE(resolve.value(QStringLiteral("event_action")).toString(),
                 QStringLiteral("resolve"));
        QCOMPARE(trigger.value(QStringLiteral("dedup_key")),
                 resolve.value(QStringLiteral("dedup_key")));
        QCOMPARE(trigger.value(QStringLiteral("payload"))
                     .toObject()
                     .value(QStringLiteral("severity"))
                     .toString(),
                 QStringLiteral("error"));
        QVERIFY(!trigger.contains(QStringLiteral("routing_key"))); // added only when sent
        QCOMPARE(parse(withRoutingKey(QJsonDocument(trigger).toJson(), QStringLiteral("K")))
                     .value(QStringLiteral("routing_key"))
                     .toString(),
                 QStringLiteral("K"));
    }

    void routing()
    {
        Alerting a;
        a.routes.append({{QStringLiteral("high"), QStringLiteral("critical")},
                         {},
                         {},
                         {QStringLiteral("pd")},
                         {}});
        a.routes.append({{}, {QStringLiteral("cash_bridge")}, {}, {QStringLiteral("finance")}, {}});
        a.routes.append({{}, {}, {}, {QStringLiteral("all")}, {}});
        a.owners.insert(QStringLiteral("marketing-lead"), {QStringLiteral("marketing")});
        QCOMPARE(channelsFor(a, QStringLiteral("low"), {QStringLiteral("revenue")}, {}),
                 QStringList{QStringLiteral("all")});
        QCOMPARE(channelsFor(a, QStringLiteral("critical"), {QStringLiteral("cash_bridge")},
                             {QStringLiteral("marketing-lead")}),
                 (QStringList{QStringLiteral("all"), QStringLiteral("finance"),
                              QStringLiteral("marketing"), QStringLiteral("pd")}));
    }

    void retryTiming()
    {
        for (int tries = 1; tries <= 12; ++tries) {
            const qint64 ms = backoffMs(tries, 1000, 60000);
            const qint64 base = std::min<qint64>(60000, 1000LL << (tries - 1));
            QVERIFY2(ms >= base * 8 / 10 && ms <= base * 12 / 10, qPrintable(QString::number(ms)));
        }
        const QDateTime now(QDate(2026, 11, 30), QTime(6, 0), Qt::UTC);
        QCOMPARE(retryAfterMs("120", now).value_or(-1), 120000);
        QCOMPARE(retryAfterMs("Mon, 30 Nov 2026 06:00:30 GMT", now).value_or(-1), 30000);
        QVERIFY(!retryAfterMs("soon", now));
        QVERIFY(!retryAfterMs("", now));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestPayloads)
#include "tst_payloads.moc"
