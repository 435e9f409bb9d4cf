// sql, freshness and check nodes through ODBC (driver: odbc): unixODBC with
// Debian's PostgreSQL driver against the test PostgreSQL server (a ctest
// fixture) and the SQLite driver on a file, set up in a temporary
// ODBCSYSINI/ODBCINI (tests/support/odbctest.h). And the errors a person can
// act on: a driver that is not installed, a data source that is not defined,
// a failed statement with the node and the engine's message; never a secret.

#include "engine/contract/contractloader.h"
#include "engine/run/warehouseconnection.h"
#include "engine/run/warehouseexecutor.h"
#include "support/odbctest.h"
#include "support/pgtest.h"
#include "support/warehousetest.h"

#include <QScopeGuard>
#include <QThread>

using namespace vouch::engine;
using namespace vouch::test;

namespace {

const QString kSecret = QStringLiteral("c0rrect-h0rse-odbc");

QByteArray contractText(const QByteArray &connection, const QByteArray &nodes)
{
    return QByteArray("vouch: 1\n"
                      "report:\n"
                      "  id: weekly\n"
                      "  name: Weekly report\n"
                      "  timezone: Europe/London\n"
                      "  schedule: \"0 6 * * MON\"\n"
                      "  publish_by: \"MON 12:00\"\n"
                      "  sections: [{id: all, name: All, needs: [end], on_failure: hold}]\n"
                      "connections:\n"
                      "  dw:\n") +
           connection + "nodes:\n" + nodes + "  - {id: end, kind: noop}\n";
}

ContractPtr load(const QByteArray &text)
{
    return vouch::test::loadContractText(text);
}

RunContext context()
{
    RunContext c = vouch::test::pinnedWeekContext();
    c.env.insert(QStringLiteral("VOUCH_TEST_ODBC_SECRET"), kSecret);
    return c;
}

NodeOutcome execute(const ContractPtr &c, const QString &id, const CancellerPtr &canceller = {})
{
    return executeWarehouseNode(*c, *c->node(id), context(), canceller);
}

// The Brightside-like path every engine must run the same: a model built
// from landed rows with the period bound, a freshness check and a check
// with sample rows limited by the dialect.
const QByteArray kPath = "  - id: build\n"
                         "    kind: sql\n"
                         "    connection: dw\n"
                         "    sql:\n"
                         "      - \"create table orders (id integer, sku varchar(20), loaded_at "
                         "varchar(30), week_start varchar(10))\"\n"
                         "      - \"insert into orders values (1, 'A', '2026-11-30 02:00:00', "
                         ":period_start)\"\n"
                         "      - \"insert into orders values (2, null, '2026-11-29 23:00:00', "
                         ":period_start)\"\n"
                         "      - \"insert into orders values (3, null, '2026-11-29 22:00:00', "
                         ":period_start)\"\n"
                         "      - \"insert into orders values (4, null, '2026-11-29 21:00:00', "
                         ":period_start)\"\n"
                         "  - id: src\n"
                         "    kind: freshness\n"
                         "    needs: [build]\n"
                         "    connection: dw\n"
                         "    loaded_at: \"select max(loaded_at) from orders\"\n"
                         "    warn_after: 3h\n"
                         "  - id: chk\n"
                         "    kind: check\n"
                         "    needs: [build]\n"
                         "    connection: dw\n"
                         "    value: \"select count(*) from orders where sku is null and "
                         "week_start = :period_start\"\n"
                         "    rows: \"select id from orders where sku is null order by id\"\n"
                         "    sample_limit: 2\n"
                         "    warn_if: \"> 0\"\n"
                         "  - id: broken\n"
                         "    kind: sql\n"
                         "    connection: dw\n"
                         "    sql: \"insert into no_such_table values (1)\"\n";

} // namespace

class TestOdbcWarehouse : public QObject
{
    Q_OBJECT

    OdbcSetup m_odbc;
    QString m_pgDatabase;

    void runPath(const ContractPtr &c)
    {
        const NodeOutcome build = execute(c, QStringLiteral("build"));
        QVERIFY2(build.state == NodeState::Succeeded, qPrintable(build.message));
        const NodeOutcome src = execute(c, QStringLiteral("src"));
        QVERIFY2(src.state == NodeState::Warned, qPrintable(src.message));
        QCOMPARE(src.ageSeconds, qint64(4 * 3600));
        const NodeOutcome chk = execute(c, QStringLiteral("chk"));
        QVERIFY2(chk.state == NodeState::Warned, qPrintable(chk.message));
        QCOMPARE(chk.value, 3.0); // :period_start bound
        QCOMPARE(chk.sampleRows.size(), 3);
        QCOMPARE(chk.sampleRows.at(1).at(0), QStringLiteral("2"));
        const NodeOutcome broken = execute(c, QStringLiteral("broken"));
        QVERIFY2(broken.state == NodeState::Failed, qPrintable(broken.message));
        QVERIFY(broken.executionError);
        QVERIFY2(broken.message.contains(QLatin1String("statement 1 of 1 of node 'broken' failed")),
                 qPrintable(broken.message));
        QVERIFY2(broken.message.contains(QLatin1String("no_such_table")),
                 qPrintable(broken.message));
    }

private Q_SLOTS:
    void initTestCase()
    {
        pgFreshDatabase(QStringLiteral("odbc"), &m_pgDatabase);
        const QUrl pg(pgAdminUrl());
        QVERIFY(m_odbc.write(QStringLiteral("[vouch_sqlite]\nDriver=Vouch SQLite\nDatabase=%1\n\n"
                                            "[vouch_pg]\nDriver=Vouch PostgreSQL\nServername=%2\n"
                                            "Port=%3\nDatabase=%4\n\n"
                                            "[vouch_nodriver]\nDriver=/nonexistent/libfoo.so\n")
                                 .arg(m_odbc.path(QStringLiteral("w.db")), pg.host())
                                 .arg(pg.port())
                                 .arg(m_pgDatabase)));
        QFile db(m_odbc.path(QStringLiteral("w.db")));
        QVERIFY(db.open(QIODevice::WriteOnly)); // an empty file is an empty SQLite database
    }

    void sqliteThroughADataSource()
    {
        const auto c = load(contractText("    driver: odbc\n    dialect: sqlite\n"
                                         "    dsn: vouch_sqlite\n",
                                         kPath));
        QVERIFY(c);
        runPath(c);
    }

    void postgresThroughAConnectionString()
    {
        const QUrl pg(pgAdminUrl());
        const QByteArray connection =
            QStringLiteral("    driver: odbc\n    dialect: postgres\n"
                           "    connection_string: \"Driver={Vouch PostgreSQL};Server=%1;Port=%2;"
                           "Database=%3;UID=%4;PWD=${VOUCH_TEST_ODBC_SECRET}\"\n")
                .arg(pg.host())
                .arg(pg.port())
                .arg(m_pgDatabase, pg.userName())
                .toUtf8();
        const auto c = load(contractText(connection, kPath));
        QVERIFY(c);
        // A fresh schema each time the test runs: the database is per run.
        runPath(c);
    }

    void missingDriverNamesIt()
    {
        const auto c = load(contractText(
            "    driver: odbc\n    dialect: snowflake\n"
            "    connection_string: \"Driver={Snowflake};Server=acme.snowflakecomputing.com;"
            "UID=vouch;PWD=${VOUCH_TEST_ODBC_SECRET}\"\n",
            "  - {id: q, kind: check, connection: dw, value: \"select 1\", warn_if: \"> 5\"}\n"));
        QVERIFY(c);
        const NodeOutcome o = execute(c, QStringLiteral("q"));
        QVERIFY2(o.state == NodeState::Failed, qPrintable(o.message));
        QVERIFY(o.executionError);
        QVERIFY2(
            o.message.contains(QLatin1String(
                "connection 'dw' (t.yaml:10): the ODBC driver 'Snowflake' is not installed: see "
                "odbcinst -q -d")),
            qPrintable(o.message));
        QVERIFY(!o.message.contains(kSecret));
    }

    void dataSourceWithoutItsDriverLibrary()
    {
        const auto c = load(contractText("    driver: odbc\n    dialect: generic\n"
                                         "    dsn: vouch_nodriver\n",
                                         "  - {id: q, kind: check, connection: dw, value: "
                                         "\"select 1\", warn_if: \"> 5\"}\n"));
        QVERIFY(c);
        const NodeOutcome o = execute(c, QStringLiteral("q"));
        QVERIFY2(o.message.contains(QLatin1String("the ODBC driver '/nonexistent/libfoo.so' is "
                                                  "not installed: see odbcinst -q -d")),
                 qPrintable(o.message));
    }

    void unknownDataSourceNamesIt()
    {
        const auto c = load(contractText("    driver: odbc\n    dialect: snowflake\n"
                                         "    dsn: Snowflake_prod\n",
                                         "  - {id: q, kind: check, connection: dw, value: "
                                         "\"select 1\", warn_if: \"> 5\"}\n"));
        QVERIFY(c);
        const NodeOutcome o = execute(c, QStringLiteral("q"));
        QVERIFY2(o.state == NodeState::Failed, qPrintable(o.message));
        QVERIFY2(
            o.message.contains(QLatin1String("connection 'dw' (t.yaml:10): the ODBC data source "
                                             "'Snowflake_prod' is not defined: see "
                                             "odbcinst -q -s")),
            qPrintable(o.message));
    }

    // SQLCancel from another thread stops the statement on the server:
    // PostgreSQL no longer shows it as active.
    void cancelStopsTheStatementOnTheServer()
    {
        const auto c = load(contractText("    driver: odbc\n    dialect: postgres\n"
                                         "    dsn: vouch_pg\n    user: vouch_admin\n",
                                         "  - {id: slow, kind: sql, connection: dw, sql: \"select "
                                         "pg_sleep(600)\"}\n"));
        QVERIFY(c);
        auto canceller = std::make_shared<StatementCanceller>();
        NodeOutcome outcome;
        std::unique_ptr<QThread> worker(
            QThread::create([&] { outcome = execute(c, QStringLiteral("slow"), canceller); }));
        worker->start();
        // A failed check must not leave the worker sleeping for ten minutes.
        auto stop = qScopeGuard([&] {
            canceller->cancel();
            worker->wait();
        });
        auto activeSleeps = [] {
            QString error;
            return pgAdminExec(QStringLiteral("DO $$ BEGIN IF (SELECT count(*) FROM "
                                              "pg_stat_activity WHERE state = 'active' AND query "
                                              "LIKE '%pg_sleep(600)%' AND pid <> "
                                              "pg_backend_pid()) = 0 THEN RAISE 'none'; END IF; "
                                              "END $$"),
                               QStringLiteral("postgres"), &error);
        };
        QTRY_VERIFY_WITH_TIMEOUT(activeSleeps(), 60000);
        canceller->cancel();
        // Polled, not a timed QThread::wait: under the faketime wrapper a timed
        // wait on a condition variable returns at once.
        QTRY_VERIFY_WITH_TIMEOUT(worker->isFinished(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!activeSleeps(), 60000);
        QVERIFY2(outcome.state == NodeState::Failed, qPrintable(outcome.message));
        QVERIFY2(outcome.message.contains(QLatin1String("cancel")), qPrintable(outcome.message));
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (vouch::test::pgAdminUrl().isEmpty()) {
        std::fprintf(stderr, "SKIP: no PostgreSQL test server (VOUCH_TEST_PG_FILE)\n");
        return 77;
    }
    if (const int skip = skipWithoutOdbcDrivers())
        return skip;
    TestOdbcWarehouse tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return vouch::test::runGuarded(tc, argc, argv);
}

#include "tst_odbcwarehouse.moc"
