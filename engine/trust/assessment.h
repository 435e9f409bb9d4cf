#pragma once

// Reads one run from the state store and answers for it: the verdict at a
// given time (with decisions, deadline and forecast), its alerts, and the
// publication decisions people make about it. Used by the command line, the
// app and `vouch serve`; lives on the thread of the store it is given.

#include "engine/contract/contract.h"
#include "engine/store/statestore.h"
#include "engine/trust/alerts.h"
#include "engine/trust/verdict.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace vouch::engine {

class Graph;
struct RunContext;

struct Assessment
{
    RunRecord run;
    QDate periodStart;
    QDate periodEndExclusive;
    RunSnapshot snapshot;
    Verdict verdict;
    QList<AlertRecord> alerts;  // every alert of the run, open and resolved
    QList<AlertRecord> changed; // alerts opened, updated or resolved by this assessment
};

// Evaluates run `runId` at `now`. When `syncAlerts` is true the run's alerts
// are brought up to date in the store (opened, updated, resolved).
std::optional<Assessment> assess(StateStore &store, const Contract &contract, const Graph &graph,
                                 qint64 runId, const QDateTime &now, bool syncAlerts = true);
// The same with the run's node rows already read (store.nodeRuns(runId)),
// for a caller that shows them too: a 100,000-node run is read once.
std::optional<Assessment> assess(StateStore &store, const Contract &contract, const Graph &graph,
                                 qint64 runId, const QDateTime &now,
                                 const QList<NodeRunRecord> &nodeRuns, bool syncAlerts = true);

// After a publication decision: the same snapshot of the run with its
// decisions read again, the verdict evaluated again and (with `syncAlerts`)
// the alerts brought up to date. Nothing else about the run is read again.
void reassess(StateStore &store, const Contract &contract, const Graph &graph,
              Assessment &assessment, bool syncAlerts = true);

// Escalation rules whose time has come while their condition holds (e.g.
// MON 10:00 and the report is not safe) raise one critical alert each, once.
QList<AlertRecord> escalate(AlertBook &book, const Contract &contract, const Assessment &assessment,
                            const QDateTime &now);

QList<Decision> decisionsOf(const StateStore &store, qint64 runId);

struct DecisionResult
{
    bool ok = false;
    bool notAllowed = false; // the person is not an approver
    QString message;
};

// Approve with caveats, or hold. `texts` maps a section id (empty for the
// whole report) to its caveat or hold reason. Only people named in the
// contract's `approvers` may decide; a refused decision changes nothing.
// Every decision is written to the audit log before it takes effect.
DecisionResult decide(StateStore &store, const Contract &contract, const Assessment &assessment,
                      Decision::Kind kind, const QString &who,
                      const QList<std::pair<QString, QString>> &texts, const QDateTime &now);

// Writes (replaces) the report's row in `vouch_publication` on the publish
// node's connection, so BI dashboards can show how fresh and complete the
// numbers are. Returns an error message, or empty (also when the contract's
// publish node names no connection).
QString writePublication(const Contract &contract, const Graph &graph, const Assessment &assessment,
                         const RunContext &context);
// The same for a run read back from the store (after a run or a decision):
// the connection's ${VOUCH_DATA} comes from `dataDirectory` when it is given,
// otherwise from the process environment.
QString writePublication(const Contract &contract, const Graph &graph, const Assessment &assessment,
                         const QString &dataDirectory);

} // namespace vouch::engine
