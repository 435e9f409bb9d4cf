#include "engine/control/runfollower.h"

#include "engine/run/runlease.h"
#include "engine/store/storewatcher.h"

#include <QSet>

namespace vouch::engine {

namespace {
constexpr int kTeamCoalesceMs = 100;
constexpr int kSqliteTeamPollMs = 2000;

Transition fromEvent(const EventRecord &e)
{
    Transition t = makeTransition(e.runId, e.attempt, e.nodeId, e.state, e.at);
    t.message = e.message;
    t.waiting = e.waiting;
    return t;
}

Transition fromRecord(qint64 runId, const NodeRunRecord &r)
{
    Transition t = makeTransition(runId, r.attempt, r.nodeId, r.state,
                                  r.finishedAt.isValid() ? r.finishedAt : r.startedAt);
    copyFindings(t, r);
    t.tries = r.tries;
    t.logPath = r.logPath;
    t.processGroup = r.processGroup;
    t.waiting = r.waiting;
    return t;
}
} // namespace

RunFollower::RunFollower(QString statePath, QString reportId, qint64 runId, qint64 afterSeq)
    : m_statePath(std::move(statePath))
    , m_reportId(std::move(reportId))
    , m_runId(runId)
    , m_afterSeq(afterSeq)
    , m_teamTimer(this) // a child: it moves to the follower's thread with it
{
    m_teamTimer.setSingleShot(true);
    m_teamTimer.setInterval(kTeamCoalesceMs);
    connect(&m_teamTimer, &QTimer::timeout, this, &RunFollower::refreshTeam);
}

RunFollower::~RunFollower() = default;

void RunFollower::start()
{
    QString error;
    m_store = StateStore::open(m_statePath, &error);
    if (!m_store) {
        Q_EMIT failed(tr("The store cannot be watched: %1").arg(error));
        return;
    }
    m_watcher = new StoreWatcher(m_statePath, m_reportId, this);
    m_watcher->setAfterSeq(m_afterSeq);
    connect(m_watcher, &StoreWatcher::eventsArrived, this, &RunFollower::onEvents);
    const auto team = [this] {
        if (!m_teamTimer.isActive())
            m_teamTimer.start();
    };
    connect(m_watcher, &StoreWatcher::leasesChanged, this, team);
    connect(m_watcher, &StoreWatcher::attemptsChanged, this, team);
    connect(m_watcher, &StoreWatcher::requestsChanged, this, team);
    connect(m_watcher, &StoreWatcher::decisionsChanged, this, &RunFollower::decisionsChanged);
    connect(m_watcher, &StoreWatcher::connectionLost, this,
            [this](const QString &e) { Q_EMIT connectionChanged(false, e); });
    connect(m_watcher, &StoreWatcher::reconnected, this,
            [this] { Q_EMIT connectionChanged(true, QString()); });
    if (!m_store->isPostgres()) {
        // No notifications: leases and requests are looked at now and then.
        m_teamTimer.setSingleShot(false);
        m_teamTimer.setInterval(kSqliteTeamPollMs);
        m_teamTimer.start();
    }
    refreshTeam();
    if (!m_watcher->start(&error))
        Q_EMIT failed(tr("The store cannot be watched: %1").arg(error));
}

void RunFollower::onEvents(const QList<EventRecord> &events)
{
    qint64 newest = m_runId;
    for (const EventRecord &e : events)
        newest = std::max(newest, e.runId);
    if (newest != m_runId) {
        // A new run of the report (a scheduled period, say): follow it.
        m_runId = newest;
        const auto run = m_store->run(newest);
        Q_EMIT runSwitched(newest, run ? run->latestAttempt : 0, run ? run->period : QString(),
                           m_store->nodeRuns(newest));
    }
    QList<Transition> batch;
    QSet<QString> touched;
    for (const EventRecord &e : events) {
        if (e.runId != m_runId)
            continue;
        batch << fromEvent(e);
        touched.insert(e.nodeId);
    }
    if (batch.isEmpty())
        return;
    // The events carry state and message; the node's record has the rest.
    QList<Transition> details;
    for (const NodeRunRecord &r : m_store->nodeRuns(m_runId)) {
        if (touched.contains(r.nodeId))
            details << fromRecord(m_runId, r);
    }
    Q_EMIT transitions(m_runId, batch, details);
    if (!m_store->isPostgres())
        return;
    // An attempt's end shows in its events first; the lease follows.
    if (!m_teamTimer.isActive())
        m_teamTimer.start();
}

void RunFollower::refreshTeam()
{
    if (!m_store)
        return;
    TeamView view;
    view.server = m_store->isPostgres();
    view.databaseUser = m_store->databaseUser();
    view.runId = m_runId;
    if (const auto run = m_runId > 0 ? m_store->run(m_runId) : std::nullopt) {
        view.executor = m_store->leaseHolder(leaseKey(run->reportId, run->period));
        view.attempts = m_store->attempts(run->id);
    }
    view.runner = m_store->leaseHolder(runnerKey(m_reportId));
    view.requests = m_store->requests(m_reportId, {}, 200);
    Q_EMIT teamChanged(view);
}

} // namespace vouch::engine
