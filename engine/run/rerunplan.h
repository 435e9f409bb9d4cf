#pragma once

#include "engine/graph/nodestate.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace vouch::engine {

class Graph;

struct RerunRequest
{
    QString selector;        // dbt-style selection; empty = every node
    bool downstream = false; // add everything downstream of the selection
    bool failedOnly = false; // keep only nodes that did not succeed
};

struct RerunPlan
{
    struct Item
    {
        int index = 0;
        QString why; // "selected", "downstream of stg_orders", "failed last time" ...
    };
    QList<Item> items;    // in topological order
    QString error;        // a bad selector, or nothing to rerun
    QStringList cautions; // reruns that cannot change the outcome, said plainly

    QStringList ids(const Graph &graph) const;
};

// Which nodes a controlled rerun runs, and why. Pure: the latest state of
// each node (by id) comes from the store. Succeeded and warned nodes count
// as passing for --failed-only. A freshness node rerun without any of the
// nodes that load its data will measure the same age: the plan says so in
// `cautions` (the plan still stands; the person decides).
RerunPlan planRerun(const Graph &graph, const QHash<QString, NodeState> &latest,
                    const RerunRequest &request);

} // namespace vouch::engine
