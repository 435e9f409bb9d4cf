// The desktop window on a team store (the PostgreSQL fixture of tests/support/): a real
// `vouch serve` executes, and a MainWindow pointed at the same store follows
// it live through LISTEN/NOTIFY: node states follow the runner's
// transitions, the status bar names the runner, and a rerun asked from the
// window becomes a request that the runner carries out as an attempt
// "requested by <database user>". Offscreen; every wait has a timeout.

#include "support/pgtest.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"
#include "ui/graph/graphview.h"
#include "ui/inspector.h"
#include "ui/mainwindow.h"
#include "ui/model/runmodel.h"
#include "ui/rerundialog.h"
#include "ui/runcontroller.h"

#include <QApplication>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <QElapsedTimer>

#include <csignal>

using namespace vouch;
using namespace vouch::ui;
using namespace vouch::test;

namespace {

constexpr int kTimeoutMs = 60000;

// `a` waits for the test's gate file, so the window can be seen showing it
// running; `b` and `c` follow.
const char *const kContract = R"(vouch: 1
report:
  id: teamwindow
  name: Team window
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections:
    - {id: main, name: Main, needs: [c], on_failure: hold}
nodes:
  - {id: a, kind: command, run: [sh, -c, "while [ ! -f '@GATE@' ]; do sleep 0.1; done"]}
  - {id: b, kind: noop, needs: [a]}
  - {id: c, kind: noop, needs: [b]}
)";

QString stateOf(const RunController *c, const QString &id)
{
    const RunModel *m = c->model();
    const int i = m->indexOf(id);
    return i < 0 ? QString() : engine::toString(m->node(i).state);
}

int attemptOf(const RunController *c, const QString &id)
{
    const RunModel *m = c->model();
    const int i = m->indexOf(id);
    return i < 0 ? -1 : m->node(i).attempt;
}

QString logOf(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestPgTeamWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_home.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                           m_home.filePath(QStringLiteral("config")));
        qputenv("VOUCH_LEASE_SECONDS", "3");
        qputenv("VOUCH_SETTINGS", m_home.filePath(QStringLiteral("none.yaml")).toUtf8());
        qunsetenv("VOUCH_USER");
    }

    void windowFollowsRunnerAndRequestsRerun()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString url = pgFreshDatabase(QStringLiteral("teamwin"));
        const QString runner = QStringLiteral("vouch_w_runner");
        const QString op = QStringLiteral("vouch_w_operator");
        // (VOUCH_USER is unset in this process already.)
        const QProcessEnvironment env = teamEnvironment(dir);
        vouch::test::VouchOptions options;
        options.env = env;
        {
            options.timeoutMs = kTimeoutMs;
            const vouch::test::VouchResult init = vouch::test::runVouch(
                {QStringLiteral("team"), QStringLiteral("init"), QStringLiteral("--state"), url,
                 QStringLiteral("--operator"), op, QStringLiteral("--runner"), runner},
                options);
            QVERIFY(!init.timedOut && init.exitCode != -1);
            QVERIFY2(init.exitCode == 0, qPrintable(init.out + init.err));
        }
        const QString gate = dir.filePath(QStringLiteral("gate"));
        const QString contract = dir.filePath(QStringLiteral("c.yaml"));
        {
            QFile f(contract);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QString::fromUtf8(kContract).replace(QStringLiteral("@GATE@"), gate).toUtf8());
        }

        // The runner: the run due last Monday was missed, so it starts now.
        const QString serveLog = dir.filePath(QStringLiteral("serve.log"));
        const std::unique_ptr<QProcess> serveProcess =
            vouch::test::startVouch({QStringLiteral("serve"), contract, QStringLiteral("--state"),
                                     pgUrlAs(url, runner), QStringLiteral("--log"), serveLog},
                                    options);
        QProcess &serve = *serveProcess;
        QVERIFY(serve.waitForStarted(kTimeoutMs));
        const auto stopServe = qScopeGuard([&serve] {
            if (serve.state() == QProcess::NotRunning)
                return;
            ::kill(pid_t(serve.processId()), SIGTERM);
            if (!serve.waitForFinished(30000)) {
                serve.kill();
                serve.waitForFinished();
            }
        });

        // The window, as the operator, on the same store.
        qputenv("VOUCH_STATE", pgUrlAs(url, op).toUtf8());
        QElapsedTimer clock;
        clock.start();
        const auto step = [&clock](const char *what) {
            qInfo("%6.1f s: %s", double(clock.elapsed()) / 1000.0, what);
        };
        MainWindow window;
        window.show();
        RunController *c = window.controller();
        QSignalSpy errors(c, &RunController::error);
        window.openContract(contract);
        QTRY_VERIFY_WITH_TIMEOUT(c->contract() != nullptr, kTimeoutMs);

        step("opened");
        // Node a runs on the runner: the graph's model shows it, and the
        // status bar says who executes.
        QTRY_VERIFY2_WITH_TIMEOUT(stateOf(c, QStringLiteral("a")) == QLatin1String("running"),
                                  qPrintable(logOf(serveLog)), kTimeoutMs);
        step("a running");
        QVERIFY(!c->isRunning()); // not this workstation
        QTRY_VERIFY2_WITH_TIMEOUT(
            window.executorText().startsWith(QLatin1String("Executing: runner on")),
            qPrintable(window.executorText()), kTimeoutMs);
        QVERIFY(window.executorText().contains(QStringLiteral("(pid %1)").arg(serve.processId())));
        QCOMPARE(stateOf(c, QStringLiteral("c")), QStringLiteral("pending"));

        // The runner goes on; the window follows to the end, and the verdict.
        QFile(gate).open(QIODevice::WriteOnly);
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(c, QStringLiteral("c")) == QLatin1String("succeeded"),
                                 kTimeoutMs);
        step("c succeeded");
        QCOMPARE(stateOf(c, QStringLiteral("a")), QStringLiteral("succeeded"));
        QCOMPARE(stateOf(c, QStringLiteral("b")), QStringLiteral("succeeded"));
        // The verdict of the attempt the runner finished (its words depend on
        // the deadline of the served period, not on this test).
        QTRY_VERIFY2_WITH_TIMEOUT(window.reportStatusText().startsWith(QLatin1String("Report ")),
                                  qPrintable(window.reportStatusText()), kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(
            window.executorText().startsWith(QLatin1String("Nobody is executing")),
            qPrintable(window.executorText()), kTimeoutMs);
        QVERIFY(window.executorText().contains(QStringLiteral("runner on")));

        step("nobody executing");
        // A rerun of b from the window: a request the runner carries out.
        window.graphView()->selectNode(QStringLiteral("b"));
        RerunDialog *dialog = window.requestRerun(MainWindow::RerunKind::Node, QStringLiteral("b"));
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), 5000);
        QTest::keyClicks(dialog->reasonEdit(), QStringLiteral("cost sheet fixed"));
        QSignalSpy sent(c, &RunController::requestSent);
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);
        QVERIFY(sent.wait(kTimeoutMs) || sent.size() == 1);
        step("request sent");
        QVERIFY(!c->isRunning()); // nothing executes here
        QTRY_VERIFY2_WITH_TIMEOUT(attemptOf(c, QStringLiteral("b")) == 2 &&
                                      stateOf(c, QStringLiteral("b")) == QLatin1String("succeeded"),
                                  qPrintable(logOf(serveLog)), kTimeoutMs);
        step("attempt 2 done");
        QCOMPARE(attemptOf(c, QStringLiteral("a")), 1); // exactly b was rerun
        window.inspector()->setNode(QStringLiteral("b"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            window.inspector()->attemptText().startsWith(
                QStringLiteral("attempt 2 — requested by %1: cost sheet fixed").arg(op)),
            qPrintable(window.inspector()->attemptText()), kTimeoutMs);
        step("inspector");
        const auto *log = window.findChild<QPlainTextEdit *>(QStringLiteral("runLog"));
        QVERIFY(log);
        QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(
                                     QStringLiteral("requested by %1: cost sheet fixed").arg(op)),
                                 kTimeoutMs);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).value(0).toString()));
    }

private:
    QTemporaryDir m_home;
};

// QTEST_MAIN with a window system (offscreen), but 77 (ctest: skipped)
// without the PostgreSQL test server.
int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (vouch::test::pgAdminUrl().isEmpty()) {
        std::fprintf(stderr, "SKIP: no PostgreSQL test server (VOUCH_TEST_PG_FILE)\n");
        return 77;
    }
    app.setAttribute(Qt::AA_Use96Dpi, true);
    TestPgTeamWindow tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return vouch::test::runGuarded(tc, argc, argv);
}

#include "tst_pg_teamwindow.moc"
