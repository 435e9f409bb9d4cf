// The run model under QAbstractItemModelTester (Fatal: any broken promise
// of the model API aborts the test): a run's transitions (running, a
// failure, a retry, success), coalesced into one update; the store's rows
// when a run is opened; a reset of every state for a new run; and a new
// contract, with fewer nodes and then none.

#include "ui/model/runmodel.h"

#include "engine/contract/contractloader.h"
#include "engine/store/statestore.h"
#include "support/contracts.h"
#include "support/testguard.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QSignalSpy>
#include <QTest>

using namespace vouch;
using engine::NodeState;
using engine::Transition;
using ui::RunModel;

namespace {

const char *const kContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: revenue, name: Revenue, needs: [chk], on_failure: hold}
nodes:
  - {id: load, kind: noop}
  - {id: mart, kind: noop, needs: [load]}
  - {id: chk, kind: noop, needs: [mart]}
)";

const char *const kSmallerContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: revenue, name: Revenue, needs: [load], on_failure: hold}
nodes:
  - {id: load, kind: noop}
)";

engine::ContractPtr contractFrom(const char *text)
{
    const engine::LoadResult loaded =
        engine::ContractLoader::loadText(text, QStringLiteral("c.yaml"), QDir::tempPath());
    return loaded.ok() ? loaded.contract : nullptr;
}

Transition transition(const QString &id, NodeState state, int tries = 1)
{
    Transition t;
    t.runId = 1;
    t.attempt = 1;
    t.nodeId = id;
    t.state = state;
    t.at = QDateTime::currentDateTimeUtc();
    t.tries = tries;
    return t;
}

QString stateText(const RunModel &model, const QString &id)
{
    return model.index(model.indexOf(id), RunModel::StateColumn).data().toString();
}

} // namespace

class TestRunModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aRunKeepsTheModelContract()
    {
        RunModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &RunModel::nodesChanged);

        model.setContract(contractFrom(kContract));
        QVERIFY(model.contract());
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(RunModel::ColumnCount));

        // A run: one batch, coalesced into one update.
        model.apply({transition(QStringLiteral("load"), NodeState::Running)});
        model.apply({transition(QStringLiteral("load"), NodeState::Succeeded),
                     transition(QStringLiteral("mart"), NodeState::Running)});
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, 5000);
        QVERIFY(model.node(model.indexOf(QStringLiteral("load"))).state == NodeState::Succeeded);
        QVERIFY(model.node(model.indexOf(QStringLiteral("mart"))).state == NodeState::Running);

        // A failure, a retry, then success; the end of the run.
        model.apply({transition(QStringLiteral("mart"), NodeState::Failed)});
        model.apply({transition(QStringLiteral("mart"), NodeState::Running, 2)});
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 2, 5000);
        QCOMPARE(model.node(model.indexOf(QStringLiteral("mart"))).tries, 2);
        model.apply({transition(QStringLiteral("mart"), NodeState::Succeeded, 2),
                     transition(QStringLiteral("chk"), NodeState::Running)});
        model.apply({transition(QStringLiteral("chk"), NodeState::Warned)});
        QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 3, 5000);
        QCOMPARE(model.finishedCount(), 3);
        QVERIFY(!stateText(model, QStringLiteral("chk")).isEmpty());
        // A transition for a node the contract does not have changes nothing.
        model.apply({transition(QStringLiteral("gone"), NodeState::Failed)});
        QTest::qWait(50);
        QCOMPARE(model.rowCount(), 3);

        // Everything back to pending for a new run: no reset.
        model.clearStates();
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.finishedCount(), 0);

        // A run opened from the store.
        engine::NodeRunRecord record;
        record.nodeId = QStringLiteral("chk");
        record.attempt = 1;
        record.state = NodeState::Failed;
        record.tries = 1;
        record.message = QStringLiteral("revenue is 0");
        model.load({record});
        QVERIFY(model.node(model.indexOf(QStringLiteral("chk"))).state == NodeState::Failed);
        QCOMPARE(model.finishedCount(), 1);
    }

    void aNewContractResetsTheModel()
    {
        RunModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setContract(contractFrom(kContract));
        model.apply({transition(QStringLiteral("mart"), NodeState::Running)});

        // Transitions still pending from the old contract are dropped.
        model.setContract(contractFrom(kSmallerContract));
        QCOMPARE(reset.size(), 2);
        QCOMPARE(model.rowCount(), 1);
        QTest::qWait(50);
        QVERIFY(model.node(0).state == NodeState::Pending);
        model.apply({transition(QStringLiteral("load"), NodeState::Succeeded)});
        QTRY_COMPARE_WITH_TIMEOUT(model.finishedCount(), 1, 5000);

        // No contract at all.
        model.setContract(nullptr);
        QCOMPARE(reset.size(), 3);
        QCOMPARE(model.rowCount(), 0);
        model.clearStates();
        model.apply({transition(QStringLiteral("load"), NodeState::Failed)});
        QTest::qWait(50);
        QCOMPARE(model.rowCount(), 0);
    }
};

VOUCH_TEST_MAIN(TestRunModel)
#include "tst_runmodel.moc"
