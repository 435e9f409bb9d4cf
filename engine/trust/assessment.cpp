#include "engine/trust/assessment.h"

#include "engine/calendar/reportcalendar.h"
#include "engine/contract/weeklytime.h"
#include "engine/graph/graph.h"
#include "engine/run/dialect.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/storesql.h"
#include "engine/trust/auditlog.h"
#include "engine/trust/forecast.h"
#include "engine/util/clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

namespace vouch::engine {

namespace {

QString decisionKind(Decision::Kind kind)
{
    return kind == Decision::Kind::Approve ? QStringLiteral("approve") : QStringLiteral("hold");
}

} // namespace

QList<Decision> decisionsOf(const StateStore &store, qint64 runId)
{
    // The audit log is the one source of decisions: a row written anywhere
    // else changes nothing, and an entry changed after it was written breaks
    // the chain, from which point on nothing is trusted.
    QList<Decision> result;
    auto &writable = const_cast<StateStore &>(store); // AuditLog only reads here
    const AuditLog log(writable);
    const AuditVerification verification = log.verify();
    const auto run = store.run(runId);
    if (!run)
        return result;
    for (const AuditEntry &e : log.entries(run->reportId, run->period)) {
        if (!verification.ok && e.seq >= verification.firstBadSeq)
            break;
        if (e.runId != runId)
            continue;
        const bool approve = e.action == QLatin1String("approve");
        if (!approve && e.action != QLatin1String("hold"))
            continue;
        Decision base;
        base.kind = approve ? Decision::Kind::Approve : Decision::Kind::Hold;
        base.who = e.who;
        base.at = e.at;
        base.findings = e.details.value(QStringLiteral("findings")).toString();
        const QJsonArray items =
            e.details.value(approve ? QStringLiteral("caveats") : QStringLiteral("reasons"))
                .toArray();
        for (const QJsonValue &v : items) {
            Decision d = base;
            d.section = v.toObject().value(QStringLiteral("section")).toString();
            d.text = v.toObject().value(QStringLiteral("text")).toString();
            result << d;
        }
        // A section-level approval that left no unsafe section unapproved
        // covers the report too (decided when it was made, in the entry).
        if (approve && e.details.value(QStringLiteral("covers_report")).toBool()) {
            Decision d = base;
            d.text = QStringLiteral("every unsafe section approved with its caveat");
            result << d;
        }
    }
    return result;
}

std::optional<Assessment> assess(StateStore &store, const Contract &contract, const Graph &graph,
                                 qint64 runId, const QDateTime &now, bool syncAlerts)
{
    return assess(store, contract, graph, runId, now, store.nodeRuns(runId), syncAlerts);
}

std::optional<Assessment> assess(StateStore &store, const Contract &contract, const Graph &graph,
                                 qint64 runId, const QDateTime &now,
                                 const QList<NodeRunRecord> &nodeRuns, bool syncAlerts)
{
    const auto run = store.run(runId);
    if (!run)
        return std::nullopt;
    Assessment a;
    a.run = *run;
    if (const auto ctx = contextForPeriod(run->period, now)) {
        a.periodStart = ctx->periodStart;
        a.periodEndExclusive = ctx->periodEndExclusive;
    }
    a.snapshot.now = now;
    QList<NodeProgress> progress(graph.size());
    a.snapshot.nodes.reserve(nodeRuns.size());
    for (const NodeRunRecord &r : nodeRuns) {
        NodeFacts facts;
        copyFindings(facts, r);
        a.snapshot.nodes.insert(r.nodeId, facts);
        const int index = graph.indexOf(r.nodeId);
        if (index >= 0)
            progress[index] = {r.state, r.startedAt};
    }
    if (a.periodEndExclusive.isValid())
        a.snapshot.deadline = deadlineFor(contract.report, a.periodEndExclusive);
    const Forecast forecast = forecastCompletion(
        graph, progress,
        durationHistory(store, contract.report.id, 12, runId, contract.report.cadence), now);
    if (!forecast.done)
        a.snapshot.projected = forecast.projected;
    reassess(store, contract, graph, a, syncAlerts);
    return a;
}

void reassess(StateStore &store, const Contract &contract, const Graph &graph,
              Assessment &assessment, bool syncAlerts)
{
    Assessment &a = assessment;
    const qint64 runId = a.run.id;
    const QDateTime &now = a.snapshot.now;
    a.snapshot.decisions = decisionsOf(store, runId);
    a.verdict = evaluate(contract, graph, a.snapshot);
    AlertBook book(store);
    a.changed.clear();
    if (syncAlerts) {
        a.changed = book.sync(runId, draftAlerts(contract, a.verdict, now), now);
        a.changed += escalate(book, contract, a, now);
    }
    a.alerts = book.alerts(runId);
}

QList<AlertRecord> escalate(AlertBook &book, const Contract &contract, const Assessment &assessment,
                            const QDateTime &now)
{
    QList<AlertRecord> fired;
    const QTimeZone zone(contract.report.timezone);
    if (!zone.isValid() || !assessment.periodEndExclusive.isValid())
        return fired;
    const ReportStatus status = assessment.verdict.status;
    const bool safe = status == ReportStatus::Complete ||
                      status == ReportStatus::PublishedWithCaveats ||
                      status == ReportStatus::Published;
    const Period period =
        Period::containing(assessment.periodEndExclusive.addDays(-1), contract.report.cadence);
    for (int i = 0; i < contract.report.escalation.size(); ++i) {
        const EscalationRule &rule = contract.report.escalation.at(i);
        const QDateTime due = escalationDue(contract.report, rule, period);
        bool applies = false;
        switch (rule.condition) {
        case EscalationRule::Condition::NotSafe:
            applies = !safe;
            break;
        case EscalationRule::Condition::AtRisk:
            applies = status == ReportStatus::AtRisk;
            break;
        case EscalationRule::Condition::Late:
            applies = status == ReportStatus::Late;
            break;
        case EscalationRule::Condition::Always:
            applies = true;
            break;
        }
        const QString key = QStringLiteral("escalation:%1").arg(i);
        if (!due.isValid() || now < due || !applies || book.hasAlert(assessment.run.id, key))
            continue;
        QStringList headlines;
        for (const AlertRecord &alert : book.alerts(assessment.run.id, true)) {
            if (!alert.rootNode.startsWith(QLatin1String("escalation:")))
                headlines << alert.headline;
        }
        AlertDraft draft;
        draft.rootNode = key;
        draft.severity = AlertSeverity::Critical;
        // The words are the contract's: the open alerts' headlines.
        draft.headline =
            QStringLiteral("[%1, %2 → %3] %4")
                .arg(contract.report.name, toString(status), rule.notify.join(QStringLiteral(", ")),
                     headlines.isEmpty() ? toString(status) : headlines.join(QStringLiteral(" ")));
        draft.details =
            QJsonObject{{QStringLiteral("escalation"), i},
                        {QStringLiteral("at"), rule.at.toString()},
                        {QStringLiteral("owners"), QJsonArray::fromStringList(rule.notify)},
                        {QStringLiteral("status"), toString(status)}};
        if (auto alert = book.raise(assessment.run.id, draft, now))
            fired << *alert;
    }
    return fired;
}

DecisionResult decide(StateStore &store, const Contract &contract, const Assessment &assessment,
                      Decision::Kind kind, const QString &who,
                      const QList<std::pair<QString, QString>> &texts,
                      [[maybe_unused]] const QDateTime &now)
{
    // A decision's time is the audit log's: when the person decided (real
    // time, engine/util/clock.h), whatever clock the run is judged by.
    DecisionResult result;
    const Report &report = contract.report;
    // Decided against the contract the run ran, never another file: a copy
    // with other approvers is refused here, before anyone is checked.
    QString ran;
    int ranAttempt = 0;
    for (const AttemptRecord &a : store.attempts(assessment.run.id)) {
        if (!a.contractSha256.isEmpty()) {
            ran = a.contractSha256;
            ranAttempt = a.attempt;
        }
    }
    if (!ran.isEmpty() && ran != contract.sourceSha256) {
        result.notAllowed = true;
        result.message =
            QStringLiteral("%1 is not the contract that %2 ran for %3 (its SHA-256 is %4…, attempt "
                           "%5 ran %6…); a decision is checked against the contract the run ran: "
                           "decide without FILE, or rerun with this contract first; nothing was "
                           "recorded")
                .arg(contract.filePath.isEmpty() ? QStringLiteral("this contract")
                                                 : contract.filePath,
                     report.id, assessment.run.period,
                     contract.sourceSha256.isEmpty() ? QStringLiteral("unknown")
                                                     : contract.sourceSha256.left(12))
                .arg(ranAttempt)
                .arg(ran.left(12));
        return result;
    }
    if (!report.approvers.contains(who)) {
        result.notAllowed = true;
        result.message =
            report.approvers.isEmpty()
                ? QStringLiteral("%1 names no approvers, so nobody may decide its publication; add "
                                 "'approvers' to the contract")
                      .arg(report.id)
                : QStringLiteral(
                      "%1 is not an approver of %2 (approvers: %3); nothing was recorded")
                      .arg(who, report.id, report.approvers.join(QStringLiteral(", ")));
        return result;
    }
    const ReportStatus computed = assessment.verdict.computed;
    if (computed == ReportStatus::Running) {
        result.message = QStringLiteral("the run has not finished; decide when it has");
        return result;
    }
    if (texts.isEmpty()) {
        result.message = kind == Decision::Kind::Approve
                             ? QStringLiteral("an approval needs at least one caveat text")
                             : QStringLiteral("a hold needs a reason");
        return result;
    }
    // Approving a held report releases the hold, whatever it now finds.
    const bool releasesHold = assessment.verdict.status == ReportStatus::Held;
    if (kind == Decision::Kind::Approve && !releasesHold) {
        if (computed == ReportStatus::Complete) {
            result.message = QStringLiteral(
                "the report is complete and publishes on its own; there is nothing to approve");
            return result;
        }
        if (computed == ReportStatus::Failed) {
            result.message = QStringLiteral(
                "a blocking failure makes the report unsafe; it cannot be approved, only "
                "held or fixed and rerun");
            return result;
        }
    }
    for (const auto &[section, text] : texts) {
        if (text.trimmed().isEmpty()) {
            result.message = kind == Decision::Kind::Approve
                                 ? QStringLiteral("a caveat cannot be empty")
                                 : QStringLiteral("a hold reason cannot be empty");
            return result;
        }
        if (!section.isEmpty()) {
            const SectionVerdict *sv = assessment.verdict.section(section);
            if (!sv) {
                result.message = QStringLiteral("unknown section '%1'").arg(section);
                return result;
            }
            if (kind == Decision::Kind::Approve && sv->status == SectionStatus::Safe) {
                result.message =
                    QStringLiteral("section '%1' is safe; it needs no caveat").arg(section);
                return result;
            }
        }
    }

    // The audit entry is the decision: one append, nothing else written. It
    // records the findings it was made on, so that it does not outlive them.
    QJsonArray items;
    for (const auto &[section, text] : texts)
        items.append(
            QJsonObject{{QStringLiteral("section"), section}, {QStringLiteral("text"), text}});
    QJsonArray sections;
    for (const SectionVerdict &sv : assessment.verdict.sections)
        sections.append(QJsonObject{{QStringLiteral("id"), sv.id},
                                    {QStringLiteral("status"), toString(sv.status)}});
    QJsonObject details{
        {QStringLiteral("attempt"), assessment.run.latestAttempt},
        {QStringLiteral("verdict"), toString(computed)},
        {QStringLiteral("sections"), sections},
        {QStringLiteral("findings"), findingsKey(assessment.verdict)},
        {kind == Decision::Kind::Approve ? QStringLiteral("caveats") : QStringLiteral("reasons"),
         items}};
    if (!contract.sourceSha256.isEmpty())
        details.insert(QStringLiteral("contract_sha256"), contract.sourceSha256);
    // A section-level approval covers the report once every unsafe section
    // has an approval on these findings.
    if (kind == Decision::Kind::Approve) {
        const QString findings = findingsKey(assessment.verdict);
        QSet<QString> approved;
        for (const Decision &d : decisionsOf(store, assessment.run.id)) {
            if (d.kind == Decision::Kind::Approve &&
                (d.findings.isEmpty() || d.findings == findings))
                approved.insert(d.section);
        }
        for (const auto &[section, text] : texts)
            approved.insert(section);
        bool all = !approved.contains(QString());
        for (const SectionVerdict &sv : assessment.verdict.sections)
            all &= sv.status == SectionStatus::Safe || approved.contains(sv.id);
        if (all)
            details.insert(QStringLiteral("covers_report"), true);
    }
    AuditLog audit(store);
    QString error;
    if (!audit.append(who, decisionKind(kind), report.id, assessment.run.period, assessment.run.id,
                      details, &error)) {
        // Team mode: the server's grants decide who may record a decision.
        if (audit.lastErrorRefused()) {
            result.notAllowed = true;
            result.message = QStringLiteral("the state store refused it: %1 has no right to "
                                            "record decisions there (an approver needs the "
                                            "vouch_approver role); nothing was recorded")
                                 .arg(who);
            return result;
        }
        result.message =
            QStringLiteral("could not write the audit log: %1; nothing was recorded").arg(error);
        return result;
    }
    result.ok = true;
    result.message = kind == Decision::Kind::Approve
                         ? QStringLiteral("approved with caveats by %1").arg(who)
                         : QStringLiteral("held by %1").arg(who);
    return result;
}

QString writePublication(const Contract &contract, const Graph &graph, const Assessment &assessment,
                         const RunContext &context)
{
    const Node *publish = nullptr;
    for (const Node &n : contract.nodes) {
        if (n.kind == NodeKind::Publish && !n.connection.isEmpty())
            publish = &n;
    }
    if (!publish)
        return QString();
    const Verdict &v = assessment.verdict;
    QJsonArray caveats, sections, sources;
    for (const Decision &d : assessment.snapshot.decisions) {
        if (d.kind == Decision::Kind::Approve)
            caveats.append(QJsonObject{{QStringLiteral("section"), d.section},
                                       {QStringLiteral("text"), d.text}});
    }
    QString decidedBy;
    QDateTime decidedAt;
    if (!assessment.snapshot.decisions.isEmpty()) {
        decidedBy = assessment.snapshot.decisions.last().who;
        decidedAt = assessment.snapshot.decisions.last().at;
    }
    for (const SectionVerdict &sv : v.sections) {
        sections.append(QJsonObject{{QStringLiteral("id"), sv.id},
                                    {QStringLiteral("name"), sv.name},
                                    {QStringLiteral("status"), toString(sv.status)},
                                    {QStringLiteral("caveat"), sv.caveat}});
    }
    QDateTime asOf;
    for (int index : graph.topologicalOrder()) {
        const Node &n = contract.nodes.at(index);
        if (n.kind != NodeKind::Freshness)
            continue;
        const NodeFacts f = assessment.snapshot.nodes.value(n.id);
        sources.append(
            QJsonObject{{QStringLiteral("id"), n.id},
                        {QStringLiteral("freshness"), toString(f.freshness)},
                        {QStringLiteral("observed_at"),
                         f.observedAt.isValid() ? f.observedAt.toString(Qt::ISODate) : QString()}});
        // The numbers are as fresh as the stalest source.
        if (f.observedAt.isValid() && (!asOf.isValid() || f.observedAt < asOf))
            asOf = f.observedAt;
    }
    const Connection connection = contract.connections.value(publish->connection);
    return withConnection(connection, context, [&](QSqlDatabase &db) -> QString {
        // The table in the warehouse's own types; the report's row is
        // replaced (delete, insert) in one transaction: an upsert every
        // engine understands.
        if (const QString e = ensureTable(
                db, connection.dialect, QStringLiteral("vouch_publication"),
                QStringLiteral("report_id %ID NOT NULL, period %ID NOT NULL, status %ID NOT "
                               "NULL, caveats %TEXT NOT NULL, sections %TEXT NOT NULL, "
                               "sources %TEXT NOT NULL, as_of %ID, decided_by %ID, "
                               "decided_at %ID, written_at %ID NOT NULL"),
                QStringLiteral("report_id, period"));
            !e.isEmpty())
            return e;
        if (const QString e = beginTransaction(db, connection); !e.isEmpty())
            return QStringLiteral("cannot write vouch_publication: %1").arg(e);
        QSqlQuery del(db);
        del.prepare(
            QStringLiteral("DELETE FROM vouch_publication WHERE report_id = ? AND period = ?"));
        del.addBindValue(contract.report.id);
        del.addBindValue(assessment.run.period);
        if (!del.exec()) {
            const QString e = del.lastError().text();
            rollbackTransaction(db, connection);
            return QStringLiteral("cannot write vouch_publication: %1").arg(e);
        }
        QSqlQuery ins(db);
        ins.prepare(QStringLiteral(
            "INSERT INTO vouch_publication (report_id, period, status, caveats, sections, "
            "sources, as_of, "
            "decided_by, decided_at, written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        ins.addBindValue(contract.report.id);
        ins.addBindValue(assessment.run.period);
        ins.addBindValue(v.published && v.status == ReportStatus::Complete
                             ? QStringLiteral("published")
                             : toString(v.status));
        ins.addBindValue(QString::fromUtf8(QJsonDocument(caveats).toJson(QJsonDocument::Compact)));
        ins.addBindValue(QString::fromUtf8(QJsonDocument(sections).toJson(QJsonDocument::Compact)));
        ins.addBindValue(QString::fromUtf8(QJsonDocument(sources).toJson(QJsonDocument::Compact)));
        ins.addBindValue(asOf.isValid() ? asOf.toString(Qt::ISODate)
                                        : QVariant(QMetaType::fromType<QString>()));
        ins.addBindValue(decidedBy.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                             : QVariant(decidedBy));
        ins.addBindValue(decidedAt.isValid() ? QVariant(decidedAt.toString(Qt::ISODate))
                                             : QVariant(QMetaType::fromType<QString>()));
        ins.addBindValue(clockNow().toString(Qt::ISODate));
        if (!ins.exec()) {
            const QString e = ins.lastError().text();
            rollbackTransaction(db, connection);
            return QStringLiteral("cannot write vouch_publication: %1").arg(e);
        }
        if (const QString e = commitTransaction(db, connection); !e.isEmpty()) {
            rollbackTransaction(db, connection);
            return QStringLiteral("cannot write vouch_publication: %1").arg(e);
        }
        return QString();
    });
}

QString writePublication(const Contract &contract, const Graph &graph, const Assessment &assessment,
                         const QString &dataDirectory)
{
    std::optional<RunContext> context =
        contextForPeriod(assessment.run.period, assessment.snapshot.now);
    if (!context)
        return QStringLiteral("the run's period '%1' is not a period key")
            .arg(assessment.run.period);
    if (!dataDirectory.isEmpty())
        context->env.insert(QStringLiteral("VOUCH_DATA"), dataDirectory);
    return writePublication(contract, graph, assessment, *context);
}

} // namespace vouch::engine
