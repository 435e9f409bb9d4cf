#include "engine/trust/auditanchor.h"

#include "engine/contract/contract.h"
#include "engine/run/dialect.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/trust/auditlog.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QSaveFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace vouch::engine {

namespace {

const QString kFormat = QStringLiteral("vouch-audit-anchor-1");

bool isHexHash(const QString &text)
{
    if (text.size() != 64)
        return false;
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return (c >= QLatin1Char('0') && c <= QLatin1Char('9')) ||
               (c >= QLatin1Char('a') && c <= QLatin1Char('f'));
    });
}

const Connection *publishConnection(const Contract &contract, QString *error)
{
    const Node *publish = nullptr;
    for (const Node &n : contract.nodes) {
        if (n.kind == NodeKind::Publish && !n.connection.isEmpty())
            publish = &n;
    }
    const auto it = publish ? contract.connections.constFind(publish->connection)
                            : contract.connections.constEnd();
    if (it == contract.connections.constEnd()) {
        *error = QStringLiteral("the contract of %1 has no publish node with a connection: "
                                "there is no warehouse to anchor to; use --to FILE")
                     .arg(contract.report.id);
        return nullptr;
    }
    return &*it;
}

} // namespace

std::optional<AuditAnchor> auditHead(const AuditLog &log, const QString &store,
                                     const QDateTime &now, QString *error)
{
    const QList<AuditEntry> entries = log.entries();
    if (!log.lastError().isEmpty()) {
        *error = log.lastError();
        return std::nullopt;
    }
    AuditAnchor anchor;
    anchor.entries = entries.size();
    anchor.seq = entries.isEmpty() ? 0 : entries.last().seq;
    anchor.hash = entries.isEmpty() ? AuditLog::genesisHash() : entries.last().hash;
    anchor.anchoredAt = now.toUTC();
    anchor.store = store;
    return anchor;
}

QString checkAnchor(const AuditLog &log, const AuditAnchor &anchor)
{
    const QList<AuditEntry> entries = log.entries();
    if (!log.lastError().isEmpty())
        return log.lastError();
    if (anchor.seq == 0)
        return QString(); // an empty log was anchored: any log has grown from it
    const qint64 last = entries.isEmpty() ? 0 : entries.last().seq;
    if (last < anchor.seq) {
        return QStringLiteral("the log ends at entry %1, but entry %2 was anchored: entries were "
                              "deleted from the end")
            .arg(last)
            .arg(anchor.seq);
    }
    const auto it = std::find_if(entries.cbegin(), entries.cend(),
                                 [&](const AuditEntry &e) { return e.seq == anchor.seq; });
    if (it == entries.cend())
        return QStringLiteral("entry %1, which was anchored, is missing").arg(anchor.seq);
    if (it->hash != anchor.hash) {
        return QStringLiteral("entry %1 has hash %2, the anchor has %3: the chain was rewritten "
                              "at or before entry %1")
            .arg(anchor.seq)
            .arg(it->hash, anchor.hash);
    }
    return QString();
}

QJsonObject toJson(const AuditAnchor &anchor)
{
    QJsonObject json{{QStringLiteral("format"), kFormat},
                     {QStringLiteral("seq"), anchor.seq},
                     {QStringLiteral("hash"), anchor.hash},
                     {QStringLiteral("entries"), anchor.entries},
                     {QStringLiteral("anchored_at"), anchor.anchoredAt.toString(Qt::ISODateWithMs)},
                     {QStringLiteral("store"), anchor.store}};
    if (!anchor.reportId.isEmpty())
        json.insert(QStringLiteral("report_id"), anchor.reportId);
    return json;
}

QString writeAnchorFile(const AuditAnchor &anchor, const QString &path)
{
    // QSaveFile renames over the path, which replaces a link rather than
    // writing through it; refusing one still says plainly what was found.
    if (QFileInfo(path).isSymLink()) {
        return QStringLiteral("refusing to write anchor file %1: it is a symbolic link; remove it "
                              "or give another path")
            .arg(path);
    }
    const QJsonObject json{
        {QStringLiteral("format"), kFormat},
        {QStringLiteral("seq"), anchor.seq},
        {QStringLiteral("hash"), anchor.hash},
        {QStringLiteral("entries"), anchor.entries},
        {QStringLiteral("anchored_at"), anchor.anchoredAt.toString(Qt::ISODateWithMs)},
        {QStringLiteral("store"), anchor.store}};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write anchor file %1: %2").arg(path, file.errorString());
    file.write(QJsonDocument(json).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return QStringLiteral("cannot write anchor file %1: %2").arg(path, file.errorString());
    return QString();
}

std::optional<AuditAnchor> readAnchorFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read anchor file %1: %2; give the file `vouch audit anchor "
                                "--to` wrote")
                     .arg(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(1 << 20), &parseError);
    const QJsonObject json = doc.object();
    const QJsonValue seq = json.value(QStringLiteral("seq"));
    const QString hash = json.value(QStringLiteral("hash")).toString();
    const QDateTime at = QDateTime::fromString(json.value(QStringLiteral("anchored_at")).toString(),
                                               Qt::ISODateWithMs);
    QString problem;
    if (parseError.error != QJsonParseError::NoError)
        problem = QStringLiteral("it is not JSON (%1)").arg(parseError.errorString());
    else if (json.value(QStringLiteral("format")).toString() != kFormat)
        problem = QStringLiteral("\"format\" is not \"%1\"").arg(kFormat);
    else if (!seq.isDouble() || seq.toDouble() < 0 || seq.toDouble() != double(seq.toInteger()))
        problem = QStringLiteral("\"seq\" is not a whole number");
    else if (!isHexHash(hash))
        problem = QStringLiteral("\"hash\" is not 64 lowercase hex digits");
    else if (!at.isValid())
        problem = QStringLiteral("\"anchored_at\" is not an ISO time");
    if (!problem.isEmpty()) {
        *error = QStringLiteral("anchor file %1 is malformed: %2; give the file `vouch audit "
                                "anchor --to` wrote")
                     .arg(path, problem);
        return std::nullopt;
    }
    AuditAnchor anchor;
    anchor.seq = seq.toInteger();
    anchor.hash = hash;
    anchor.entries = json.value(QStringLiteral("entries")).toInteger();
    anchor.anchoredAt = at.toUTC();
    anchor.store = json.value(QStringLiteral("store")).toString();
    return anchor;
}

QString writeWarehouseAnchor(const Contract &contract, const AuditAnchor &anchor,
                             const RunContext &context)
{
    QString error;
    const Connection *connection = publishConnection(contract, &error);
    if (!connection)
        return error;
    return withConnection(*connection, context, [&](QSqlDatabase &db) -> QString {
        if (const QString e = ensureTable(
                db, connection->dialect, QStringLiteral("vouch_audit_anchor"),
                QStringLiteral("report_id %ID NOT NULL, seq BIGINT NOT NULL, hash %ID NOT NULL, "
                               "entries BIGINT NOT NULL, store %TEXT NOT NULL, anchored_at %ID "
                               "NOT NULL"),
                QString());
            !e.isEmpty())
            return e;
        QSqlQuery ins(db);
        ins.prepare(QStringLiteral("INSERT INTO vouch_audit_anchor (report_id, seq, hash, entries, "
                                   "store, anchored_at) VALUES (?, ?, ?, ?, ?, ?)"));
        ins.addBindValue(contract.report.id);
        ins.addBindValue(anchor.seq);
        ins.addBindValue(anchor.hash);
        ins.addBindValue(anchor.entries);
        ins.addBindValue(anchor.store);
        ins.addBindValue(anchor.anchoredAt.toString(Qt::ISODateWithMs));
        if (!ins.exec())
            return QStringLiteral("cannot write vouch_audit_anchor: %1")
                .arg(ins.lastError().text());
        return QString();
    });
}

std::optional<QList<AuditAnchor>> readWarehouseAnchors(const Contract &contract,
                                                       const RunContext &context, QString *error)
{
    const Connection *connection = publishConnection(contract, error);
    if (!connection)
        return std::nullopt;
    QList<AuditAnchor> anchors;
    const QString e = withConnection(*connection, context, [&](QSqlDatabase &db) -> QString {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT seq, hash, entries, store, anchored_at FROM "
                                 "vouch_audit_anchor WHERE report_id = ? ORDER BY seq"));
        q.addBindValue(contract.report.id);
        if (!q.exec()) {
            return QStringLiteral("cannot read vouch_audit_anchor (has `vouch audit anchor "
                                  "--to-warehouse` run?): %1")
                .arg(q.lastError().text());
        }
        while (q.next()) {
            AuditAnchor a;
            a.seq = q.value(0).toLongLong();
            a.hash = q.value(1).toString();
            a.entries = q.value(2).toLongLong();
            a.store = q.value(3).toString();
            a.anchoredAt = QDateTime::fromString(q.value(4).toString(), Qt::ISODateWithMs).toUTC();
            a.reportId = contract.report.id;
            anchors.append(a);
        }
        return QString();
    });
    if (!e.isEmpty()) {
        *error = e;
        return std::nullopt;
    }
    return anchors;
}

} // namespace vouch::engine
