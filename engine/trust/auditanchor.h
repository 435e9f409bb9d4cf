#pragma once

// Anchors of the audit log: its head (seq and hash) published outside the
// state store, so that someone who can write the store cannot rewrite the
// chain consistently, or cut entries off its end, without verify noticing.
//
// The chain alone (auditlog.h) catches an entry edited or removed in the
// middle. It cannot catch a chain recomputed from an edited entry to the end,
// nor the newest entries deleted together with the sequence record: those
// logs are valid chains. An anchor written before the rewrite holds the hash
// the entry at its seq had then; checkAnchor() compares it with what the
// store holds now.
//
// Anchors go to a JSON file (written atomically, never through a symbolic
// link) or to the table vouch_audit_anchor in the warehouse the contract
// publishes to. Plain functions; each call opens and closes what it needs on
// the calling thread.

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace vouch::engine {

class AuditLog;
struct Contract;
struct RunContext;

struct AuditAnchor
{
    qint64 seq = 0;     // the head's seq; 0 for an empty log
    QString hash;       // the head's hash; the genesis hash for an empty log
    qint64 entries = 0; // entries in the log when anchored
    QDateTime anchoredAt;
    QString store;    // the store's path or URL (without a password)
    QString reportId; // the report whose warehouse holds it; empty in a file
};

// The log's head now, or nullopt with *error set when it cannot be read.
std::optional<AuditAnchor> auditHead(const AuditLog &log, const QString &store,
                                     const QDateTime &now, QString *error);

// Compares the log with an anchor. Empty when the entry at the anchored seq
// is there with the anchored hash; otherwise the first difference, for a
// person ("entry 3 has hash … ; the anchor has …").
QString checkAnchor(const AuditLog &log, const AuditAnchor &anchor);

// The anchor as JSON: {"format": "vouch-audit-anchor-1", "seq", "hash",
// "entries", "anchored_at", "store"}, plus "report_id" when set. What files
// hold and webhooks receive.
QJsonObject toJson(const AuditAnchor &anchor);

// Writes the anchor as JSON to `path`: to a temporary file beside it, then
// renamed over it. Refuses a symbolic link at `path`. Empty on success.
QString writeAnchorFile(const AuditAnchor &anchor, const QString &path);
// Reads an anchor file; nullopt with *error naming the file and what is wrong.
std::optional<AuditAnchor> readAnchorFile(const QString &path, QString *error);

// Appends the anchor to vouch_audit_anchor (created if missing) in the
// warehouse of the contract's publish node. Empty on success.
QString writeWarehouseAnchor(const Contract &contract, const AuditAnchor &anchor,
                             const RunContext &context);
// Every anchor of the contract's report in that warehouse, oldest first;
// nullopt with *error set when there is no publish connection or it fails.
std::optional<QList<AuditAnchor>> readWarehouseAnchors(const Contract &contract,
                                                       const RunContext &context, QString *error);

} // namespace vouch::engine
