#pragma once

#include "engine/contract/contract.h"
#include "engine/graph/graph.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"

#include <QObject>
#include <QStringList>

#include <chrono>
#include <memory>

namespace vouch::engine {

struct RunOptions
{
    int concurrency = 0;  // 0 = the number of cores
    QString statePath;    // the state store file
    QString logDirectory; // per-attempt command logs; empty = "logs" beside the store
    QString who;          // identity recorded with the attempt
    QString reason;       // why this attempt runs
    // Node ids to run in this attempt. Empty = every node (a new run, or a
    // full new attempt). Nodes outside the list keep their latest state.
    QStringList nodes;
    qint64 maxLogBytes = 10 * 1024 * 1024;
    std::chrono::milliseconds killGrace{5000};
    quint32 jitterSeed = 0;         // 0 = random
    bool waitForLateSources = true; // honour freshness `wait:`; false settles at once
};

// Runs one attempt of one run of a contract: event-driven, on the thread it
// lives on (never the GUI thread: see RunThread). Starts every node whose
// needs are satisfied, within the global concurrency limit and the contract's
// pools, longest remaining path first. Every transition is written to the
// state store before it is announced through transitionsCommitted(), in
// batches. Emits finished() exactly once.
class Scheduler : public QObject
{
    Q_OBJECT

public:
    Scheduler(ContractPtr contract, RunContext context, RunOptions options,
              QObject *parent = nullptr)
        : Scheduler(contract, Graph::fromContract(*contract), std::move(context),
                    std::move(options), parent)
    {}
    // The same with the contract's Graph (Graph::fromContract(*contract))
    // already built: an attempt builds it once and shares it (docs/perf-notes/i16-status.md).
    Scheduler(ContractPtr contract, const Graph &graph, RunContext context, RunOptions options,
              QObject *parent = nullptr);
    ~Scheduler() override;

    // All three must be called on the scheduler's thread (queued invocation).
    Q_INVOKABLE void start();
    Q_INVOKABLE void cancelRun();
    Q_INVOKABLE void cancelNodes(const QStringList &ids);

Q_SIGNALS:
    void runStarted(qint64 runId, int attempt);
    void transitionsCommitted(const QList<vouch::engine::Transition> &transitions);
    void output(const QString &nodeId, const QByteArray &chunk);
    // error is empty on a normal end (whatever the node states are).
    void finished(qint64 runId, int attempt, const QString &error);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace vouch::engine

Q_DECLARE_METATYPE(vouch::engine::Transition)
