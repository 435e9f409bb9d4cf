#include "engine/trust/verdict.h"

#include "engine/graph/graph.h"

#include <QLocale>
#include <QSet>
#include <QTimeZone>

#include <cmath>
#include <vector>

namespace vouch::engine {

QString toString(SectionStatus status)
{
    switch (status) {
    case SectionStatus::Safe:
        return QStringLiteral("safe");
    case SectionStatus::Caveated:
        return QStringLiteral("caveat");
    case SectionStatus::Held:
        return QStringLiteral("held");
    case SectionStatus::Blocked:
        return QStringLiteral("blocked");
    case SectionStatus::Running:
        return QStringLiteral("running");
    }
    Q_UNREACHABLE();
}

QString toString(ReportStatus status)
{
    switch (status) {
    case ReportStatus::Running:
        return QStringLiteral("running");
    case ReportStatus::AtRisk:
        return QStringLiteral("at_risk");
    case ReportStatus::Complete:
        return QStringLiteral("complete");
    case ReportStatus::Caveated:
        return QStringLiteral("caveated");
    case ReportStatus::Partial:
        return QStringLiteral("partial");
    case ReportStatus::Failed:
        return QStringLiteral("failed");
    case ReportStatus::Stale:
        return QStringLiteral("stale");
    case ReportStatus::Late:
        return QStringLiteral("late");
    case ReportStatus::Published:
        return QStringLiteral("published");
    case ReportStatus::PublishedWithCaveats:
        return QStringLiteral("published_with_caveats");
    case ReportStatus::Held:
        return QStringLiteral("held");
    }
    Q_UNREACHABLE();
}

int exitCodeFor(ReportStatus status)
{
    switch (status) {
    case ReportStatus::Running:
    case ReportStatus::AtRisk:
    case ReportStatus::Complete:
    case ReportStatus::Published:
        return 0;
    case ReportStatus::Caveated:
    case ReportStatus::PublishedWithCaveats:
        return 10;
    case ReportStatus::Partial:
    case ReportStatus::Held:
        return 20;
    case ReportStatus::Failed:
    case ReportStatus::Stale:
    case ReportStatus::Late:
        return 30;
    }
    return 30;
}

const SectionVerdict *Verdict::section(const QString &id) const
{
    for (const SectionVerdict &s : sections) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

namespace {

bool isBlockingFailure(NodeState state)
{
    return state == NodeState::Failed || state == NodeState::Interrupted ||
           state == NodeState::Cancelled;
}

bool isUnfinished(NodeState state)
{
    return !isTerminal(state);
}

QString formatNumber(double value)
{
    if (std::floor(value) == value && std::abs(value) < 1e15)
        return QLocale::c().toString(qint64(value));
    return QLocale::c().toString(value, 'f', 2);
}

QString formatAge(qint64 seconds)
{
    if (seconds < 3600)
        return QStringLiteral("%1 min").arg(seconds / 60);
    if (seconds < 48 * 3600)
        return QStringLiteral("%1 h").arg(seconds / 3600);
    return QStringLiteral("%1 days").arg(seconds / 86400);
}

} // namespace

QMap<QString, QString> templateValues(const Contract &contract, const Node &node,
                                      const NodeFacts &facts, const QDateTime &deadline)
{
    QMap<QString, QString> values{{QStringLiteral("node"), node.id},
                                  {QStringLiteral("report"), contract.report.name},
                                  {QStringLiteral("owner"), node.owner}};
    if (facts.value) {
        values.insert(QStringLiteral("value"), formatNumber(*facts.value));
        values.insert(QStringLiteral("count"), formatNumber(*facts.value));
    }
    if (facts.reference)
        values.insert(QStringLiteral("reference"), formatNumber(*facts.reference));
    if (facts.value && facts.reference && *facts.reference != 0.0) {
        const double pct = (*facts.value - *facts.reference) / std::abs(*facts.reference) * 100.0;
        values.insert(QStringLiteral("diff"),
                      QStringLiteral("%1%").arg(QLocale::c().toString(pct, 'f', 2)));
    }
    if (facts.ageSeconds)
        values.insert(QStringLiteral("age"), formatAge(*facts.ageSeconds));
    if (facts.observedAt.isValid()) {
        const QTimeZone zone(contract.report.timezone);
        values.insert(QStringLiteral("observed"),
                      facts.observedAt.toTimeZone(zone.isValid() ? zone : QTimeZone::utc())
                          .toString(QStringLiteral("ddd d MMM HH:mm")));
    }
    if (facts.sampleRows.size() > 1) {
        QStringList firsts;
        for (const QStringList &row : facts.sampleRows.mid(1))
            firsts << row.value(0);
        values.insert(QStringLiteral("samples"), firsts.join(QStringLiteral(", ")));
    }
    const std::optional<Threshold> &fired =
        facts.state == NodeState::Failed && node.errorIf ? node.errorIf : node.warnIf;
    if (fired)
        values.insert(QStringLiteral("threshold"), fired->text);
    if (deadline.isValid()) {
        const QTimeZone zone(contract.report.timezone);
        values.insert(QStringLiteral("deadline"),
                      deadline.toTimeZone(zone.isValid() ? zone : QTimeZone::utc())
                          .toString(QStringLiteral("ddd HH:mm")));
    } else {
        values.insert(QStringLiteral("deadline"), contract.report.publishBy.toString());
    }
    return values;
}

QString findingsKey(const Verdict &verdict)
{
    QStringList parts;
    for (const SectionVerdict &sv : verdict.sections) {
        QStringList causes;
        for (const Finding &f : sv.findings)
            causes << f.nodeId + u'=' + toString(f.state);
        causes.sort();
        parts << sv.id + u':' + toString(sv.status) + u'[' + causes.join(u',') + u']';
    }
    QStringList outside;
    for (const Finding &f : verdict.publishFailures)
        outside << f.nodeId + u'=' + toString(f.state);
    outside.sort();
    parts << QStringLiteral("publish[") + outside.join(u',') + u']';
    return parts.join(u';');
}

Verdict evaluate(const Contract &contract, const Graph &graph, const RunSnapshot &run)
{
    Verdict verdict;
    verdict.deadline = run.deadline;
    verdict.projected = run.projected;
    // Each node's facts, looked up once by id (a node without facts is
    // pending): the loops below visit most nodes two or three times.
    const NodeFacts pending;
    std::vector<const NodeFacts *> factsAt(graph.size(), nullptr);
    for (int index = 0; index < graph.size(); ++index) {
        const auto found = run.nodes.constFind(graph.id(index));
        factsAt[index] = found == run.nodes.constEnd() ? &pending : &*found;
    }
    auto factsOf = [&](int index) -> const NodeFacts & { return *factsAt[index]; };

    // Root causes: nodes that failed or warned themselves, not because of an
    // upstream node. One cause, however many dependants it has.
    std::vector<char> roots(graph.size(), 0);
    for (int index : graph.topologicalOrder()) {
        const NodeFacts &facts = factsOf(index);
        if (isBlockingFailure(facts.state) || facts.state == NodeState::Warned) {
            roots[index] = 1;
            verdict.rootCauses << graph.id(index);
        }
    }

    auto findingFor = [&](int index, const Section &section) {
        const Node &node = contract.nodes.at(index);
        const NodeFacts &facts = factsOf(index);
        Finding f;
        f.nodeId = node.id;
        f.state = facts.state;
        f.freshness = facts.freshness;
        f.blocking = isBlockingFailure(facts.state);
        f.ageSeconds = facts.ageSeconds;
        f.value = facts.value;
        if (node.impact && (facts.state == NodeState::Failed || facts.state == NodeState::Warned)) {
            QMap<QString, QString> values = templateValues(contract, node, facts, run.deadline);
            values.insert(QStringLiteral("section"), section.name);
            f.cause = node.impact->render(values);
            f.fromImpact = true;
        } else {
            f.cause = facts.message.isEmpty() ? toString(facts.state) : facts.message;
        }
        return f;
    };

    bool blocked = false, held = false, caveated = false, running = false;
    std::vector<char> covered(graph.size(), 0);
    for (const Section &section : contract.report.sections) {
        SectionVerdict sv;
        sv.id = section.id;
        sv.name = section.name;
        sv.policy = section.onFailure;
        sv.owner = section.owner;
        bool failed = false, warned = false, unfinished = false;
        // What the section rests on: its needs, their ancestors and the
        // checks attached to any of them (docs/trust.md).
        for (int index : graph.sectionRestsOn(section.id)) {
            covered[index] = 1;
            const NodeFacts &facts = factsOf(index);
            if (roots[index]) {
                Finding f = findingFor(index, section);
                failed |= f.blocking;
                warned |= !f.blocking;
                sv.findings.append(f);
            } else if (isUnfinished(facts.state)) {
                unfinished = true;
            }
        }
        if (failed) {
            switch (section.onFailure) {
            case FailurePolicy::Block:
                sv.status = SectionStatus::Blocked;
                break;
            case FailurePolicy::Hold:
                sv.status = SectionStatus::Held;
                break;
            case FailurePolicy::Caveat:
                sv.status = SectionStatus::Caveated;
                break;
            }
        } else if (unfinished) {
            sv.status = SectionStatus::Running;
        } else if (warned) {
            sv.status = SectionStatus::Caveated;
        }
        if (sv.status != SectionStatus::Safe && sv.status != SectionStatus::Running) {
            sv.fallback = section.fallback;
            if (section.caveat) {
                QMap<QString, QString> values{{QStringLiteral("section"), section.name},
                                              {QStringLiteral("report"), contract.report.name}};
                if (!sv.findings.isEmpty()) {
                    const int first = graph.indexOf(sv.findings.first().nodeId);
                    values.insert(templateValues(contract, contract.nodes.at(first), factsOf(first),
                                                 run.deadline));
                    values.insert(QStringLiteral("section"), section.name);
                }
                sv.caveat = section.caveat->render(values);
            } else if (!sv.findings.isEmpty()) {
                sv.caveat = sv.findings.first().cause;
            }
        }
        blocked |= sv.status == SectionStatus::Blocked;
        held |= sv.status == SectionStatus::Held;
        caveated |= sv.status == SectionStatus::Caveated;
        running |= sv.status == SectionStatus::Running;
        verdict.sections.append(sv);
    }
    // A failure that no section rests on still means the report did not
    // publish within its contract when it stops publication: the publish
    // step, or anything a publish step needs. Any other such failure (an
    // exploratory model) leaves the verdict to the sections.
    QList<int> publishSteps;
    for (int index = 0; index < graph.size(); ++index) {
        if (contract.nodes.at(index).kind == NodeKind::Publish)
            publishSteps << index;
    }
    const QList<int> publishNeeds = graph.upstream(publishSteps);
    const QSet<int> feedsPublication(publishNeeds.cbegin(), publishNeeds.cend());
    bool failedOutside = false;
    bool unfinishedOutside = false;
    for (int index = 0; index < graph.size(); ++index) {
        if (covered[index])
            continue;
        unfinishedOutside |= isUnfinished(factsOf(index).state);
        if (!roots[index] || !isBlockingFailure(factsOf(index).state))
            continue;
        Section none;
        const Finding f = findingFor(index, none);
        if (feedsPublication.contains(index)) {
            failedOutside = true;
            verdict.publishFailures.append(f);
        } else {
            verdict.unneeded.append(f);
        }
    }
    running |= unfinishedOutside;

    if (blocked || failedOutside)
        verdict.computed = ReportStatus::Failed;
    else if (running)
        verdict.computed = ReportStatus::Running;
    else if (held)
        verdict.computed = ReportStatus::Partial;
    else if (caveated)
        verdict.computed = ReportStatus::Caveated;
    else
        verdict.computed = ReportStatus::Complete;

    // Publication decisions. An approval applies only to the findings it was
    // made on; a hold stays until a later approval releases it. The latest
    // report-level decision that applies wins.
    const QString findings = findingsKey(verdict);
    const Decision *reportDecision = nullptr;
    const Decision *staleApproval = nullptr;
    for (const Decision &d : run.decisions) {
        const bool stale =
            d.kind == Decision::Kind::Approve && !d.findings.isEmpty() && d.findings != findings;
        if (stale) {
            staleApproval = &d;
            continue;
        }
        if (d.section.isEmpty()) {
            reportDecision = &d;
        } else {
            for (SectionVerdict &sv : verdict.sections) {
                if (sv.id == d.section) {
                    sv.decidedBy = d.who;
                    sv.decision = d.text;
                }
            }
        }
    }
    if (staleApproval && (!reportDecision || reportDecision->at < staleApproval->at)) {
        const QTimeZone zone(contract.report.timezone);
        verdict.decisionNeeded =
            QStringLiteral("findings changed since %1 approved at %2")
                .arg(staleApproval->who,
                     staleApproval->at.toTimeZone(zone.isValid() ? zone : QTimeZone::utc())
                         .toString(QStringLiteral("ddd HH:mm")));
    }
    const bool pastDeadline = run.deadline.isValid() && run.now.isValid() && run.now > run.deadline;
    verdict.status = verdict.computed;
    if (reportDecision && reportDecision->kind == Decision::Kind::Hold &&
        verdict.computed != ReportStatus::Running) {
        // A hold outlives a green rerun: only an approver releases it.
        verdict.status = ReportStatus::Held;
    } else if (verdict.computed == ReportStatus::Complete) {
        verdict.status = ReportStatus::Complete; // complete reports publish on their own
        verdict.published = true;
    } else if (reportDecision && verdict.computed != ReportStatus::Running &&
               verdict.computed != ReportStatus::Failed) {
        verdict.status = ReportStatus::PublishedWithCaveats;
        verdict.published = true;
    } else if (verdict.computed == ReportStatus::Running) {
        if (pastDeadline)
            verdict.status = ReportStatus::Late;
        else if (run.projected.isValid() && run.deadline.isValid() && run.projected > run.deadline)
            verdict.status = ReportStatus::AtRisk;
    } else if (pastDeadline) {
        // Not safe, not decided, and the deadline has passed.
        verdict.status = ReportStatus::Late;
    }
    verdict.exitCode = exitCodeFor(verdict.status);
    return verdict;
}

QList<ImpactItem> impactOf(const Contract &contract, const Graph &graph, const QString &nodeId)
{
    QList<ImpactItem> items;
    const int index = graph.indexOf(nodeId);
    if (index < 0)
        return items;
    for (const Section &section : contract.report.sections) {
        const QList<int> closure = graph.sectionRestsOn(section.id);
        if (!closure.contains(index))
            continue;
        ImpactItem item;
        item.sectionId = section.id;
        item.sectionName = section.name;
        item.policy = section.onFailure;
        switch (section.onFailure) {
        case FailurePolicy::Block:
            item.action = QStringLiteral("block the report");
            break;
        case FailurePolicy::Hold:
            item.action = QStringLiteral("hold this section");
            break;
        case FailurePolicy::Caveat:
            item.action = QStringLiteral("publish with a caveat");
            break;
        }
        items.append(item);
    }
    return items;
}

} // namespace vouch::engine
