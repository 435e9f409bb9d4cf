// The next step beside an alert: derived from the graph and the failure, it
// names the node to rerun from (the nearest loader of a stale source), the
// owner to ask, and whether the sample rows or the log belong beside it.

#include "engine/contract/contractloader.h"
#include "engine/graph/graph.h"
#include "engine/trust/nextstep.h"
#include "support/contracts.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::engine;

namespace {

const QByteArray kContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: revenue, name: Revenue, needs: [stg_settlements], on_failure: hold, owner: finance-data}
    - {id: margin, name: Margin, needs: [chk_sku_cost], on_failure: caveat}
connections:
  warehouse: {driver: sqlite, database: w.db}
nodes:
  - {id: ingest_stripe_settlements, kind: command, run: ["true"]}
  - {id: land_stripe, kind: noop, needs: [ingest_stripe_settlements]}
  - id: src_stripe_settlements
    kind: freshness
    needs: [land_stripe]
    connection: warehouse
    loaded_at: "select 1"
    warn_after: 6h
    complete_over: period
    date_column: raw_settlements.settled_at
  - id: src_manual_costs
    kind: freshness
    connection: warehouse
    loaded_at: "select 1"
    warn_after: 6h
  - id: stg_settlements
    kind: sql
    needs: [src_stripe_settlements, src_manual_costs]
    connection: warehouse
    sql: "select 1"
  - id: chk_sku_cost
    kind: check
    owner: finance-ops
    needs: [stg_settlements]
    connection: warehouse
    value: "select 0"
    rows: "select 1"
    error_if: "> 0"
)";

} // namespace

class TestNextStep : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const LoadResult result = ContractLoader::loadText(kContract, QStringLiteral("next.yaml"),
                                                           QStringLiteral("/tmp"));
        QVERIFY(result.ok());
        m_contract = result.contract;
        m_graph = Graph::fromContract(*m_contract);
    }

    void staleSourceReruns_fromItsNearestLoader()
    {
        const NextStep step =
            nextStepFor(*m_contract, m_graph, QStringLiteral("src_stripe_settlements"),
                        NodeState::Failed, Freshness::StaleError);
        QVERIFY(step.kind == NextStep::Kind::RerunFromLoader);
        // The loader two edges up, past the noop.
        QCOMPARE(step.rerunFrom, QStringLiteral("ingest_stripe_settlements"));
        QCOMPARE(step.rerunSelector, QStringLiteral("ingest_stripe_settlements+"));
        QVERIFY2(step.text.contains(QStringLiteral(
                     "Rerun from ingest_stripe_settlements once the data has landed")),
                 qPrintable(step.text));
    }

    // Fresh, but days of the period are missing (`complete_over`): said as
    // such, not as an age.
    void incompleteSourceSaysDaysAreMissing()
    {
        const NextStep step =
            nextStepFor(*m_contract, m_graph, QStringLiteral("src_stripe_settlements"),
                        NodeState::Failed, Freshness::Fresh);
        QVERIFY(step.kind == NextStep::Kind::RerunFromLoader);
        QCOMPARE(step.rerunFrom, QStringLiteral("ingest_stripe_settlements"));
        QVERIFY2(step.text.startsWith(QStringLiteral(
                     "src_stripe_settlements is missing days of the period. Rerun from "
                     "ingest_stripe_settlements once the data has landed: rerunning "
                     "src_stripe_settlements alone would find the same days missing.")),
                 qPrintable(step.text));
    }

    void unloadedSourceWaitsAndNamesTheOwner()
    {
        const NextStep step =
            nextStepFor(*m_contract, m_graph, QStringLiteral("src_manual_costs"), NodeState::Warned,
                        Freshness::StaleWarn, {QStringLiteral("finance-data")});
        QVERIFY(step.kind == NextStep::Kind::WaitForSource);
        QCOMPARE(step.rerunFrom, QStringLiteral("src_manual_costs"));
        QCOMPARE(step.owner, QStringLiteral("finance-data"));
        QVERIFY2(step.text.contains(QStringLiteral("nothing in this contract loads it")) &&
                     step.text.contains(QStringLiteral("finance-data")),
                 qPrintable(step.text));
    }

    void failedCheckShowsSamplesAndOwner()
    {
        const NextStep step = nextStepFor(*m_contract, m_graph, QStringLiteral("chk_sku_cost"),
                                          NodeState::Failed, Freshness::Unknown);
        QVERIFY(step.kind == NextStep::Kind::FixCheck);
        QVERIFY(step.showSamples);
        QVERIFY(!step.showLog);
        QCOMPARE(step.owner, QStringLiteral("finance-ops")); // the node's own owner first
        QCOMPARE(step.rerunSelector, QStringLiteral("chk_sku_cost+"));
        QVERIFY2(step.text.contains(QStringLiteral("(owner: finance-ops)")), qPrintable(step.text));
    }

    void failedCommandShowsItsLog()
    {
        const NextStep command =
            nextStepFor(*m_contract, m_graph, QStringLiteral("ingest_stripe_settlements"),
                        NodeState::Failed, Freshness::Unknown);
        QVERIFY(command.kind == NextStep::Kind::ReadLog);
        QVERIFY(command.showLog);
        QVERIFY2(command.text.contains(QStringLiteral("the end of its log is below")),
                 qPrintable(command.text));
        const NextStep sql = nextStepFor(*m_contract, m_graph, QStringLiteral("stg_settlements"),
                                         NodeState::Failed, Freshness::Unknown);
        QVERIFY(sql.text.contains(QStringLiteral("the end of its error is below")));
    }

    void interruptedReruns()
    {
        const NextStep step = nextStepFor(*m_contract, m_graph, QStringLiteral("stg_settlements"),
                                          NodeState::Interrupted, Freshness::Unknown);
        QVERIFY(step.kind == NextStep::Kind::Rerun);
        QCOMPARE(step.rerunSelector, QStringLiteral("stg_settlements+"));
    }

    void healthyOrUnknownNodesHaveNoStep()
    {
        QVERIFY(nextStepFor(*m_contract, m_graph, QStringLiteral("stg_settlements"),
                            NodeState::Succeeded, Freshness::Unknown)
                    .kind == NextStep::Kind::None);
        QVERIFY(nextStepFor(*m_contract, m_graph, QStringLiteral("no_such_node"), NodeState::Failed,
                            Freshness::Unknown)
                    .kind == NextStep::Kind::None);
    }

private:
    ContractPtr m_contract;
    Graph m_graph;
};

VOUCH_TEST_GUILESS_MAIN(TestNextStep)
#include "tst_nextstep.moc"
