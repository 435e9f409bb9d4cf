// Controlled reruns: exactly which nodes run, and why, for each kind of rerun.

#include "engine/graph/graph.h"
#include "engine/run/rerunplan.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::engine;

namespace {

// src_a -> stg_a -> mart -> chk
// src_b -> stg_b ---^
Graph pathGraph()
{
    return Graph::fromSpecs({
        {QStringLiteral("src_a"),
         {},
         {QStringLiteral("finance")},
         NodeKind::Freshness,
         QStringLiteral("sources")},
        {QStringLiteral("src_b"), {}, {}, NodeKind::Freshness, QStringLiteral("sources")},
        {QStringLiteral("stg_a"),
         {QStringLiteral("src_a")},
         {},
         NodeKind::Sql,
         QStringLiteral("staging")},
        {QStringLiteral("stg_b"),
         {QStringLiteral("src_b")},
         {},
         NodeKind::Sql,
         QStringLiteral("staging")},
        {QStringLiteral("mart"),
         {QStringLiteral("stg_a"), QStringLiteral("stg_b")},
         {},
         NodeKind::Sql,
         QStringLiteral("marts")},
        {QStringLiteral("chk"),
         {QStringLiteral("mart")},
         {},
         NodeKind::Check,
         QStringLiteral("checks")},
    });
}

QHash<QString, NodeState> lastRun()
{
    return {{QStringLiteral("src_a"), NodeState::Succeeded},
            {QStringLiteral("src_b"), NodeState::Failed},
            {QStringLiteral("stg_a"), NodeState::Succeeded},
            {QStringLiteral("stg_b"), NodeState::UpstreamFailed},
            {QStringLiteral("mart"), NodeState::UpstreamFailed},
            {QStringLiteral("chk"), NodeState::UpstreamFailed}};
}

} // namespace

class TestRerunPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plans_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<bool>("downstream");
        QTest::addColumn<bool>("failedOnly");
        QTest::addColumn<QStringList>("expected"); // "id=why"

        QTest::newRow("one node") << "stg_a" << false << false
                                  << QStringList{"stg_a=selected by 'stg_a'"};
        QTest::newRow("node and downstream")
            << "stg_a" << true << false
            << QStringList{"stg_a=selected by 'stg_a'", "mart=downstream of stg_a",
                           "chk=downstream of stg_a"};
        QTest::newRow("failed only")
            << "" << false << true
            << QStringList{"src_b=failed last time", "stg_b=upstream_failed last time",
                           "mart=upstream_failed last time", "chk=upstream_failed last time"};
        QTest::newRow("selection, failed only")
            << "+mart" << false << true
            << QStringList{"src_b=selected by '+mart'; failed last time",
                           "stg_b=selected by '+mart'; upstream_failed last time",
                           "mart=selected by '+mart'; upstream_failed last time"};
        QTest::newRow("selector expression") << "group:staging" << false << false
                                             << QStringList{"stg_a=selected by 'group:staging'",
                                                            "stg_b=selected by 'group:staging'"};
        QTest::newRow("tag with downstream")
            << "tag:finance" << true << false
            << QStringList{"src_a=selected by 'tag:finance'", "stg_a=downstream of src_a",
                           "mart=downstream of src_a", "chk=downstream of src_a"};
    }

    void plans()
    {
        QFETCH(QString, selector);
        QFETCH(bool, downstream);
        QFETCH(bool, failedOnly);
        QFETCH(QStringList, expected);
        const Graph graph = pathGraph();
        const RerunPlan plan = planRerun(graph, lastRun(), {selector, downstream, failedOnly});
        QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
        QStringList actual;
        for (const RerunPlan::Item &item : plan.items)
            actual << graph.id(item.index) + QLatin1Char('=') + item.why;
        QCOMPARE(actual, expected);
    }

    // A freshness node rerun without what loads its data measures the same
    // age: the plan says so. Rerun from its sources (`+node+`), it does not.
    void freshnessWithoutItsLoaderIsCautioned()
    {
        const Graph graph = Graph::fromSpecs({
            {QStringLiteral("ingest_stripe"), {}, {}, NodeKind::Command, QStringLiteral("sources")},
            {QStringLiteral("src_stripe"),
             {QStringLiteral("ingest_stripe")},
             {},
             NodeKind::Freshness,
             QStringLiteral("sources")},
            {QStringLiteral("src_manual"), {}, {}, NodeKind::Freshness, QStringLiteral("sources")},
            {QStringLiteral("stg_stripe"),
             {QStringLiteral("src_stripe"), QStringLiteral("src_manual")},
             {},
             NodeKind::Sql,
             QStringLiteral("staging")},
        });
        const QHash<QString, NodeState> latest{{QStringLiteral("src_stripe"), NodeState::Failed}};

        const RerunPlan alone =
            planRerun(graph, latest, {QStringLiteral("src_stripe"), true, false});
        QCOMPARE(alone.cautions.size(), 1);
        QVERIFY2(alone.cautions.first().startsWith(
                     QStringLiteral("src_stripe measures data that ingest_stripe loads")),
                 qPrintable(alone.cautions.first()));
        QVERIFY(alone.cautions.first().contains(QStringLiteral("the same age")));

        const RerunPlan fromSources =
            planRerun(graph, latest, {QStringLiteral("+src_stripe+"), false, false});
        QCOMPARE(fromSources.ids(graph),
                 (QStringList{QStringLiteral("ingest_stripe"), QStringLiteral("src_stripe"),
                              QStringLiteral("stg_stripe")}));
        QVERIFY(fromSources.cautions.isEmpty());

        // A source nothing in the contract loads may have landed since: no caution.
        QVERIFY(planRerun(graph, latest, {QStringLiteral("src_manual"), false, false})
                    .cautions.isEmpty());
    }

    void errors_data()
    {
        QTest::addColumn<QString>("selector");
        QTest::addColumn<bool>("failedOnly");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown node") << "stg_c" << false << "unknown node 'stg_c'";
        QTest::newRow("nothing failed in the selection")
            << "stg_a" << true << "nothing to rerun: every selected node passed";
        QTest::newRow("bad syntax") << "+" << false << "";
    }

    void errors()
    {
        QFETCH(QString, selector);
        QFETCH(bool, failedOnly);
        QFETCH(QString, message);
        const RerunPlan plan = planRerun(pathGraph(), lastRun(), {selector, false, failedOnly});
        QVERIFY(plan.items.isEmpty());
        QVERIFY(!plan.error.isEmpty());
        QVERIFY2(plan.error.contains(message), qPrintable(plan.error));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestRerunPlan)
#include "tst_rerunplan.moc"
