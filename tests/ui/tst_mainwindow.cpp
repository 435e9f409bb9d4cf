// The desktop window, driven like a person would: open the demo, click a
// node, read the inspector, rerun it and what is downstream with a reason,
// cancel a run from the toolbar. Offscreen; every wait has a timeout.

#include "engine/graph/graph.h"
#include "engine/store/statestore.h"
#include "support/clock.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"
#include "ui/approvedialog.h"
#include "ui/graph/graphview.h"
#include "ui/graph/nodeitem.h"
#include "ui/graph/statepalette.h"
#include "ui/inspector.h"
#include "ui/mainwindow.h"
#include "ui/model/runmodel.h"
#include "ui/reportpanel.h"
#include "ui/rerundialog.h"
#include "ui/runcontroller.h"
#include "ui/welcomepage.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QTreeWidget>

using namespace vouch;
using namespace vouch::ui;
using engine::NodeState;

namespace {

constexpr int kRunTimeoutMs = 120000;

const char *kSmallContract = R"(vouch: 1
report:
  id: small_report
  name: Small report
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections:
    - id: main
      name: Main
      needs: [b]
      on_failure: hold
nodes:
  - id: a
    kind: noop
  - id: sleeper
    kind: command
    run: [sleep, "30"]
  - id: talker
    kind: command
    run: "echo hello from talker; sleep 30"
  - id: b
    kind: noop
    needs: [a, sleeper, talker]
)";

// A check that warns: the margin section publishes only with a caveat, and
// @APPROVER@ (this login) may approve that.
const QByteArray kCaveatedContract = R"(vouch: 1
report:
  id: caveated
  name: Caveated report
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  approvers: ["@APPROVER@"]
  sections:
    - {id: margin, name: Margin, needs: [chk], on_failure: caveat, caveat: "Margin is provisional."}
connections:
  wh: {driver: sqlite, database: "@WAREHOUSE@"}
nodes:
  - {id: chk, kind: check, connection: wh, value: "select 3", warn_if: "> 0"}
)";

QString writeFile(const QString &path, const QByteArray &text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(text);
    return path;
}

// Every visible label's text in the widget, one per line.
QString visibleText(const QWidget *widget)
{
    QStringList lines;
    for (const QLabel *label : widget->findChildren<QLabel *>()) {
        if (label->isVisibleTo(widget->window()))
            lines << label->text();
    }
    return lines.join(u'\n');
}

QWidget *toolButtonFor(MainWindow &window, QAction *action)
{
    for (QToolBar *bar : window.findChildren<QToolBar *>()) {
        if (QWidget *w = bar->widgetForAction(action))
            return w;
    }
    return nullptr;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void welcomePageWithoutContract();
    void recentContractsAreRemembered();
    void rerunDialogNeedsReason();
    void rerunDialogCautionsAFutileRerun();
    void cancelFromToolbar();
    void demoClickInspectAndRerunDownstream();
    void statusBarFollowsAnApproval();
    void appTellsTheStoryTheDemoPrinted();
    void firstLaunchOpensOnTheProblem();
    void decisionElsewhereReachesTheWindow();
    void runElsewhereReachesTheWindow();
    void firstRunOfAReportKeepsItsVerdict();

private:
    // Writes the caveated contract (the OS login its approver) and an empty
    // warehouse into `dir`, opens it in `window` and runs it from the
    // toolbar until the status bar says "caveated".
    void runCaveated(MainWindow &window, const QTemporaryDir &dir);

    QTemporaryDir m_home;
};

void TestMainWindow::runCaveated(MainWindow &window, const QTemporaryDir &dir)
{
    {
        QFile wh(dir.filePath(QStringLiteral("wh.db")));
        QVERIFY(wh.open(QIODevice::WriteOnly)); // an empty SQLite file is a valid database
    }
    const QString path =
        writeFile(dir.filePath(QStringLiteral("caveated.yaml")),
                  QByteArray(kCaveatedContract)
                      .replace("@APPROVER@", osLogin().toUtf8())
                      .replace("@WAREHOUSE@", dir.filePath(QStringLiteral("wh.db")).toUtf8()));
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(window.controller(), &RunController::contractOpened);
    window.openContract(path);
    QVERIFY(opened.wait(10000));
    QSignalSpy finished(window.controller(), &RunController::runFinished);
    QTest::mouseClick(toolButtonFor(window, window.runAction()), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    auto *status = window.findChild<QLabel *>(QStringLiteral("reportStatusLabel"));
    QVERIFY(status);
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QStringLiteral("caveated")),
                              qPrintable(status->text()), 10000);
}

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_home.isValid());
    // Settings and the default state store stay inside the test's directory.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_home.filePath("config"));
    qputenv("VOUCH_STATE", m_home.filePath("state.db").toUtf8());
    qputenv("VOUCH_USER", "tester");
}

void TestMainWindow::init()
{
    QSettings(QStringLiteral("vouch"), QStringLiteral("vouch")).clear();
    // A fresh store for every test, write-ahead log included: a -wal left
    // beside a new file would bring the last test's runs back.
    for (const char *name : {"state.db", "state.db-wal", "state.db-shm"})
        QFile::remove(m_home.filePath(QString::fromLatin1(name)));
}

void TestMainWindow::welcomePageWithoutContract()
{
    MainWindow window;
    QAbstractItemModelTester tester(window.controller()->model());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.isWelcomeShown());
    QVERIFY(window.welcomePage()->isVisible());
    QVERIFY(!window.inspector()->isVisible()); // the docks wait for a contract
    QVERIFY(!window.restoreLastSession());     // nothing remembered
    QVERIFY(!window.runAction()->isEnabled());
    QVERIFY(!window.cancelAction()->isEnabled());
    auto *scenarios = window.welcomePage()->findChild<QComboBox *>(QStringLiteral("scenarioCombo"));
    QVERIFY(scenarios);
    QCOMPARE(scenarios->count(), 8); // the weekly seven and month-end-gap
    QVERIFY(window.welcomePage()->demoButton()->isEnabled());
    QVERIFY(window.welcomePage()->openButton()->isEnabled());
    QVERIFY(!window.welcomePage()->recentList()->isVisible()); // no recent contracts yet
    // The graph's controls wait for a graph: no empty Find field or section list.
    for (const char *name : {"searchEdit", "sectionFilter", "findCount"}) {
        auto *control = window.findChild<QWidget *>(QString::fromLatin1(name));
        QVERIFY2(control && !control->isVisible(), name);
    }

    // A contract that does not load keeps the welcome page and says why.
    QTemporaryDir dir;
    const QString bad = writeFile(dir.filePath("bad.yaml"), "vouch: 1\nreport: {}\nbogus: 1\n");
    QSignalSpy errors(window.controller(), &RunController::error);
    window.openContract(bad);
    QVERIFY(errors.wait(10000));
    QVERIFY(window.isWelcomeShown());
    auto *message = window.welcomePage()->findChild<QLabel *>(QStringLiteral("welcomeMessage"));
    QVERIFY(message->isVisible());
    QVERIFY2(message->text().contains(QStringLiteral("bad.yaml")), qPrintable(message->text()));
}

void TestMainWindow::recentContractsAreRemembered()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir.filePath("small.yaml"), kSmallContract);
    {
        MainWindow window;
        QAbstractItemModelTester tester(window.controller()->model());
        window.show();
        QSignalSpy opened(window.controller(), &RunController::contractOpened);
        window.openContract(path);
        QVERIFY(opened.wait(10000));
        QVERIFY(!window.isWelcomeShown());
        QCOMPARE(window.controller()->model()->nodeCount(), 4);
        QCOMPARE(window.recentContracts(), QStringList{path});
        QVERIFY(window.runAction()->isEnabled());
        window.close();
    }
    // A new window lists it on its welcome page; activating it opens it.
    MainWindow window;
    QAbstractItemModelTester tester(window.controller()->model());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.isWelcomeShown());
    QListWidget *recent = window.welcomePage()->recentList();
    QVERIFY(recent->isVisible());
    QCOMPARE(recent->count(), 1);
    QCOMPARE(recent->item(0)->data(Qt::UserRole).toString(), path);
    QSignalSpy opened(window.controller(), &RunController::contractOpened);
    recent->setCurrentRow(0);
    recent->setFocus();
    QTest::keyClick(recent, Qt::Key_Return);
    QVERIFY(opened.wait(10000));
    QCOMPARE(opened.first().first().toString(), path);
    QVERIFY(!window.isWelcomeShown());

    // `vouch` without arguments reopens the last contract.
    MainWindow again;
    QSignalSpy reopened(again.controller(), &RunController::contractOpened);
    QVERIFY(again.restoreLastSession());
    QVERIFY(reopened.wait(10000));
    QCOMPARE(again.controller()->contractPath(), path);
}

void TestMainWindow::rerunDialogNeedsReason()
{
    auto spec = [](const char *id, const QStringList &needs) {
        engine::Graph::NodeSpec n;
        n.id = QString::fromLatin1(id);
        n.needs = needs;
        return n;
    };
    const engine::Graph graph =
        engine::Graph::fromSpecs({spec("a", {}), spec("b", {QStringLiteral("a")}),
                                  spec("c", {QStringLiteral("b")}), spec("d", {})});
    const QHash<QString, NodeState> latest{{QStringLiteral("a"), NodeState::Succeeded},
                                           {QStringLiteral("b"), NodeState::Failed},
                                           {QStringLiteral("c"), NodeState::UpstreamFailed},
                                           {QStringLiteral("d"), NodeState::Succeeded}};
    engine::RerunRequest request;
    request.selector = QStringLiteral("b");
    request.downstream = true;
    RerunDialog dialog(graph, latest, request, 2);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QCOMPARE(dialog.nodeIds(), (QStringList{QStringLiteral("b"), QStringLiteral("c")}));
    QCOMPARE(dialog.preview()->topLevelItemCount(), 2);
    QCOMPARE(dialog.preview()->topLevelItem(0)->text(0), QStringLiteral("b"));
    QVERIFY(!dialog.preview()->topLevelItem(1)->text(1).isEmpty()); // why
    QVERIFY(!dialog.okButton()->isEnabled());
    QTest::keyClicks(dialog.reasonEdit(), QStringLiteral("   "));
    QVERIFY(!dialog.okButton()->isEnabled()); // blanks are no reason
    QTest::keyClicks(dialog.reasonEdit(), QStringLiteral("fixed the source"));
    QVERIFY(dialog.okButton()->isEnabled());
    QCOMPARE(dialog.reason(), QStringLiteral("fixed the source"));
    dialog.reasonEdit()->clear();
    QVERIFY(!dialog.okButton()->isEnabled());
    QTest::keyClick(dialog.reasonEdit(), Qt::Key_Return); // Enter does not accept without one
    QVERIFY(dialog.isVisible());
    QVERIFY(!dialog.findChild<QLabel *>(QStringLiteral("rerunCautions"))->isVisible());
}

void TestMainWindow::rerunDialogCautionsAFutileRerun()
{
    engine::Graph::NodeSpec ingest;
    ingest.id = QStringLiteral("ingest_stripe");
    ingest.kind = engine::NodeKind::Command;
    engine::Graph::NodeSpec source;
    source.id = QStringLiteral("src_stripe");
    source.kind = engine::NodeKind::Freshness;
    source.needs = {ingest.id};
    const engine::Graph graph = engine::Graph::fromSpecs({ingest, source});
    const QHash<QString, NodeState> latest{{source.id, NodeState::Failed}};

    engine::RerunRequest alone;
    alone.selector = source.id;
    RerunDialog futile(graph, latest, alone, 2);
    futile.show();
    QVERIFY(QTest::qWaitForWindowExposed(&futile));
    const auto *caution = futile.findChild<QLabel *>(QStringLiteral("rerunCautions"));
    QVERIFY(caution && caution->isVisible());
    QVERIFY2(caution->text().contains(QStringLiteral("the same age")), qPrintable(caution->text()));

    engine::RerunRequest fromSources;
    fromSources.selector = QStringLiteral("+src_stripe+");
    RerunDialog useful(graph, latest, fromSources, 2);
    useful.show();
    QVERIFY(QTest::qWaitForWindowExposed(&useful));
    QCOMPARE(useful.nodeIds(), (QStringList{ingest.id, source.id}));
    QVERIFY(!useful.findChild<QLabel *>(QStringLiteral("rerunCautions"))->isVisible());
}

void TestMainWindow::cancelFromToolbar()
{
    QTemporaryDir dir;
    const QString path = writeFile(dir.filePath("small.yaml"), kSmallContract);
    MainWindow window;
    QAbstractItemModelTester tester(window.controller()->model());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    RunController *controller = window.controller();
    QSignalSpy opened(controller, &RunController::contractOpened);
    window.openContract(path);
    QVERIFY(opened.wait(10000));

    QSignalSpy finished(controller, &RunController::runFinished);
    QWidget *run = toolButtonFor(window, window.runAction());
    QVERIFY(run);
    QTest::mouseClick(run, Qt::LeftButton);
    const RunModel *model = controller->model();
    const int sleeper = model->indexOf(QStringLiteral("sleeper"));
    QTRY_COMPARE_WITH_TIMEOUT(engine::toString(model->node(sleeper).state),
                              engine::toString(NodeState::Running), 20000);
    QVERIFY(window.cancelAction()->isEnabled());
    QVERIFY(!window.runAction()->isEnabled());

    // The running command's output reaches the inspector while it runs.
    window.graphView()->selectNode(QStringLiteral("talker"));
    QTRY_COMPARE_WITH_TIMEOUT(window.inspector()->node(), QStringLiteral("talker"), 5000);
    QTRY_VERIFY2_WITH_TIMEOUT(
        window.inspector()->logText().contains(QStringLiteral("hello from talker")),
        qPrintable(window.inspector()->logText()), 20000);
    QCOMPARE(window.inspector()->logText().count(QStringLiteral("hello from talker")), 1);

    QWidget *cancel = toolButtonFor(window, window.cancelAction());
    QVERIFY(cancel);
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    QTRY_COMPARE_WITH_TIMEOUT(engine::toString(model->node(sleeper).state),
                              engine::toString(NodeState::Cancelled), 5000);
    QVERIFY(window.runAction()->isEnabled());
    QVERIFY(!window.cancelAction()->isEnabled());

    // The state badge follows a dark palette (the system's, when it turns dark).
    window.graphView()->selectNode(QStringLiteral("a"));
    QTRY_COMPARE_WITH_TIMEOUT(window.inspector()->node(), QStringLiteral("a"), 5000);
    auto *badge = window.inspector()->findChild<QLabel *>(QStringLiteral("inspectorState"));
    QVERIFY(badge);
    const StatePalette light(StatePalette::Variant::Light);
    const StatePalette dark(StatePalette::Variant::Dark);
    const QString lightColour = light.style(NodeState::Succeeded).colour.name();
    const QString darkColour = dark.style(NodeState::Succeeded).colour.name();
    QVERIFY(lightColour != darkColour);
    QVERIFY2(badge->styleSheet().contains(lightColour), qPrintable(badge->styleSheet()));
    const QPalette original = QApplication::palette();
    QPalette night = original;
    night.setColor(QPalette::Window, QColor(0x20, 0x22, 0x25));
    night.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    night.setColor(QPalette::Base, QColor(0x18, 0x1a, 0x1c));
    night.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    QApplication::setPalette(night);
    QTRY_VERIFY2_WITH_TIMEOUT(badge->styleSheet().contains(darkColour),
                              qPrintable(badge->styleSheet()), 5000);
    QApplication::setPalette(original);

    // The store agrees: the command was cancelled, not left running.
    QString error;
    auto store = engine::StateStore::open(controller->statePath(), &error);
    QVERIFY2(store, qPrintable(error));
    for (const engine::NodeRunRecord &r : store->nodeRuns(controller->runId())) {
        if (r.nodeId == QLatin1String("sleeper"))
            QCOMPARE(engine::toString(r.state), engine::toString(NodeState::Cancelled));
        QVERIFY2(engine::isTerminal(r.state), qPrintable(r.nodeId));
    }
}

void TestMainWindow::demoClickInspectAndRerunDownstream()
{
    QTemporaryDir demoDir;
    QVERIFY(demoDir.isValid());
    const QString checkId = QStringLiteral("chk_sku_cost_mapped");

    MainWindow window;
    RunController *controller = window.controller();
    controller->setVouchExecutable(QStringLiteral(VOUCH_BINARY)); // runs `vouch demo ingest`
    QAbstractItemModelTester tester(controller->model());
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    QSignalSpy finished(controller, &RunController::runFinished);
    QSignalSpy errors(controller, &RunController::error);
    window.openDemo(QStringLiteral("sku-cost-gap"), demoDir.path());
    QVERIFY(finished.wait(kRunTimeoutMs));
    QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
    QVERIFY(!window.isWelcomeShown());
    QVERIFY2(window.reportStatusText().contains(QStringLiteral("caveated")),
             qPrintable(window.reportStatusText()));
    const RunModel *model = controller->model();
    QTRY_VERIFY2_WITH_TIMEOUT(window.progressText().startsWith(
                                  QStringLiteral("%1 of %1 nodes done").arg(model->nodeCount())),
                              qPrintable(window.progressText()), 5000);
    const int checkIndex = model->indexOf(checkId);
    QVERIFY(checkIndex >= 0);
    QCOMPARE(engine::toString(model->node(checkIndex).state), engine::toString(NodeState::Warned));

    // Click the warned check in the graph.
    GraphView *graph = window.graphView();
    QTRY_VERIFY_WITH_TIMEOUT(graph->isLayoutReady() && !graph->nodeCenter(checkId).isNull(), 20000);
    Inspector *inspector = window.inspector();

    // A command's log tail is read from its file.
    graph->selectNode(QStringLiteral("ingest_shopify_orders"));
    QTRY_COMPARE_WITH_TIMEOUT(inspector->node(), QStringLiteral("ingest_shopify_orders"), 5000);
    QTRY_VERIFY2_WITH_TIMEOUT(
        inspector->logText().contains(QStringLiteral("ingested shopify_orders")),
        qPrintable(inspector->logText()), 5000);

    graph->centerOn(graph->nodeCenter(checkId));
    const QPoint at = graph->mapFromScene(graph->nodeCenter(checkId));
    QVERIFY(graph->viewport()->rect().contains(at));
    QTest::mouseClick(graph->viewport(), Qt::LeftButton, {}, at);
    QTRY_COMPARE_WITH_TIMEOUT(graph->selectedNode(), checkId, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(inspector->node(), checkId, 5000);
    QVERIFY(inspector->isVisible());
    const QString shown = visibleText(inspector);
    QVERIFY2(shown.contains(checkId), qPrintable(shown));
    auto *value = inspector->findChild<QLabel *>(QStringLiteral("inspectorValue"));
    QVERIFY(value && value->isVisibleTo(&window));
    QCOMPARE(value->text(), QStringLiteral("14"));
    QVERIFY2(shown.contains(QStringLiteral("Contribution margin")), qPrintable(shown)); // impact

    // Right-click it and choose "Rerun this node and downstream…".
    QTest::mouseClick(graph->viewport(), Qt::RightButton, {}, at);
    QMenu *menu = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT(
        (menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())) != nullptr, 5000);
    auto *downstream = menu->findChild<QAction *>(QStringLiteral("rerunDownstream"));
    QVERIFY(downstream);
    QVERIFY(downstream->isEnabled());
    downstream->trigger();
    menu->close();

    RerunDialog *dialog = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((dialog = window.rerunDialog()) && dialog->isVisible(), 5000);
    const engine::Graph &g = model->graph();
    const QStringList expected = g.ids(g.downstream({g.indexOf(checkId)}));
    QVERIFY(expected.contains(checkId));
    QVERIFY(expected.size() > 1);
    QVERIFY(expected.size() < model->nodeCount());
    QCOMPARE(QSet<QString>(dialog->nodeIds().cbegin(), dialog->nodeIds().cend()),
             QSet<QString>(expected.cbegin(), expected.cend()));
    QCOMPARE(dialog->preview()->topLevelItemCount(), expected.size());
    QVERIFY(!dialog->okButton()->isEnabled());
    QTest::keyClicks(dialog->reasonEdit(), QStringLiteral("finance added the missing costs"));
    QVERIFY(dialog->okButton()->isEnabled());

    QSignalSpy started(controller, &RunController::runStarted);
    finished.clear();
    QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
    QVERIFY(started.wait(20000) || started.size() == 1);
    QCOMPARE(started.first().at(1).toInt(), 2);
    QVERIFY(finished.size() == 1 || finished.wait(kRunTimeoutMs));
    QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));

    // The store: exactly the planned nodes ran as attempt 2, the rest kept attempt 1.
    QString error;
    auto store = engine::StateStore::open(demoDir.filePath(QStringLiteral("state.db")), &error);
    QVERIFY2(store, qPrintable(error));
    const auto run = store->latestRun();
    QVERIFY(run);
    QCOMPARE(run->id, controller->runId());
    QCOMPARE(run->latestAttempt, 2);
    const QSet<QString> rerun(expected.cbegin(), expected.cend());
    const QList<engine::NodeRunRecord> records = store->nodeRuns(run->id);
    QCOMPARE(records.size(), model->nodeCount());
    for (const engine::NodeRunRecord &r : records) {
        QCOMPARE(r.attempt, rerun.contains(r.nodeId) ? 2 : 1);
        QVERIFY2(engine::isTerminal(r.state), qPrintable(r.nodeId));
    }
    const QList<engine::AttemptRecord> attempts = store->attempts(run->id);
    QCOMPARE(attempts.size(), 2);
    QCOMPARE(attempts.last().reason, QStringLiteral("finance added the missing costs"));
    QCOMPARE(attempts.last().who, QStringLiteral("tester"));

    // The model and the graph show the new attempt for those nodes only.
    QTRY_VERIFY_WITH_TIMEOUT(model->node(checkIndex).attempt == 2, 5000);
    for (int i = 0; i < model->nodeCount(); ++i) {
        const NodeView &v = model->node(i);
        QCOMPARE(v.attempt, rerun.contains(v.id) ? 2 : 1);
        QCOMPARE(graph->toolTipFor(v.id).contains(QStringLiteral("attempt 2")),
                 rerun.contains(v.id));
    }
    QCOMPARE(engine::toString(model->node(checkIndex).state),
             engine::toString(NodeState::Warned)); // the data did not change
    QCOMPARE(graph->selectedNode(), checkId);      // live updates keep the selection
    QCOMPARE(inspector->node(), checkId);
    auto *attempt = inspector->findChild<QLabel *>(QStringLiteral("inspectorAttempt"));
    QVERIFY2(attempt->text().startsWith(QStringLiteral("2")), qPrintable(attempt->text()));
}

VOUCH_TEST_MAIN(TestMainWindow)
void TestMainWindow::statusBarFollowsAnApproval()
{
    QTemporaryDir dir;
    // Monday morning of week 49, before the deadline: caveated, not late.
    const vouch::test::PinnedNowVariable now("2026-11-30T08:00:00Z");
    MainWindow window;
    runCaveated(window, dir);
    if (QTest::currentTestFailed())
        return;
    auto *status = window.findChild<QLabel *>(QStringLiteral("reportStatusLabel"));

    // Ctrl+1…4 bring the Report, Alerts, History and Log docks forward.
    for (const auto &[key, name] :
         {std::pair(Qt::Key_2, "alertsDock"), std::pair(Qt::Key_3, "historyDock"),
          std::pair(Qt::Key_4, "logDock"), std::pair(Qt::Key_1, "reportDock")}) {
        auto *dock = window.findChild<QDockWidget *>(QString::fromLatin1(name));
        QVERIFY(dock);
        QTest::keyClick(&window, key, Qt::ControlModifier);
        QTRY_VERIFY2_WITH_TIMEOUT(dock->isVisible() && !dock->visibleRegion().isEmpty(), name,
                                  5000);
    }

    // Approve from the Publication menu (the same dialog as the Report
    // dock's button): the status bar follows without a run.
    ReportPanel *panel = window.reportPanel();
    QTRY_VERIFY_WITH_TIMEOUT(panel->approveButton()->isEnabled(), 10000);
    auto *approveAction = window.findChild<QAction *>(QStringLiteral("approveAction"));
    QVERIFY(approveAction);
    approveAction->trigger();
    DecisionDialog *dialog = panel->decisionDialog();
    QVERIFY(dialog);
    QPushButton *ok = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QStringLiteral("published with caveats")),
                              qPrintable(status->text()), 20000);
}

// The demo run headless, on any day: it replays the latest Monday 06:00 and
// prints its verdict and deadline. The app opening that store later tells
// the same story (the store remembers the replay clock): caveated, the
// deadline ahead of it, not late or overdue.
void TestMainWindow::appTellsTheStoryTheDemoPrinted()
{
    QTemporaryDir dir;
    vouch::test::VouchOptions options;
    options.timeoutMs = 240000;
    const vouch::test::VouchResult demo = vouch::test::runVouch(
        {QStringLiteral("demo"), QStringLiteral("--headless"), QStringLiteral("--scenario"),
         QStringLiteral("sku-cost-gap"), QStringLiteral("--dir"), dir.path()},
        options);
    QVERIFY(!demo.timedOut && !demo.crashed);
    const QString printed = demo.out;
    QCOMPARE(demo.exitCode, 10);
    QVERIFY2(
        printed.contains(QStringLiteral("Report Weekly Operating Performance Report: caveated")),
        qPrintable(printed.right(400)));

    qputenv("VOUCH_STATE", dir.filePath(QStringLiteral("state.db")).toUtf8());
    qputenv("VOUCH_DATA", dir.path().toUtf8());
    // Back to this test case's own store (initTestCase), not the default one.
    const auto restore = qScopeGuard([this] {
        qputenv("VOUCH_STATE", m_home.filePath("state.db").toUtf8());
        qunsetenv("VOUCH_DATA");
    });
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QSignalSpy opened(window.controller(), &RunController::contractOpened);
    window.openContract(
        QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml"));
    QVERIFY(opened.wait(20000));
    auto *status = window.findChild<QLabel *>(QStringLiteral("reportStatusLabel"));
    QVERIFY(status);
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QStringLiteral("caveated")),
                              qPrintable(status->text()), 20000);
    auto *deadline = window.findChild<QLabel *>(QStringLiteral("reportDeadline"));
    QVERIFY(deadline);
    QTRY_VERIFY2_WITH_TIMEOUT(deadline->text().contains(QStringLiteral(" left")),
                              qPrintable(deadline->text()), 20000);
    QVERIFY2(!deadline->text().contains(QStringLiteral("overdue")), qPrintable(deadline->text()));
}

// First launch (no saved window state) on a run with a problem, at the two
// sizes users have: the graph gets at least 60 % of the height, the Report
// tab is in front, the graph opens on the most affected section's path with
// the root cause selected (and the inspector then), and node names stay
// readable (8 px or more) when the whole Brightside path is fitted.
void TestMainWindow::firstLaunchOpensOnTheProblem()
{
    QTemporaryDir dir;
    QProcess demo;
    demo.start(QStringLiteral(VOUCH_BINARY),
               {QStringLiteral("demo"), QStringLiteral("--headless"), QStringLiteral("--scenario"),
                QStringLiteral("sku-cost-gap"), QStringLiteral("--dir"), dir.path()});
    QVERIFY(demo.waitForFinished(240000));
    QCOMPARE(demo.exitCode(), 10);
    qputenv("VOUCH_STATE", dir.filePath(QStringLiteral("state.db")).toUtf8());
    qputenv("VOUCH_DATA", dir.path().toUtf8());
    // Back to this test case's own store (initTestCase), not the default one.
    const auto restore = qScopeGuard([this] {
        qputenv("VOUCH_STATE", m_home.filePath("state.db").toUtf8());
        qunsetenv("VOUCH_DATA");
    });
    for (const QSize size : {QSize(1600, 1000), QSize(1280, 720)}) {
        const QByteArray at =
            QByteArray::number(size.width()) + 'x' + QByteArray::number(size.height());
        QSettings(QStringLiteral("vouch"), QStringLiteral("vouch")).clear();
        MainWindow window;
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy opened(window.controller(), &RunController::contractOpened);
        window.openContract(
            QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml"));
        QVERIFY(opened.wait(20000));
        GraphView *graph = window.graphView();
        QTRY_COMPARE_WITH_TIMEOUT(graph->selectedNode(), QStringLiteral("chk_sku_cost_mapped"),
                                  20000);
        auto *sections = window.findChild<QComboBox *>(QStringLiteral("sectionFilter"));
        QVERIFY(sections);
        QCOMPARE(sections->currentData().toString(), QStringLiteral("contribution_margin"));
        QVERIFY(sections->isVisible());
        QVERIFY(window.findChild<QWidget *>(QStringLiteral("searchEdit"))->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(window.inspector()->isVisible(), 5000);
        QVERIFY2(graph->height() >= window.height() * 6 / 10,
                 qPrintable(at + ": graph " + QByteArray::number(graph->height())));
        // The Report tab in front of the Log (a tab behind has no visible region).
        auto *reportDock = window.findChild<QDockWidget *>(QStringLiteral("reportDock"));
        auto *logDock = window.findChild<QDockWidget *>(QStringLiteral("logDock"));
        QVERIFY2(!reportDock->visibleRegion().isEmpty(), at.constData());
        QVERIFY2(logDock->visibleRegion().isEmpty(), at.constData());

        // The whole path, fitted: names at 8 px or more.
        QSignalSpy laidOut(graph, &GraphView::layoutReady);
        sections->setCurrentIndex(0);
        QVERIFY(laidOut.wait(20000));
        graph->fitAll();
        const double lod = graph->transform().m11();
        QVERIFY2(ui::NodeItem::coarseNamePixels(lod, QSizeF(268, 60)) >= 8,
                 qPrintable(at + ": fitted scale " + QByteArray::number(lod)));
    }
}

// A decision recorded by another process (here `vouch approve`; another
// workstation's app writes the same audit entry) reaches the open window:
// the status bar and the Report dock follow without a click.
void TestMainWindow::decisionElsewhereReachesTheWindow()
{
    QTemporaryDir dir;
    const vouch::test::PinnedNowVariable now("2026-11-30T08:00:00Z");
    MainWindow window;
    runCaveated(window, dir);
    if (QTest::currentTestFailed())
        return;
    RunController *controller = window.controller();
    const QString path = dir.filePath(QStringLiteral("caveated.yaml"));
    auto *status = window.findChild<QLabel *>(QStringLiteral("reportStatusLabel"));

    QProcess approve;
    approve.start(QStringLiteral(VOUCH_BINARY),
                  {QStringLiteral("approve"), QStringLiteral("--section"), QStringLiteral("margin"),
                   QStringLiteral("--caveat"), QStringLiteral("Margin is provisional."),
                   QStringLiteral("--state"), controller->statePath(), path});
    QVERIFY(approve.waitForFinished(60000));
    QVERIFY2(approve.exitCode() == 10, approve.readAllStandardError().constData());

    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QStringLiteral("published with caveats")),
                              qPrintable(status->text()), 20000);
    QTRY_VERIFY2_WITH_TIMEOUT(
        window.reportPanel()->bannerText().contains(QStringLiteral("published with caveats")),
        qPrintable(window.reportPanel()->bannerText()), 20000);

    // The period has run: Run (and Ctrl+R) now previews a rerun of every node
    // and asks for a reason, like any other rerun.
    QTest::mouseClick(toolButtonFor(window, window.runAction()), Qt::LeftButton);
    RerunDialog *preview = window.rerunDialog();
    QVERIFY(preview);
    QVERIFY(preview->isVisible());
    QCOMPARE(preview->nodeIds(), QStringList{QStringLiteral("chk")});
    QVERIFY(!preview->okButton()->isEnabled()); // no reason yet
    QVERIFY(!controller->isRunning());
    preview->reject();

    // "Rerun from its sources…" is in the node menu.
    std::unique_ptr<QMenu> menu(window.createNodeMenu(QStringLiteral("chk"), &window));
    auto *sources = menu->findChild<QAction *>(QStringLiteral("rerunFromSources"));
    QVERIFY(sources);
    QVERIFY(sources->isEnabled());
    sources->trigger();
    QVERIFY(window.rerunDialog());
    QCOMPARE(window.rerunDialog()->nodeIds(), QStringList{QStringLiteral("chk")});
    QVERIFY2(window.rerunDialog()->windowTitle().contains(QStringLiteral("from its sources")),
             qPrintable(window.rerunDialog()->windowTitle()));
    window.rerunDialog()->reject();
}

// A new period run by another process (`vouch run` here; `vouch serve` on
// its schedule does the same) reaches the open window: the graph, the period
// and the status bar follow it, and the status bar is never left blank.
void TestMainWindow::runElsewhereReachesTheWindow()
{
    QTemporaryDir dir;
    const vouch::test::PinnedNowVariable now("2026-11-30T08:00:00Z");
    MainWindow window;
    runCaveated(window, dir);
    if (QTest::currentTestFailed())
        return;
    RunController *controller = window.controller();
    const QString week = controller->period();
    QVERIFY(!week.isEmpty());
    auto *status = window.findChild<QLabel *>(QStringLiteral("reportStatusLabel"));
    QSignalSpy loaded(controller, &RunController::runLoaded);

    QProcess run;
    run.start(QStringLiteral(VOUCH_BINARY),
              {QStringLiteral("run"), QStringLiteral("--period"), QStringLiteral("2026-W49"),
               QStringLiteral("--state"), controller->statePath(),
               dir.filePath(QStringLiteral("caveated.yaml"))});
    QVERIFY(run.waitForFinished(60000));
    QVERIFY2(run.exitStatus() == QProcess::NormalExit, run.readAllStandardError().constData());

    QTRY_COMPARE_WITH_TIMEOUT(controller->period(), QStringLiteral("2026-W49"), 20000);
    QVERIFY(loaded.size() >= 1);
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QStringLiteral("caveated")),
                              qPrintable(status->text()), 20000);
    QVERIFY(week != controller->period());
}

// A report opened on a store that has no run of it yet: the window watches
// the store from the start, and sees its own first run there only after
// that run has finished (a quick run ends between two looks). What it sees
// is the run it shows: the verdict stays in the status bar.
void TestMainWindow::firstRunOfAReportKeepsItsVerdict()
{
    QTemporaryDir dir;
    const vouch::test::PinnedNowVariable now("2026-11-30T08:00:00Z");
    MainWindow window;
    runCaveated(window, dir); // the store now exists
    if (QTest::currentTestFailed())
        return;
    RunController *controller = window.controller();
    const QString second =
        writeFile(dir.filePath(QStringLiteral("second.yaml")),
                  QByteArray(kCaveatedContract)
                      .replace("id: caveated", "id: second")
                      .replace("@APPROVER@", osLogin().toUtf8())
                      .replace("@WAREHOUSE@", dir.filePath(QStringLiteral("wh.db")).toUtf8()));
    QSignalSpy opened(controller, &RunController::contractOpened);
    window.openContract(second);
    QVERIFY(opened.wait(10000));
    QCOMPARE(controller->runId(), qint64(0));
    QSignalSpy finished(controller, &RunController::runFinished);
    QTest::mouseClick(toolButtonFor(window, window.runAction()), Qt::LeftButton);
    QVERIFY(finished.wait(60000));
    auto *status = window.findChild<QLabel *>(QStringLiteral("reportStatusLabel"));
    QTRY_VERIFY2_WITH_TIMEOUT(status->text().contains(QStringLiteral("caveated")),
                              qPrintable(status->text()), 10000);
    // The store is looked at every half second: give it several looks.
    QTest::qWait(2000);
    QVERIFY2(status->text().contains(QStringLiteral("caveated")), qPrintable(status->text()));
}

#include "tst_mainwindow.moc"
