#include "engine/run/scheduler.h"

#include "engine/graph/graph.h"
#include "engine/run/commandenvironment.h"
#include "engine/run/commandexecutor.h"
#include "engine/run/dbtbatch.h"
#include "engine/run/storewriter.h"
#include "engine/run/warehouseconnection.h"
#include "engine/util/clock.h"
#include "engine/util/log.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QHash>
#include <QPointer>
#include <QProcessEnvironment>
#include <QSet>
#include <QStandardPaths>
#include <QThread>
#include <QThreadPool>
#include <QTimeZone>
#include <QTimer>

#include <queue>
#include <random>

namespace vouch::engine {

namespace {

// A flush happens at the latest when this many transitions are waiting.
constexpr int kFlushBatch = 2000;

// Transitions within this many milliseconds of the first share one commit (a
// person cannot tell 10 ms from 2; short commands commit a fifth as often).
constexpr int kFlushIntervalMs = 10;

// A failing write (a store busy past its timeout, say) is retried by the
// StoreWriter for up to this long before the run ends with the error.
constexpr int kFlushPatienceMs = 120000;

} // namespace

struct Scheduler::Private
{
    Scheduler *q = nullptr;
    ContractPtr contract;
    Graph graph;
    RunContext context;
    RunOptions options;
    QTimeZone zone;

    std::unique_ptr<StateStore> store; // runs and attempts; transitions go through `writer`
    StoreWriter *writer = nullptr;
    qint64 runId = 0;
    int attempt = 0;

    // Per node (graph index).
    QList<NodeState> state;
    QList<bool> selected;
    QList<int> waitingOn; // selected upstream nodes not yet passed
    QList<int> priority;  // nodes on the longest path from here to the end
    QList<int> tries;
    QList<int> generation; // bumps on every try, cancel or timeout; stale results are dropped
    QList<QDateTime> firstStart;
    QList<bool> holdsSlot;
    QList<int> newlyReady; // ready since the last pump: marked queued if they must wait
    QHash<int, CommandExecutor *> commands;
    QHash<int, CancellerPtr> statements; // warehouse nodes running: how to stop their statement
    // dbt nodes run in batches (docs/contract.md, "dbt nodes"): one process for
    // several nodes of a project, holding one slot and one of each pool its
    // nodes name; one per project at a time (dbt's target/ is the project's).
    struct Batch
    {
        DbtBatch *process = nullptr;
        QList<int> members; // in topological order
        QStringList pools;
        QString key;
        QString cancelledBy; // the node whose cancel stopped it
    };
    QHash<int, Batch *> batchOf; // a member, until dbt (or the batch's end) settles it
    QList<Batch *> batches;
    QSet<QString> busyProjects;
    int batchCount = 0;
    QHash<int, QTimer *> timers; // retry delays, freshness waits, timeouts
    QList<Transition> outbox;
    bool flushScheduled = false;
    QTimer *flushTimer = nullptr;
    bool finishing = false;
    bool cancelling = false;

    int running = 0;
    QHash<QString, int> poolUsed;
    int remaining = 0; // selected nodes not yet terminal

    struct Ready
    {
        int priority;
        int index;
        bool operator<(const Ready &o) const
        {
            return priority != o.priority ? priority < o.priority : index > o.index;
        }
    };
    std::priority_queue<Ready> ready;

    QThreadPool pool;
    std::mt19937 rng;

    std::optional<QProcessEnvironment> commandEnvironment; // attemptEnvironment(), once

    int concurrency() const
    {
        return options.concurrency > 0 ? options.concurrency
                                       : std::max(1, QThread::idealThreadCount());
    }

    // --------------------------------------------------------------- persistence

    void transition(int index, NodeState newState, const NodeOutcome *outcome = nullptr,
                    const QString &message = QString(), qint64 processGroup = 0,
                    const QString &logPath = QString(),
                    const std::optional<Waiting> &waiting = std::nullopt)
    {
        state[index] = newState;
        Transition t = makeTransition(runId, attempt, graph.id(index), newState, clockNow());
        t.tries = tries[index];
        t.message = message;
        t.processGroup = processGroup;
        t.logPath = logPath;
        t.waiting = waiting;
        if (outcome) {
            t.freshness = outcome->freshness;
            if (message.isEmpty())
                t.message = outcome->message;
            t.value = outcome->value;
            t.reference = outcome->reference;
            t.ageSeconds = outcome->ageSeconds;
            t.observedAt = outcome->observedAt;
            t.sampleRows = outcome->sampleRows;
        }
        outbox.append(t);
        if (outbox.size() >= kFlushBatch)
            flush();
        else if (!flushScheduled) {
            // Transitions that happen within kFlushIntervalMs share
            // one transaction: thousands of short commands, one commit each
            // would make persistence the bottleneck.
            flushScheduled = true;
            flushTimer->start();
        }
    }

    // Hands what is waiting to the writer; true once everything is on disk.
    // Nothing is announced before it is (StoreWriter::written).
    bool flush()
    {
        flushScheduled = false;
        flushTimer->stop();
        if (!outbox.isEmpty())
            writer->write(std::exchange(outbox, {}));
        return writer->idle();
    }

    // --------------------------------------------------------------- the walk

    void computePriorities()
    {
        const int n = graph.size();
        priority = QList<int>(n, 1);
        const QList<int> &order = graph.topologicalOrder();
        for (auto it = order.crbegin(); it != order.crend(); ++it) {
            int best = 0;
            for (int down : graph.dependants(*it))
                best = std::max(best, priority[down]);
            priority[*it] = best + 1;
        }
    }

    void settle(int index, NodeState terminal, const NodeOutcome *outcome = nullptr,
                const QString &message = QString())
    {
        if (isTerminal(state[index]))
            return;
        transition(index, terminal, outcome, message);
        --remaining;
        if (isPassing(terminal)) {
            for (int down : graph.dependants(index)) {
                if (selected[down] && state[down] == NodeState::Pending && --waitingOn[down] == 0)
                    makeReady(down);
            }
        } else {
            blockDownstream(index,
                            terminal == NodeState::Cancelled
                                ? QStringLiteral("upstream %1 was cancelled").arg(graph.id(index))
                                : QStringLiteral("upstream %1 did not pass").arg(graph.id(index)));
        }
    }

    void blockDownstream(int index, const QString &message)
    {
        QList<int> stack = graph.dependants(index);
        while (!stack.isEmpty()) {
            const int down = stack.takeLast();
            if (!selected[down] || state[down] != NodeState::Pending)
                continue;
            if (cancelling)
                transition(down, NodeState::Cancelled, nullptr,
                           QStringLiteral("the run was cancelled"));
            else
                transition(down, NodeState::UpstreamFailed, nullptr, message);
            --remaining;
            stack += graph.dependants(down);
        }
    }

    bool poolAvailable(const Node &node) const
    {
        return node.pool.isEmpty() ||
               poolUsed.value(node.pool) < contract->pools.value(node.pool, 1);
    }

    void pump()
    {
        if (finishing)
            return;
        QList<Ready> blockedByPool;
        while (!ready.empty()) {
            const Ready r = ready.top();
            const int index = r.index;
            const Node &node = contract->nodes.at(index);
            if ((state[index] != NodeState::Pending && state[index] != NodeState::Queued) ||
                batchOf.contains(index)) {
                ready.pop();
                continue;
            }
            const bool instant = node.kind == NodeKind::Noop || node.kind == NodeKind::Publish;
            if (!instant) {
                if (running >= concurrency())
                    break;
                const bool dbtBusy = node.dbt && busyProjects.contains(DbtBatch::keyOf(node));
                if (!poolAvailable(node) || dbtBusy) {
                    ready.pop();
                    blockedByPool.append(r);
                    if (state[index] == NodeState::Pending)
                        transition(
                            index, NodeState::Queued, nullptr,
                            dbtBusy
                                ? QStringLiteral("waiting for the running dbt "
                                                 "invocation of its project to end")
                                : QStringLiteral("waiting for a slot in pool %1").arg(node.pool));
                    continue;
                }
            }
            ready.pop();
            if (node.dbt)
                launchBatch(index);
            else
                launch(index);
        }
        for (const Ready &r : blockedByPool)
            ready.push(r);
        // Nodes that could not start for lack of a slot wait visibly.
        for (int index : std::exchange(newlyReady, {})) {
            if (state[index] == NodeState::Pending)
                transition(index, NodeState::Queued, nullptr,
                           QStringLiteral("waiting for a free slot"));
        }
        maybeFinish();
    }

    void makeReady(int index)
    {
        ready.push({priority[index], index});
        newlyReady.append(index);
    }

    void launch(int index)
    {
        const Node &node = contract->nodes.at(index);
        ++tries[index];
        ++generation[index];
        if (!firstStart[index].isValid())
            firstStart[index] = clockNow();
        switch (node.kind) {
        case NodeKind::Noop:
        case NodeKind::Publish:
            // Nothing runs, so there is no "running" to show.
            settle(index, NodeState::Succeeded);
            return;
        case NodeKind::Command:
            acquire(index);
            startCommand(index);
            return;
        case NodeKind::Sql:
        case NodeKind::Freshness:
        case NodeKind::Check:
            acquire(index);
            startWarehouse(index);
            return;
        }
    }

    void acquire(int index)
    {
        const Node &node = contract->nodes.at(index);
        Q_ASSERT(!holdsSlot[index]);
        holdsSlot[index] = true;
        ++running;
        if (!node.pool.isEmpty())
            ++poolUsed[node.pool];
    }

    void release(int index)
    {
        if (!holdsSlot[index])
            return;
        const Node &node = contract->nodes.at(index);
        holdsSlot[index] = false;
        --running;
        if (!node.pool.isEmpty())
            --poolUsed[node.pool];
    }

    QString logPathFor(int index) const
    {
        return QDir(options.logDirectory)
            .filePath(QStringLiteral("%1/%2/%3.%4.log")
                          .arg(runId)
                          .arg(attempt)
                          .arg(graph.id(index))
                          .arg(tries[index]));
    }

    QProcessEnvironment environmentFor(const Node &node)
    {
        if (!commandEnvironment)
            commandEnvironment = attemptEnvironment(context);
        QProcessEnvironment env = nodeEnvironment(*commandEnvironment, node, context);
        // Which contract runs the command (`vouch demo ingest` loads into its
        // warehouse connection).
        if (!contract->filePath.isEmpty())
            env.insert(QStringLiteral("VOUCH_CONTRACT"), contract->filePath);
        return env;
    }

    void startCommand(int index)
    {
        const Node &node = contract->nodes.at(index);
        CommandSpec spec;
        if (!node.argv.isEmpty()) {
            spec.argv = node.argv;
            if (spec.argv.first() == QLatin1String("vouch") && !context.vouchExecutable.isEmpty())
                spec.argv.first() = context.vouchExecutable;
            for (int i = 1; i < spec.argv.size(); ++i)
                spec.argv[i] = expandEnvironment(spec.argv[i], context);
        } else {
            spec.shell = node.shell;
        }
        spec.environment = environmentFor(node);
        spec.workingDirectory = expandEnvironment(node.workingDir, context);
        if (node.timeout)
            spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*node.timeout);
        spec.killGrace = options.killGrace;
        spec.logPath = logPathFor(index);
        spec.maxLogBytes = options.maxLogBytes;

        auto *executor = new CommandExecutor(spec, q);
        commands.insert(index, executor);
        const int gen = generation[index];
        // "running" is recorded once the process exists, with its process
        // group, so a crash can always find what to kill.
        state[index] = NodeState::Running;
        QObject::connect(executor, &CommandExecutor::started, q,
                         [this, index, gen, logPath = spec.logPath](qint64 group) {
                             if (generation[index] == gen)
                                 transition(index, NodeState::Running, nullptr, QString(), group,
                                            logPath);
                         });
        QObject::connect(
            executor, &CommandExecutor::output, q,
            [this, index](const QByteArray &chunk) { Q_EMIT q->output(graph.id(index), chunk); });
        QObject::connect(executor, &CommandExecutor::finished, q,
                         [this, index, gen, executor](const CommandResult &result) {
                             commands.remove(index);
                             executor->deleteLater();
                             if (generation[index] != gen)
                                 return;
                             onCommandFinished(index, result);
                         });
        executor->start();
    }

    void onCommandFinished(int index, const CommandResult &result)
    {
        release(index);
        NodeOutcome outcome;
        outcome.message = result.message;
        switch (result.outcome) {
        case CommandResult::Outcome::Succeeded:
            settle(index, NodeState::Succeeded, &outcome);
            break;
        case CommandResult::Outcome::Cancelled:
            settle(index, NodeState::Cancelled, &outcome);
            break;
        case CommandResult::Outcome::Failed:
        case CommandResult::Outcome::TimedOut:
        case CommandResult::Outcome::FailedToStart:
            failOrRetry(index, outcome);
            break;
        }
        pump();
    }

    // ------------------------------------------------------------- dbt batches

    // The ready dbt nodes of `seed`'s project, and every selected dbt node of
    // the project waiting only on them: dbt orders them by its own graph, so
    // one invocation runs the whole stretch and reports each node as it goes.
    void launchBatch(int seed)
    {
        const QString key = DbtBatch::keyOf(contract->nodes.at(seed));
        QSet<int> in;
        QStringList pools;
        auto fits = [&](int i) {
            const Node &n = contract->nodes.at(i);
            return n.dbt && in.size() < DbtBatch::kMaxNodes && DbtBatch::keyOf(n) == key &&
                   !batchOf.contains(i) &&
                   (n.pool.isEmpty() || pools.contains(n.pool) || poolAvailable(n));
        };
        auto take = [&](int i) {
            in.insert(i);
            const QString &pool = contract->nodes.at(i).pool;
            if (!pool.isEmpty() && !pools.contains(pool))
                pools << pool;
        };
        take(seed);
        std::vector<Ready> others;
        while (!ready.empty()) {
            const Ready r = ready.top();
            ready.pop();
            const int i = r.index;
            if (!in.contains(i) &&
                (state[i] == NodeState::Pending || state[i] == NodeState::Queued) && fits(i))
                take(i);
            else
                others.push_back(r);
        }
        for (const Ready &r : others)
            ready.push(r);
        const QList<int> members = extendDbtBatch(
            graph, in,
            [&](int i) {
                const bool joins = selected[i] && state[i] == NodeState::Pending && fits(i);
                if (joins)
                    take(i);
                return joins;
            },
            [&](int i) { // a ready source (noop) passes in this very pump
                return isPassing(state[i]) ||
                       (contract->nodes.at(i).kind == NodeKind::Noop && selected[i] &&
                        waitingOn[i] == 0 && !isTerminal(state[i]));
            });
        auto *batch = new Batch{nullptr, members, pools, key, QString()};
        ++running;
        for (const QString &pool : pools)
            ++poolUsed[pool];
        busyProjects.insert(key);
        batches << batch;

        DbtBatchSpec spec;
        spec.project = *contract->nodes.at(seed).dbt;
        spec.environment = environmentFor(contract->nodes.at(seed));
        spec.context = context;
        spec.logPath = QDir(options.logDirectory)
                           .filePath(QStringLiteral("%1/%2/dbt-invocation-%3.log")
                                         .arg(runId)
                                         .arg(attempt)
                                         .arg(++batchCount));
        spec.maxLogBytes = options.maxLogBytes;
        spec.killGrace = options.killGrace;
        for (int i : std::as_const(members)) {
            const Node &n = contract->nodes.at(i);
            ++tries[i];
            ++generation[i];
            if (!firstStart[i].isValid())
                firstStart[i] = clockNow();
            batchOf.insert(i, batch);
            spec.members.append({n.id, n.dbt->uniqueId, n.dbt->select, logPathFor(i), n.timeout});
            transition(i, NodeState::Queued, nullptr,
                       QStringLiteral("in dbt invocation %1 of %2 node(s): dbt starts it in turn")
                           .arg(batchCount)
                           .arg(members.size()));
        }
        DbtBatch *process = batch->process = new DbtBatch(std::move(spec), q);
        QObject::connect(process, &DbtBatch::output, q, &Scheduler::output);
        QObject::connect(process, &DbtBatch::nodeStarted, q,
                         [this, batch](const QString &id, const QString &logPath) {
                             const int i = graph.indexOf(id);
                             if (batchOf.value(i) == batch)
                                 transition(i, NodeState::Running, nullptr, QString(),
                                            batch->process->processGroup(), logPath);
                         });
        QObject::connect(process, &DbtBatch::nodeFinished, q,
                         [this, batch](const QString &id, const dbtrun::NodeResult &result) {
                             const int i = graph.indexOf(id);
                             if (batchOf.value(i) != batch)
                                 return;
                             batchOf.remove(i);
                             onDbtResult(i, result);
                             pump();
                         });
        QObject::connect(process, &DbtBatch::finished, q,
                         [this, batch](const CommandResult &result, const QStringList &unreported) {
                             onBatchFinished(batch, result, unreported);
                         });
        process->start();
    }

    void onDbtResult(int index, const dbtrun::NodeResult &result)
    {
        NodeOutcome outcome;
        outcome.message = result.message;
        outcome.value = result.failures;
        outcome.executionError = result.verdict == dbtrun::NodeResult::Verdict::Error;
        if (outcome.executionError)
            failOrRetry(index, outcome);
        else if (result.verdict == dbtrun::NodeResult::Verdict::Skipped)
            notRunByDbt(index, QStringLiteral("skipped by dbt"));
        else // a test's failure is a finding, an answer: it is not retried
            settle(index, dbtrun::stateOf(result.verdict), &outcome);
    }

    // A member dbt did not run: upstream_failed when an upstream did not
    // pass, back to waiting when one will run again (a retry), false when
    // every upstream passed (the caller says why it did not run).
    bool notRunByDbt(int index, const QString &why)
    {
        QStringList broken;
        bool again = false;
        for (int up : graph.needs(index)) {
            if (isPassing(state[up]))
                continue;
            if (isTerminal(state[up]))
                broken << graph.id(up);
            else
                again = true;
        }
        if (cancelling) {
            settle(index, NodeState::Cancelled, nullptr, QStringLiteral("the run was cancelled"));
        } else if (!broken.isEmpty()) {
            settle(index, NodeState::UpstreamFailed, nullptr,
                   QStringLiteral("%1: upstream %2 did not pass")
                       .arg(why, broken.join(QStringLiteral(", "))));
        } else if (again) {
            requeue(index, QStringLiteral("%1; it runs once its upstream has run again").arg(why));
        } else if (why == QLatin1String("skipped by dbt")) { // past a failing test
            settle(index, NodeState::UpstreamFailed, nullptr,
                   QStringLiteral("skipped by dbt: a test of an upstream model failed (dbt build "
                                  "does not build past a failing test)"));
        } else {
            return false;
        }
        return true;
    }

    // Back to waiting, not counted as a try: it runs in a later invocation.
    void requeue(int index, const QString &message)
    {
        --tries[index];
        transition(index, NodeState::Queued, nullptr, message);
        state[index] = NodeState::Pending;
        waitingOn[index] = 0;
        for (int up : graph.needs(index)) {
            if (selected[up] && !isPassing(state[up]))
                ++waitingOn[index];
        }
        if (waitingOn[index] == 0)
            makeReady(index);
    }

    void onBatchFinished(Batch *batch, const CommandResult &result, const QStringList &unreported)
    {
        batches.removeOne(batch);
        busyProjects.remove(batch->key);
        --running;
        for (const QString &pool : std::as_const(batch->pools))
            --poolUsed[pool];
        const QString timedOut = batch->process->timedOut();
        const QSet<QString> open(unreported.cbegin(), unreported.cend());
        for (int i : std::as_const(batch->members)) {
            if (!open.contains(graph.id(i)) || batchOf.value(i) != batch)
                continue;
            batchOf.remove(i);
            NodeOutcome outcome;
            outcome.executionError = true;
            const Node &node = contract->nodes.at(i);
            if (!batch->cancelledBy.isEmpty()) {
                settle(i, NodeState::Cancelled, nullptr,
                       batch->cancelledBy == node.id || cancelling
                           ? QStringLiteral("cancelled; the dbt invocation was stopped")
                           : QStringLiteral("cancelled with %1: they ran in one dbt invocation, "
                                            "which was stopped")
                                 .arg(batch->cancelledBy));
            } else if (timedOut == node.id) {
                outcome.message = QStringLiteral("timed out after %1; the dbt invocation was "
                                                 "stopped (process group killed)")
                                      .arg(formatDuration(*node.timeout));
                failOrRetry(i, outcome);
            } else if (!timedOut.isEmpty()) {
                requeue(i, QStringLiteral("the dbt invocation was stopped when %1 timed out; it "
                                          "runs in the next one")
                               .arg(timedOut));
            } else if (!notRunByDbt(i, QStringLiteral("not run by dbt"))) {
                outcome.message = batch->process->whyUnreported(result, node.dbt->select);
                failOrRetry(i, outcome);
            }
        }
        batch->process->deleteLater();
        delete batch;
        pump();
    }

    void startWarehouse(int index)
    {
        const Node &node = contract->nodes.at(index);
        const int gen = generation[index];
        transition(index, NodeState::Running);
        QPointer<Scheduler> guard(q);
        ContractPtr c = contract;
        RunContext ctx = context;
        if (!ctx.clockFixed)
            ctx.now = clockNow();
        auto canceller = statements.insert(index, std::make_shared<StatementCanceller>()).value();
        pool.start([guard, c, ctx, index, gen, canceller, this] {
            const NodeOutcome outcome =
                executeWarehouseNode(*c, c->nodes.at(index), ctx, canceller);
            if (!guard)
                return;
            QMetaObject::invokeMethod(
                guard.data(),
                [this, index, gen, outcome] {
                    if (generation[index] != gen)
                        return;
                    onWarehouseFinished(index, outcome);
                },
                Qt::QueuedConnection);
        });
        if (node.timeout) {
            auto *timer = armTimer(
                index, std::chrono::duration_cast<std::chrono::milliseconds>(*node.timeout));
            QObject::connect(timer, &QTimer::timeout, q, [this, index, gen] {
                if (generation[index] != gen)
                    return;
                ++generation[index];                        // the late result is dropped
                cancelInBackground(statements.take(index)); // and the statement stopped
                release(index);
                NodeOutcome outcome;
                outcome.executionError = true;
                outcome.message = QStringLiteral("timed out after %1")
                                      .arg(formatDuration(*contract->nodes.at(index).timeout));
                failOrRetry(index, outcome);
                pump();
            });
        }
    }

    void onWarehouseFinished(int index, const NodeOutcome &outcome)
    {
        const Node &node = contract->nodes.at(index);
        disarmTimer(index);
        statements.remove(index);
        release(index);
        if (options.waitForLateSources && node.kind == NodeKind::Freshness && node.wait &&
            outcome.freshness != Freshness::Fresh && !outcome.executionError) {
            const QDateTime limit = freshnessWaitLimit(*node.wait, firstStart[index], zone);
            const QDateTime now = clockNow();
            const auto every =
                std::chrono::duration_cast<std::chrono::milliseconds>(node.wait->every);
            if (now.addMSecs(every.count()) <= limit) {
                // A late source is waited for: it stays running (waiting),
                // and so does everything downstream of it.
                const Waiting waiting{outcome.message, now.addMSecs(every.count()).toUTC(),
                                      limit.toUTC()};
                transition(index, NodeState::Running, &outcome,
                           QStringLiteral("waiting: %1; looking again at %2 (until %3)")
                               .arg(waiting.reason,
                                    waiting.nextLook.toTimeZone(zone).toString(
                                        QStringLiteral("ddd HH:mm:ss")),
                                    waiting.deadline.toTimeZone(zone).toString(
                                        QStringLiteral("ddd HH:mm"))),
                           0, QString(), waiting);
                auto *timer = armTimer(index, every);
                QObject::connect(timer, &QTimer::timeout, q, [this, index] {
                    disarmTimer(index);
                    state[index] = NodeState::Pending;
                    --tries[index]; // polling is not a retry
                    makeReady(index);
                    pump();
                });
                pump();
                return;
            }
        }
        if (outcome.state == NodeState::Failed && outcome.executionError)
            failOrRetry(index, outcome);
        else
            settle(index, outcome.state, &outcome);
        pump();
    }

    // Execution failures retry with exponential backoff and jitter; findings
    // (a check over its threshold, a stale source) are answers, not accidents.
    void failOrRetry(int index, const NodeOutcome &outcome)
    {
        const Node &node = contract->nodes.at(index);
        if (cancelling || tries[index] > node.retries) {
            settle(index, NodeState::Failed, &outcome);
            return;
        }
        const double base =
            double(std::chrono::duration_cast<std::chrono::milliseconds>(node.retryDelay).count());
        const double backoff = base * double(1 << std::min(tries[index] - 1, 16));
        std::uniform_real_distribution<double> jitter(0.8, 1.2);
        const qint64 delayMs = qint64(std::min(backoff * jitter(rng), 24.0 * 3600 * 1000));
        // The wait is recorded as it was drawn (to a tenth of a second under
        // a minute), so that the backoff can be checked from the record.
        const QString wait = delayMs < 60000
                                 ? QStringLiteral("%1s").arg(double(delayMs) / 1000.0, 0, 'f', 1)
                                 : formatDuration(Duration(delayMs / 1000));
        transition(index, NodeState::Retrying, &outcome,
                   QStringLiteral("try %1 of %2 failed (%3); retrying in %4")
                       .arg(tries[index])
                       .arg(node.retries + 1)
                       .arg(outcome.message, wait));
        auto *timer = armTimer(index, std::chrono::milliseconds(delayMs));
        QObject::connect(timer, &QTimer::timeout, q, [this, index] {
            disarmTimer(index);
            if (state[index] != NodeState::Retrying)
                return;
            state[index] = NodeState::Pending;
            makeReady(index);
            pump();
        });
    }

    QTimer *armTimer(int index, std::chrono::milliseconds delay)
    {
        disarmTimer(index);
        auto *timer = new QTimer(q);
        timer->setSingleShot(true);
        timer->setTimerType(Qt::PreciseTimer);
        timer->start(delay);
        timers.insert(index, timer);
        return timer;
    }

    void disarmTimer(int index)
    {
        if (QTimer *t = timers.take(index)) {
            t->stop();
            t->deleteLater();
        }
    }

    void cancel(int index, const QString &message)
    {
        if (!selected[index] || isTerminal(state[index]))
            return;
        disarmTimer(index);
        if (Batch *batch = batchOf.value(index)) {
            // dbt cannot drop one node: the invocation stops, its unfinished nodes cancelled.
            if (batch->cancelledBy.isEmpty())
                batch->cancelledBy = graph.id(index);
            batch->process->cancel();
            return;
        }
        if (CommandExecutor *executor = commands.value(index)) {
            executor->cancel(); // its finished(Cancelled) settles the node
            return;
        }
        ++generation[index]; // a query in flight is dropped when it returns
        cancelInBackground(statements.take(index));
        release(index);
        settle(index, NodeState::Cancelled, nullptr, message);
    }

    void maybeFinish()
    {
        if (finishing || remaining > 0 || !commands.isEmpty() || !batches.isEmpty())
            return;
        // Every node's end is on disk before the attempt is marked finished;
        // onWritten() and onWriteFailing() come back here.
        if (!flush()) {
            if (writer->failingForMs() < kFlushPatienceMs)
                return;
            finishing = true;
            Q_EMIT q->finished(runId, attempt,
                               QStringLiteral("could not write the state store for %1 s: %2")
                                   .arg(kFlushPatienceMs / 1000)
                                   .arg(writer->lastError()));
            return;
        }
        finishing = true;
        store->finishAttempt(runId, attempt);
        Q_EMIT q->finished(runId, attempt, QString());
    }
};

Scheduler::Scheduler(ContractPtr contract, const Graph &graph, RunContext context,
                     RunOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->contract = std::move(contract);
    d->graph = graph;
    d->context = std::move(context);
    if (!d->context.now.isValid())
        d->context.now = clockNow();
    d->options = std::move(options);
    d->zone = QTimeZone(d->contract->report.timezone);
    if (!d->zone.isValid())
        d->zone = QTimeZone::utc();
    // A server store has no directory: its logs stay on the executing machine.
    if (d->options.logDirectory.isEmpty())
        d->options.logDirectory =
            StateStore::isServerUrl(d->options.statePath)
                ? QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
                      QStringLiteral("/vouch/team-logs")
                : QFileInfo(d->options.statePath).absolutePath() + QStringLiteral("/logs");
    d->rng.seed(d->options.jitterSeed ? d->options.jitterSeed : std::random_device{}());
    d->pool.setMaxThreadCount(d->concurrency());
    d->flushTimer = new QTimer(this);
    d->flushTimer->setSingleShot(true);
    d->flushTimer->setTimerType(Qt::PreciseTimer);
    d->flushTimer->setInterval(kFlushIntervalMs);
    connect(d->flushTimer, &QTimer::timeout, this, [this] { d->flush(); });
    qRegisterMetaType<Transition>();
    qRegisterMetaType<QList<Transition>>();
}

Scheduler::~Scheduler()
{
    // Kill what still runs (executors kill their process groups), then wait
    // for queries in flight: their results are dropped by the guard.
    qDeleteAll(d->commands);
    d->commands.clear();
    for (auto *batch : std::as_const(d->batches)) {
        delete batch->process;
        delete batch;
    }
    d->batches.clear();
    for (const CancellerPtr &statement : std::as_const(d->statements))
        statement->cancel();
    d->pool.waitForDone();
    delete d->writer; // writes what it was handed, then its thread ends
    d->writer = nullptr;
}

void Scheduler::start()
{
    QString error;
    d->store = StateStore::open(d->options.statePath, &error);
    if (!d->store) {
        Q_EMIT finished(0, 0, error);
        return;
    }
    d->writer = new StoreWriter(d->options.statePath, this);
    connect(d->writer, &StoreWriter::written, this, [this](const QList<Transition> &batch) {
        Q_EMIT transitionsCommitted(batch);
        d->maybeFinish();
    });
    connect(d->writer, &StoreWriter::failing, this, [this] { d->maybeFinish(); });
    const Contract &c = *d->contract;
    const int n = d->graph.size();
    if (!d->graph.isAcyclic()) {
        d->finishing = true; // a start that failed ends the run: nothing to cancel
        Q_EMIT finished(0, 0, QStringLiteral("the contract has a dependency cycle"));
        return;
    }
    auto existing = d->store->findRun(c.report.id, d->context.period);
    d->runId =
        existing ? existing->id : d->store->createRun(c.report.id, d->context.period, c.filePath);
    if (d->runId <= 0) {
        d->finishing = true;
        Q_EMIT finished(0, 0,
                        QStringLiteral("could not create a run in %1: %2")
                            .arg(d->options.statePath, d->store->lastError()));
        return;
    }

    d->state = QList<NodeState>(n, NodeState::Pending);
    d->selected = QList<bool>(n, d->options.nodes.isEmpty());
    d->waitingOn = QList<int>(n, 0);
    d->tries = QList<int>(n, 0);
    d->generation = QList<int>(n, 0);
    d->firstStart = QList<QDateTime>(n);
    d->holdsSlot = QList<bool>(n, false);
    for (const QString &id : d->options.nodes) {
        const int index = d->graph.indexOf(id);
        if (index < 0) {
            d->finishing = true;
            Q_EMIT finished(d->runId, 0, QStringLiteral("unknown node '%1'").arg(id));
            return;
        }
        d->selected[index] = true;
    }
    // Nodes outside this attempt keep the state their latest attempt left.
    if (existing) {
        for (const NodeRunRecord &r : d->store->nodeRuns(d->runId)) {
            const int index = d->graph.indexOf(r.nodeId);
            if (index >= 0 && !d->selected[index])
                d->state[index] = r.state;
        }
    }
    QStringList selection;
    for (int i = 0; i < n; ++i) {
        if (d->selected[i])
            selection << d->graph.id(i);
    }
    d->attempt = d->store->beginAttempt(d->runId, d->options.who, d->options.reason, selection,
                                        d->contract->sourceSha256, d->contract->sourceText);
    d->computePriorities();
    Q_EMIT runStarted(d->runId, d->attempt);

    d->remaining = int(selection.size());
    // Record every selected node as pending in this attempt, so the attempt
    // is complete in the store even if the process dies right now.
    for (int index : d->graph.topologicalOrder()) {
        if (d->selected[index])
            d->transition(index, NodeState::Pending);
    }
    QList<int> blocked;
    for (int index : d->graph.topologicalOrder()) {
        if (!d->selected[index])
            continue;
        bool upstreamBroken = false;
        for (int up : d->graph.needs(index)) {
            if (d->selected[up])
                ++d->waitingOn[index];
            else if (!isPassing(d->state[up]))
                upstreamBroken = true;
        }
        if (upstreamBroken)
            blocked << index;
    }
    for (int index : blocked) {
        if (d->state[index] != NodeState::Pending)
            continue;
        QStringList broken;
        for (int up : d->graph.needs(index)) {
            if (!d->selected[up] && !isPassing(d->state[up]))
                broken << QStringLiteral("%1 is %2").arg(d->graph.id(up), toString(d->state[up]));
        }
        d->transition(index, NodeState::UpstreamFailed, nullptr,
                      QStringLiteral("not run: upstream %1 (outside this rerun)")
                          .arg(broken.join(QStringLiteral(", "))));
        --d->remaining;
        d->blockDownstream(index,
                           QStringLiteral("upstream %1 did not pass").arg(d->graph.id(index)));
    }
    for (int index : d->graph.topologicalOrder()) {
        if (d->selected[index] && d->state[index] == NodeState::Pending && d->waitingOn[index] == 0)
            d->makeReady(index);
    }
    d->pump();
}

void Scheduler::cancelRun()
{
    if (!d->store || d->finishing)
        return;
    d->cancelling = true;
    for (int index : d->graph.topologicalOrder())
        d->cancel(index, QStringLiteral("the run was cancelled"));
    d->pump();
}

void Scheduler::cancelNodes(const QStringList &ids)
{
    if (!d->store || d->finishing)
        return;
    for (const QString &id : ids) {
        const int index = d->graph.indexOf(id);
        if (index >= 0)
            d->cancel(index, QStringLiteral("cancelled"));
    }
    d->pump();
}

} // namespace vouch::engine
