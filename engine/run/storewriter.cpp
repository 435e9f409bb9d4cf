#include "engine/run/storewriter.h"

#include "engine/util/log.h"

#include <QThread>
#include <QTimer>

#include <utility>

namespace vouch::engine {

namespace {
constexpr int kRetryMs = 200; // after a failed write
} // namespace

// Lives on the writer thread; everything it touches is its own.
class StoreWriter::Worker : public QObject
{
    Q_OBJECT
public:
    explicit Worker(QString statePath)
        : m_statePath(std::move(statePath))
        , m_retry(new QTimer(this))
    {
        m_retry->setSingleShot(true);
        m_retry->setInterval(kRetryMs);
        connect(m_retry, &QTimer::timeout, this, &Worker::commit);
    }

    void write(const QList<Transition> &batch)
    {
        m_waiting += batch;
        if (!m_retry->isActive()) // else the retry writes this batch too
            commit();
    }

Q_SIGNALS:
    void written(const QList<vouch::engine::Transition> &batch);
    void failing(const QString &error);

private:
    void commit()
    {
        QString error;
        if (!m_store)
            m_store = StateStore::open(m_statePath, &error);
        if (m_store) {
            for (const Transition &t : std::as_const(m_waiting))
                m_store->record(t);
            m_recorded += std::exchange(m_waiting, {});
            if (m_store->flush(&error)) {
                Q_EMIT written(std::exchange(m_recorded, {}));
                return;
            }
        }
        // A failed flush keeps its transitions in the store's buffer.
        Q_EMIT failing(error);
        m_retry->start();
    }

    QString m_statePath;
    QTimer *m_retry = nullptr;
    std::unique_ptr<StateStore> m_store;
    QList<Transition> m_waiting;  // handed over, not yet in the store's buffer
    QList<Transition> m_recorded; // in the store's buffer, not yet on disk
};

StoreWriter::StoreWriter(QString statePath, QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(new Worker(std::move(statePath)))
{
    m_thread->setObjectName(QStringLiteral("vouch-store-writer"));
    m_worker->moveToThread(m_thread);
    // The worker, and with it the store's connection, ends on its own thread.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(
        m_worker, &Worker::written, this,
        [this](const QList<Transition> &batch) {
            m_unwritten -= batch.size();
            m_failingFor.invalidate();
            m_error.clear();
            Q_EMIT written(batch);
        },
        Qt::QueuedConnection);
    connect(
        m_worker, &Worker::failing, this,
        [this](const QString &error) {
            if (!m_failingFor.isValid()) {
                log::warn(QStringLiteral("could not write the state store (trying again): %1")
                              .arg(error));
                m_failingFor.start();
            }
            m_error = error;
            Q_EMIT failing(error);
        },
        Qt::QueuedConnection);
    m_thread->start();
}

StoreWriter::~StoreWriter()
{
    // Whatever was handed over is written (or tried once) before the thread ends.
    QMetaObject::invokeMethod(
        m_worker, [] {}, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

void StoreWriter::write(QList<Transition> batch)
{
    m_unwritten += batch.size();
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, batch = std::move(batch)] { worker->write(batch); },
        Qt::QueuedConnection);
}

} // namespace vouch::engine

#include "storewriter.moc"
