#pragma once

#include "engine/control/identity.h"
#include "engine/trust/assessment.h"
#include "engine/trust/auditlog.h"
#include "engine/trust/verdict.h"
#include "ui/reportsource.h"

#include <QDateTime>
#include <QPointer>
#include <QWidget>

#include <optional>

class QLabel;
class QTimeZone;
class QPushButton;
class QTreeWidget;

namespace vouch::ui {

class DecisionDialog;

// The identity of the person at the desktop: the OS login, never the
// environment (an environment variable cannot make someone an approver).
using engine::osLogin;

// The Report dock: the report's status in colour and words, the time left
// to publish_by and the forecast completion, each section with its reason
// and fallback, the approve / hold decisions (for approvers only) and the
// audit history with the chain's verification. Reads and writes the store
// on workers only; a reload supersedes an earlier one.
class ReportPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ReportPanel(QWidget *parent = nullptr);
    ~ReportPanel() override;

    void setSource(const ReportSource &source);
    const ReportSource &source() const { return m_source; }
    void reload();
    void clear();

    QString bannerText() const;
    QString deadlineText() const;
    bool isLoading() const { return m_loading; }
    const engine::Verdict *verdict() const;
    QList<engine::AuditEntry> auditEntries() const { return m_audit; }

    // Open the decision dialogs (window-modal, not blocking); null when the
    // person may not decide or nothing is loaded.
    DecisionDialog *requestApprove();
    DecisionDialog *requestHold();
    DecisionDialog *decisionDialog() const;

    QPushButton *approveButton() const { return m_approve; }
    QPushButton *holdButton() const { return m_hold; }
    QLabel *permissionLabel() const { return m_permission; }

    // The publication record (vouch_publication) could not be written: a
    // warning that stays in the dock, with "Write it again", until a write
    // succeeds. Empty: written (the warning goes).
    void setPublicationProblem(const QString &problem);
    // Makes a section's row current (and so shows its detail).
    void selectSection(const QString &sectionId);
    QString publicationProblem() const { return m_publicationProblem; }
    QPushButton *rewriteButton() const { return m_rewrite; }
    // Writes the publication record of the run again, from its assessment now.
    void rewritePublication();

    struct Loaded; // what a worker read from the store

Q_SIGNALS:
    void loaded();
    // A decision was recorded: the run's assessment after it (the one value
    // every view shows), emitted before decided().
    void assessed(const vouch::engine::Assessment &assessment);
    // A decision was recorded (message for people), and the panel refreshed.
    void decided(const QString &message);
    void error(const QString &message);
    // A section row became current (for the detail pane beside the dock).
    void sectionSelected(const vouch::engine::SectionVerdict &section);

private:
    DecisionDialog *openDialog(engine::Decision::Kind kind);
    void submit(engine::Decision::Kind kind, const QList<std::pair<QString, QString>> &texts);
    void showLoaded(const Loaded &loaded);
    void updatePermission();
    QString auditProse(const engine::AuditEntry &entry, const QTimeZone &zone) const;

    ReportSource m_source;
    quint64 m_generation = 0;
    bool m_loading = false;
    std::optional<engine::Verdict> m_verdict;
    QString m_period;
    QList<engine::AuditEntry> m_audit;
    QPointer<DecisionDialog> m_dialog;

    QLabel *m_banner;
    QLabel *m_deadline;
    QTreeWidget *m_sections;
    QPushButton *m_approve;
    QPushButton *m_hold;
    QLabel *m_permission;
    QTreeWidget *m_history;
    QLabel *m_chain;
    QWidget *m_publicationBox;
    QLabel *m_publicationWarning;
    QPushButton *m_rewrite;
    QString m_publicationProblem;
};

} // namespace vouch::ui
