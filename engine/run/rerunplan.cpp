#include "engine/run/rerunplan.h"

#include "engine/graph/graph.h"
#include "engine/graph/selector.h"

#include <QSet>

#include <algorithm>

namespace vouch::engine {

QStringList RerunPlan::ids(const Graph &graph) const
{
    QStringList result;
    for (const Item &item : items)
        result << graph.id(item.index);
    return result;
}

RerunPlan planRerun(const Graph &graph, const QHash<QString, NodeState> &latest,
                    const RerunRequest &request)
{
    RerunPlan plan;
    const int n = graph.size();
    QList<QString> why(n);
    QList<int> chosen;
    if (request.selector.trimmed().isEmpty()) {
        for (int i = 0; i < n; ++i)
            chosen << i;
    } else {
        ParseError error;
        const auto selected = Selector::select(graph, request.selector, &error);
        if (!selected) {
            plan.error = error.message;
            return plan;
        }
        chosen = *selected;
        for (int i : chosen)
            why[i] = QStringLiteral("selected by '%1'").arg(request.selector.trimmed());
    }
    if (request.downstream) {
        for (int i : graph.downstream(chosen)) {
            if (why[i].isEmpty()) {
                // Name the nearest selected ancestor, so the reason is concrete.
                for (int up : graph.upstream({i})) {
                    if (!why[up].isEmpty() && why[up].startsWith(QLatin1String("selected"))) {
                        why[i] = QStringLiteral("downstream of %1").arg(graph.id(up));
                        break;
                    }
                }
            }
        }
        chosen = graph.downstream(chosen);
    }
    for (int i : graph.sortedTopologically(chosen)) {
        const NodeState state = latest.value(graph.id(i), NodeState::Pending);
        if (request.failedOnly && isPassing(state))
            continue;
        QString reason = why[i];
        if (request.failedOnly || reason.isEmpty())
            reason = reason.isEmpty()
                         ? QStringLiteral("%1 last time").arg(toString(state))
                         : QStringLiteral("%1; %2 last time").arg(reason, toString(state));
        plan.items.append({i, reason});
    }
    QSet<int> planned;
    for (const RerunPlan::Item &item : std::as_const(plan.items))
        planned.insert(item.index);
    for (const RerunPlan::Item &item : std::as_const(plan.items)) {
        const QList<int> &loaders = graph.needs(item.index);
        if (graph.kind(item.index) != NodeKind::Freshness || loaders.isEmpty())
            continue;
        if (std::none_of(loaders.cbegin(), loaders.cend(),
                         [&](int up) { return planned.contains(up); }))
            plan.cautions << QStringLiteral(
                                 "%1 measures data that %2 loads; rerun without it, it will "
                                 "find the same age. Rerun from its sources to load the data "
                                 "again.")
                                 .arg(graph.id(item.index),
                                      graph.ids(loaders).join(QStringLiteral(", ")));
    }
    if (plan.items.isEmpty())
        plan.error = request.failedOnly
                         ? QStringLiteral("nothing to rerun: every selected node passed")
                         : QStringLiteral("nothing to rerun: the selection is empty");
    return plan;
}

} // namespace vouch::engine
