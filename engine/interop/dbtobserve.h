#pragma once

// Observe mode: a run that dbt executed elsewhere (run_results.json, and the
// sources.json of `dbt source freshness`) recorded as a Vouch run, so the
// trust layer, the graph and the alerts work for teams whose orchestration
// stays in dbt. Reading is pure; record() writes through the StateStore on
// the caller's thread.

#include "engine/contract/diagnostic.h"
#include "engine/graph/nodestate.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace vouch::engine {
struct Contract;
struct Report;
class StateStore;
} // namespace vouch::engine

namespace vouch::engine::dbt {

// One entry of `results`.
struct NodeResult
{
    QString uniqueId;
    QString status; // as dbt wrote it: success, error, skipped, pass, warn, fail, runtime error
    QDateTime startedAt;  // first timing step's start (UTC); invalid without timing
    QDateTime finishedAt; // last timing step's end
    double executionTime = 0;
    std::optional<double> failures;
    QString message;
    // sources.json
    std::optional<double> ageSeconds; // max_loaded_at_time_ago_in_s
    QDateTime maxLoadedAt;
};

struct RunResults
{
    enum class Kind
    {
        RunResults, // run_results.json
        Sources     // sources.json (dbt source freshness)
    };
    Kind kind = Kind::RunResults;
    QString path;
    int schemaVersion = 0;
    QString command; // args.which: run, test, build, seed, snapshot, generate, ...
    QString invocationId;
    QDateTime generatedAt;
    QList<NodeResult> results;
};

struct RunResultsResult
{
    std::optional<RunResults> results;
    Diagnostics diagnostics;
};

// Reads run_results.json (schema v1 to v6, later ones with a warning) or
// sources.json (v1 to v3); which one it is comes from its metadata.
RunResultsResult readRunResults(const QString &path);
RunResultsResult parseRunResults(QByteArrayView bytes, const QString &fileName);

// dbt's status (any case) as a node state and, for source freshness, a
// freshness. nullopt for a status this Vouch does not know.
struct ObservedState
{
    NodeState state = NodeState::Failed;
    Freshness freshness = Freshness::Unknown;
};
std::optional<ObservedState> stateOf(const QString &status, RunResults::Kind kind);

struct ObserveRequest
{
    const Contract *contract = nullptr;
    QHash<QString, QString> idOf; // dbt unique id -> contract node id (dbt::Import::idOf)
    QList<RunResults> artifacts;  // run results first, then sources
    QString period;               // empty: the report period holding the first generated_at
    QString who;
};

struct ObserveResult
{
    qint64 runId = 0;
    int attempt = 0;
    QString period;
    bool alreadyRecorded = false;     // this dbt invocation was observed before; nothing written
    QHash<QString, NodeState> states; // contract node id -> recorded state
    Diagnostics diagnostics;          // warnings: results for nodes the contract lacks, ...
    QString error;                    // the store refused; nothing is announced
};

// Records the artifacts as one attempt of the report's run for the period
// (a new run, or a new attempt of an existing one): a `running` and a
// terminal transition per result with dbt's timings, failures as the check
// value, messages, freshness. In the first attempt of a run, contract nodes
// dbt did not touch are recorded `skipped`; later attempts leave them as
// earlier invocations left them.
ObserveResult record(StateStore &store, const ObserveRequest &request);

// The key of the report's period that holds `at` (on the report's wall
// clock): the period dbt artifacts produced at `at` belong to when no
// --period is given.
QString observedPeriod(const Report &report, const QDateTime &at);

} // namespace vouch::engine::dbt
