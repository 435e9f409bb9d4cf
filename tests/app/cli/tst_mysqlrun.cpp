// `vouch run` against a real MariaDB server (driver: mysql; a ctest fixture):
// a node's timeout stops its statement on the server (KILL QUERY), a
// connection lost mid-statement is retried as the node's retry policy says
// and then fails with the reason, and the publish node writes
// vouch_publication in MariaDB's own types. The password never shows.

#include "support/mysqltest.h"
#include "support/vouchprocess.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>

using namespace vouch::test;

namespace {

const QString kPassword = QStringLiteral("s3cret-for-the-run");
const QString kNow = QStringLiteral("2026-11-30T07:00:00Z");

QByteArray contractText(const QString &database, const QByteArray &nodes)
{
    const auto server = mariadbServer();
    return QByteArray("vouch: 1\n"
                      "report:\n"
                      "  id: weekly\n"
                      "  name: Weekly report\n"
                      "  timezone: Europe/London\n"
                      "  schedule: \"0 6 * * MON\"\n"
                      "  publish_by: \"MON 12:00\"\n"
                      "  sections: [{id: all, name: All, needs: [publish], on_failure: hold}]\n"
                      "connections:\n"
                      "  shop:\n"
                      "    driver: mysql\n"
                      "    host: ") +
           server->host.toUtf8() + "\n    port: " + QByteArray::number(server->port) +
           "\n    database: " + database.toUtf8() +
           "\n    user: vouch_runner\n    password: \"${SHOP_DB_PASSWORD}\"\n" + "nodes:\n" + nodes;
}

struct Run
{
    QTemporaryDir dir;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();

    explicit Run(const QByteArray &contract)
    {
        QFile f(dir.filePath(QStringLiteral("c.yaml")));
        if (f.open(QIODevice::WriteOnly))
            f.write(contract);
        env.insert(QStringLiteral("SHOP_DB_PASSWORD"), kPassword);
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
        env.remove(QStringLiteral("VOUCH_STATE"));
    }
    QStringList args() const
    {
        return {QStringLiteral("run"),     dir.filePath(QStringLiteral("c.yaml")),
                QStringLiteral("--state"), dir.filePath(QStringLiteral("state.db")),
                QStringLiteral("--now"),   kNow};
    }
};

QStringList sleepers()
{
    QStringList ids;
    mysqlAdminExec(QStringLiteral("select id from information_schema.processlist where info = "
                                  "'select sleep(600)' order by id"),
                   QString(), nullptr, &ids);
    return ids;
}

} // namespace

class TestMysqlRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        mysqlAdminExec(QStringLiteral("DROP USER IF EXISTS 'vouch_runner'@'%'"));
        QVERIFY2(
            mysqlAdminExec(
                QStringLiteral("CREATE USER 'vouch_runner'@'%' IDENTIFIED BY '%1'").arg(kPassword),
                QString(), &error),
            qPrintable(error));
        QVERIFY2(mysqlAdminExec(QStringLiteral("GRANT ALL PRIVILEGES ON *.* TO 'vouch_runner'@'%'"),
                                QString(), &error),
                 qPrintable(error));
    }

    void pathRunsAndPublishes()
    {
        const QString db = mysqlFreshDatabase(QStringLiteral("run"));
        Run run(contractText(db,
                             "  - id: build\n"
                             "    kind: sql\n"
                             "    connection: shop\n"
                             "    sql: [\"create table revenue (week varchar(10), amount "
                             "decimal(12,2))\", \"insert into revenue values (:period, 100)\"]\n"
                             "  - id: chk\n"
                             "    kind: check\n"
                             "    needs: [build]\n"
                             "    connection: shop\n"
                             "    value: \"select count(*) from revenue where week = :period\"\n"
                             "    error_if: \"< 1\"\n"
                             "  - {id: publish, kind: publish, connection: shop, needs: [chk]}\n"));
        const VouchResult r = runVouchBinary(run.args(), run.env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QStringList rows;
        QVERIFY(mysqlAdminExec(QStringLiteral("select concat(report_id, ' ', period, ' ', status) "
                                              "from vouch_publication"),
                               db, nullptr, &rows));
        QCOMPARE(rows, QStringList{QStringLiteral("weekly 2026-W48 published")});
        // Written again (a rerun): replaced, not added.
        const VouchResult again = runVouchBinary(
            {QStringLiteral("rerun"), QStringLiteral("chk+"), QStringLiteral("--reason"),
             QStringLiteral("again"), QStringLiteral("--state"),
             run.dir.filePath(QStringLiteral("state.db")), QStringLiteral("--now"), kNow,
             run.dir.filePath(QStringLiteral("c.yaml"))},
            run.env);
        QVERIFY2(again.exitCode == 0, qPrintable(again.out + again.err));
        rows.clear();
        QVERIFY(mysqlAdminExec(QStringLiteral("select count(*) from vouch_publication"), db,
                               nullptr, &rows));
        QCOMPARE(rows, QStringList{QStringLiteral("1")});
    }

    // Without the server-side cancel the run would wait for sleep(600).
    void timeoutStopsTheStatementOnTheServer()
    {
        const QString db = mysqlFreshDatabase(QStringLiteral("timeout"));
        Run run(contractText(db, "  - id: slow\n"
                                 "    kind: sql\n"
                                 "    connection: shop\n"
                                 "    sql: \"select sleep(600)\"\n"
                                 "    timeout: 2s\n"
                                 "  - {id: publish, kind: publish, needs: [slow]}\n"));
        const VouchResult r = runVouchBinary(run.args(), run.env, {}, 240000);
        QVERIFY2(!r.timedOut, qPrintable(r.out + r.err));
        QVERIFY2(r.exitCode == 20 || r.exitCode == 30, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QLatin1String("timed out after 2s")), qPrintable(r.out));
        QTRY_VERIFY_WITH_TIMEOUT(sleepers().isEmpty(), 60000);
    }

    void lostConnectionIsRetriedThenFailsWithTheReason()
    {
        const QString db = mysqlFreshDatabase(QStringLiteral("lost"));
        Run run(contractText(db, "  - id: flaky\n"
                                 "    kind: sql\n"
                                 "    connection: shop\n"
                                 "    sql: \"select sleep(600)\"\n"
                                 "    retries: 1\n"
                                 "    retry_delay: 1s\n"
                                 "  - {id: publish, kind: publish, needs: [flaky]}\n"));
        VouchOptions options;
        options.env = run.env;
        auto vouch = startVouch(run.args(), options);
        QVERIFY(vouch->waitForStarted());
        // Each try's connection is killed while its statement runs.
        QString killed;
        for (int attempt = 0; attempt < 2; ++attempt) {
            QStringList ids;
            QTRY_VERIFY_WITH_TIMEOUT((ids = sleepers(), !ids.isEmpty() && ids.first() != killed),
                                     60000);
            killed = ids.first();
            QString error;
            QVERIFY2(
                mysqlAdminExec(QStringLiteral("KILL CONNECTION %1").arg(killed), QString(), &error),
                qPrintable(error));
        }
        QVERIFY(vouch->waitForFinished(120000));
        const QString out = QString::fromUtf8(vouch->readAllStandardOutput());
        const QString err = QString::fromUtf8(vouch->readAllStandardError());
        QVERIFY2(vouch->exitCode() == 20 || vouch->exitCode() == 30, qPrintable(out + err));
        QVERIFY2(out.contains(QLatin1String("try 1 of 2 failed")), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String("the connection to 'shop' was lost")), qPrintable(out));
        QVERIFY(!out.contains(kPassword));
        QVERIFY(!err.contains(kPassword));
    }
};

VOUCH_MYSQL_TEST_MAIN(TestMysqlRun)
#include "tst_mysqlrun.moc"
