#include "engine/trust/forecast.h"

#include "engine/calendar/reportcalendar.h"
#include "engine/contract/contract.h"
#include "engine/contract/weeklytime.h"
#include "engine/graph/graph.h"
#include "engine/store/statestore.h"
#include "engine/util/log.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

#include <algorithm>

namespace vouch::engine {

DurationStats statsFrom(QList<qint64> durationsMs)
{
    DurationStats stats;
    const qsizetype n = durationsMs.size();
    if (n == 0)
        return stats;
    for (qint64 &d : durationsMs)
        d = std::max<qint64>(d, 0);
    std::sort(durationsMs.begin(), durationsMs.end());
    stats.samples = int(n);
    stats.medianMs = n % 2 == 1 ? durationsMs.at(n / 2)
                                : durationsMs.at(n / 2 - 1) +
                                      (durationsMs.at(n / 2) - durationsMs.at(n / 2 - 1)) / 2;
    // Nearest rank: the ceil(0.9 n)-th smallest, in integers to avoid 0.9 * 10 = 9.000001.
    const qsizetype rank = (9 * n + 9) / 10;
    stats.p90Ms = durationsMs.at(rank - 1);
    return stats;
}

namespace {

// LIKE patterns that match the period keys of one cadence (two, because a
// month's key 2026-11 differs from a quarter's 2026-Q4 only in a digit).
std::pair<QString, QString> keyPatterns(std::optional<Cadence> cadence)
{
    if (!cadence)
        return {QStringLiteral("%"), QStringLiteral("%")};
    switch (*cadence) {
    case Cadence::Day:
        return {QStringLiteral("____-__-__"), QStringLiteral("____-__-__")};
    case Cadence::Week:
        return {QStringLiteral("____-W__"), QStringLiteral("____-W__")};
    case Cadence::Month:
        return {QStringLiteral("____-0_"), QStringLiteral("____-1_")};
    case Cadence::Quarter:
        return {QStringLiteral("____-Q_"), QStringLiteral("____-Q_")};
    }
    return {QStringLiteral("%"), QStringLiteral("%")};
}

} // namespace

QHash<QString, DurationStats> durationHistory(const StateStore &store, const QString &reportId,
                                              int runs, qint64 excludeRunId,
                                              std::optional<Cadence> cadence)
{
    QHash<QString, DurationStats> result;
    const QSqlDatabase db = QSqlDatabase::database(store.connectionName(), false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    // One query instead of runs() + nodeRuns() per run: nodeRuns() keeps only each
    // node's latest attempt, and every passing attempt is a sample. The run order
    // is StateStore::runs()'s, so "the last N runs" means the same everywhere.
    const QString sql = QStringLiteral(R"(
        SELECT n.node_id, n.finished_at - n.started_at
        FROM node_runs n
        JOIN (SELECT id FROM runs WHERE report_id = ? AND id <> ?
                AND (period LIKE ? OR period LIKE ?)
              ORDER BY created_at DESC, id DESC LIMIT ?) r ON r.id = n.run_id
        WHERE n.state IN (?, ?) AND n.started_at IS NOT NULL AND n.finished_at IS NOT NULL)");
    if (!q.prepare(sql)) {
        log::warn(QStringLiteral("forecast: cannot read the duration history of %1: %2")
                      .arg(reportId, q.lastError().text()));
        return result;
    }
    q.addBindValue(reportId);
    q.addBindValue(excludeRunId);
    const auto [pattern, otherPattern] = keyPatterns(cadence);
    q.addBindValue(pattern);
    q.addBindValue(otherPattern);
    // No limit: LIMIT -1 on SQLite, LIMIT NULL on PostgreSQL.
    q.addBindValue(runs > 0                                    ? QVariant(runs)
                   : db.driverName() == QLatin1String("QPSQL") ? QVariant()
                                                               : QVariant(-1));
    q.addBindValue(toString(NodeState::Succeeded));
    q.addBindValue(toString(NodeState::Warned));
    if (!q.exec()) {
        log::warn(QStringLiteral("forecast: cannot read the duration history of %1: %2")
                      .arg(reportId, q.lastError().text()));
        return result;
    }
    QHash<QString, QList<qint64>> durations;
    while (q.next())
        durations[q.value(0).toString()].append(q.value(1).toLongLong());
    for (auto it = durations.cbegin(); it != durations.cend(); ++it)
        result.insert(it.key(), statsFrom(it.value()));
    return result;
}

QDateTime deadlineFor(const Report &report, QDate periodEndExclusive)
{
    if (!periodEndExclusive.isValid())
        return {};
    return deadlineOf(report, Period::containing(periodEndExclusive.addDays(-1), report.cadence));
}

namespace {

struct Remaining
{
    qint64 medianMs = 0;
    qint64 p90Ms = 0;
};

} // namespace

Forecast forecastCompletion(const Graph &graph, const QList<NodeProgress> &progress,
                            const QHash<QString, DurationStats> &history, const QDateTime &now,
                            qint64 defaultMs)
{
    Forecast forecast;
    const int size = graph.size();
    const auto progressOf = [&progress](int node) {
        return node < progress.size() ? progress.at(node) : NodeProgress{};
    };

    // Earliest finish of each node, measured from `now`, if everything upstream
    // runs as long as it usually does and nothing waits for a slot.
    QList<qint64> finish(size, 0);
    QList<qint64> finishP90(size, 0);
    QList<bool> unfinished(size, false);
    bool anyUnfinished = false;
    for (const int node : graph.topologicalOrder()) {
        const NodeProgress state = progressOf(node);
        Remaining remaining;
        if (!isTerminal(state.state)) {
            unfinished[node] = true;
            anyUnfinished = true;
            const auto it = history.constFind(graph.id(node));
            if (it == history.cend() || it->samples == 0) {
                ++forecast.nodesWithoutHistory;
                remaining = {defaultMs, defaultMs};
            } else {
                remaining = {it->medianMs, it->p90Ms};
            }
            if (state.state == NodeState::Running && state.startedAt.isValid()) {
                const qint64 elapsed = std::max<qint64>(state.startedAt.msecsTo(now), 0);
                remaining.medianMs = std::max<qint64>(remaining.medianMs - elapsed, 0);
                remaining.p90Ms = std::max<qint64>(remaining.p90Ms - elapsed, 0);
            }
        }
        qint64 start = 0;
        qint64 startP90 = 0;
        for (const int need : graph.needs(node)) {
            start = std::max(start, finish.at(need));
            startP90 = std::max(startP90, finishP90.at(need));
        }
        finish[node] = start + remaining.medianMs;
        finishP90[node] = startP90 + remaining.p90Ms;
    }

    if (!anyUnfinished) {
        forecast.done = true;
        return forecast;
    }

    // The critical path ends at the unfinished node that finishes last (on a tie,
    // the latest in topological order, so that zero-length tails such as a
    // publish without history stay on it) and walks back along the need that
    // finishes last, preferring unfinished needs on a tie.
    int last = -1;
    qint64 longestP90 = 0;
    for (const int node : graph.topologicalOrder()) {
        if (unfinished.at(node) && (last < 0 || finish.at(node) >= finish.at(last)))
            last = node;
        longestP90 = std::max(longestP90, finishP90.at(node));
    }
    forecast.remainingMs = finish.at(last);
    for (int node = last; node >= 0;) {
        if (unfinished.at(node))
            forecast.criticalPath.prepend(graph.id(node));
        int previous = -1;
        for (const int need : graph.needs(node)) {
            if (previous < 0 || finish.at(need) > finish.at(previous) ||
                (finish.at(need) == finish.at(previous) && unfinished.at(need) &&
                 !unfinished.at(previous)))
                previous = need;
        }
        node = previous;
    }

    const QDateTime from = now.toUTC();
    forecast.projected = from.addMSecs(forecast.remainingMs);
    forecast.projectedP90 = from.addMSecs(longestP90);
    return forecast;
}

DeadlineStatus deadlineStatus(const Forecast &forecast, const QDateTime &deadline,
                              const QDateTime &now)
{
    if (forecast.done)
        return DeadlineStatus::Done;
    if (!deadline.isValid())
        return DeadlineStatus::OnTrack;
    if (now.isValid() && now > deadline)
        return DeadlineStatus::Late;
    if (forecast.projected.isValid() && forecast.projected > deadline)
        return DeadlineStatus::AtRisk;
    return DeadlineStatus::OnTrack;
}

QString toString(DeadlineStatus status)
{
    switch (status) {
    case DeadlineStatus::OnTrack:
        return QStringLiteral("on_track");
    case DeadlineStatus::AtRisk:
        return QStringLiteral("at_risk");
    case DeadlineStatus::Late:
        return QStringLiteral("late");
    case DeadlineStatus::Done:
        return QStringLiteral("done");
    }
    Q_UNREACHABLE();
}

} // namespace vouch::engine
