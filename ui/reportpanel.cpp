#include "ui/reportpanel.h"

#include "engine/control/recorddecision.h"
#include "engine/graph/graph.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "engine/util/worker.h"
#include "ui/approvedialog.h"
#include "ui/runcontroller.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QTimeZone>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace vouch::ui {

using namespace vouch::engine;

struct ReportPanel::Loaded
{
    QString error;
    std::optional<Assessment> assessment;
    QList<AuditEntry> audit;
    AuditVerification verification;
    QString auditError;
    DecisionResult decision;  // after submit()
    QString publicationError; // after submit(): the record could not be written
};

namespace {

// The state store for a worker (a StateStore is per thread: each worker
// opens its own); null, with `result.error` saying why, when it cannot.
std::unique_ptr<StateStore> openStore(const ReportSource &source, ReportPanel::Loaded &result)
{
    QString error;
    auto store = StateStore::open(source.statePath, &error);
    if (!store)
        result.error = ReportPanel::tr("The state store cannot be opened: %1").arg(error);
    return store;
}

// The report's audit history for the run's period, and the chain's check.
void readAudit(StateStore &store, const ReportSource &source, ReportPanel::Loaded &result)
{
    AuditLog log(store);
    result.audit = log.entries(source.contract->report.id, result.assessment->run.period);
    result.auditError = log.lastError();
    result.verification = log.verify();
}

// Reads the run's verdict and the report's audit history (on a worker).
void readInto(StateStore &store, const ReportSource &source, ReportPanel::Loaded &result)
{
    const Graph graph = Graph::fromContract(*source.contract);
    result.assessment = assess(store, *source.contract, graph, source.runId, source.now(),
                               /*syncAlerts=*/false);
    if (!result.assessment) {
        result.error =
            ReportPanel::tr("Run %1 is not in %2").arg(source.runId).arg(source.statePath);
        return;
    }
    readAudit(store, source, result);
}

QColor statusColour(ReportStatus status)
{
    switch (status) {
    case ReportStatus::Complete:
    case ReportStatus::Published:
        return QColor(0x2e, 0x7d, 0x32);
    case ReportStatus::Caveated:
    case ReportStatus::PublishedWithCaveats:
        return QColor(0xb2, 0x6a, 0x00);
    case ReportStatus::Partial:
    case ReportStatus::Held:
    case ReportStatus::AtRisk:
        return QColor(0xd8, 0x43, 0x15);
    case ReportStatus::Failed:
    case ReportStatus::Stale:
    case ReportStatus::Late:
        return QColor(0xc6, 0x28, 0x28);
    case ReportStatus::Running:
        return QColor(0x15, 0x65, 0xc0);
    }
    return QColor(Qt::gray);
}

QString sectionLabel(SectionStatus status)
{
    switch (status) {
    case SectionStatus::Safe:
        return ReportPanel::tr("safe");
    case SectionStatus::Caveated:
        return ReportPanel::tr("publish with a caveat");
    case SectionStatus::Held:
        return ReportPanel::tr("held");
    case SectionStatus::Blocked:
        return ReportPanel::tr("not safe (blocks the report)");
    case SectionStatus::Running:
        return ReportPanel::tr("still running");
    }
    return {};
}

QString formatDuration(qint64 seconds)
{
    const qint64 s = std::abs(seconds);
    if (s >= 86400)
        return ReportPanel::tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
    return ReportPanel::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

} // namespace

ReportPanel::ReportPanel(QWidget *parent)
    : QWidget(parent)
    , m_banner(new QLabel(this))
    , m_deadline(new QLabel(this))
    , m_sections(new QTreeWidget(this))
    , m_approve(new QPushButton(tr("Approve with caveats…"), this))
    , m_hold(new QPushButton(tr("Hold…"), this))
    , m_permission(new QLabel(this))
    , m_history(new QTreeWidget(this))
    , m_chain(new QLabel(this))
    , m_publicationBox(new QWidget(this))
    , m_publicationWarning(new QLabel(m_publicationBox))
    , m_rewrite(new QPushButton(tr("Write it again"), m_publicationBox))
{
    setObjectName(QStringLiteral("reportPanel"));
    m_banner->setObjectName(QStringLiteral("reportBanner"));
    m_banner->setAutoFillBackground(true);
    m_banner->setMargin(8);
    QFont big = m_banner->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.3);
    m_banner->setFont(big);
    m_deadline->setObjectName(QStringLiteral("reportDeadline"));
    m_deadline->setWordWrap(true);

    m_sections->setObjectName(QStringLiteral("reportSections"));
    m_sections->setHeaderLabels({tr("Section"), tr("Status"), tr("Reason"), tr("Fallback")});
    m_sections->setRootIsDecorated(false);
    m_sections->setWordWrap(true);
    // Section names and statuses are short and must read whole; the reason
    // takes what is left, the fallback its own width.
    m_sections->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_sections->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_sections->header()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_sections->header()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_sections->header()->setStretchLastSection(false);

    m_approve->setObjectName(QStringLiteral("approveButton"));
    m_hold->setObjectName(QStringLiteral("holdButton"));
    m_permission->setObjectName(QStringLiteral("permissionLabel"));
    m_permission->setWordWrap(true);
    connect(m_approve, &QPushButton::clicked, this, [this] { requestApprove(); });
    connect(m_hold, &QPushButton::clicked, this, [this] { requestHold(); });

    m_history->setObjectName(QStringLiteral("auditHistory"));
    m_history->setHeaderLabels({tr("When"), tr("Who"), tr("Action"), tr("Details")});
    m_history->setRootIsDecorated(false);
    m_chain->setObjectName(QStringLiteral("auditChain"));
    m_chain->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    // Beside the banner, never only in the status bar: a report that says
    // "published" without its record is not published for its readers.
    m_publicationBox->setObjectName(QStringLiteral("publicationProblem"));
    m_publicationWarning->setObjectName(QStringLiteral("publicationWarning"));
    m_publicationWarning->setWordWrap(true);
    m_publicationWarning->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_rewrite->setObjectName(QStringLiteral("rewritePublication"));
    auto *problemRow = new QHBoxLayout(m_publicationBox);
    problemRow->setContentsMargins(0, 0, 0, 0);
    problemRow->addWidget(m_publicationWarning, 1);
    problemRow->addWidget(m_rewrite);
    m_publicationBox->setVisible(false);
    connect(m_rewrite, &QPushButton::clicked, this, &ReportPanel::rewritePublication);
    layout->addWidget(m_publicationBox);
    layout->addWidget(m_deadline);
    layout->addWidget(m_sections, 2);
    connect(m_sections, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        const engine::Verdict *v = verdict();
        if (!item || !v)
            return;
        const QString id = item->data(0, Qt::UserRole).toString();
        for (const SectionVerdict &s : v->sections) {
            if (s.id == id)
                Q_EMIT sectionSelected(s);
        }
    });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_approve);
    buttons->addWidget(m_hold);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addWidget(m_permission);
    layout->addWidget(new QLabel(tr("Decisions and audit history"), this));
    layout->addWidget(m_history, 1);
    layout->addWidget(m_chain);
    clear();
}

ReportPanel::~ReportPanel() = default;

const Verdict *ReportPanel::verdict() const
{
    return m_verdict ? &*m_verdict : nullptr;
}

QString ReportPanel::bannerText() const
{
    return m_banner->text();
}

QString ReportPanel::deadlineText() const
{
    return m_deadline->text();
}

void ReportPanel::clear()
{
    ++m_generation;
    m_loading = false;
    m_verdict.reset();
    m_audit.clear();
    m_banner->setText(tr("No run yet"));
    m_banner->setPalette(palette());
    m_deadline->clear();
    m_sections->clear();
    m_history->clear();
    m_chain->clear();
    updatePermission();
}

void ReportPanel::setSource(const ReportSource &source)
{
    m_source = source;
    reload();
}

void ReportPanel::reload()
{
    if (!m_source.contract || m_source.runId <= 0 || m_source.statePath.isEmpty()) {
        clear();
        return;
    }
    const quint64 generation = ++m_generation;
    m_loading = true;
    const ReportSource source = m_source;
    runOnWorker(
        this,
        [source] {
            Loaded result;
            if (auto store = openStore(source, result))
                readInto(*store, source, result);
            return result;
        },
        [this, generation](Loaded result) {
            if (generation != m_generation)
                return; // superseded
            m_loading = false;
            if (!result.error.isEmpty())
                Q_EMIT error(result.error);
            showLoaded(result);
            Q_EMIT loaded();
        });
}

void ReportPanel::showLoaded(const Loaded &loaded)
{
    if (!loaded.assessment) {
        m_verdict.reset();
        updatePermission();
        return;
    }
    const Assessment &a = *loaded.assessment;
    const Verdict &v = a.verdict;
    m_verdict = v;
    m_period = a.run.period;
    m_audit = loaded.audit;

    m_banner->setText(
        tr("Report %1 · %2").arg(RunController::reportStatusLabel(v.status), a.run.period));
    QPalette p = m_banner->palette();
    p.setColor(QPalette::Window, statusColour(v.status));
    p.setColor(QPalette::WindowText, Qt::white);
    m_banner->setPalette(p);
    m_banner->setProperty("status", toString(v.status));

    const QTimeZone zone(m_source.contract->report.timezone);
    const QString format = QStringLiteral("ddd d MMM HH:mm t");
    QStringList lines;
    const QDateTime now = a.snapshot.now.isValid() ? a.snapshot.now : m_source.now();
    if (v.deadline.isValid()) {
        const qint64 left = now.secsTo(v.deadline);
        lines << (left >= 0
                      ? tr("Publish by %1 · %2 left")
                            .arg(v.deadline.toTimeZone(zone).toString(format), formatDuration(left))
                      : tr("Publish by %1 · %2 overdue")
                            .arg(v.deadline.toTimeZone(zone).toString(format),
                                 formatDuration(left)));
    } else {
        lines << tr("No publication deadline");
    }
    if (v.projected.isValid())
        lines << tr("Forecast completion %1").arg(v.projected.toTimeZone(zone).toString(format));
    else
        lines << tr("Forecast completion: done or unknown");
    if (!v.decisionNeeded.isEmpty())
        lines << tr("Decision needed: %1").arg(v.decisionNeeded);
    m_deadline->setText(lines.join(u'\n'));

    m_sections->clear();
    for (const SectionVerdict &s : v.sections) {
        QStringList reasons;
        for (const Finding &f : s.findings)
            reasons << f.cause;
        QString status = sectionLabel(s.status);
        if (!s.decidedBy.isEmpty())
            status += tr(" (decided by %1: %2)").arg(s.decidedBy, s.decision);
        auto *item = new QTreeWidgetItem(
            m_sections, {s.name, status, reasons.join(u'\n'),
                         s.status == SectionStatus::Safe ? QString() : s.fallback});
        item->setData(0, Qt::UserRole, s.id);
        for (int c = 0; c < 4; ++c)
            item->setToolTip(c, item->text(c));
    }

    m_history->clear();
    for (const AuditEntry &e : loaded.audit) {
        auto *item = new QTreeWidgetItem(
            m_history, {e.at.toTimeZone(zone).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss t")),
                        e.who, e.action, auditProse(e, zone)});
        // The record as stored, for whoever must check it.
        item->setToolTip(3, QString::fromUtf8(QJsonDocument(e.details).toJson()));
    }
    QPalette cp = m_chain->palette();
    if (!loaded.auditError.isEmpty()) {
        m_chain->setText(tr("The audit log cannot be read: %1").arg(loaded.auditError));
        cp.setColor(QPalette::WindowText, Qt::red);
    } else if (loaded.verification.ok) {
        m_chain->setText(
            tr("audit chain verified, %n entries", nullptr, int(loaded.verification.entries)));
        cp = palette();
    } else {
        m_chain->setText(tr("Audit chain broken: %1").arg(loaded.verification.problem));
        cp.setColor(QPalette::WindowText, Qt::red);
    }
    m_chain->setPalette(cp);
    updatePermission();
}

// An audit entry as a sentence: "lee approved Contribution margin with caveat
// '…' at Mon 09:14".
QString ReportPanel::auditProse(const AuditEntry &e, const QTimeZone &zone) const
{
    const QString at = e.at.toTimeZone(zone).toString(QStringLiteral("ddd HH:mm"));
    const auto sectionName = [this](const QString &id) {
        if (id.isEmpty())
            return tr("the report");
        const Section *s = m_source.contract ? m_source.contract->section(id) : nullptr;
        return s ? s->name : id;
    };
    QStringList parts;
    if (e.action == QLatin1String("approve") || e.action == QLatin1String("hold")) {
        const bool approve = e.action == QLatin1String("approve");
        const QJsonArray items =
            e.details.value(approve ? QStringLiteral("caveats") : QStringLiteral("reasons"))
                .toArray();
        for (const QJsonValue &v : items) {
            const QString section =
                sectionName(v.toObject().value(QStringLiteral("section")).toString());
            const QString text = v.toObject().value(QStringLiteral("text")).toString();
            parts << (approve ? tr("%1 approved %2 with caveat '%3' at %4")
                              : tr("%1 held %2: '%3' at %4"))
                         .arg(e.who, section, text, at);
        }
    } else if (e.action.startsWith(QLatin1String("request-"))) {
        const QString selector = e.details.value(QStringLiteral("selector")).toString();
        parts << tr("%1 asked for a %2 of %3: '%4' at %5")
                     .arg(e.who, e.action.mid(8), selector.isEmpty() ? tr("the run") : selector,
                          e.details.value(QStringLiteral("reason")).toString(), at);
    }
    if (parts.isEmpty())
        return tr("%1: %2 at %3").arg(e.who, e.action, at);
    return parts.join(QStringLiteral("; "));
}

void ReportPanel::updatePermission()
{
    const QString login = whoIsActing(Acting::Decision, m_source.statePath);
    const bool loaded = m_verdict.has_value() && m_source.contract;
    const bool approver = m_source.contract && m_source.contract->report.approvers.contains(login);
    m_approve->setEnabled(loaded && approver);
    m_hold->setEnabled(loaded && approver);
    if (!m_source.contract || approver) {
        m_permission->clear();
        m_permission->hide();
    } else {
        const QStringList &approvers = m_source.contract->report.approvers;
        m_permission->setText(
            approvers.isEmpty()
                ? tr("The contract names no approvers, so nobody may decide publication; you are "
                     "signed in as %1.")
                      .arg(login)
                : tr("Only %1 may decide publication; you are signed in as %2.")
                      .arg(approvers.join(tr(", ")), login));
        // How identity works, so that nobody tries an environment variable.
        m_permission->setText(
            m_permission->text() + u' ' +
            (StateStore::isServerUrl(m_source.statePath)
                 ? tr("On a team store you are the database user you connect as; ask for the "
                      "vouch_approver role and to be named in the contract's approvers.")
                 : tr("On this machine you are your OS login; the contract's approvers list "
                      "names who may decide.")));
        m_permission->show();
    }
}

DecisionDialog *ReportPanel::decisionDialog() const
{
    return m_dialog.data();
}

DecisionDialog *ReportPanel::requestApprove()
{
    return openDialog(Decision::Kind::Approve);
}

DecisionDialog *ReportPanel::requestHold()
{
    return openDialog(Decision::Kind::Hold);
}

DecisionDialog *ReportPanel::openDialog(Decision::Kind kind)
{
    if (!m_verdict || !m_approve->isEnabled())
        return nullptr;
    if (m_dialog)
        m_dialog->close();
    auto *dialog = new DecisionDialog(kind, *m_verdict, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { submit(dialog->kind(), dialog->texts()); });
    m_dialog = dialog;
    dialog->open();
    return dialog;
}

void ReportPanel::submit(Decision::Kind kind, const QList<std::pair<QString, QString>> &texts)
{
    if (!m_source.contract || m_source.runId <= 0)
        return;
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_approve->setEnabled(false);
    m_hold->setEnabled(false);
    const ReportSource source = m_source;
    runOnWorker(
        this,
        [source, kind, texts] {
            Loaded result;
            auto store = openStore(source, result);
            if (!store)
                return result;
            DecisionRequest request;
            request.runId = source.runId;
            request.kind = kind;
            request.texts = texts;
            request.now = source.now();
            request.dataDirectory = source.dataDirectory;
            const DecisionOutcome outcome = recordDecision(*store, *source.contract, request);
            result.decision = outcome.decision;
            result.assessment = outcome.assessment;
            if (!result.assessment) {
                result.error = tr("Run %1 is not in %2").arg(source.runId).arg(source.statePath);
                return result;
            }
            readAudit(*store, source, result);
            result.publicationError = outcome.publicationError;
            if (!outcome.publicationError.isEmpty())
                result.error =
                    tr("The publication record was not written: %1").arg(outcome.publicationError);
            return result;
        },
        [this, generation](Loaded result) {
            if (generation == m_generation) {
                m_loading = false;
                showLoaded(result);
            }
            if (result.decision.ok)
                setPublicationProblem(result.publicationError);
            if (!result.error.isEmpty())
                Q_EMIT error(result.error);
            if (result.decision.ok && result.assessment)
                Q_EMIT assessed(*result.assessment);
            if (result.decision.ok)
                Q_EMIT decided(result.decision.message);
            else
                Q_EMIT error(result.decision.message);
            Q_EMIT loaded();
        });
}

void ReportPanel::selectSection(const QString &sectionId)
{
    for (int i = 0; i < m_sections->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_sections->topLevelItem(i);
        if (item->data(0, Qt::UserRole).toString() == sectionId)
            m_sections->setCurrentItem(item);
    }
}

void ReportPanel::setPublicationProblem(const QString &problem)
{
    m_publicationProblem = problem;
    m_publicationWarning->setText(
        tr("\u26a0 The publication record was not written, so readers of vouch_publication do "
           "not see this verdict yet: %1")
            .arg(problem));
    m_publicationBox->setVisible(!problem.isEmpty());
    m_rewrite->setEnabled(!problem.isEmpty() && m_source.contract && m_source.runId > 0);
}

void ReportPanel::rewritePublication()
{
    if (!m_source.contract || m_source.runId <= 0)
        return;
    m_rewrite->setEnabled(false);
    const ReportSource source = m_source;
    runOnWorker(
        this,
        [source]() -> QString {
            QString error;
            auto store = StateStore::open(source.statePath, &error);
            if (!store)
                return tr("the state store cannot be opened: %1").arg(error);
            const Graph graph = Graph::fromContract(*source.contract);
            const auto assessment = assess(*store, *source.contract, graph, source.runId,
                                           source.now(), /*syncAlerts=*/false);
            if (!assessment)
                return tr("run %1 is not in %2").arg(source.runId).arg(source.statePath);
            return writePublication(*source.contract, graph, *assessment, source.dataDirectory);
        },
        [this](const QString &problem) { setPublicationProblem(problem); });
}

} // namespace vouch::ui
