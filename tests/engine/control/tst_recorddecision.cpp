// recordDecision, through execution logs: the attempt that makes the run
// decidable, then each decision (recorded or refused) with the assessment it
// returned, the audit chain and the alert changes, compared as a whole. A
// real SQLite store in a temporary directory, real commands, a pinned clock.

#include "controlfixture.h"
#include "engine/control/identity.h"
#include "engine/control/recorddecision.h"
#include "engine/graph/graph.h"
#include "engine/trust/auditlog.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::engine;
using namespace vouch::test;

namespace {

// "who kind: ok|refused (message) -> status", one row per decision.
QString row(const QString &who, const DecisionRequest &request, const DecisionOutcome &o)
{
    return QStringLiteral("%1 %2: %3 -> %4")
        .arg(who,
             request.kind == Decision::Kind::Approve ? QStringLiteral("approve")
                                                     : QStringLiteral("hold"),
             o.decision.ok           ? QStringLiteral("recorded")
             : o.decision.notAllowed ? QStringLiteral("not allowed")
                                     : QStringLiteral("refused"),
             o.assessment ? toString(o.assessment->verdict.status) : QStringLiteral("-"));
}

} // namespace

class TestRecordDecision : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decisionsOnACaveatedRun()
    {
        ControlFixture f;
        const ContractPtr contract = f.contract(true);
        QStringList log;
        const AttemptOutcome ran = f.run(f.spec(contract), log);
        QCOMPARE(ran.status, AttemptOutcome::Status::Finished);
        log = {QStringLiteral("assessed %1").arg(toString(ran.assessment->verdict.status))};

        auto store = f.store();
        const auto decideAs = [&](const QString &who, Decision::Kind kind, const QString &text,
                                  const QString &section = QStringLiteral("all")) {
            DecisionRequest request;
            request.runId = ran.runId;
            request.kind = kind;
            request.who = who;
            if (!text.isEmpty())
                request.texts = {{section, text}};
            const DecisionOutcome o = recordDecision(*store, *contract, request);
            log << row(who, request, o);
            if (o.decision.ok)
                log << QStringLiteral("  alert changes: %1").arg(o.assessment->changed.size());
            // The assessment returned is what reading the store again gives.
            const auto fresh = assess(*store, *contract, Graph::fromContract(*contract), ran.runId,
                                      clockNow(), /*syncAlerts=*/false);
            if (toString(fresh->verdict.status) != toString(o.assessment->verdict.status))
                log << QStringLiteral("  but the store says %1")
                           .arg(toString(fresh->verdict.status));
            return o;
        };
        // Refused for a non-approver: nothing recorded, the verdict as it was.
        const DecisionOutcome mallory =
            decideAs(QStringLiteral("mallory"), Decision::Kind::Approve, QStringLiteral("fine"));
        QVERIFY(mallory.decision.message.contains(QLatin1String("not an approver")));
        // No text: nothing is checked, the assessment is there for suggestions.
        const DecisionOutcome empty = decideAs(QStringLiteral("alice"), Decision::Kind::Hold, {});
        QVERIFY(empty.needsText);
        // The approver: recorded, and the returned assessment already shows it.
        const DecisionOutcome alice = decideAs(QStringLiteral("alice"), Decision::Kind::Approve,
                                               QStringLiteral("b is known to be late"));
        QCOMPARE(alice.who, QStringLiteral("alice"));
        QStringList decisions;
        for (const Decision &d : alice.assessment->snapshot.decisions)
            decisions << QStringLiteral("%1 %2 %3: %4")
                             .arg(d.who, d.kind == Decision::Kind::Approve ? "approve" : "hold",
                                  d.section, d.text);
        QCOMPARE(rows(decisions), rows({"alice approve all: b is known to be late",
                                        "alice approve : every unsafe section approved with "
                                        "its caveat"}));
        // Then a hold of the whole report by the same approver.
        decideAs(QStringLiteral("alice"), Decision::Kind::Hold, QStringLiteral("wait for b"),
                 QString());

        const QStringList expected{
            "assessed caveated",
            "mallory approve: not allowed -> caveated",
            "alice hold: refused -> caveated",
            "alice approve: recorded -> published_with_caveats",
            "  alert changes: 0",
            "alice hold: recorded -> held",
            "  alert changes: 0",
        };
        QCOMPARE(rows(log), rows(expected));
        // The audit chain has exactly the recorded decisions, and verifies.
        AuditLog audit(*store);
        QStringList entries;
        for (const AuditEntry &e : audit.entries(QStringLiteral("ctl"), QStringLiteral("2026-W47")))
            entries << e.who + u' ' + e.action;
        QCOMPARE(entries, QStringList({"alice approve", "alice hold"}));
        QVERIFY(audit.verify().ok);
    }

    void oneAssessmentPerDecision()
    {
        // The returned assessment is the one a fresh read gives: nothing
        // else needs to read the store again after a decision.
        ControlFixture f;
        const ContractPtr contract = f.contract(true);
        QStringList log;
        const AttemptOutcome ran = f.run(f.spec(contract), log);
        auto store = f.store();
        DecisionRequest request;
        request.runId = ran.runId;
        request.who = QStringLiteral("alice");
        request.texts = {{QString(), QStringLiteral("known")}};
        const DecisionOutcome o = recordDecision(*store, *contract, request);
        QVERIFY(o.decision.ok);
        const Graph graph = Graph::fromContract(*contract);
        const auto fresh = assess(*store, *contract, graph, ran.runId, clockNow(), false);
        QVERIFY(fresh);
        QCOMPARE(toString(o.assessment->verdict.status), toString(fresh->verdict.status));
        QCOMPARE(o.assessment->snapshot.decisions.size(), fresh->snapshot.decisions.size());
        QCOMPARE(o.assessment->alerts.size(), fresh->alerts.size());
    }

    void identityOnALocalStore()
    {
        ControlFixture f;
        auto store = f.store();
        // A decision is the OS login's, whatever the environment says.
        qputenv("VOUCH_USER", "someone-else");
        QCOMPARE(whoIsActing(Acting::Decision, store.get()), osLogin());
        QCOMPARE(whoIsActing(Acting::Decision, f.statePath()), osLogin());
        // An attempt is recorded for $VOUCH_USER when it is set.
        QCOMPARE(whoIsActing(Acting::Attempt, store.get()), QStringLiteral("someone-else"));
        qunsetenv("VOUCH_USER");
        QCOMPARE(whoIsActing(Acting::Attempt), osLogin());
        // A team store's URL names who connects.
        QCOMPARE(whoIsActing(Acting::Decision, QStringLiteral("postgres://lee@db:5432/vouch")),
                 QStringLiteral("lee"));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestRecordDecision)
#include "tst_recorddecision.moc"
