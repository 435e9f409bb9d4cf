#pragma once

// The audit trail of the trust layer: who decided or requested what, when,
// for which report and period (approvals, holds, reruns, acknowledgements).
//
// Append-only and hash-chained, in the audit_log table of the state store.
// Every entry carries the SHA-256 of its own contents and of the entry before
// it, so an entry changed after it was written, or removed from the middle,
// shows up in verify(). The store's triggers refuse UPDATE and DELETE through
// normal SQL; the chain is what catches someone who drops the triggers.
//
// The hash of an entry is the lowercase hex SHA-256 of ten netstrings
// ("<UTF-8 byte length in decimal>:<bytes>,"), in this order:
//   "vouch-audit-1", seq, at (ms since the epoch, UTC), who, action,
//   report_id, period, run_id ("" when NULL), details, prev_hash
// where numbers are plain decimal, text is UTF-8, and details is the compact
// JSON text exactly as stored (written with keys sorted: QJsonObject keeps its
// keys sorted by UTF-16 code units). The first entry's prev_hash is 64 zeros.
// The length prefixes make the encoding unambiguous; hashing the stored bytes
// keeps old entries verifiable whatever a later Qt does to JSON formatting.
//
// Limits, by design of a chain without a secret:
// - Deleting the last entries leaves a valid chain. verify() still notices it
//   while SQLite's own record of the highest seq ever issued (sqlite_sequence)
//   is intact: "the last N entries were deleted". Someone who also lowers that
//   record, or who recomputes every hash from the edited entry to the end,
//   produces a log that verifies. Keep the latest hash somewhere else (a
//   published report, a ticket) to anchor it against that.
// - On PostgreSQL the table audit_sequence plays sqlite_sequence's part; it is
//   updated in the append's transaction, and its row lock serialises appends.
//
// An AuditLog works on the connection of one StateStore and is used on that
// store's thread only. Other processes and other StateStore connections may
// append to the same file at the same time: every append is one IMMEDIATE
// transaction, so the chain stays linear.

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace vouch::engine {

class StateStore;

struct AuditEntry
{
    qint64 seq = 0;
    QDateTime at; // UTC, millisecond precision
    QString who;
    QString action; // e.g. "approve", "hold", "rerun"
    QString reportId;
    QString period;
    qint64 runId = 0; // 0: not about a run (stored as NULL)
    QJsonObject details;
    QString prevHash; // hex SHA-256 of the entry before; 64 zeros for the first
    QString hash;     // hex SHA-256 of this entry (see above)
};

struct AuditVerification
{
    bool ok = true;
    qint64 entries = 0;     // entries present in the log
    qint64 firstBadSeq = 0; // the first entry found wrong or missing; 0 when ok
    QString problem;        // for a person, e.g. "entry 5 is missing (seq jumps from 4 to 6)"
};

class AuditLog
{
public:
    // Uses store.connectionName(); the store must outlive this object.
    explicit AuditLog(StateStore &store);

    // Appends one entry in its own IMMEDIATE transaction, stamped with the
    // current time. Returns the entry as stored (seq, at, hashes), or nullopt
    // with *error set.
    std::optional<AuditEntry> append(const QString &who, const QString &action,
                                     const QString &reportId, const QString &period, qint64 runId,
                                     const QJsonObject &details, QString *error = nullptr);

    // The entries in seq order, of one report (and period) when given. Empty
    // with lastError() set when the log cannot be read.
    QList<AuditEntry> entries(const QString &reportId = {}, const QString &period = {}) const;

    // Walks the whole chain, in one read transaction, and reports the first
    // problem found.
    AuditVerification verify() const;

    // The error of the last call (append, entries, or a verify() that could not
    // read the log); empty when it succeeded.
    QString lastError() const;
    // The last append failed because the database refused this user
    // (PostgreSQL: insufficient privilege), not because of a fault.
    bool lastErrorRefused() const;

    // The prev_hash of the first entry.
    static QString genesisHash();

private:
    QString m_connectionName;
    mutable QString m_lastError;
    bool m_refused = false;
};

} // namespace vouch::engine
