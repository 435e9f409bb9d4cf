#include "ui/inspector.h"

#include "engine/calendar/completeness.h"
#include "engine/graph/graph.h"
#include "engine/run/cappedlog.h"
#include "engine/trust/verdict.h"
#include "engine/util/clock.h"
#include "engine/util/worker.h"
#include "ui/graph/statepalette.h"
#include "ui/model/runmodel.h"

#include <QCoreApplication>
#include <QEvent>
#include <QFile>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace vouch::ui {

using namespace vouch::engine;

namespace {

QString formatTime(const QDateTime &t)
{
    return t.isValid() ? t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                       : QStringLiteral("—");
}

QString formatMs(qint64 ms)
{
    if (ms < 1000)
        return Inspector::tr("%1 ms").arg(ms);
    if (ms < 60000)
        return Inspector::tr("%1 s").arg(QLocale().toString(double(ms) / 1000.0, 'f', 1));
    const qint64 s = ms / 1000;
    if (s < 3600)
        return Inspector::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return Inspector::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

QString formatNumber(std::optional<double> v)
{
    return v ? QLocale().toString(*v, 'g', 12) : QStringLiteral("—");
}

QString formatAge(std::optional<qint64> seconds)
{
    return seconds ? formatDuration(Duration(*seconds)) : QStringLiteral("—");
}

QString shellQuote(const QString &arg)
{
    static const QString safe = QStringLiteral("@%+=:,./-_");
    bool plain = !arg.isEmpty();
    for (QChar c : arg)
        plain = plain && (c.isLetterOrNumber() || safe.contains(c));
    if (plain)
        return arg;
    QString quoted = arg;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

// What the node runs, as a person would read it.
QString codeOf(const Node &node)
{
    QStringList parts;
    auto add = [&](const QString &comment, const QString &text) {
        if (!text.trimmed().isEmpty())
            parts << (comment.isEmpty() ? text.trimmed() : comment + u'\n' + text.trimmed());
    };
    switch (node.kind) {
    case NodeKind::Command: {
        QStringList argv;
        for (const QString &a : node.argv)
            argv << shellQuote(a);
        add(QString(), node.shell.isEmpty() ? argv.join(u' ') : node.shell);
        break;
    }
    case NodeKind::Sql:
    case NodeKind::Publish:
        add(node.sqlFile.isEmpty() ? QString() : QStringLiteral("-- ") + node.sqlFile,
            node.statements.join(QStringLiteral(";\n\n")));
        break;
    case NodeKind::Freshness:
        if (!node.path.isEmpty())
            add(Inspector::tr("# load time: modification time of"), node.path);
        add(Inspector::tr("-- load time"), node.loadedAt);
        break;
    case NodeKind::Check:
        add(Inspector::tr("-- value"), node.value);
        add(Inspector::tr("-- reference"), node.reference);
        add(Inspector::tr("-- sample failing rows"), node.rows);
        break;
    case NodeKind::Noop:
        break;
    }
    return parts.join(QStringLiteral("\n\n"));
}

QString policyWords(FailurePolicy policy)
{
    switch (policy) {
    case FailurePolicy::Block:
        return Inspector::tr("block the report");
    case FailurePolicy::Hold:
        return Inspector::tr("hold this section");
    case FailurePolicy::Caveat:
        return Inspector::tr("publish with a caveat");
    }
    return {};
}

} // namespace

QLabel *Inspector::valueLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

Inspector::Inspector(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_pages);

    auto *empty = new QLabel(tr("Select a node in the graph to see its state, its log and "
                                "what it means for the report."));
    empty->setObjectName(QStringLiteral("inspectorEmpty"));
    empty->setWordWrap(true);
    empty->setAlignment(Qt::AlignCenter);
    empty->setMargin(16);
    m_pages->addWidget(empty);

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->setChildrenCollapsible(false);
    m_pages->addWidget(splitter);

    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    scroll->setWidget(content);
    splitter->addWidget(scroll);

    m_title = valueLabel(QStringLiteral("inspectorTitle"));
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    m_title->setFont(titleFont);
    layout->addWidget(m_title);

    m_badge = valueLabel(QStringLiteral("inspectorState"));
    m_badge->setWordWrap(false);
    m_badge->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    layout->addWidget(m_badge);

    m_message = valueLabel(QStringLiteral("inspectorMessage"));
    layout->addWidget(m_message);
    m_description = valueLabel(QStringLiteral("inspectorDescription"));
    m_description->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_description);

    auto *facts = new QFormLayout;
    facts->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_kind = valueLabel(QStringLiteral("inspectorKind"));
    m_group = valueLabel(QStringLiteral("inspectorGroup"));
    m_owner = valueLabel(QStringLiteral("inspectorOwner"));
    m_attempt = valueLabel(QStringLiteral("inspectorAttempt"));
    m_attemptWho = valueLabel(QStringLiteral("inspectorAttemptWho"));
    m_started = valueLabel(QStringLiteral("inspectorStarted"));
    m_finished = valueLabel(QStringLiteral("inspectorFinished"));
    m_duration = valueLabel(QStringLiteral("inspectorDuration"));
    facts->addRow(tr("Kind:"), m_kind);
    facts->addRow(tr("Group:"), m_group);
    facts->addRow(tr("Owner:"), m_owner);
    facts->addRow(tr("Attempt:"), m_attempt);
    facts->addRow(QString(), m_attemptWho);
    facts->addRow(tr("Started:"), m_started);
    facts->addRow(tr("Finished:"), m_finished);
    facts->addRow(tr("Duration:"), m_duration);
    layout->addLayout(facts);

    m_checkBox = new QGroupBox(tr("Check"));
    auto *check = new QFormLayout(m_checkBox);
    m_value = valueLabel(QStringLiteral("inspectorValue"));
    QFont valueFont = m_value->font();
    valueFont.setBold(true);
    m_value->setFont(valueFont);
    m_reference = valueLabel(QStringLiteral("inspectorReference"));
    m_warnIf = valueLabel(QStringLiteral("inspectorWarnIf"));
    m_errorIf = valueLabel(QStringLiteral("inspectorErrorIf"));
    check->addRow(tr("Value:"), m_value);
    check->addRow(tr("Reference:"), m_reference);
    check->addRow(tr("Warn if:"), m_warnIf);
    check->addRow(tr("Fail if:"), m_errorIf);
    m_samplesCaption = new QLabel(tr("Sample failing rows:"));
    check->addRow(m_samplesCaption);
    m_samples = new QTableWidget;
    m_samples->setObjectName(QStringLiteral("inspectorSamples"));
    m_samples->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_samples->verticalHeader()->hide();
    m_samples->horizontalHeader()->setStretchLastSection(true);
    m_samples->setMinimumHeight(120);
    check->addRow(m_samples);
    layout->addWidget(m_checkBox);

    m_freshnessBox = new QGroupBox(tr("Freshness"));
    auto *fresh = new QFormLayout(m_freshnessBox);
    m_freshness = valueLabel(QStringLiteral("inspectorFreshness"));
    m_age = valueLabel(QStringLiteral("inspectorAge"));
    m_warnAfter = valueLabel(QStringLiteral("inspectorWarnAfter"));
    m_errorAfter = valueLabel(QStringLiteral("inspectorErrorAfter"));
    m_observed = valueLabel(QStringLiteral("inspectorObserved"));
    fresh->addRow(tr("Verdict:"), m_freshness);
    fresh->addRow(tr("Age:"), m_age);
    fresh->addRow(tr("Warn after:"), m_warnAfter);
    fresh->addRow(tr("Fail after:"), m_errorAfter);
    fresh->addRow(tr("Last load:"), m_observed);
    // `complete_over: period`: the business days of the period without rows.
    m_missingDays = valueLabel(QStringLiteral("inspectorMissingDays"));
    m_missingDays->setWordWrap(true);
    fresh->addRow(tr("Missing days:"), m_missingDays);
    layout->addWidget(m_freshnessBox);

    auto *impactBox = new QGroupBox(tr("If this node fails"));
    auto *impact = new QVBoxLayout(impactBox);
    m_impact = valueLabel(QStringLiteral("inspectorImpact"));
    m_impact->setTextFormat(Qt::RichText);
    impact->addWidget(m_impact);
    layout->addWidget(impactBox);

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_codeBox = new QGroupBox(tr("Runs"));
    auto *code = new QVBoxLayout(m_codeBox);
    m_code = new QPlainTextEdit;
    m_code->setObjectName(QStringLiteral("inspectorCode"));
    m_code->setReadOnly(true);
    m_code->setFont(mono);
    m_code->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_code->setMinimumHeight(90);
    code->addWidget(m_code);
    layout->addWidget(m_codeBox);
    layout->addStretch(1);

    m_logBox = new QGroupBox(tr("Log"));
    auto *log = new QVBoxLayout(m_logBox);
    m_logView = new QPlainTextEdit;
    m_logView->setObjectName(QStringLiteral("inspectorLog"));
    m_logView->setReadOnly(true);
    m_logView->setFont(mono);
    m_logView->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_logView->setPlaceholderText(tr("No output."));
    log->addWidget(m_logView);
    splitter->addWidget(m_logBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({700, 260}); // the details first; the log tail below
}

void Inspector::setModel(RunModel *model)
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (m_model) {
        connect(m_model, &RunModel::nodesChanged, this, [this](const QList<int> &rows) {
            if (m_model && rows.contains(m_model->indexOf(m_nodeId)))
                refresh();
        });
        connect(m_model, &QAbstractItemModel::modelReset, this, [this] { setNode(QString()); });
    }
    setNode(QString());
}

void Inspector::setNode(const QString &id)
{
    const bool other = id != m_nodeId;
    m_nodeId = id;
    if (other) {
        m_logPath.clear();
        m_logFinal = false;
        ++m_logGeneration; // a tail read for the previous node is dropped
        m_sinceRead.clear();
        setLog({});
    }
    refresh();
}

void Inspector::refresh()
{
    const int index = m_model ? m_model->indexOf(m_nodeId) : -1;
    if (index < 0) {
        m_pages->setCurrentIndex(0);
        return;
    }
    m_pages->setCurrentIndex(1);
    showFacts();
    requestLogTail();
}

void Inspector::showFacts()
{
    const int index = m_model->indexOf(m_nodeId);
    const NodeView &v = m_model->node(index);
    const ContractPtr contract = m_model->contract();
    const Node *node = contract ? contract->node(v.id) : nullptr;

    m_title->setText(v.id);
    const StatePalette palette = StatePalette::forPalette(this->palette());
    const StateStyle &style = palette.style(stateKey(v));
    m_badge->setText(QStringLiteral(" %1  %2 ").arg(style.glyph, style.label));
    m_badge->setStyleSheet(QStringLiteral("QLabel { background: %1; color: %2; border-radius: 3px;"
                                          " padding: 2px 6px; font-weight: bold; }")
                               .arg(style.colour.name(), style.ink.name()));
    m_badge->setAccessibleName(tr("State: %1").arg(style.label));
    m_message->setText(v.message);
    m_message->setVisible(!v.message.isEmpty());
    const QString description = node ? node->description : QString();
    m_description->setText(description);
    m_description->setVisible(!description.isEmpty());

    m_kind->setText(toString(v.kind));
    m_group->setText(v.group.isEmpty() ? QStringLiteral("—") : v.group);
    m_owner->setText(v.owner.isEmpty() ? QStringLiteral("—") : v.owner);
    m_attempt->setText(v.attempt > 0 ? tr("%1 (tries: %2)").arg(v.attempt).arg(v.tries)
                                     : tr("not run yet"));
    // Who asked for this attempt and why: "attempt 2 — requested by alice:
    // cost sheet fixed".
    QString who;
    for (const AttemptRecord &a : std::as_const(m_attempts)) {
        if (a.attempt == v.attempt && v.attempt > 0)
            who = a.reason.isEmpty()
                      ? tr("attempt %1 — requested by %2").arg(a.attempt).arg(a.who)
                      : tr("attempt %1 — requested by %2: %3").arg(a.attempt).arg(a.who, a.reason);
    }
    m_attemptWho->setText(who);
    m_attemptWho->setVisible(!who.isEmpty());
    m_started->setText(formatTime(v.startedAt));
    m_finished->setText(formatTime(v.finishedAt));
    if (v.startedAt.isValid() && v.finishedAt.isValid())
        m_duration->setText(formatMs(v.startedAt.msecsTo(v.finishedAt)));
    else if (v.startedAt.isValid())
        m_duration->setText(tr("%1 so far").arg(formatMs(v.startedAt.msecsTo(engine::clockNow()))));
    else
        m_duration->setText(QStringLiteral("—"));

    const bool isCheck = v.kind == NodeKind::Check;
    m_checkBox->setVisible(isCheck);
    if (isCheck) {
        m_value->setText(formatNumber(v.value));
        m_reference->setText(formatNumber(v.reference));
        auto *form = static_cast<QFormLayout *>(m_checkBox->layout());
        form->setRowVisible(m_reference, v.reference.has_value());
        m_warnIf->setText(node && node->warnIf ? node->warnIf->text : QStringLiteral("—"));
        m_errorIf->setText(node && node->errorIf ? node->errorIf->text : QStringLiteral("—"));
        const bool samples = v.sampleRows.size() > 1;
        m_samplesCaption->setVisible(samples);
        m_samples->setVisible(samples);
        m_samples->clear();
        if (samples) {
            const QStringList header = v.sampleRows.first();
            m_samples->setColumnCount(int(header.size()));
            m_samples->setHorizontalHeaderLabels(header);
            m_samples->setRowCount(int(v.sampleRows.size()) - 1);
            for (int r = 1; r < v.sampleRows.size(); ++r) {
                const QStringList &row = v.sampleRows.at(r);
                for (int c = 0; c < row.size() && c < header.size(); ++c)
                    m_samples->setItem(r - 1, c, new QTableWidgetItem(row.at(c)));
            }
            m_samples->resizeColumnsToContents();
        }
    }

    const bool isFreshness = v.kind == NodeKind::Freshness;
    m_freshnessBox->setVisible(isFreshness);
    if (isFreshness) {
        const StateStyle &fs = palette.style(v.freshness);
        m_freshness->setText(v.freshness == Freshness::Unknown
                                 ? tr("not measured yet")
                                 : QStringLiteral("%1 %2").arg(fs.glyph, fs.label));
        m_age->setText(formatAge(v.ageSeconds));
        m_warnAfter->setText(node && node->warnAfter ? formatDuration(*node->warnAfter)
                                                     : QStringLiteral("—"));
        m_errorAfter->setText(node && node->errorAfter ? formatDuration(*node->errorAfter)
                                                       : QStringLiteral("—"));
        m_observed->setText(formatTime(v.observedAt));
        QList<QDate> missing;
        for (qsizetype r = 1; r < v.sampleRows.size(); ++r) {
            const QDate day = QDate::fromString(v.sampleRows.at(r).value(0), Qt::ISODate);
            if (day.isValid())
                missing << day;
        }
        m_missingDays->setText(engine::listOfDays(missing));
        static_cast<QFormLayout *>(m_freshnessBox->layout())
            ->setRowVisible(m_missingDays, !missing.isEmpty());
    }

    QStringList impact;
    if (contract) {
        for (const ImpactItem &item : impactOf(*contract, m_model->graph(), v.id))
            impact << QStringLiteral("<li><b>%1</b>: %2</li>")
                          .arg(item.sectionName.toHtmlEscaped(),
                               policyWords(item.policy).toHtmlEscaped());
    }
    m_impact->setText(impact.isEmpty() ? tr("No report section needs this node.")
                                       : QStringLiteral("<ul style=\"margin-left:-20px\">%1</ul>")
                                             .arg(impact.join(QString())));

    // Only commands write a log; the pane stays out of the way otherwise.
    m_logBox->setVisible(v.kind == NodeKind::Command || !v.logPath.isEmpty() || !m_log.isEmpty());

    const QString code = node ? codeOf(*node) : QString();
    m_codeBox->setVisible(!code.isEmpty());
    m_codeBox->setTitle(v.kind == NodeKind::Command ? tr("Command") : tr("SQL"));
    if (m_code->toPlainText() != code)
        m_code->setPlainText(code);
}

void Inspector::requestLogTail()
{
    const int index = m_model->indexOf(m_nodeId);
    const NodeView &v = m_model->node(index);
    const bool final = isTerminal(v.state);
    // Read when the node's log file appears, and once more when it ends
    // (the file then holds everything the command wrote).
    if (v.logPath.isEmpty() || (v.logPath == m_logPath && (m_logFinal || !final)))
        return;
    m_logPath = v.logPath;
    m_logFinal = final;
    const quint64 generation = ++m_logGeneration;
    m_sinceRead.clear();
    const QString path = v.logPath;
    runOnWorker(
        this, [path] { return engine::CappedLog::readTail(path, kLogTailBytes); },
        [this, generation](const QByteArray &tail) {
            if (generation == m_logGeneration)
                onLogTail(tail);
        });
}

void Inspector::onLogTail(const QByteArray &tail)
{
    // Output that arrived while the file was read may not be in it yet.
    if (m_sinceRead.isEmpty() || tail.endsWith(m_sinceRead))
        setLog(tail);
    else
        setLog(tail + m_sinceRead);
    m_sinceRead.clear();
}

void Inspector::appendOutput(const QString &nodeId, const QByteArray &chunk)
{
    if (nodeId != m_nodeId || chunk.isEmpty())
        return;
    if (m_sinceRead.size() < kLogTailBytes)
        m_sinceRead += chunk;
    m_logBox->show();
    if (m_log.size() + chunk.size() > kLogTailBytes) {
        setLog(m_log + chunk);
        return;
    }
    m_log += chunk;
    QScrollBar *bar = m_logView->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    QTextCursor cursor(m_logView->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(QString::fromUtf8(chunk));
    if (atEnd)
        bar->setValue(bar->maximum());
}

void Inspector::setLog(const QByteArray &bytes)
{
    m_log = bytes.size() > kLogTailBytes ? bytes.right(kLogTailBytes) : bytes;
    m_logView->setPlainText(QString::fromUtf8(m_log));
    if (!m_log.isEmpty())
        m_logBox->show();
    m_logView->verticalScrollBar()->setValue(m_logView->verticalScrollBar()->maximum());
}

QString Inspector::logText() const
{
    return m_logView->toPlainText();
}

void Inspector::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_model && !m_nodeId.isEmpty())
        refresh(); // the state badge's colours follow light or dark
}

void Inspector::setAttempts(const QList<AttemptRecord> &attempts)
{
    m_attempts = attempts;
    if (m_model && m_model->indexOf(m_nodeId) >= 0)
        showFacts();
}

QString Inspector::attemptText() const
{
    return m_attemptWho->text();
}

} // namespace vouch::ui
