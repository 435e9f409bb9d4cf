// Assessing a run stored in a real state store: alerts open, update and
// resolve as reruns change the outcome; escalations fire once, at their time,
// only while the report is not safe.

#include "engine/contract/contractloader.h"
#include "engine/graph/graph.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "support/contracts.h"
#include "support/testguard.h"

#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace vouch::engine;

namespace {

const QByteArray kContract = VOUCH_TEST_WEEKLY_REPORT R"(  escalation:
    - {at: "MON 10:00", if: not_safe, notify: [head-of-finance]}
  alert: "{section} is not safe because {cause} {publishable} can publish."
  sections:
    - {id: cash, name: Cash, needs: [mart_cash], on_failure: hold}
    - {id: orders, name: Orders, needs: [src_orders], on_failure: hold}
nodes:
  - {id: src_payouts, kind: noop, impact: "payouts are {age} old."}
  - {id: mart_cash, kind: noop, needs: [src_payouts]}
  - {id: src_orders, kind: noop}
)";

QDateTime at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
}

class Fixture
{
public:
    Fixture()
    {
        contract =
            ContractLoader::loadText(kContract, QStringLiteral("t.yaml"), QString()).contract;
        graph = Graph::fromContract(*contract);
        QString error;
        store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        runId = store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W48"), QString());
    }

    // One attempt that ends the given nodes in the given states.
    void attempt(const QList<std::pair<QString, NodeState>> &ends)
    {
        QStringList ids;
        for (const auto &[id, state] : ends)
            ids << id;
        const int a = store->beginAttempt(runId, QStringLiteral("t"), QStringLiteral("t"), ids);
        for (const auto &[id, state] : ends) {
            Transition t;
            t.runId = runId;
            t.attempt = a;
            t.nodeId = id;
            t.state = state;
            t.at = at("2026-11-30T06:00:00Z");
            t.message = toString(state);
            if (id == QLatin1String("src_payouts") && state == NodeState::Failed)
                t.ageSeconds = 3 * 86400;
            store->record(t);
        }
        QVERIFY(store->flush());
        store->finishAttempt(runId, a);
    }

    QTemporaryDir dir;
    ContractPtr contract;
    Graph graph;
    std::unique_ptr<StateStore> store;
    qint64 runId = 0;
};

} // namespace

class TestAssessment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void alertsFollowReruns()
    {
        Fixture f;
        f.attempt({{QStringLiteral("src_payouts"), NodeState::Failed},
                   {QStringLiteral("mart_cash"), NodeState::UpstreamFailed},
                   {QStringLiteral("src_orders"), NodeState::Succeeded}});
        auto a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T06:00:00Z"));
        QVERIFY(a);
        QCOMPARE(toString(a->verdict.status), QStringLiteral("partial"));
        QCOMPARE(a->changed.size(), 1);
        QCOMPARE(toString(a->changed.first().state), QStringLiteral("open"));
        QCOMPARE(
            a->changed.first().headline,
            QStringLiteral("Cash is not safe because payouts are 3 days old. Orders can publish."));

        // Assessing again changes nothing.
        a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T06:05:00Z"));
        QVERIFY(a->changed.isEmpty());

        // A second cause appears: a new alert; the first is unchanged.
        f.attempt({{QStringLiteral("src_orders"), NodeState::Failed}});
        // The payouts alert is updated: Orders can no longer publish.
        a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T06:10:00Z"));
        QCOMPARE(a->changed.size(), 2);
        QCOMPARE(a->alerts.size(), 2);
        for (const AlertRecord &r : a->changed) {
            if (r.rootNode == QLatin1String("src_orders")) {
                QCOMPARE(toString(r.state), QStringLiteral("open"));
            } else {
                QCOMPARE(toString(r.state), QStringLiteral("updated"));
                QCOMPARE(r.headline, QStringLiteral("Cash is not safe because payouts are 3 days "
                                                    "old. No other section can publish."));
            }
        }

        // A rerun fixes the payouts: its alert resolves, the verdict moves.
        f.attempt({{QStringLiteral("src_payouts"), NodeState::Succeeded},
                   {QStringLiteral("mart_cash"), NodeState::Succeeded}});
        a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T06:20:00Z"));
        QCOMPARE(a->changed.size(), 2); // payouts resolved, orders updated (Cash can publish now)
        for (const AlertRecord &r : a->changed) {
            if (r.rootNode == QLatin1String("src_payouts"))
                QCOMPARE(toString(r.state), QStringLiteral("resolved"));
            else
                QCOMPARE(toString(r.state), QStringLiteral("updated"));
        }
        f.attempt({{QStringLiteral("src_orders"), NodeState::Succeeded}});
        a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T06:30:00Z"));
        QCOMPARE(toString(a->verdict.status), QStringLiteral("complete"));
        for (const AlertRecord &r : a->alerts)
            QCOMPARE(toString(r.state), QStringLiteral("resolved"));
    }

    void escalationFiresOnceAtItsTime()
    {
        Fixture f;
        f.attempt({{QStringLiteral("src_payouts"), NodeState::Failed},
                   {QStringLiteral("mart_cash"), NodeState::UpstreamFailed},
                   {QStringLiteral("src_orders"), NodeState::Succeeded}});
        auto a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T09:59:00Z"));
        for (const AlertRecord &r : a->changed)
            QVERIFY(!r.rootNode.startsWith(QLatin1String("escalation:")));
        a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T10:01:00Z"));
        QCOMPARE(a->changed.size(), 1);
        const AlertRecord escalation = a->changed.first();
        QCOMPARE(escalation.rootNode, QStringLiteral("escalation:0"));
        QCOMPARE(toString(escalation.severity), QStringLiteral("critical"));
        QVERIFY(escalation.headline.contains(QStringLiteral("head-of-finance")));
        QVERIFY(escalation.headline.contains(
            QStringLiteral("Cash is not safe because payouts are 3 days old.")));
        a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T10:30:00Z"));
        QVERIFY(a->changed.isEmpty());
    }

    void noEscalationWhenSafe()
    {
        Fixture f;
        f.attempt({{QStringLiteral("src_payouts"), NodeState::Succeeded},
                   {QStringLiteral("mart_cash"), NodeState::Succeeded},
                   {QStringLiteral("src_orders"), NodeState::Succeeded}});
        const auto a = assess(*f.store, *f.contract, f.graph, f.runId, at("2026-11-30T10:30:00Z"));
        QVERIFY(a->changed.isEmpty());
        QVERIFY(a->alerts.isEmpty());
    }

    void escalationTimeFollowsTheReportsZone()
    {
        // In summer London is UTC+1: MON 10:00 is 09:00Z.
        Fixture f;
        f.store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W27"), QString());
        const qint64 summer =
            f.store->findRun(QStringLiteral("weekly"), QStringLiteral("2026-W27"))->id;
        const int a1 = f.store->beginAttempt(summer, QStringLiteral("t"), QStringLiteral("t"),
                                             {QStringLiteral("src_orders")});
        Transition t;
        t.runId = summer;
        t.attempt = a1;
        t.nodeId = QStringLiteral("src_orders");
        t.state = NodeState::Failed;
        t.at = at("2026-07-06T05:00:00Z");
        f.store->record(t);
        QVERIFY(f.store->flush());
        auto a = assess(*f.store, *f.contract, f.graph, summer, at("2026-07-06T08:59:00Z"));
        for (const AlertRecord &r : a->changed)
            QVERIFY(!r.rootNode.startsWith(QLatin1String("escalation:")));
        a = assess(*f.store, *f.contract, f.graph, summer, at("2026-07-06T09:00:30Z"));
        bool fired = false;
        for (const AlertRecord &r : a->changed)
            fired |= r.rootNode == QLatin1String("escalation:0");
        QVERIFY(fired);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestAssessment)
#include "tst_assessment.moc"
