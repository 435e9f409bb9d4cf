// The PostgreSQL schema, migration by migration (see storeprivate.h).

#include "engine/store/storeprivate.h"

namespace vouch::engine::storedetail {

namespace {

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
    kCreateDeliveries,
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

} // namespace

const Migrations &pgMigrations()
{
    static constexpr Migrations migrations = {&kPgMigration1, &kPgMigration2, &kPgMigration3,
                                              &kPgMigration4, &kPgMigration5, &kMigration6,
                                              &kPgMigration7, &kPgMigration8, &kMigration9};
    return migrations;
}

} // namespace vouch::engine::storedetail
