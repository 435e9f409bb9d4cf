#pragma once

#include "engine/contract/contract.h"
#include "engine/control/runfollower.h"
#include "engine/graph/nodestate.h"
#include "engine/trust/verdict.h"
#include "engine/util/clock.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QStringList>
#include <QThread>
#include <QTimer>

#include <optional>

namespace vouch::engine {
class AttemptRunner;
struct Assessment;
struct AttemptOutcome;
struct Transition;
} // namespace vouch::engine

namespace vouch::ui {

using engine::RunFollower;
using engine::TeamView;

class RunModel;

// The report's verdict after a run, in words for the status bar.
struct VerdictSummary
{
    bool valid = false;
    engine::ReportStatus status = engine::ReportStatus::Running;
    QString headline;     // "Report caveated · 4 of 5 sections safe"
    QStringList sections; // one line per section, for a tooltip
};

// The desktop's one handle on the engine. Lives on the GUI thread and owns
// the current contract, the state-store path and the RunModel. Everything
// that touches a file, the store or the warehouse runs on a worker of the
// global thread pool; results come back queued to this object and are
// dropped when a later request superseded them. One attempt runs at a time,
// on a RunThread, under the report/period lease exactly like `vouch run`.
//
// Between its own attempts it follows the store (RunFollower, on a thread of
// its own): what `vouch serve` or another workstation executes reaches the
// model through the same path as a local run's transitions. On a team store
// (PostgreSQL) where a runner serves the report or someone else executes
// the run, rerun() and cancel write requests, as `vouch rerun` does.
class RunController : public QObject
{
    Q_OBJECT

public:
    explicit RunController(QObject *parent = nullptr);
    ~RunController() override;

    RunModel *model() const { return m_model; }
    engine::ContractPtr contract() const { return m_contract; }
    QString contractPath() const { return m_contractPath; }
    QString statePath() const { return m_statePath; }
    // VOUCH_DATA for the run's commands and connections: the demo directory.
    QString dataDirectory() const { return m_dataDirectory; }
    bool isDemo() const { return m_demo; }

    qint64 runId() const { return m_runId; }
    int attempt() const { return m_attempt; }
    QString period() const { return m_period; }

    // Opening a contract or the demo, or waiting for the lease / the verdict.
    bool isBusy() const { return m_opening; }
    // From the request to start an attempt until its verdict is known.
    bool isRunning() const { return m_phase != Phase::Idle; }
    // Nodes of the current (or last) attempt that are done, of how many.
    int doneCount() const;
    int totalCount() const;
    qint64 elapsedMs() const;
    const VerdictSummary &verdict() const { return m_verdict; }
    // Reads the verdict again, then emits verdictUpdated.
    void updateVerdict() { refreshVerdict(false); }
    // The run's assessment as someone else made it (the Report dock after a
    // publication decision): the verdict without reading the store again;
    // emits verdictUpdated.
    void showAssessment(const engine::Assessment &assessment);

    // What `vouch` in a command's argv runs; the application itself by default.
    void setVouchExecutable(const QString &path) { m_vouchExecutable = path; }
    void setConcurrency(int concurrency) { m_concurrency = concurrency; }

    // Loads the contract and the latest run of its report from the store
    // (`statePath` empty: $VOUCH_STATE or the default store).
    // `demoReplay` valid: a report of the demo, judged at the demo's clock.
    void openContract(const QString &path, const QString &statePath = QString(),
                      const QString &dataDirectory = QString(),
                      const QDateTime &demoReplay = QDateTime());
    // Another report of the demo in `dir` (the month-end pack beside the
    // weekly one): its latest run from the demo's store, judged at the
    // demo's replayed clock; it runs now if it has not run there yet.
    void openDemoReport(const QString &path, const QString &dir);
    // Makes the Brightside warehouse for `scenario` in `dir` (replacing an
    // earlier one and its history), opens the demo contract and runs it.
    void openDemo(const QString &scenario, const QString &dir);

    // A new attempt of every node for the current period.
    void startRun();
    // A controlled rerun: exactly `nodeIds`, as a new attempt of the current run.
    void rerun(const QStringList &nodeIds, const QString &reason);
    void cancelRun();
    void cancelNodes(const QStringList &ids);

    // The latest state of every node, for rerun planning.
    QHash<QString, engine::NodeState> latestStates() const;

    // For people: "caveated", "partly held", ...
    static QString reportStatusLabel(engine::ReportStatus status);

    // What the store says about the followed run (team mode and SQLite alike).
    const TeamView &team() const { return m_team; }
    bool isTeamStore() const;
    // "Executing: runner on db-host (pid 4242)", "Executing: this
    // workstation", "Nobody is executing" (+ the runner that serves it).
    QString executorText() const;
    // Someone else executes this run now, or a runner serves the report on
    // a team store: reruns and cancels become requests.
    bool executesElsewhere() const;
    // Who asked for an attempt of the current run and why, when known.
    std::optional<engine::AttemptRecord> attemptRecord(int attempt) const;

Q_SIGNALS:
    void busyChanged(bool busy);
    void contractOpened(const QString &path);
    // The latest run of the report was loaded from the store.
    void runLoaded(qint64 runId, int attempt);
    void runStarted(qint64 runId, int attempt);
    void progressChanged(int done, int total, qint64 elapsedMs);
    void runningChanged(bool running);
    void transitionsCommitted(const QList<vouch::engine::Transition> &transitions);
    void nodeOutput(const QString &nodeId, const QByteArray &chunk);
    // The attempt ended; `verdict` is the headline (empty if the run failed to run).
    void runFinished(const QString &verdict);
    // The verdict was read again without a run ending (updateVerdict).
    void verdictUpdated();
    // An attempt wrote its publication record (problem empty) or could not.
    void publicationWritten(const QString &problem);
    // A publication decision was recorded, here or elsewhere.
    void decisionsChanged();
    void error(const QString &message);
    // The executor, attempts or requests of the followed run changed.
    void teamChanged();
    // A line for the log about a request: new, taken, done or refused.
    void requestNote(const QString &line);
    // A request was written (rerun or cancel from this window).
    void requestSent(qint64 id, const QString &message);

private:
    enum class Phase
    {
        Idle,
        Starting,  // taking the lease on a worker
        Running,   // the RunThread runs
        Finishing, // releasing the lease and assessing on a worker
    };

    void setOpening(bool opening);
    void setPhase(Phase phase);
    void startAttempt(const QStringList &nodes, const QString &reason);
    void onFinished(quint64 generation, const QString &runPeriod,
                    const engine::AttemptOutcome &outcome);
    void emitProgress();
    void startFollowing(qint64 runId, qint64 afterSeq);
    void stopFollowing();
    void onFollowed(qint64 runId, const QList<engine::Transition> &events,
                    const QList<engine::Transition> &details);
    void onRunSwitched(qint64 runId, int attempt, const QString &period,
                       const QList<engine::NodeRunRecord> &records);
    void onTeamChanged(const TeamView &view);
    // announce: the end of an attempt (runFinished); else verdictUpdated.
    void refreshVerdict(bool announce = true);
    void sendRequest(const QString &kind, const QStringList &nodeIds, const QString &reason);

    RunModel *m_model = nullptr;
    engine::ContractPtr m_contract;
    QString m_contractPath;
    QString m_statePath;
    QString m_dataDirectory;
    bool m_demo = false;
    QString m_vouchExecutable;
    // The app's clock ($VOUCH_NOW or the wall). While a contract is open the
    // process clock (engine/util/clock.h) is this one, the demo's replayed
    // Monday, or the pinned clock of the run being shown.
    engine::Clock m_baseClock;
    int m_concurrency = 0;

    quint64 m_generation = 0; // bumped by every open: older results are dropped
    bool m_opening = false;
    Phase m_phase = Phase::Idle;
    QPointer<engine::AttemptRunner> m_runner;
    qint64 m_runId = 0;
    int m_attempt = 0;
    QString m_period;
    QSet<QString> m_selection; // empty: every node
    QElapsedTimer m_elapsed;
    qint64 m_finalElapsedMs = 0;
    QTimer m_tick;
    VerdictSummary m_verdict;

    QThread *m_followThread = nullptr;
    quint64 m_followGeneration = 0; // signals of a stopped follower are dropped
    QPointer<RunFollower> m_follower;
    TeamView m_team;
    QHash<qint64, QString> m_requestStates;     // id -> state, for requestNote
    std::pair<qint64, int> m_verdictFor{0, 0};  // the finished attempt the verdict is of
    QSet<std::pair<qint64, int>> m_ownAttempts; // run/attempt executed here: shown already
};

} // namespace vouch::ui
