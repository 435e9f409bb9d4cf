#pragma once

#include "engine/run/nodestate.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace vouch::engine {

// One state change of one node in one attempt of a run. The scheduler
// records it here before it tells anyone else about it.
struct Transition
{
    qint64 runId = 0;
    int attempt = 0;
    QString nodeId;
    NodeState state = NodeState::Pending;
    QDateTime at;  // UTC
    int tries = 0; // execution tries inside this attempt (retries count up)
    Freshness freshness = Freshness::Unknown;
    QString message;
    std::optional<double> value;
    std::optional<double> reference;
    std::optional<qint64> ageSeconds;
    QDateTime observedAt;          // freshness: the source's last load
    QList<QStringList> sampleRows; // check: header row, then sample failing rows
    QString logPath;
    qint64 processGroup = 0; // command: the process group while running, 0 otherwise
};

struct RunRecord
{
    qint64 id = 0;
    QString reportId;
    QString period; // e.g. 2026-W47
    QString contractPath;
    QDateTime createdAt;
    int latestAttempt = 0;
};

struct AttemptRecord
{
    qint64 runId = 0;
    int attempt = 0;
    QString who;
    QString reason;
    QStringList selection; // node ids this attempt (re)ran; all nodes for attempt 1
    QDateTime startedAt;
    QDateTime finishedAt; // invalid while running or when the process died
};

// The latest known state of one node in a run, across attempts: the state
// from the most recent attempt that touched the node.
struct NodeRunRecord
{
    QString nodeId;
    int attempt = 0; // the attempt that produced this state
    NodeState state = NodeState::Pending;
    int tries = 0;
    Freshness freshness = Freshness::Unknown;
    QString message;
    std::optional<double> value;
    std::optional<double> reference;
    std::optional<qint64> ageSeconds;
    QDateTime observedAt;
    QList<QStringList> sampleRows;
    QString logPath;
    QDateTime startedAt;  // first transition to running in that attempt
    QDateTime finishedAt; // terminal transition in that attempt
    qint64 processGroup = 0;
};

struct EventRecord
{
    qint64 seq = 0;
    qint64 runId = 0;
    int attempt = 0;
    QString nodeId;
    NodeState state = NodeState::Pending;
    QDateTime at;
    QString message;
};

// The persistent record of runs: SQLite (WAL, synchronous=NORMAL) through
// QtSql. Owns one QSqlDatabase connection, so one StateStore is used from one
// thread only (the scheduler's); open another StateStore for another thread.
// Transitions are buffered by record() and written in one short transaction
// by flush(): callers flush before they announce what they recorded.
class StateStore
{
public:
    static constexpr int kSchemaVersion = 3;

    ~StateStore();
    StateStore(const StateStore &) = delete;
    StateStore &operator=(const StateStore &) = delete;

    // Opens or creates the store and migrates it to kSchemaVersion. A store
    // written by a newer Vouch is refused with a clear message, untouched.
    static std::unique_ptr<StateStore> open(const QString &path, QString *error);
    // The default location: <AppDataLocation>/state.db
    static QString defaultPath();

    QString path() const;

    // Runs and attempts.
    qint64 createRun(const QString &reportId, const QString &period, const QString &contractPath);
    std::optional<RunRecord> run(qint64 runId) const;
    std::optional<RunRecord> latestRun(const QString &reportId = QString()) const;
    std::optional<RunRecord> findRun(const QString &reportId, const QString &period) const;
    QList<RunRecord> runs(const QString &reportId = QString(), int limit = 100) const;
    int beginAttempt(qint64 runId, const QString &who, const QString &reason,
                     const QStringList &selection);
    void finishAttempt(qint64 runId, int attempt);
    QList<AttemptRecord> attempts(qint64 runId) const;

    // Transitions: buffered, then written in one transaction.
    void record(const Transition &transition);
    bool flush(QString *error = nullptr);
    int pending() const;

    QList<NodeRunRecord> nodeRuns(qint64 runId) const;
    QList<EventRecord> events(qint64 runId, qint64 afterSeq = 0) const;

    // After a crash: every node of the run whose latest state is not terminal
    // becomes `interrupted` (recorded as a transition). Returns their ids.
    QStringList markInterrupted(qint64 runId, const QString &message);

    // Leases: at most one live holder per key (e.g. "weekly_operating_report/2026-W47").
    // Acquiring succeeds when the key is free, expired, or already held by
    // `holder` (then it renews). Time is the store's clock (UTC now).
    bool acquireLease(const QString &key, const QString &holder, int ttlSeconds);
    void releaseLease(const QString &key, const QString &holder);
    QString leaseHolder(const QString &key) const; // empty when free or expired

    QString lastError() const;

    // The QtSql connection name, for engine code on the same thread that
    // keeps its own tables in this store (the trust layer). Not for the UI.
    QString connectionName() const;

private:
    StateStore();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace vouch::engine
