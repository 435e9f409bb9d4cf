// Leases (one live holder per key, on the store's clock) and the requests of
// team mode.

#include "engine/store/storeprivate.h"

namespace vouch::engine {

using namespace storedetail;

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

} // namespace vouch::engine
