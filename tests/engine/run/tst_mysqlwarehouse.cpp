// sql, freshness and check nodes on a real MariaDB server (driver: mysql),
// started by ctest (tests/support/mariadb-fixture.sh): the run parameters
// bound, timestamps read as UTC, sample rows limited on the server, and
// errors a person can act on (a refused login, an unknown database, a failed
// statement with the node and the server's message), never with a secret.

#include "engine/contract/contractloader.h"
#include "engine/run/warehouseconnection.h"
#include "engine/run/warehouseexecutor.h"
#include "support/mysqltest.h"
#include "support/warehousetest.h"

#include <QScopeGuard>
#include <QThread>

using namespace vouch::engine;
using namespace vouch::test;

namespace {

const QString kPassword = QStringLiteral("Tr0ub4dor&3-mysql");

QByteArray contractText(const QString &database, const QByteArray &nodes,
                        const QByteArray &connectionExtra = {})
{
    const auto server = mariadbServer();
    return QByteArray("vouch: 1\n"
                      "report:\n"
                      "  id: weekly\n"
                      "  name: Weekly report\n"
                      "  timezone: Europe/London\n"
                      "  schedule: \"0 6 * * MON\"\n"
                      "  publish_by: \"MON 12:00\"\n"
                      "  sections: [{id: all, name: All, needs: [end], on_failure: hold}]\n"
                      "connections:\n"
                      "  shop:\n"
                      "    driver: mariadb\n"
                      "    host: ") +
           server->host.toUtf8() + "\n    port: " + QByteArray::number(server->port) +
           "\n    database: " + database.toUtf8() +
           "\n    user: vouch_tester\n    password: \"${VOUCH_TEST_MYSQL_PASSWORD}\"\n" +
           connectionExtra + "nodes:\n" + nodes + "  - {id: end, kind: noop}\n";
}

ContractPtr load(const QByteArray &text)
{
    return vouch::test::loadContractText(text);
}

RunContext context()
{
    RunContext c = vouch::test::pinnedWeekContext();
    c.env.insert(QStringLiteral("VOUCH_TEST_MYSQL_PASSWORD"), kPassword);
    return c;
}

NodeOutcome execute(const ContractPtr &c, const QString &id, const RunContext &ctx = context(),
                    const CancellerPtr &canceller = {})
{
    return executeWarehouseNode(*c, *c->node(id), ctx, canceller);
}

} // namespace

class TestMysqlWarehouse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        mysqlAdminExec(QStringLiteral("DROP USER IF EXISTS 'vouch_tester'@'%'"));
        QVERIFY2(
            mysqlAdminExec(
                QStringLiteral("CREATE USER 'vouch_tester'@'%' IDENTIFIED BY '%1'").arg(kPassword),
                QString(), &error),
            qPrintable(error));
        QVERIFY2(mysqlAdminExec(QStringLiteral("GRANT ALL PRIVILEGES ON *.* TO 'vouch_tester'@'%'"),
                                QString(), &error),
                 qPrintable(error));
    }

    void sqlFreshnessAndCheckNodes()
    {
        const QString db = mysqlFreshDatabase(QStringLiteral("wh"));
        const auto c = load(contractText(
            db, "  - id: load_orders\n"
                "    kind: sql\n"
                "    connection: shop\n"
                "    sql:\n"
                "      - \"create table orders (id int primary key, sku varchar(20), amount "
                "decimal(10,2), loaded_at datetime, week_start date)\"\n"
                "      - \"insert into orders values (1, 'A', 10.50, '2026-11-30 02:00:00', "
                ":period_start), (2, null, 5.25, '2026-11-29 23:00:00', :period_start), (3, null, "
                "1.00, '2026-11-29 22:00:00', :period_start), (4, null, 2.00, '2026-11-29 "
                "21:00:00', :period_start)\"\n"
                "  - id: src_orders\n"
                "    kind: freshness\n"
                "    needs: [load_orders]\n"
                "    connection: shop\n"
                "    loaded_at: \"select max(loaded_at) from orders\"\n"
                "    warn_after: 3h\n"
                "    error_after: 1d\n"
                "  - id: chk_sku\n"
                "    kind: check\n"
                "    needs: [load_orders]\n"
                "    connection: shop\n"
                "    value: \"select count(*) from orders where sku is null and week_start = "
                ":period_start\"\n"
                "    rows: \"select id, amount from orders where sku is null order by id\"\n"
                "    sample_limit: 2\n"
                "    warn_if: \"> 0\"\n"));
        QVERIFY(c);

        const NodeOutcome sql = execute(c, QStringLiteral("load_orders"));
        QVERIFY2(sql.state == NodeState::Succeeded, qPrintable(sql.message));
        QStringList weeks;
        QVERIFY(mysqlAdminExec(QStringLiteral("select distinct week_start from orders"), db,
                               nullptr, &weeks));
        QCOMPARE(weeks, QStringList{QStringLiteral("2026-11-16")}); // :period_start, bound

        // DATETIME has no offset: it is UTC, 4 hours before the run's clock.
        const NodeOutcome fresh = execute(c, QStringLiteral("src_orders"));
        QVERIFY2(fresh.state == NodeState::Warned, qPrintable(fresh.message));
        QVERIFY(fresh.freshness == Freshness::StaleWarn);
        QCOMPARE(fresh.ageSeconds, qint64(4 * 3600));
        QCOMPARE(fresh.observedAt, QDateTime(QDate(2026, 11, 30), QTime(2, 0), QTimeZone::utc()));

        const NodeOutcome check = execute(c, QStringLiteral("chk_sku"));
        QVERIFY2(check.state == NodeState::Warned, qPrintable(check.message));
        QCOMPARE(check.value, 3.0);
        QCOMPARE(check.sampleRows.size(), 3); // the header and two rows
        QCOMPARE(check.sampleRows.at(0),
                 (QStringList{QStringLiteral("id"), QStringLiteral("amount")}));
        QCOMPARE(check.sampleRows.at(1).at(0), QStringLiteral("2"));
        QCOMPARE(check.sampleRows.at(2).at(0), QStringLiteral("3"));
    }

    void statementsOfANodeAreOneTransaction()
    {
        const QString db = mysqlFreshDatabase(QStringLiteral("tx"));
        QVERIFY(mysqlAdminExec(QStringLiteral("create table t (v int) engine=InnoDB"), db));
        const auto c = load(contractText(db, "  - id: two\n"
                                             "    kind: sql\n"
                                             "    connection: shop\n"
                                             "    sql: [\"insert into t values (1)\", \"insert "
                                             "into missing_table values (2)\"]\n"));
        QVERIFY(c);
        const NodeOutcome o = execute(c, QStringLiteral("two"));
        QVERIFY2(o.state == NodeState::Failed, qPrintable(o.message));
        QVERIFY(o.executionError);
        // The node, the statement and the server's own words.
        QVERIFY2(o.message.contains(QLatin1String("statement 2 of 2 of node 'two' failed")),
                 qPrintable(o.message));
        QVERIFY2(o.message.contains(QLatin1String("missing_table' doesn't exist")),
                 qPrintable(o.message));
        QStringList count;
        QVERIFY(mysqlAdminExec(QStringLiteral("select count(*) from t"), db, nullptr, &count));
        QCOMPARE(count, QStringList{QStringLiteral("0")}); // rolled back
    }

    void refusedLoginSaysWhatToCheck()
    {
        const QString db = mysqlFreshDatabase(QStringLiteral("auth"));
        const auto c = load(contractText(db, "  - id: q\n"
                                             "    kind: check\n"
                                             "    connection: shop\n"
                                             "    value: \"select 1\"\n"
                                             "    warn_if: \"> 5\"\n"));
        QVERIFY(c);
        RunContext ctx = context();
        const QString wrong = QStringLiteral("not-the-password-5ecret");
        ctx.env.insert(QStringLiteral("VOUCH_TEST_MYSQL_PASSWORD"), wrong);
        const NodeOutcome o = execute(c, QStringLiteral("q"), ctx);
        QVERIFY2(o.state == NodeState::Failed, qPrintable(o.message));
        QVERIFY(o.executionError);
        QVERIFY2(
            o.message.contains(QLatin1String("connection 'shop' (t.yaml:10) refused the login of "
                                             "user 'vouch_tester': check the user "
                                             "and the password (${VOUCH_TEST_MYSQL_PASSWORD})")),
            qPrintable(o.message));
        QVERIFY(!o.message.contains(wrong));
        QVERIFY(!o.message.contains(kPassword));
    }

    // A procedure written as for the mysql client, with DELIMITER lines:
    // split where the client splits it, created and called.
    void delimiterScriptCreatesAndCallsAProcedure()
    {
        const QString db = mysqlFreshDatabase(QStringLiteral("proc"));
        const auto c = load(contractText(db, "  - id: refresh\n"
                                             "    kind: sql\n"
                                             "    connection: shop\n"
                                             "    sql: |\n"
                                             "      # the week's orders, by a procedure\n"
                                             "      create table week_orders (n int);\n"
                                             "      DELIMITER //\n"
                                             "      create procedure refresh_week()\n"
                                             "      begin\n"
                                             "        delete from week_orders;\n"
                                             "        insert into week_orders values (7);\n"
                                             "      end //\n"
                                             "      DELIMITER ;\n"
                                             "      call refresh_week();\n"));
        QVERIFY(c);
        QCOMPARE(c->node(QStringLiteral("refresh"))->statements.size(), 3);
        const NodeOutcome o = execute(c, QStringLiteral("refresh"));
        QVERIFY2(o.state == NodeState::Succeeded, qPrintable(o.message));
        QStringList rows;
        QVERIFY(mysqlAdminExec(QStringLiteral("select n from week_orders"), db, nullptr, &rows));
        QCOMPARE(rows, QStringList{QStringLiteral("7")});
    }

    void unknownDatabaseSaysSo()
    {
        const auto c = load(contractText(QStringLiteral("no_such_db"), "  - id: q\n"
                                                                       "    kind: check\n"
                                                                       "    connection: shop\n"
                                                                       "    value: \"select 1\"\n"
                                                                       "    warn_if: \"> 5\"\n"));
        QVERIFY(c);
        const NodeOutcome o = execute(c, QStringLiteral("q"));
        QVERIFY2(o.state == NodeState::Failed, qPrintable(o.message));
        QVERIFY2(o.message.contains(
                     QLatin1String("connection 'shop' (t.yaml:10): the server has no database "
                                   "'no_such_db'")),
                 qPrintable(o.message));
    }

    // A canceller stops the statement on the server (KILL QUERY), not only
    // the wait for it: the server's process list no longer shows it.
    void cancelStopsTheStatementOnTheServer()
    {
        const QString db = mysqlFreshDatabase(QStringLiteral("cancel"));
        const auto c = load(contractText(db, "  - id: slow\n"
                                             "    kind: sql\n"
                                             "    connection: shop\n"
                                             "    sql: \"select sleep(600)\"\n"));
        QVERIFY(c);
        auto canceller = std::make_shared<StatementCanceller>();
        NodeOutcome outcome;
        std::unique_ptr<QThread> worker(QThread::create(
            [&] { outcome = execute(c, QStringLiteral("slow"), context(), canceller); }));
        worker->start();
        // A failed check must not leave the worker sleeping for ten minutes.
        auto stop = qScopeGuard([&] {
            canceller->cancel();
            worker->wait();
        });
        const QString running = QStringLiteral(
            "select count(*) from information_schema.processlist where info = 'select sleep(600)'");
        QStringList count;
        QTRY_VERIFY_WITH_TIMEOUT((count.clear(),
                                  mysqlAdminExec(running, QString(), nullptr, &count),
                                  count == QStringList{QStringLiteral("1")}),
                                 60000);
        canceller->cancel();
        // Polled, not a timed QThread::wait: under the faketime wrapper a timed
        // wait on a condition variable returns at once.
        QTRY_VERIFY_WITH_TIMEOUT(worker->isFinished(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT((count.clear(),
                                  mysqlAdminExec(running, QString(), nullptr, &count),
                                  count == QStringList{QStringLiteral("0")}),
                                 60000);
        QVERIFY2(outcome.state == NodeState::Failed, qPrintable(outcome.message));
        QVERIFY2(outcome.message.contains(QLatin1String("was cancelled on the server")),
                 qPrintable(outcome.message));
    }
};

VOUCH_MYSQL_TEST_MAIN(TestMysqlWarehouse)
#include "tst_mysqlwarehouse.moc"
