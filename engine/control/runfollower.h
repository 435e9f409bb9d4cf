#pragma once

#include "engine/store/statestore.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace vouch::engine {

class StoreWatcher;

// Who does what on the store for the followed run: the executor (the run
// lease's live holder), the runner that serves the report, the attempts
// with who asked for each and why, and the latest requests.
struct TeamView
{
    bool server = false;  // a PostgreSQL (team) store
    QString databaseUser; // PostgreSQL: the identity of this workstation's requests
    QString executor;     // the run lease's live holder, empty when nobody executes
    QString runner;       // the live `vouch serve` of this report, if any
    qint64 runId = 0;
    QList<AttemptRecord> attempts;
    QList<RequestRecord> requests; // of the report, oldest first (at most 200)
};

// Follows the latest run of one report in the state store for a frontend:
// what `vouch serve` or another workstation executes. Lives on a thread of
// its own (the app's RunController owns it) with its own connections: a StoreWatcher
// (LISTEN/NOTIFY on PostgreSQL, polling on SQLite) and a store to read node
// details, leases, attempts and requests. Emits queued to the GUI thread.
class RunFollower : public QObject
{
    Q_OBJECT

public:
    RunFollower(QString statePath, QString reportId, qint64 runId, qint64 afterSeq);
    ~RunFollower() override;

    // On the follower's thread: opens, subscribes and catches up.
    void start();

Q_SIGNALS:
    // Transitions of the followed run, in seq order, then each touched node's
    // full latest record (freshness, values, samples, log path).
    // `events`: one per stored event; `details`: what the model also needs.
    void transitions(qint64 runId, const QList<vouch::engine::Transition> &events,
                     const QList<vouch::engine::Transition> &details);
    // A newer run of the report appeared: follow it from these records.
    void runSwitched(qint64 runId, int attempt, const QString &period,
                     const QList<vouch::engine::NodeRunRecord> &records);
    void teamChanged(const vouch::engine::TeamView &view);
    void connectionChanged(bool connected, const QString &error);
    // A publication decision was recorded (by anyone, anywhere).
    void decisionsChanged();
    void failed(const QString &error);

private:
    void onEvents(const QList<EventRecord> &events);
    void refreshTeam();

    QString m_statePath;
    QString m_reportId;
    qint64 m_runId = 0;
    qint64 m_afterSeq = 0;
    std::unique_ptr<StateStore> m_store;
    StoreWatcher *m_watcher = nullptr;
    QTimer m_teamTimer; // coalesces notifications; also polls on SQLite
};

} // namespace vouch::engine

Q_DECLARE_METATYPE(vouch::engine::TeamView)
