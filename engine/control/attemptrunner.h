#pragma once

// Running one attempt of a report, written once for every frontend: the app
// (ui/runcontroller), `vouch run`, `vouch rerun`, `vouch demo --headless` and
// `vouch serve` only say which attempt and show what happens.

#include "engine/run/rerunplan.h"
#include "engine/run/scheduler.h"
#include "engine/trust/assessment.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace vouch::engine {

class Graph;
class RunThread;
class StateStore;

// Which attempt to run, and the knobs the frontends need.
struct AttemptSpec
{
    ContractPtr contract;
    // The period, the commands' environment (VOUCH_DATA), what `vouch` runs.
    // An invalid `now` is the process clock (engine/util/clock.h); with
    // `clockFixed` the run is also judged at `now`.
    RunContext context;
    // The store (statePath), who and why, the nodes (empty: every node),
    // concurrency and the rest of the scheduler's options.
    RunOptions options;
    // A rerun planned under the lease from the run's latest states (what a
    // dead executor left is recovered first); replaces options.nodes.
    std::optional<RerunRequest> rerun;
    // Make the SQLite store's directory when it is missing (the app).
    bool createStoreDirectory = false;
    // The store steps (lease and recovery, assessment and publication) run
    // on workers of the global thread pool, so that a GUI thread never
    // waits on the store; otherwise on the runner's own thread.
    bool offload = false;
    // With the lease held and what a dead executor left recovered, before
    // planning: false runs nothing (the lease is given back). On the thread
    // of the store step.
    std::function<bool(StateStore &)> underLease;
    // Once, after the assessment and the publication record: where the
    // assessment's alert changes go (delivered once by the command line, queued
    // to a long-lived dispatcher by `vouch serve`). On the thread of the store
    // step, with its connection.
    std::function<void(StateStore &, const Assessment &)> deliver;
};

// What became of an attempt. The messages are the engine's; frontends word
// them for their people.
struct AttemptOutcome
{
    enum class Status
    {
        Finished,         // the attempt ran and was assessed
        StoreUnavailable, // error: why the store cannot be opened
        LeaseHeld,        // holder: the live process that runs the period
        Declined,         // underLease said no
        PlanRefused,      // error: the rerun plan's objection
        NothingToRun,     // the rerun plan is empty
        Cancelled,        // cancelled before it began
        RunFailed,        // error: the scheduler could not run it
        RunVanished,      // the run is not in the store any more
    };
    Status status = Status::Finished;
    QString error;
    QString holder;
    QStringList interrupted; // nodes a dead executor left, now interrupted
    QStringList nodes;       // the nodes this attempt ran (empty: every node)
    qint64 runId = 0;
    int attempt = 0;
    qint64 lastSeq = 0; // the store's last event once the attempt ended
    std::optional<Assessment> assessment;
    QString pinError;         // the run's pinned clock could not be recorded
    QString publicationError; // the publication record was not written
};

// Runs one attempt: takes the report/period lease (renewing it while the
// attempt runs), recovers what a dead executor left, plans a rerun if asked,
// runs the attempt on a RunThread, releases the lease, assesses the run at
// the process clock (recording that clock when it is pinned), writes the
// publication record and hands the alert changes to `deliver`, once.
//
// Lives on the thread that creates it (which needs an event loop); emits
// there. Used once: prepare() + launch() (or runToEnd()) on a thread that may
// wait on the store, or start() for the app (offload).
class AttemptRunner : public QObject
{
    Q_OBJECT

public:
    explicit AttemptRunner(AttemptSpec spec, QObject *parent = nullptr);
    ~AttemptRunner() override; // cancels a running attempt and joins its thread

    // The lease, recovery and plan, on this thread. False when nothing runs:
    // outcome() says why.
    bool prepare();
    // After prepare(): runs the attempt; finished() follows.
    void launch();
    // prepare() and launch(), then waits in a local event loop until the
    // attempt is assessed (the command line).
    AttemptOutcome runToEnd();
    // Asynchronously, everything (with `offload`, the store steps on
    // workers); finished() follows, also when nothing runs.
    void start();

    void cancelRun();
    void cancelNodes(const QStringList &ids);

    bool isRunning() const { return m_thread != nullptr; }
    const AttemptSpec &spec() const { return m_spec; }
    const AttemptOutcome &outcome() const { return m_outcome; }

Q_SIGNALS:
    // The lease is held and what a dead executor left is interrupted.
    void prepared(const QStringList &interrupted);
    void runStarted(qint64 runId, int attempt);
    void transitionsCommitted(const QList<vouch::engine::Transition> &transitions);
    void output(const QString &nodeId, const QByteArray &chunk);
    // The attempt's processes are done; the assessment follows.
    void attemptEnded(qint64 runId, int attempt);
    // Exactly once per start()/launch(), and for a refused start().
    void finished(const vouch::engine::AttemptOutcome &outcome);

private:
    struct Prepared;
    static Prepared prepareAttempt(const AttemptSpec &spec);
    void adopt(Prepared &prepared);
    void onRunFinished(qint64 runId, int attempt, const QString &error);
    void renew();
    void done();

    AttemptSpec m_spec;
    AttemptOutcome m_outcome;
    // The contract's Graph, built once per attempt (for the rerun plan, the
    // scheduler and the assessment).
    std::shared_ptr<const Graph> m_graph;
    std::unique_ptr<StateStore> m_store; // without offload: the runner thread's connection
    RunThread *m_thread = nullptr;
    QTimer m_renew;
    bool m_preparing = false;
    bool m_cancelRequested = false;
    QStringList m_cancelNodes;
};

// When nobody holds the period's lease, marks what a dead executor left
// running as interrupted (taking and giving back the lease). Returns the
// live holder when someone does hold it, else empty.
QString recoverIfIdle(StateStore &store, const QString &reportId, const QString &period);

// A rerun of run `runId` planned from its latest node states.
RerunPlan planRerunOf(StateStore &store, const Graph &graph, qint64 runId,
                      const RerunRequest &request);

} // namespace vouch::engine
