// `vouch serve` through the real binary: a missed run starts at start-up,
// a served period is not run twice, a live lease holder is respected, and
// the runner delivers its alerts, retrying while it serves.

#include "engine/alert/outbox.h"
#include "engine/store/statestore.h"
#include "support/httprecorder.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace vouch::engine;

namespace {

const QByteArray kContract = R"(vouch: 1
report:
  id: weekly
  name: Weekly
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections: [{id: all, name: All, needs: [b], on_failure: hold}]
nodes:
  - {id: a, kind: command, run: [sleep, "0.1"]}
  - {id: b, kind: noop, needs: [a]}
)";

// A failing source behind a blocking section raises an alert, routed to a
// webhook on the test's HTTP server.
const QByteArray kAlertingContract = R"(vouch: 1
report:
  id: weekly
  name: Weekly
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  owners: {business: finance-lead, technical: data-eng}
  sections: [{id: all, name: All, needs: [b], on_failure: block}]
alerting:
  channels:
    hook: {type: webhook, url: "${T_HOOK}"}
  routes:
    - to: [hook]
  delivery: {timeout: 5s, first_retry: 1s, max_retry: 2s, give_up_after: 10m}
nodes:
  - {id: a, kind: command, run: ["false"]}
  - {id: b, kind: noop, needs: [a]}
)";

int serveOnce(const QTemporaryDir &dir)
{
    QProcess p;
    p.start(QStringLiteral(VOUCH_BINARY),
            {QStringLiteral("serve"), dir.filePath(QStringLiteral("c.yaml")),
             QStringLiteral("--state"), dir.filePath(QStringLiteral("state.db")),
             QStringLiteral("--log"), dir.filePath(QStringLiteral("serve.log")),
             QStringLiteral("--once")});
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return -1;
    }
    return p.exitCode();
}

QString readLog(const QTemporaryDir &dir)
{
    QFile f(dir.filePath(QStringLiteral("serve.log")));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// The period whose Monday-06:00 run was due last (London time).
QString lastDuePeriod()
{
    const QTimeZone london("Europe/London");
    const QDateTime now = QDateTime::currentDateTime().toTimeZone(london);
    QDate monday = now.date().addDays(1 - now.date().dayOfWeek());
    if (now.time() < QTime(6, 0))
        monday = monday.addDays(-7);
    const QDate start = monday.addDays(-7);
    int year = 0;
    const int week = start.weekNumber(&year);
    return QStringLiteral("%1-W%2").arg(year).arg(week, 2, 10, QLatin1Char('0'));
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void missedRunStartsOnceAtStartUp()
    {
        QTemporaryDir dir;
        QFile c(dir.filePath(QStringLiteral("c.yaml")));
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(kContract);
        c.close();

        QCOMPARE(serveOnce(dir), 0);
        QString error;
        auto store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QVERIFY2(store, qPrintable(error));
        const auto run = store->findRun(QStringLiteral("weekly"), lastDuePeriod());
        QVERIFY2(run, qPrintable(readLog(dir)));
        for (const NodeRunRecord &r : store->nodeRuns(run->id))
            QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QVERIFY(readLog(dir).contains(QStringLiteral("was missed; starting it now")));
        QCOMPARE(store->attempts(run->id).first().who.startsWith(QLatin1String("vouch serve")),
                 true);
        store.reset();

        // Served already: a second start-up does not run the period again.
        QCOMPARE(serveOnce(dir), 0);
        store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QCOMPARE(store->runs().size(), 1);
        QCOMPARE(store->attempts(run->id).size(), 1);
    }

    void liveLeaseHolderIsRespected()
    {
        QTemporaryDir dir;
        QFile c(dir.filePath(QStringLiteral("c.yaml")));
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(kContract);
        c.close();
        QString error;
        auto store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QVERIFY(store);
        // This test process, alive, "runs" the period.
        const QString holder = QStringLiteral("%1:%2")
                                   .arg(QSysInfo::machineHostName())
                                   .arg(QCoreApplication::applicationPid());
        QVERIFY(store->acquireLease(QStringLiteral("weekly/") + lastDuePeriod(), holder, 300));
        QCOMPARE(serveOnce(dir), 0);
        QVERIFY2(readLog(dir).contains(QStringLiteral("not started, %1 is running it").arg(holder)),
                 qPrintable(readLog(dir)));
        QVERIFY(!store->findRun(QStringLiteral("weekly"), lastDuePeriod()));
    }

    // The runner delivers the alert of the run it executed; the first answer
    // is a 500, and it tries again while it keeps serving.
    void runnerDeliversAlertsWithRetries()
    {
        QTemporaryDir dir;
        QFile c(dir.filePath(QStringLiteral("c.yaml")));
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(kAlertingContract);
        c.close();
        vouch::test::HttpRecorder http;
        QVERIFY(http.listen());
        http.script(QStringLiteral("/hook"), {vouch::test::HttpAction::respond(500)});

        QProcess serve;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("T_HOOK"), http.url(QStringLiteral("/hook")));
        serve.setProcessEnvironment(env);
        serve.setProcessChannelMode(QProcess::MergedChannels);
        serve.start(QStringLiteral(VOUCH_BINARY),
                    {QStringLiteral("serve"), dir.filePath(QStringLiteral("c.yaml")),
                     QStringLiteral("--state"), dir.filePath(QStringLiteral("state.db")),
                     QStringLiteral("--log"), dir.filePath(QStringLiteral("serve.log"))});
        QVERIFY(serve.waitForStarted(30000));
        // A 500, then a 200 on the retry: two requests, the second answered.
        QTRY_VERIFY2_WITH_TIMEOUT(http.requestsTo(QStringLiteral("/hook")).size() >= 2 &&
                                      http.requestsTo(QStringLiteral("/hook")).at(1).answered,
                                  qPrintable(readLog(dir)), 120000);
        const QList<vouch::test::HttpRequest> sent = http.requestsTo(QStringLiteral("/hook"));
        QCOMPARE(sent.at(0).status, 500);
        QCOMPARE(sent.at(1).status, 200);

        QString error;
        auto store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QVERIFY2(store, qPrintable(error));
        // The row is marked delivered right after the answer: wait for it.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QList<Delivery> rows = Outbox(*store).deliveries();
                return rows.size() == 1 && rows.first().status == DeliveryStatus::Delivered;
            }(),
            30000);
        const Delivery row = Outbox(*store).deliveries().first();
        QCOMPARE(row.channel, QStringLiteral("hook"));
        QCOMPARE(row.tries, 2);
        QCOMPARE(row.httpStatus, 200);
        QVERIFY(readLog(dir).contains(QStringLiteral("to hook: delivered")));

        serve.terminate();
        QVERIFY(serve.waitForFinished(60000));
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        // Exactly once: nothing more was sent for that change.
        QCOMPARE(http.requestsTo(QStringLiteral("/hook")).size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
