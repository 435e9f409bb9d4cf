// Several reports in one window: the Brightside demo's weekly pack and its
// month-end close pack share a warehouse and a store. The toolbar's report
// switcher and the welcome page's list show each with its verdict; choosing
// one opens it (title, graph, Report dock follow). Offscreen, driven by keys
// and clicks, every wait with a timeout, under a pinned clock.

#include "support/testguard.h"
#include "ui/mainwindow.h"
#include "ui/model/runmodel.h"
#include "ui/reportswitcher.h"
#include "ui/runcontroller.h"
#include "ui/welcomepage.h"

#include <QComboBox>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::ui;

namespace {

constexpr int kRunTimeoutMs = 120000;

// The window's run log, so a failure says what the window saw.
QString runLogOf(const QWidget &window)
{
    const auto *log = window.findChild<QPlainTextEdit *>(QStringLiteral("runLog"));
    return log ? log->toPlainText() : QString();
}

QString labelOf(const QComboBox *combo, int i)
{
    return i < combo->count() ? combo->itemText(i) : QString();
}

} // namespace

class TestReportSwitcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_home.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           m_home.filePath(QStringLiteral("config")));
        qputenv("VOUCH_STATE", m_home.filePath(QStringLiteral("state.db")).toUtf8());
        qputenv("VOUCH_USER", "tester");
        // Monday 1 February 2027: the demo replays this Monday 06:00, which
        // is also the first business day of the January close (due BD3,
        // Wednesday 3 February 17:00).
        qputenv("VOUCH_NOW", "2027-02-01T06:00:00Z");
    }

    void switchBetweenTheDemosReports()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        MainWindow window;
        RunController *controller = window.controller();
        controller->setVouchExecutable(QStringLiteral(VOUCH_BINARY)); // `vouch demo ingest`
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ReportSwitcher *switcher = window.reportSwitcher();
        QComboBox *combo = switcher->combo();

        QSignalSpy finished(controller, &RunController::runFinished);
        QSignalSpy started(controller, &RunController::runStarted);
        QSignalSpy errors(controller, &RunController::error);
        window.openDemo(QStringLiteral("month-end-gap"), dir.path());
        QVERIFY(finished.wait(kRunTimeoutMs));
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("Weekly Operating Performance")));
        // The weekly pack does not see last month's lost day.
        QTRY_VERIFY2_WITH_TIMEOUT(window.reportStatusText().contains(QStringLiteral("complete")),
                                  qPrintable(window.reportStatusText()), 10000);

        // Both reports listed, each with its verdict; the month-end pack has
        // not run on this warehouse yet.
        QTRY_COMPARE_WITH_TIMEOUT(combo->count(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(combo->isVisible(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(labelOf(combo, 0),
                                  QStringLiteral("Weekly Operating Performance Report — complete"),
                                  10000);
        QCOMPARE(labelOf(combo, 1), QStringLiteral("Month-End Close Pack — not run yet"));
        QCOMPARE(combo->currentIndex(), 0);

        // Choose the month-end pack with the keyboard: it opens and runs.
        const int runsBefore = int(started.size());
        combo->setFocus();
        QTest::keyClick(combo, Qt::Key_Down);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.windowTitle().startsWith(QStringLiteral("Month-End Close Pack")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(int(finished.size()) == 2, kRunTimeoutMs);
        QCOMPARE(int(started.size()), runsBefore + 1);
        QCOMPARE(controller->period(), QStringLiteral("2027-01"));
        QVERIFY(controller->model()->indexOf(QStringLiteral("chk_month_orders_every_day")) >= 0);
        QVERIFY(controller->model()->indexOf(QStringLiteral("chk_sku_cost_mapped")) < 0);
        QTRY_VERIFY2_WITH_TIMEOUT(
            window.reportStatusText().contains(QStringLiteral("failed")),
            qPrintable(window.reportStatusText() + u'\n' + runLogOf(window).right(900)), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(labelOf(combo, 1),
                                  QStringLiteral("Month-End Close Pack — failed"), 10000);
        QCOMPARE(labelOf(combo, 0),
                 QStringLiteral("Weekly Operating Performance Report — complete"));
        QCOMPARE(combo->currentIndex(), 1);

        // Back to the weekly pack: its latest run is shown, nothing runs again.
        QTest::keyClick(combo, Qt::Key_Up);
        QTRY_VERIFY_WITH_TIMEOUT(
            window.windowTitle().startsWith(QStringLiteral("Weekly Operating Performance")), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            controller->model()->indexOf(QStringLiteral("chk_sku_cost_mapped")) >= 0, 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(window.reportStatusText().contains(QStringLiteral("complete")),
                                  qPrintable(window.reportStatusText()), 10000);
        QCOMPARE(controller->period(), QStringLiteral("2027-W04"));
        QTest::qWait(200);
        QCOMPARE(int(started.size()), runsBefore + 1);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));

        // A new window starts on the welcome page, which lists the demo's
        // reports with their verdicts; choosing one (click, Return) opens it.
        MainWindow second;
        second.reportSwitcher()->setDirectory(dir.path());
        second.show();
        QVERIFY(QTest::qWaitForWindowExposed(&second));
        QVERIFY(second.isWelcomeShown());
        QListWidget *list = second.welcomePage()->demoReportsList();
        QTRY_COMPARE_WITH_TIMEOUT(list->count(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(list->isVisible(), 10000);
        QCOMPARE(list->item(0)->text(),
                 QStringLiteral("Weekly Operating Performance Report — complete"));
        QCOMPARE(list->item(1)->text(), QStringLiteral("Month-End Close Pack — failed"));
        QSignalSpy openErrors(second.controller(), &RunController::error);
        const QRect rect = list->visualItemRect(list->item(1));
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
        QCOMPARE(list->currentRow(), 1);
        QTest::keyClick(list, Qt::Key_Return);
        QTRY_VERIFY2_WITH_TIMEOUT(
            second.windowTitle().startsWith(QStringLiteral("Month-End Close Pack")),
            qPrintable(openErrors.value(0).value(0).toString()), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!second.isWelcomeShown(), 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(second.reportStatusText().contains(QStringLiteral("failed")),
                                  qPrintable(second.reportStatusText()), 10000);
        QCOMPARE(second.controller()->period(), QStringLiteral("2027-01"));
    }

private:
    QTemporaryDir m_home;
};

VOUCH_TEST_MAIN(TestReportSwitcher)
#include "tst_reportswitcher.moc"
