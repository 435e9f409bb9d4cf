// AttemptRunner, through execution logs: the lease and recovery, each
// transition, the end of the attempt, the deliveries and the assessment, in
// the order they happened, compared as a whole. Real child processes, a real
// SQLite store in a temporary directory, a pinned clock.

#include "controlfixture.h"
#include "engine/run/runlease.h"
#include "support/testguard.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTest>

using namespace vouch::engine;
using namespace vouch::test;

namespace {
const QString kKey = QStringLiteral("ctl/2026-W47");
}

class TestAttemptRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void normalAttempt()
    {
        ControlFixture f;
        QStringList log;
        const AttemptOutcome o = f.run(f.spec(f.contract(false)), log);
        QCOMPARE(o.status, AttemptOutcome::Status::Finished);
        const QStringList expected{
            "lease; interrupted []", "run 1 attempt 1", "a:pending",   "b:pending",
            "end:pending",           "a:running",       "a:succeeded", "b:running",
            "b:succeeded",           "end:succeeded",   "ended",       "deliver 0 alert change(s)",
            "assessed complete",
        };
        QCOMPARE(rows(withoutQueued(log)), rows(expected));
        // The lease is given back, and the run remembers its pinned clock.
        auto store = f.store();
        QCOMPARE(leaseKey(QStringLiteral("ctl"), QStringLiteral("2026-W47")), kKey);
        QVERIFY(store->leaseHolder(kKey).isEmpty());
        QCOMPARE(store->run(o.runId)->pinnedClock, o.assessment->snapshot.now);
    }

    void failingAttemptThenARerunPlannedUnderTheLease()
    {
        ControlFixture f;
        QStringList log;
        const AttemptOutcome first = f.run(f.spec(f.contract(true)), log);
        QCOMPARE(first.status, AttemptOutcome::Status::Finished);
        const QStringList failed{
            "lease; interrupted []",
            "run 1 attempt 1",
            "a:pending",
            "b:pending",
            "end:pending",
            "a:running",
            "a:succeeded",
            "b:running",
            "b:failed",
            "end:upstream_failed",
            "ended",
            "deliver 1 alert change(s)",
            "assessed caveated",
        };
        QCOMPARE(rows(withoutQueued(log)), rows(failed));
        // What did not pass, planned from the store under the lease.
        log.clear();
        AttemptSpec rerun = f.spec(f.contract(false));
        rerun.rerun = RerunRequest{{}, false, true};
        const AttemptOutcome second = f.run(rerun, log);
        QCOMPARE(second.nodes, QStringList({"b", "end"}));
        const QStringList fixed{
            "lease; interrupted []", "run 1 attempt 2", "b:pending",
            "end:pending",           "b:running",       "b:succeeded",
            "end:succeeded",         "ended",           "deliver 1 alert change(s)",
            "assessed complete",
        };
        QCOMPARE(rows(withoutQueued(log)), rows(fixed));
    }

    void recoversWhatADeadExecutorLeft()
    {
        ControlFixture f;
        QStringList log;
        const ContractPtr contract = f.contract(false);
        const AttemptOutcome first = f.run(f.spec(contract), log);
        QCOMPARE(first.status, AttemptOutcome::Status::Finished);
        {
            // An executor began attempt 2, started `a` and died holding the lease.
            auto store = f.store();
            const int attempt = store->beginAttempt(first.runId, QStringLiteral("ghost"),
                                                    QStringLiteral("crash"), {QStringLiteral("a")});
            Transition t;
            t.runId = first.runId;
            t.attempt = attempt;
            t.nodeId = QStringLiteral("a");
            t.state = NodeState::Running;
            t.at = clockNow();
            store->record(t);
            QVERIFY(store->flush());
            QVERIFY(store->acquireLease(kKey, ControlFixture::deadHolder(), 600));
        }
        log.clear();
        const AttemptOutcome o = f.run(f.spec(contract, {QStringLiteral("a")}), log);
        QCOMPARE(o.status, AttemptOutcome::Status::Finished);
        QCOMPARE(o.interrupted, QStringList({"a"}));
        const QStringList expected{
            "lease; interrupted [a]",
            "run 1 attempt 3",
            "a:pending",
            "a:running",
            "a:succeeded",
            "ended",
            "deliver 0 alert change(s)",
            "assessed complete",
        };
        QCOMPARE(rows(withoutQueued(log)), rows(expected));
        // The store's own record says the same: attempt 2's `a` was interrupted.
        QStringList recorded;
        for (const EventRecord &e : f.store()->events(o.runId)) {
            if (e.attempt == 2)
                recorded << e.nodeId + u':' + toString(e.state);
        }
        QCOMPARE(rows(recorded), rows({"a:running", "a:interrupted"}));
    }

    void refusedWhileAnotherLiveProcessHoldsTheLease()
    {
        ControlFixture f;
        // This test process is alive: as another holder on this machine it holds.
        const QString other = QStringLiteral("runner@%1:%2")
                                  .arg(QSysInfo::machineHostName())
                                  .arg(QCoreApplication::applicationPid());
        QVERIFY(f.store()->acquireLease(kKey, other, 600));
        QStringList log;
        const AttemptOutcome o = f.run(f.spec(f.contract(false)), log);
        QCOMPARE(o.status, AttemptOutcome::Status::LeaseHeld);
        QCOMPARE(o.holder, other);
        QCOMPARE(rows(log), QString()); // nothing ran, nothing was assessed or delivered
        QVERIFY(!f.store()->latestRun(QStringLiteral("ctl")));
        QCOMPARE(f.store()->leaseHolder(kKey), other);
    }

    void declinedUnderTheLeaseRunsNothing()
    {
        ControlFixture f;
        AttemptSpec spec = f.spec(f.contract(false));
        int asked = 0;
        spec.underLease = [&asked](StateStore &) {
            ++asked;
            return false;
        };
        QStringList log;
        const AttemptOutcome o = f.run(spec, log);
        QCOMPARE(o.status, AttemptOutcome::Status::Declined);
        QCOMPARE(asked, 1);
        QCOMPARE(rows(log), QString());
        QVERIFY(f.store()->leaseHolder(kKey).isEmpty());
    }

    void cancelledBeforeItBegins()
    {
        // The app's way: the store steps on workers; a cancel that arrives
        // while the lease is being taken runs nothing and gives it back.
        ControlFixture f;
        AttemptSpec spec = f.spec(f.contract(false));
        spec.offload = true;
        AttemptRunner runner(spec);
        QStringList log;
        QObject::connect(&runner, &AttemptRunner::runStarted,
                         [&log](qint64, int) { log << QStringLiteral("started"); });
        QSignalSpy finished(&runner, &AttemptRunner::finished);
        runner.start();
        runner.cancelRun();
        QVERIFY(finished.wait(30000));
        QCOMPARE(runner.outcome().status, AttemptOutcome::Status::Cancelled);
        QCOMPARE(rows(log), QString());
        QTRY_VERIFY_WITH_TIMEOUT(f.store()->leaseHolder(kKey).isEmpty(), 10000);
    }

    void offloadedAttemptEndsAssessed()
    {
        ControlFixture f;
        AttemptSpec spec = f.spec(f.contract(true));
        spec.offload = true;
        AttemptRunner runner(spec);
        QSignalSpy finished(&runner, &AttemptRunner::finished);
        runner.start();
        QVERIFY(finished.wait(60000));
        const AttemptOutcome &o = runner.outcome();
        QCOMPARE(o.status, AttemptOutcome::Status::Finished);
        QVERIFY(o.assessment);
        QCOMPARE(toString(o.assessment->verdict.status), QStringLiteral("caveated"));
        QVERIFY(o.lastSeq > 0);
        QVERIFY(f.store()->leaseHolder(kKey).isEmpty());
    }
};

VOUCH_TEST_GUILESS_MAIN(TestAttemptRunner)
#include "tst_attemptrunner.moc"
