#include "engine/run/rerunplan.h"

#include "engine/graph/graph.h"
#include "engine/graph/selector.h"

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
    if (plan.items.isEmpty())
        plan.error = request.failedOnly
                         ? QStringLiteral("nothing to rerun: every selected node passed")
                         : QStringLiteral("nothing to rerun: the selection is empty");
    return plan;
}

} // namespace vouch::engine
