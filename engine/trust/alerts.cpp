#include "engine/trust/alerts.h"

#include "engine/store/statestore.h"
#include "engine/store/storesql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>

#include <algorithm>

namespace vouch::engine {

QString toString(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::Low:
        return QStringLiteral("low");
    case AlertSeverity::Medium:
        return QStringLiteral("medium");
    case AlertSeverity::High:
        return QStringLiteral("high");
    case AlertSeverity::Critical:
        return QStringLiteral("critical");
    }
    Q_UNREACHABLE();
}

std::optional<AlertSeverity> alertSeverityFromString(const QString &text)
{
    for (AlertSeverity s : {AlertSeverity::Low, AlertSeverity::Medium, AlertSeverity::High,
                            AlertSeverity::Critical}) {
        if (toString(s) == text)
            return s;
    }
    return std::nullopt;
}

QString toString(AlertState state)
{
    switch (state) {
    case AlertState::Open:
        return QStringLiteral("open");
    case AlertState::Updated:
        return QStringLiteral("updated");
    case AlertState::Resolved:
        return QStringLiteral("resolved");
    }
    Q_UNREACHABLE();
}

namespace {

AlertState alertStateFromString(const QString &text)
{
    if (text == QLatin1String("updated"))
        return AlertState::Updated;
    if (text == QLatin1String("resolved"))
        return AlertState::Resolved;
    return AlertState::Open;
}

int policyWeight(FailurePolicy p)
{
    switch (p) {
    case FailurePolicy::Block:
        return 3;
    case FailurePolicy::Hold:
        return 2;
    case FailurePolicy::Caveat:
        return 1;
    }
    return 1;
}

// "A", "A and B", "A, B and C"; the connective is punctuation of a list,
// not a sentence about the business.
QString joinNames(const QStringList &names)
{
    if (names.isEmpty())
        return QString();
    if (names.size() == 1)
        return names.first();
    return names.mid(0, names.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") +
           names.last();
}

// "2 days", "5 hours", "40 minutes": an age as people say it.
QString humanAge(qint64 seconds)
{
    const auto plural = [](qint64 n, const char *unit) {
        return QStringLiteral("%1 %2%3")
            .arg(n)
            .arg(QLatin1String(unit))
            .arg(n == 1 ? QString() : QStringLiteral("s"));
    };
    if (seconds >= 86400)
        return plural(seconds / 86400, "day");
    if (seconds >= 3600)
        return plural(seconds / 3600, "hour");
    return plural(std::max<qint64>(seconds / 60, 1), "minute");
}

QString withoutFinalStop(QString text)
{
    text = text.trimmed();
    while (text.endsWith(u'.'))
        text.chop(1);
    return text;
}

// Why a root cause matters, as the clause after "because": the contract's
// `impact` sentence when it has one, else said from what the node is and
// what it found.
QString causeClause(const Node &node, const Finding *finding)
{
    if (finding && finding->fromImpact)
        return withoutFinalStop(finding->cause);
    const QString detail = finding ? withoutFinalStop(finding->cause) : QString();
    const NodeState state = finding ? finding->state : NodeState::Failed;
    // A fresh source that lacks days of its period (`complete_over`) failed
    // for those days, not for its age: say which.
    const bool fresh = finding && finding->ageSeconds &&
                       (!node.errorAfter || *finding->ageSeconds <= node.errorAfter->count());
    if (node.kind == NodeKind::Freshness && !node.dateColumn.isEmpty() && fresh &&
        state == NodeState::Failed && !detail.isEmpty()) {
        const qsizetype cut = detail.indexOf(QLatin1String(" (last load"));
        return QStringLiteral("%1 is incomplete: %2")
            .arg(node.id, cut > 0 ? detail.left(cut) : detail);
    }
    if (node.kind == NodeKind::Freshness && finding && finding->ageSeconds)
        return QStringLiteral("%1 was last loaded %2 ago")
            .arg(node.id, humanAge(*finding->ageSeconds));
    if (node.kind == NodeKind::Check && finding && finding->value)
        return QStringLiteral("check %1 found %2%3")
            .arg(node.id, QString::number(*finding->value, 'g', 10),
                 detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(detail));
    QString what;
    switch (state) {
    case NodeState::Interrupted:
        what = QStringLiteral("was interrupted");
        break;
    case NodeState::Cancelled:
        what = QStringLiteral("was cancelled");
        break;
    case NodeState::Warned:
        what = QStringLiteral("warned");
        break;
    default:
        what = QStringLiteral("failed");
        break;
    }
    const bool detailAddsSomething =
        !detail.isEmpty() && detail != toString(state) && detail != what;
    return QStringLiteral("%1 %2%3").arg(
        node.id, what, detailAddsSomething ? QStringLiteral(" (%1)").arg(detail) : QString());
}

qint64 ms(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

AlertRecord readRecord(const QSqlQuery &q)
{
    AlertRecord r;
    r.id = q.value(0).toLongLong();
    r.runId = q.value(1).toLongLong();
    r.rootNode = q.value(2).toString();
    r.state = alertStateFromString(q.value(3).toString());
    r.severity = alertSeverityFromString(q.value(4).toString()).value_or(AlertSeverity::Low);
    r.headline = q.value(5).toString();
    r.details = QJsonDocument::fromJson(q.value(6).toString().toUtf8()).object();
    r.openedAt = storedTime(q.value(7));
    r.updatedAt = storedTime(q.value(8));
    r.resolvedAt = storedTime(q.value(9));
    r.acknowledgedBy = q.value(10).toString();
    r.acknowledgedAt = storedTime(q.value(11));
    r.acknowledgeNote = q.value(12).toString();
    return r;
}

const char *kSelect =
    "SELECT id, run_id, root_node, state, severity, headline, details, opened_at, updated_at, "
    "resolved_at, acknowledged_by, acknowledged_at, acknowledge_note FROM alerts";

// One line of an alert's history.
void insertEvent(QSqlDatabase &db, qint64 alertId, AlertState state, AlertSeverity severity,
                 const QString &headline, const QDateTime &now)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO alert_events (alert_id, state, severity, headline, "
                             "at) VALUES (?, ?, ?, ?, ?)"));
    q.addBindValue(alertId);
    q.addBindValue(toString(state));
    q.addBindValue(toString(severity));
    q.addBindValue(headline);
    q.addBindValue(ms(now));
    q.exec();
}

// Opens an alert for `draft` in run `runId` and writes the first line of its
// history: the new alert's id, or nothing when it cannot be written.
std::optional<qint64> insertAlert(QSqlDatabase &db, qint64 runId, const AlertDraft &draft,
                                  const QDateTime &now)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral(
        "INSERT INTO alerts (run_id, root_node, state, severity, headline, details, opened_at, "
        "updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?, ?)"));
    q.addBindValue(runId);
    q.addBindValue(draft.rootNode);
    q.addBindValue(toString(draft.severity));
    q.addBindValue(draft.headline);
    q.addBindValue(QString::fromUtf8(QJsonDocument(draft.details).toJson(QJsonDocument::Compact)));
    q.addBindValue(ms(now));
    q.addBindValue(ms(now));
    if (!q.exec())
        return std::nullopt;
    const qint64 id = q.lastInsertId().toLongLong();
    insertEvent(db, id, AlertState::Open, draft.severity, draft.headline, now);
    return id;
}

} // namespace

AlertSeverity severityFor(const QList<FailurePolicy> &policies, bool blocking, const QDateTime &now,
                          const QDateTime &deadline)
{
    int worst = 0;
    for (FailurePolicy p : policies)
        worst = std::max(worst, policyWeight(p));
    // A warning never blocks: it caveats, whatever the section's policy.
    if (!blocking)
        worst = 1;
    AlertSeverity severity = worst >= 3   ? AlertSeverity::High
                             : worst == 2 ? AlertSeverity::Medium
                                          : AlertSeverity::Low;
    if (deadline.isValid() && now.isValid()) {
        const qint64 left = now.secsTo(deadline);
        const bool close = left <= (worst >= 3 ? 2 : 6) * 3600;
        if (close && severity != AlertSeverity::Critical)
            severity = AlertSeverity(int(severity) + 1);
    }
    return severity;
}

QList<AlertDraft> draftAlerts(const Contract &contract, const Verdict &verdict,
                              const QDateTime &now)
{
    QList<AlertDraft> drafts;
    QStringList safe;
    for (const SectionVerdict &s : verdict.sections) {
        if (s.status == SectionStatus::Safe)
            safe << s.name;
    }
    for (const QString &root : verdict.rootCauses) {
        QList<const SectionVerdict *> affected;
        const Finding *finding = nullptr;
        for (const SectionVerdict &s : verdict.sections) {
            for (const Finding &f : s.findings) {
                if (f.nodeId == root) {
                    affected << &s;
                    if (!finding)
                        finding = &f;
                }
            }
        }
        const Node *node = contract.node(root);
        if (!node)
            continue;
        QList<FailurePolicy> policies;
        QStringList caveated, held, blocked, owners;
        QJsonArray sections, fallbacks;
        const SectionVerdict *worst = nullptr;
        for (const SectionVerdict *s : affected) {
            policies << s->policy;
            if (!worst || policyWeight(s->policy) > policyWeight(worst->policy))
                worst = s;
            switch (s->status) {
            case SectionStatus::Caveated:
                caveated << s->name;
                break;
            case SectionStatus::Held:
                held << s->name;
                break;
            case SectionStatus::Blocked:
                blocked << s->name;
                break;
            default:
                break;
            }
            sections.append(QJsonObject{{QStringLiteral("id"), s->id},
                                        {QStringLiteral("name"), s->name},
                                        {QStringLiteral("status"), toString(s->status)},
                                        {QStringLiteral("policy"), toString(s->policy)}});
            if (!s->fallback.isEmpty())
                fallbacks.append(QJsonObject{{QStringLiteral("section"), s->name},
                                             {QStringLiteral("text"), s->fallback}});
            if (!s->owner.isEmpty() && !owners.contains(s->owner))
                owners << s->owner;
        }
        if (!node->owner.isEmpty() && !owners.contains(node->owner))
            owners << node->owner;
        if (!finding) {
            for (const QList<Finding> *outside : {&verdict.publishFailures, &verdict.unneeded}) {
                for (const Finding &f : *outside) {
                    if (f.nodeId == root)
                        finding = &f;
                }
            }
        }
        const bool blocking = finding ? finding->blocking : true;
        const QString cause = finding ? finding->cause : node->id;

        AlertDraft draft;
        draft.rootNode = root;
        draft.severity = severityFor(policies, blocking, now, verdict.deadline);
        const Section *section = worst ? contract.section(worst->id) : nullptr;
        const std::optional<Template> &tpl =
            section && section->alert ? section->alert : contract.report.alert;
        if (tpl) {
            QMap<QString, QString> values{
                {QStringLiteral("section"), worst ? worst->name : QString()},
                {QStringLiteral("cause"), cause},
                {QStringLiteral("publishable"),
                 safe.isEmpty() ? QStringLiteral("No other section") : joinNames(safe)},
                {QStringLiteral("caveated"), joinNames(caveated)},
                {QStringLiteral("held"), joinNames(held + blocked)},
                {QStringLiteral("fallback"), worst ? worst->fallback : QString()},
                {QStringLiteral("report"), contract.report.name},
                {QStringLiteral("node"), root},
                {QStringLiteral("owner"), node->owner}};
            if (verdict.deadline.isValid()) {
                const QTimeZone zone(contract.report.timezone);
                values.insert(QStringLiteral("deadline"),
                              verdict.deadline.toTimeZone(zone.isValid() ? zone : QTimeZone::utc())
                                  .toString(QStringLiteral("ddd HH:mm")));
            }
            draft.headline = tpl->render(values);
        } else if (worst) {
            // No template: the sentence the templates would say, from the
            // sections this cause touches and those it leaves alone.
            const QString clause = causeClause(*node, finding);
            QStringList sentences;
            if (worst->status == SectionStatus::Caveated)
                sentences << QStringLiteral("%1 can publish only with a caveat because %2.")
                                 .arg(worst->name, clause);
            else
                sentences << QStringLiteral("%1 is not safe for reporting because %2.")
                                 .arg(worst->name, clause);
            const auto others = [&](const QStringList &names) {
                QStringList rest = names;
                rest.removeAll(worst->name);
                return rest;
            };
            if (const QStringList c = others(caveated); !c.isEmpty())
                sentences << QStringLiteral("%1 can publish with a caveat.").arg(joinNames(c));
            if (const QStringList h = others(held + blocked); !h.isEmpty())
                sentences << QStringLiteral("%1 should be held.").arg(joinNames(h));
            if (!safe.isEmpty())
                sentences << QStringLiteral("%1 can publish.").arg(joinNames(safe));
            draft.headline = sentences.join(u' ');
        } else {
            draft.headline = causeClause(*node, finding) + u'.';
        }
        // A cause no section rests on: the publish step (the report did not
        // publish), or something nothing needs (said so, at low severity).
        if (affected.isEmpty()) {
            const auto isRoot = [&root](const Finding &f) { return f.nodeId == root; };
            const auto failure = std::find_if(verdict.publishFailures.cbegin(),
                                              verdict.publishFailures.cend(), isRoot);
            const auto unneeded =
                std::find_if(verdict.unneeded.cbegin(), verdict.unneeded.cend(), isRoot);
            if (failure != verdict.publishFailures.cend()) {
                draft.severity = severityFor({FailurePolicy::Block}, true, now, verdict.deadline);
                draft.headline = QStringLiteral("%1 cannot publish because %2.")
                                     .arg(contract.report.name, causeClause(*node, &*failure));
            } else if (unneeded != verdict.unneeded.cend()) {
                draft.severity = AlertSeverity::Low;
                draft.headline =
                    QStringLiteral("%1; no section depends on it, so every section keeps its "
                                   "verdict.")
                        .arg(causeClause(*node, &*unneeded));
            }
        }
        draft.details = QJsonObject{
            {QStringLiteral("node"), root},
            {QStringLiteral("cause"), cause},
            {QStringLiteral("sections"), sections},
            {QStringLiteral("can_publish"), QJsonArray::fromStringList(safe)},
            {QStringLiteral("caveat"), QJsonArray::fromStringList(caveated)},
            {QStringLiteral("held"), QJsonArray::fromStringList(held)},
            {QStringLiteral("blocked"), QJsonArray::fromStringList(blocked)},
            {QStringLiteral("fallbacks"), fallbacks},
            {QStringLiteral("owners"), QJsonArray::fromStringList(owners)},
            {QStringLiteral("deadline"),
             verdict.deadline.isValid() ? verdict.deadline.toString(Qt::ISODate) : QString()},
        };
        drafts.append(draft);
    }
    return drafts;
}

AlertBook::AlertBook(StateStore &store)
    : m_connection(store.connectionName())
{}

QList<AlertRecord> AlertBook::sync(qint64 runId, const QList<AlertDraft> &drafts,
                                   const QDateTime &now)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QList<AlertRecord> changed;
    QHash<QString, AlertRecord> existing;
    for (const AlertRecord &r : alerts(runId))
        existing.insert(r.rootNode, r);
    db.transaction();
    QSet<QString> current;
    for (const AlertDraft &d : drafts) {
        current.insert(d.rootNode);
        auto it = existing.constFind(d.rootNode);
        if (it == existing.constEnd()) {
            if (const std::optional<qint64> id = insertAlert(db, runId, d, now)) {
                if (auto r = alert(*id))
                    changed << *r;
            }
            continue;
        }
        const AlertRecord &old = *it;
        const bool reopened = old.state == AlertState::Resolved;
        if (!reopened && old.headline == d.headline && old.severity == d.severity)
            continue;
        const AlertState state = reopened ? AlertState::Open : AlertState::Updated;
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "UPDATE alerts SET state = ?, severity = ?, headline = ?, details = ?, updated_at = ?, "
            "resolved_at = NULL WHERE id = ?"));
        q.addBindValue(toString(state));
        q.addBindValue(toString(d.severity));
        q.addBindValue(d.headline);
        q.addBindValue(QString::fromUtf8(QJsonDocument(d.details).toJson(QJsonDocument::Compact)));
        q.addBindValue(ms(now));
        q.addBindValue(old.id);
        if (q.exec()) {
            insertEvent(db, old.id, state, d.severity, d.headline, now);
            if (auto r = alert(old.id))
                changed << *r;
        }
    }
    for (const AlertRecord &old : existing) {
        if (current.contains(old.rootNode) || old.state == AlertState::Resolved ||
            old.rootNode.startsWith(QLatin1String("escalation:")))
            continue;
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "UPDATE alerts SET state = 'resolved', updated_at = ?, resolved_at = ? WHERE id = ?"));
        q.addBindValue(ms(now));
        q.addBindValue(ms(now));
        q.addBindValue(old.id);
        if (q.exec()) {
            insertEvent(db, old.id, AlertState::Resolved, old.severity, old.headline, now);
            if (auto r = alert(old.id))
                changed << *r;
        }
    }
    db.commit();
    return changed;
}

QList<AlertRecord> AlertBook::alerts(qint64 runId, bool openOnly) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QString::fromLatin1(kSelect) + QStringLiteral(" WHERE run_id = ? ") +
              (openOnly ? QStringLiteral("AND state != 'resolved' ") : QString()) +
              QStringLiteral("ORDER BY id"));
    q.addBindValue(runId);
    QList<AlertRecord> result;
    if (q.exec()) {
        while (q.next())
            result << readRecord(q);
    }
    return result;
}

std::optional<AlertRecord> AlertBook::alert(qint64 alertId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QString::fromLatin1(kSelect) + QStringLiteral(" WHERE id = ?"));
    q.addBindValue(alertId);
    if (q.exec() && q.next())
        return readRecord(q);
    return std::nullopt;
}

bool AlertBook::acknowledge(qint64 alertId, const QString &who, const QString &note,
                            const QDateTime &now)
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?, "
                             "acknowledge_note = ? WHERE id = ?"));
    q.addBindValue(who);
    q.addBindValue(ms(now));
    q.addBindValue(note);
    q.addBindValue(alertId);
    return q.exec() && q.numRowsAffected() == 1;
}

std::optional<AlertRecord> AlertBook::raise(qint64 runId, const AlertDraft &draft,
                                            const QDateTime &now)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    const std::optional<qint64> id = insertAlert(db, runId, draft, now);
    return id ? alert(*id) : std::nullopt;
}

bool AlertBook::hasAlert(qint64 runId, const QString &rootNode) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(QStringLiteral("SELECT 1 FROM alerts WHERE run_id = ? AND root_node = ?"));
    q.addBindValue(runId);
    q.addBindValue(rootNode);
    return q.exec() && q.next();
}

} // namespace vouch::engine
