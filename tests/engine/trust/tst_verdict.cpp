// Verdicts, impact and alert drafts as pure functions over run snapshots.

#include "engine/contract/contractloader.h"
#include "engine/graph/graph.h"
#include "engine/trust/alerts.h"
#include "engine/trust/verdict.h"
#include "support/contracts.h"
#include "support/testguard.h"

#include <QJsonArray>
#include <QTest>
#include <QTimeZone>

using namespace vouch::engine;

namespace {

// revenue (block) needs mart_rev <- stg_orders <- src_orders
// margin (caveat) needs mart_margin <- {stg_orders, chk_costs <- src_costs}
// cash (hold) needs mart_cash <- src_payouts
const QByteArray kContract = VOUCH_TEST_WEEKLY_REPORT R"(  approvers: [lead]
  alert: "{section} is not safe because {cause} {publishable} can publish."
  sections:
    - {id: revenue, name: Revenue, needs: [mart_rev], on_failure: block, fallback: "Use the admin export."}
    - id: margin
      name: Margin
      needs: [mart_margin]
      on_failure: caveat
      caveat: "{section} excludes {value} products."
      alert: "{section} is not safe because {cause} {publishable} can publish; margin should carry a caveat."
    - {id: cash, name: Cash, needs: [mart_cash], on_failure: hold}
nodes:
  - {id: src_orders, kind: noop}
  - {id: stg_orders, kind: noop, needs: [src_orders]}
  - {id: mart_rev, kind: noop, needs: [stg_orders]}
  - {id: src_costs, kind: noop}
  - id: chk_costs
    kind: check
    needs: [src_costs]
    connection: w
    value: "select 1"
    warn_if: "> 0"
    error_if: "> 20"
    impact: "cost mapping failed for {value} products."
  - {id: mart_margin, kind: noop, needs: [stg_orders, chk_costs]}
  - {id: src_payouts, kind: noop}
  - {id: mart_cash, kind: noop, needs: [src_payouts]}
  - {id: publish, kind: publish, needs: [mart_rev, mart_margin, mart_cash]}
connections:
  w: {driver: sqlite, database: /tmp/none.db}
)";

ContractPtr contract()
{
    static ContractPtr c =
        ContractLoader::loadText(kContract, QStringLiteral("t.yaml"), QString()).contract;
    return c;
}

// "node=state" pairs; unnamed nodes succeeded.
RunSnapshot snapshot(const QStringList &states)
{
    RunSnapshot run;
    for (const Node &n : contract()->nodes)
        run.nodes.insert(n.id, {NodeState::Succeeded, Freshness::Unknown, {}, {}, {}, {}, {}, {}});
    for (const QString &pair : states) {
        const QString id = pair.section(QLatin1Char('='), 0, 0);
        const QString state = pair.section(QLatin1Char('='), 1);
        NodeFacts f;
        for (NodeState s : {NodeState::Pending, NodeState::Running, NodeState::Succeeded,
                            NodeState::Warned, NodeState::Failed, NodeState::UpstreamFailed,
                            NodeState::Cancelled, NodeState::Interrupted}) {
            if (toString(s) == state)
                f.state = s;
        }
        if (id == QLatin1String("chk_costs"))
            f.value = 14;
        f.message = id + QLatin1Char(' ') + state + QLatin1Char('.');
        run.nodes.insert(id, f);
    }
    run.now = QDateTime(QDate(2026, 11, 30), QTime(6, 0), QTimeZone::utc());
    run.deadline = QDateTime(QDate(2026, 11, 30), QTime(12, 0), QTimeZone::utc());
    return run;
}

// The same path without any alert template, with a freshness source and an
// exploratory model that no section and no publish step needs.
const QByteArray kPlainContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: revenue, name: Revenue, needs: [mart_rev], on_failure: hold}
    - {id: margin, name: Margin, needs: [mart_margin], on_failure: caveat}
    - {id: cash, name: Cash, needs: [mart_cash], on_failure: hold}
nodes:
  - {id: src_orders, kind: freshness, connection: w, loaded_at: "select 1", warn_after: 6h, error_after: 24h}
  - {id: mart_rev, kind: noop, needs: [src_orders]}
  - {id: mart_margin, kind: noop, needs: [src_orders]}
  - {id: mart_cash, kind: noop}
  - {id: explore_cohorts, kind: noop, needs: [mart_rev]}
  - {id: publish, kind: publish, needs: [mart_rev, mart_margin, mart_cash]}
connections:
  w: {driver: sqlite, database: /tmp/none.db}
)";

// Checks no section lists: chk_orders is attached to revenue's path
// (docs/trust.md, "What a section rests on"); chk_fx_orders also needs stg_fx,
// which revenue does not read, and fx does not read stg_orders.
const QByteArray kAttachedContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: revenue, name: Revenue, needs: [mart_rev], on_failure: hold}
    - {id: fx, name: FX, needs: [stg_fx], on_failure: caveat}
nodes:
  - {id: stg_orders, kind: noop}
  - {id: mart_rev, kind: noop, needs: [stg_orders]}
  - {id: stg_fx, kind: noop}
  - {id: chk_orders, kind: check, needs: [stg_orders], connection: w, value: "select 1", error_if: "> 0"}
  - {id: chk_fx_orders, kind: check, needs: [stg_orders, stg_fx], connection: w, value: "select 1", error_if: "> 0"}
connections:
  w: {driver: sqlite, database: /tmp/none.db}
)";

ContractPtr plainContract()
{
    static ContractPtr c =
        ContractLoader::loadText(kPlainContract, QStringLiteral("plain.yaml"), QString()).contract;
    return c;
}

RunSnapshot plainSnapshot(const QMap<QString, NodeFacts> &facts)
{
    RunSnapshot run;
    for (const Node &n : plainContract()->nodes)
        run.nodes.insert(n.id, {NodeState::Succeeded, Freshness::Unknown, {}, {}, {}, {}, {}, {}});
    for (auto it = facts.cbegin(); it != facts.cend(); ++it)
        run.nodes.insert(it.key(), it.value());
    run.now = QDateTime(QDate(2026, 11, 30), QTime(6, 0), QTimeZone::utc());
    run.deadline = QDateTime(QDate(2026, 11, 30), QTime(12, 0), QTimeZone::utc());
    return run;
}

NodeFacts failed(const QString &message)
{
    NodeFacts f;
    f.state = NodeState::Failed;
    f.message = message;
    return f;
}

} // namespace

class TestVerdict : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(contract()); }

    void verdicts_data()
    {
        QTest::addColumn<QStringList>("states");
        QTest::addColumn<QString>("report");
        QTest::addColumn<QString>("sections"); // revenue,margin,cash
        QTest::addColumn<int>("exitCode");

        QTest::newRow("all passed") << QStringList{} << "complete"
                                    << "safe,safe,safe" << 0;
        QTest::newRow("warning caveats margin only")
            << QStringList{"chk_costs=warned"} << "caveated"
            << "safe,caveat,safe" << 10;
        QTest::newRow("error in a caveat section caveats it")
            << QStringList{"chk_costs=failed", "mart_margin=upstream_failed",
                           "publish=upstream_failed"}
            << "caveated"
            << "safe,caveat,safe" << 10;
        QTest::newRow("hold section")
            << QStringList{"src_payouts=failed", "mart_cash=upstream_failed",
                           "publish=upstream_failed"}
            << "partial"
            << "safe,safe,held" << 20;
        QTest::newRow("shared source blocks revenue and caveats margin")
            << QStringList{"src_orders=failed", "stg_orders=upstream_failed",
                           "mart_rev=upstream_failed", "mart_margin=upstream_failed",
                           "publish=upstream_failed"}
            << "failed"
            << "blocked,caveat,safe" << 30;
        QTest::newRow("still running")
            << QStringList{"mart_cash=running", "publish=pending"} << "running"
            << "safe,safe,running" << 0;
        QTest::newRow("interrupted counts as failed")
            << QStringList{"mart_rev=interrupted", "publish=upstream_failed"} << "failed"
            << "blocked,safe,safe" << 30;
        QTest::newRow("a failure no section rests on") << QStringList{"publish=failed"} << "failed"
                                                       << "safe,safe,safe" << 30;
    }

    void verdicts()
    {
        QFETCH(QStringList, states);
        QFETCH(QString, report);
        QFETCH(QString, sections);
        QFETCH(int, exitCode);
        const Graph graph = Graph::fromContract(*contract());
        const Verdict v = evaluate(*contract(), graph, snapshot(states));
        QCOMPARE(toString(v.status), report);
        QStringList actual;
        for (const SectionVerdict &s : v.sections)
            actual << toString(s.status);
        QCOMPARE(actual.join(QLatin1Char(',')), sections);
        QCOMPARE(v.exitCode, exitCode);
    }

    void findingsUseTheContractsWords()
    {
        const Graph graph = Graph::fromContract(*contract());
        const Verdict v = evaluate(*contract(), graph, snapshot({"chk_costs=warned"}));
        const SectionVerdict *margin = v.section(QStringLiteral("margin"));
        QVERIFY(margin);
        QCOMPARE(margin->findings.size(), 1);
        QCOMPARE(margin->findings.first().cause,
                 QStringLiteral("cost mapping failed for 14 products."));
        QCOMPARE(margin->caveat, QStringLiteral("Margin excludes 14 products."));
    }

    void deadline_data()
    {
        QTest::addColumn<QStringList>("states");
        QTest::addColumn<QString>("now");
        QTest::addColumn<QString>("projected");
        QTest::addColumn<QString>("report");
        QTest::newRow("running, on track")
            << QStringList{"mart_cash=running"} << "2026-11-30T08:00:00Z"
            << "2026-11-30T09:00:00Z"
            << "running";
        QTest::newRow("running, forecast past the deadline")
            << QStringList{"mart_cash=running"} << "2026-11-30T08:00:00Z"
            << "2026-11-30T13:00:00Z"
            << "at_risk";
        QTest::newRow("running after the deadline")
            << QStringList{"mart_cash=running"} << "2026-11-30T12:30:00Z"
            << ""
            << "late";
        QTest::newRow("caveated and undecided after the deadline")
            << QStringList{"chk_costs=warned"} << "2026-11-30T12:30:00Z"
            << ""
            << "late";
        QTest::newRow("complete after the deadline is still complete")
            << QStringList{} << "2026-11-30T12:30:00Z"
            << ""
            << "complete";
    }

    void deadline()
    {
        QFETCH(QStringList, states);
        QFETCH(QString, now);
        QFETCH(QString, projected);
        QFETCH(QString, report);
        RunSnapshot run = snapshot(states);
        run.now = QDateTime::fromString(now, Qt::ISODate);
        run.projected = QDateTime::fromString(projected, Qt::ISODate);
        const Verdict v = evaluate(*contract(), Graph::fromContract(*contract()), run);
        QCOMPARE(toString(v.status), report);
    }

    void decisions_data()
    {
        QTest::addColumn<QStringList>("states");
        QTest::addColumn<int>("kind"); // 0 approve, 1 hold
        QTest::addColumn<QString>("report");
        QTest::addColumn<bool>("published");
        QTest::newRow("approved caveats")
            << QStringList{"chk_costs=warned"} << 0 << "published_with_caveats" << true;
        QTest::newRow("approved partial")
            << QStringList{"src_payouts=failed", "mart_cash=upstream_failed"} << 0
            << "published_with_caveats" << true;
        QTest::newRow("held") << QStringList{"chk_costs=warned"} << 1 << "held" << false;
        QTest::newRow("a blocked report is not published by an approval")
            << QStringList{"mart_rev=failed"} << 0 << "failed" << false;
    }

    void decisions()
    {
        QFETCH(QStringList, states);
        QFETCH(int, kind);
        QFETCH(QString, report);
        QFETCH(bool, published);
        RunSnapshot run = snapshot(states);
        run.decisions.append({kind == 0 ? Decision::Kind::Approve : Decision::Kind::Hold, QString(),
                              QStringLiteral("text"), QStringLiteral("lead"), run.now, QString()});
        const Verdict v = evaluate(*contract(), Graph::fromContract(*contract()), run);
        QCOMPARE(toString(v.status), report);
        QCOMPARE(v.published, published);
    }

    void oneAlertPerRootCause()
    {
        // A failed source with many dependants is one alert listing the consequences.
        const Graph graph = Graph::fromContract(*contract());
        const RunSnapshot run =
            snapshot({"src_orders=failed", "stg_orders=upstream_failed", "mart_rev=upstream_failed",
                      "mart_margin=upstream_failed", "publish=upstream_failed"});
        const Verdict v = evaluate(*contract(), graph, run);
        const QList<AlertDraft> alerts = draftAlerts(*contract(), v, run.now);
        QCOMPARE(alerts.size(), 1);
        const AlertDraft &a = alerts.first();
        QCOMPARE(a.rootNode, QStringLiteral("src_orders"));
        QCOMPARE(toString(a.severity), QStringLiteral("high"));
        QCOMPARE(
            a.headline,
            QStringLiteral("Revenue is not safe because src_orders failed. Cash can publish."));
        QCOMPARE(a.details.value(QStringLiteral("blocked")).toArray().first().toString(),
                 QStringLiteral("Revenue"));
        QCOMPARE(a.details.value(QStringLiteral("caveat")).toArray().first().toString(),
                 QStringLiteral("Margin"));
        QCOMPARE(a.details.value(QStringLiteral("can_publish")).toArray().first().toString(),
                 QStringLiteral("Cash"));
    }

    // A failure that no section needs and that is not (and does not feed) the
    // publish step leaves the verdict to the sections; it still has an alert
    // of its own, of low severity, saying that nothing depends on it.
    void exploratoryFailureLeavesTheVerdictToTheSections()
    {
        QVERIFY(plainContract());
        const Graph graph = Graph::fromContract(*plainContract());
        const RunSnapshot run = plainSnapshot(
            {{QStringLiteral("explore_cohorts"), failed(QStringLiteral("exit code 1"))}});
        const Verdict v = evaluate(*plainContract(), graph, run);
        QCOMPARE(toString(v.status), QStringLiteral("complete"));
        QCOMPARE(v.exitCode, 0);
        const QList<AlertDraft> alerts = draftAlerts(*plainContract(), v, run.now);
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(toString(alerts.first().severity), QStringLiteral("low"));
        QCOMPARE(alerts.first().headline,
                 QStringLiteral("explore_cohorts failed (exit code 1); no section depends on "
                                "it, so every section keeps its verdict."));
    }

    // A section rests on the checks attached to its path, listed or not.
    void attachedCheckDecidesTheSection()
    {
        const LoadResult loaded =
            ContractLoader::loadText(kAttachedContract, QStringLiteral("a.yaml"), QString());
        QVERIFY(loaded.ok());
        const Contract &c = *loaded.contract;
        const Graph graph = Graph::fromContract(c);
        auto run = [&](const QString &failing) {
            RunSnapshot r;
            for (const Node &n : c.nodes)
                r.nodes.insert(n.id,
                               {NodeState::Succeeded, Freshness::Unknown, {}, {}, {}, {}, {}, {}});
            r.nodes.insert(failing, failed(QStringLiteral("1 row")));
            return evaluate(c, graph, r);
        };
        const Verdict orders = run(QStringLiteral("chk_orders"));
        QCOMPARE(toString(orders.section(QStringLiteral("revenue"))->status),
                 QStringLiteral("held"));
        QCOMPARE(orders.section(QStringLiteral("revenue"))->findings.first().nodeId,
                 QStringLiteral("chk_orders"));
        QCOMPARE(toString(orders.section(QStringLiteral("fx"))->status), QStringLiteral("safe"));
        QCOMPARE(toString(orders.status), QStringLiteral("partial"));
        QCOMPARE(impactOf(c, graph, QStringLiteral("chk_orders")).size(), 1);
        QCOMPARE(impactOf(c, graph, QStringLiteral("chk_orders")).first().sectionId,
                 QStringLiteral("revenue"));

        const Verdict both = run(QStringLiteral("chk_fx_orders"));
        QCOMPARE(toString(both.section(QStringLiteral("revenue"))->status), QStringLiteral("safe"));
        QCOMPARE(toString(both.section(QStringLiteral("fx"))->status), QStringLiteral("safe"));
        QCOMPARE(both.unneeded.size(), 1);
        QVERIFY(impactOf(c, graph, QStringLiteral("chk_fx_orders")).isEmpty());
    }

    // The publish step failing is the report failing, said as such.
    void publishFailureFailsTheReport()
    {
        const Graph graph = Graph::fromContract(*plainContract());
        const RunSnapshot run =
            plainSnapshot({{QStringLiteral("publish"), failed(QStringLiteral("exit code 3"))}});
        const Verdict v = evaluate(*plainContract(), graph, run);
        QCOMPARE(toString(v.status), QStringLiteral("failed"));
        const QList<AlertDraft> alerts = draftAlerts(*plainContract(), v, run.now);
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(toString(alerts.first().severity), QStringLiteral("high"));
        QCOMPARE(alerts.first().headline,
                 QStringLiteral("Weekly report cannot publish because publish failed (exit code "
                                "3)."));
    }

    // Without an `alert` template the headline is still the business
    // sentence: what is not safe and why, then what else may publish.
    void headlineWithoutTemplateReadsLikeTheBusiness()
    {
        const Graph graph = Graph::fromContract(*plainContract());
        NodeFacts stale = failed(QStringLiteral("last load 2d2h ago (Sat 28 Nov 03:58)"));
        stale.freshness = Freshness::StaleError;
        stale.ageSeconds = 2 * 86400 + 2 * 3600;
        const RunSnapshot run = plainSnapshot({{QStringLiteral("src_orders"), stale},
                                               {QStringLiteral("mart_rev"), {}},
                                               {QStringLiteral("mart_margin"), {}}});
        RunSnapshot settled = run;
        settled.nodes[QStringLiteral("mart_rev")].state = NodeState::UpstreamFailed;
        settled.nodes[QStringLiteral("mart_margin")].state = NodeState::UpstreamFailed;
        const Verdict v = evaluate(*plainContract(), graph, settled);
        QCOMPARE(toString(v.status), QStringLiteral("partial"));
        const QList<AlertDraft> alerts = draftAlerts(*plainContract(), v, settled.now);
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().headline,
                 QStringLiteral("Revenue is not safe for reporting because src_orders was last "
                                "loaded 2 days ago. Margin can publish with a caveat. Cash can "
                                "publish."));
    }

    void marginAlertReadsLikeTheBusiness()
    {
        const Graph graph = Graph::fromContract(*contract());
        const RunSnapshot run = snapshot({"chk_costs=warned"});
        const QList<AlertDraft> alerts =
            draftAlerts(*contract(), evaluate(*contract(), graph, run), run.now);
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.first().headline,
                 QStringLiteral("Margin is not safe because cost mapping failed for 14 products. "
                                "Revenue and Cash can "
                                "publish; margin should carry a caveat."));
    }

    void severity_data()
    {
        QTest::addColumn<int>("policy");
        QTest::addColumn<bool>("blocking");
        QTest::addColumn<int>("hoursLeft");
        QTest::addColumn<QString>("severity");
        QTest::newRow("block, a day ahead") << int(FailurePolicy::Block) << true << 24 << "high";
        QTest::newRow("block, an hour ahead")
            << int(FailurePolicy::Block) << true << 1 << "critical";
        QTest::newRow("hold, a day ahead") << int(FailurePolicy::Hold) << true << 24 << "medium";
        QTest::newRow("hold, close") << int(FailurePolicy::Hold) << true << 5 << "high";
        QTest::newRow("caveat, far") << int(FailurePolicy::Caveat) << true << 48 << "low";
        QTest::newRow("warning on a block section is low")
            << int(FailurePolicy::Block) << false << 48 << "low";
        QTest::newRow("hold, past the deadline")
            << int(FailurePolicy::Hold) << true << -2 << "high";
    }

    void severity()
    {
        QFETCH(int, policy);
        QFETCH(bool, blocking);
        QFETCH(int, hoursLeft);
        QFETCH(QString, severity);
        const QDateTime now(QDate(2026, 11, 30), QTime(0, 0), QTimeZone::utc());
        QCOMPARE(toString(severityFor({FailurePolicy(policy)}, blocking, now,
                                      now.addSecs(hoursLeft * 3600))),
                 severity);
    }

    void impact()
    {
        const Graph graph = Graph::fromContract(*contract());
        const QList<ImpactItem> items = impactOf(*contract(), graph, QStringLiteral("stg_orders"));
        QCOMPARE(items.size(), 2);
        QCOMPARE(items.at(0).sectionId, QStringLiteral("revenue"));
        QCOMPARE(items.at(0).action, QStringLiteral("block the report"));
        QCOMPARE(items.at(1).sectionId, QStringLiteral("margin"));
        QCOMPARE(items.at(1).action, QStringLiteral("publish with a caveat"));
        QVERIFY(impactOf(*contract(), graph, QStringLiteral("src_payouts")).size() == 1);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestVerdict)
#include "tst_verdict.moc"
