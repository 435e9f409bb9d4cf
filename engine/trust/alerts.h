#pragma once

// Alerts in business language: one per root cause, saying what is not safe
// and why, what can still publish, what must carry a caveat or be held, and
// the manual fallback. The sentences come from the contract's templates;
// code only supplies values.

#include "engine/contract/contract.h"
#include "engine/trust/verdict.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace vouch::engine {

class Graph;
class StateStore;

enum class AlertSeverity
{
    Low,
    Medium,
    High,
    Critical
};
enum class AlertState
{
    Open,
    Updated,
    Resolved
};
QString toString(AlertSeverity severity);
QString toString(AlertState state);
std::optional<AlertSeverity> alertSeverityFromString(const QString &text);

struct AlertDraft
{
    QString rootNode;
    AlertSeverity severity = AlertSeverity::Low;
    QString headline;
    // sections: [{id, name, status, policy}], can_publish, caveat, held,
    // blocked: [names], fallbacks: [{section, text}], owners: [who],
    // cause, node, deadline (ISO)
    QJsonObject details;
};

// Severity follows decision impact: the worst policy among the affected
// sections, raised as the deadline comes close (within 6 hours; within 2 for
// blocking causes) or has passed.
AlertSeverity severityFor(const QList<FailurePolicy> &policies, bool blocking, const QDateTime &now,
                          const QDateTime &deadline);

// One draft per root cause of the verdict.
QList<AlertDraft> draftAlerts(const Contract &contract, const Verdict &verdict,
                              const QDateTime &now);

struct AlertRecord
{
    qint64 id = 0;
    qint64 runId = 0;
    QString rootNode;
    AlertState state = AlertState::Open;
    AlertSeverity severity = AlertSeverity::Low;
    QString headline;
    QJsonObject details;
    QDateTime openedAt;
    QDateTime updatedAt;
    QDateTime resolvedAt;
    QString acknowledgedBy;
    QDateTime acknowledgedAt;
    QString acknowledgeNote;
};

// The alerts of runs, kept in the state store (same thread as the store).
class AlertBook
{
public:
    explicit AlertBook(StateStore &store);

    // Brings the run's alerts in line with the current drafts: new root
    // causes open alerts, changed ones are updated, vanished ones (a rerun
    // fixed the cause) are resolved. Returns the alerts that changed.
    QList<AlertRecord> sync(qint64 runId, const QList<AlertDraft> &drafts, const QDateTime &now);
    QList<AlertRecord> alerts(qint64 runId, bool openOnly = false) const;
    std::optional<AlertRecord> alert(qint64 alertId) const;
    bool acknowledge(qint64 alertId, const QString &who, const QString &note, const QDateTime &now);
    // Escalations are alerts too, keyed "escalation:N", so each fires once.
    bool hasAlert(qint64 runId, const QString &rootNode) const;
    // Opens an alert that no root cause produces (an escalation).
    std::optional<AlertRecord> raise(qint64 runId, const AlertDraft &draft, const QDateTime &now);

private:
    QString m_connection;
};

} // namespace vouch::engine
