#pragma once

// The trust layer's answer to "did every dependency required for this
// decision arrive, pass checks, and publish within the reporting contract?".
// Pure functions over a snapshot of one run: no clock, no store, no I/O.

#include "engine/contract/contract.h"
#include "engine/graph/nodestate.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace vouch::engine {

class Graph;

enum class SectionStatus
{
    Safe,
    Caveated,
    Held,
    Blocked,
    Running
};
enum class ReportStatus
{
    Running,
    AtRisk,
    Complete,
    Caveated,
    Partial,
    Failed,
    Stale,
    Late,
    Published,
    PublishedWithCaveats,
    Held,
};
QString toString(SectionStatus status);
QString toString(ReportStatus status);
// DESIGN.md: 0 complete, 10 caveated, 20 partial or held, 30 failed, stale or late.
int exitCodeFor(ReportStatus status);

// What the verdict needs to know about one node of the run.
struct NodeFacts
{
    NodeState state = NodeState::Pending;
    Freshness freshness = Freshness::Unknown;
    std::optional<double> value;
    std::optional<double> reference;
    std::optional<qint64> ageSeconds;
    QDateTime observedAt;
    QString message;
    QList<QStringList> sampleRows; // header row, then sample failing rows
};

struct Decision
{
    enum class Kind
    {
        Approve,
        Hold
    };
    Kind kind = Kind::Approve;
    QString section; // empty: the whole report
    QString text;    // the caveat (approve) or the reason (hold)
    QString who;
    QDateTime at;
    // The findings the decision was made on (findingsKey() of the verdict
    // then); empty for a decision that did not record them. An approval
    // whose findings differ from the run's present ones no longer applies;
    // a hold applies until an approver releases it.
    QString findings;
};

struct RunSnapshot
{
    QHash<QString, NodeFacts> nodes; // by node id; missing = pending
    QDateTime now;
    QDateTime deadline;  // publish_by for this period (invalid: no deadline)
    QDateTime projected; // forecast completion (invalid: unknown or done)
    QList<Decision> decisions;
};

// One root cause as one section sees it.
struct Finding
{
    QString nodeId;
    NodeState state = NodeState::Pending;
    Freshness freshness = Freshness::Unknown;
    bool blocking = false;   // failed (blocks what depends on it) vs warned
    QString cause;           // the node's `impact` text filled with real values, or its message
    bool fromImpact = false; // `cause` is the contract's own `impact` sentence
    std::optional<qint64> ageSeconds; // freshness: how old the source's data was
    std::optional<double> value;      // check: the measured value
};

struct SectionVerdict
{
    QString id;
    QString name;
    FailurePolicy policy = FailurePolicy::Hold;
    SectionStatus status = SectionStatus::Safe;
    QList<Finding> findings;
    QString fallback; // when not safe
    QString caveat;   // the section's caveat template filled in, when caveated
    QString owner;
    QString decidedBy; // a section-level decision, if any
    QString decision;  // its text
};

struct Verdict
{
    ReportStatus status = ReportStatus::Running;
    ReportStatus computed = ReportStatus::Running; // before publication decisions
    bool published = false;
    int exitCode = 0;
    QList<SectionVerdict> sections;
    QStringList rootCauses; // node ids, in topological order
    // Root causes that no section rests on and that do not stop publication
    // (say, an exploratory model): the sections decide the verdict; each
    // still gets an alert of its own, of low severity.
    QList<Finding> unneeded;
    // A root cause outside every section that stops publication: the publish
    // step itself, or something it needs. The report has failed.
    QList<Finding> publishFailures;
    QDateTime deadline;
    QDateTime projected;
    // Set when an approval no longer applies because the findings changed
    // since it was made: "findings changed since lee approved at Mon 09:14".
    QString decisionNeeded;

    const SectionVerdict *section(const QString &id) const;
};

// What a decision rests on, as one comparable string: each section's status
// (before decisions) and the root causes it rests on.
QString findingsKey(const Verdict &verdict);

Verdict evaluate(const Contract &contract, const Graph &graph, const RunSnapshot &run);

// The values code supplies to the contract's templates for one node.
QMap<QString, QString> templateValues(const Contract &contract, const Node &node,
                                      const NodeFacts &facts, const QDateTime &deadline);

// What a failure of `nodeId` means for each section and the report.
struct ImpactItem
{
    QString sectionId;
    QString sectionName;
    FailurePolicy policy = FailurePolicy::Hold;
    QString action; // "block the report", "hold this section", "publish with a caveat"
};
QList<ImpactItem> impactOf(const Contract &contract, const Graph &graph, const QString &nodeId);

} // namespace vouch::engine
