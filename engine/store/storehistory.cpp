// The History page's aggregate queries: one per chart, over many runs.

#include "engine/store/storeprivate.h"

#include <QHash>

namespace vouch::engine {

using namespace storedetail;

namespace {

// The run ids as an SQL list: integers, never text from outside.
QString idList(const QList<qint64> &runIds)
{
    QStringList ids;
    ids.reserve(runIds.size());
    for (const qint64 id : runIds)
        ids.append(QString::number(id));
    return ids.join(QLatin1Char(','));
}

} // namespace

QList<RunHistoryRecord> StateStore::history(const QList<qint64> &runIds) const
{
    d->clearError();
    QList<RunHistoryRecord> result;
    if (runIds.isEmpty())
        return result;
    const QString ids = idList(runIds);
    QHash<qint64, qsizetype> indexOf;
    // 1. Completion: when the last node of the latest attempt finished; a run
    // with a node of that attempt still unfinished has not completed.
    {
        QSqlQuery q = d->query();
        if (!d->exec(q,
                     QStringLiteral(R"(
                SELECT a.run_id, max(n.finished_at), sum(n.finished_at IS NULL)
                FROM (SELECT run_id, max(attempt) AS attempt FROM attempts
                      WHERE run_id IN (%1) GROUP BY run_id) a
                JOIN node_runs n ON n.run_id = a.run_id AND n.attempt = a.attempt
                GROUP BY a.run_id)")
                         .arg(ids),
                     {}, QStringLiteral("cannot read the history")))
            return {};
        while (q.next()) {
            RunHistoryRecord r;
            r.runId = q.value(0).toLongLong();
            if (!q.value(1).isNull() && q.value(2).toLongLong() == 0)
                r.completedAt = storedTime(q.value(1));
            indexOf.insert(r.runId, result.size());
            result.append(r);
        }
    }
    // 2. The nodes whose latest state warned or failed.
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral(R"(
            SELECT n.run_id, n.node_id FROM node_runs n
            WHERE n.run_id IN (%1) AND n.state IN ('warned', 'failed')
              AND n.attempt = (SELECT max(m.attempt) FROM node_runs m
                               WHERE m.run_id = n.run_id AND m.node_id = n.node_id))")
                     .arg(ids),
                 {}, QStringLiteral("cannot read the history")))
        return {};
    while (q.next()) {
        const qint64 runId = q.value(0).toLongLong();
        auto found = indexOf.constFind(runId);
        if (found == indexOf.constEnd()) {
            found = indexOf.insert(runId, result.size());
            result.append(RunHistoryRecord{runId, {}, {}});
        }
        result[*found].warnedOrFailed.append(q.value(1).toString());
    }
    return result;
}

QList<NodeDurationRecord> StateStore::nodeDurations(const QString &nodeId,
                                                    const QList<qint64> &runIds) const
{
    d->clearError();
    QList<NodeDurationRecord> result;
    if (runIds.isEmpty() || nodeId.isEmpty())
        return result;
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral(R"(
            SELECT n.run_id, n.started_at, n.finished_at FROM node_runs n
            WHERE n.node_id = ? AND n.run_id IN (%1) AND n.state IN ('succeeded', 'warned')
              AND n.started_at IS NOT NULL AND n.finished_at IS NOT NULL
              AND n.attempt = (SELECT max(m.attempt) FROM node_runs m
                               WHERE m.run_id = n.run_id AND m.node_id = n.node_id))")
                     .arg(idList(runIds)),
                 {nodeId}, QStringLiteral("cannot read the durations of %1").arg(nodeId)))
        return result;
    while (q.next())
        result.append(rowFrom(q, &NodeDurationRecord::runId, &NodeDurationRecord::startedAt,
                              &NodeDurationRecord::finishedAt));
    return result;
}

} // namespace vouch::engine
