#pragma once

// The internals of StateStore, shared by its source files: statestore.cpp
// (the value helpers), storeopen.cpp (opening, schema version, migrations),
// storeschemasqlite.cpp and storeschemapg.cpp (the migrations themselves),
// storeruns.cpp (runs, attempts, transitions, events), storeleases.cpp
// (leases and requests) and storehistory.cpp (the History page's
// aggregates). Not for any other code.

#include "engine/store/sqlitestatement.h"
#include "engine/store/statestore.h"
#include "engine/store/storesql.h"
#include "engine/util/clock.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <array>
#include <optional>

namespace vouch::engine::storedetail {

// Every timestamp column holds milliseconds since the epoch, UTC (NULL when
// unknown): compact, sortable, cheap to bind, and the same on PostgreSQL
// (bigint). Every write binds its values; no value is ever spliced into SQL
// (storehistory.cpp lists run ids, integers the store gave out, in IN (...)).
//
// Migrations: migration N (1-based) brings the schema from N-1 to N. Each one
// runs in its own IMMEDIATE transaction together with the row that records it
// in schema_version, so a crash leaves the store at N-1 or at N, never between.
// Append a migration and bump kSchemaVersion; never edit a shipped one.
using Migration = std::array<const char *, 12>;
using Migrations = std::array<const Migration *, StateStore::kSchemaVersion>;

const Migrations &sqliteMigrations(); // storeschemasqlite.cpp
const Migrations &pgMigrations();     // storeschemapg.cpp

// The alert delivery outbox's table (engine/alert/outbox.h): one row per
// (alert, change, channel), claimed before it is sent. IF NOT EXISTS: stores
// of schema 4 may already hold it, made by the outbox itself before it was
// part of the schema. The same text on both backends.
inline constexpr char kCreateDeliveries[] = "CREATE TABLE IF NOT EXISTS deliveries ("
                                            " alert_id BIGINT NOT NULL,"
                                            " event_seq BIGINT NOT NULL,"
                                            " channel TEXT NOT NULL,"
                                            " run_id BIGINT NOT NULL,"
                                            " report_id TEXT NOT NULL,"
                                            " event TEXT NOT NULL,"
                                            " service TEXT NOT NULL,"
                                            " target TEXT NOT NULL DEFAULT '',"
                                            " routing_key TEXT NOT NULL DEFAULT '',"
                                            " signing_secret TEXT NOT NULL DEFAULT '',"
                                            " payload TEXT NOT NULL,"
                                            " status TEXT NOT NULL DEFAULT 'pending',"
                                            " tries INTEGER NOT NULL DEFAULT 0,"
                                            " created_at BIGINT NOT NULL,"
                                            " next_at BIGINT NOT NULL,"
                                            " give_up_at BIGINT NOT NULL,"
                                            " timeout_ms BIGINT NOT NULL,"
                                            " first_retry_ms BIGINT NOT NULL,"
                                            " max_retry_ms BIGINT NOT NULL,"
                                            " claimed_by TEXT,"
                                            " claimed_until BIGINT,"
                                            " finished_at BIGINT,"
                                            " http_status INTEGER,"
                                            " last_error TEXT,"
                                            " PRIMARY KEY (alert_id, event_seq, channel))";

// The instant a run was judged at when its clock was pinned (`--now`, the
// demo's replayed Monday), so that later commands judge it the same way;
// NULL for a run on the wall clock. The same on both backends.
inline constexpr Migration kMigration6 = {
    "ALTER TABLE runs ADD COLUMN pinned_clock BIGINT",
    nullptr,
};

// A late source being waited for (Transition::waiting): why, when it is
// looked at again and until when, on the node's row and on its events. All
// three NULL when the node is not waiting.
inline constexpr Migration kMigration9 = {
    "ALTER TABLE node_runs ADD COLUMN waiting_reason TEXT",
    "ALTER TABLE node_runs ADD COLUMN waiting_next BIGINT",
    "ALTER TABLE node_runs ADD COLUMN waiting_until BIGINT",
    "ALTER TABLE events ADD COLUMN waiting_reason TEXT",
    "ALTER TABLE events ADD COLUMN waiting_next BIGINT",
    "ALTER TABLE events ADD COLUMN waiting_until BIGINT",
    nullptr,
};

// Qt binds a null QString as NULL; the text columns are NOT NULL DEFAULT ''.
QString text(const QString &value);
QVariant msOrNull(const QDateTime &time);
template<typename T>
QVariant optionalOrNull(const std::optional<T> &value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}
QVariant sampleRowsJson(const QList<QStringList> &rows);
QString stringListJson(const QStringList &list);
// A waiting late source as the three waiting_* columns (reason, next look,
// deadline: all NULL when not waiting), and back from `first` on.
QVariantList waitingColumns(const std::optional<Waiting> &waiting);
std::optional<Waiting> waitingFrom(const QSqlQuery &q, int first);
// Runs, attempts and node transitions are stamped by the clock they are
// judged by (engine/util/clock.h).
qint64 nowMs();

} // namespace vouch::engine::storedetail

namespace vouch::engine {

// For rowFrom() (storesql.h): states and freshness are stored as their names.
void readColumn(const QVariant &v, NodeState &out);
void readColumn(const QVariant &v, Freshness &out);

struct StateStore::Private
{
    QString path; // the file, or the server URL without its password
    bool pg = false;
    bool readOnly = false;
    QString user; // PostgreSQL: the database user (session_user)
    QString connectionName;
    QSqlDatabase db;
    QString lastError;
    bool lastErrorRefused = false;
    QList<Transition> buffer;
    // Prepared once, re-used by every flush (SQLite; bound through its C API).
    std::unique_ptr<SqliteStatement> insertEvent;
    std::unique_ptr<SqliteStatement> upsertNodeRun;

    QString describe(const QString &what, const QSqlError &error) const
    {
        return QStringLiteral("state store %1: %2: %3").arg(path, what, error.text());
    }

    void clearError()
    {
        lastError.clear();
        lastErrorRefused = false;
    }

    bool fail(const QString &what, const SqliteStatement &statement)
    {
        lastErrorRefused = false;
        lastError =
            QStringLiteral("state store %1: %2: %3").arg(path, what, statement.errorString());
        return false;
    }

    bool fail(const QString &what, const QSqlError &error)
    {
        lastErrorRefused = error.nativeErrorCode() == QLatin1String("42501");
        lastError = describe(what, error);
        return false;
    }

    QSqlQuery query()
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        return q;
    }

    // Prepares and executes; on failure records lastError. Read queries must
    // be read to the end or destroyed promptly: an unfinished SELECT keeps a
    // WAL snapshot open and hides other connections' writes.
    bool exec(QSqlQuery &q, const QString &sql, const QVariantList &values, const QString &what)
    {
        if (!q.prepare(sql))
            return fail(what, q.lastError());
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values.at(i));
        if (!q.exec())
            return fail(what, q.lastError());
        return true;
    }

    bool exec(const QString &sql, const QString &what)
    {
        QSqlQuery q = query();
        if (!q.exec(sql))
            return fail(what, q.lastError());
        return true;
    }

    // Write transactions take the write lock up front so that busy_timeout
    // applies; a deferred transaction that upgrades could fail at once with
    // SQLITE_BUSY when another connection wrote in between.
    // On PostgreSQL every statement waits for the row locks it needs.
    bool begin(const QString &what)
    {
        return exec(pg ? QStringLiteral("BEGIN") : QStringLiteral("BEGIN IMMEDIATE"), what);
    }

    // The store's clock: the server's on PostgreSQL, so that leases mean the
    // same to every workstation whatever its own clock says.
    qint64 storeNowMs()
    {
        if (!pg)
            return wallNow().toMSecsSinceEpoch();
        QSqlQuery q = query();
        if (q.exec(
                QStringLiteral("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint")) &&
            q.next())
            return q.value(0).toLongLong();
        return wallNow().toMSecsSinceEpoch();
    }

    bool commit(const QString &what)
    {
        if (exec(QStringLiteral("COMMIT"), what))
            return true;
        rollback();
        return false;
    }

    void rollback()
    {
        QSqlQuery q = query();
        q.exec(QStringLiteral("ROLLBACK"));
    }

    // The schema version of the file: 0 for a new, empty database; -1 (with
    // The schema version of the file: 0 for a new, empty database; -1 (with
    // lastError set) for a file that is not ours. (storeopen.cpp)
    int schemaVersion();
    // The same, and -1 with lastError saying what to do for a store from a
    // newer Vouch (which is left as it is).
    int checkedSchemaVersion();
    bool migrate(int from);

    // Writing transitions (storeruns.cpp).
    bool prepareFlush();
    bool write(const Transition &t);
    // The latest attempt's row of each node of a run, by node id; with
    // `activeOnly` only those queued, running or retrying (what recovery
    // interrupts), so that recovering a finished run reads none.
    QList<NodeRunRecord> readNodeRuns(qint64 runId, bool activeOnly);
    bool writePg(const QList<Transition> &batch);
    std::optional<RunRecord> oneRun(const QString &sql, const QVariantList &values,
                                    const QString &what);
};

} // namespace vouch::engine
