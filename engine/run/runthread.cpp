#include "engine/run/runthread.h"

#include "engine/graph/graph.h"

#include <QEventLoop>
#include <QThread>

namespace vouch::engine {

RunThread::RunThread(ContractPtr contract, RunContext context, RunOptions options, QObject *parent)
    : RunThread(contract, Graph::fromContract(*contract), std::move(context), std::move(options),
                parent)
{}

RunThread::RunThread(ContractPtr contract, const Graph &graph, RunContext context,
                     RunOptions options, QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_scheduler(new Scheduler(std::move(contract), graph, std::move(context), std::move(options)))
{
    m_thread->setObjectName(QStringLiteral("vouch-scheduler"));
    m_scheduler->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_scheduler, &QObject::deleteLater);
    connect(m_scheduler, &Scheduler::runStarted, this, &RunThread::runStarted,
            Qt::QueuedConnection);
    connect(m_scheduler, &Scheduler::transitionsCommitted, this, &RunThread::transitionsCommitted,
            Qt::QueuedConnection);
    connect(m_scheduler, &Scheduler::output, this, &RunThread::output, Qt::QueuedConnection);
    connect(
        m_scheduler, &Scheduler::finished, this,
        [this](qint64 runId, int attempt, const QString &error) {
            m_finished = true;
            m_error = error;
            Q_EMIT finished(runId, attempt, error);
        },
        Qt::QueuedConnection);
}

RunThread::~RunThread()
{
    if (m_thread->isRunning()) {
        if (!m_finished)
            QMetaObject::invokeMethod(m_scheduler, &Scheduler::cancelRun, Qt::QueuedConnection);
        // The scheduler is deleted on its own thread, which kills what runs.
        m_thread->quit();
        m_thread->wait();
    } else {
        delete m_scheduler;
    }
}

void RunThread::start()
{
    m_thread->start();
    QMetaObject::invokeMethod(m_scheduler, &Scheduler::start, Qt::QueuedConnection);
}

void RunThread::cancelRun()
{
    QMetaObject::invokeMethod(m_scheduler, &Scheduler::cancelRun, Qt::QueuedConnection);
}

void RunThread::cancelNodes(const QStringList &ids)
{
    QMetaObject::invokeMethod(
        m_scheduler, [s = m_scheduler, ids] { s->cancelNodes(ids); }, Qt::QueuedConnection);
}

QString RunThread::runToEnd()
{
    QEventLoop loop;
    connect(this, &RunThread::finished, &loop, &QEventLoop::quit);
    if (!m_thread->isRunning() && !m_finished)
        start();
    if (!m_finished)
        loop.exec();
    return m_error;
}

} // namespace vouch::engine
