// The Brightside demo, headless, through the real binary: for every scenario
// the nodes that fail or warn are exactly the ones its planted fault
// explains, and the report's status follows the sections' policies. Then
// status, controlled reruns and their dry runs on the same store.

#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

// A Monday morning, so every run sees the same week (2026-W48) and ages.
const QString kNow = QStringLiteral("2026-11-30T06:00:00Z");

using Result = vouch::test::VouchResult;

Result runVouch(const QStringList &args, const QMap<QString, QString> &env = {})
{
    vouch::test::VouchOptions options;
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        options.env.insert(it.key(), it.value());
    options.timeoutMs = 240000;
    return vouch::test::runVouch(args, options);
}

QJsonObject status(const QString &dir)
{
    const Result r = runVouch({QStringLiteral("status"), QStringLiteral("--json"),
                               QStringLiteral("--state"), dir + QStringLiteral("/state.db")});
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

// The verdict line a run or `vouch status` ends with.
QString verdictLine(const QString &out)
{
    const QStringList lines = out.split(QLatin1Char('\n'));
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        if (it->startsWith(QLatin1String("Report ")))
            return *it;
    }
    return QString();
}

QStringList nodesIn(const QJsonObject &status, const QStringList &states)
{
    QStringList ids;
    for (const QJsonValue &v : status.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        if (states.contains(n.value(QStringLiteral("state")).toString()))
            ids << n.value(QStringLiteral("id")).toString();
    }
    ids.sort();
    return ids;
}

QString sectionStatus(const QJsonObject &status, const QString &id)
{
    for (const QJsonValue &v : status.value(QStringLiteral("sections")).toArray()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == id)
            return v.toObject().value(QStringLiteral("status")).toString();
    }
    return {};
}

} // namespace

class TestDemoRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scenarios_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("report");
        QTest::addColumn<QStringList>("failed");
        QTest::addColumn<QStringList>("warned");
        QTest::addColumn<QString>("sections"); // revenue,margin,cash,inventory,marketing
        QTest::addColumn<QString>("alert");    // part of an open alert's headline; empty: none

        QTest::newRow("all-green") << "all-green" << 0 << "complete" << QStringList{}
                                   << QStringList{} << "safe,safe,safe,safe,safe"
                                   << "";
        QTest::newRow("sku-cost-gap")
            << "sku-cost-gap" << 10 << "caveated" << QStringList{}
            << QStringList{"chk_sku_cost_mapped"} << "safe,caveat,safe,safe,safe"
            << "Contribution margin is not safe for Monday reporting because SKU cost mapping "
               "failed for 14 "
               "products. Revenue, Cash bridge, Inventory and Marketing efficiency can publish; "
               "margin should "
               "show a caveat or be held.";
        QTest::newRow("late-stripe")
            << "late-stripe" << 20 << "partial" << QStringList{"src_stripe_settlements"}
            << QStringList{} << "safe,safe,held,safe,safe"
            << "The cash bridge is not safe for Monday reporting because Stripe payouts were last "
               "loaded 3 days "
               "ago (Fri 27 Nov 05:30)";
        QTest::newRow("missing-ad-spend")
            << "missing-ad-spend" << 10 << "caveated" << QStringList{}
            << QStringList{"chk_ad_spend_complete"} << "safe,caveat,safe,safe,caveat"
            << "because no ad spend arrived from tiktok for the week";
        QTest::newRow("stale-inventory")
            << "stale-inventory" << 20 << "partial" << QStringList{"src_inventory_snapshots"}
            << QStringList{} << "safe,safe,safe,held,safe"
            << "Inventory is not safe for Monday reporting because the latest stock snapshot is "
               "from Fri 27 Nov "
               "04:13 (3 days old)";
        // Margin and marketing efficiency both report the Shopify net revenue
        // of int_revenue_reconciliation, which the bridge check found off:
        // they rest on that check too (docs/trust.md, "What a section rests
        // on") and carry a caveat.
        QTest::newRow("bridge-variance")
            << "bridge-variance" << 30 << "failed" << QStringList{"chk_revenue_bridge"}
            << QStringList{} << "blocked,caveat,safe,safe,caveat"
            << "Revenue is not safe for Monday reporting because the revenue bridge is off by "
               "-3.29%";
        QTest::newRow("missing-shopify") << "missing-shopify" << 30 << "failed"
                                         << QStringList{"src_shopify_orders", "src_shopify_refunds"}
                                         << QStringList{} << "blocked,caveat,safe,held,caveat"
                                         << "Revenue is not safe for Monday reporting because no "
                                            "Shopify orders have been loaded for the period";
    }

    void scenarios()
    {
        QFETCH(QString, scenario);
        QFETCH(int, exitCode);
        QFETCH(QString, report);
        QFETCH(QStringList, failed);
        QFETCH(QStringList, warned);
        QFETCH(QString, sections);
        QFETCH(QString, alert);
        QTemporaryDir dir;
        const Result r = runVouch({QStringLiteral("demo"), QStringLiteral("--headless"),
                                   QStringLiteral("--scenario"), scenario, QStringLiteral("--dir"),
                                   dir.path(), QStringLiteral("--now"), kNow});
        // On a mismatch, the end of the output says why (QTest cuts long messages).
        QVERIFY2(r.exitCode == exitCode,
                 qPrintable(QStringLiteral("exit code %1, expected %2\nstderr: %3\nstdout tail: %4")
                                .arg(r.exitCode)
                                .arg(exitCode)
                                .arg(r.err.right(600), r.out.right(900))));
        QVERIFY(r.out.contains(QStringLiteral("Report Weekly Operating Performance Report: ") +
                               report));
        const QJsonObject s = status(dir.path());
        QCOMPARE(s.value(QStringLiteral("status")).toString(), report);
        QCOMPARE(s.value(QStringLiteral("period")).toString(), QStringLiteral("2026-W48"));
        QCOMPARE(nodesIn(s, {QStringLiteral("failed")}), failed);
        QCOMPARE(nodesIn(s, {QStringLiteral("warned")}), warned);
        QStringList actualSections;
        for (const char *id :
             {"revenue", "contribution_margin", "cash_bridge", "inventory", "marketing_efficiency"})
            actualSections << sectionStatus(s, QString::fromLatin1(id));
        QCOMPARE(actualSections.join(QLatin1Char(',')), sections);
        QStringList headlines;
        for (const QJsonValue &v : s.value(QStringLiteral("alerts")).toArray()) {
            if (v.toObject().value(QStringLiteral("state")).toString() != QLatin1String("resolved"))
                headlines << v.toObject().value(QStringLiteral("headline")).toString();
        }
        if (alert.isEmpty()) {
            QVERIFY2(headlines.isEmpty(), qPrintable(headlines.join(QLatin1Char('\n'))));
        } else {
            QVERIFY2(std::any_of(headlines.cbegin(), headlines.cend(),
                                 [&](const QString &h) { return h.contains(alert); }),
                     qPrintable(headlines.join(QLatin1Char('\n'))));
            QVERIFY(r.out.contains(alert)); // printed in full at the end of the run
        }
        // Nothing else stopped: every node is either passing, a planted
        // finding, or downstream of one.
        const QStringList other =
            nodesIn(s, {QStringLiteral("cancelled"), QStringLiteral("interrupted"),
                        QStringLiteral("pending"), QStringLiteral("running")});
        QVERIFY2(other.isEmpty(), qPrintable(other.join(QLatin1Char(' '))));
    }

    // Without --now the demo replays the latest Monday 06:00 in London before
    // the wall clock, whatever day and hour it is. `vouch status` in the same
    // folder, later and without --now, tells the same story: the verdict and
    // the deadline the demo printed, judged at the demo's clock, not today's
    // (when that Monday's deadline may be days behind). Given --now, status
    // judges at that instant instead.
    void statusTellsTheDemosStory()
    {
        QTemporaryDir dir;
        const Result demo = runVouch({QStringLiteral("demo"), QStringLiteral("--headless"),
                                      QStringLiteral("--scenario"), QStringLiteral("sku-cost-gap"),
                                      QStringLiteral("--dir"), dir.path()});
        QVERIFY2(demo.exitCode == 10, qPrintable(demo.out.right(600) + demo.err));
        const QString printed = verdictLine(demo.out);
        QVERIFY2(printed.startsWith(
                     QStringLiteral("Report Weekly Operating Performance Report: caveated; "
                                    "publish by Mon ")),
                 qPrintable(printed));
        const QString state = dir.filePath(QStringLiteral("state.db"));
        const Result later = runVouch({QStringLiteral("status"), QStringLiteral("--state"), state});
        QCOMPARE(later.exitCode, 10);
        QCOMPARE(verdictLine(later.out), printed);
        const QJsonObject s = status(dir.path());
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("caveated"));
        const QDateTime deadline = QDateTime::fromString(
            s.value(QStringLiteral("deadline")).toString(), Qt::ISODateWithMs);
        QVERIFY(deadline.isValid());
        QCOMPARE(deadline.toUTC().date().dayOfWeek(), 1); // a Monday

        // A day after that deadline, undecided: late.
        const Result judged = runVouch({QStringLiteral("status"), QStringLiteral("--json"),
                                        QStringLiteral("--state"), state, QStringLiteral("--now"),
                                        deadline.addDays(1).toUTC().toString(Qt::ISODate)});
        QCOMPARE(judged.exitCode, 30);
        QCOMPARE(QJsonDocument::fromJson(judged.out.toUtf8())
                     .object()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("late"));
    }

    // --now and $VOUCH_NOW are checked: a bad instant is refused, named, with
    // what to give instead; nothing runs.
    void badClockIsRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("env");
        QTest::addColumn<QString>("message");
        QTest::newRow("not a date")
            << QStringList{QStringLiteral("--now"), QStringLiteral("monday")} << QString()
            << "--now: \"monday\" is not an ISO date-time";
        QTest::newRow("year 1") << QStringList{QStringLiteral("--now=0001-01-01T00:00:00Z")}
                                << QString() << "--now: 0001-01-01T00:00:00Z is outside the years";
        QTest::newRow("no value") << QStringList{QStringLiteral("--now")} << QString()
                                  << "option --now needs a value";
        QTest::newRow("VOUCH_NOW out of range")
            << QStringList{} << QStringLiteral("99999-01-01T00:00:00Z")
            << "VOUCH_NOW: \"99999-01-01T00:00:00Z\" is not an ISO date-time";
    }

    void badClockIsRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, env);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QMap<QString, QString> environment;
        if (!env.isEmpty())
            environment.insert(QStringLiteral("VOUCH_NOW"), env);
        const Result r = runVouch(QStringList{QStringLiteral("demo"), QStringLiteral("--headless"),
                                              QStringLiteral("--dir"), dir.path()} +
                                      args,
                                  environment);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("2026-11-30T06:00:00Z"))); // what to give
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("state.db"))));
    }

    void skuGapAlertReadsInBusinessWords()
    {
        QTemporaryDir dir;
        const Result r =
            runVouch({QStringLiteral("demo"), QStringLiteral("--headless"),
                      QStringLiteral("--scenario"), QStringLiteral("sku-cost-gap"),
                      QStringLiteral("--dir"), dir.path(), QStringLiteral("--now"), kNow});
        QCOMPARE(r.exitCode, 10);
        QVERIFY2(r.out.contains(QStringLiteral("SKU cost mapping failed for 14 products.")),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("Revenue: safe")));
    }

    void rerunAfterFixingTheSource()
    {
        QTemporaryDir dir;
        const QString state = dir.path() + QStringLiteral("/state.db");
        Result r = runVouch({QStringLiteral("demo"), QStringLiteral("--headless"),
                             QStringLiteral("--scenario"), QStringLiteral("late-stripe"),
                             QStringLiteral("--dir"), dir.path(), QStringLiteral("--now"), kNow});
        QCOMPARE(r.exitCode, 20);

        // Without a reason a rerun is refused and nothing runs.
        r = runVouch({QStringLiteral("rerun"), QStringLiteral("--failed-only"),
                      QStringLiteral("--state"), state});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("--reason")));

        // The dry run names exactly the failed node and its blocked downstream.
        r = runVouch({QStringLiteral("rerun"), QStringLiteral("--failed-only"),
                      QStringLiteral("--dry-run"), QStringLiteral("--state"), state});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("would run 7 of 53 nodes, as attempt 2")),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("  src_stripe_settlements  (failed last time)")));
        QVERIFY(r.out.contains(QStringLiteral("  mart_cash_bridge  (upstream_failed last time)")));
        QVERIFY(!r.out.contains(QStringLiteral("chk_sku_cost_mapped")));
        QCOMPARE(status(dir.path()).value(QStringLiteral("attempt")).toInt(),
                 1); // a dry run changes nothing

        // A selector with --downstream: the node and everything after it.
        r = runVouch({QStringLiteral("rerun"), QStringLiteral("stg_stripe_settlements"),
                      QStringLiteral("--downstream"), QStringLiteral("--dry-run"),
                      QStringLiteral("--state"), state});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(
            QStringLiteral("  stg_stripe_settlements  (selected by 'stg_stripe_settlements')")));
        QVERIFY(r.out.contains(
            QStringLiteral("  int_cash_settlement  (downstream of stg_stripe_settlements)")));
        QVERIFY(!r.out.contains(QStringLiteral("src_stripe_settlements ")));

        // Stripe re-exports the settlements (the landing of an all-green
        // week), and the engineer reruns their ingest and everything after it.
        QTemporaryDir fixedLanding;
        r = runVouch({QStringLiteral("demo"), QStringLiteral("init"), fixedLanding.path(),
                      QStringLiteral("--now"), kNow});
        QCOMPARE(r.exitCode, 0);
        QFile::remove(dir.path() + QStringLiteral("/landing.db"));
        QVERIFY(QFile::copy(fixedLanding.path() + QStringLiteral("/landing.db"),
                            dir.path() + QStringLiteral("/landing.db")));
        r = runVouch(
            {QStringLiteral("rerun"), QStringLiteral("ingest_stripe_settlements"),
             QStringLiteral("--downstream"), QStringLiteral("--reason"),
             QStringLiteral("Stripe payouts re-exported"), QStringLiteral("--state"), state},
            {{QStringLiteral("VOUCH_DATA"), dir.path()}, {QStringLiteral("VOUCH_NOW"), kNow}});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(
            r.out.contains(QStringLiteral("Report Weekly Operating Performance Report: complete")));
        const QJsonObject s = status(dir.path());
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
        QCOMPARE(s.value(QStringLiteral("attempt")).toInt(), 2);
        // The fixing rerun resolved the cash bridge alert it raised.
        bool resolved = false;
        for (const QJsonValue &v : s.value(QStringLiteral("alerts")).toArray()) {
            const QJsonObject alert = v.toObject();
            if (alert.value(QStringLiteral("root_node")).toString() ==
                QLatin1String("src_stripe_settlements"))
                resolved =
                    alert.value(QStringLiteral("state")).toString() == QLatin1String("resolved");
        }
        QVERIFY(resolved);
        QStringList rerun;
        for (const QJsonValue &v : s.value(QStringLiteral("nodes")).toArray()) {
            if (v.toObject().value(QStringLiteral("attempt")).toInt() == 2)
                rerun << v.toObject().value(QStringLiteral("id")).toString();
        }
        QVERIFY(rerun.contains(QStringLiteral("ingest_stripe_settlements")));
        QVERIFY(rerun.contains(QStringLiteral("src_stripe_settlements")));
        QVERIFY(rerun.contains(QStringLiteral("mart_cash_bridge")));
        QVERIFY(!rerun.contains(QStringLiteral("ingest_shopify_orders")));
        QVERIFY(!rerun.contains(QStringLiteral("chk_sku_cost_mapped")));
    }
};
VOUCH_TEST_GUILESS_MAIN(TestDemoRun)
#include "tst_demorun.moc"
