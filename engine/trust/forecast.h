#pragma once

#include "engine/contract/period.h"
#include "engine/graph/nodestate.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace vouch::engine {

class Graph;
class StateStore;
struct Report;

// The deadline forecast of the trust layer: from how long each node took in
// recent runs and what is left of the path, when will this run complete, and
// does that put the report's publish_by at risk?
//
// Everything here is a pure function of its arguments except durationHistory(),
// which reads the state store on the caller's thread (the store's thread).
// Times are instants: they compare correctly whatever zone they carry, and
// results are in UTC. Wall-clock questions (which Monday 12:00, in which
// offset) are answered once, in deadlineFor(), through the report's IANA zone.

// The durations of one node's successful executions.
struct DurationStats
{
    int samples = 0;
    qint64 medianMs = 0;
    qint64 p90Ms = 0;
};

// Median and 90th percentile of `durationsMs` (order irrelevant; negative
// values are clamped to 0). The median of an even count is the mean of the two
// middle values (rounded down); the p90 is the nearest-rank value, the
// ceil(0.9 * n)-th smallest. No durations: all zero.
DurationStats statsFrom(QList<qint64> durationsMs);

// The durations (finished - started) of successful (succeeded or warned) node
// executions in the most recent `runs` runs of the report (newest by creation,
// as StateStore::runs() orders them), leaving out `excludeRunId` (typically the
// run being forecast) before counting. Every attempt that passed counts as one
// sample; failed, cancelled and still-running executions do not. Keyed by node
// id; nodes without a sample are absent. A store error is logged and yields
// what was read so far (usually nothing): the forecast then has no history,
// which it reports, rather than a wrong one.
// With `cadence`, only runs whose period is of that cadence count: a report
// that changed its `period:` forecasts from runs like the one it makes now.
QHash<QString, DurationStats> durationHistory(const StateStore &store, const QString &reportId,
                                              int runs = 12, qint64 excludeRunId = 0,
                                              std::optional<Cadence> cadence = std::nullopt);

// The deadline of a run: its period's publish_by (DeadlineRule::dueFor), in
// the report's time zone and business calendar. `periodEndExclusive` is the
// first day after the period (the Monday after an ISO week, the first of the
// next month); the period is the one of the report's cadence that ends the
// day before. In UTC; invalid when the zone is unknown.
QDateTime deadlineFor(const Report &report, QDate periodEndExclusive);

// The current state of one node in the run being forecast. A list of these is
// indexed like the graph (node i of the graph is progress[i]); missing entries
// count as pending. `startedAt` matters only while the node is running.
struct NodeProgress
{
    NodeState state = NodeState::Pending;
    QDateTime startedAt;
};

struct Forecast
{
    QDateTime projected;      // median-based completion (UTC); invalid when done
    QDateTime projectedP90;   // the same from 90th percentiles: a pessimistic bound
    QStringList criticalPath; // unfinished node ids on the longest remaining path, upstream first
    qint64 remainingMs = 0;   // length of that path (median), from `now`
    int nodesWithoutHistory = 0; // unfinished nodes that were estimated as `defaultMs`
    bool done = false;           // no node is left to run (every node is in a terminal state)
};

// The remaining critical path from `now`: the longest path, in remaining
// median time, through the unfinished nodes of the graph. Per node:
//  - terminal (succeeded, warned, failed, skipped, ...): 0;
//  - running: what is left of its median, max(0, median - (now - startedAt));
//  - pending, queued, retrying (a new try is coming): the full median;
//  - without history: `defaultMs`, and counted in nodesWithoutHistory.
// Nodes on a cycle (not in the graph's topological order) cannot run and are
// ignored. projectedP90 repeats the computation with p90 durations.
Forecast forecastCompletion(const Graph &graph, const QList<NodeProgress> &progress,
                            const QHash<QString, DurationStats> &history, const QDateTime &now,
                            qint64 defaultMs = 0);

enum class DeadlineStatus
{
    OnTrack,
    AtRisk, // the projection (median) lands after the deadline, which has not passed
    Late,   // the deadline has passed and the run is not done
    Done,   // nothing is left to run; whether that is a success is the caller's call
};

// Done if forecast.done. Late if `now` is after `deadline`. AtRisk if the
// median projection is after `deadline`. OnTrack otherwise, including when
// there is no deadline (invalid) to be measured against.
DeadlineStatus deadlineStatus(const Forecast &forecast, const QDateTime &deadline,
                              const QDateTime &now);

// "on_track", "at_risk", "late", "done" (the status words of DESIGN.md).
QString toString(DeadlineStatus status);

} // namespace vouch::engine
