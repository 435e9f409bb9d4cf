// The SQLite schema, migration by migration (see storeprivate.h).

#include "engine/store/storeprivate.h"

namespace vouch::engine::storedetail {

namespace {

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
constexpr Migration kMigration5 = {
    kCreateDeliveries,
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_at)",
    "CREATE INDEX IF NOT EXISTS deliveries_by_run ON deliveries (run_id)",
    R"(CREATE TABLE IF NOT EXISTS delivery_cursors (
        report_id TEXT PRIMARY KEY,
        last_seq BIGINT NOT NULL
    ))",
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

} // namespace

const Migrations &sqliteMigrations()
{
    static constexpr Migrations migrations = {&kMigration1, &kMigration2, &kMigration3,
                                              &kMigration4, &kMigration5, &kMigration6,
                                              &kMigration7, &kMigration8, &kMigration9};
    return migrations;
}

} // namespace vouch::engine::storedetail
