#pragma once

// The concrete next step for a root cause, derived from the graph and the
// failure: what a data engineer does now, and which rerun would change the
// outcome. The Alerts and Report docks show it beside the alert; the words
// are plain English, like the engine's other messages.
//
//   stale or missing source -> "Rerun from ingest_stripe_settlements once the
//                              data has landed" (the nearest upstream node
//                              that loads it), or wait for an external load
//   failed check            -> its sample rows and its owner
//   failed command / sql    -> its log (or error) and a rerun once fixed
//
// Pure: any thread.

#include "engine/graph/nodestate.h"

#include <QString>
#include <QStringList>

namespace vouch::engine {

class Graph;
struct Contract;

struct NextStep
{
    enum class Kind
    {
        None,            // nothing to do (the node is not a problem)
        RerunFromLoader, // a source is stale or missing and a node loads it
        WaitForSource,   // a source nothing in the contract loads
        FixCheck,        // a check found rows to fix
        ReadLog,         // a command or SQL node failed
        Rerun,           // interrupted or cancelled: running it again may do
    };
    Kind kind = Kind::None;
    QString text;             // one or two sentences
    QString rerunFrom;        // the node the rerun starts from ("" for none)
    QString rerunSelector;    // what to rerun, in selector syntax ("+ingest_x+", "chk_y+")
    QString owner;            // who to ask, when the contract names one
    bool showSamples = false; // the check's sample rows belong beside the text
    bool showLog = false;     // the node's log tail (or error) belongs beside the text
};

// The step for `node` in its latest state (and freshness, for freshness
// nodes). `owners` are the owners of the sections it affects, used when the
// node names none.
NextStep nextStepFor(const Contract &contract, const Graph &graph, const QString &node,
                     NodeState state, Freshness freshness, const QStringList &owners = {});

} // namespace vouch::engine
