#pragma once

// Reading what dbt says about the nodes it runs: its structured log lines
// (`--log-format json`, one JSON object a line, dbt >= 1.4) and the
// `run_results.json` it writes at the end. Pure functions; any thread.
//
// A log line is {"info": {"name", "msg", "level", "invocation_id", "ts", …},
// "data": {"node_info": {"unique_id", "node_status", "node_started_at",
// "node_finished_at", …}, "run_result": {"status", "message", "failures"},
// "status", "num_failures", …}} (docs.getdbt.com/reference/events-logging;
// recorded lines are in tests/fixtures/dbt/structured-log/).

#include "engine/graph/nodestate.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>

namespace vouch::engine::dbtrun {

// How a dbt resource ended, in dbt's words and as a Vouch outcome.
struct NodeResult
{
    enum class Verdict
    {
        Succeeded, // success, pass, no-op
        Warned,    // warn (a test at warn severity that found rows)
        Failed,    // fail: a test at error severity found rows (a finding)
        Error,     // error, runtime error: dbt could not build or run it (retryable)
        Skipped,   // skipped: dbt skipped it, an upstream model or test did not pass
    };
    Verdict verdict = Verdict::Error;
    QString status;                 // dbt's status as written
    QString message;                // dbt's message, or its human log line
    std::optional<double> failures; // tests: the failing rows dbt counted
};

// The node state a verdict gives (Error: failed; Skipped: upstream_failed).
NodeState stateOf(NodeResult::Verdict verdict);

// Reads a status word of dbt's (NodeStatus: success, error, skipped, pass,
// fail, warn, runtime error, no-op, partial success; any case).
std::optional<NodeResult::Verdict> verdictOf(const QString &status);

struct LogEvent
{
    enum class Kind
    {
        Other,    // not about one node (or not one we follow)
        Started,  // NodeStart, LogStartLine
        Finished, // NodeFinished, Log*Result, SkippingDetails: the node's end
    };
    Kind kind = Kind::Other;
    QString name;         // info.name: NodeStart, LogTestResult, …
    QString uniqueId;     // data.node_info.unique_id; empty when none
    QString invocationId; // info.invocation_id
    QString level;        // info.level
    QString msg;          // info.msg, for people (dbt may colour it: escapes are removed)
    NodeResult result;    // for Finished
};

// One line of dbt's output. nullopt when the line is not a JSON object
// (dbt prints some lines as text before its logger is set up).
std::optional<LogEvent> parseLogLine(const QByteArray &line);

// run_results.json: unique id -> result, and the invocation it records.
struct RunResults
{
    QString invocationId; // metadata.invocation_id
    QHash<QString, NodeResult> results;
    QString error; // why the file could not be read; empty when it was
};
RunResults readRunResults(const QString &path);

} // namespace vouch::engine::dbtrun
