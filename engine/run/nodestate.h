#pragma once

#include <QString>

namespace vouch::engine {

// The states of DESIGN.md. Terminal states are the ones a run can end in.
enum class NodeState
{
    Pending,
    Queued,
    Running,
    Retrying,
    Succeeded,
    Warned,
    Failed,
    UpstreamFailed,
    Skipped,
    Cancelled,
    Interrupted,
};

enum class Freshness
{
    Unknown,
    Fresh,
    StaleWarn,
    StaleError
};

QString toString(NodeState state);
QString toString(Freshness freshness);
bool isTerminal(NodeState state);
// Succeeded or warned: downstream may run.
bool isPassing(NodeState state);

} // namespace vouch::engine
