#include "engine/trust/nextstep.h"

#include "engine/contract/contract.h"
#include "engine/graph/graph.h"

#include <QQueue>
#include <QSet>

namespace vouch::engine {

namespace {

bool loads(NodeKind kind)
{
    return kind == NodeKind::Command || kind == NodeKind::Sql;
}

// The nearest node upstream of `from` that loads data (a command or SQL
// node), breadth first, ties to the node written first; -1 if none.
int nearestLoader(const Graph &graph, int from)
{
    QQueue<int> queue;
    QSet<int> seen{from};
    for (int up : graph.needs(from))
        queue.enqueue(up);
    while (!queue.isEmpty()) {
        const int node = queue.dequeue();
        if (seen.contains(node))
            continue;
        seen.insert(node);
        if (loads(graph.kind(node)))
            return node;
        for (int up : graph.needs(node))
            queue.enqueue(up);
    }
    return -1;
}

QString ownerPhrase(const QString &owner)
{
    return owner.isEmpty() ? QString() : QStringLiteral(" (owner: %1)").arg(owner);
}

} // namespace

NextStep nextStepFor(const Contract &contract, const Graph &graph, const QString &nodeId,
                     NodeState state, Freshness freshness, const QStringList &owners)
{
    NextStep step;
    const int index = graph.indexOf(nodeId);
    const Node *node = contract.node(nodeId);
    if (index < 0 || !node)
        return step;
    step.owner = node->owner.isEmpty() ? owners.join(QStringLiteral(", ")) : node->owner;

    const bool stale = freshness == Freshness::StaleError || freshness == Freshness::StaleWarn;
    if (node->kind == NodeKind::Freshness && (stale || state == NodeState::Failed)) {
        const int loader = nearestLoader(graph, index);
        // A fresh source that failed `complete_over: period` lacks days.
        const bool incomplete =
            !stale && !node->dateColumn.isEmpty() && freshness != Freshness::Unknown;
        const QString what =
            stale        ? QStringLiteral("%1 is older than the contract allows").arg(nodeId)
            : incomplete ? QStringLiteral("%1 is missing days of the period").arg(nodeId)
                         : QStringLiteral("%1 could not be measured").arg(nodeId);
        if (loader >= 0) {
            step.kind = NextStep::Kind::RerunFromLoader;
            step.rerunFrom = graph.id(loader);
            step.rerunSelector = QStringLiteral("%1+").arg(graph.id(loader));
            step.text =
                QStringLiteral("%1. Rerun from %2 once the data has landed: rerunning %3 "
                               "alone would find the same %4.")
                    .arg(what, graph.id(loader), nodeId,
                         incomplete ? QStringLiteral("days missing") : QStringLiteral("age"));
        } else {
            step.kind = NextStep::Kind::WaitForSource;
            step.rerunFrom = nodeId;
            step.rerunSelector = QStringLiteral("%1+").arg(nodeId);
            step.text = QStringLiteral("%1, and nothing in this contract loads it. Ask%2 whether "
                                       "the load ran, then rerun %3 and what follows once the "
                                       "data has landed.")
                            .arg(what,
                                 step.owner.isEmpty() ? QStringLiteral(" its owner")
                                                      : QStringLiteral(" %1").arg(step.owner),
                                 nodeId);
        }
        return step;
    }
    if (state == NodeState::Interrupted || state == NodeState::Cancelled) {
        step.kind = NextStep::Kind::Rerun;
        step.rerunFrom = nodeId;
        step.rerunSelector = QStringLiteral("%1+").arg(nodeId);
        step.text = QStringLiteral("%1 was %2 before it finished. Rerun it and what follows.")
                        .arg(nodeId, toString(state));
        return step;
    }
    const bool failing = state == NodeState::Failed || state == NodeState::Warned;
    if (!failing)
        return step;
    step.rerunFrom = nodeId;
    step.rerunSelector = QStringLiteral("%1+").arg(nodeId);
    switch (node->kind) {
    case NodeKind::Check:
        step.kind = NextStep::Kind::FixCheck;
        step.showSamples = !node->rows.isEmpty();
        step.text =
            QStringLiteral("%1 found rows that break the rule%2.%3 Once they are fixed at "
                           "the source, rerun %4 and what follows.")
                .arg(nodeId, ownerPhrase(step.owner),
                     step.showSamples ? QStringLiteral(" Its sample rows are below.") : QString(),
                     nodeId);
        return step;
    case NodeKind::Command:
    case NodeKind::Sql:
    case NodeKind::Publish:
        step.kind = NextStep::Kind::ReadLog;
        step.showLog = true;
        step.text = QStringLiteral("%1 failed: the end of its %2 is below%3. Once the cause is "
                                   "fixed, rerun %1 and what follows.")
                        .arg(nodeId,
                             node->kind == NodeKind::Command ? QStringLiteral("log")
                                                             : QStringLiteral("error"),
                             ownerPhrase(step.owner));
        return step;
    default:
        step.kind = NextStep::Kind::Rerun;
        step.text = QStringLiteral("%1 %2. Rerun it and what follows once the cause is fixed.")
                        .arg(nodeId, toString(state));
        return step;
    }
}

} // namespace vouch::engine
