#include "engine/trust/auditlog.h"

#include "engine/store/statestore.h"
#include "engine/store/storesql.h"
#include "engine/util/clock.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>

namespace vouch::engine {

namespace {

constexpr char kFormat[] = "vouch-audit-1";

constexpr char kColumns[] =
    "seq, at, who, action, report_id, period, run_id, details, prev_hash, hash";

// One row of audit_log as stored: what the hash covers, byte for byte.
struct Row
{
    qint64 seq = 0;
    qint64 atMs = 0;
    QString who;
    QString action;
    QString reportId;
    QString period;
    std::optional<qint64> runId;
    QString details; // compact JSON text
    QString prevHash;
    QString hash;
};

// Text as it will read back from SQLite (UTF-8): a lone surrogate must not
// make the stored bytes differ from the hashed ones. Never null, because Qt
// binds a null QString as NULL and the columns are NOT NULL.
QString stored(const QString &text)
{
    const QString utf8 = QString::fromUtf8(text.toUtf8());
    return utf8.isNull() ? QStringLiteral("") : utf8;
}

void addField(QByteArray &out, const QByteArray &bytes)
{
    out += QByteArray::number(bytes.size());
    out += ':';
    out += bytes;
    out += ',';
}

QString hashOf(const Row &row)
{
    QByteArray canonical;
    addField(canonical, kFormat);
    addField(canonical, QByteArray::number(row.seq));
    addField(canonical, QByteArray::number(row.atMs));
    addField(canonical, row.who.toUtf8());
    addField(canonical, row.action.toUtf8());
    addField(canonical, row.reportId.toUtf8());
    addField(canonical, row.period.toUtf8());
    addField(canonical, row.runId ? QByteArray::number(*row.runId) : QByteArray());
    addField(canonical, row.details.toUtf8());
    addField(canonical, row.prevHash.toUtf8());
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex());
}

// Reads the columns of kColumns, in that order.
Row rowFrom(const QSqlQuery &q)
{
    return vouch::engine::rowFrom(q, &Row::seq, &Row::atMs, &Row::who, &Row::action, &Row::reportId,
                                  &Row::period, &Row::runId, &Row::details, &Row::prevHash,
                                  &Row::hash);
}

AuditEntry entryFrom(const Row &row)
{
    AuditEntry e;
    e.seq = row.seq;
    e.at = QDateTime::fromMSecsSinceEpoch(row.atMs, Qt::UTC);
    e.who = row.who;
    e.action = row.action;
    e.reportId = row.reportId;
    e.period = row.period;
    e.runId = row.runId.value_or(0);
    e.details = QJsonDocument::fromJson(row.details.toUtf8()).object();
    e.prevHash = row.prevHash;
    e.hash = row.hash;
    return e;
}

QString describe(const QString &what, const QSqlError &error)
{
    return QStringLiteral("%1: %2").arg(what, error.text());
}

void rollback(const QSqlDatabase &db)
{
    QSqlQuery q(db);
    q.exec(QStringLiteral("ROLLBACK"));
}

QString missing(qint64 from, qint64 to, qint64 before)
{
    const QString which = from == to ? QStringLiteral("entry %1 is").arg(from)
                                     : QStringLiteral("entries %1 to %2 are").arg(from).arg(to);
    if (before == 0)
        return QStringLiteral("%1 missing (the log starts at entry %2)").arg(which).arg(to + 1);
    return QStringLiteral("%1 missing (seq jumps from %2 to %3)")
        .arg(which)
        .arg(before)
        .arg(to + 1);
}

} // namespace

AuditLog::AuditLog(StateStore &store)
    : m_connectionName(store.connectionName())
{
    Q_ASSERT(QSqlDatabase::database(m_connectionName, false).isOpen());
}

QString AuditLog::genesisHash()
{
    return QString(64, QLatin1Char('0'));
}

std::optional<AuditEntry> AuditLog::append(const QString &who, const QString &action,
                                           const QString &reportId, const QString &period,
                                           qint64 runId, const QJsonObject &details, QString *error)
{
    m_lastError.clear();
    m_refused = false;
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    const bool pg = db.driverName() == QLatin1String("QPSQL");
    const auto fail = [&](const QString &what, const QSqlError &sqlError) {
        m_refused = sqlError.nativeErrorCode() == QLatin1String("42501");
        m_lastError =
            QStringLiteral("cannot append to the audit log: %1").arg(describe(what, sqlError));
        if (error)
            *error = m_lastError;
        return std::nullopt;
    };

    Row row;
    row.who = stored(who);
    row.action = stored(action);
    row.reportId = stored(reportId);
    row.period = stored(period);
    if (runId > 0)
        row.runId = runId;
    // QJsonObject keeps its keys sorted, nested objects included.
    row.details = stored(QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));

    if (pg) {
        // On a team store the server writes the entry (schema 8): `who` is
        // the session's user, the time the server's, the chain computed
        // there, in one statement (and so one transaction).
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT entry_seq, entry_at, entry_who, entry_prev_hash, "
                                 "entry_hash FROM vouch_audit_append(?, ?, ?, ?, ?)"));
        q.addBindValue(row.action);
        q.addBindValue(row.reportId);
        q.addBindValue(row.period);
        q.addBindValue(row.runId ? QVariant(*row.runId)
                                 : QVariant(QMetaType::fromType<qlonglong>()));
        q.addBindValue(row.details);
        if (!q.exec() || !q.next())
            return fail(QStringLiteral("the server did not record the entry"), q.lastError());
        row.seq = q.value(0).toLongLong();
        row.atMs = q.value(1).toLongLong();
        row.who = q.value(2).toString();
        row.prevHash = q.value(3).toString();
        row.hash = q.value(4).toString();
        return entryFrom(row);
    }

    // The write lock is taken up front, so that reading the tail and writing
    // after it cannot interleave with another connection's append (and the
    // busy timeout applies while another one holds it).
    // On PostgreSQL the row lock on audit_sequence does the same: appenders
    // take turns from there to their commit.
    if (const QSqlError e = beginWrite(db); e.isValid())
        return fail(QStringLiteral("cannot start a write transaction"), e);
    QSqlQuery q(db);
    if (pg && (!q.exec(QStringLiteral(
                   "SELECT seq FROM audit_sequence WHERE name = 'audit_log' FOR UPDATE")) ||
               !q.next())) {
        const QSqlError sqlError = q.lastError();
        q.finish();
        rollback(db);
        return fail(QStringLiteral("cannot lock the end of the log"), sqlError);
    }
    q.finish();
    // The next seq is what AUTOINCREMENT would pick: one past the highest ever
    // issued, even if that entry is gone; verify() then reports the gap.
    if (!q.exec(
            QStringLiteral("SELECT coalesce((SELECT seq FROM %1 WHERE name = 'audit_log'), 0), "
                           "coalesce((SELECT max(seq) FROM audit_log), 0), "
                           "(SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)")
                .arg(pg ? QLatin1String("audit_sequence") : QLatin1String("sqlite_sequence"))) ||
        !q.next()) {
        const QSqlError sqlError = q.lastError();
        q.finish();
        rollback(db);
        return fail(QStringLiteral("cannot read the end of the log"), sqlError);
    }
    row.seq = std::max(q.value(0).toLongLong(), q.value(1).toLongLong()) + 1;
    row.prevHash = q.value(2).isNull() ? genesisHash() : q.value(2).toString();
    q.finish();
    // Stamped under the lock, so that the times follow the chain's order as
    // far as the writers' clocks agree.
    row.atMs = wallNow().toMSecsSinceEpoch();
    row.hash = hashOf(row);

    if (!q.prepare(
            QStringLiteral("INSERT INTO audit_log (%1) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .arg(QLatin1String(kColumns)))) {
        const QSqlError sqlError = q.lastError();
        rollback(db);
        return fail(QStringLiteral("cannot prepare the insert"), sqlError);
    }
    const QVariantList values = {row.seq,
                                 row.atMs,
                                 row.who,
                                 row.action,
                                 row.reportId,
                                 row.period,
                                 row.runId ? QVariant(*row.runId) : QVariant(),
                                 row.details,
                                 row.prevHash,
                                 row.hash};
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values.at(i));
    if (!q.exec()) {
        const QSqlError sqlError = q.lastError();
        q.finish();
        rollback(db);
        return fail(QStringLiteral("cannot insert entry %1").arg(row.seq), sqlError);
    }
    q.finish();
    if (pg) {
        QSqlQuery issued(db);
        issued.prepare(
            QStringLiteral("UPDATE audit_sequence SET seq = ? WHERE name = 'audit_log'"));
        issued.addBindValue(row.seq);
        if (!issued.exec()) {
            const QSqlError sqlError = issued.lastError();
            issued.finish();
            rollback(db);
            return fail(QStringLiteral("cannot record entry %1 as issued").arg(row.seq), sqlError);
        }
    }
    if (!q.exec(QStringLiteral("COMMIT"))) {
        const QSqlError sqlError = q.lastError();
        rollback(db);
        return fail(QStringLiteral("cannot commit entry %1").arg(row.seq), sqlError);
    }
    return entryFrom(row);
}

QList<AuditEntry> AuditLog::entries(const QString &reportId, const QString &period) const
{
    m_lastError.clear();
    QList<AuditEntry> result;
    QString sql = QStringLiteral("SELECT %1 FROM audit_log").arg(QLatin1String(kColumns));
    QStringList conditions;
    QVariantList values;
    if (!reportId.isEmpty()) {
        conditions.append(QStringLiteral("report_id = ?"));
        values.append(reportId);
    }
    if (!period.isEmpty()) {
        conditions.append(QStringLiteral("period = ?"));
        values.append(period);
    }
    if (!conditions.isEmpty())
        sql += QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY seq");

    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    bool ok = q.prepare(sql);
    if (ok) {
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values.at(i));
        ok = q.exec();
    }
    if (!ok) {
        m_lastError = describe(QStringLiteral("cannot read the audit log"), q.lastError());
        return result;
    }
    while (q.next())
        result.append(entryFrom(rowFrom(q)));
    return result;
}

AuditVerification AuditLog::verify() const
{
    m_lastError.clear();
    AuditVerification v;
    const QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    const auto unreadable = [&](const QSqlError &sqlError) {
        m_lastError = describe(QStringLiteral("cannot read the audit log"), sqlError);
        AuditVerification failed;
        failed.ok = false;
        failed.problem = m_lastError;
        return failed;
    };
    const auto problem = [&v](qint64 seq, const QString &text) {
        v.ok = false;
        v.firstBadSeq = seq;
        v.problem = text;
    };

    // One read transaction, so that the counter and the rows are the same
    // snapshot even while another connection appends.
    // (PostgreSQL: REPEATABLE READ gives one snapshot to the whole transaction.)
    const bool pg = db.driverName() == QLatin1String("QPSQL");
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(pg ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                   : QStringLiteral("BEGIN")))
        return unreadable(q.lastError());
    if (!q.exec(
            QStringLiteral("SELECT coalesce((SELECT seq FROM %1 "
                           "WHERE name = 'audit_log'), 0)")
                .arg(pg ? QLatin1String("audit_sequence") : QLatin1String("sqlite_sequence"))) ||
        !q.next()) {
        const QSqlError sqlError = q.lastError();
        q.finish();
        rollback(db);
        return unreadable(sqlError);
    }
    const qint64 issued = q.value(0).toLongLong();
    q.finish();
    if (!q.exec(
            QStringLiteral("SELECT %1 FROM audit_log ORDER BY seq").arg(QLatin1String(kColumns)))) {
        const QSqlError sqlError = q.lastError();
        rollback(db);
        return unreadable(sqlError);
    }

    qint64 expected = 1;
    qint64 last = 0;
    QString prevHash = genesisHash();
    while (q.next()) {
        ++v.entries;
        const Row row = rowFrom(q);
        if (v.ok) {
            if (row.seq > expected)
                problem(expected, missing(expected, row.seq - 1, last));
            else if (row.seq < expected)
                problem(row.seq, QStringLiteral("entry %1 has an impossible seq (entries start "
                                                "at 1 and only go up)")
                                     .arg(row.seq));
            else if (hashOf(row) != row.hash)
                problem(row.seq, QStringLiteral("entry %1 was changed after it was written (its "
                                                "hash does not match its contents)")
                                     .arg(row.seq));
            else if (row.prevHash != prevHash)
                problem(row.seq,
                        last == 0
                            ? QStringLiteral("entry %1 does not start the chain (its prev_hash "
                                             "is not %2)")
                                  .arg(row.seq)
                                  .arg(genesisHash())
                            : QStringLiteral("entry %1 does not follow entry %2 (prev_hash "
                                             "mismatch)")
                                  .arg(row.seq)
                                  .arg(last));
        }
        expected = row.seq + 1;
        last = row.seq;
        prevHash = row.hash;
    }
    const QSqlError walkError = q.lastError();
    q.finish();
    if (walkError.isValid()) {
        rollback(db);
        return unreadable(walkError);
    }
    q.exec(QStringLiteral("COMMIT"));

    if (v.ok && issued > last) {
        const qint64 deleted = issued - last;
        const QString what = deleted == 1
                                 ? QStringLiteral("the last entry was deleted")
                                 : QStringLiteral("the last %1 entries were deleted").arg(deleted);
        const QString where = last == 0 ? QStringLiteral("the log is empty")
                                        : QStringLiteral("the log ends at entry %1").arg(last);
        problem(last + 1,
                QStringLiteral("%1 (%2, but entry %3 was written)").arg(what, where).arg(issued));
    } else if (v.ok && issued < last) {
        problem(last, QStringLiteral("%1's record of the last entry written was altered (it "
                                     "says %2, but the log goes up to entry %3)")
                          .arg(pg ? QStringLiteral("The store") : QStringLiteral("SQLite"))
                          .arg(issued)
                          .arg(last));
    }
    return v;
}

QString AuditLog::lastError() const
{
    return m_lastError;
}

bool AuditLog::lastErrorRefused() const
{
    return m_refused;
}

} // namespace vouch::engine
