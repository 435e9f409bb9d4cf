#include "ui/deliveryservice.h"

#include "engine/alert/dispatcher.h"
#include "engine/store/statestore.h"

#include <QTimer>

namespace vouch::ui {

using namespace vouch::engine;

DeliveryService::DeliveryService(QObject *parent)
    : QObject(parent)
    , m_worker(new DeliveryWorker)
{
    m_thread.setObjectName(QStringLiteral("vouch-delivery"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DeliveryWorker::changed, this, &DeliveryService::deliveryChanged,
            Qt::QueuedConnection);
    connect(m_worker, &DeliveryWorker::failed, this, &DeliveryService::error, Qt::QueuedConnection);
    m_thread.start();
}

DeliveryService::~DeliveryService()
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->stop(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void DeliveryService::setSource(ContractPtr contract, const QString &statePath)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, contract, statePath] { w->setSource(contract, statePath); });
}

} // namespace vouch::ui
