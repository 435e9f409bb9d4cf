// The Report and Alerts docks against a real store: the demo's sku-cost-gap
// week run headlessly (the margin section is caveated), then approved by an
// approver, refused to a non-approver, and its alerts listed and filtered.
// Offscreen; every wait has a timeout.

#include "engine/contract/contractloader.h"
#include "engine/demo/demowarehouse.h"
#include "engine/graph/graph.h"
#include "engine/run/runthread.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "engine/trust/auditlog.h"
#include "engine/util/clock.h"
#include "support/clock.h"
#include "support/testguard.h"
#include "ui/alertspanel.h"
#include "ui/approvedialog.h"
#include "ui/detailpane.h"
#include "ui/graph/graphview.h"
#include "ui/mainwindow.h"
#include "ui/model/runmodel.h"
#include "ui/reportpanel.h"
#include "ui/runcontroller.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace vouch;
using namespace vouch::engine;
using namespace vouch::ui;

namespace {

constexpr int kRunTimeoutMs = 120000;
constexpr int kLoadTimeoutMs = 20000;
const QDateTime kNow = QDateTime::fromString(QStringLiteral("2026-11-30T06:00:00Z"), Qt::ISODate);
const QString kPeriod = QStringLiteral("2026-W48");
const QString kSourceContract =
    QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml");

ContractPtr load(const QString &path)
{
    const LoadResult loaded = ContractLoader::loadFile(path);
    return loaded.ok() ? loaded.contract : nullptr;
}

} // namespace

class TestReportPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    // Order matters: the refusal and the alerts come before the approval
    // changes the run.
    void nonApproverCannotDecide();
    void alertsListedAndFiltered();
    void approveWithCaveatsAsApprover();
    void docksInMainWindow();
    void resolvedAlertShowsResolved();
    void publicationProblemStaysUntilWritten();

private:
    ReportSource source(const ContractPtr &contract) const
    {
        ReportSource s;
        s.contract = contract;
        s.statePath = m_dir.filePath(QStringLiteral("state.db"));
        s.dataDirectory = m_dir.path();
        s.runId = m_runId;
        return s;
    }
    QList<AuditEntry> auditEntries() const
    {
        QString error;
        auto store = StateStore::open(m_dir.filePath(QStringLiteral("state.db")), &error);
        return store ? AuditLog(*store).entries() : QList<AuditEntry>();
    }

    QTemporaryDir m_dir;
    ContractPtr m_approverContract; // the demo contract with this login among the approvers
    ContractPtr m_shippedContract;  // approvers: [analytics-lead] only
    qint64 m_runId = 0;
};

void TestReportPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_dir.filePath(QStringLiteral("config")));
    // The panels judge by the process clock: the replayed Monday, not today.
    vouch::test::pinProcessClock(kNow);
    qputenv("VOUCH_DATA", m_dir.path().toUtf8());
    // The environment never makes anyone an approver.
    qputenv("VOUCH_USER", "analytics-lead");

    demo::InitOptions options;
    options.dir = m_dir.path();
    options.scenario = QStringLiteral("sku-cost-gap");
    options.now = kNow;
    QCOMPARE(demo::initWarehouse(options), QString());

    const QString sourceDir = QFileInfo(kSourceContract).absolutePath();
    QDirIterator it(sourceDir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString from = it.next();
        const QString to =
            m_dir.filePath(QStringLiteral("contract/") + QDir(sourceDir).relativeFilePath(from));
        QDir().mkpath(QFileInfo(to).absolutePath());
        QVERIFY(QFile::copy(from, to));
    }
    const QString contractPath = m_dir.filePath(QStringLiteral("contract/contract.yaml"));
    {
        QFile f(contractPath);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QByteArray text = f.readAll();
        QVERIFY(text.contains("approvers: [analytics-lead]"));
        text.replace("approvers: [analytics-lead]",
                     "approvers: [analytics-lead, " + osLogin().toUtf8() + "]");
        f.resize(0);
        f.write(text);
    }
    m_approverContract = load(contractPath);
    m_shippedContract = load(kSourceContract);
    QVERIFY(m_approverContract);
    QVERIFY(m_shippedContract);
    QVERIFY(m_approverContract->report.approvers.contains(osLogin()));
    QVERIFY(!m_shippedContract->report.approvers.contains(osLogin()));

    // Run the week headlessly, like `vouch run --no-wait`.
    auto context = contextForPeriod(kPeriod, kNow);
    QVERIFY(context);
    context->clockFixed = true;
    context->vouchExecutable = QStringLiteral(VOUCH_BINARY);
    context->env.insert(QStringLiteral("VOUCH_DATA"), m_dir.path());
    RunOptions runOptions;
    runOptions.statePath = m_dir.filePath(QStringLiteral("state.db"));
    runOptions.who = QStringLiteral("tester");
    runOptions.reason = QStringLiteral("test");
    runOptions.waitForLateSources = false;
    RunThread thread(m_approverContract, *context, runOptions);
    QSignalSpy finished(&thread, &RunThread::finished);
    thread.start();
    QVERIFY(finished.wait(kRunTimeoutMs));
    QCOMPARE(finished.first().at(2).toString(), QString());
    m_runId = finished.first().at(0).toLongLong();
    QVERIFY(m_runId > 0);

    // What the controller does after a run: assess and bring the alerts up to date.
    QString error;
    auto store = StateStore::open(runOptions.statePath, &error);
    QVERIFY2(store, qPrintable(error));
    const Graph graph = Graph::fromContract(*m_approverContract);
    const auto assessment = assess(*store, *m_approverContract, graph, m_runId, kNow);
    QVERIFY(assessment);
    QCOMPARE(toString(assessment->verdict.status), toString(ReportStatus::Caveated));
    QVERIFY(!assessment->alerts.isEmpty());
}

void TestReportPanel::nonApproverCannotDecide()
{
    ReportPanel panel;
    QSignalSpy loaded(&panel, &ReportPanel::loaded);
    panel.setSource(source(m_shippedContract));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kLoadTimeoutMs);
    QVERIFY2(panel.bannerText().contains(QStringLiteral("caveated")),
             qPrintable(panel.bannerText()));
    QVERIFY2(panel.deadlineText().contains(QStringLiteral("Publish by")),
             qPrintable(panel.deadlineText()));
    QVERIFY(!panel.approveButton()->isEnabled());
    QVERIFY(!panel.holdButton()->isEnabled());
    QVERIFY(panel.permissionLabel()->isVisible());
    const QString explanation = panel.permissionLabel()->text();
    QVERIFY2(explanation.contains(QStringLiteral("Only analytics-lead may decide publication")),
             qPrintable(explanation));
    QVERIFY2(explanation.contains(osLogin()), qPrintable(explanation));
    // And how identity works here: the OS login, not the environment.
    QVERIFY2(explanation.contains(QStringLiteral("you are your OS login")),
             qPrintable(explanation));
    // Clicking a disabled button does nothing; asking directly opens nothing.
    QTest::mouseClick(panel.approveButton(), Qt::LeftButton);
    QVERIFY(!panel.decisionDialog());
    QVERIFY(!panel.requestApprove());
    QVERIFY(!panel.requestHold());
    QVERIFY(auditEntries().isEmpty());
    auto *chain = panel.findChild<QLabel *>(QStringLiteral("auditChain"));
    QVERIFY(chain);
    QCOMPARE(chain->text(), QStringLiteral("audit chain verified, 0 entries"));
}

void TestReportPanel::alertsListedAndFiltered()
{
    AlertsPanel panel;
    QAbstractItemModelTester tester(panel.model());
    QSignalSpy loaded(&panel, &AlertsPanel::loaded);
    QSignalSpy activated(&panel, &AlertsPanel::alertActivated);
    panel.setSource(source(m_approverContract));
    panel.show();
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kLoadTimeoutMs);
    AlertsModel *model = panel.model();
    QVERIFY(model->rowCount() >= 1);
    int margin = -1;
    for (int row = 0; row < model->rowCount(); ++row) {
        if (AlertsModel::sectionsOf(model->alert(row))
                .contains(QStringLiteral("contribution_margin")))
            margin = row;
    }
    QVERIFY(margin >= 0);
    const AlertRecord alert = model->alert(margin);
    QVERIFY(alert.state != AlertState::Resolved);
    const QString severity =
        model->index(margin, AlertsModel::Severity).data(Qt::DisplayRole).toString();
    QCOMPARE(severity, AlertsModel::severityLabel(alert.severity));
    QVERIFY(model->index(margin, AlertsModel::Severity).data(Qt::ForegroundRole).isValid());
    QCOMPARE(model->index(margin, AlertsModel::State).data().toString(), QStringLiteral("open"));
    QVERIFY(model->index(margin, AlertsModel::Headline)
                .data()
                .toString()
                .contains(QStringLiteral("Contribution margin")));
    const int all = model->rowCount();

    // Filter by section: the margin alert stays; a section it does not touch drops it.
    QComboBox *sections = panel.sectionFilter();
    sections->setCurrentIndex(sections->findData(QStringLiteral("contribution_margin")));
    QVERIFY(model->rowOf(alert.id) >= 0);
    for (int row = 0; row < model->rowCount(); ++row)
        QVERIFY(AlertsModel::sectionsOf(model->alert(row))
                    .contains(QStringLiteral("contribution_margin")));
    sections->setCurrentIndex(sections->findData(QStringLiteral("inventory")));
    QCOMPARE(model->rowOf(alert.id), -1);
    sections->setCurrentIndex(0);
    QCOMPARE(model->rowCount(), all);

    // Filter by severity.
    QComboBox *severities = panel.severityFilter();
    severities->setCurrentIndex(severities->findData(int(alert.severity)));
    QVERIFY(model->rowOf(alert.id) >= 0);
    for (int row = 0; row < model->rowCount(); ++row)
        QVERIFY(model->alert(row).severity == alert.severity);
    const AlertSeverity other =
        alert.severity == AlertSeverity::Low ? AlertSeverity::Critical : AlertSeverity::Low;
    severities->setCurrentIndex(severities->findData(int(other)));
    QCOMPARE(model->rowOf(alert.id), -1);

    // Activating an alert (as a notification click does) shows it and names its root cause.
    panel.activateAlert(alert.id);
    QCOMPARE(severities->currentIndex(), 0);
    QCOMPARE(activated.size(), 1);
    QCOMPARE(activated.first().first().toString(), alert.rootNode);
    QVERIFY(panel.acknowledgeButton()->isEnabled());
}

void TestReportPanel::approveWithCaveatsAsApprover()
{
    ReportPanel panel;
    QSignalSpy loaded(&panel, &ReportPanel::loaded);
    QSignalSpy decided(&panel, &ReportPanel::decided);
    QSignalSpy errors(&panel, &ReportPanel::error);
    panel.setSource(source(m_approverContract));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kLoadTimeoutMs);
    QVERIFY(panel.approveButton()->isEnabled());
    QVERIFY(panel.holdButton()->isEnabled());
    QVERIFY(!panel.permissionLabel()->isVisible());

    QTest::mouseClick(panel.approveButton(), Qt::LeftButton);
    DecisionDialog *dialog = panel.decisionDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QLineEdit *caveat = dialog->editorFor(QStringLiteral("contribution_margin"));
    QVERIFY(caveat);
    QVERIFY2(caveat->text().contains(QStringLiteral("Contribution margin is provisional")),
             qPrintable(caveat->text()));
    // Pre-filled from the findings first, not the contract's generic sentence alone.
    QVERIFY2(caveat->text().startsWith(QStringLiteral("SKU cost mapping failed for ")),
             qPrintable(caveat->text()));
    QVERIFY(dialog->editorFor(QString()));                  // the optional report-level caveat
    QVERIFY(!dialog->editorFor(QStringLiteral("revenue"))); // safe sections ask for nothing
    auto *buttons = dialog->findChild<QDialogButtonBox *>();
    QVERIFY(buttons);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    QTest::mouseClick(ok, Qt::LeftButton);

    QVERIFY(decided.wait(kRunTimeoutMs));
    QVERIFY2(errors.isEmpty(),
             qPrintable(errors.isEmpty() ? QString() : errors.first().first().toString()));
    QVERIFY2(panel.bannerText().contains(QStringLiteral("published with caveats")),
             qPrintable(panel.bannerText()));
    QVERIFY(panel.verdict());
    QCOMPARE(toString(panel.verdict()->status), toString(ReportStatus::PublishedWithCaveats));
    // The decided section keeps its reason and fallback beside the decision.
    auto *rows = panel.findChild<QTreeWidget *>(QStringLiteral("reportSections"));
    QTreeWidgetItem *margin = nullptr;
    for (int i = 0; i < rows->topLevelItemCount(); ++i) {
        if (rows->topLevelItem(i)->data(0, Qt::UserRole).toString() ==
            QStringLiteral("contribution_margin"))
            margin = rows->topLevelItem(i);
    }
    QVERIFY(margin);
    QVERIFY2(margin->text(1).contains(QStringLiteral("decided by")), qPrintable(margin->text(1)));
    QVERIFY2(margin->text(2).contains(QStringLiteral("SKU cost mapping failed")),
             qPrintable(margin->text(2)));
    QVERIFY2(!margin->text(3).isEmpty(), "the fallback column is kept");

    const QList<AuditEntry> entries = auditEntries();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().action, QStringLiteral("approve"));
    QCOMPARE(entries.first().who, osLogin());
    QCOMPARE(entries.first().period, kPeriod);
    QCOMPARE(panel.auditEntries().size(), 1);
    // The history reads as a sentence, not as JSON.
    auto *history = panel.findChild<QTreeWidget *>(QStringLiteral("auditHistory"));
    QVERIFY(history);
    QTRY_COMPARE_WITH_TIMEOUT(history->topLevelItemCount(), 1, kLoadTimeoutMs);
    const QString prose = history->topLevelItem(0)->text(3);
    QVERIFY2(
        prose.startsWith(osLogin() + QStringLiteral(" approved Contribution margin with caveat '")),
        qPrintable(prose));
    QVERIFY2(!prose.contains(u'{'), qPrintable(prose));
    auto *chain = panel.findChild<QLabel *>(QStringLiteral("auditChain"));
    QCOMPARE(chain->text(), QStringLiteral("audit chain verified, 1 entries"));

    QString error;
    auto store = StateStore::open(m_dir.filePath(QStringLiteral("state.db")), &error);
    QVERIFY(store);
    const QList<Decision> decisions = decisionsOf(*store, m_runId);
    QVERIFY(!decisions.isEmpty());
    QVERIFY(decisions.first().kind == Decision::Kind::Approve);
    QCOMPARE(decisions.first().who, osLogin());
}

void TestReportPanel::docksInMainWindow()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *reportDock = window.findChild<QDockWidget *>(QStringLiteral("reportDock"));
    auto *alertsDock = window.findChild<QDockWidget *>(QStringLiteral("alertsDock"));
    QVERIFY(reportDock);
    QVERIFY(alertsDock);
    // Each panel scrolls inside its dock, with the detail pane beside it.
    QVERIFY(reportDock->isAncestorOf(window.reportPanel()));
    QVERIFY(alertsDock->isAncestorOf(window.alertsPanel()));
    auto *reportDetail = window.findChild<DetailPane *>(QStringLiteral("reportDetail"));
    auto *alertDetail = window.findChild<DetailPane *>(QStringLiteral("alertDetail"));
    QVERIFY(reportDetail && reportDock->isAncestorOf(reportDetail));
    QVERIFY(alertDetail && alertsDock->isAncestorOf(alertDetail));

    // Opening the contract loads its latest run into both docks.
    QSignalSpy reportLoaded(window.reportPanel(), &ReportPanel::loaded);
    QSignalSpy alertsLoaded(window.alertsPanel(), &AlertsPanel::loaded);
    window.controller()->openContract(m_dir.filePath(QStringLiteral("contract/contract.yaml")),
                                      m_dir.filePath(QStringLiteral("state.db")), m_dir.path());
    QTRY_VERIFY_WITH_TIMEOUT(!reportLoaded.isEmpty() && !alertsLoaded.isEmpty(), kLoadTimeoutMs);
    QVERIFY2(window.reportPanel()->bannerText().contains(QStringLiteral("published with caveats")),
             qPrintable(window.reportPanel()->bannerText()));
    QVERIFY(window.alertsPanel()->model()->rowCount() >= 1);

    // Selecting an alert shows its whole headline and a next step beside the list.
    auto *alertsView = window.alertsPanel()->findChild<QTableView *>();
    QVERIFY(alertsView);
    alertsView->selectRow(0);
    const AlertRecord selected = window.alertsPanel()->model()->alert(0);
    QTRY_VERIFY2_WITH_TIMEOUT(alertDetail->plainText().contains(selected.headline),
                              qPrintable(alertDetail->plainText()), kLoadTimeoutMs);
    QVERIFY2(alertDetail->plainText().contains(QStringLiteral("Can publish")),
             qPrintable(alertDetail->plainText()));
    // A section row shows its findings, each a link to the graph.
    auto *sections =
        window.reportPanel()->findChild<QTreeWidget *>(QStringLiteral("reportSections"));
    QVERIFY(sections);
    QTreeWidgetItem *notSafe = nullptr;
    for (int i = 0; i < sections->topLevelItemCount(); ++i) {
        if (!sections->topLevelItem(i)->text(2).isEmpty())
            notSafe = sections->topLevelItem(i);
    }
    QVERIFY(notSafe);
    sections->setCurrentItem(notSafe);
    QVERIFY2(reportDetail->plainText().startsWith(notSafe->text(0)),
             qPrintable(reportDetail->plainText()));
    QVERIFY(reportDetail->browser()->toHtml().contains(QStringLiteral("href=\"node:")));

    // Activating an alert selects its root cause in the graph.
    const AlertRecord alert = window.alertsPanel()->model()->alert(0);
    window.alertsPanel()->activateAlert(alert.id);
    QTRY_COMPARE_WITH_TIMEOUT(window.graphView()->selectedNode(), alert.rootNode, kLoadTimeoutMs);
}

void TestReportPanel::resolvedAlertShowsResolved()
{
    AlertsPanel panel;
    QAbstractItemModelTester tester(panel.model());
    QSignalSpy loaded(&panel, &AlertsPanel::loaded);
    panel.setSource(source(m_approverContract));
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kLoadTimeoutMs);
    QVERIFY(panel.model()->rowCount() >= 1);
    QVERIFY(panel.model()->alert(0).state != AlertState::Resolved);

    // The fix: finance sends the complete cost sheet (the landing of an
    // all-green week), and the SKU-cost ingest and everything after it rerun.
    {
        QTemporaryDir fixed;
        demo::InitOptions options;
        options.dir = fixed.path();
        options.now = kNow;
        QCOMPARE(demo::initWarehouse(options), QString());
        QFile::remove(m_dir.filePath(QStringLiteral("landing.db")));
        QVERIFY(QFile::copy(fixed.filePath(QStringLiteral("landing.db")),
                            m_dir.filePath(QStringLiteral("landing.db"))));
        auto context = contextForPeriod(kPeriod, kNow);
        QVERIFY(context);
        context->clockFixed = true;
        context->vouchExecutable = QStringLiteral(VOUCH_BINARY);
        context->env.insert(QStringLiteral("VOUCH_DATA"), m_dir.path());
        const Graph graph = Graph::fromContract(*m_approverContract);
        RunOptions runOptions;
        runOptions.statePath = m_dir.filePath(QStringLiteral("state.db"));
        runOptions.who = QStringLiteral("tester");
        runOptions.reason = QStringLiteral("cost sheet re-sent");
        runOptions.nodes =
            graph.ids(graph.downstream({graph.indexOf(QStringLiteral("ingest_sku_costs"))}));
        runOptions.waitForLateSources = false;
        RunThread thread(m_approverContract, *context, runOptions);
        QSignalSpy finished(&thread, &RunThread::finished);
        thread.start();
        QVERIFY(finished.wait(kRunTimeoutMs));
        QCOMPARE(finished.first().at(2).toString(), QString());
        // What the controller does after a run: assess, which resolves alerts.
        QString error;
        auto store = StateStore::open(runOptions.statePath, &error);
        QVERIFY(store);
        const auto assessment =
            assess(*store, *m_approverContract, graph, m_runId, kNow.addSecs(600));
        QVERIFY(assessment);
        QCOMPARE(toString(assessment->verdict.computed), toString(ReportStatus::Complete));
    }
    loaded.clear();
    panel.reload();
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kLoadTimeoutMs);
    QVERIFY(panel.model()->rowCount() >= 1);
    for (int row = 0; row < panel.model()->rowCount(); ++row) {
        QVERIFY(panel.model()->alert(row).state == AlertState::Resolved);
        QVERIFY(panel.model()
                    ->index(row, AlertsModel::State)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("resolved")));
    }
}

VOUCH_TEST_MAIN(TestReportPanel)
// A publication record that cannot be written stays a warning in the dock
// (not a status-bar flash beside a "published" banner) until a write
// succeeds. The warehouse is made to refuse it: vouch_publication is a view.
void TestReportPanel::publicationProblemStaysUntilWritten()
{
    const QString warehouse = m_dir.filePath(QStringLiteral("warehouse.db"));
    const auto sql = [&warehouse](const QString &statement) {
        QProcess p;
        p.start(QStringLiteral("sqlite3"), {warehouse, statement});
        return p.waitForFinished(30000) && p.exitCode() == 0
                   ? QString::fromUtf8(p.readAllStandardOutput()).trimmed()
                   : QStringLiteral("error: ") + QString::fromUtf8(p.readAllStandardError());
    };
    QCOMPARE(sql(QStringLiteral("DROP TABLE IF EXISTS vouch_publication; CREATE VIEW "
                                "vouch_publication AS SELECT 1 AS refused")),
             QString());

    ReportPanel panel;
    QSignalSpy loaded(&panel, &ReportPanel::loaded);
    panel.setSource(source(m_approverContract));
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty(), kLoadTimeoutMs);
    auto *box = panel.findChild<QWidget *>(QStringLiteral("publicationProblem"));
    QVERIFY(box);
    QVERIFY(!box->isVisible());

    // The approver holds the report (approved earlier: a hold is the decision left).
    QSignalSpy decided(&panel, &ReportPanel::decided);
    QSignalSpy errors(&panel, &ReportPanel::error);
    QTest::mouseClick(panel.holdButton(), Qt::LeftButton);
    DecisionDialog *dialog = panel.decisionDialog();
    QVERIFY(dialog);
    dialog->editorFor(QString())->setText(QStringLiteral("waiting for the cost sheet"));
    QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                      Qt::LeftButton);
    QVERIFY2(decided.wait(kRunTimeoutMs),
             qPrintable(errors.isEmpty() ? QString() : errors.first().first().toString()));
    QTRY_VERIFY_WITH_TIMEOUT(box->isVisible(), kLoadTimeoutMs);
    QVERIFY2(!panel.publicationProblem().isEmpty(), "the write should have failed");
    auto *warning = panel.findChild<QLabel *>(QStringLiteral("publicationWarning"));
    QVERIFY2(warning->text().contains(QStringLiteral("publication record was not written")),
             qPrintable(warning->text()));
    // Reloading the panel (a rerun elsewhere, a refresh) does not hide it.
    panel.reload();
    QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 3, kLoadTimeoutMs);
    QVERIFY(box->isVisible());

    // Once the warehouse takes it, "Write it again" writes it and the warning goes.
    QCOMPARE(sql(QStringLiteral("DROP VIEW vouch_publication")), QString());
    QVERIFY(panel.rewriteButton()->isEnabled());
    QTest::mouseClick(panel.rewriteButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!box->isVisible(), kLoadTimeoutMs);
    QCOMPARE(panel.publicationProblem(), QString());
    QCOMPARE(sql(QStringLiteral("SELECT status FROM vouch_publication")), QStringLiteral("held"));
}

#include "tst_reportpanel.moc"
