#include "engine/graph/nodestate.h"

namespace vouch::engine {

QString toString(NodeState state)
{
    switch (state) {
    case NodeState::Pending:
        return QStringLiteral("pending");
    case NodeState::Queued:
        return QStringLiteral("queued");
    case NodeState::Running:
        return QStringLiteral("running");
    case NodeState::Retrying:
        return QStringLiteral("retrying");
    case NodeState::Succeeded:
        return QStringLiteral("succeeded");
    case NodeState::Warned:
        return QStringLiteral("warned");
    case NodeState::Failed:
        return QStringLiteral("failed");
    case NodeState::UpstreamFailed:
        return QStringLiteral("upstream_failed");
    case NodeState::Skipped:
        return QStringLiteral("skipped");
    case NodeState::Cancelled:
        return QStringLiteral("cancelled");
    case NodeState::Interrupted:
        return QStringLiteral("interrupted");
    }
    Q_UNREACHABLE();
}

QString toString(Freshness freshness)
{
    switch (freshness) {
    case Freshness::Unknown:
        return QString();
    case Freshness::Fresh:
        return QStringLiteral("fresh");
    case Freshness::StaleWarn:
        return QStringLiteral("stale_warn");
    case Freshness::StaleError:
        return QStringLiteral("stale_error");
    }
    Q_UNREACHABLE();
}

bool isTerminal(NodeState state)
{
    switch (state) {
    case NodeState::Pending:
    case NodeState::Queued:
    case NodeState::Running:
    case NodeState::Retrying:
        return false;
    default:
        return true;
    }
}

bool isPassing(NodeState state)
{
    return state == NodeState::Succeeded || state == NodeState::Warned;
}

Transition makeTransition(qint64 runId, int attempt, const QString &nodeId, NodeState state,
                          const QDateTime &at)
{
    Transition t;
    t.runId = runId;
    t.attempt = attempt;
    t.nodeId = nodeId;
    t.state = state;
    t.at = at;
    return t;
}

} // namespace vouch::engine
