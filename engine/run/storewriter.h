#pragma once

#include "engine/store/statestore.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

class QThread;
class QTimer;

namespace vouch::engine {

// Writes a scheduler's transitions to the state store on a thread of its own,
// so that the commits stay off the thread that starts and reaps commands: a
// command's end is handled, and the next command started, while the previous
// batch is being written.
//
// Owns its thread and, on it, a second connection to the store (opened with
// the first batch, closed when the thread ends). write() hands a batch over;
// written() reports it once it is on disk, in the order given, and only then
// may it be announced. A failed write keeps the batch and is tried again
// after a short pause; failing() says why each time. Construct and destroy on
// the scheduler's thread; the destructor writes what it was handed (or tries
// once) before its thread ends.
class StoreWriter : public QObject
{
    Q_OBJECT
public:
    explicit StoreWriter(QString statePath, QObject *parent = nullptr);
    ~StoreWriter() override;

    void write(QList<Transition> batch);           // asynchronous
    bool idle() const { return m_unwritten == 0; } // all handed over is on disk
    // How long writes have been failing (0 while they succeed), and why.
    qint64 failingForMs() const { return m_failingFor.isValid() ? m_failingFor.elapsed() : 0; }
    QString lastError() const { return m_error; }

Q_SIGNALS:
    void written(const QList<vouch::engine::Transition> &batch);
    void failing(const QString &error);

private:
    class Worker;
    QThread *m_thread = nullptr;
    Worker *m_worker = nullptr;
    qsizetype m_unwritten = 0; // handed over, not yet reported written
    QElapsedTimer m_failingFor;
    QString m_error;
};

} // namespace vouch::engine
