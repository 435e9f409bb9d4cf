#include "ui/mainwindow.h"

#include "engine/demo/demowarehouse.h"
#include "engine/run/rerunplan.h"
#include "engine/store/statestore.h"
#include "engine/util/clock.h"
#include "ui/alertspanel.h"
#include "ui/deliveryservice.h"
#include "ui/detailpane.h"
#include "ui/graph/graphview.h"
#include "ui/graph/statepalette.h"
#include "ui/historypage.h"
#include "ui/inspector.h"
#include "ui/model/runmodel.h"
#include "ui/reportpanel.h"
#include "ui/reportswitcher.h"
#include "ui/rerundialog.h"
#include "ui/runcontroller.h"
#include "ui/settingsdialog.h"
#include "ui/welcomepage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>

namespace vouch::ui {
using namespace vouch::engine;

namespace {
constexpr int kMaxRecent = 8;
constexpr int kWelcomePage = 0;
constexpr int kGraphPage = 1;

QSettings settings()
{
    return QSettings(QStringLiteral("vouch"), QStringLiteral("vouch"));
}

QString formatElapsed(qint64 ms)
{
    const qint64 s = ms / 1000;
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3")
            .arg(s / 3600)
            .arg((s % 3600) / 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_controller(new RunController(this))
    , m_stack(new QStackedWidget(this))
    , m_welcome(new WelcomePage(m_stack))
    , m_graph(new GraphView(m_stack))
    , m_inspector(new Inspector(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Vouch"));
    m_stack->insertWidget(kWelcomePage, m_welcome);
    m_stack->insertWidget(kGraphPage, m_graph);
    setCentralWidget(m_stack);
    m_graph->setModel(m_controller->model());
    m_inspector->setModel(m_controller->model());

    createActions();
    createMenus();
    createToolBar();
    createDocks();
    createStatusBar();
    connectController();

    connect(m_welcome, &WelcomePage::openDemoRequested, this,
            [this](const QString &scenario) { openDemo(scenario); });
    connect(m_welcome, &WelcomePage::openContractRequested, this, &MainWindow::chooseContract);
    connect(m_welcome, &WelcomePage::recentRequested, this, &MainWindow::openContract);

    connect(m_graph, &GraphView::nodeSelected, this, [this](const QString &id) {
        m_inspector->setNode(id);
        if (!id.isEmpty() && m_inspectorUntilSelection && !isWelcomeShown()) {
            m_inspectorUntilSelection = false;
            m_inspectorDock->show();
            resizeDocks({m_inspectorDock}, {std::max(380, width() * 28 / 100)}, Qt::Horizontal);
            // The graph just lost the inspector's width: fit it again once
            // the dock has taken it, so the whole path stays in view.
            QTimer::singleShot(0, m_graph, &GraphView::fitAll);
        }
        if (!id.isEmpty() && m_historyPage)
            m_historyPage->setSelectedNode(id);
        updateActions();
    });
    connect(m_graph, &GraphView::nodeActivated, this, [this](const QString &id) {
        m_inspector->setNode(id);
        m_inspectorDock->show();
        m_inspectorDock->raise();
    });
    connect(m_graph, &GraphView::nodeContextMenuRequested, this, &MainWindow::showNodeMenu);
    connect(m_graph, &GraphView::layoutReady, this, [this] {
        updateGroupsMenu();
        if (!m_pendingSelection.isEmpty() && !m_graph->nodeCenter(m_pendingSelection).isNull())
            m_graph->selectNode(std::exchange(m_pendingSelection, {}));
    });

    QSettings s = settings();
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray())) {
        const QSize screen = QGuiApplication::primaryScreen()
                                 ? QGuiApplication::primaryScreen()->availableSize()
                                 : QSize(1400, 900);
        resize(std::min(1600, screen.width()), std::min(1000, screen.height()));
    }
    m_firstLayout = !restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    updateRecentMenu();
    showWelcome();
    if (m_firstLayout) {
        // First launch: the graph has the window. The inspector waits for a
        // node to be selected; the Report dock is the bottom tab in front.
        m_showInspector = false;
        m_inspectorUntilSelection = true;
    }
    updateActions();
}

MainWindow::~MainWindow()
{
    // QWidget deletes the children before QObject drops this window's
    // connections: a child dying first (the controller and its model) would
    // make others (the graph, the inspector) signal a half-destroyed window.
    const auto children = findChildren<QObject *>();
    for (QObject *child : children)
        child->disconnect(this);
    // The views let go of the model before the controller deletes it.
    m_graph->setModel(nullptr);
    m_inspector->setModel(nullptr);
}

// ------------------------------------------------------------------ building

void MainWindow::createActions()
{
    m_openAction = new QAction(tr("&Open contract…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::chooseContract);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_settingsAction = new QAction(tr("&Settings…"), this);
    m_settingsAction->setObjectName(QStringLiteral("settingsAction"));
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(m_settingsAction, &QAction::triggered, this, [this] { openSettings(); });

    m_runAction = new QAction(tr("&Run"), this);
    m_runAction->setObjectName(QStringLiteral("runAction"));
    m_runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_runAction->setToolTip(tr("Run every node of the report for its period"));
    // The first run of a period starts at once; after that, Run is a rerun
    // of every node, with the same preview and required reason as any other.
    connect(m_runAction, &QAction::triggered, this, [this] {
        if (m_controller->runId() > 0)
            requestRerun(RerunKind::Everything);
        else
            m_controller->startRun();
    });

    m_rerunAction = new QAction(tr("Re&run…"), this);
    m_rerunAction->setObjectName(QStringLiteral("rerunAction"));
    m_rerunAction->setToolTip(
        tr("Rerun the selected node and everything downstream of it, or what failed"));
    connect(m_rerunAction, &QAction::triggered, this, [this] {
        const QString id = m_graph->selectedNode();
        if (id.isEmpty())
            requestRerun(RerunKind::Failed);
        else
            requestRerun(RerunKind::NodeAndDownstream, id);
    });

    m_rerunNodeAction = new QAction(tr("Rerun this &node…"), this);
    connect(m_rerunNodeAction, &QAction::triggered, this,
            [this] { requestRerun(RerunKind::Node, m_graph->selectedNode()); });
    m_rerunDownstreamAction = new QAction(tr("Rerun this node and &downstream…"), this);
    connect(m_rerunDownstreamAction, &QAction::triggered, this,
            [this] { requestRerun(RerunKind::NodeAndDownstream, m_graph->selectedNode()); });
    m_rerunFailedAction = new QAction(tr("Rerun &failed…"), this);
    connect(m_rerunFailedAction, &QAction::triggered, this,
            [this] { requestRerun(RerunKind::Failed); });

    m_cancelAction = new QAction(tr("&Cancel"), this);
    m_cancelAction->setObjectName(QStringLiteral("cancelAction"));
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setToolTip(tr("Cancel the run: running commands are stopped"));
    connect(m_cancelAction, &QAction::triggered, m_controller, &RunController::cancelRun);

    m_fitAction = new QAction(tr("&Fit graph"), this);
    m_fitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(m_fitAction, &QAction::triggered, m_graph, &GraphView::fitAll);

    m_findAction = new QAction(tr("&Find node"), this);
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, this, [this] {
        m_search->setFocus();
        m_search->selectAll();
    });
    addAction(m_findAction);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openAction);
    m_demoMenu = file->addMenu(tr("Open &demo"));
    for (const QString &scenario : demo::scenarios()) {
        QAction *a = m_demoMenu->addAction(WelcomePage::scenarioLabel(scenario));
        connect(a, &QAction::triggered, this, [this, scenario] { openDemo(scenario); });
    }
    m_recentMenu = file->addMenu(tr("Open &recent"));
    file->addSeparator();
    file->addAction(m_settingsAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(m_fitAction);
    view->addAction(m_findAction);
    view->addSeparator();

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_runAction);
    run->addSeparator();
    run->addAction(m_rerunNodeAction);
    run->addAction(m_rerunDownstreamAction);
    run->addAction(m_rerunFailedAction);
    run->addSeparator();
    run->addAction(m_cancelAction);
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    bar->addAction(m_runAction);
    bar->addAction(m_rerunAction);
    bar->addAction(m_cancelAction);
    bar->addSeparator();
    bar->addAction(m_fitAction);
    bar->addSeparator();

    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("searchEdit"));
    m_search->setPlaceholderText(tr("Find node…"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(240);
    m_search->setToolTip(tr("Highlight nodes whose id contains this text; Enter jumps to the "
                            "next one"));
    connect(m_search, &QLineEdit::textChanged, m_graph, &GraphView::setSearchText);
    connect(m_search, &QLineEdit::returnPressed, m_graph, &GraphView::findNext);
    m_searchWidgets << bar->addWidget(m_search);
    m_findCount = new QLabel(bar);
    m_findCount->setObjectName(QStringLiteral("findCount"));
    m_findCount->setContentsMargins(6, 0, 6, 0);
    connect(m_graph, &GraphView::findStatusChanged, this, [this](int current, int count) {
        if (m_search->text().trimmed().isEmpty())
            m_findCount->clear();
        else if (count == 0)
            m_findCount->setText(tr("no match"));
        else if (current == 0)
            m_findCount->setText(tr("%n match(es)", nullptr, count));
        else
            m_findCount->setText(tr("%1 of %2").arg(current).arg(count));
    });
    m_searchWidgets << bar->addWidget(m_findCount);

    m_sections = new QComboBox(bar);
    m_sections->setObjectName(QStringLiteral("sectionFilter"));
    m_sections->setToolTip(tr("Show only what one report section needs"));
    m_sections->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_sections, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_graph->setSectionFilter(m_sections->itemData(index).toString());
    });
    m_searchWidgets << bar->addWidget(m_sections);

    m_groupsMenu = new QMenu(this);
    m_groupsButton = new QToolButton(bar);
    m_groupsButton->setObjectName(QStringLiteral("groupsButton"));
    m_groupsButton->setText(tr("Collapse groups"));
    m_groupsButton->setPopupMode(QToolButton::InstantPopup);
    m_groupsButton->setMenu(m_groupsMenu);
    m_groupsAction = bar->addWidget(m_groupsButton);
    m_switcher = new ReportSwitcher(m_controller, m_welcome, bar);
    m_switcher->setToolBarAction(bar->insertWidget(bar->actions().constFirst(), m_switcher));
}

// A bottom dock's panel scrolls rather than force its height on the window,
// so the graph keeps most of it (a panel's minimum is taller than a quarter
// of a 720-pixel screen).
QWidget *MainWindow::scrollable(QWidget *panel)
{
    auto *scroll = new QScrollArea(this);
    scroll->setObjectName(panel->objectName() + QStringLiteral("Scroll"));
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(panel);
    return scroll;
}

// The panel, and the detail of what is selected in it beside it.
QWidget *MainWindow::withDetail(QWidget *panel, DetailPane *detail)
{
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(panel->objectName() + QStringLiteral("Split"));
    splitter->addWidget(scrollable(panel));
    splitter->addWidget(detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    return splitter;
}

void MainWindow::createDocks()
{
    // The inspector runs the full height; the log sits under the graph.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_inspectorDock = new QDockWidget(tr("Inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    m_inspectorDock->setWidget(m_inspector);
    m_inspectorDock->setMinimumWidth(380);
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);

    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("runLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(10000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_logDock = new QDockWidget(tr("Log"), this);
    m_logDock->setObjectName(QStringLiteral("logDock"));
    m_logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    resizeDocks({m_logDock}, {160}, Qt::Vertical);
    resizeDocks({m_inspectorDock}, {420}, Qt::Horizontal);

    // The report and its alerts share the bottom area with the log.
    m_reportPanel = new ReportPanel(this);
    m_reportDock = new QDockWidget(tr("Report"), this);
    m_reportDock->setObjectName(QStringLiteral("reportDock"));
    m_reportDetail = new DetailPane(this);
    m_reportDetail->setObjectName(QStringLiteral("reportDetail"));
    m_reportDock->setWidget(withDetail(m_reportPanel, m_reportDetail));
    addDockWidget(Qt::BottomDockWidgetArea, m_reportDock);
    tabifyDockWidget(m_logDock, m_reportDock);
    m_alertsPanel = new AlertsPanel(this);
    m_alertsDock = new QDockWidget(tr("Alerts"), this);
    m_alertsDock->setObjectName(QStringLiteral("alertsDock"));
    m_alertDetail = new DetailPane(this);
    m_alertDetail->setObjectName(QStringLiteral("alertDetail"));
    m_alertsDock->setWidget(withDetail(m_alertsPanel, m_alertDetail));
    addDockWidget(Qt::BottomDockWidgetArea, m_alertsDock);
    tabifyDockWidget(m_reportDock, m_alertsDock);
    // Months of runs: completion against the deadline, durations, checks.
    m_historyPage = new HistoryPage(this);
    m_historyDock = new QDockWidget(tr("History"), this);
    m_historyDock->setObjectName(QStringLiteral("historyDock"));
    m_historyDock->setWidget(scrollable(m_historyPage));
    addDockWidget(Qt::BottomDockWidgetArea, m_historyDock);
    tabifyDockWidget(m_alertsDock, m_historyDock);
    m_reportDock->raise(); // what can publish comes first; the log is a tab away
    for (DetailPane *detail : {m_reportDetail, m_alertDetail}) {
        detail->setRunModel(m_controller->model());
        connect(detail, &DetailPane::revealNode, this, [this](const QString &id) {
            m_sections->setCurrentIndex(0); // the whole graph, so the node is on it
            m_graph->selectNode(id);
        });
        connect(detail, &DetailPane::rerunRequested, this,
                [this](const QString &selector) { requestRerun(RerunKind::Selection, selector); });
    }
    connect(m_reportPanel, &ReportPanel::sectionSelected, m_reportDetail, &DetailPane::showSection);
    connect(m_reportPanel, &ReportPanel::loaded, this, &MainWindow::focusOnTheProblem);
    connect(m_alertsPanel, &AlertsPanel::alertSelected, m_alertDetail, &DetailPane::showAlert);
    // After a decision, the one assessment it returned: the status bar says
    // "published with caveats" too, without reading the store again.
    connect(m_reportPanel, &ReportPanel::assessed, m_controller, &RunController::showAssessment);
    connect(m_reportPanel, &ReportPanel::decided, this, [this](const QString &message) {
        logLine(message);
        m_alertsPanel->reload(); // its deliveries, beside the alerts
    });
    connect(m_reportPanel, &ReportPanel::error, this, &MainWindow::showError);
    connect(m_alertsPanel, &AlertsPanel::error, this, &MainWindow::showError);
    // Alerts go out while the app is open (as with `vouch serve`).
    m_delivery = new DeliveryService(this);
    connect(m_delivery, &DeliveryService::deliveryChanged, m_alertsPanel, &AlertsPanel::reload);
    connect(m_delivery, &DeliveryService::error, this, &MainWindow::showError);
    connect(m_alertsPanel, &AlertsPanel::alertActivated, this, [this](const QString &rootNode) {
        // From the table or from a click on the desktop notification.
        m_alertsDock->show();
        m_alertsDock->raise();
        if (!rootNode.isEmpty())
            selectNodeWhenReady(rootNode);
    });

    QMenu *view = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu"));
    view->addAction(m_inspectorDock->toggleViewAction());
    // Ctrl+1…4 bring a bottom dock forward (shown, raised, focused).
    const QList<std::pair<QDockWidget *, QKeySequence>> docks = {
        {m_reportDock, QKeySequence(Qt::CTRL | Qt::Key_1)},
        {m_alertsDock, QKeySequence(Qt::CTRL | Qt::Key_2)},
        {m_historyDock, QKeySequence(Qt::CTRL | Qt::Key_3)},
        {m_logDock, QKeySequence(Qt::CTRL | Qt::Key_4)}};
    for (const auto &[dock, keys] : docks) {
        QAction *toggle = dock->toggleViewAction();
        view->addAction(toggle);
        auto *show = new QAction(tr("Go to %1").arg(dock->windowTitle()), this);
        show->setObjectName(dock->objectName() + QStringLiteral("Shortcut"));
        show->setShortcut(keys);
        show->setShortcutContext(Qt::WindowShortcut);
        addAction(show);
        connect(show, &QAction::triggered, dock, [dock] {
            dock->show();
            dock->raise();
            if (QWidget *w = dock->widget())
                w->setFocus(Qt::ShortcutFocusReason);
        });
    }

    // Publication decisions from the menu as well as from the Report dock:
    // enabled exactly when the dock's buttons are.
    QMenu *publication = menuBar()->addMenu(tr("&Publication"));
    publication->setObjectName(QStringLiteral("publicationMenu"));
    QAction *approve = publication->addAction(tr("&Approve with caveats…"));
    approve->setObjectName(QStringLiteral("approveAction"));
    QAction *hold = publication->addAction(tr("&Hold…"));
    hold->setObjectName(QStringLiteral("holdAction"));
    connect(approve, &QAction::triggered, this, [this] {
        m_reportDock->show();
        m_reportDock->raise();
        m_reportPanel->requestApprove();
    });
    connect(hold, &QAction::triggered, this, [this] {
        m_reportDock->show();
        m_reportDock->raise();
        m_reportPanel->requestHold();
    });
    connect(publication, &QMenu::aboutToShow, this, [this, approve, hold] {
        approve->setEnabled(m_reportPanel->approveButton()->isEnabled());
        hold->setEnabled(m_reportPanel->holdButton()->isEnabled());
    });
}

void MainWindow::createStatusBar()
{
    m_progress = new QLabel(this);
    m_progress->setObjectName(QStringLiteral("progressLabel"));
    m_reportStatus = new QLabel(this);
    m_reportStatus->setObjectName(QStringLiteral("reportStatusLabel"));
    m_executor = new QLabel(this);
    m_executor->setObjectName(QStringLiteral("executorLabel"));
    m_executor->setToolTip(tr("Who executes the report's run now (its lease in the state store)"));
    statusBar()->addWidget(m_progress);
    statusBar()->addPermanentWidget(m_executor);
    statusBar()->addPermanentWidget(m_reportStatus);
}

void MainWindow::connectController()
{
    RunController *c = m_controller;
    connect(c, &RunController::busyChanged, this, [this](bool busy) {
        m_welcome->setBusy(busy);
        if (busy)
            statusBar()->showMessage(tr("Opening…"));
        else
            statusBar()->clearMessage();
        updateActions();
    });
    connect(c, &RunController::contractOpened, this, [this](const QString &path) {
        const ContractPtr contract = m_controller->contract();
        setWindowTitle(tr("%1 — Vouch").arg(contract->report.name));
        if (!m_controller->isDemo())
            rememberContract(path);
        saveSession();
        m_welcome->setMessage(QString());
        logLine(tr("Opened %1 (%2)").arg(contract->report.name, path));
        m_reportStatus->setText(m_controller->verdict().headline);
        m_reportStatus->setToolTip(m_controller->verdict().sections.join(u'\n'));
        m_executor->setText(m_controller->executorText());
        updateSections();
        showGraph();
        updateActions();
        refreshPanels();
    });
    connect(c, &RunController::runLoaded, this, [this](qint64 runId, int attempt) {
        logLine(tr("Latest run %1, attempt %2, period %3")
                    .arg(runId)
                    .arg(attempt)
                    .arg(m_controller->period()));
        m_reportStatus->setText(m_controller->verdict().headline);
        m_reportStatus->setToolTip(m_controller->verdict().sections.join(u'\n'));
        updateActions();
        refreshPanels();
    });
    connect(c, &RunController::runStarted, this, [this](qint64 runId, int attempt) {
        logLine(tr("Run %1 attempt %2 started for %3")
                    .arg(runId)
                    .arg(attempt)
                    .arg(m_controller->period()));
        m_reportStatus->setText(tr("Report running"));
        m_reportStatus->setToolTip(QString());
    });
    connect(c, &RunController::runningChanged, this, [this] {
        m_executor->setText(m_controller->executorText());
        updateActions();
    });
    connect(c, &RunController::teamChanged, this, [this] {
        m_executor->setText(m_controller->executorText());
        m_inspector->setAttempts(m_controller->team().attempts);
        updateActions();
    });
    connect(c, &RunController::requestNote, this, &MainWindow::logLine);
    connect(c, &RunController::requestSent, this,
            [this](qint64, const QString &message) { logLine(message); });
    connect(c, &RunController::progressChanged, this, &MainWindow::showProgress);
    connect(c, &RunController::transitionsCommitted, this, &MainWindow::logTransitions);
    connect(c, &RunController::nodeOutput, m_inspector, &Inspector::appendOutput);
    connect(c, &RunController::runFinished, this, [this](const QString &verdict) {
        if (!verdict.isEmpty())
            logLine(verdict);
        for (const QString &line : m_controller->verdict().sections)
            logLine(QStringLiteral("    ") + line);
        m_reportStatus->setText(verdict);
        m_reportStatus->setToolTip(m_controller->verdict().sections.join(u'\n'));
        updateActions();
        refreshPanels();
    });
    connect(c, &RunController::verdictUpdated, this, [this] {
        m_reportStatus->setText(m_controller->verdict().headline);
        m_reportStatus->setToolTip(m_controller->verdict().sections.join(u'\n'));
    });
    connect(c, &RunController::decisionsChanged, this, &MainWindow::refreshPanels);
    connect(c, &RunController::publicationWritten, m_reportPanel,
            &ReportPanel::setPublicationProblem);
    connect(c, &RunController::error, this, &MainWindow::showError);
}

// ------------------------------------------------------------------ pages

bool MainWindow::isWelcomeShown() const
{
    return m_stack->currentIndex() == kWelcomePage;
}

void MainWindow::showWelcome()
{
    m_welcome->setRecentContracts(recentContracts());
    m_stack->setCurrentIndex(kWelcomePage);
    // Nothing to inspect or log yet: the welcome page has the window. The
    // docks come back as they were (restoreState) when a contract opens.
    if (!m_docksParked) {
        m_docksParked = true;
        m_showInspector = !m_inspectorDock->isHidden();
        m_showLog = !m_logDock->isHidden();
        m_showReport = !m_reportDock->isHidden();
        m_showAlerts = !m_alertsDock->isHidden();
        m_showHistory = !m_historyDock->isHidden();
    }
    for (QAction *a : std::as_const(m_searchWidgets))
        a->setVisible(false);
    m_fitAction->setVisible(false);
    m_groupsAction->setVisible(false);
    m_inspectorDock->hide();
    m_logDock->hide();
    m_reportDock->hide();
    m_alertsDock->hide();
    m_historyDock->hide();
}

void MainWindow::showGraph()
{
    if (m_docksParked) {
        m_docksParked = false;
        m_inspectorDock->setVisible(m_showInspector);
        m_logDock->setVisible(m_showLog);
        m_reportDock->setVisible(m_showReport);
        m_alertsDock->setVisible(m_showAlerts);
        m_historyDock->setVisible(m_showHistory);
    }
    m_stack->setCurrentIndex(kGraphPage);
    for (QAction *a : std::as_const(m_searchWidgets))
        a->setVisible(true);
    m_fitAction->setVisible(true);
    m_groupsAction->setVisible(true);
    if (m_firstLayout) {
        // The bottom docks take about a quarter of the window, so the graph
        // keeps at least 60 % of its height at 1600 x 1000 and 1280 x 720.
        m_firstLayout = false;
        m_reportDock->raise();
        // After the window is laid out (the demo opens before it shows).
        QTimer::singleShot(0, this, [this] {
            resizeDocks({m_reportDock}, {height() * kBottomDockShare / 100}, Qt::Vertical);
        });
    }
}

// ------------------------------------------------------------------ opening

void MainWindow::chooseContract()
{
    const QString start = recentContracts().value(0);
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open contract"), start.isEmpty() ? QString() : QFileInfo(start).absolutePath(),
        tr("Reporting contracts (*.yaml *.yml);;All files (*)"));
    if (!path.isEmpty())
        openContract(path);
}

void MainWindow::openContract(const QString &path)
{
    m_controller->openContract(path);
}

void MainWindow::openDemo(const QString &scenario, const QString &dir)
{
    logLine(tr("Making the Brightside demo warehouse (scenario %1)…").arg(scenario));
    m_controller->openDemo(scenario, dir.isEmpty() ? demo::defaultDirectory() : dir);
}

bool MainWindow::restoreLastSession()
{
    QSettings s = settings();
    const QString contract = s.value(QStringLiteral("session/contract")).toString();
    if (contract.isEmpty() || !QFileInfo::exists(contract))
        return false;
    m_controller->openContract(contract, s.value(QStringLiteral("session/state")).toString(),
                               s.value(QStringLiteral("session/dataDirectory")).toString());
    return true;
}

QStringList MainWindow::recentContracts() const
{
    return settings().value(QStringLiteral("recentContracts")).toStringList();
}

void MainWindow::rememberContract(const QString &path)
{
    QStringList recent = recentContracts();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings().setValue(QStringLiteral("recentContracts"), recent);
    updateRecentMenu();
    m_welcome->setRecentContracts(recent);
}

void MainWindow::saveSession()
{
    QSettings s = settings();
    s.setValue(QStringLiteral("session/contract"), m_controller->contractPath());
    s.setValue(QStringLiteral("session/state"), m_controller->statePath());
    s.setValue(QStringLiteral("session/dataDirectory"), m_controller->dataDirectory());
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentContracts();
    for (const QString &path : recent) {
        QAction *a = m_recentMenu->addAction(QFileInfo(path).fileName());
        a->setToolTip(path);
        a->setStatusTip(path);
        connect(a, &QAction::triggered, this, [this, path] { openContract(path); });
    }
    m_recentMenu->setEnabled(!recent.isEmpty());
}

// When a run has a problem, the graph opens on the path of the most affected
// section (the worst status with findings: blocked, held, then caveated) with
// its root cause selected: once per attempt, and never over a node the user
// selected.
void MainWindow::focusOnTheProblem()
{
    const engine::Verdict *verdict = m_reportPanel->verdict();
    if (!verdict || isWelcomeShown())
        return;
    const auto key = std::pair(m_controller->runId(), m_controller->attempt());
    if (key == m_focusedAttempt || !m_graph->selectedNode().isEmpty())
        return;
    const auto rank = [](engine::SectionStatus status) {
        switch (status) {
        case engine::SectionStatus::Blocked:
            return 3;
        case engine::SectionStatus::Held:
            return 2;
        case engine::SectionStatus::Caveated:
            return 1;
        default:
            return 0;
        }
    };
    const engine::SectionVerdict *worst = nullptr;
    for (const engine::SectionVerdict &section : verdict->sections) {
        if (!section.findings.isEmpty() && rank(section.status) > 0 &&
            (!worst || rank(section.status) > rank(worst->status)))
            worst = &section;
    }
    if (!worst)
        return;
    m_focusedAttempt = key;
    if (const int index = m_sections->findData(worst->id);
        index >= 0 && index != m_sections->currentIndex()) {
        m_sections->setCurrentIndex(index); // lays out and fits the section's path
        m_pendingSelection = worst->findings.first().nodeId;
    } else {
        selectNodeWhenReady(worst->findings.first().nodeId);
    }
    m_reportPanel->selectSection(worst->id); // and its detail beside the list
}

void MainWindow::selectNodeWhenReady(const QString &id)
{
    if (m_graph->isLayoutReady() && !m_graph->nodeCenter(id).isNull())
        m_graph->selectNode(id);
    else
        m_pendingSelection = id;
}

// ------------------------------------------------------------------ reruns

QMenu *MainWindow::createNodeMenu(const QString &id, QWidget *parent)
{
    auto *menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("nodeMenu"));
    const bool running = m_controller->isRunning();
    const bool hasRun = m_controller->runId() > 0;
    QAction *title = menu->addAction(id);
    title->setEnabled(false);
    menu->addSeparator();
    QAction *node = menu->addAction(tr("Rerun this node…"));
    node->setObjectName(QStringLiteral("rerunNode"));
    connect(node, &QAction::triggered, this, [this, id] { requestRerun(RerunKind::Node, id); });
    QAction *downstream = menu->addAction(tr("Rerun this node and downstream…"));
    downstream->setObjectName(QStringLiteral("rerunDownstream"));
    connect(downstream, &QAction::triggered, this,
            [this, id] { requestRerun(RerunKind::NodeAndDownstream, id); });
    QAction *sources = menu->addAction(tr("Rerun from its sources…"));
    sources->setObjectName(QStringLiteral("rerunFromSources"));
    sources->setToolTip(tr("The node, everything upstream back to what loads its data, and "
                           "everything downstream"));
    connect(sources, &QAction::triggered, this,
            [this, id] { requestRerun(RerunKind::FromSources, id); });
    QAction *failed = menu->addAction(tr("Rerun failed…"));
    failed->setObjectName(QStringLiteral("rerunFailed"));
    connect(failed, &QAction::triggered, this, [this] { requestRerun(RerunKind::Failed); });
    for (QAction *a : {node, downstream, sources, failed})
        a->setEnabled(hasRun && !running);
    menu->addSeparator();
    QAction *cancelNode = menu->addAction(tr("Cancel this node"));
    cancelNode->setObjectName(QStringLiteral("cancelNode"));
    connect(cancelNode, &QAction::triggered, this, [this, id] { m_controller->cancelNodes({id}); });
    QAction *cancelRun = menu->addAction(tr("Cancel the run"));
    cancelRun->setObjectName(QStringLiteral("cancelRun"));
    connect(cancelRun, &QAction::triggered, m_controller, &RunController::cancelRun);
    cancelNode->setEnabled(running);
    cancelRun->setEnabled(running);
    return menu;
}

void MainWindow::showNodeMenu(const QString &id, const QPoint &globalPos)
{
    if (id.isEmpty())
        return;
    QMenu *menu = createNodeMenu(id, this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->popup(globalPos);
}

RerunDialog *MainWindow::requestRerun(RerunKind kind, const QString &nodeId)
{
    if (m_controller->runId() == 0) {
        showError(tr("There is no run to rerun yet. Run the report first."));
        return nullptr;
    }
    if (m_controller->isRunning()) {
        showError(tr("Wait for the run to finish, or cancel it, before a rerun."));
        return nullptr;
    }
    const bool needsNode = kind != RerunKind::Failed && kind != RerunKind::Everything;
    if (needsNode && nodeId.isEmpty()) {
        showError(tr("Select a node to rerun."));
        return nullptr;
    }
    if (m_rerunDialog)
        m_rerunDialog->close();
    RerunRequest request;
    // A node (Selection: a whole selector); from its sources, with its upstream too.
    request.selector = !needsNode                       ? QString()
                       : kind == RerunKind::FromSources ? QStringLiteral("+%1+").arg(nodeId)
                                                        : nodeId;
    request.downstream = kind == RerunKind::NodeAndDownstream;
    request.failedOnly = kind == RerunKind::Failed;
    auto *dialog = new RerunDialog(m_controller->model()->graph(), m_controller->latestStates(),
                                   request, m_controller->attempt() + 1, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    switch (kind) {
    case RerunKind::Node:
        dialog->setWindowTitle(tr("Rerun %1").arg(nodeId));
        break;
    case RerunKind::NodeAndDownstream:
        dialog->setWindowTitle(tr("Rerun %1 and downstream").arg(nodeId));
        break;
    case RerunKind::FromSources:
        dialog->setWindowTitle(tr("Rerun %1 from its sources").arg(nodeId));
        break;
    case RerunKind::Selection:
        dialog->setWindowTitle(tr("Rerun %1").arg(nodeId));
        break;
    case RerunKind::Everything:
        dialog->setWindowTitle(tr("Run every node again"));
        break;
    case RerunKind::Failed:
        dialog->setWindowTitle(tr("Rerun what failed"));
        break;
    }
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        logLine(tr("Rerun of %1 node(s): %2").arg(dialog->nodeIds().size()).arg(dialog->reason()));
        m_controller->rerun(dialog->nodeIds(), dialog->reason());
    });
    m_rerunDialog = dialog;
    dialog->open();
    return dialog;
}

// ------------------------------------------------------------------ state

void MainWindow::updateActions()
{
    const bool open = m_controller->contract() != nullptr;
    const bool busy = m_controller->isBusy();
    const bool running = m_controller->isRunning();
    const bool hasRun = m_controller->runId() > 0;
    const bool selected = !m_graph->selectedNode().isEmpty();
    m_runAction->setEnabled(open && !busy && !running);
    m_rerunAction->setEnabled(open && !busy && !running && hasRun);
    m_rerunNodeAction->setEnabled(open && !busy && !running && hasRun && selected);
    m_rerunDownstreamAction->setEnabled(open && !busy && !running && hasRun && selected);
    m_rerunFailedAction->setEnabled(open && !busy && !running && hasRun);
    // A run executed elsewhere is cancelled by a request to its executor.
    m_cancelAction->setEnabled(
        running || (m_controller->executesElsewhere() && !m_controller->team().executor.isEmpty()));
    m_openAction->setEnabled(!running);
    m_demoMenu->setEnabled(!running && !busy);
    m_recentMenu->setEnabled(!running && !busy && !recentContracts().isEmpty());
    m_fitAction->setEnabled(open);
    m_search->setEnabled(open);
    m_sections->setEnabled(open);
    m_groupsButton->setEnabled(open);
}

void MainWindow::updateSections()
{
    const QSignalBlocker blocker(m_sections);
    m_sections->clear();
    m_sections->addItem(tr("All sections"), QString());
    if (const ContractPtr contract = m_controller->contract()) {
        for (const Section &s : contract->report.sections)
            m_sections->addItem(s.name, s.id);
    }
    m_sections->setCurrentIndex(0);
    m_graph->setSectionFilter(QString());
}

void MainWindow::updateGroupsMenu()
{
    m_groupsMenu->clear();
    for (const QString &group : m_graph->groups()) {
        QAction *a = m_groupsMenu->addAction(group);
        a->setCheckable(true);
        a->setChecked(m_graph->isGroupCollapsed(group));
        connect(a, &QAction::toggled, this,
                [this, group](bool collapsed) { m_graph->setGroupCollapsed(group, collapsed); });
    }
}

void MainWindow::refreshPanels()
{
    ReportSource source;
    source.contract = m_controller->contract();
    source.statePath = m_controller->statePath();
    source.dataDirectory = m_controller->dataDirectory();
    source.runId = m_controller->runId();
    m_reportPanel->setSource(source);
    m_alertsPanel->setSource(source);
    m_historyPage->setSource(source.statePath, source.contract);
    m_delivery->setSource(source.contract, source.statePath);
}

SettingsDialog *MainWindow::openSettings()
{
    auto *dialog = new SettingsDialog(m_controller->contract(), m_controller->statePath(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->open();
    return dialog;
}

void MainWindow::showProgress(int done, int total, qint64 elapsedMs)
{
    m_progress->setText(
        tr("%1 of %2 nodes done · elapsed %3").arg(done).arg(total).arg(formatElapsed(elapsedMs)));
}

QString MainWindow::progressText() const
{
    return m_progress->text();
}

QString MainWindow::reportStatusText() const
{
    return m_reportStatus->text();
}

QString MainWindow::executorText() const
{
    return m_executor->text();
}

void MainWindow::showError(const QString &message)
{
    logLine(tr("Error: %1").arg(message));
    statusBar()->showMessage(message.section(u'\n', 0, 0), 15000);
    if (isWelcomeShown())
        m_welcome->setMessage(message);
}

void MainWindow::logLine(const QString &line)
{
    // The clock the run is judged by (the demo's replayed Monday, --now),
    // so the log's times agree with the graph, the inspector and the deadline.
    m_log->appendPlainText(engine::clockNow().toLocalTime().toString(QStringLiteral("HH:mm:ss  ")) +
                           line);
}

void MainWindow::logTransitions(const QList<Transition> &transitions)
{
    const StatePalette palette = StatePalette::forPalette(this->palette());
    for (const Transition &t : transitions) {
        if (t.state == NodeState::Pending || t.state == NodeState::Queued)
            continue;
        const StateStyle &style = palette.style(t.state);
        QString line =
            QStringLiteral("%1 %2 %3").arg(style.glyph, style.label.leftJustified(16), t.nodeId);
        if (!t.message.isEmpty())
            line += QStringLiteral("  ") + t.message;
        logLine(line);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_docksParked) {
        // Save the docks as the person left them, not as the welcome page hides them.
        m_inspectorDock->setVisible(m_showInspector);
        m_logDock->setVisible(m_showLog);
        m_reportDock->setVisible(m_showReport);
        m_alertsDock->setVisible(m_showAlerts);
        m_historyDock->setVisible(m_showHistory);
    }
    QSettings s = settings();
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    if (m_controller->isRunning())
        m_controller->cancelRun();
    QMainWindow::closeEvent(event);
}

} // namespace vouch::ui
