#pragma once

#include "engine/store/statestore.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace vouch::engine {

// Watches a state store for what other processes write, so that a
// workstation follows a run it does not execute. On PostgreSQL it LISTENs
// (QSqlDriver notifications) on its own connection and reads the event table
// only when told something changed; a keep-alive notices a dropped
// connection, and after reconnecting it catches up from the last event seq it
// delivered, so nothing is missed or delivered twice. On SQLite, which has no
// notifications, it looks for new events twice a second.
//
// Lives on the thread that creates it (it needs an event loop) and emits
// there. Events of one report when a report id is given, else of all.
class StoreWatcher : public QObject
{
    Q_OBJECT

public:
    StoreWatcher(QString statePath, QString reportId, QObject *parent = nullptr);
    ~StoreWatcher() override;

    // Delivers events after `seq` (0: the whole history).
    void setAfterSeq(qint64 seq) { m_lastSeq = seq; }
    qint64 lastSeq() const { return m_lastSeq; }
    // Opens the store, subscribes and catches up. False with *error when the
    // store cannot be opened at all (a bad URL, a refused login).
    bool start(QString *error);
    bool isConnected() const { return m_store != nullptr; }

Q_SIGNALS:
    void eventsArrived(const QList<vouch::engine::EventRecord> &events);
    void requestsChanged();
    void decisionsChanged();
    void leasesChanged();
    void attemptsChanged();
    void connectionLost(const QString &error);
    void reconnected();

private:
    bool connectStore(QString *error);
    void onNotification(const QString &channel);
    void catchUp();
    void check();
    // Decisions are audit entries: a new one (from the command line or
    // another workstation) emits decisionsChanged. Looked at on every tick.
    void checkDecisions();

    QString m_statePath;
    QString m_reportId;
    qint64 m_lastSeq = 0;
    std::unique_ptr<StateStore> m_store;
    QTimer m_keepAlive;
    QString m_lostError;
    qint64 m_auditSeq = -1; // the newest audit entry seen; -1 before the first look
};

} // namespace vouch::engine
