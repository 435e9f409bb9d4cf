#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

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

// A late source being waited for: the node stays running between looks.
struct Waiting
{
    QString reason;     // why it is not ready yet (the freshness measurement's message)
    QDateTime nextLook; // UTC: when the source is measured again
    QDateTime deadline; // UTC: the wait's limit (`wait: until`), after which it settles
    bool operator==(const Waiting &) const = default;
};

// One state change of one node in one attempt of a run. The scheduler
// records it in the state store before it tells anyone else about it.
struct Transition
{
    qint64 runId = 0;
    int attempt = 0;
    QString nodeId;
    NodeState state = NodeState::Pending;
    QDateTime at;  // UTC
    int tries = 0; // execution tries inside this attempt (retries count up)
    Freshness freshness = Freshness::Unknown;
    QString message;
    std::optional<double> value;
    std::optional<double> reference;
    std::optional<qint64> ageSeconds;
    QDateTime observedAt;          // freshness: the source's last load
    QList<QStringList> sampleRows; // check: header row, then sample failing rows
    QString logPath;
    qint64 processGroup = 0; // command: the process group while running, 0 otherwise
    // Set while a late source is waited for (the node stays running):
    // frontends read this, not the message text.
    std::optional<Waiting> waiting;
};

// The change of node `nodeId`, in attempt `attempt` of run `runId`, to
// `state` at `at` (UTC); the caller adds what else it knows.
Transition makeTransition(qint64 runId, int attempt, const QString &nodeId, NodeState state,
                          const QDateTime &at);

// Copies what a node's step found (its state, the freshness, value and
// reference measured, the source's age and last load, the message and the
// sample rows) between the records that carry it: Transition, the store's
// NodeRunRecord, the verdict's NodeFacts and the desktop's NodeView.
template<typename To, typename From>
void copyFindings(To &to, const From &from)
{
    to.state = from.state;
    to.freshness = from.freshness;
    to.message = from.message;
    to.value = from.value;
    to.reference = from.reference;
    to.ageSeconds = from.ageSeconds;
    to.observedAt = from.observedAt;
    to.sampleRows = from.sampleRows;
}

} // namespace vouch::engine
