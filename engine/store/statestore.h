#pragma once

#include "engine/graph/nodestate.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QObject;

namespace vouch::engine {

struct RunRecord
{
    qint64 id = 0;
    QString reportId;
    QString period; // e.g. 2026-W47
    QString contractPath;
    QDateTime createdAt;
    int latestAttempt = 0;
    // When the run was judged under a pinned clock (--now, the demo's replayed
    // Monday): the instant of its last judgement, which later commands judge
    // it at unless given --now. Invalid for a run on the wall clock.
    QDateTime pinnedClock;
};

struct AttemptRecord
{
    qint64 runId = 0;
    int attempt = 0;
    QString who;
    QString reason;
    QStringList selection; // node ids this attempt (re)ran; all nodes for attempt 1
    QDateTime startedAt;
    QDateTime finishedAt;   // invalid while running or when the process died
    QString contractSha256; // the contract the attempt ran; empty for older stores
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
    std::optional<Waiting> waiting; // of the latest transition
};
// Every member moves by its bytes, so a growing QList of records is
// realloc()ed (for a large list, remapped) rather than moved element by
// element beside a second copy: a 100k-node run's assessment reads 100k of
// them (docs/performance.md).
} // namespace vouch::engine
Q_DECLARE_TYPEINFO(vouch::engine::NodeRunRecord, Q_RELOCATABLE_TYPE);
namespace vouch::engine {

// One run in a report's history (the History page): when it completed and
// which of its nodes ended warned or failed.
struct RunHistoryRecord
{
    qint64 runId = 0;
    // When the last node of the run's latest attempt finished; invalid while
    // a node of that attempt is unfinished, or when none ran.
    QDateTime completedAt;
    QStringList warnedOrFailed; // nodes whose latest state is warned or failed
};

// One passing execution of a node: its latest attempt in one run.
struct NodeDurationRecord
{
    qint64 runId = 0;
    QDateTime startedAt;
    QDateTime finishedAt;
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
    std::optional<Waiting> waiting;
};

// A reconnect or a rerun asked of whoever executes a report (team mode):
// written by a workstation, claimed and finished by the lease holder.
struct RequestRecord
{
    qint64 id = 0;
    QString reportId;
    QString period;
    qint64 runId = 0;
    QString kind; // "rerun" or "cancel"
    QString selector;
    bool downstream = false;
    bool failedOnly = false;
    QString who; // on PostgreSQL the database user who wrote it (the server checks)
    QString reason;
    QDateTime requestedAt;
    QString state = QStringLiteral("pending"); // pending, running, done, refused
    QString handledBy;                         // the lease holder that took it
    QDateTime handledAt;
    int attempt = 0; // the attempt that carried it out
    QString outcome;
};

struct LeaseRecord
{
    QString key;
    QString holder;
    QDateTime expiresAt; // the store's clock
    bool live = false;
};

// The persistent record of runs through QtSql: an SQLite file (WAL,
// synchronous=NORMAL) by default, or a PostgreSQL database shared by a team
// (open() with a postgres://USER@HOST:PORT/DB URL): the same interface, the
// same schema version for version. Owns one QSqlDatabase connection, so one
// StateStore is used from one thread only (the scheduler's); open another
// StateStore for another thread. Transitions are buffered by record() and
// written in one short transaction by flush(): callers flush before they
// announce what they recorded.
class StateStore
{
public:
    static constexpr int kSchemaVersion = 9;

    // Where a PostgreSQL store lives. The password never appears in
    // display(), in logs or in error messages.
    struct ServerAddress
    {
        QString host;
        int port = 5432;
        QString database;
        QString user; // empty: libpq's default (the OS login)
        QString password;
        QString sslMode;
        QString display() const; // postgres://USER@HOST:PORT/DB
    };
    static bool isServerUrl(const QString &path); // postgres:// or postgresql://
    static std::optional<ServerAddress> parseServerUrl(const QString &url, QString *error);
    static std::unique_ptr<StateStore> openServer(const ServerAddress &address, QString *error);

    ~StateStore();
    StateStore(const StateStore &) = delete;
    StateStore &operator=(const StateStore &) = delete;

    // Opens or creates the store and migrates it to kSchemaVersion. A store
    // written by a newer Vouch is refused with a clear message, untouched.
    // A postgres:// URL opens the server store; without a password in the
    // URL, statePassword() (VOUCH_STATE_PASSWORD or the settings' state:
    // block), else libpq's own (PGPASSWORD, ~/.pgpass).
    static std::unique_ptr<StateStore> open(const QString &path, QString *error);
    // For commands that only read (audit, audit verify; status on a store it
    // cannot write): an SQLite store is only read and left byte for byte as
    // it was: no WAL switch, no migration. One this user cannot write (an
    // archived copy, a read-only mount, another user's file) is opened
    // read-only, with no -wal or -shm created (read as immutable unless a
    // -wal beside it shows a writer at work); one it can write is opened
    // query_only, so that its -wal and -shm go on close as usual. A store
    // from an older Vouch is refused with a message saying how to upgrade
    // it. A postgres:// URL opens as open().
    static std::unique_ptr<StateStore> openReadOnly(const QString &path, QString *error);
    // Whether this user may write the SQLite store at `path` (the file, and
    // its directory for the -wal and -shm files). True for a server URL,
    // whose grants decide.
    static bool canWrite(const QString &path);
    // The default location: <AppDataLocation>/state.db
    static QString defaultPath();

    QString path() const;    // the file, or the URL without a password
    bool isReadOnly() const; // opened by openReadOnly() on an SQLite file

    // For SQL that differs between dialects (SQLite and PostgreSQL) in code
    // that keeps its own tables on connectionName().
    bool isPostgres() const;
    // PostgreSQL: the database user, which is the identity of every request
    // and decision made through this store. Empty on SQLite.
    QString databaseUser() const;

    // Runs and attempts.
    qint64 createRun(const QString &reportId, const QString &period, const QString &contractPath);
    std::optional<RunRecord> run(qint64 runId) const;
    // Records the pinned clock a run was judged at (invalid: the wall clock).
    bool setPinnedClock(qint64 runId, const QDateTime &judgedAt);
    std::optional<RunRecord> latestRun(const QString &reportId = QString()) const;
    std::optional<RunRecord> findRun(const QString &reportId, const QString &period) const;
    QList<RunRecord> runs(const QString &reportId = QString(), int limit = 100) const;
    // `contractSha256` and `contractText`: the contract this attempt runs
    // (its text is kept once per digest); empty for a contract built in code.
    int beginAttempt(qint64 runId, const QString &who, const QString &reason,
                     const QStringList &selection, const QString &contractSha256 = {},
                     const QByteArray &contractText = {});
    // The text of a contract an attempt ran, by its digest.
    std::optional<QByteArray> contractText(const QString &sha256) const;
    void finishAttempt(qint64 runId, int attempt);
    QList<AttemptRecord> attempts(qint64 runId) const;

    // Transitions: buffered, then written in one transaction.
    void record(const Transition &transition);
    bool flush(QString *error = nullptr);
    int pending() const;

    QList<NodeRunRecord> nodeRuns(qint64 runId) const;
    // Of those, the nodes queued, running or retrying: what recovery
    // interrupts (none of a finished run, however large).
    QList<NodeRunRecord> activeNodeRuns(qint64 runId) const;
    QList<EventRecord> events(qint64 runId, qint64 afterSeq = 0) const;
    // Every run's events after `afterSeq`, of one report when given, in seq
    // order (at most `limit`): what a watcher catches up with.
    QList<EventRecord> eventsSince(qint64 afterSeq, const QString &reportId = {},
                                   int limit = 100000) const;
    qint64 lastEventSeq() const;

    // After a crash: every node of the run whose latest state is not terminal
    // becomes `interrupted` (recorded as a transition), and every attempt not
    // yet finished gets its finish time (the engine clock's now). Returns the
    // interrupted node ids. Callers hold the run's lease.
    QStringList markInterrupted(qint64 runId, const QString &message);

    // History, one aggregate query each (storehistory.cpp). A run of
    // `runIds` that has no node rows yet is left out of history().
    QList<RunHistoryRecord> history(const QList<qint64> &runIds) const;
    // Per run of `runIds`: `nodeId`'s latest attempt there, when it passed
    // (succeeded or warned) and has both times.
    QList<NodeDurationRecord> nodeDurations(const QString &nodeId,
                                            const QList<qint64> &runIds) const;

    // Leases: at most one live holder per key (e.g. "weekly_operating_report/2026-W47").
    // Acquiring succeeds when the key is free, expired, or already held by
    // `holder` (then it renews). Time is the store's clock (UTC now).
    bool acquireLease(const QString &key, const QString &holder, int ttlSeconds);
    void releaseLease(const QString &key, const QString &holder);
    QString leaseHolder(const QString &key) const;              // empty when free or expired
    std::optional<LeaseRecord> lease(const QString &key) const; // also when expired

    // Requests (team mode). addRequest returns the new id, 0 on failure
    // (lastError(); lastErrorRefused() when the database refused it).
    qint64 addRequest(const RequestRecord &request);
    QList<RequestRecord> requests(const QString &reportId = {}, const QString &state = {},
                                  int limit = 200) const;
    std::optional<RequestRecord> request(qint64 id) const;
    // pending -> running, by one holder only: false when someone else took it.
    bool claimRequest(qint64 id, const QString &holder);
    bool finishRequest(qint64 id, const QString &state, int attempt, const QString &outcome);

    QString lastError() const;
    // The last error was the database refusing this user (PostgreSQL 42501:
    // insufficient privilege), not a fault.
    bool lastErrorRefused() const;

    // The QtSql connection name, for engine code on the same thread that
    // keeps its own tables in this store (the trust layer). Not for the UI.
    QString connectionName() const;

    // PostgreSQL: calls `onChange` on this store's thread, while `context`
    // lives, whenever a statement writes `table` (the vouch_<table>
    // notifications of the schema: requests, events, decisions, leases,
    // attempts). False on SQLite, which has no notifications.
    bool onTableChanged(const QString &table, QObject *context, std::function<void()> onChange);

private:
    StateStore();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace vouch::engine
