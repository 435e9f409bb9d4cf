#include "engine/store/statestore.h"

#include "engine/store/statesettings.h"
#include "engine/store/storesql.h"
#include "engine/util/clock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>
#include <QVariant>

#include <algorithm>
#include <array>

#include <unistd.h>

namespace vouch::engine {

namespace {

// Every timestamp column holds milliseconds since the epoch, UTC (NULL when
// unknown): compact, sortable, cheap to bind, and the same on PostgreSQL
// (bigint). Every write binds its values; no value is ever spliced into SQL.
//
// Migrations: migration N (1-based) brings the schema from N-1 to N. Each one
// runs in its own IMMEDIATE transaction together with the row that records it
// in schema_version, so a crash leaves the store at N-1 or at N, never between.
// Append a migration and bump kSchemaVersion; never edit a shipped one.
using Migration = std::array<const char *, 12>;

constexpr Migration kMigration1 = {
    R"(CREATE TABLE schema_version (
        version INTEGER PRIMARY KEY,
        applied_at INTEGER NOT NULL
    ))",
    R"(CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        report_id TEXT NOT NULL,
        period TEXT NOT NULL,
        contract_path TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        UNIQUE (report_id, period)
    ))",
    "CREATE INDEX runs_by_created ON runs (created_at, id)",
    "CREATE INDEX runs_by_report_created ON runs (report_id, created_at, id)",
    R"(CREATE TABLE attempts (
        run_id INTEGER NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        who TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        selection TEXT NOT NULL DEFAULT '[]',
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        PRIMARY KEY (run_id, attempt)
    ) WITHOUT ROWID)",
    // The current row per (run, node, attempt). The key puts node before
    // attempt so that "the latest attempt of each node" is an index walk.
    R"(CREATE TABLE node_runs (
        run_id INTEGER NOT NULL,
        node_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        freshness TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        value REAL,
        reference REAL,
        age_seconds INTEGER,
        observed_at INTEGER,
        sample_rows TEXT,
        log_path TEXT NOT NULL DEFAULT '',
        started_at INTEGER,
        finished_at INTEGER,
        process_group INTEGER NOT NULL DEFAULT 0,
        updated_seq INTEGER NOT NULL,
        PRIMARY KEY (run_id, node_id, attempt),
        FOREIGN KEY (run_id, attempt) REFERENCES attempts (run_id, attempt)
    ) WITHOUT ROWID)",
    // Append-only history of every transition; seq is never reused.
    R"(CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        node_id TEXT NOT NULL,
        state TEXT NOT NULL,
        at INTEGER NOT NULL,
        message TEXT NOT NULL DEFAULT ''
    ))",
    "CREATE INDEX events_by_run ON events (run_id, seq)",
    R"(CREATE TRIGGER events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END)",
    R"(CREATE TRIGGER events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END)",
    R"(CREATE TABLE leases (
        key TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID)",
    nullptr,
};

// The trust layer: alerts per root cause, publication decisions, and the
// hash-chained audit log of every decision and request.
constexpr Migration kMigration2 = {
    R"(CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        root_node TEXT NOT NULL,
        state TEXT NOT NULL,
        severity TEXT NOT NULL,
        headline TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        opened_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        resolved_at INTEGER,
        acknowledged_by TEXT,
        acknowledged_at INTEGER,
        acknowledge_note TEXT,
        UNIQUE (run_id, root_node)
    ))",
    R"(CREATE TABLE alert_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        state TEXT NOT NULL,
        severity TEXT NOT NULL,
        headline TEXT NOT NULL,
        at INTEGER NOT NULL
    ))",
    R"(CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        kind TEXT NOT NULL,
        section TEXT,
        text TEXT NOT NULL,
        who TEXT NOT NULL,
        at INTEGER NOT NULL
    ))",
    "CREATE INDEX decisions_by_run ON decisions (run_id, id)",
    R"(CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        report_id TEXT NOT NULL,
        period TEXT NOT NULL,
        run_id INTEGER,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    ))",
    R"(CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END)",
    R"(CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END)",
    nullptr,
};

// An attempt's selection (every node id of a first attempt: megabytes for a
// large path) lives beside the attempt, not in it: every node_runs insert
// checks its attempt by foreign key, and that check must not read it.
constexpr Migration kMigration3 = {
    R"(CREATE TABLE attempt_selections (
        run_id INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        selection TEXT NOT NULL,
        PRIMARY KEY (run_id, attempt),
        FOREIGN KEY (run_id, attempt) REFERENCES attempts (run_id, attempt)
    ) WITHOUT ROWID)",
    "INSERT INTO attempt_selections (run_id, attempt, selection) SELECT run_id, attempt, selection "
    "FROM attempts",
    "ALTER TABLE attempts DROP COLUMN selection",
    nullptr,
};

// Team mode: reruns and cancels asked of whoever executes the report, with
// identity and reason; the executor records how each one ended.
constexpr Migration kMigration4 = {
    R"(CREATE TABLE requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        report_id TEXT NOT NULL,
        period TEXT NOT NULL,
        run_id INTEGER REFERENCES runs (id),
        kind TEXT NOT NULL,
        selector TEXT NOT NULL DEFAULT '',
        downstream INTEGER NOT NULL DEFAULT 0,
        failed_only INTEGER NOT NULL DEFAULT 0,
        who TEXT NOT NULL,
        reason TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        handled_by TEXT,
        handled_at INTEGER,
        attempt INTEGER,
        outcome TEXT
    ))",
    "CREATE INDEX requests_by_state ON requests (state, report_id, id)",
    nullptr,
};

// The alert delivery outbox (engine/alert/outbox.h): one row per (alert,
// change, channel), claimed before it is sent, and each report's cursor into
// alert_events. IF NOT EXISTS: stores of schema 4 may already hold them, made
// by the outbox itself before they were part of the schema.
#define VOUCH_DELIVERIES_TABLE(ID_TYPE)                                                            \
    "CREATE TABLE IF NOT EXISTS deliveries ("                                                      \
    " alert_id " ID_TYPE " NOT NULL,"                                                              \
    " event_seq " ID_TYPE " NOT NULL,"                                                             \
    " channel TEXT NOT NULL,"                                                                      \
    " run_id " ID_TYPE " NOT NULL,"                                                                \
    " report_id TEXT NOT NULL,"                                                                    \
    " event TEXT NOT NULL,"                                                                        \
    " service TEXT NOT NULL,"                                                                      \
    " target TEXT NOT NULL DEFAULT '',"                                                            \
    " routing_key TEXT NOT NULL DEFAULT '',"                                                       \
    " signing_secret TEXT NOT NULL DEFAULT '',"                                                    \
    " payload TEXT NOT NULL,"                                                                      \
    " status TEXT NOT NULL DEFAULT 'pending',"                                                     \
    " tries INTEGER NOT NULL DEFAULT 0,"                                                           \
    " created_at BIGINT NOT NULL,"                                                                 \
    " next_at BIGINT NOT NULL,"                                                                    \
    " give_up_at BIGINT NOT NULL,"                                                                 \
    " timeout_ms BIGINT NOT NULL,"                                                                 \
    " first_retry_ms BIGINT NOT NULL,"                                                             \
    " max_retry_ms BIGINT NOT NULL,"                                                               \
    " claimed_by TEXT,"                                                                            \
    " claimed_until BIGINT,"                                                                       \
    " finished_at BIGINT,"                                                                         \
    " http_status INTEGER,"                                                                        \
    " last_error TEXT,"                                                                            \
    " PRIMARY KEY (alert_id, event_seq, channel))"

constexpr Migration kMigration5 = {
    VOUCH_DELIVERIES_TABLE("BIGINT"),
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at)",
    "CREATE INDEX IF NOT EXISTS deliveries_by_run ON deliveries (run_id)",
    R"(CREATE TABLE IF NOT EXISTS delivery_cursors (
        report_id TEXT PRIMARY KEY,
        last_seq BIGINT NOT NULL
    ))",
    nullptr,
};

// The instant a run was judged at when its clock was pinned (`--now`, the
// demo's replayed Monday), so that later commands judge it the same way;
// NULL for a run on the wall clock.
constexpr Migration kMigration6 = {
    "ALTER TABLE runs ADD COLUMN pinned_clock BIGINT",
    nullptr,
};

// The contract each attempt ran (issue: decisions bound to the contract): its
// text once per digest, and the digest on the attempt.
constexpr Migration kMigration7 = {
    R"(CREATE TABLE IF NOT EXISTS contract_texts (
        sha256 TEXT PRIMARY KEY,
        body BLOB NOT NULL
    ))",
    "ALTER TABLE attempts ADD COLUMN contract_sha256 TEXT",
    nullptr,
};

// Migration 8 is PostgreSQL's (audit entries written only by the server);
// an SQLite file has no users to keep apart.
constexpr Migration kMigration8 = {nullptr};

constexpr std::array<const Migration *, StateStore::kSchemaVersion> kMigrations = {
    &kMigration1, &kMigration2, &kMigration3, &kMigration4,
    &kMigration5, &kMigration6, &kMigration7, &kMigration8};

// The same schema on PostgreSQL, version for version: BIGINT for times and
// ids, identity columns for AUTOINCREMENT, plpgsql triggers for the
// append-only tables. DDL is transactional there too, and every migration
// runs under an advisory lock so that processes starting together take turns.
constexpr Migration kPgMigration1 = {
    R"(CREATE TABLE schema_version (
        version INTEGER PRIMARY KEY,
        applied_at BIGINT NOT NULL
    ))",
    R"(CREATE TABLE runs (
        id BIGSERIAL PRIMARY KEY,
        report_id TEXT NOT NULL,
        period TEXT NOT NULL,
        contract_path TEXT NOT NULL DEFAULT '',
        created_at BIGINT NOT NULL,
        UNIQUE (report_id, period)
    ))",
    "CREATE INDEX runs_by_created ON runs (created_at, id)",
    "CREATE INDEX runs_by_report_created ON runs (report_id, created_at, id)",
    R"(CREATE TABLE attempts (
        run_id BIGINT NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        who TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        selection TEXT NOT NULL DEFAULT '[]',
        started_at BIGINT NOT NULL,
        finished_at BIGINT,
        PRIMARY KEY (run_id, attempt)
    ))",
    R"(CREATE TABLE node_runs (
        run_id BIGINT NOT NULL,
        node_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        freshness TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        value DOUBLE PRECISION,
        reference DOUBLE PRECISION,
        age_seconds BIGINT,
        observed_at BIGINT,
        sample_rows TEXT,
        log_path TEXT NOT NULL DEFAULT '',
        started_at BIGINT,
        finished_at BIGINT,
        process_group BIGINT NOT NULL DEFAULT 0,
        updated_seq BIGINT NOT NULL,
        PRIMARY KEY (run_id, node_id, attempt),
        FOREIGN KEY (run_id, attempt) REFERENCES attempts (run_id, attempt)
    ))",
    R"(CREATE TABLE events (
        seq BIGSERIAL PRIMARY KEY,
        run_id BIGINT NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        node_id TEXT NOT NULL,
        state TEXT NOT NULL,
        at BIGINT NOT NULL,
        message TEXT NOT NULL DEFAULT ''
    ))",
    "CREATE INDEX events_by_run ON events (run_id, seq)",
    R"(CREATE FUNCTION vouch_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$)",
    R"(CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
       FOR EACH STATEMENT EXECUTE FUNCTION vouch_append_only())",
    R"(CREATE TABLE leases (
        key TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    ))",
};

constexpr Migration kPgMigration2 = {
    R"(CREATE TABLE alerts (
        id BIGSERIAL PRIMARY KEY,
        run_id BIGINT NOT NULL REFERENCES runs (id),
        root_node TEXT NOT NULL,
        state TEXT NOT NULL,
        severity TEXT NOT NULL,
        headline TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        opened_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        resolved_at BIGINT,
        acknowledged_by TEXT,
        acknowledged_at BIGINT,
        acknowledge_note TEXT,
        UNIQUE (run_id, root_node)
    ))",
    R"(CREATE TABLE alert_events (
        seq BIGSERIAL PRIMARY KEY,
        alert_id BIGINT NOT NULL REFERENCES alerts (id),
        state TEXT NOT NULL,
        severity TEXT NOT NULL,
        headline TEXT NOT NULL,
        at BIGINT NOT NULL
    ))",
    R"(CREATE TABLE decisions (
        id BIGSERIAL PRIMARY KEY,
        run_id BIGINT NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        kind TEXT NOT NULL,
        section TEXT,
        text TEXT NOT NULL,
        who TEXT NOT NULL,
        at BIGINT NOT NULL
    ))",
    "CREATE INDEX decisions_by_run ON decisions (run_id, id)",
    R"(CREATE TABLE audit_log (
        seq BIGINT PRIMARY KEY,
        at BIGINT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        report_id TEXT NOT NULL,
        period TEXT NOT NULL,
        run_id BIGINT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    ))",
    R"(CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION vouch_append_only())",
    // SQLite's sqlite_sequence, kept by hand: the highest audit seq ever
    // issued, updated in the append's transaction (and its row lock
    // serialises appends).
    R"(CREATE TABLE audit_sequence (
        name TEXT PRIMARY KEY,
        seq BIGINT NOT NULL
    ))",
    "INSERT INTO audit_sequence (name, seq) VALUES ('audit_log', 0)",
};

constexpr Migration kPgMigration3 = {
    R"(CREATE TABLE attempt_selections (
        run_id BIGINT NOT NULL,
        attempt INTEGER NOT NULL,
        selection TEXT NOT NULL,
        PRIMARY KEY (run_id, attempt),
        FOREIGN KEY (run_id, attempt) REFERENCES attempts (run_id, attempt)
    ))",
    "INSERT INTO attempt_selections (run_id, attempt, selection) SELECT run_id, attempt, selection "
    "FROM attempts",
    "ALTER TABLE attempts DROP COLUMN selection",
};

// Requests, the identity rule (a request or a decision is made by the
// database user who writes it), and the notifications that workstations
// LISTEN to: one per writing statement, on vouch_<table>.
constexpr Migration kPgMigration4 = {
    R"(CREATE TABLE requests (
        id BIGSERIAL PRIMARY KEY,
        report_id TEXT NOT NULL,
        period TEXT NOT NULL,
        run_id BIGINT REFERENCES runs (id),
        kind TEXT NOT NULL,
        selector TEXT NOT NULL DEFAULT '',
        downstream INTEGER NOT NULL DEFAULT 0,
        failed_only INTEGER NOT NULL DEFAULT 0,
        who TEXT NOT NULL DEFAULT session_user,
        reason TEXT NOT NULL,
        requested_at BIGINT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        handled_by TEXT,
        handled_at BIGINT,
        attempt INTEGER,
        outcome TEXT
    ))",
    "CREATE INDEX requests_by_state ON requests (state, report_id, id)",
    R"(CREATE FUNCTION vouch_who_is_session_user() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.who IS DISTINCT FROM session_user::text THEN
           RAISE EXCEPTION 'permission denied: % may not write % as %', session_user,
             TG_TABLE_NAME, NEW.who USING ERRCODE = 'insufficient_privilege';
         END IF;
         RETURN NEW;
       END $$)",
    R"(CREATE TRIGGER requests_who BEFORE INSERT ON requests
       FOR EACH ROW EXECUTE FUNCTION vouch_who_is_session_user())",
    R"(CREATE TRIGGER decisions_who BEFORE INSERT ON decisions
       FOR EACH ROW EXECUTE FUNCTION vouch_who_is_session_user())",
    R"(CREATE FUNCTION vouch_notify() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN PERFORM pg_notify('vouch_' || TG_TABLE_NAME, ''); RETURN NULL; END $$)",
    R"(CREATE TRIGGER events_notify AFTER INSERT ON events
       FOR EACH STATEMENT EXECUTE FUNCTION vouch_notify())",
    R"(CREATE TRIGGER requests_notify AFTER INSERT OR UPDATE ON requests
       FOR EACH STATEMENT EXECUTE FUNCTION vouch_notify())",
    R"(CREATE TRIGGER decisions_notify AFTER INSERT ON decisions
       FOR EACH STATEMENT EXECUTE FUNCTION vouch_notify())",
    R"(CREATE TRIGGER leases_notify AFTER INSERT OR UPDATE OR DELETE ON leases
       FOR EACH STATEMENT EXECUTE FUNCTION vouch_notify())",
    R"(CREATE TRIGGER attempts_notify AFTER INSERT OR UPDATE ON attempts
       FOR EACH STATEMENT EXECUTE FUNCTION vouch_notify())",
};

// The delivery outbox on the server. Deliveries are written by whoever
// delivers: the runner, and a workstation that executes (both vouch_runner);
// everyone reads them. A store migrated by a runner (not by `vouch team
// init`) owns the new tables as that user, so the grants are given here too
// when the team's roles exist.
constexpr Migration kPgMigration5 = {
    VOUCH_DELIVERIES_TABLE("BIGINT"),
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at)",
    "CREATE INDEX IF NOT EXISTS deliveries_by_run ON deliveries (run_id)",
    R"(CREATE TABLE IF NOT EXISTS delivery_cursors (
        report_id TEXT PRIMARY KEY,
        last_seq BIGINT NOT NULL
    ))",
    R"(DO $$ BEGIN
         IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_viewer') THEN
           GRANT SELECT ON deliveries, delivery_cursors TO vouch_viewer;
         END IF;
         IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_runner') THEN
           GRANT SELECT, INSERT, UPDATE, DELETE ON deliveries, delivery_cursors TO vouch_runner;
         END IF;
       END $$)",
    nullptr,
};
#undef VOUCH_DELIVERIES_TABLE

constexpr Migration kPgMigration7 = {
    R"(CREATE TABLE IF NOT EXISTS contract_texts (
        sha256 TEXT PRIMARY KEY,
        body BYTEA NOT NULL
    ))",
    "ALTER TABLE attempts ADD COLUMN contract_sha256 TEXT",
    R"(DO $$ BEGIN
         IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_viewer') THEN
           GRANT SELECT ON contract_texts TO vouch_viewer;
         END IF;
         IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_runner') THEN
           GRANT SELECT, INSERT ON contract_texts TO vouch_runner;
         END IF;
       END $$)",
    nullptr,
};

// Audit entries are written only by vouch_audit_append(), which runs as the
// owner (SECURITY DEFINER): it takes `who` from session_user, stamps the
// entry with the server's clock, and computes the chain (seq, prev_hash and
// the hash of engine/trust/auditlog.h, netstring for netstring) in the
// database. Nobody but the owner may write audit_log or audit_sequence
// directly, so an operator can neither write in an approver's name nor move
// the sequence to fake a deletion.
constexpr Migration kPgMigration8 = {
    R"(CREATE FUNCTION vouch_netstring(t text) RETURNS bytea
       LANGUAGE sql IMMUTABLE STRICT AS $$
         SELECT convert_to(octet_length(convert_to(t, 'UTF8'))::text || ':', 'UTF8')
             || convert_to(t, 'UTF8') || convert_to(',', 'UTF8')
       $$)",
    R"(CREATE FUNCTION vouch_audit_append(p_action text, p_report_id text, p_period text,
                                          p_run_id bigint, p_details text)
       RETURNS TABLE (entry_seq bigint, entry_at bigint, entry_who text,
                      entry_prev_hash text, entry_hash text)
       LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
       DECLARE
         v_issued bigint;
         v_max bigint;
         v_seq bigint;
         v_prev text;
         v_at bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
         v_who text := session_user;
         v_hash text;
       BEGIN
         SELECT s.seq INTO v_issued FROM audit_sequence s WHERE s.name = 'audit_log' FOR UPDATE;
         SELECT coalesce(max(a.seq), 0) INTO v_max FROM audit_log a;
         v_seq := greatest(coalesce(v_issued, 0), v_max) + 1;
         SELECT a.hash INTO v_prev FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
         v_prev := coalesce(v_prev, repeat('0', 64));
         v_hash := encode(sha256(
             vouch_netstring('vouch-audit-1') || vouch_netstring(v_seq::text)
             || vouch_netstring(v_at::text) || vouch_netstring(v_who)
             || vouch_netstring(p_action) || vouch_netstring(p_report_id)
             || vouch_netstring(p_period) || vouch_netstring(coalesce(p_run_id::text, ''))
             || vouch_netstring(p_details) || vouch_netstring(v_prev)), 'hex');
         INSERT INTO audit_log (seq, at, who, action, report_id, period, run_id, details,
                                prev_hash, hash)
           VALUES (v_seq, v_at, v_who, p_action, p_report_id, p_period, p_run_id, p_details,
                   v_prev, v_hash);
         UPDATE audit_sequence SET seq = v_seq WHERE name = 'audit_log';
         RETURN QUERY SELECT v_seq, v_at, v_who, v_prev, v_hash;
       END
       $$)",
    "REVOKE ALL ON FUNCTION vouch_audit_append(text, text, text, bigint, text) FROM PUBLIC",
    R"(DO $$ BEGIN
         IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vouch_operator') THEN
           REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log, audit_sequence
             FROM vouch_operator, vouch_approver, vouch_runner;
           GRANT EXECUTE ON FUNCTION vouch_audit_append(text, text, text, bigint, text)
             TO vouch_operator, vouch_approver, vouch_runner;
         END IF;
       END $$)",
    nullptr,
};

constexpr std::array<const Migration *, StateStore::kSchemaVersion> kPgMigrations = {
    &kPgMigration1, &kPgMigration2, &kPgMigration3, &kPgMigration4,
    &kPgMigration5, &kMigration6,   &kPgMigration7, &kPgMigration8};

// Any constant: the advisory lock that serialises migrations on a server.
constexpr qint64 kMigrationLock = 0x766f756368; // "vouch"

constexpr char kInsertEvent[] =
    "INSERT INTO events (run_id, attempt, node_id, state, at, message) VALUES (?, ?, ?, ?, ?, ?)";

// Runs right after kInsertEvent in the same transaction: last_insert_rowid()
// is that event's seq (node_runs is WITHOUT ROWID, so it does not move it).
constexpr char kUpsertNodeRun[] = R"(
    INSERT INTO node_runs (run_id, node_id, attempt, state, tries, freshness, message, value,
        reference, age_seconds, observed_at, sample_rows, log_path, started_at, finished_at,
        process_group, updated_seq)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, last_insert_rowid())
    ON CONFLICT (run_id, node_id, attempt) DO UPDATE SET
        state = excluded.state,
        tries = max(node_runs.tries, excluded.tries),
        freshness = coalesce(nullif(excluded.freshness, ''), node_runs.freshness),
        message = coalesce(nullif(excluded.message, ''), node_runs.message),
        value = coalesce(excluded.value, node_runs.value),
        reference = coalesce(excluded.reference, node_runs.reference),
        age_seconds = coalesce(excluded.age_seconds, node_runs.age_seconds),
        observed_at = coalesce(excluded.observed_at, node_runs.observed_at),
        sample_rows = coalesce(excluded.sample_rows, node_runs.sample_rows),
        log_path = coalesce(nullif(excluded.log_path, ''), node_runs.log_path),
        started_at = coalesce(node_runs.started_at, excluded.started_at),
        finished_at = excluded.finished_at,
        process_group = excluded.process_group,
        updated_seq = excluded.updated_seq
)";

// The same upsert on PostgreSQL, for many rows at once (%1: the VALUES rows;
// updated_seq is bound, the events' seqs being known before the insert).
constexpr char kUpsertNodeRunPg[] = R"(
    INSERT INTO node_runs (run_id, node_id, attempt, state, tries, freshness, message, value,
        reference, age_seconds, observed_at, sample_rows, log_path, started_at, finished_at,
        process_group, updated_seq)
    VALUES %1
    ON CONFLICT (run_id, node_id, attempt) DO UPDATE SET
        state = excluded.state,
        tries = greatest(node_runs.tries, excluded.tries),
        freshness = coalesce(nullif(excluded.freshness, ''), node_runs.freshness),
        message = coalesce(nullif(excluded.message, ''), node_runs.message),
        value = coalesce(excluded.value, node_runs.value),
        reference = coalesce(excluded.reference, node_runs.reference),
        age_seconds = coalesce(excluded.age_seconds, node_runs.age_seconds),
        observed_at = coalesce(excluded.observed_at, node_runs.observed_at),
        sample_rows = coalesce(excluded.sample_rows, node_runs.sample_rows),
        log_path = coalesce(nullif(excluded.log_path, ''), node_runs.log_path),
        started_at = coalesce(node_runs.started_at, excluded.started_at),
        finished_at = excluded.finished_at,
        process_group = excluded.process_group,
        updated_seq = excluded.updated_seq
)";

constexpr char kSelectRun[] = R"(
    SELECT r.id, r.report_id, r.period, r.contract_path, r.created_at,
        (SELECT coalesce(max(a.attempt), 0) FROM attempts a WHERE a.run_id = r.id),
        r.pinned_clock
    FROM runs r
)";

// Qt binds a null QString as NULL; the text columns are NOT NULL DEFAULT ''.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QVariant msOrNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
}

template<typename T>
QVariant optionalOrNull(const std::optional<T> &value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}

NodeState nodeStateFrom(const QString &text)
{
    static const QHash<QString, NodeState> states = [] {
        QHash<QString, NodeState> map;
        for (int i = int(NodeState::Pending); i <= int(NodeState::Interrupted); ++i)
            map.insert(toString(NodeState(i)), NodeState(i));
        return map;
    }();
    return states.value(text, NodeState::Pending);
}

Freshness freshnessFrom(const QString &text)
{
    for (Freshness f : {Freshness::Fresh, Freshness::StaleWarn, Freshness::StaleError}) {
        if (text == toString(f))
            return f;
    }
    return Freshness::Unknown;
}

QVariant sampleRowsJson(const QList<QStringList> &rows)
{
    if (rows.isEmpty())
        return QVariant();
    QJsonArray array;
    for (const QStringList &row : rows)
        array.append(QJsonArray::fromStringList(row));
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<QStringList> sampleRowsFrom(const QVariant &value)
{
    QList<QStringList> rows;
    if (value.isNull())
        return rows;
    const QJsonArray array = QJsonDocument::fromJson(value.toString().toUtf8()).array();
    for (const QJsonValue &row : array) {
        QStringList cells;
        for (const QJsonValue &cell : row.toArray())
            cells.append(cell.toString());
        rows.append(cells);
    }
    return rows;
}

QStringList stringListFrom(const QString &json)
{
    QStringList list;
    for (const QJsonValue &value : QJsonDocument::fromJson(json.toUtf8()).array())
        list.append(value.toString());
    return list;
}

QString stringListJson(const QStringList &list)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

// Runs, attempts and node transitions are stamped by the clock they are
// judged by (engine/util/clock.h).
qint64 nowMs()
{
    return clockNow().toMSecsSinceEpoch();
}

// A store from a newer Vouch is left as it is, with what to do.
QString newerSchema(const QString &store, int version)
{
    return QStringLiteral("state store %1 was written by a newer Vouch (schema %2; this Vouch "
                          "reads up to %3); upgrade Vouch or use another --state file")
        .arg(store)
        .arg(version)
        .arg(StateStore::kSchemaVersion);
}

RunRecord runFrom(const QSqlQuery &query)
{
    RunRecord run;
    run.id = query.value(0).toLongLong();
    run.reportId = query.value(1).toString();
    run.period = query.value(2).toString();
    run.contractPath = query.value(3).toString();
    run.createdAt = storedTime(query.value(4));
    run.latestAttempt = query.value(5).toInt();
    run.pinnedClock = storedTime(query.value(6));
    return run;
}

// SQLite would only notice a foreign file at the first query; checking the
// header first also guarantees we never write to it. Empty when it is fine
// (or empty, or missing: a new store).
QString checkSqliteHeader(const QString &file)
{
    const QFileInfo info(file);
    if (!info.exists() || info.size() == 0)
        return {};
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read state store %1: %2").arg(file, f.errorString());
    if (f.read(16) != QByteArray("SQLite format 3\0", 16))
        return QStringLiteral("%1 is not a Vouch state store (not an SQLite database)").arg(file);
    return {};
}

bool writableByMe(const QString &path)
{
    return ::access(QFile::encodeName(path).constData(), W_OK) == 0;
}

} // namespace

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
    // Prepared once, re-used by every flush.
    std::optional<QSqlQuery> insertEvent;
    std::optional<QSqlQuery> upsertNodeRun;

    QString describe(const QString &what, const QSqlError &error) const
    {
        return QStringLiteral("state store %1: %2: %3").arg(path, what, error.text());
    }

    void clearError()
    {
        lastError.clear();
        lastErrorRefused = false;
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
    // lastError set) for a file that is not ours.
    int schemaVersion()
    {
        QSqlQuery q = query();
        if (pg) {
            // pg_tables lists every table, whatever this user may read.
            if (!q.exec(QStringLiteral(
                    "SELECT count(*), count(*) FILTER (WHERE tablename = 'schema_version') "
                    "FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")) ||
                !q.next()) {
                fail(QStringLiteral("cannot read the schema"), q.lastError());
                return -1;
            }
            const int tables = q.value(0).toInt();
            const bool versioned = q.value(1).toInt() > 0;
            q.finish();
            if (!versioned) {
                if (tables == 0)
                    return 0;
                lastError = QStringLiteral("%1 is not a Vouch state store (a database with "
                                           "tables but without a schema_version table)")
                                .arg(path);
                return -1;
            }
            if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_version")) ||
                !q.next()) {
                fail(QStringLiteral("cannot read the schema version"), q.lastError());
                return -1;
            }
            return q.value(0).toInt();
        }
        if (!q.exec(QStringLiteral(
                "SELECT count(*), coalesce(sum(name = 'schema_version'), 0) FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite%'"))) {
            const QSqlError error = q.lastError();
            if (error.nativeErrorCode() == QLatin1String("26")) // SQLITE_NOTADB
                lastError = QStringLiteral("%1 is not a Vouch state store (not an SQLite database)")
                                .arg(path);
            else
                fail(QStringLiteral("cannot read the schema"), error);
            return -1;
        }
        q.next();
        const int tables = q.value(0).toInt();
        const bool versioned = q.value(1).toInt() > 0;
        q.finish();
        if (!versioned) {
            if (tables == 0)
                return 0;
            lastError = QStringLiteral("%1 is not a Vouch state store (an SQLite database without "
                                       "a schema_version table)")
                            .arg(path);
            return -1;
        }
        if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_version"))) {
            fail(QStringLiteral("cannot read the schema version"), q.lastError());
            return -1;
        }
        q.next();
        return q.value(0).toInt();
    }

    bool migrate(int from)
    {
        for (int version = from + 1; version <= kSchemaVersion; ++version) {
            const QString what = QStringLiteral("cannot migrate to schema %1").arg(version);
            if (!begin(what))
                return false;
            // PostgreSQL takes no lock for reading the version: the advisory
            // lock makes a second process wait here until the first commits.
            if (pg) {
                QSqlQuery lock = query();
                if (!exec(lock, QStringLiteral("SELECT pg_advisory_xact_lock(?)"), {kMigrationLock},
                          what)) {
                    lock.finish();
                    rollback();
                    return false;
                }
            }
            // Another process may have migrated while we waited for the lock.
            const int current = schemaVersion();
            if (current < 0) {
                rollback();
                return false;
            }
            if (current >= version) {
                if (!commit(what))
                    return false;
                continue;
            }
            for (const char *statement : *(pg ? kPgMigrations : kMigrations)[version - 1]) {
                if (!statement)
                    break;
                if (!exec(QString::fromUtf8(statement), what)) {
                    rollback();
                    return false;
                }
            }
            QSqlQuery q = query();
            if (!exec(q,
                      QStringLiteral(
                          "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"),
                      {version, nowMs()}, what)) {
                rollback();
                return false;
            }
            if (!commit(what))
                return false;
        }
        return true;
    }

    bool prepareFlush()
    {
        if (!insertEvent) {
            QSqlQuery q = query();
            if (!q.prepare(QString::fromUtf8(kInsertEvent)))
                return fail(QStringLiteral("cannot prepare the event insert"), q.lastError());
            insertEvent = std::move(q);
        }
        if (!upsertNodeRun) {
            QSqlQuery q = query();
            if (!q.prepare(QString::fromUtf8(kUpsertNodeRun)))
                return fail(QStringLiteral("cannot prepare the node run upsert"), q.lastError());
            upsertNodeRun = std::move(q);
        }
        return true;
    }

    bool write(const Transition &t)
    {
        const QString state = toString(t.state);
        const QVariant at = t.at.isValid() ? t.at.toMSecsSinceEpoch() : nowMs();

        QSqlQuery &event = *insertEvent;
        event.bindValue(0, t.runId);
        event.bindValue(1, t.attempt);
        event.bindValue(2, t.nodeId);
        event.bindValue(3, state);
        event.bindValue(4, at);
        event.bindValue(5, text(t.message));
        if (!event.exec())
            return fail(QStringLiteral("cannot record %1 of node %2 (run %3, attempt %4)")
                            .arg(state, t.nodeId)
                            .arg(t.runId)
                            .arg(t.attempt),
                        event.lastError());

        QSqlQuery &row = *upsertNodeRun;
        row.bindValue(0, t.runId);
        row.bindValue(1, t.nodeId);
        row.bindValue(2, t.attempt);
        row.bindValue(3, state);
        row.bindValue(4, t.tries);
        row.bindValue(5, text(toString(t.freshness)));
        row.bindValue(6, text(t.message));
        row.bindValue(7, optionalOrNull(t.value));
        row.bindValue(8, optionalOrNull(t.reference));
        row.bindValue(9, optionalOrNull(t.ageSeconds));
        row.bindValue(10, msOrNull(t.observedAt));
        row.bindValue(11, sampleRowsJson(t.sampleRows));
        row.bindValue(12, text(t.logPath));
        row.bindValue(13, t.state == NodeState::Running ? at : QVariant());
        row.bindValue(14, isTerminal(t.state) ? at : QVariant());
        row.bindValue(15, t.processGroup);
        if (!row.exec())
            return fail(QStringLiteral("cannot record %1 of node %2 (run %3, attempt %4)")
                            .arg(state, t.nodeId)
                            .arg(t.runId)
                            .arg(t.attempt),
                        row.lastError());
        return true;
    }

    // PostgreSQL: the batch in a few statements instead of two per
    // transition. Events get their seqs under a table lock, so that seq order
    // is commit order and a watcher reading "seq > the last I saw" misses
    // nothing; node rows are merged per (run, node, attempt) first, because
    // one statement may not update the same row twice.
    bool writePg(const QList<Transition> &batch)
    {
        const QString what = QStringLiteral("cannot record %1 transitions").arg(batch.size());
        QSqlQuery q = query();
        if (!exec(QStringLiteral("LOCK TABLE events IN EXCLUSIVE MODE"), what) ||
            !exec(q,
                  QStringLiteral("SELECT nextval(pg_get_serial_sequence('events', 'seq')) "
                                 "FROM generate_series(1, ?::integer)"),
                  {int(batch.size())}, what))
            return false;
        QList<qint64> seqs;
        seqs.reserve(batch.size());
        while (q.next())
            seqs.append(q.value(0).toLongLong());
        q.finish();
        if (seqs.size() != batch.size())
            return fail(what, q.lastError());
        std::sort(seqs.begin(), seqs.end());

        constexpr int kEventRows = 1000;
        for (qsizetype from = 0; from < batch.size(); from += kEventRows) {
            const qsizetype n = std::min<qsizetype>(kEventRows, batch.size() - from);
            QStringList rows;
            QVariantList values;
            for (qsizetype i = from; i < from + n; ++i) {
                const Transition &t = batch.at(i);
                rows.append(QStringLiteral("(?, ?, ?, ?, ?, ?, ?)"));
                values << seqs.at(i) << t.runId << t.attempt << t.nodeId << toString(t.state)
                       << (t.at.isValid() ? t.at.toMSecsSinceEpoch() : nowMs()) << text(t.message);
            }
            QSqlQuery insert = query();
            if (!exec(insert,
                      QStringLiteral("INSERT INTO events (seq, run_id, attempt, node_id, state, "
                                     "at, message) VALUES ") +
                          rows.join(QStringLiteral(", ")),
                      values, what))
                return false;
        }

        // One row per node and attempt, merged as the upsert would merge them.
        struct Row
        {
            QVariantList v; // the 17 columns of kUpsertNodeRun, in order
        };
        QList<Row> merged;
        QHash<QString, qsizetype> index;
        for (qsizetype i = 0; i < batch.size(); ++i) {
            const Transition &t = batch.at(i);
            const qint64 at = t.at.isValid() ? t.at.toMSecsSinceEpoch() : nowMs();
            Row r;
            r.v = {t.runId,
                   t.nodeId,
                   t.attempt,
                   toString(t.state),
                   t.tries,
                   text(toString(t.freshness)),
                   text(t.message),
                   optionalOrNull(t.value),
                   optionalOrNull(t.reference),
                   optionalOrNull(t.ageSeconds),
                   msOrNull(t.observedAt),
                   sampleRowsJson(t.sampleRows),
                   text(t.logPath),
                   t.state == NodeState::Running ? QVariant(at) : QVariant(),
                   isTerminal(t.state) ? QVariant(at) : QVariant(),
                   t.processGroup,
                   seqs.at(i)};
            const QString key =
                QStringLiteral("%1\n%2\n%3").arg(t.runId).arg(t.attempt).arg(t.nodeId);
            const auto found = index.constFind(key);
            if (found == index.constEnd()) {
                index.insert(key, merged.size());
                merged.append(r);
                continue;
            }
            QVariantList &old = merged[*found].v;
            const auto nonEmpty = [](const QVariant &v) {
                return !v.isNull() && !v.toString().isEmpty();
            };
            old[3] = r.v[3];
            old[4] = std::max(old[4].toInt(), r.v[4].toInt());
            for (int c : {5, 6, 12}) {
                if (nonEmpty(r.v[c]))
                    old[c] = r.v[c];
            }
            for (int c : {7, 8, 9, 10, 11}) {
                if (!r.v[c].isNull())
                    old[c] = r.v[c];
            }
            if (old[13].isNull())
                old[13] = r.v[13];
            old[14] = r.v[14];
            old[15] = r.v[15];
            old[16] = r.v[16];
        }
        constexpr int kNodeRows = 500;
        for (qsizetype from = 0; from < merged.size(); from += kNodeRows) {
            const qsizetype n = std::min<qsizetype>(kNodeRows, merged.size() - from);
            QStringList rows;
            QVariantList values;
            for (qsizetype i = from; i < from + n; ++i) {
                rows.append(QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                values += merged.at(i).v;
            }
            QSqlQuery upsert = query();
            if (!exec(upsert,
                      QString::fromUtf8(kUpsertNodeRunPg).arg(rows.join(QStringLiteral(", "))),
                      values, what))
                return false;
        }
        return true;
    }

    std::optional<RunRecord> oneRun(const QString &sql, const QVariantList &values,
                                    const QString &what)
    {
        QSqlQuery q = query();
        if (!exec(q, sql, values, what) || !q.next())
            return std::nullopt;
        return runFrom(q);
    }
};

StateStore::StateStore()
    : d(std::make_unique<Private>())
{}

StateStore::~StateStore()
{
    // Every query must be gone before the connection is closed and removed.
    d->insertEvent.reset();
    d->upsertNodeRun.reset();
    if (d->db.isOpen())
        d->db.close();
    d->db = QSqlDatabase();
    if (!d->connectionName.isEmpty())
        QSqlDatabase::removeDatabase(d->connectionName);
}

std::optional<StateStore::ServerAddress> StateStore::parseServerUrl(const QString &url,
                                                                    QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!isServerUrl(url))
        return refuse(QStringLiteral("not a postgres:// URL"));
    const QUrl u(url, QUrl::StrictMode);
    // Never echo the URL itself: it may carry a password.
    if (!u.isValid() || u.host().isEmpty())
        return refuse(QStringLiteral("the state URL is not valid; write it as "
                                     "postgres://USER@HOST:PORT/DATABASE"));
    ServerAddress a;
    a.user = u.userName(QUrl::FullyDecoded);
    a.password = u.password(QUrl::FullyDecoded);
    a.host = u.host();
    a.port = u.port(5432);
    a.database = u.path(QUrl::FullyDecoded).mid(1);
    if (a.database.isEmpty() || a.database.contains(QLatin1Char('/')))
        return refuse(QStringLiteral("the state URL names no database; write it as "
                                     "postgres://USER@HOST:PORT/DATABASE"));
    const QUrlQuery query(u);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("sslmode"))
            a.sslMode = value;
        else
            return refuse(QStringLiteral("the state URL has an unknown option '%1' (known: "
                                         "sslmode)")
                              .arg(key));
    }
    return a;
}

bool StateStore::isServerUrl(const QString &path)
{
    return path.startsWith(QLatin1String("postgres://")) ||
           path.startsWith(QLatin1String("postgresql://"));
}

QString StateStore::ServerAddress::display() const
{
    return QStringLiteral("postgres://%1%2:%3/%4")
        .arg(user.isEmpty() ? QString() : user + QLatin1Char('@'), host)
        .arg(port)
        .arg(database);
}

std::unique_ptr<StateStore> StateStore::openServer(const ServerAddress &address, QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return nullptr;
    };
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return refuse(QStringLiteral("cannot use %1: Qt's PostgreSQL driver (QPSQL) is not "
                                     "installed (Debian: libqt6sql6-psql)")
                          .arg(address.display()));
    std::unique_ptr<StateStore> store(new StateStore);
    Private &p = *store->d;
    p.pg = true;
    p.path = address.display();
    p.connectionName =
        QStringLiteral("vouch-state-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    p.db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), p.connectionName);
    p.db.setHostName(address.host);
    p.db.setPort(address.port);
    p.db.setDatabaseName(address.database);
    if (!address.user.isEmpty())
        p.db.setUserName(address.user);
    if (!address.password.isEmpty())
        p.db.setPassword(address.password);
    QStringList options{QStringLiteral("connect_timeout=10"),
                        QStringLiteral("application_name=vouch")};
    if (!address.sslMode.isEmpty())
        options.append(QStringLiteral("sslmode=") + address.sslMode);
    p.db.setConnectOptions(options.join(QLatin1Char(';')));
    if (!p.db.open()) {
        // libpq's message names host, port and user, never the password.
        const QString why = p.db.lastError().text();
        return refuse(
            QStringLiteral("cannot connect to the state store %1: %2").arg(p.path, why.trimmed()));
    }
    {
        QSqlQuery q = p.query();
        if (!q.exec(
                QStringLiteral("SELECT session_user::text, current_setting('server_version_num')"
                               "::integer")) ||
            !q.next())
            return refuse(p.describe(QStringLiteral("cannot read the session"), q.lastError()));
        p.user = q.value(0).toString();
        if (q.value(1).toInt() < 110000)
            return refuse(QStringLiteral("state store %1: PostgreSQL %2 is too old; Vouch needs "
                                         "11 or newer")
                              .arg(p.path, q.value(1).toString()));
    }
    if (!p.exec(QStringLiteral("SET client_min_messages = warning"),
                QStringLiteral("cannot configure")))
        return refuse(p.lastError);
    const int version = p.schemaVersion();
    if (version < 0)
        return refuse(p.lastError);
    if (version > kSchemaVersion)
        return refuse(QStringLiteral("state store %1 was written by a newer Vouch (schema %2; this "
                                     "Vouch reads up to %3); upgrade Vouch")
                          .arg(p.path)
                          .arg(version)
                          .arg(kSchemaVersion));
    if (version < kSchemaVersion && !p.migrate(version))
        return refuse(p.lastError);
    return store;
}

std::unique_ptr<StateStore> StateStore::open(const QString &path, QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return nullptr;
    };
    if (isServerUrl(path)) {
        auto address = parseServerUrl(path, error);
        if (!address)
            return nullptr;
        if (address->password.isEmpty()) {
            // The URL carries no password: the store settings' one, if any
            // (keychain:NAME or ${ENV}); else libpq's PGPASSWORD or ~/.pgpass.
            const auto password = statePassword(error);
            if (!password)
                return nullptr;
            address->password = *password;
        }
        return openServer(*address, error);
    }

    const QFileInfo info(path);
    const QString file = info.absoluteFilePath();
    if (info.isDir())
        return refuse(QStringLiteral("state store %1 is a directory, not a file").arg(file));
    if (!QDir().mkpath(info.absolutePath()))
        return refuse(QStringLiteral("cannot create the directory %1 for the state store %2")
                          .arg(info.absolutePath(), file));
    if (const QString problem = checkSqliteHeader(file); !problem.isEmpty())
        return refuse(problem);

    std::unique_ptr<StateStore> store(new StateStore);
    Private &p = *store->d;
    p.path = file;
    p.connectionName =
        QStringLiteral("vouch-state-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    p.db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), p.connectionName);
    p.db.setDatabaseName(file);
    p.db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!p.db.open())
        return refuse(p.describe(QStringLiteral("cannot open"), p.db.lastError()));

    // Only connection-local settings before the version check, so that a
    // store from a newer Vouch is left byte for byte as it was.
    if (!p.exec(QStringLiteral("PRAGMA busy_timeout = 5000"), QStringLiteral("cannot configure")) ||
        !p.exec(QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("cannot configure")))
        return refuse(p.lastError);
    const int version = p.schemaVersion();
    if (version < 0)
        return refuse(p.lastError);
    if (version > kSchemaVersion)
        return refuse(newerSchema(file, version));

    {
        // Switching a new file to WAL needs it to itself for a moment; when
        // several parts of the app open a new store at once, the others wait.
        QSqlQuery q = p.query();
        bool switched = false;
        for (int attempt = 0; attempt < 200 && !switched; ++attempt) {
            switched = q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) && q.next();
            const QSqlError e = q.lastError();
            if (!switched && e.nativeErrorCode() != QLatin1String("5") &&
                e.nativeErrorCode() != QLatin1String("6") &&
                !e.databaseText().contains(QLatin1String("locked")))
                break; // not SQLITE_BUSY or SQLITE_LOCKED
            if (!switched)
                QThread::msleep(50);
        }
        if (!switched)
            return refuse(p.describe(QStringLiteral("cannot switch to WAL"), q.lastError()));
        if (q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            return refuse(QStringLiteral("state store %1: cannot switch to WAL (journal mode "
                                         "stays %2); is it on a network file system?")
                              .arg(file, q.value(0).toString()));
    }
    if (!p.exec(QStringLiteral("PRAGMA synchronous = NORMAL"),
                QStringLiteral("cannot configure")) ||
        !p.migrate(version))
        return refuse(p.lastError);
    return store;
}

bool StateStore::canWrite(const QString &path)
{
    if (isServerUrl(path))
        return true;
    const QFileInfo info(path);
    // A missing file is created by open(), in a directory it may create.
    if (!info.exists())
        return true;
    return writableByMe(info.absoluteFilePath()) && writableByMe(info.absolutePath());
}

std::unique_ptr<StateStore> StateStore::openReadOnly(const QString &path, QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return nullptr;
    };
    if (isServerUrl(path))
        return open(path, error);
    const QFileInfo info(path);
    const QString file = info.absoluteFilePath();
    if (info.isDir())
        return refuse(QStringLiteral("state store %1 is a directory, not a file").arg(file));
    if (!info.exists())
        return refuse(QStringLiteral("no state store at %1").arg(file));
    if (const QString problem = checkSqliteHeader(file); !problem.isEmpty())
        return refuse(problem);

    std::unique_ptr<StateStore> store(new StateStore);
    Private &p = *store->d;
    p.path = file;
    p.readOnly = true;
    p.connectionName =
        QStringLiteral("vouch-state-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    // A WAL store read through mode=ro still needs its -shm, which SQLite
    // creates beside the file: impossible in a directory this user cannot
    // write, and a file of ours in another user's directory would lock its
    // owner out. Without a -wal nobody is writing, so the file is read as
    // immutable (no locks, no -shm); with one, through the writer's -shm.
    // A store this user may write is opened as usual but query_only: a
    // read-only connection could not remove the -wal and -shm it made.
    const bool writable = canWrite(file);
    const QFileInfo wal(file + QStringLiteral("-wal"));
    const bool immutable = !writable && !(wal.exists() && wal.size() > 0);
    QUrl uri = QUrl::fromLocalFile(file);
    uri.setQuery(writable    ? QStringLiteral("mode=rw")
                 : immutable ? QStringLiteral("mode=ro&immutable=1")
                             : QStringLiteral("mode=ro"));
    p.db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), p.connectionName);
    p.db.setDatabaseName(uri.toString(QUrl::FullyEncoded));
    p.db.setConnectOptions(writable ? QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_BUSY_TIMEOUT=5000")
                                    : QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI;"
                                                     "QSQLITE_BUSY_TIMEOUT=5000"));
    if (!p.db.open())
        return refuse(p.describe(QStringLiteral("cannot open read-only"), p.db.lastError()));
    if (writable && !p.exec(QStringLiteral("PRAGMA query_only = ON"),
                            QStringLiteral("cannot make the connection read-only")))
        return refuse(p.lastError);
    const int version = p.schemaVersion();
    if (version < 0)
        return refuse(p.lastError);
    if (version > kSchemaVersion)
        return refuse(newerSchema(file, version));
    if (version == 0)
        return refuse(QStringLiteral("state store %1 holds no runs yet (no Vouch schema); run a "
                                     "contract first (vouch run FILE)")
                          .arg(file));
    if (version < kSchemaVersion)
        return refuse(
            QStringLiteral("state store %1 was written by an older Vouch (schema %2; this "
                           "Vouch reads schema %3) and is only read here, so it is not "
                           "upgraded; upgrade it once with write access (`vouch status "
                           "--state FILE` by a user who may write the file and its "
                           "directory, or on a writable copy), or read it with the Vouch "
                           "that wrote it")
                .arg(file)
                .arg(version)
                .arg(kSchemaVersion));
    return store;
}

QString StateStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/state.db");
}

QString StateStore::path() const
{
    return d->path;
}

bool StateStore::isReadOnly() const
{
    return d->readOnly;
}

bool StateStore::isPostgres() const
{
    return d->pg;
}

QString StateStore::databaseUser() const
{
    return d->user;
}

qint64 StateStore::createRun(const QString &reportId, const QString &period,
                             const QString &contractPath)
{
    d->clearError();
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("INSERT INTO runs (report_id, period, contract_path, created_at) "
                                "VALUES (?, ?, ?, ?)"),
                 {text(reportId), text(period), text(contractPath), nowMs()},
                 QStringLiteral("cannot create the run of %1 for %2").arg(reportId, period)))
        return 0;
    return q.lastInsertId().toLongLong();
}

bool StateStore::setPinnedClock(qint64 runId, const QDateTime &judgedAt)
{
    d->clearError();
    QSqlQuery q = d->query();
    return d->exec(q, QStringLiteral("UPDATE runs SET pinned_clock = ? WHERE id = ?"),
                   {judgedAt.isValid() ? QVariant(judgedAt.toMSecsSinceEpoch())
                                       : QVariant(QMetaType::fromType<qint64>()),
                    runId},
                   QStringLiteral("cannot record the clock of run %1").arg(runId));
}

std::optional<RunRecord> StateStore::run(qint64 runId) const
{
    d->clearError();
    return d->oneRun(QString::fromUtf8(kSelectRun) + QStringLiteral(" WHERE r.id = ?"), {runId},
                     QStringLiteral("cannot read run %1").arg(runId));
}

std::optional<RunRecord> StateStore::latestRun(const QString &reportId) const
{
    d->clearError();
    const QString order = QStringLiteral(" ORDER BY r.created_at DESC, r.id DESC LIMIT 1");
    const QString what = QStringLiteral("cannot read the latest run");
    if (reportId.isEmpty())
        return d->oneRun(QString::fromUtf8(kSelectRun) + order, {}, what);
    return d->oneRun(QString::fromUtf8(kSelectRun) + QStringLiteral(" WHERE r.report_id = ?") +
                         order,
                     {reportId}, what);
}

std::optional<RunRecord> StateStore::findRun(const QString &reportId, const QString &period) const
{
    d->clearError();
    return d->oneRun(QString::fromUtf8(kSelectRun) +
                         QStringLiteral(" WHERE r.report_id = ? AND r.period = ?"),
                     {reportId, period},
                     QStringLiteral("cannot find the run of %1 for %2").arg(reportId, period));
}

QList<RunRecord> StateStore::runs(const QString &reportId, int limit) const
{
    d->clearError();
    QString sql = QString::fromUtf8(kSelectRun);
    QVariantList values;
    if (!reportId.isEmpty()) {
        sql += QStringLiteral(" WHERE r.report_id = ?");
        values.append(reportId);
    }
    sql += QStringLiteral(" ORDER BY r.created_at DESC, r.id DESC LIMIT ?");
    // No limit: -1 on SQLite, NULL (LIMIT ALL) on PostgreSQL.
    values.append(limit > 0 ? QVariant(limit) : d->pg ? QVariant() : QVariant(-1));
    QList<RunRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q, sql, values, QStringLiteral("cannot list runs")))
        return result;
    while (q.next())
        result.append(runFrom(q));
    return result;
}

int StateStore::beginAttempt(qint64 runId, const QString &who, const QString &reason,
                             const QStringList &selection, const QString &contractSha256,
                             const QByteArray &contractText)
{
    d->clearError();
    const QString what = QStringLiteral("cannot begin an attempt of run %1").arg(runId);
    if (!d->begin(what))
        return 0;
    int attempt = 0;
    {
        QSqlQuery q = d->query();
        if (!d->exec(q,
                     QStringLiteral("SELECT coalesce(max(attempt), 0) + 1 FROM attempts "
                                    "WHERE run_id = ?"),
                     {runId}, what) ||
            !q.next()) {
            q.finish();
            d->rollback();
            return 0;
        }
        attempt = q.value(0).toInt();
        q.finish();
        if (!d->exec(
                q,
                QStringLiteral("INSERT INTO attempts (run_id, attempt, who, reason, started_at, "
                               "contract_sha256) VALUES (?, ?, ?, ?, ?, ?)"),
                {runId, attempt, text(who), text(reason), nowMs(),
                 contractSha256.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                          : QVariant(contractSha256)},
                what) ||
            (!contractSha256.isEmpty() &&
             !d->exec(q,
                      QStringLiteral("INSERT INTO contract_texts (sha256, body) VALUES (?, ?) "
                                     "ON CONFLICT (sha256) DO NOTHING"),
                      {contractSha256, contractText}, what)) ||
            !d->exec(q,
                     QStringLiteral("INSERT INTO attempt_selections (run_id, attempt, selection) "
                                    "VALUES (?, ?, ?)"),
                     {runId, attempt, stringListJson(selection)}, what)) {
            d->rollback();
            return 0;
        }
    }
    return d->commit(what) ? attempt : 0;
}

void StateStore::finishAttempt(qint64 runId, int attempt)
{
    d->clearError();
    QSqlQuery q = d->query();
    d->exec(q,
            QStringLiteral("UPDATE attempts SET finished_at = ? WHERE run_id = ? AND attempt = ?"),
            {nowMs(), runId, attempt},
            QStringLiteral("cannot finish attempt %1 of run %2").arg(attempt).arg(runId));
}

QList<AttemptRecord> StateStore::attempts(qint64 runId) const
{
    d->clearError();
    QList<AttemptRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("SELECT a.attempt, a.who, a.reason, coalesce(s.selection, '[]'), "
                                "a.started_at, a.finished_at, a.contract_sha256 "
                                "FROM attempts a LEFT JOIN attempt_selections s "
                                "ON s.run_id = a.run_id AND s.attempt = a.attempt "
                                "WHERE a.run_id = ? ORDER BY a.attempt"),
                 {runId}, QStringLiteral("cannot read the attempts of run %1").arg(runId)))
        return result;
    while (q.next()) {
        AttemptRecord a;
        a.runId = runId;
        a.attempt = q.value(0).toInt();
        a.who = q.value(1).toString();
        a.reason = q.value(2).toString();
        a.selection = stringListFrom(q.value(3).toString());
        a.startedAt = storedTime(q.value(4));
        a.finishedAt = storedTime(q.value(5));
        a.contractSha256 = q.value(6).toString();
        result.append(a);
    }
    return result;
}

std::optional<QByteArray> StateStore::contractText(const QString &sha256) const
{
    d->clearError();
    QSqlQuery q = d->query();
    if (!d->exec(q, QStringLiteral("SELECT body FROM contract_texts WHERE sha256 = ?"), {sha256},
                 QStringLiteral("cannot read the contract %1").arg(sha256.left(12))) ||
        !q.next())
        return std::nullopt;
    return q.value(0).toByteArray();
}

void StateStore::record(const Transition &transition)
{
    Q_ASSERT(transition.runId > 0 && transition.attempt > 0 && !transition.nodeId.isEmpty());
    d->buffer.append(transition);
}

bool StateStore::flush(QString *error)
{
    d->clearError();
    if (d->buffer.isEmpty())
        return true;
    const auto failed = [this, error] {
        if (error)
            *error = d->lastError;
        return false;
    };
    const QString what = QStringLiteral("cannot flush %1 transitions").arg(d->buffer.size());
    if (d->pg) {
        if (!d->begin(what))
            return failed();
        if (!d->writePg(d->buffer)) {
            d->rollback();
            return failed(); // the buffer is kept for the next flush
        }
        if (!d->commit(what))
            return failed();
        d->buffer.clear();
        return true;
    }
    if (!d->prepareFlush() || !d->begin(what))
        return failed();
    for (const Transition &t : std::as_const(d->buffer)) {
        if (!d->write(t)) {
            d->rollback();
            // The buffer is kept: a later flush retries (e.g. after a busy timeout).
            return failed();
        }
    }
    if (!d->commit(what))
        return failed();
    d->buffer.clear();
    return true;
}

int StateStore::pending() const
{
    return int(d->buffer.size());
}

QList<NodeRunRecord> StateStore::nodeRuns(qint64 runId) const
{
    d->clearError();
    QList<NodeRunRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q, QStringLiteral(R"(
            SELECT n.node_id, n.attempt, n.state, n.tries, n.freshness, n.message, n.value,
                n.reference, n.age_seconds, n.observed_at, n.sample_rows, n.log_path,
                n.started_at, n.finished_at, n.process_group
            FROM node_runs n
            WHERE n.run_id = ? AND n.attempt = (SELECT max(m.attempt) FROM node_runs m
                                                WHERE m.run_id = n.run_id AND m.node_id = n.node_id)
            ORDER BY n.node_id)"),
                 {runId}, QStringLiteral("cannot read the nodes of run %1").arg(runId)))
        return result;
    while (q.next()) {
        NodeRunRecord r;
        r.nodeId = q.value(0).toString();
        r.attempt = q.value(1).toInt();
        r.state = nodeStateFrom(q.value(2).toString());
        r.tries = q.value(3).toInt();
        r.freshness = freshnessFrom(q.value(4).toString());
        r.message = q.value(5).toString();
        if (!q.value(6).isNull())
            r.value = q.value(6).toDouble();
        if (!q.value(7).isNull())
            r.reference = q.value(7).toDouble();
        if (!q.value(8).isNull())
            r.ageSeconds = q.value(8).toLongLong();
        r.observedAt = storedTime(q.value(9));
        r.sampleRows = sampleRowsFrom(q.value(10));
        r.logPath = q.value(11).toString();
        r.startedAt = storedTime(q.value(12));
        r.finishedAt = storedTime(q.value(13));
        r.processGroup = q.value(14).toLongLong();
        result.append(r);
    }
    return result;
}

QList<EventRecord> StateStore::events(qint64 runId, qint64 afterSeq) const
{
    d->clearError();
    QList<EventRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("SELECT seq, attempt, node_id, state, at, message FROM events "
                                "WHERE run_id = ? AND seq > ? ORDER BY seq"),
                 {runId, afterSeq}, QStringLiteral("cannot read the events of run %1").arg(runId)))
        return result;
    while (q.next()) {
        EventRecord e;
        e.seq = q.value(0).toLongLong();
        e.runId = runId;
        e.attempt = q.value(1).toInt();
        e.nodeId = q.value(2).toString();
        e.state = nodeStateFrom(q.value(3).toString());
        e.at = storedTime(q.value(4));
        e.message = q.value(5).toString();
        result.append(e);
    }
    return result;
}

QStringList StateStore::markInterrupted(qint64 runId, const QString &message)
{
    // Flush first so that what we read includes everything recorded so far.
    if (!flush())
        return {};
    const QList<NodeRunRecord> rows = nodeRuns(runId);
    if (!d->lastError.isEmpty())
        return {};
    const QDateTime now = clockNow();
    QStringList ids;
    for (const NodeRunRecord &row : rows) {
        // Pending nodes never started: they stay pending for the next attempt.
        if (isTerminal(row.state) || row.state == NodeState::Pending)
            continue;
        Transition t;
        t.runId = runId;
        t.attempt = row.attempt;
        t.nodeId = row.nodeId;
        t.state = NodeState::Interrupted;
        t.at = now;
        t.tries = row.tries;
        t.message = message;
        // Kept so that recovery can still find (and kill) an orphaned process group.
        t.processGroup = row.processGroup;
        record(t);
        ids.append(row.nodeId);
    }
    if (!flush())
        return {};
    // The attempt that died never finished itself: it ends now, at recovery,
    // so that history shows when it was known to be over (callers hold the
    // run's lease, so no live process is still in it).
    // On failure lastError() says so; the nodes are interrupted all the same.
    QSqlQuery q = d->query();
    d->exec(q,
            QStringLiteral("UPDATE attempts SET finished_at = ? WHERE run_id = ? AND "
                           "finished_at IS NULL"),
            {nowMs(), runId},
            QStringLiteral("cannot finish the interrupted attempts of run %1").arg(runId));
    return ids;
}

bool StateStore::acquireLease(const QString &key, const QString &holder, int ttlSeconds)
{
    Q_ASSERT(!holder.isEmpty() && ttlSeconds > 0);
    d->clearError();
    const QString what = QStringLiteral("cannot acquire the lease %1").arg(key);
    if (!d->begin(what))
        return false;
    const qint64 now = d->storeNowMs();
    QString current;
    {
        QSqlQuery q = d->query();
        if (!d->exec(q, QStringLiteral(R"(
                INSERT INTO leases (key, holder, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET holder = excluded.holder,
                                                expires_at = excluded.expires_at
                WHERE leases.holder = excluded.holder OR leases.expires_at <= ?)"),
                     {text(key), holder, now + qint64(ttlSeconds) * 1000, now}, what) ||
            !d->exec(q, QStringLiteral("SELECT holder FROM leases WHERE key = ?"), {text(key)},
                     what) ||
            !q.next()) {
            q.finish();
            d->rollback();
            return false;
        }
        current = q.value(0).toString();
    }
    return d->commit(what) && current == holder;
}

void StateStore::releaseLease(const QString &key, const QString &holder)
{
    d->clearError();
    QSqlQuery q = d->query();
    d->exec(q, QStringLiteral("DELETE FROM leases WHERE key = ? AND holder = ?"),
            {text(key), text(holder)}, QStringLiteral("cannot release the lease %1").arg(key));
}

QString StateStore::leaseHolder(const QString &key) const
{
    d->clearError();
    QSqlQuery q = d->query();
    const qint64 now = d->storeNowMs();
    if (!d->exec(q, QStringLiteral("SELECT holder FROM leases WHERE key = ? AND expires_at > ?"),
                 {text(key), now}, QStringLiteral("cannot read the lease %1").arg(key)) ||
        !q.next())
        return QString();
    return q.value(0).toString();
}

std::optional<LeaseRecord> StateStore::lease(const QString &key) const
{
    d->clearError();
    const qint64 now = d->storeNowMs();
    QSqlQuery q = d->query();
    if (!d->exec(q, QStringLiteral("SELECT holder, expires_at FROM leases WHERE key = ?"),
                 {text(key)}, QStringLiteral("cannot read the lease %1").arg(key)) ||
        !q.next())
        return std::nullopt;
    LeaseRecord l;
    l.key = key;
    l.holder = q.value(0).toString();
    l.expiresAt = storedTime(q.value(1));
    l.live = q.value(1).toLongLong() > now;
    return l;
}

QList<EventRecord> StateStore::eventsSince(qint64 afterSeq, const QString &reportId,
                                           int limit) const
{
    d->clearError();
    QList<EventRecord> result;
    QSqlQuery q = d->query();
    QString sql = QStringLiteral("SELECT e.seq, e.run_id, e.attempt, e.node_id, e.state, e.at, "
                                 "e.message FROM events e");
    QVariantList values;
    if (!reportId.isEmpty()) {
        sql +=
            QStringLiteral(" JOIN runs r ON r.id = e.run_id WHERE r.report_id = ? AND e.seq > ?");
        values << reportId;
    } else {
        sql += QStringLiteral(" WHERE e.seq > ?");
    }
    sql += QStringLiteral(" ORDER BY e.seq LIMIT ?");
    values << afterSeq << limit;
    if (!d->exec(q, sql, values, QStringLiteral("cannot read the events")))
        return result;
    while (q.next()) {
        EventRecord e;
        e.seq = q.value(0).toLongLong();
        e.runId = q.value(1).toLongLong();
        e.attempt = q.value(2).toInt();
        e.nodeId = q.value(3).toString();
        e.state = nodeStateFrom(q.value(4).toString());
        e.at = storedTime(q.value(5));
        e.message = q.value(6).toString();
        result.append(e);
    }
    return result;
}

qint64 StateStore::lastEventSeq() const
{
    d->clearError();
    QSqlQuery q = d->query();
    if (!d->exec(q, QStringLiteral("SELECT coalesce(max(seq), 0) FROM events"), {},
                 QStringLiteral("cannot read the events")) ||
        !q.next())
        return 0;
    return q.value(0).toLongLong();
}

namespace {
constexpr char kRequestColumns[] =
    "id, report_id, period, run_id, kind, selector, downstream, failed_only, who, reason, "
    "requested_at, state, handled_by, handled_at, attempt, outcome";

RequestRecord requestFrom(const QSqlQuery &q)
{
    RequestRecord r;
    r.id = q.value(0).toLongLong();
    r.reportId = q.value(1).toString();
    r.period = q.value(2).toString();
    r.runId = q.value(3).toLongLong();
    r.kind = q.value(4).toString();
    r.selector = q.value(5).toString();
    r.downstream = q.value(6).toInt() != 0;
    r.failedOnly = q.value(7).toInt() != 0;
    r.who = q.value(8).toString();
    r.reason = q.value(9).toString();
    r.requestedAt = storedTime(q.value(10));
    r.state = q.value(11).toString();
    r.handledBy = q.value(12).toString();
    r.handledAt = storedTime(q.value(13));
    r.attempt = q.value(14).toInt();
    r.outcome = q.value(15).toString();
    return r;
}
} // namespace

qint64 StateStore::addRequest(const RequestRecord &r)
{
    d->clearError();
    QSqlQuery q = d->query();
    const QString sql =
        QStringLiteral("INSERT INTO requests (report_id, period, run_id, kind, selector, "
                       "downstream, failed_only, who, reason, requested_at) VALUES (?, ?, ?, ?, "
                       "?, ?, ?, ?, ?, ?)") +
        (d->pg ? QStringLiteral(" RETURNING id") : QString());
    if (!d->exec(q, sql,
                 {text(r.reportId), text(r.period), r.runId > 0 ? QVariant(r.runId) : QVariant(),
                  text(r.kind), text(r.selector), int(r.downstream), int(r.failedOnly), text(r.who),
                  text(r.reason), d->storeNowMs()},
                 QStringLiteral("cannot record the %1 request").arg(r.kind)))
        return 0;
    if (d->pg)
        return q.next() ? q.value(0).toLongLong() : 0;
    return q.lastInsertId().toLongLong();
}

QList<RequestRecord> StateStore::requests(const QString &reportId, const QString &state,
                                          int limit) const
{
    d->clearError();
    QList<RequestRecord> result;
    QString sql = QStringLiteral("SELECT %1 FROM requests").arg(QLatin1String(kRequestColumns));
    QStringList where;
    QVariantList values;
    if (!reportId.isEmpty()) {
        where << QStringLiteral("report_id = ?");
        values << reportId;
    }
    if (!state.isEmpty()) {
        where << QStringLiteral("state = ?");
        values << state;
    }
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY id LIMIT ?");
    values << limit;
    QSqlQuery q = d->query();
    if (!d->exec(q, sql, values, QStringLiteral("cannot read the requests")))
        return result;
    while (q.next())
        result.append(requestFrom(q));
    return result;
}

std::optional<RequestRecord> StateStore::request(qint64 id) const
{
    d->clearError();
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("SELECT %1 FROM requests WHERE id = ?")
                     .arg(QLatin1String(kRequestColumns)),
                 {id}, QStringLiteral("cannot read request %1").arg(id)) ||
        !q.next())
        return std::nullopt;
    return requestFrom(q);
}

bool StateStore::claimRequest(qint64 id, const QString &holder)
{
    d->clearError();
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("UPDATE requests SET state = 'running', handled_by = ?, "
                                "handled_at = ? WHERE id = ? AND state = 'pending'"),
                 {text(holder), d->storeNowMs(), id},
                 QStringLiteral("cannot claim request %1").arg(id)))
        return false;
    return q.numRowsAffected() == 1;
}

bool StateStore::finishRequest(qint64 id, const QString &state, int attempt, const QString &outcome)
{
    d->clearError();
    QSqlQuery q = d->query();
    return d->exec(q,
                   QStringLiteral("UPDATE requests SET state = ?, attempt = ?, outcome = ?, "
                                  "handled_at = ? WHERE id = ?"),
                   {text(state), attempt > 0 ? QVariant(attempt) : QVariant(), text(outcome),
                    d->storeNowMs(), id},
                   QStringLiteral("cannot finish request %1").arg(id));
}

bool StateStore::lastErrorRefused() const
{
    return d->lastErrorRefused;
}

QString StateStore::connectionName() const
{
    return d->connectionName;
}

QString StateStore::lastError() const
{
    return d->lastError;
}

} // namespace vouch::engine
