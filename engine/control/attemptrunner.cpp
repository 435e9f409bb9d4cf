#include "engine/control/attemptrunner.h"

#include "engine/graph/graph.h"
#include "engine/run/runlease.h"
#include "engine/run/runthread.h"
#include "engine/store/statestore.h"
#include "engine/util/clock.h"
#include "engine/util/worker.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QThreadPool>

namespace vouch::engine {

namespace {

QString keyOf(const AttemptSpec &spec)
{
    return leaseKey(spec.contract->report.id, spec.context.period);
}

// After the attempt: gives the lease back, assesses, records a pinned clock,
// writes the publication record and delivers. On the store's thread.
void settle(const AttemptSpec &spec, const Graph &graph, StateStore &store, AttemptOutcome &o,
            const QString &runError)
{
    store.releaseLease(keyOf(spec), myHolder());
    o.lastSeq = store.lastEventSeq();
    if (!runError.isEmpty()) {
        o.status = AttemptOutcome::Status::RunFailed;
        o.error = runError;
        return;
    }
    const Contract &contract = *spec.contract;
    const QDateTime now = spec.context.clockFixed ? spec.context.now : clockNow();
    o.assessment = assess(store, contract, graph, o.runId, now);
    if (!o.assessment) {
        o.status = AttemptOutcome::Status::RunVanished;
        return;
    }
    o.status = AttemptOutcome::Status::Finished;
    // Later readers (`vouch status`, another window) judge this run at the
    // same instant when its clock was pinned, and on the wall clock again
    // after a wall-clock attempt.
    const QDateTime pinned = processClock().isPinned() ? now : QDateTime();
    if (o.assessment->run.pinnedClock != pinned && !store.setPinnedClock(o.runId, pinned))
        o.pinError = store.lastError();
    o.publicationError = writePublication(contract, graph, *o.assessment, spec.context);
    if (spec.deliver)
        spec.deliver(store, *o.assessment);
}

} // namespace

struct AttemptRunner::Prepared
{
    AttemptOutcome outcome;
    bool ok = false;
    std::unique_ptr<StateStore> store;
    std::shared_ptr<const Graph> graph; // when the rerun plan needed it
};

AttemptRunner::Prepared AttemptRunner::prepareAttempt(const AttemptSpec &spec)
{
    AttemptRunner::Prepared p;
    AttemptOutcome &o = p.outcome;
    const QString &path = spec.options.statePath;
    if (spec.createStoreDirectory && !StateStore::isServerUrl(path))
        QDir().mkpath(QFileInfo(path).absolutePath());
    QString error;
    p.store = StateStore::open(path, &error);
    if (!p.store) {
        o.status = AttemptOutcome::Status::StoreUnavailable;
        o.error = error;
        return p;
    }
    const QString reportId = spec.contract->report.id;
    const QString key = keyOf(spec);
    if (!takeLease(*p.store, key, &o.holder)) {
        o.status = AttemptOutcome::Status::LeaseHeld;
        return p;
    }
    o.interrupted = recoverInterrupted(*p.store, reportId, spec.context.period);
    if (spec.underLease && !spec.underLease(*p.store)) {
        p.store->releaseLease(key, myHolder());
        o.status = AttemptOutcome::Status::Declined;
        return p;
    }
    o.nodes = spec.options.nodes;
    if (spec.rerun) {
        p.graph = std::make_shared<const Graph>(Graph::fromContract(*spec.contract));
        const Graph &graph = *p.graph;
        const auto run = p.store->findRun(reportId, spec.context.period);
        const RerunPlan plan = run ? planRerunOf(*p.store, graph, run->id, *spec.rerun)
                                   : planRerun(graph, {}, *spec.rerun);
        if (!plan.error.isEmpty() || plan.items.isEmpty()) {
            p.store->releaseLease(key, myHolder());
            o.status = plan.error.isEmpty() ? AttemptOutcome::Status::NothingToRun
                                            : AttemptOutcome::Status::PlanRefused;
            o.error = plan.error;
            return p;
        }
        o.nodes = plan.ids(graph);
    }
    p.ok = true;
    return p;
}

AttemptRunner::AttemptRunner(AttemptSpec spec, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
{
    Q_ASSERT(m_spec.contract);
    if (!m_spec.context.now.isValid())
        m_spec.context.now = clockNow();
    m_renew.setInterval(std::max(1, leaseSeconds() / 3) * 1000);
    connect(&m_renew, &QTimer::timeout, this, &AttemptRunner::renew);
}

AttemptRunner::~AttemptRunner()
{
    // Cancels a running attempt and joins its thread (the scheduler kills
    // the process groups it started).
    delete m_thread;
}

void AttemptRunner::adopt(Prepared &prepared)
{
    m_outcome = std::move(prepared.outcome);
    m_store = std::move(prepared.store);
    if (prepared.graph)
        m_graph = std::move(prepared.graph);
}

bool AttemptRunner::prepare()
{
    Prepared p = prepareAttempt(m_spec);
    const bool ok = p.ok;
    adopt(p);
    if (!ok) {
        m_store.reset();
        return false;
    }
    Q_EMIT prepared(m_outcome.interrupted);
    return true;
}

void AttemptRunner::start()
{
    if (!m_spec.offload) {
        if (prepare())
            launch();
        else
            QMetaObject::invokeMethod(this, &AttemptRunner::done, Qt::QueuedConnection);
        return;
    }
    m_preparing = true;
    const AttemptSpec spec = m_spec;
    runOnWorker(
        this,
        [spec] {
            Prepared p = prepareAttempt(spec);
            p.store.reset(); // a connection belongs to its thread
            return std::make_shared<Prepared>(std::move(p));
        },
        [this](std::shared_ptr<Prepared> p) {
            m_preparing = false;
            const bool ok = p->ok;
            adopt(*p);
            if (ok && m_cancelRequested) {
                // Cancelled before it began: give the lease back, run nothing.
                const QString path = m_spec.options.statePath;
                const QString key = keyOf(m_spec);
                QThreadPool::globalInstance()->start([path, key] {
                    QString error;
                    if (auto store = StateStore::open(path, &error))
                        store->releaseLease(key, myHolder());
                });
                m_outcome.status = AttemptOutcome::Status::Cancelled;
                done();
                return;
            }
            if (!ok) {
                done();
                return;
            }
            Q_EMIT prepared(m_outcome.interrupted);
            launch();
        });
}

void AttemptRunner::launch()
{
    RunOptions options = m_spec.options;
    options.nodes = m_outcome.nodes;
    if (!m_graph)
        m_graph = std::make_shared<const Graph>(Graph::fromContract(*m_spec.contract));
    m_thread = new RunThread(m_spec.contract, *m_graph, m_spec.context, options, this);
    connect(m_thread, &RunThread::runStarted, this, [this](qint64 runId, int attempt) {
        m_outcome.runId = runId;
        m_outcome.attempt = attempt;
        Q_EMIT runStarted(runId, attempt);
    });
    connect(m_thread, &RunThread::transitionsCommitted, this, &AttemptRunner::transitionsCommitted);
    connect(m_thread, &RunThread::output, this, &AttemptRunner::output);
    connect(m_thread, &RunThread::finished, this, &AttemptRunner::onRunFinished);
    m_renew.start();
    m_thread->start();
    if (!m_cancelNodes.isEmpty())
        m_thread->cancelNodes(std::exchange(m_cancelNodes, {}));
    if (m_cancelRequested)
        m_thread->cancelRun();
}

void AttemptRunner::renew()
{
    if (m_store) {
        m_store->acquireLease(keyOf(m_spec), myHolder(), leaseSeconds());
        return;
    }
    const QString path = m_spec.options.statePath;
    const QString key = keyOf(m_spec);
    QThreadPool::globalInstance()->start([path, key] {
        QString error;
        if (auto store = StateStore::open(path, &error))
            store->acquireLease(key, myHolder(), leaseSeconds());
    });
}

void AttemptRunner::onRunFinished(qint64 runId, int attempt, const QString &error)
{
    m_renew.stop();
    if (runId > 0) {
        m_outcome.runId = runId;
        m_outcome.attempt = attempt;
    }
    m_thread->deleteLater();
    m_thread = nullptr;
    Q_EMIT attemptEnded(m_outcome.runId, m_outcome.attempt);
    if (m_store) {
        settle(m_spec, *m_graph, *m_store, m_outcome, error);
        m_store.reset();
        done();
        return;
    }
    const AttemptSpec spec = m_spec;
    AttemptOutcome outcome = m_outcome;
    runOnWorker(
        this,
        [spec, graph = m_graph, outcome, error]() mutable {
            QString openError;
            auto store = StateStore::open(spec.options.statePath, &openError);
            if (!store) {
                outcome.status = AttemptOutcome::Status::StoreUnavailable;
                outcome.error = openError;
            } else {
                settle(spec, *graph, *store, outcome, error);
            }
            return outcome;
        },
        [this](AttemptOutcome outcome) {
            m_outcome = std::move(outcome);
            done();
        });
}

void AttemptRunner::done()
{
    Q_EMIT finished(m_outcome);
}

AttemptOutcome AttemptRunner::runToEnd()
{
    if (!prepare())
        return m_outcome;
    QEventLoop loop;
    bool ended = false;
    connect(this, &AttemptRunner::finished, &loop, [&] {
        ended = true;
        loop.quit();
    });
    launch();
    if (!ended)
        loop.exec();
    return m_outcome;
}

void AttemptRunner::cancelRun()
{
    if (m_thread)
        m_thread->cancelRun();
    else
        m_cancelRequested = true;
}

void AttemptRunner::cancelNodes(const QStringList &ids)
{
    if (m_thread)
        m_thread->cancelNodes(ids);
    else
        m_cancelNodes += ids;
}

QString recoverIfIdle(StateStore &store, const QString &reportId, const QString &period)
{
    const QString key = leaseKey(reportId, period);
    QString holder;
    if (!takeLease(store, key, &holder))
        return holder;
    recoverInterrupted(store, reportId, period);
    store.releaseLease(key, myHolder());
    return QString();
}

RerunPlan planRerunOf(StateStore &store, const Graph &graph, qint64 runId,
                      const RerunRequest &request)
{
    QHash<QString, NodeState> latest;
    for (const NodeRunRecord &r : store.nodeRuns(runId))
        latest.insert(r.nodeId, r.state);
    return planRerun(graph, latest, request);
}

} // namespace vouch::engine
