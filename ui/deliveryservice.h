#pragma once

// While the app is open it delivers alerts, like `vouch serve` (on a local
// store; on a team store the runner delivers): on its own
// thread, every couple of seconds the run's new alert changes become outbox
// rows (routed by the contract's `alerting`) and whatever is due is sent.
// Claims in the store keep it from sending what another Vouch already
// sends. Never touches the GUI thread except to say that something changed.

#include "engine/alert/dispatcher.h"
#include "engine/contract/contract.h"
#include "engine/store/statestore.h"

#include <QObject>
#include <QThread>
#include <QTimer>

#include <memory>

namespace vouch::ui {

// Lives on the delivery thread.
class DeliveryWorker : public QObject
{
    Q_OBJECT

public:
    void setSource(engine::ContractPtr contract, const QString &statePath)
    {
        if (!m_timer) {
            m_timer = new QTimer(this);
            m_timer->setInterval(2000); // new alert changes are looked for this often
            connect(m_timer, &QTimer::timeout, this, &DeliveryWorker::enqueue);
        }
        m_contract = std::move(contract);
        // On a team store (PostgreSQL) the runner delivers: a workstation
        // may not even be allowed to write the outbox.
        const bool active = m_contract && !m_contract->alerting.channels.isEmpty() &&
                            !statePath.isEmpty() && !engine::StateStore::isServerUrl(statePath);
        if (!active || statePath != m_path) {
            m_dispatcher.reset();
            m_store.reset();
            m_path.clear();
        }
        if (!active) {
            m_timer->stop();
            return;
        }
        if (!m_store) {
            QString error;
            m_store = engine::StateStore::open(statePath, &error);
            if (!m_store) {
                Q_EMIT failed(tr("Alerts cannot be delivered: %1").arg(error));
                m_timer->stop();
                return;
            }
            m_path = statePath;
            m_dispatcher = std::make_unique<engine::Dispatcher>(*m_store);
            connect(m_dispatcher.get(), &engine::Dispatcher::deliveryChanged, this,
                    [this] { Q_EMIT changed(); });
            m_dispatcher->start();
        }
        m_timer->start();
        enqueue();
    }

    void stop()
    {
        if (m_timer)
            m_timer->stop();
        m_dispatcher.reset();
        m_store.reset();
    }

Q_SIGNALS:
    void changed();
    void failed(const QString &message);

private:
    void enqueue()
    {
        if (!m_dispatcher || !m_contract)
            return;
        if (m_dispatcher->outbox().enqueue(*m_contract) > 0) { // a store error: again in 2 s
            m_dispatcher->poke();
            Q_EMIT changed();
        }
    }

    engine::ContractPtr m_contract;
    QString m_path;
    std::unique_ptr<engine::StateStore> m_store;
    std::unique_ptr<engine::Dispatcher> m_dispatcher;
    QTimer *m_timer = nullptr;
};

class DeliveryService : public QObject
{
    Q_OBJECT

public:
    explicit DeliveryService(QObject *parent = nullptr);
    ~DeliveryService() override;

    // The contract whose routes apply and the store whose outbox is served;
    // an empty path or a contract without channels stops delivery.
    void setSource(engine::ContractPtr contract, const QString &statePath);

Q_SIGNALS:
    // A delivery was made, retried or given up (queued to this thread).
    void deliveryChanged();
    void error(const QString &message);

private:
    QThread m_thread;
    DeliveryWorker *m_worker = nullptr;
};

} // namespace vouch::ui
