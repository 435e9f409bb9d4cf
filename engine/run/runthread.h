#pragma once

#include "engine/run/scheduler.h"

#include <QObject>
#include <QString>

class QThread;

namespace vouch::engine {

// Owns a thread with one Scheduler on it. Lives on the thread that creates it;
// its signals arrive there, queued.
class RunThread : public QObject
{
    Q_OBJECT

public:
    RunThread(ContractPtr contract, RunContext context, RunOptions options,
              QObject *parent = nullptr);
    // With the contract's Graph already built (see Scheduler).
    RunThread(ContractPtr contract, const Graph &graph, RunContext context, RunOptions options,
              QObject *parent = nullptr);
    ~RunThread() override; // cancels a running run and joins the thread

    void start();
    void cancelRun();
    void cancelNodes(const QStringList &ids);
    bool isFinished() const { return m_finished; }

    // Runs to the end in a local event loop (for the command line).
    // Returns the error, empty when the run ended normally.
    QString runToEnd();

Q_SIGNALS:
    void runStarted(qint64 runId, int attempt);
    void transitionsCommitted(const QList<vouch::engine::Transition> &transitions);
    void output(const QString &nodeId, const QByteArray &chunk);
    void finished(qint64 runId, int attempt, const QString &error);

private:
    QThread *m_thread = nullptr;
    Scheduler *m_scheduler = nullptr;
    bool m_finished = false;
    QString m_error;
};

} // namespace vouch::engine
