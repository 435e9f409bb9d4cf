// dbt nodes run in batches: one `dbt build --select …` per ready stretch of
// a project, per-node transitions live from dbt's structured log, and
// run_results.json as the record. This machine has no dbt: the program is
// tests/support/dbt-standin/dbt, a shell script that replays dbt's
// structured log lines (the documented shape) for the nodes it is given and
// counts its invocations. Everything else is real: the scheduler on its
// thread, child processes in their own process groups, the SQLite store.

#include "engine/contract/contractloader.h"
#include "engine/run/dbtbatch.h"
#include "engine/run/dbtlog.h"
#include "engine/run/runthread.h"
#include "engine/store/statestore.h"
#include "support/dbtstandin.h"
#include "support/guardedrun.h"
#include "support/testguard.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace vouch::engine;

namespace {

QString lastDir; // the latest Project's directory, for cleanup()

const QString kStandin = vouch::test::dbtStandin();

// A dbt project of the stand-in's: resource -> (unique id, upstream ids).
struct Resource
{
    QString name;
    QString uniqueId;
    QStringList needs; // contract node ids (= names)
    QString extra;     // more YAML for the node
};

class Project
{
public:
    Project()
    {
        QDir().mkpath(dir.filePath(QStringLiteral("project")));
        lastDir = dir.path();
    }

    QString path(const QString &name) const { return dir.filePath(name); }
    QString projectDir() const { return path(QStringLiteral("project")); }

    void add(const QString &name, const QString &type, const QStringList &needs = {},
             const QString &extra = {})
    {
        const QString uid = type == QLatin1String("test")
                                ? QStringLiteral("test.shop.%1.0a1b2c").arg(name)
                                : QStringLiteral("%1.shop.%2").arg(type, name);
        resources.append({name, uid, needs, extra});
    }

    // SELECTOR STATUS [FAILURES], for the stand-in's `outcomes` file.
    void outcome(const QString &name, const QString &status, int failures = 0)
    {
        outcomes += QStringLiteral("%1 %2 %3\n").arg(name, status).arg(failures);
    }

    QString uidOf(const QString &name) const
    {
        for (const Resource &r : resources) {
            if (r.name == name)
                return r.uniqueId;
        }
        return name; // not a dbt resource
    }

    // The contract: every resource a `kind: dbt` node, plus `more` nodes.
    // `more`: nodes of other kinds; `top`: more top-level keys (pools).
    ContractPtr contract(const QByteArray &more = {}, const QByteArray &top = {})
    {
        QByteArray tsv;
        QByteArray nodes;
        for (const Resource &r : std::as_const(resources)) {
            QStringList deps;
            for (const QString &n : r.needs)
                deps << uidOf(n);
            tsv +=
                QStringLiteral("%1 %2 %3\n")
                    .arg(r.name, r.uniqueId, deps.isEmpty() ? QStringLiteral("-") : deps.join(u','))
                    .toUtf8();
            nodes +=
                QStringLiteral("  - {id: %1, kind: dbt, unique_id: %2, program: \"%3\", "
                               "project_dir: project, needs: [%4]%5}\n")
                    .arg(r.name, r.uniqueId, program, r.needs.join(QStringLiteral(", ")), r.extra)
                    .toUtf8();
        }
        write(QStringLiteral("project/standin.tsv"), tsv);
        write(QStringLiteral("project/outcomes"), outcomes.toUtf8());
        const QByteArray text =
            "vouch: 1\n"
            "report:\n"
            "  id: shop\n"
            "  name: Shop\n"
            "  timezone: UTC\n"
            "  schedule: \"0 6 * * MON\"\n"
            "  publish_by: \"MON 12:00\"\n"
            "  sections: [{id: all, name: All, needs: [end], on_failure: hold}]\n" +
            top + "nodes:\n" + nodes + more + "  - {id: end, kind: noop}\n";
        const LoadResult r =
            ContractLoader::loadText(text, path(QStringLiteral("c.yaml")), dir.path());
        for (const Diagnostic &d : r.diagnostics)
            qWarning("%s", qPrintable(d.format()));
        return r.contract;
    }

    void write(const QString &name, const QByteArray &bytes) const
    {
        QFile f(path(name));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }

    // One line per dbt invocation: its arguments.
    QStringList calls() const { return vouch::test::dbtCalls(path(QStringLiteral("calls"))); }

    struct Run
    {
        QString error;
        QList<Transition> transitions; // as committed, in order
        QHash<QString, NodeRunRecord> nodes;
        QString state(const QString &id) const { return toString(nodes.value(id).state); }
        QString message(const QString &id) const { return nodes.value(id).message; }
        // The node ids that reached `state`, in the order they did.
        QStringList order(NodeState state) const
        {
            QStringList ids;
            for (const Transition &t : transitions) {
                if (t.state == state)
                    ids << t.nodeId;
            }
            return ids;
        }
    };

    Run run(const ContractPtr &contract, RunOptions options = {},
            const std::function<void(RunThread &)> &during = {})
    {
        Run out;
        if (!contract) {
            out.error = QStringLiteral("invalid contract");
            return out;
        }
        RunContext context = *contextForPeriod(QStringLiteral("2026-W47"), QDateTime());
        context.env.insert(QStringLiteral("DBT_STANDIN_CALLS"), path(QStringLiteral("calls")));
        options = vouch::test::testRunOptions(options, path(QStringLiteral("state.db")));
        RunThread thread(contract, context, options);
        qint64 runId = 0;
        QObject::connect(&thread, &RunThread::runStarted, [&](qint64 id, int) { runId = id; });
        QObject::connect(&thread, &RunThread::transitionsCommitted,
                         [&](const QList<Transition> &batch) { out.transitions += batch; });
        if (during)
            during(thread);
        out.error = vouch::test::runGuarded(thread);
        QString storeError;
        auto store = StateStore::open(options.statePath, &storeError);
        if (!store) {
            out.error = storeError;
            return out;
        }
        for (const NodeRunRecord &r : store->nodeRuns(runId))
            out.nodes.insert(r.nodeId, r);
        return out;
    }

    QTemporaryDir dir;
    QList<Resource> resources;
    QString outcomes;
    QString program = kStandin;
};

QStringList selected(const QString &call)
{
    return vouch::test::dbtSelection(call);
}

// Processes a test's invocations left alive (the stand-in's shell, or the
// sleep of `hang`): they have the test's directory in their environment
// (DBT_STANDIN_CALLS), so other tests running meanwhile do not count.
QStringList leftovers(const QString &dir)
{
    QStringList found;
    if (dir.isEmpty())
        return found;
    for (const QString &pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile f(QStringLiteral("/proc/%1/environ").arg(pid));
        if (f.open(QIODevice::ReadOnly) && f.readAll().contains(dir.toUtf8()))
            found << pid;
    }
    return found;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestDbtBatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // No dbt process (nor what it started) outlives its invocation.
    void cleanup() { QCOMPARE(leftovers(std::exchange(lastDir, {})), QStringList()); }

    void aProjectRunsInOneInvocation()
    {
        Project p;
        p.add(QStringLiteral("raw_orders"), QStringLiteral("seed"));
        p.add(QStringLiteral("stg_orders"), QStringLiteral("model"), {"raw_orders"});
        p.add(QStringLiteral("orders"), QStringLiteral("model"), {"stg_orders"});
        p.add(QStringLiteral("revenue"), QStringLiteral("model"), {"orders"});
        p.add(QStringLiteral("not_null_orders_id"), QStringLiteral("test"), {"orders"});
        p.add(QStringLiteral("unique_orders_id"), QStringLiteral("test"), {"orders"});
        p.add(QStringLiteral("customers"), QStringLiteral("model"));
        const Project::Run r = p.run(p.contract());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        // One invocation for seven resources, each selected once (tests too:
        // with --indirect-selection empty dbt adds no test of its own).
        const QStringList calls = p.calls();
        QCOMPARE(calls.size(), 1);
        QStringList sel = selected(calls.first());
        QCOMPARE(sel.size(), 7);
        QCOMPARE(QSet<QString>(sel.cbegin(), sel.cend()).size(), 7);
        QVERIFY(calls.first().startsWith(QLatin1String("build --select ")));
        QVERIFY(calls.first().contains(QLatin1String("--indirect-selection empty")));
        QVERIFY(calls.first().contains(QLatin1String("--log-format json")));
        QVERIFY(calls.first().contains(QLatin1String("--project-dir ") + p.projectDir()));
        for (const Resource &res : std::as_const(p.resources))
            QCOMPARE(r.state(res.name), QStringLiteral("succeeded"));
        QCOMPARE(r.state(QStringLiteral("end")), QStringLiteral("succeeded"));
        // Each node's log holds dbt's lines about it, not the others'.
        const QByteArray log = readFile(r.nodes.value(QStringLiteral("orders")).logPath);
        QVERIFY2(log.contains("START model orders"), log.constData());
        QVERIFY(!log.contains("START model stg_orders"));
    }

    void transitionsArriveLivePerNode()
    {
        Project p;
        p.add(QStringLiteral("a"), QStringLiteral("model"));
        p.add(QStringLiteral("b"), QStringLiteral("model"), {"a"});
        p.add(QStringLiteral("c"), QStringLiteral("model"), {"b"});
        const Project::Run r = p.run(p.contract());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(p.calls().size(), 1);
        // Each node runs when dbt starts it, and ends before the next starts:
        // the order of dbt's log, not one end for the whole invocation.
        QStringList seen;
        for (const Transition &t : r.transitions) {
            if (t.nodeId == QLatin1String("end"))
                continue;
            if (t.state == NodeState::Running) {
                QVERIFY(t.processGroup > 0); // the invocation's: a crash can kill it
                QVERIFY(QFile::exists(t.logPath));
                seen << t.nodeId + QStringLiteral(":running");
            } else if (isTerminal(t.state)) {
                seen << t.nodeId + u':' + toString(t.state);
            }
        }
        QCOMPARE(seen, (QStringList{"a:running", "a:succeeded", "b:running", "b:succeeded",
                                    "c:running", "c:succeeded"}));
    }

    void aFailingModelFailsOnlyItselfAndBlocksItsDownstream()
    {
        Project p;
        p.add(QStringLiteral("bad"), QStringLiteral("model"));
        p.add(QStringLiteral("after_bad"), QStringLiteral("model"), {"bad"});
        p.add(QStringLiteral("good"), QStringLiteral("model"));
        p.add(QStringLiteral("after_good"), QStringLiteral("model"), {"good"});
        p.outcome(QStringLiteral("bad"), QStringLiteral("error"));
        const Project::Run r =
            p.run(p.contract("  - {id: publish_bad, kind: noop, needs: [after_bad]}\n"));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(p.calls().size(), 1);
        QCOMPARE(r.state(QStringLiteral("bad")), QStringLiteral("failed"));
        QVERIFY2(r.message(QStringLiteral("bad")).contains(QLatin1String("Database Error")),
                 qPrintable(r.message(QStringLiteral("bad"))));
        QCOMPARE(r.state(QStringLiteral("after_bad")), QStringLiteral("upstream_failed"));
        QVERIFY(r.message(QStringLiteral("after_bad")).contains(QLatin1String("bad")));
        QCOMPARE(r.state(QStringLiteral("publish_bad")), QStringLiteral("upstream_failed"));
        QCOMPARE(r.state(QStringLiteral("good")), QStringLiteral("succeeded"));
        QCOMPARE(r.state(QStringLiteral("after_good")), QStringLiteral("succeeded"));
    }

    void aFailingTestIsWarnedOrFailedAsDbtSays()
    {
        Project p;
        p.add(QStringLiteral("orders"), QStringLiteral("model"));
        p.add(QStringLiteral("warn_test"), QStringLiteral("test"), {"orders"});
        p.add(QStringLiteral("error_test"), QStringLiteral("test"), {"orders"});
        p.add(QStringLiteral("revenue"), QStringLiteral("model"), {"orders"});
        p.outcome(QStringLiteral("warn_test"), QStringLiteral("warn"), 3);
        p.outcome(QStringLiteral("error_test"), QStringLiteral("fail"), 12);
        const Project::Run r = p.run(p.contract());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.state(QStringLiteral("orders")), QStringLiteral("succeeded"));
        QCOMPARE(r.state(QStringLiteral("warn_test")), QStringLiteral("warned"));
        QCOMPARE(r.nodes.value(QStringLiteral("warn_test")).value, std::optional<double>(3));
        QCOMPARE(r.state(QStringLiteral("error_test")), QStringLiteral("failed"));
        QCOMPARE(r.nodes.value(QStringLiteral("error_test")).value, std::optional<double>(12));
        QVERIFY(r.message(QStringLiteral("error_test")).contains(QLatin1String("Got 12 results")));
        // dbt build builds nothing past a failing test of a model it needs.
        QCOMPARE(r.state(QStringLiteral("revenue")), QStringLiteral("upstream_failed"));
        QVERIFY(r.message(QStringLiteral("revenue")).contains(QLatin1String("test")));
        // A test's failure is a finding: it is not retried.
        QCOMPARE(p.calls().size(), 1);
    }

    void anotherKindOfNodeBetweenSplitsTheInvocations()
    {
        Project p;
        p.add(QStringLiteral("stg"), QStringLiteral("model"));
        p.add(QStringLiteral("mart"), QStringLiteral("model"), {"export"});
        p.add(QStringLiteral("mart_test"), QStringLiteral("test"), {"mart"});
        const Project::Run r =
            p.run(p.contract("  - {id: export, kind: command, run: [\"true\"], needs: [stg]}\n"));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        const QStringList calls = p.calls();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(selected(calls.at(0)), QStringList{"stg"});
        QCOMPARE(selected(calls.at(1)), (QStringList{"mart", "mart_test"}));
        QCOMPARE(r.state(QStringLiteral("mart_test")), QStringLiteral("succeeded"));
    }

    void anInvocationHoldsOneSlotOfItsPool()
    {
        Project p;
        p.add(QStringLiteral("a"), QStringLiteral("model"), {}, QStringLiteral(", pool: wh"));
        p.add(QStringLiteral("b"), QStringLiteral("model"), {}, QStringLiteral(", pool: wh"));
        const Project::Run r = p.run(p.contract(
            "  - {id: c, kind: command, run: [\"true\"], pool: wh}\n", "pools: {wh: 1}\n"));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        // a and b share the invocation and its one slot of wh; c waits for it.
        QCOMPARE(p.calls().size(), 1);
        QCOMPARE(selected(p.calls().first()), (QStringList{"a", "b"}));
        const QStringList ends = r.order(NodeState::Succeeded);
        const QStringList starts = r.order(NodeState::Running);
        QVERIFY2(starts.indexOf(QStringLiteral("c")) == starts.size() - 1,
                 qPrintable(starts.join(u' ')));
        QVERIFY(ends.indexOf(QStringLiteral("b")) < ends.indexOf(QStringLiteral("c")));
        bool waited = false;
        for (const Transition &t : r.transitions)
            waited = waited || (t.nodeId == QLatin1String("c") && t.state == NodeState::Queued &&
                                t.message.contains(QLatin1String("pool wh")));
        QVERIFY(waited);
    }

    void cancelStopsTheInvocation()
    {
        Project p;
        p.add(QStringLiteral("quick"), QStringLiteral("model"));
        p.add(QStringLiteral("slow"), QStringLiteral("model"), {"quick"});
        p.add(QStringLiteral("after"), QStringLiteral("model"), {"slow"});
        p.outcome(QStringLiteral("slow"), QStringLiteral("hang"));
        const Project::Run r = p.run(p.contract(), {}, [](RunThread &thread) {
            QObject::connect(&thread, &RunThread::transitionsCommitted, &thread,
                             [&thread](const QList<Transition> &batch) {
                                 for (const Transition &t : batch) {
                                     if (t.nodeId == QLatin1String("slow") &&
                                         t.state == NodeState::Running)
                                         thread.cancelNodes({QStringLiteral("slow")});
                                 }
                             });
        });
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.state(QStringLiteral("quick")), QStringLiteral("succeeded"));
        QCOMPARE(r.state(QStringLiteral("slow")), QStringLiteral("cancelled"));
        QCOMPARE(r.state(QStringLiteral("after")), QStringLiteral("cancelled"));
        QVERIFY(r.message(QStringLiteral("after")).contains(QLatin1String("slow")));
        QCOMPARE(p.calls().size(), 1); // cleanup() checks no process is left
    }

    void aKilledInvocationFailsWhatItHadNotFinished()
    {
        Project p;
        p.add(QStringLiteral("first"), QStringLiteral("model"));
        p.add(QStringLiteral("dies"), QStringLiteral("model"), {"first"});
        p.add(QStringLiteral("after"), QStringLiteral("model"), {"dies"});
        p.add(QStringLiteral("later"), QStringLiteral("model"), {"first"});
        p.outcome(QStringLiteral("dies"), QStringLiteral("die"));
        // A run_results.json left by an earlier invocation says all is well:
        // it is not this invocation's, and must not speak for it.
        QDir().mkpath(p.path(QStringLiteral("project/target")));
        p.write(QStringLiteral("project/target/run_results.json"),
                R"({"metadata": {"invocation_id": "an-earlier-one"}, "results": [
                   {"unique_id": "model.shop.dies", "status": "success"},
                   {"unique_id": "model.shop.after", "status": "success"},
                   {"unique_id": "model.shop.later", "status": "success"}]})");
        const Project::Run r = p.run(p.contract());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.state(QStringLiteral("first")), QStringLiteral("succeeded"));
        QCOMPARE(r.state(QStringLiteral("dies")), QStringLiteral("failed"));
        QVERIFY2(r.message(QStringLiteral("dies")).contains(QLatin1String("killed by signal 9")),
                 qPrintable(r.message(QStringLiteral("dies"))));
        QCOMPARE(r.state(QStringLiteral("after")), QStringLiteral("upstream_failed"));
        QCOMPARE(r.state(QStringLiteral("later")), QStringLiteral("failed"));
        QVERIFY(r.message(QStringLiteral("later")).contains(QLatin1String("dbt ended before")));
    }

    void aDbtThatCannotRunTheCommandSaysWhy()
    {
        // dbt older than 1.5 has no --indirect-selection: it prints a usage
        // error as plain text and exits 2, before any structured line.
        Project p;
        p.write(QStringLiteral("old-dbt"),
                "#!/bin/sh\necho 'Usage: dbt build [OPTIONS]' >&2\n"
                "echo \"Error: No such option: --indirect-selection\" >&2\nexit 2\n");
        QFile::setPermissions(p.path(QStringLiteral("old-dbt")),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        p.add(QStringLiteral("a"), QStringLiteral("model"));
        p.program = p.path(QStringLiteral("old-dbt"));
        const ContractPtr contract = p.contract();
        QVERIFY(contract);
        const Project::Run r = p.run(contract);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.state(QStringLiteral("a")), QStringLiteral("failed"));
        QVERIFY2(r.message(QStringLiteral("a")).contains(QLatin1String("exit code 2")) &&
                     r.message(QStringLiteral("a"))
                         .contains(QLatin1String("No such option: --indirect-selection")),
                 qPrintable(r.message(QStringLiteral("a"))));
    }

    void aVeryLargeStretchIsSplitToFitACommandLine()
    {
        // The selectors are dbt's arguments: past DbtBatch::kMaxNodes the
        // rest waits for the next invocation. The program only counts calls.
        Project p;
        p.write(QStringLiteral("counter"),
                "#!/bin/sh\nprintf '%s\\n' \"$*\" >>\"$DBT_STANDIN_CALLS\"\n");
        QFile::setPermissions(p.path(QStringLiteral("counter")),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        p.program = p.path(QStringLiteral("counter"));
        for (int i = 0; i <= DbtBatch::kMaxNodes; ++i)
            p.add(QStringLiteral("m%1").arg(i), QStringLiteral("model"));
        const Project::Run r = p.run(p.contract());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        const QStringList calls = p.calls();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(selected(calls.at(0)).size(), DbtBatch::kMaxNodes);
        QCOMPARE(selected(calls.at(1)).size(), 1);
        // It ran nothing: each node says so.
        QVERIFY(r.message(QStringLiteral("m0")).contains(QLatin1String("without running it")));
    }

    void runResultsSettleWhatTheLogDidNotSay()
    {
        Project p;
        p.add(QStringLiteral("quiet"), QStringLiteral("model"));
        p.add(QStringLiteral("quiet_test"), QStringLiteral("test"), {"quiet"});
        p.outcome(QStringLiteral("quiet"), QStringLiteral("silent"));
        const Project::Run r = p.run(p.contract());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.state(QStringLiteral("quiet")), QStringLiteral("succeeded"));
        QCOMPARE(r.state(QStringLiteral("quiet_test")), QStringLiteral("succeeded"));
    }

    void aTimeoutStopsTheInvocationAndTheRestRunAgain()
    {
        Project p;
        p.add(QStringLiteral("stuck"), QStringLiteral("model"), {},
              QStringLiteral(", timeout: 1s"));
        p.add(QStringLiteral("other"), QStringLiteral("model"), {"stuck_free"});
        p.add(QStringLiteral("stuck_free"), QStringLiteral("model"));
        p.outcome(QStringLiteral("stuck"), QStringLiteral("hang"));
        // stuck runs first (dbt's order here is the selection's), so other
        // and stuck_free have not run when its timeout stops the invocation.
        const Project::Run r = p.run(p.contract());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.state(QStringLiteral("stuck")), QStringLiteral("failed"));
        QVERIFY2(r.message(QStringLiteral("stuck")).contains(QLatin1String("timed out after 1s")),
                 qPrintable(r.message(QStringLiteral("stuck"))));
        QCOMPARE(r.state(QStringLiteral("stuck_free")), QStringLiteral("succeeded"));
        QCOMPARE(r.state(QStringLiteral("other")), QStringLiteral("succeeded"));
        const QStringList calls = p.calls();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(selected(calls.at(1)), (QStringList{"stuck_free", "other"}));
    }

    void aRerunSelectsExactlyTheChosenNodes()
    {
        Project p;
        p.add(QStringLiteral("a"), QStringLiteral("model"));
        p.add(QStringLiteral("b"), QStringLiteral("model"), {"a"});
        p.add(QStringLiteral("b_test"), QStringLiteral("test"), {"b"});
        p.add(QStringLiteral("c"), QStringLiteral("model"), {"b"});
        const ContractPtr contract = p.contract();
        QVERIFY(p.run(contract).error.isEmpty());
        RunOptions options;
        options.nodes = QStringList{QStringLiteral("b"), QStringLiteral("b_test")};
        const Project::Run r = p.run(contract, options);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        const QStringList calls = p.calls();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(selected(calls.at(1)), (QStringList{"b", "b_test"}));
        QVERIFY(calls.at(1).contains(QLatin1String("--indirect-selection empty")));
    }

    void retriesRunInTheNextInvocation()
    {
        Project p;
        p.add(QStringLiteral("flaky"), QStringLiteral("model"), {},
              QStringLiteral(", retries: 1, retry_delay: 1s"));
        p.add(QStringLiteral("fine"), QStringLiteral("model"));
        p.outcome(QStringLiteral("flaky"), QStringLiteral("error"));
        const Project::Run r = p.run(p.contract());
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        const QStringList calls = p.calls();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(selected(calls.at(1)), QStringList{"flaky"});
        QCOMPARE(r.state(QStringLiteral("flaky")), QStringLiteral("failed"));
        QCOMPARE(r.nodes.value(QStringLiteral("flaky")).tries, 2);
        QCOMPARE(r.state(QStringLiteral("fine")), QStringLiteral("succeeded"));
    }

    void oldCommandNodesRunAsBefore()
    {
        Project p;
        const QByteArray nodes =
            QStringLiteral("  - {id: a, kind: command, run: [\"%1\", build, --select, a, "
                           "--project-dir, \"%2\"]}\n"
                           "  - {id: b, kind: command, needs: [a], run: [\"%1\", build, "
                           "--select, b, --project-dir, \"%2\"]}\n")
                .arg(kStandin, p.projectDir())
                .toUtf8();
        const ContractPtr contract = p.contract(nodes);
        p.write(QStringLiteral("project/standin.tsv"),
                "a model.shop.a -\nb model.shop.b model.shop.a\n");
        const Project::Run r = p.run(contract);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(p.calls().size(), 2); // one process per node, as before
        QCOMPARE(r.state(QStringLiteral("a")), QStringLiteral("succeeded"));
        QCOMPARE(r.state(QStringLiteral("b")), QStringLiteral("succeeded"));
    }

    void theContractForm()
    {
        auto load = [](const QByteArray &node) {
            return ContractLoader::loadText("vouch: 1\nreport: {id: r, name: R, timezone: UTC, "
                                            "schedule: \"0 6 * * MON\", publish_by: \"MON 12:00\", "
                                            "sections: [{id: s, name: S, needs: [n], on_failure: "
                                            "hold}]}\nnodes:\n" +
                                                node,
                                            QStringLiteral("/tmp/c.yaml"), QStringLiteral("/tmp"));
        };
        const LoadResult ok = load("  - {id: n, kind: dbt, unique_id: model.shop.orders.v2, "
                                   "project_dir: shop, target: prod, threads: 8}\n");
        QVERIFY(ok.ok());
        const Node &n = ok.contract->nodes.first();
        QVERIFY(n.dbt);
        QCOMPARE(n.dbt->select, QStringLiteral("orders.v2"));
        QCOMPARE(n.dbt->resourceType, QStringLiteral("model"));
        QCOMPARE(n.dbt->projectDir, QStringLiteral("/tmp/shop"));
        // What it runs alone: the inspector shows it, and it is the rerun.
        QCOMPARE(n.argv, (QStringList{"dbt", "build", "--select", "orders.v2",
                                      "--indirect-selection", "empty", "--project-dir", "/tmp/shop",
                                      "--target", "prod", "--threads", "8"}));
        auto firstError = [&](const QByteArray &node) {
            const LoadResult r = load(node);
            return r.diagnostics.isEmpty() ? QString() : r.diagnostics.first().format();
        };
        QVERIFY(firstError("  - {id: n, kind: dbt}\n").contains(QLatin1String("'unique_id'")));
        QVERIFY(firstError("  - {id: n, kind: dbt, unique_id: exposure.shop.x}\n")
                    .contains(QLatin1String("not the unique id of a dbt model")));
        QVERIFY(firstError("  - {id: n, kind: dbt, unique_id: model.s.x, run: [dbt]}\n")
                    .contains(QLatin1String("'run' is not used by dbt nodes")));
        QVERIFY(firstError("  - {id: n, kind: dbtt}\n").contains(QLatin1String("'dbt'")));
    }

    void recordedLogLinesAreRead()
    {
        // Lines in dbt's documented shape: tests/fixtures/dbt/structured-log/.
        QFile f(QStringLiteral(VOUCH_SOURCE_DIR
                               "/tests/fixtures/dbt/structured-log/build-dbt-1.8.jsonl"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QStringList seen;
        while (!f.atEnd()) {
            const auto e = dbtrun::parseLogLine(f.readLine());
            if (!e || e->kind == dbtrun::LogEvent::Kind::Other)
                continue;
            seen << QStringLiteral("%1 %2 %3")
                        .arg(e->name, e->uniqueId,
                             e->kind == dbtrun::LogEvent::Kind::Started
                                 ? QStringLiteral("started")
                                 : toString(dbtrun::stateOf(e->result.verdict)));
            if (e->name == QLatin1String("LogTestResult"))
                QCOMPARE(e->result.failures, std::optional<double>(7));
        }
        QCOMPARE(seen,
                 (QStringList{"NodeStart model.jaffle_shop.stg_orders started",
                              "LogStartLine model.jaffle_shop.stg_orders started",
                              "LogModelResult model.jaffle_shop.stg_orders succeeded",
                              "NodeFinished model.jaffle_shop.stg_orders succeeded",
                              "NodeStart test.jaffle_shop.not_null_stg_orders_order_id.81cfe2fe64 "
                              "started",
                              "LogTestResult test.jaffle_shop.not_null_stg_orders_order_id."
                              "81cfe2fe64 warned",
                              "NodeFinished test.jaffle_shop.not_null_stg_orders_order_id."
                              "81cfe2fe64 warned",
                              "SkippingDetails model.jaffle_shop.orders upstream_failed"}));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDbtBatch)
#include "tst_dbtbatch.moc"
