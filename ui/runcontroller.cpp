#include "ui/runcontroller.h"

#include "engine/control/attemptrunner.h"
#include "engine/control/identity.h"
#include "engine/demo/demowarehouse.h"
#include "engine/graph/graph.h"
#include "engine/interop/loadcontract.h"
#include "engine/run/runlease.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "engine/trust/auditlog.h"
#include "engine/util/log.h"
#include "engine/util/worker.h"
#include "ui/model/runmodel.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QThreadPool>
#include <QTimeZone>

#include <memory>
#include <optional>

namespace vouch::ui {

using namespace vouch::engine;

namespace {

// The app's own clock: $VOUCH_NOW when set (and valid), else the wall clock.
Clock startupClock()
{
    const QString fixed = qEnvironmentVariable("VOUCH_NOW");
    if (fixed.isEmpty())
        return Clock();
    QString error;
    const auto at = parseInstant(fixed, &error);
    if (!at) {
        log::warn(QStringLiteral("VOUCH_NOW ignored: %1").arg(error));
        return Clock();
    }
    return Clock::pinned(*at);
}

QString sectionStatusLabel(SectionStatus status)
{
    switch (status) {
    case SectionStatus::Safe:
        return RunController::tr("safe");
    case SectionStatus::Caveated:
        return RunController::tr("publish with a caveat");
    case SectionStatus::Held:
        return RunController::tr("held");
    case SectionStatus::Blocked:
        return RunController::tr("not safe (blocks the report)");
    case SectionStatus::Running:
        return RunController::tr("still running");
    }
    return {};
}

VerdictSummary summarise(const Assessment &assessment)
{
    VerdictSummary summary;
    summary.valid = true;
    const Verdict &v = assessment.verdict;
    summary.status = v.status;
    int safe = 0;
    for (const SectionVerdict &s : v.sections) {
        safe += s.status == SectionStatus::Safe ? 1 : 0;
        summary.sections << RunController::tr("%1: %2").arg(s.name, sectionStatusLabel(s.status));
    }
    summary.headline = RunController::tr("Report %1 · %2 of %3 sections safe")
                           .arg(RunController::reportStatusLabel(v.status))
                           .arg(safe)
                           .arg(v.sections.size());
    return summary;
}

struct OpenResult
{
    QString error;
    ContractPtr contract;
    QList<NodeRunRecord> records;
    qint64 runId = 0;
    int attempt = 0;
    QString period;
    VerdictSummary verdict;
    qint64 lastSeq = 0;           // the store's last event before the records were read
    bool attemptFinished = false; // the latest attempt has ended
    bool storeExists = false;     // a server, or an SQLite file that is there
    QDateTime pinnedClock;        // the latest run was judged under this pinned clock
};

// Loads a contract and the latest run of its report (on a worker).
// `base` is the app's clock; a run judged under a pinned clock (the demo) is
// judged at that instant again unless the app's own clock is pinned.
OpenResult loadContractAndRun(const QString &path, const QString &statePath, const Clock &base)
{
    OpenResult result;
    const LoadResult loaded = loadContractFile(path);
    if (!loaded.ok()) {
        QStringList problems;
        for (const Diagnostic &d : loaded.diagnostics) {
            if (d.severity == Diagnostic::Severity::Error && problems.size() < 5)
                problems << d.format();
        }
        result.error =
            RunController::tr("The contract cannot be opened:\n%1").arg(problems.join(u'\n'));
        return result;
    }
    result.contract = loaded.contract;
    if (!StateStore::isServerUrl(statePath) && !QFileInfo::exists(statePath))
        return result; // nothing has run yet
    result.storeExists = true;
    QString error;
    auto store = StateStore::open(statePath, &error);
    if (!store) {
        result.error = RunController::tr("The state store cannot be opened: %1").arg(error);
        return result;
    }
    const Contract &contract = *loaded.contract;
    // Read first: whatever happens after is delivered again by the follower.
    result.lastSeq = store->lastEventSeq();
    const auto run = store->latestRun(contract.report.id);
    if (!run)
        return result;
    // A run whose runner died is not running: say so, once, in the store.
    recoverIfIdle(*store, run->reportId, run->period);
    result.records = store->nodeRuns(run->id);
    const QList<AttemptRecord> attempts = store->attempts(run->id);
    result.attemptFinished = !attempts.isEmpty() && attempts.last().finishedAt.isValid();
    result.runId = run->id;
    result.attempt = run->latestAttempt;
    result.period = run->period;
    const Graph graph = Graph::fromContract(contract);
    result.pinnedClock = run->pinnedClock;
    const QDateTime now =
        !base.isPinned() && run->pinnedClock.isValid() ? run->pinnedClock : base.now();
    if (const auto assessment = assess(*store, contract, graph, run->id, now,
                                       /*syncAlerts=*/false))
        result.verdict = summarise(*assessment);
    return result;
}

// The CLI writes this marker to know which Monday a demo warehouse replays;
// keep it in step so `vouch demo --headless --dir D` reuses what the app made.
void writeReplayMarker(const QString &dir, const QDateTime &now)
{
    QFile marker(dir + QStringLiteral("/replay-now"));
    if (marker.open(QIODevice::WriteOnly | QIODevice::Truncate))
        marker.write(now.toString(Qt::ISODate).toUtf8());
}

} // namespace

RunController::RunController(QObject *parent)
    : QObject(parent)
    , m_model(new RunModel(this))
    , m_vouchExecutable(QCoreApplication::applicationFilePath())
    , m_baseClock(startupClock())
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &RunController::emitProgress);
    connect(m_model, &RunModel::nodesChanged, this, &RunController::emitProgress);
}

RunController::~RunController()
{
    stopFollowing();
    // Cancels a running attempt and joins its thread (the scheduler kills
    // the process groups it started).
    delete m_runner.data();
}

void RunController::setOpening(bool opening)
{
    if (m_opening == opening)
        return;
    m_opening = opening;
    Q_EMIT busyChanged(opening);
}

void RunController::setPhase(Phase phase)
{
    const bool wasRunning = isRunning();
    m_phase = phase;
    if (wasRunning != isRunning())
        Q_EMIT runningChanged(isRunning());
}

QString RunController::reportStatusLabel(ReportStatus status)
{
    switch (status) {
    case ReportStatus::Running:
        return tr("running");
    case ReportStatus::AtRisk:
        return tr("at risk");
    case ReportStatus::Complete:
        return tr("complete");
    case ReportStatus::Caveated:
        return tr("caveated");
    case ReportStatus::Partial:
        return tr("partial");
    case ReportStatus::Failed:
        return tr("failed");
    case ReportStatus::Stale:
        return tr("stale");
    case ReportStatus::Late:
        return tr("late");
    case ReportStatus::Published:
        return tr("published");
    case ReportStatus::PublishedWithCaveats:
        return tr("published with caveats");
    case ReportStatus::Held:
        return tr("held");
    }
    return {};
}

// ------------------------------------------------------------------ opening

void RunController::openDemoReport(const QString &path, const QString &dir)
{
    QFile marker(dir + QStringLiteral("/replay-now"));
    QDateTime replay;
    if (marker.open(QIODevice::ReadOnly))
        replay = QDateTime::fromString(QString::fromUtf8(marker.readAll().trimmed()), Qt::ISODate);
    if (!replay.isValid())
        replay = demo::replayNow(m_baseClock.now());
    openContract(path, dir + QStringLiteral("/state.db"), dir, replay);
}

void RunController::openContract(const QString &path, const QString &statePath,
                                 const QString &dataDirectory, const QDateTime &demoReplay)
{
    if (isRunning()) {
        Q_EMIT error(tr("A run is in progress. Cancel it before opening another contract."));
        return;
    }
    const quint64 generation = ++m_generation;
    setOpening(true);
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QString store = statePath;
    if (store.isEmpty()) {
        store = qEnvironmentVariable("VOUCH_STATE");
        if (store.isEmpty())
            store = StateStore::defaultPath();
    }
    const Clock base = m_baseClock;
    engine::runOnWorker(
        this, [absolute, store, base] { return loadContractAndRun(absolute, store, base); },
        [this, generation, absolute, store, dataDirectory, demoReplay](OpenResult result) {
            if (generation != m_generation)
                return; // superseded by a later open
            setOpening(false);
            if (!result.contract) {
                Q_EMIT error(result.error);
                return;
            }
            m_contract = result.contract;
            m_contractPath = absolute;
            m_statePath = store;
            m_dataDirectory =
                dataDirectory.isEmpty() ? qEnvironmentVariable("VOUCH_DATA") : dataDirectory;
            m_demo = demoReplay.isValid();
            // Judge (and stamp) what follows by the run's pinned clock
            // when it has one, else by the app's (the demo's: its Monday).
            if (!m_baseClock.isPinned() && result.pinnedClock.isValid())
                setProcessClock(Clock::pinned(result.pinnedClock));
            else
                setProcessClock(m_demo ? Clock::pinned(demoReplay) : m_baseClock);
            m_runId = result.runId;
            m_attempt = result.attempt;
            m_period = result.period;
            m_selection.clear();
            m_finalElapsedMs = 0;
            m_elapsed.invalidate();
            m_verdict = result.verdict;
            m_model->setContract(m_contract);
            m_model->load(result.records);
            m_verdictFor = result.attemptFinished ? std::pair(m_runId, m_attempt)
                                                  : std::pair<qint64, int>(0, 0);
            stopFollowing();
            if (result.storeExists)
                startFollowing(m_runId, result.lastSeq);
            Q_EMIT contractOpened(absolute);
            if (!result.error.isEmpty())
                Q_EMIT error(result.error);
            if (m_demo && m_runId == 0) {
                // A demo report that has not run on this warehouse yet runs
                // now, for the period its calendar says is due.
                m_period = contextForReport(m_contract->report, clockNow()).period;
                startRun();
            }
            if (m_runId > 0)
                Q_EMIT runLoaded(m_runId, m_attempt);
            emitProgress();
        });
}

void RunController::openDemo(const QString &scenario, const QString &dir)
{
    if (isRunning()) {
        Q_EMIT error(tr("A run is in progress. Cancel it before opening the demo."));
        return;
    }
    const quint64 generation = ++m_generation;
    setOpening(true);
    const QString absolute = QDir(dir).absolutePath();
    const QDateTime now = demo::replayNow(m_baseClock.now());
    struct DemoResult
    {
        QString error;
        ContractPtr contract;
        QString contractPath;
    };
    engine::runOnWorker(
        this,
        [absolute, scenario, now] {
            DemoResult result;
            QDir().mkpath(absolute);
            demo::InitOptions options;
            options.dir = absolute;
            options.scenario = scenario;
            options.now = now;
            options.coverCloseMonth = true; // the month-end pack reads it too
            if (const QString e = demo::initWarehouse(options); !e.isEmpty()) {
                result.error = tr("The demo warehouse cannot be made: %1").arg(e);
                return result;
            }
            writeReplayMarker(absolute, now);
            // A new warehouse starts a new history.
            const QString state = absolute + QStringLiteral("/state.db");
            for (const QString &f :
                 {state, state + QStringLiteral("-wal"), state + QStringLiteral("-shm")})
                QFile::remove(f);
            QDir(absolute + QStringLiteral("/logs")).removeRecursively();
            result.contractPath = demo::contractPath();
            const LoadResult loaded = loadContractFile(result.contractPath);
            if (!loaded.ok()) {
                result.error =
                    tr("The demo contract cannot be loaded from %1").arg(result.contractPath);
                return result;
            }
            result.contract = loaded.contract;
            return result;
        },
        [this, generation, absolute, now](DemoResult result) {
            if (generation != m_generation)
                return;
            setOpening(false);
            if (!result.contract) {
                Q_EMIT error(result.error);
                return;
            }
            stopFollowing();
            m_contract = result.contract;
            m_contractPath = QFileInfo(result.contractPath).absoluteFilePath();
            m_statePath = absolute + QStringLiteral("/state.db");
            m_dataDirectory = absolute;
            m_demo = true;
            // The demo replays its Monday: every transition, deadline and
            // verdict follows that clock, and the store remembers it.
            setProcessClock(Clock::pinned(now));
            m_runId = 0;
            m_attempt = 0;
            m_period = demo::reportingPeriod(now).isoWeek;
            m_selection.clear();
            m_finalElapsedMs = 0;
            m_elapsed.invalidate();
            m_verdict = {};
            m_model->setContract(m_contract);
            Q_EMIT contractOpened(m_contractPath);
            startRun();
        });
}

// ------------------------------------------------------------------ running

void RunController::startRun()
{
    startAttempt({}, m_demo ? QStringLiteral("demo") : QStringLiteral("run"));
}

void RunController::rerun(const QStringList &nodeIds, const QString &reason)
{
    if (nodeIds.isEmpty()) {
        Q_EMIT error(tr("Nothing to rerun."));
        return;
    }
    if (m_runId == 0 || m_period.isEmpty()) {
        Q_EMIT error(tr("There is no run to rerun yet. Run the report first."));
        return;
    }
    if (reason.trimmed().isEmpty()) {
        Q_EMIT error(tr("A rerun needs a reason; it is recorded with your name."));
        return;
    }
    if (!isRunning() && executesElsewhere()) {
        sendRequest(QStringLiteral("rerun"), nodeIds, reason.trimmed());
        return;
    }
    startAttempt(nodeIds, reason.trimmed());
}

void RunController::startAttempt(const QStringList &nodes, const QString &reason)
{
    if (!m_contract) {
        Q_EMIT error(tr("Open a contract first."));
        return;
    }
    if (isRunning() || m_opening) {
        Q_EMIT error(tr("A run is already in progress."));
        return;
    }
    // Which period: a rerun continues its run; the demo replays its week;
    // otherwise the last complete period of the report's cadence, in its
    // time zone.
    QString runPeriod = m_period;
    if (nodes.isEmpty() && !m_demo)
        runPeriod = contextForReport(m_contract->report, clockNow()).period;
    std::optional<RunContext> context = contextForPeriod(runPeriod, clockNow());
    if (!context) {
        Q_EMIT error(tr("The run's period '%1' is not a reporting period.").arg(runPeriod));
        return;
    }
    context->vouchExecutable = m_vouchExecutable;
    if (!m_dataDirectory.isEmpty())
        context->env.insert(QStringLiteral("VOUCH_DATA"), m_dataDirectory);

    AttemptSpec spec;
    spec.contract = m_contract;
    spec.context = *context;
    spec.options.statePath = m_statePath;
    spec.options.concurrency = m_concurrency;
    spec.options.who = whoIsActing(Acting::Attempt);
    spec.options.reason = reason;
    spec.options.nodes = nodes;
    // The demo shows its outcome now; a real report waits for late sources.
    spec.options.waitForLateSources = !m_demo;
    spec.createStoreDirectory = true;
    spec.offload = true; // the GUI thread never waits on the store

    setPhase(Phase::Starting);
    auto *runner = new AttemptRunner(std::move(spec), this);
    m_runner = runner;
    const quint64 generation = m_generation;
    connect(runner, &AttemptRunner::prepared, this, [this, nodes, runPeriod] {
        m_period = runPeriod;
        m_selection = QSet<QString>(nodes.cbegin(), nodes.cend());
        if (nodes.isEmpty())
            m_model->clearStates();
        m_verdict = {};
        m_finalElapsedMs = 0;
        m_elapsed.start();
        setPhase(Phase::Running);
        m_tick.start();
        emitProgress();
    });
    connect(runner, &AttemptRunner::runStarted, this, [this](qint64 runId, int attempt) {
        m_runId = runId;
        m_attempt = attempt;
        m_ownAttempts.insert({runId, attempt});
        Q_EMIT runStarted(runId, attempt);
        emitProgress();
    });
    connect(runner, &AttemptRunner::transitionsCommitted, this,
            [this](const QList<Transition> &batch) {
                m_model->apply(batch);
                Q_EMIT transitionsCommitted(batch);
            });
    connect(runner, &AttemptRunner::output, this, &RunController::nodeOutput);
    connect(runner, &AttemptRunner::attemptEnded, this, [this](qint64 runId, int attempt) {
        m_tick.stop();
        m_finalElapsedMs = m_elapsed.isValid() ? m_elapsed.elapsed() : 0;
        if (runId > 0) {
            m_runId = runId;
            m_attempt = attempt;
        }
        setPhase(Phase::Finishing);
    });
    connect(runner, &AttemptRunner::finished, this,
            [this, generation, runPeriod](const AttemptOutcome &outcome) {
                onFinished(generation, runPeriod, outcome);
            });
    runner->start();
}

void RunController::onFinished(quint64 generation, const QString &runPeriod,
                               const AttemptOutcome &outcome)
{
    if (m_runner)
        m_runner->deleteLater();
    m_runner = nullptr;
    using Status = AttemptOutcome::Status;
    if (m_phase == Phase::Starting) {
        // Nothing ran.
        setPhase(Phase::Idle);
        switch (outcome.status) {
        case Status::StoreUnavailable:
            Q_EMIT error(tr("The state store cannot be opened: %1").arg(outcome.error));
            break;
        case Status::LeaseHeld:
            Q_EMIT error(tr("%1 for %2 is being run by %3; wait for it, or cancel it there.")
                             .arg(m_contract->report.id, runPeriod, outcome.holder));
            break;
        case Status::Cancelled:
            Q_EMIT runFinished(QString());
            break;
        default:
            Q_EMIT error(outcome.error);
            break;
        }
        return;
    }
    QString problem;
    switch (outcome.status) {
    case Status::StoreUnavailable:
        problem = tr("The state store cannot be opened: %1").arg(outcome.error);
        break;
    case Status::RunFailed:
        problem = tr("The run could not run: %1").arg(outcome.error);
        break;
    case Status::RunVanished:
        problem = tr("The run vanished from %1").arg(m_statePath);
        break;
    default:
        if (!outcome.publicationError.isEmpty())
            problem =
                tr("The publication record was not written: %1").arg(outcome.publicationError);
        break;
    }
    if (generation == m_generation) {
        m_verdict = outcome.assessment ? summarise(*outcome.assessment) : VerdictSummary();
        m_verdictFor = {m_runId, m_attempt};
        if (outcome.assessment)
            Q_EMIT publicationWritten(outcome.publicationError);
        // From now on, follow what others do with this run.
        if (!m_follower && !m_demo)
            startFollowing(m_runId, outcome.lastSeq);
    }
    setPhase(Phase::Idle);
    emitProgress();
    if (!problem.isEmpty())
        Q_EMIT error(problem);
    Q_EMIT runFinished(m_verdict.headline);
}

void RunController::cancelRun()
{
    if (m_phase == Phase::Idle && executesElsewhere() && !m_team.executor.isEmpty()) {
        sendRequest(QStringLiteral("cancel"), {}, tr("cancelled from the Vouch app"));
        return;
    }
    if ((m_phase == Phase::Starting || m_phase == Phase::Running) && m_runner)
        m_runner->cancelRun();
}

void RunController::cancelNodes(const QStringList &ids)
{
    if ((m_phase == Phase::Starting || m_phase == Phase::Running) && m_runner)
        m_runner->cancelNodes(ids);
}

// ------------------------------------------------------------------ progress

int RunController::totalCount() const
{
    if (m_selection.isEmpty() || !isRunning())
        return m_model->nodeCount();
    return int(m_selection.size());
}

int RunController::doneCount() const
{
    if (!isRunning())
        return m_model->finishedCount();
    int done = 0;
    for (int i = 0; i < m_model->nodeCount(); ++i) {
        const NodeView &n = m_model->node(i);
        if (!m_selection.isEmpty() && !m_selection.contains(n.id))
            continue;
        if (n.attempt == m_attempt && m_attempt > 0 && isTerminal(n.state))
            ++done;
    }
    return done;
}

qint64 RunController::elapsedMs() const
{
    if (m_phase == Phase::Running || m_phase == Phase::Starting)
        return m_elapsed.isValid() ? m_elapsed.elapsed() : 0;
    return m_finalElapsedMs;
}

void RunController::emitProgress()
{
    Q_EMIT progressChanged(doneCount(), totalCount(), elapsedMs());
}

QHash<QString, NodeState> RunController::latestStates() const
{
    QHash<QString, NodeState> latest;
    for (int i = 0; i < m_model->nodeCount(); ++i) {
        const NodeView &n = m_model->node(i);
        if (n.attempt > 0)
            latest.insert(n.id, n.state);
    }
    return latest;
}

// ------------------------------------------------------------------ following

bool RunController::isTeamStore() const
{
    return StateStore::isServerUrl(m_statePath);
}

QString RunController::executorText() const
{
    if (m_phase == Phase::Starting || m_phase == Phase::Running)
        return tr("Executing: this workstation");
    if (!m_team.executor.isEmpty()) {
        if (m_team.executor == myHolder())
            return tr("Executing: this workstation");
        return tr("Executing: %1").arg(describeHolder(m_team.executor));
    }
    if (!m_team.runner.isEmpty() && m_team.runner != myHolder())
        return tr("Nobody is executing · served by %1").arg(describeHolder(m_team.runner));
    return tr("Nobody is executing");
}

bool RunController::executesElsewhere() const
{
    if (!isTeamStore())
        return false;
    const auto other = [](const QString &holder) {
        return !holder.isEmpty() && holder != myHolder();
    };
    return other(m_team.executor) || other(m_team.runner);
}

std::optional<AttemptRecord> RunController::attemptRecord(int attempt) const
{
    if (m_team.runId != m_runId)
        return std::nullopt;
    for (const AttemptRecord &a : m_team.attempts) {
        if (a.attempt == attempt)
            return a;
    }
    return std::nullopt;
}

void RunController::startFollowing(qint64 runId, qint64 afterSeq)
{
    stopFollowing();
    if (!m_contract || m_statePath.isEmpty())
        return;
    const quint64 generation = ++m_followGeneration;
    m_followThread = new QThread(this);
    m_followThread->setObjectName(QStringLiteral("vouch-follow"));
    auto *follower = new RunFollower(m_statePath, m_contract->report.id, runId, afterSeq);
    follower->moveToThread(m_followThread);
    m_follower = follower;
    // Its store connections are closed on its own thread.
    connect(m_followThread, &QThread::finished, follower, &QObject::deleteLater);
    connect(m_followThread, &QThread::started, follower, &RunFollower::start);
    const auto current = [this, generation] { return generation == m_followGeneration; };
    connect(follower, &RunFollower::transitions, this,
            [this, current](qint64 id, const QList<Transition> &events,
                            const QList<Transition> &details) {
                if (current())
                    onFollowed(id, events, details);
            });
    connect(follower, &RunFollower::runSwitched, this,
            [this, current](qint64 id, int attempt, const QString &period,
                            const QList<NodeRunRecord> &records) {
                if (current())
                    onRunSwitched(id, attempt, period, records);
            });
    connect(follower, &RunFollower::teamChanged, this, [this, current](const TeamView &view) {
        if (current())
            onTeamChanged(view);
    });
    connect(follower, &RunFollower::connectionChanged, this,
            [this, current](bool connected, const QString &message) {
                if (!current())
                    return;
                Q_EMIT requestNote(
                    connected ? tr("Reconnected to the state store; caught up")
                              : tr("Lost the state store (%1); reconnecting").arg(message));
            });
    // A decision recorded elsewhere (the command line, another workstation):
    // the verdict and the docks follow, as they follow runs.
    connect(follower, &RunFollower::decisionsChanged, this, [this, current] {
        if (!current())
            return;
        refreshVerdict();
        Q_EMIT decisionsChanged();
    });
    connect(follower, &RunFollower::failed, this, [this, current](const QString &message) {
        if (current())
            Q_EMIT error(message);
    });
    m_followThread->start();
}

void RunController::stopFollowing()
{
    ++m_followGeneration;
    if (m_followThread) {
        m_followThread->quit();
        m_followThread->wait();
        delete m_followThread;
        m_followThread = nullptr;
    }
    m_team = {};
    m_requestStates.clear();
    if (m_phase == Phase::Idle)
        m_ownAttempts.clear(); // another contract or store: other run ids
}

void RunController::onFollowed(qint64 runId, const QList<Transition> &all,
                               const QList<Transition> &details)
{
    // Our own attempt reaches the model from its RunThread.
    if (m_phase != Phase::Idle || runId != m_runId)
        return;
    // What a local attempt recorded was shown as it happened; the follower
    // may still bring it a moment later.
    QList<Transition> events;
    for (const Transition &t : all) {
        if (!m_ownAttempts.contains({t.runId, t.attempt}))
            events << t;
    }
    if (events.isEmpty())
        return;
    for (const Transition &t : events)
        m_attempt = std::max(m_attempt, t.attempt);
    m_selection.clear();
    m_model->apply(events + details);
    Q_EMIT transitionsCommitted(events);
    emitProgress();
}

void RunController::onRunSwitched(qint64 runId, int attempt, const QString &period,
                                  const QList<NodeRunRecord> &records)
{
    // A follower started before our own first run may see that run only
    // after it has finished here: it is the run we show, with its verdict.
    if (m_phase != Phase::Idle || runId == m_runId)
        return;
    m_runId = runId;
    m_attempt = attempt;
    if (!period.isEmpty())
        m_period = period;
    m_selection.clear();
    m_verdict = {};
    m_model->clearStates();
    m_model->load(records);
    Q_EMIT runLoaded(runId, attempt);
    emitProgress();
    // The new run's verdict so far, so the status bar is never blank.
    refreshVerdict(/*announce=*/false);
}

void RunController::onTeamChanged(const TeamView &view)
{
    const bool first = m_team.runId == 0 && m_team.requests.isEmpty() && m_requestStates.isEmpty();
    m_team = view;
    for (const RequestRecord &r : view.requests) {
        const QString before = m_requestStates.value(r.id);
        if (before == r.state)
            continue;
        m_requestStates.insert(r.id, r.state);
        const bool settled =
            r.state != QLatin1String("pending") && r.state != QLatin1String("running");
        if (first && settled)
            continue; // old news
        QString what =
            r.kind == QLatin1String("rerun")
                ? tr("rerun of %1").arg(r.selector.isEmpty() ? tr("what did not pass") : r.selector)
                : tr("cancel");
        QString line;
        if (r.state == QLatin1String("pending"))
            line = tr("Request #%1 pending: %2 requested by %3: %4")
                       .arg(r.id)
                       .arg(what, r.who, r.reason);
        else if (r.state == QLatin1String("running"))
            line = tr("Request #%1 taken by %2: %3 requested by %4: %5")
                       .arg(r.id)
                       .arg(describeHolder(r.handledBy), what, r.who, r.reason);
        else
            line = tr("Request #%1 %2: %3 requested by %4: %5 — %6")
                       .arg(r.id)
                       .arg(r.state, what, r.who, r.reason, r.outcome);
        Q_EMIT requestNote(line);
    }
    // An attempt that someone else executed has ended: its verdict.
    if (m_phase == Phase::Idle && view.runId == m_runId && !view.attempts.isEmpty() &&
        view.attempts.last().finishedAt.isValid()) {
        const std::pair<qint64, int> finished{m_runId, view.attempts.last().attempt};
        if (finished != m_verdictFor) {
            m_verdictFor = finished;
            m_attempt = std::max(m_attempt, finished.second);
            refreshVerdict();
        }
    }
    Q_EMIT teamChanged();
}

void RunController::refreshVerdict(bool announce)
{
    const ContractPtr contract = m_contract;
    const QString path = m_statePath;
    const qint64 runId = m_runId;
    const quint64 generation = m_generation;
    engine::runOnWorker(
        this,
        [contract, path, runId] {
            VerdictSummary verdict;
            QString error;
            auto store = StateStore::open(path, &error);
            if (!store || !contract)
                return verdict;
            const Graph graph = Graph::fromContract(*contract);
            if (const auto a =
                    assess(*store, *contract, graph, runId, clockNow(), /*syncAlerts=*/false))
                verdict = summarise(*a);
            return verdict;
        },
        [this, generation, runId, announce](VerdictSummary verdict) {
            if (generation != m_generation || runId != m_runId || m_phase != Phase::Idle)
                return;
            m_verdict = verdict;
            if (!announce) {
                Q_EMIT verdictUpdated();
                return;
            }
            emitProgress();
            Q_EMIT runFinished(m_verdict.headline);
        });
}

void RunController::showAssessment(const Assessment &assessment)
{
    if (assessment.run.id != m_runId || m_phase != Phase::Idle)
        return;
    m_verdict = summarise(assessment);
    Q_EMIT verdictUpdated();
}

// A rerun or cancel asked of whoever executes, with identity and reason,
// exactly as `vouch rerun` / `vouch cancel` write it on a team store.
void RunController::sendRequest(const QString &kind, const QStringList &nodeIds,
                                const QString &reason)
{
    if (!m_contract || m_period.isEmpty()) {
        Q_EMIT error(tr("There is no run to ask about yet."));
        return;
    }
    RequestRecord r;
    r.reportId = m_contract->report.id;
    r.period = m_period;
    r.runId = m_runId;
    r.kind = kind;
    r.selector = nodeIds.join(u' ');
    r.reason = reason;
    const QString path = m_statePath;
    const QString executor = m_team.executor.isEmpty() ? m_team.runner : m_team.executor;
    struct SendResult
    {
        QString error;
        qint64 id = 0;
        QString who;
    };
    engine::runOnWorker(
        this,
        [r, path]() mutable {
            SendResult result;
            QString error;
            auto store = StateStore::open(path, &error);
            if (!store) {
                result.error = tr("The state store cannot be opened: %1").arg(error);
                return result;
            }
            r.who = whoIsActing(Acting::Decision, store.get());
            result.who = r.who;
            r.id = store->addRequest(r);
            if (r.id == 0) {
                result.error =
                    store->lastErrorRefused()
                        ? tr("The state store refused it: %1 may not request %2s (an operator "
                             "needs the vouch_operator role); nothing was recorded.")
                              .arg(r.who, r.kind)
                        : tr("The request was not recorded: %1").arg(store->lastError());
                return result;
            }
            result.id = r.id;
            AuditLog audit(*store);
            if (!audit.append(r.who, QStringLiteral("request-") + r.kind, r.reportId, r.period,
                              r.runId,
                              QJsonObject{{QStringLiteral("request"), r.id},
                                          {QStringLiteral("selector"), r.selector},
                                          {QStringLiteral("downstream"), r.downstream},
                                          {QStringLiteral("failed_only"), r.failedOnly},
                                          {QStringLiteral("reason"), r.reason}},
                              &error))
                result.error = error;
            return result;
        },
        [this, kind, executor](SendResult result) {
            if (!result.error.isEmpty())
                Q_EMIT error(result.error);
            if (result.id == 0)
                return;
            Q_EMIT requestSent(result.id,
                               tr("%1 requested as #%2 by %3; %4 will carry it out")
                                   .arg(kind == QLatin1String("rerun") ? tr("Rerun") : tr("Cancel"))
                                   .arg(result.id)
                                   .arg(result.who, describeHolder(executor)));
        });
}

} // namespace vouch::ui
