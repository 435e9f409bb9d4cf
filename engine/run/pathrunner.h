#pragma once

#include "engine/contract/contract.h"
#include "engine/run/nodestate.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTimeZone>

#include <functional>
#include <optional>

namespace vouch::engine {

// What a run needs to know about its reporting period and environment.
struct RunContext
{
    QDateTime now;              // the run's clock (UTC); invalid = current time
    QDate periodStart;          // bound as :period_start
    QDate periodEndExclusive;   // bound as :period_end
    QString period;             // bound as :period, e.g. 2026-W47
    QMap<QString, QString> env; // extra environment for commands and ${ENV} expansion
    QString vouchExecutable;    // what `vouch` in a command's argv runs
    QString logDirectory;       // per-attempt logs; empty = keep logs in memory only
};

// The last ISO week that ended before `now`, in `zone`.
RunContext contextForLastCompleteWeek(const QDateTime &now, const QTimeZone &zone);

struct NodeOutcome
{
    QString id;
    NodeState state = NodeState::Pending;
    Freshness freshness = Freshness::Unknown;
    QString message;                 // what happened, for people (no secrets)
    std::optional<double> value;     // check value
    std::optional<double> reference; // check reference
    std::optional<qint64> ageSeconds;
    QDateTime observedAt; // freshness: the loaded_at the source reported
    QList<QStringList> sampleRows;
    int attempts = 0;
    qint64 durationMs = 0;
};

// Runs the whole path once, node by node in topological order, in the calling
// thread. This is the first, sequential executor: it gives the headless demo
// and the tests real commands, real SQL and real checks. The event-driven
// scheduler with concurrency, pools, cancellation and a state store replaces
// it (see issue 3); the executors' semantics stay the same.
class PathRunner
{
public:
    PathRunner(ContractPtr contract, RunContext context);

    using Observer = std::function<void(const NodeOutcome &)>;
    // Runs every node; calls `observer` after each node ends. Returns outcomes
    // in topological order.
    QList<NodeOutcome> run(const Observer &observer = {});

    // Expands ${NAME} from the run's environment, then the process environment.
    QString expand(const QString &text) const;

private:
    NodeOutcome execute(const Node &node);
    NodeOutcome runCommand(const Node &node);
    NodeOutcome runSql(const Node &node);
    NodeOutcome runFreshness(const Node &node);
    NodeOutcome runCheck(const Node &node);

    ContractPtr m_contract;
    RunContext m_context;
};

} // namespace vouch::engine
