#include "ui/reportswitcher.h"

#include "engine/demo/demowarehouse.h"
#include "engine/graph/graph.h"
#include "engine/interop/loadcontract.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "engine/util/clock.h"
#include "engine/util/worker.h"
#include "ui/runcontroller.h"
#include "ui/welcomepage.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>

namespace vouch::ui {

using namespace vouch::engine;

QList<DemoReportEntry> readDemoReports(const QString &dir)
{
    QList<DemoReportEntry> entries;
    const QString statePath = dir + QStringLiteral("/state.db");
    std::unique_ptr<StateStore> store;
    if (QFileInfo::exists(statePath)) {
        QString error;
        store = StateStore::openReadOnly(statePath, &error);
    }
    for (const demo::DemoReport &report : demo::reports()) {
        DemoReportEntry entry;
        entry.key = report.key;
        entry.contractPath = QFileInfo(demo::reportContractPath(report.key)).absoluteFilePath();
        const LoadResult loaded = loadContractFile(entry.contractPath);
        if (!loaded.ok())
            continue;
        entry.name = loaded.contract->report.name;
        if (store) {
            if (const auto run = store->latestRun(loaded.contract->report.id)) {
                // Judged at the clock the demo ran it under, like the window does.
                const QDateTime at = run->pinnedClock.isValid() ? run->pinnedClock : clockNow();
                const Graph graph = Graph::fromContract(*loaded.contract);
                if (const auto a = assess(*store, *loaded.contract, graph, run->id, at,
                                          /*syncAlerts=*/false))
                    entry.verdict = RunController::reportStatusLabel(a->verdict.status);
            }
        }
        entries << entry;
    }
    return entries;
}

QString demoReportLabel(const DemoReportEntry &entry)
{
    return ReportSwitcher::tr("%1 — %2").arg(
        entry.name, entry.verdict.isEmpty() ? ReportSwitcher::tr("not run yet") : entry.verdict);
}

ReportSwitcher::ReportSwitcher(RunController *controller, WelcomePage *welcome, QWidget *parent)
    : QWidget(parent)
    , m_controller(controller)
    , m_welcome(welcome)
    , m_caption(new QLabel(tr("Report:"), this))
    , m_combo(new QComboBox(this))
    , m_dir(demo::defaultDirectory())
{
    setObjectName(QStringLiteral("reportSwitcher"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 0, 6, 0);
    layout->addWidget(m_caption);
    layout->addWidget(m_combo);
    m_combo->setObjectName(QStringLiteral("reportSwitcherCombo"));
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_combo->setToolTip(tr("The demo's reports and their latest verdicts; choose one to open it"));
    connect(m_combo, &QComboBox::activated, this,
            [this](int index) { openReport(m_combo->itemData(index).toString()); });
    connect(m_welcome, &WelcomePage::demoReportRequested, this, &ReportSwitcher::openReport);
    connect(m_controller, &RunController::contractOpened, this, &ReportSwitcher::refresh);
    connect(m_controller, &RunController::runFinished, this, &ReportSwitcher::refresh);
    connect(m_controller, &RunController::verdictUpdated, this, &ReportSwitcher::refresh);
    connect(m_controller, &RunController::runningChanged, this,
            [this](bool running) { m_combo->setEnabled(!running); });
    refresh();
}

void ReportSwitcher::setToolBarAction(QAction *action)
{
    m_action = action;
    m_action->setVisible(m_controller->isDemo() && !m_entries.isEmpty());
}

void ReportSwitcher::setDirectory(const QString &dir)
{
    m_dir = dir;
    refresh();
}

void ReportSwitcher::refresh()
{
    if (m_controller->contract() && !m_controller->isDemo()) {
        // Another contract is open: nothing to switch to, nothing to read.
        ++m_generation;
        if (m_action)
            m_action->setVisible(false);
        return;
    }
    if (m_controller->isDemo() && !m_controller->dataDirectory().isEmpty())
        m_dir = m_controller->dataDirectory();
    const quint64 generation = ++m_generation;
    const QString dir = m_dir;
    runOnWorker(
        this, [dir] { return readDemoReports(dir); },
        [this, generation](QList<DemoReportEntry> entries) {
            if (generation == m_generation)
                showEntries(entries);
        });
}

void ReportSwitcher::showEntries(const QList<DemoReportEntry> &entries)
{
    m_entries = entries;
    const QString current = QFileInfo(m_controller->contractPath()).absoluteFilePath();
    const QSignalBlocker block(m_combo);
    m_combo->clear();
    for (const DemoReportEntry &e : entries) {
        m_combo->addItem(demoReportLabel(e), e.contractPath);
        if (e.contractPath == current)
            m_combo->setCurrentIndex(m_combo->count() - 1);
    }
    // Only a demo report switches between the demo's reports.
    const bool shown = m_controller->isDemo() && !entries.isEmpty();
    if (m_action)
        m_action->setVisible(shown);
    else
        setVisible(shown);
    // The welcome page offers them once the demo's warehouse exists.
    m_welcome->setDemoReports(QFileInfo::exists(m_dir + QStringLiteral("/landing.db"))
                                  ? entries
                                  : QList<DemoReportEntry>());
    Q_EMIT entriesChanged();
}

void ReportSwitcher::openReport(const QString &contractPath)
{
    if (contractPath.isEmpty() || m_controller->isRunning() ||
        QFileInfo(m_controller->contractPath()).absoluteFilePath() == contractPath)
        return;
    m_controller->openDemoReport(contractPath, m_dir);
}

} // namespace vouch::ui
