// The scheduler, through execution logs: which nodes ended, in which order,
// in which state. Real child processes, a real SQLite warehouse and a real
// state store in a temporary directory.

#include "engine/contract/contractloader.h"
#include "engine/run/runthread.h"
#include "engine/store/statestore.h"
#include "support/guardedrun.h"
#include "support/testguard.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>

#include <utime.h>

using namespace vouch::engine;

namespace {

QByteArray contractText(const QByteArray &nodes, const QByteArray &extra = {})
{
    return "vouch: 1\n"
           "report:\n"
           "  id: test\n"
           "  name: Test report\n"
           "  timezone: Europe/London\n"
           "  schedule: \"0 6 * * MON\"\n"
           "  publish_by: \"MON 12:00\"\n"
           "  sections: [{id: all, name: All, needs: [end], on_failure: hold}]\n" +
           extra + "nodes:\n" + nodes + "  - {id: end, kind: noop}\n";
}

struct Outcome
{
    QString error;
    qint64 runId = 0;
    int attempt = 0;
    QList<EventRecord> events;
    QHash<QString, NodeRunRecord> nodes;
    QList<AttemptRecord> attempts;

    // Terminal transitions in the order they happened: "node:state".
    QStringList log() const
    {
        QStringList rows;
        for (const EventRecord &e : events) {
            if (isTerminal(e.state) && e.attempt == attempt)
                rows << e.nodeId + QLatin1Char(':') + toString(e.state);
        }
        return rows;
    }
    NodeState state(const QString &id) const { return nodes.value(id).state; }
};

class Fixture
{
public:
    Fixture() { QDir().mkpath(dir.path()); }

    QString path(const QString &name) const { return dir.filePath(name); }

    ContractPtr contract(const QByteArray &text)
    {
        const LoadResult r = ContractLoader::loadText(text, QStringLiteral("t.yaml"), dir.path());
        if (!r.ok()) {
            QStringList lines;
            for (const Diagnostic &d : r.diagnostics)
                lines << d.format();
            qWarning("%s", qPrintable(lines.join(QLatin1Char('\n'))));
        }
        return r.contract;
    }

    Outcome run(const ContractPtr &contract, RunOptions options = {},
                const std::function<void(RunThread &)> &during = {})
    {
        Outcome outcome;
        if (!contract) {
            outcome.error = QStringLiteral("invalid contract");
            return outcome;
        }
        RunContext context = *contextForPeriod(QStringLiteral("2026-W47"), QDateTime());
        context.env.insert(QStringLiteral("WORK"), dir.path());
        options = vouch::test::testRunOptions(options, path(QStringLiteral("state.db")));
        RunThread thread(contract, context, options);
        QObject::connect(&thread, &RunThread::runStarted, [&](qint64 id, int a) {
            outcome.runId = id;
            outcome.attempt = a;
        });
        if (during)
            during(thread);
        outcome.error = vouch::test::runGuarded(thread);
        QString storeError;
        auto store = StateStore::open(options.statePath, &storeError);
        if (!store) {
            outcome.error = storeError;
            return outcome;
        }
        outcome.events = store->events(outcome.runId);
        for (const NodeRunRecord &r : store->nodeRuns(outcome.runId))
            outcome.nodes.insert(r.nodeId, r);
        outcome.attempts = store->attempts(outcome.runId);
        return outcome;
    }

    QTemporaryDir dir;
};

} // namespace

class TestScheduler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chainRunsInOrder()
    {
        Fixture f;
        const auto c = f.contract(contractText("  - {id: a, kind: noop}\n"
                                               "  - {id: b, kind: noop, needs: [a]}\n"
                                               "  - {id: c, kind: noop, needs: [b]}\n"
                                               "  - {id: end2, kind: noop, needs: [c]}\n"));
        const Outcome o = f.run(c);
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        // Longest remaining path first; ties go to the earlier node in the file.
        QCOMPARE(o.log(), (QStringList{"a:succeeded", "b:succeeded", "c:succeeded",
                                       "end2:succeeded", "end:succeeded"}));
    }

    void failureBlocksOnlyItsDownstream()
    {
        Fixture f;
        const auto c = f.contract(
            contractText("  - {id: bad, kind: command, run: \"echo broken >&2; exit 3\"}\n"
                         "  - {id: after_bad, kind: noop, needs: [bad]}\n"
                         "  - {id: last, kind: noop, needs: [after_bad]}\n"
                         "  - {id: good, kind: command, run: [\"true\"]}\n"));
        const Outcome o = f.run(c);
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(toString(o.state(QStringLiteral("bad"))), toString(NodeState::Failed));
        QVERIFY(
            o.nodes.value(QStringLiteral("bad")).message.contains(QLatin1String("exit code 3")));
        QVERIFY(o.nodes.value(QStringLiteral("bad")).message.contains(QLatin1String("broken")));
        QCOMPARE(toString(o.state(QStringLiteral("after_bad"))),
                 toString(NodeState::UpstreamFailed));
        QCOMPARE(toString(o.state(QStringLiteral("last"))), toString(NodeState::UpstreamFailed));
        QCOMPARE(toString(o.state(QStringLiteral("good"))), toString(NodeState::Succeeded));
        QCOMPARE(toString(o.state(QStringLiteral("end"))), toString(NodeState::Succeeded));
        // The log of the failed command is kept.
        QVERIFY(QFile::exists(o.nodes.value(QStringLiteral("bad")).logPath));
    }

    void retriesWithBackoffThenSucceed()
    {
        Fixture f;
        // Fails twice, then succeeds: the counter lives in a file.
        const auto c = f.contract(contractText("  - id: flaky\n"
                                               "    kind: command\n"
                                               "    run: 'n=$(cat \"$WORK/count\" 2>/dev/null || "
                                               "echo 0); n=$((n+1)); echo $n > \"$WORK/count\"; "
                                               "test $n -ge 3'\n"
                                               "    retries: 3\n"
                                               "    retry_delay: 1s\n"));
        const Outcome o = f.run(c);
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QStringList flaky;
        QList<double> waits; // seconds, as each retry recorded them
        static const QRegularExpression recorded(QStringLiteral("retrying in ([0-9.]+)s$"));
        for (const EventRecord &e : o.events) {
            if (e.nodeId == QLatin1String("flaky") &&
                (isTerminal(e.state) || e.state == NodeState::Retrying)) {
                flaky << toString(e.state);
                if (e.state == NodeState::Retrying) {
                    const QRegularExpressionMatch m = recorded.match(e.message);
                    QVERIFY2(m.hasMatch(), qPrintable(e.message));
                    waits << m.captured(1).toDouble();
                }
            }
        }
        QCOMPARE(flaky, (QStringList{"retrying", "retrying", "succeeded"}));
        QCOMPARE(o.nodes.value(QStringLiteral("flaky")).tries, 3);
        // Exponential backoff from retry_delay 1s with ±20% jitter: about 1s,
        // then about 2s (to the tenth of a second the record keeps).
        QVERIFY2(waits.at(0) >= 0.8 && waits.at(0) <= 1.2,
                 qPrintable(QString::number(waits.at(0))));
        QVERIFY2(waits.at(1) >= 1.6 && waits.at(1) <= 2.4,
                 qPrintable(QString::number(waits.at(1))));
    }

    void retriesExhaustedFail()
    {
        Fixture f;
        const auto c = f.contract(contractText(
            "  - {id: never, kind: command, run: \"exit 1\", retries: 1, retry_delay: 1s}\n"
            "  - {id: child, kind: noop, needs: [never]}\n"));
        const Outcome o = f.run(c);
        QCOMPARE(toString(o.state(QStringLiteral("never"))), toString(NodeState::Failed));
        QCOMPARE(o.nodes.value(QStringLiteral("never")).tries, 2);
        QCOMPARE(toString(o.state(QStringLiteral("child"))), toString(NodeState::UpstreamFailed));
    }

    void timeoutKillsTheProcessTree()
    {
        Fixture f;
        const auto c =
            f.contract(contractText("  - {id: slow, kind: command, run: \"sleep 60 & sleep 60 & "
                                    "echo $! > $WORK/pid; wait\", timeout: 1s}\n"));
        const Outcome o = f.run(c);
        QCOMPARE(toString(o.state(QStringLiteral("slow"))), toString(NodeState::Failed));
        QVERIFY2(o.nodes.value(QStringLiteral("slow")).message.contains(QLatin1String("timed out")),
                 qPrintable(o.nodes.value(QStringLiteral("slow")).message));
        QFile pidFile(f.path(QStringLiteral("pid")));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const pid_t grandchild = pid_t(pidFile.readAll().trimmed().toLongLong());
        QVERIFY(grandchild > 0);
        QTRY_VERIFY_WITH_TIMEOUT(::kill(grandchild, 0) != 0, 10000);
    }

    void cancelTheRun()
    {
        Fixture f;
        const auto c =
            f.contract(contractText("  - {id: long, kind: command, run: [sleep, \"60\"]}\n"
                                    "  - {id: after, kind: noop, needs: [long]}\n"));
        const Outcome o = f.run(c, {}, [](RunThread &thread) {
            QObject::connect(&thread, &RunThread::transitionsCommitted, &thread,
                             [&thread](const QList<Transition> &batch) {
                                 for (const Transition &t : batch) {
                                     if (t.nodeId == QLatin1String("long") && t.processGroup > 0)
                                         thread.cancelRun();
                                 }
                             });
        });
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(toString(o.state(QStringLiteral("long"))), toString(NodeState::Cancelled));
        QCOMPARE(toString(o.state(QStringLiteral("after"))), toString(NodeState::Cancelled));
        QCOMPARE(toString(o.state(QStringLiteral("end"))),
                 toString(NodeState::Succeeded)); // independent, done at once
    }

    // A run that could not start (an unknown node) is over: a cancel that
    // arrives after its end finds nothing to do, and no attempt is recorded.
    void cancelAfterAFailedStart()
    {
        Fixture f;
        const auto c = f.contract(contractText("  - {id: a, kind: noop}\n"));
        RunOptions options;
        options.nodes = {QStringLiteral("no_such_node")};
        const Outcome o = f.run(c, options, [](RunThread &thread) {
            QObject::connect(&thread, &RunThread::finished, &thread,
                             [&thread] { thread.cancelRun(); });
        });
        QCOMPARE(o.error, QStringLiteral("unknown node 'no_such_node'"));
        QVERIFY(o.attempts.isEmpty());
    }

    void cancelOneNode()
    {
        Fixture f;
        const auto c =
            f.contract(contractText("  - {id: long, kind: command, run: [sleep, \"60\"]}\n"
                                    "  - {id: after, kind: noop, needs: [long]}\n"
                                    "  - {id: other, kind: command, run: [sleep, \"0.2\"]}\n"));
        const Outcome o = f.run(c, {}, [](RunThread &thread) {
            QObject::connect(&thread, &RunThread::transitionsCommitted, &thread,
                             [&thread](const QList<Transition> &batch) {
                                 for (const Transition &t : batch) {
                                     if (t.nodeId == QLatin1String("long") && t.processGroup > 0)
                                         thread.cancelNodes({QStringLiteral("long")});
                                 }
                             });
        });
        QCOMPARE(toString(o.state(QStringLiteral("long"))), toString(NodeState::Cancelled));
        QCOMPARE(toString(o.state(QStringLiteral("after"))), toString(NodeState::UpstreamFailed));
        QCOMPARE(toString(o.state(QStringLiteral("other"))), toString(NodeState::Succeeded));
    }

    void warnContinuesErrorBlocks()
    {
        Fixture f;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("seed"));
            db.setDatabaseName(f.path(QStringLiteral("w.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("create table t (sku text, cost real)")));
            QVERIFY(
                q.exec(QStringLiteral("insert into t values ('a', 1), ('b', null), ('c', null)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("seed"));
        const QByteArray connections =
            "connections:\n  w: {driver: sqlite, database: \"${WORK}/w.db\"}\n";
        const auto c = f.contract(
            contractText("  - id: warns\n    kind: check\n    connection: w\n"
                         "    value: \"select count(*) from t where cost is null\"\n"
                         "    rows: \"select sku from t where cost is null order by sku\"\n"
                         "    warn_if: \"> 0\"\n    error_if: \"> 5\"\n"
                         "  - {id: after_warn, kind: noop, needs: [warns]}\n"
                         "  - id: errors\n    kind: check\n    connection: w\n"
                         "    value: \"select count(*) from t where cost is null\"\n"
                         "    warn_if: \"> 0\"\n    error_if: \">= 2\"\n"
                         "  - {id: after_error, kind: noop, needs: [errors]}\n",
                         connections));
        QVERIFY(c);
        const Outcome o = f.run(c);
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(toString(o.state(QStringLiteral("warns"))), toString(NodeState::Warned));
        QCOMPARE(o.nodes.value(QStringLiteral("warns")).value, std::optional<double>(2.0));
        const auto samples = o.nodes.value(QStringLiteral("warns")).sampleRows;
        QCOMPARE(samples, (QList<QStringList>{{"sku"}, {"b"}, {"c"}}));
        QCOMPARE(toString(o.state(QStringLiteral("after_warn"))), toString(NodeState::Succeeded));
        QCOMPARE(toString(o.state(QStringLiteral("errors"))), toString(NodeState::Failed));
        QCOMPARE(toString(o.state(QStringLiteral("after_error"))),
                 toString(NodeState::UpstreamFailed));
    }

    void poolAllowsOneAtATime()
    {
        Fixture f;
        QByteArray nodes;
        for (int i = 0; i < 4; ++i)
            nodes +=
                QStringLiteral("  - {id: p%1, kind: command, run: [sleep, \"0.3\"], pool: one}\n")
                    .arg(i)
                    .toUtf8();
        const auto c = f.contract(contractText(nodes, "pools: {one: 1}\n"));
        RunOptions options;
        options.concurrency = 4;
        const Outcome o = f.run(c, options);
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(maxOverlap(o, {"p0", "p1", "p2", "p3"}), 1);
    }

    void concurrencyLimit()
    {
        Fixture f;
        QByteArray nodes;
        for (int i = 0; i < 6; ++i)
            nodes += QStringLiteral("  - {id: c%1, kind: command, run: [sleep, \"0.3\"]}\n")
                         .arg(i)
                         .toUtf8();
        const auto c = f.contract(contractText(nodes));
        RunOptions options;
        options.concurrency = 2;
        const Outcome o = f.run(c, options);
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(maxOverlap(o, {"c0", "c1", "c2", "c3", "c4", "c5"}), 2);
        // Nodes that had to wait were shown as queued first.
        int queued = 0;
        for (const EventRecord &e : o.events)
            queued += e.state == NodeState::Queued;
        QVERIFY(queued >= 4);
    }

    void longestPathFirst()
    {
        Fixture f;
        const auto c = f.contract(contractText("  - {id: short, kind: command, run: [\"true\"]}\n"
                                               "  - {id: deep1, kind: command, run: [\"true\"]}\n"
                                               "  - {id: deep2, kind: noop, needs: [deep1]}\n"
                                               "  - {id: deep3, kind: noop, needs: [deep2]}\n"));
        RunOptions options;
        options.concurrency = 1;
        const Outcome o = f.run(c, options);
        QStringList starts;
        for (const EventRecord &e : o.events) {
            if (e.state == NodeState::Running && !starts.contains(e.nodeId))
                starts << e.nodeId;
        }
        QCOMPARE(starts.mid(0, 2), (QStringList{"deep1", "short"}));
    }

    void rerunFailedOnlyKeepsHistory()
    {
        Fixture f;
        const auto c =
            f.contract(contractText("  - {id: gate, kind: command, run: \"test -f $WORK/fixed\"}\n"
                                    "  - {id: model, kind: noop, needs: [gate]}\n"
                                    "  - {id: fine, kind: command, run: [\"true\"]}\n"));
        const Outcome first = f.run(c);
        QCOMPARE(toString(first.state(QStringLiteral("gate"))), toString(NodeState::Failed));
        QCOMPARE(toString(first.state(QStringLiteral("model"))),
                 toString(NodeState::UpstreamFailed));
        QFile fixed(f.path(QStringLiteral("fixed")));
        QVERIFY(fixed.open(QIODevice::WriteOnly));
        fixed.close();
        RunOptions options;
        options.nodes = QStringList{"gate", "model", "end"};
        options.who = QStringLiteral("ann");
        options.reason = QStringLiteral("fixed the gate");
        const Outcome second = f.run(c, options);
        QCOMPARE(second.runId, first.runId);
        QCOMPARE(second.attempt, 2);
        // `end` needs nothing and costs nothing, so it ends first.
        QCOMPARE(second.log(), (QStringList{"end:succeeded", "gate:succeeded", "model:succeeded"}));
        QCOMPARE(toString(second.state(QStringLiteral("fine"))), toString(NodeState::Succeeded));
        QCOMPARE(second.nodes.value(QStringLiteral("fine")).attempt, 1); // untouched, not rerun
        QCOMPARE(second.attempts.size(), 2);
        QCOMPARE(second.attempts.at(1).who, QStringLiteral("ann"));
        QCOMPARE(second.attempts.at(1).reason, QStringLiteral("fixed the gate"));
        // The failed first attempt is still in the history.
        bool firstFailure = false;
        for (const EventRecord &e : second.events)
            firstFailure |=
                e.attempt == 1 && e.nodeId == QLatin1String("gate") && e.state == NodeState::Failed;
        QVERIFY(firstFailure);
    }

    void rerunWithBrokenUpstreamOutsideSelection()
    {
        Fixture f;
        const auto c = f.contract(contractText("  - {id: gate, kind: command, run: \"exit 1\"}\n"
                                               "  - {id: model, kind: noop, needs: [gate]}\n"));
        f.run(c);
        RunOptions options;
        options.nodes = QStringList{"model"};
        const Outcome o = f.run(c, options);
        QCOMPARE(o.log(), QStringList{"model:upstream_failed"});
    }

    void lateSourceIsWaitedFor()
    {
        Fixture f;
        const QString source = f.path(QStringLiteral("export.csv"));
        QFile file(source);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const QByteArray old = QFile::encodeName(source);
        utimbuf times{time(nullptr) - 7200, time(nullptr) - 7200};
        QVERIFY(utime(old.constData(), &times) == 0);
        const auto c = f.contract(contractText(
            "  - id: src\n    kind: freshness\n    path: \"${WORK}/export.csv\"\n"
            "    warn_after: 30m\n    error_after: 1h\n    wait: {every: 1s, up_to: 20s}\n"
            "  - {id: model, kind: noop, needs: [src]}\n"));
        const Outcome o = f.run(c, {}, [&](RunThread &thread) {
            // The source lands while the node waits.
            QObject::connect(&thread, &RunThread::transitionsCommitted, &thread,
                             [source](const QList<Transition> &batch) {
                                 for (const Transition &t : batch) {
                                     if (t.message.startsWith(QLatin1String("waiting:")))
                                         utime(QFile::encodeName(source).constData(), nullptr);
                                 }
                             });
        });
        QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
        QCOMPARE(toString(o.state(QStringLiteral("src"))), toString(NodeState::Succeeded));
        QCOMPARE(toString(o.nodes.value(QStringLiteral("src")).freshness),
                 toString(Freshness::Fresh));
        QCOMPARE(toString(o.state(QStringLiteral("model"))), toString(NodeState::Succeeded));
        bool waited = false;
        for (const EventRecord &e : o.events)
            waited |=
                e.nodeId == QLatin1String("src") && e.message.startsWith(QLatin1String("waiting:"));
        QVERIFY(waited);
        // The wait is a field of the transition (issue 13), stored with each
        // event: the reason, the next look and the deadline (up_to: 20s).
        for (const EventRecord &e : o.events) {
            const bool waiting =
                e.nodeId == QLatin1String("src") && e.message.startsWith(QLatin1String("waiting:"));
            QCOMPARE(e.waiting.has_value(), waiting);
            if (waiting) {
                QVERIFY(!e.waiting->reason.isEmpty());
                QVERIFY(e.message.contains(e.waiting->reason));
                QVERIFY(e.waiting->nextLook.isValid());
                QVERIFY(e.waiting->nextLook <= e.waiting->deadline);
                QVERIFY(e.waiting->deadline <= e.at.addSecs(20));
            }
        }
    }

    void lateSourceSettlesWhenTheWaitEnds()
    {
        Fixture f;
        const QString source = f.path(QStringLiteral("export.csv"));
        QFile file(source);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        utimbuf times{time(nullptr) - 7200, time(nullptr) - 7200};
        QVERIFY(utime(QFile::encodeName(source).constData(), &times) == 0);
        const auto c = f.contract(contractText(
            "  - id: src\n    kind: freshness\n    path: \"${WORK}/export.csv\"\n"
            "    warn_after: 30m\n    error_after: 1h\n    wait: {every: 1s, up_to: 2s}\n"
            "  - {id: model, kind: noop, needs: [src]}\n"));
        const Outcome o = f.run(c);
        QCOMPARE(toString(o.state(QStringLiteral("src"))), toString(NodeState::Failed));
        QCOMPARE(toString(o.nodes.value(QStringLiteral("src")).freshness),
                 toString(Freshness::StaleError));
        QCOMPARE(toString(o.state(QStringLiteral("model"))), toString(NodeState::UpstreamFailed));
    }

private:
    static int maxOverlap(const Outcome &o, const QStringList &ids)
    {
        QList<std::pair<QDateTime, int>> edges;
        for (const QString &id : ids) {
            const NodeRunRecord r = o.nodes.value(id);
            edges.append({r.startedAt, +1});
            edges.append({r.finishedAt, -1});
        }
        std::sort(edges.begin(), edges.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first < b.first : a.second < b.second;
        });
        int current = 0, best = 0;
        for (const auto &e : edges) {
            current += e.second;
            best = std::max(best, current);
        }
        return best;
    }
};

VOUCH_TEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"
