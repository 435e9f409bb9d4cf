// `vouch serve` through the real binary: a missed run starts at start-up,
// a served period is not run twice, a live lease holder is respected, and
// the runner delivers its alerts, retrying while it serves.

#include "engine/alert/outbox.h"
#include "engine/store/statestore.h"
#include "support/httprecorder.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"

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

// The instant `vouch serve` is started at (--now), and the period whose
// Monday-06:00 (London) run was due last at that instant.
struct Instant
{
    const char *now;
    const char *period;
};
constexpr Instant kThursdayAfterMidnight{"2026-12-03T00:30:00Z", "2026-W48"};

int serveOnce(const QTemporaryDir &dir, const QString &now)
{
    vouch::test::VouchOptions options;
    options.timeoutMs = 60000;
    return vouch::test::runVouch({QStringLiteral("serve"), dir.filePath(QStringLiteral("c.yaml")),
                                  QStringLiteral("--state"),
                                  dir.filePath(QStringLiteral("state.db")), QStringLiteral("--log"),
                                  dir.filePath(QStringLiteral("serve.log")),
                                  QStringLiteral("--once"), QStringLiteral("--now"), now},
                                 options)
        .exitCode;
}

QString readLog(const QTemporaryDir &dir)
{
    QFile f(dir.filePath(QStringLiteral("serve.log")));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void missedRunStartsOnceAtStartUp_data()
    {
        QTest::addColumn<QString>("now");
        QTest::addColumn<QString>("period");
        // Monday before and after the 06:00 run (London is on GMT in
        // November), a Thursday just after midnight, the Sunday night the
        // clocks go back, and a Sunday night at the turn of the ISO year.
        QTest::newRow("Monday 05:59 London") << "2026-11-30T05:59:00Z"
                                             << "2026-W47";
        QTest::newRow("Monday 06:01 London") << "2026-11-30T06:01:00Z"
                                             << "2026-W48";
        QTest::newRow("Thursday 00:30")
            << kThursdayAfterMidnight.now << kThursdayAfterMidnight.period;
        QTest::newRow("clocks go back") << "2026-10-25T01:30:00Z"
                                        << "2026-W42";
        QTest::newRow("ISO year turns") << "2027-01-03T23:59:00Z"
                                        << "2026-W52";
    }

    void missedRunStartsOnceAtStartUp()
    {
        QFETCH(QString, now);
        QFETCH(QString, period);
        QTemporaryDir dir;
        QFile c(dir.filePath(QStringLiteral("c.yaml")));
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(kContract);
        c.close();

        QCOMPARE(serveOnce(dir, now), 0);
        QString error;
        auto store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QVERIFY2(store, qPrintable(error));
        const auto run = store->findRun(QStringLiteral("weekly"), period);
        QVERIFY2(run, qPrintable(readLog(dir)));
        for (const NodeRunRecord &r : store->nodeRuns(run->id))
            QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QVERIFY(readLog(dir).contains(QStringLiteral("was missed; starting it now")));
        QCOMPARE(store->attempts(run->id).first().who.startsWith(QLatin1String("vouch serve")),
                 true);
        store.reset();

        // Served already: a second start-up does not run the period again.
        QCOMPARE(serveOnce(dir, now), 0);
        store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QCOMPARE(store->runs().size(), 1);
        QCOMPARE(store->attempts(run->id).size(), 1);
    }

    // A daily report whose runner was down: one run per missed business
    // day, oldest first, and none twice. The calendar skips the weekend and
    // the bank holidays listed in the contract.
    void missedDaysRunOncePerPeriodOldestFirst()
    {
        QTemporaryDir dir;
        QFile c(dir.filePath(QStringLiteral("c.yaml")));
        QVERIFY(c.open(QIODevice::WriteOnly));
        c.write(R"(vouch: 1
report:
  id: flash
  name: Daily flash
  timezone: Europe/London
  period: day
  calendar: {workdays: MON-FRI, holidays: [2026-12-25, 2026-12-28]}
  schedule: "0 6 * * *"
  skip_holidays: true
  publish_by: "08:00"
  sections: [{id: all, name: All, needs: [a], on_failure: hold}]
nodes:
  - {id: a, kind: command, run: [sh, -c, 'test "$VOUCH_PERIOD" = "$VOUCH_PERIOD_START"']}
)");
        c.close();
        // Served on Tuesday 22 December: the flash for Monday 21st.
        QCOMPARE(serveOnce(dir, QStringLiteral("2026-12-22T07:00:00Z")), 0);
        QString error;
        auto store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QVERIFY2(store, qPrintable(error));
        QStringList periods;
        for (const RunRecord &run : store->runs())
            periods.prepend(run.period);
        QCOMPARE(periods, QStringList{QStringLiteral("2026-12-21")});
        store.reset();

        // Down until Wednesday 30 December 07:00: Tuesday 22nd, Wednesday
        // 23rd, Thursday 24th (Friday is Christmas, Monday a bank holiday)
        // and Tuesday 29th are owed, oldest first.
        QCOMPARE(serveOnce(dir, QStringLiteral("2026-12-30T07:00:00Z")), 0);
        const QString log = readLog(dir);
        QStringList order;
        for (const char *day : {"2026-12-22", "2026-12-23", "2026-12-24", "2026-12-29"}) {
            const qsizetype at =
                log.indexOf(QStringLiteral("the run for %1").arg(QLatin1String(day)));
            QVERIFY2(at >= 0, qPrintable(log));
            order << QString::number(at).rightJustified(12, QLatin1Char('0'));
        }
        QStringList sorted = order;
        sorted.sort();
        QCOMPARE(order, sorted);
        store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QVERIFY2(store, qPrintable(error));
        periods.clear();
        for (const RunRecord &run : store->runs()) {
            periods << run.period;
            QCOMPARE(store->attempts(run.id).size(), 1);
            for (const NodeRunRecord &r : store->nodeRuns(run.id))
                QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        }
        periods.sort();
        QCOMPARE(periods, (QStringList{"2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24",
                                       "2026-12-29"}));
        store.reset();

        // Nothing is owed now: a third start-up runs nothing.
        QCOMPARE(serveOnce(dir, QStringLiteral("2026-12-30T07:05:00Z")), 0);
        store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QCOMPARE(store->runs().size(), 5);
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
        const QString period = QString::fromLatin1(kThursdayAfterMidnight.period);
        QVERIFY(store->acquireLease(QStringLiteral("weekly/") + period, holder, 300));
        QCOMPARE(serveOnce(dir, QString::fromLatin1(kThursdayAfterMidnight.now)), 0);
        QVERIFY2(readLog(dir).contains(QStringLiteral("not started, %1 is running it").arg(holder)),
                 qPrintable(readLog(dir)));
        QVERIFY(!store->findRun(QStringLiteral("weekly"), period));
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

VOUCH_TEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
