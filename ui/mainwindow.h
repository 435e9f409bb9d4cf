#pragma once

#include "ui/rerundialog.h"

#include <QMainWindow>
#include <QPointer>
#include <QStringList>

class QAction;
class QComboBox;
class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QPlainTextEdit;
class QStackedWidget;
class QToolButton;

namespace vouch::engine {
struct Transition;
}

namespace vouch::ui {

class AlertsPanel;
class DeliveryService;
class DetailPane;
class SettingsDialog;
class GraphView;
class Inspector;
class ReportPanel;
class ReportSwitcher;
class HistoryPage;
class RunController;
class WelcomePage;

// The desktop window. Composes the welcome page, the live graph, the
// inspector and log docks, the toolbar, menus and status bar, and wires them
// to the RunController; it does not compute. Remembers its geometry, the
// recent contracts and the last session in QSettings ("vouch", "vouch").
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class RerunKind
    {
        Node,              // this node
        NodeAndDownstream, // this node and everything downstream of it
        Failed,            // every node that did not pass
        FromSources,       // this node, its upstream back to the loaders, and downstream
        Selection,         // a selector (nodeId holds it), from a next step
        Everything,        // every node again (Run after the period's first run)
    };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    RunController *controller() const { return m_controller; }
    GraphView *graphView() const { return m_graph; }
    Inspector *inspector() const { return m_inspector; }
    ReportPanel *reportPanel() const { return m_reportPanel; }
    HistoryPage *historyPage() const { return m_historyPage; }
    AlertsPanel *alertsPanel() const { return m_alertsPanel; }
    // Opens Settings (secrets and alert channels), window-modal, not blocking.
    SettingsDialog *openSettings();
    WelcomePage *welcomePage() const { return m_welcome; }
    // Switches between the demo's reports (weekly pack, month-end close pack).
    ReportSwitcher *reportSwitcher() const { return m_switcher; }
    bool isWelcomeShown() const;

    void openContract(const QString &path);
    // `dir` empty: the demo's default directory.
    void openDemo(const QString &scenario, const QString &dir = QString());
    // Reopens the last contract (or demo) of the previous session; false if none.
    bool restoreLastSession();
    QStringList recentContracts() const;

    // Selects `id` in the graph as soon as it is laid out (for --select).
    void selectNodeWhenReady(const QString &id);

    // The node's context menu (what a right-click on it shows).
    QMenu *createNodeMenu(const QString &id, QWidget *parent);
    // Opens the rerun dialog (window-modal, not blocking) for the kind of
    // rerun; on OK the controller runs exactly the planned nodes. Returns the
    // dialog, or null when there is nothing to rerun now.
    RerunDialog *requestRerun(RerunKind kind, const QString &nodeId = QString());
    RerunDialog *rerunDialog() const { return m_rerunDialog; }

    QAction *runAction() const { return m_runAction; }
    QAction *rerunAction() const { return m_rerunAction; }
    QAction *cancelAction() const { return m_cancelAction; }
    QString progressText() const;
    QString reportStatusText() const;
    // "Executing: runner on db-host (pid 4242)", "Nobody is executing", ...
    QString executorText() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createToolBar();
    void createDocks();
    QWidget *scrollable(QWidget *panel);
    void focusOnTheProblem();
    QWidget *withDetail(QWidget *panel, DetailPane *detail);
    void createStatusBar();
    void connectController();

    void showWelcome();
    void showGraph();
    void chooseContract();
    void rememberContract(const QString &path);
    void saveSession();
    void updateRecentMenu();
    void updateActions();
    void updateSections();
    void updateGroupsMenu();
    void showProgress(int done, int total, qint64 elapsedMs);
    void showError(const QString &message);
    void logTransitions(const QList<engine::Transition> &transitions);
    void logLine(const QString &line);
    void showNodeMenu(const QString &id, const QPoint &globalPos);
    void refreshPanels();

    RunController *m_controller;
    QStackedWidget *m_stack;
    WelcomePage *m_welcome;
    GraphView *m_graph;
    Inspector *m_inspector;
    QDockWidget *m_inspectorDock = nullptr;
    QDockWidget *m_logDock = nullptr;
    ReportPanel *m_reportPanel = nullptr;
    HistoryPage *m_historyPage = nullptr;
    QDockWidget *m_historyDock = nullptr;
    bool m_showHistory = false;
    AlertsPanel *m_alertsPanel = nullptr;
    QDockWidget *m_reportDock = nullptr;
    QDockWidget *m_alertsDock = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QPointer<RerunDialog> m_rerunDialog;
    QString m_pendingSelection;
    std::pair<qint64, int> m_focusedAttempt{0, 0}; // the attempt focusOnTheProblem() last opened on
    bool m_docksParked = false;                    // hidden while the welcome page shows
    bool m_firstLayout = false;                    // no saved window state: lay the docks out once
    bool m_inspectorUntilSelection = false; // first launch: the inspector opens with a selection
    static constexpr int kBottomDockShare = 24; // percent of the window's height
    bool m_showInspector = true;
    bool m_showLog = true;
    bool m_showReport = true;
    bool m_showAlerts = true;

    QAction *m_openAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_settingsAction = nullptr;
    DeliveryService *m_delivery = nullptr;
    QAction *m_runAction = nullptr;
    QAction *m_rerunAction = nullptr;
    QAction *m_rerunNodeAction = nullptr;
    QAction *m_rerunDownstreamAction = nullptr;
    QAction *m_rerunFailedAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_findAction = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_demoMenu = nullptr;
    QMenu *m_groupsMenu = nullptr;
    QToolButton *m_groupsButton = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_findCount = nullptr;    // "2 of 4" beside the Find field
    QList<QAction *> m_searchWidgets; // graph-only toolbar widgets, hidden on the welcome page
    QAction *m_groupsAction = nullptr;
    DetailPane *m_reportDetail = nullptr; // the selected section's detail
    DetailPane *m_alertDetail = nullptr;  // the selected alert's detail
    QComboBox *m_sections = nullptr;
    ReportSwitcher *m_switcher = nullptr;
    QLabel *m_progress = nullptr;
    QLabel *m_reportStatus = nullptr;
    QLabel *m_executor = nullptr;
};

} // namespace vouch::ui
