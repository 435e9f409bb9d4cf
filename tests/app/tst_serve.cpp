// `vouch serve` through the real binary: a missed run starts at start-up,
// a served period is not run twice, and a live lease holder is respected.

#include "engine/store/statestore.h"

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
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
