#pragma once

#include "engine/contract/contract.h"
#include "engine/graph/nodestate.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QTimeZone>

#include <functional>
#include <memory>
#include <optional>

class QSqlDatabase;

namespace vouch::engine {

class StatementCanceller;

// What a run needs to know about its reporting period and environment.
struct RunContext
{
    QDateTime now;              // the run's clock (UTC); invalid = current time
    bool clockFixed = false;    // measure freshness against `now`, not the wall clock
    QDate periodStart;          // bound as :period_start
    QDate periodEndExclusive;   // bound as :period_end
    QString period;             // bound as :period: 2026-12-02, 2026-W47, 2026-11, 2026-Q4
    QMap<QString, QString> env; // extra environment for commands and ${ENV} expansion
    QString vouchExecutable;    // what `vouch` in a command's argv runs
};

// The run context of one reporting period.
RunContext contextFor(const Period &period, const QDateTime &now);
// The period a run of `report` at `now` reports on (periodDueAt).
RunContext contextForReport(const Report &report, const QDateTime &now);
// The period with key `period` (2026-12-02, 2026-W47, 2026-11, 2026-Q4, any
// cadence); nullopt when it is no such key. Check it against the report's
// cadence with reportPeriod() where a user typed it.
std::optional<RunContext> contextForPeriod(const QString &period, const QDateTime &now);

// When a late source stops being waited for (`wait: until` or `up_to`).
QDateTime freshnessWaitLimit(const WaitPolicy &wait, const QDateTime &firstStart,
                             const QTimeZone &zone);

// Expands ${NAME} from the run's environment, then the process environment.
QString expandEnvironment(const QString &text, const RunContext &context);

// The result of executing a node once.
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
    bool executionError = false; // the query itself failed (retryable), not a finding
    qint64 durationMs = 0;
};

// Executes one sql, freshness or check node synchronously on the calling
// thread, with its own QSqlDatabase connection (opened and removed here), so
// it is safe to call from any worker thread. The run's period parameters are
// bound by name, never spliced into the SQL.
// Opens `connection` (its ${ENV} references expanded from `context`) on the
// calling thread, runs `work` with it, and closes it. Returns the error of
// opening, or what `work` returns (empty on success).
QString withConnection(const Connection &connection, const RunContext &context,
                       const std::function<QString(QSqlDatabase &db)> &work);

// `canceller`, when given, stops the node's running statement on the
// server from another thread (a timeout, a cancelled run).
NodeOutcome executeWarehouseNode(const Contract &contract, const Node &node,
                                 const RunContext &context,
                                 const std::shared_ptr<StatementCanceller> &canceller = {});

} // namespace vouch::engine
