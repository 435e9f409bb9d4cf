// A warehouse node on the test PostgreSQL server (driver: postgres; a ctest
// fixture): cancelling stops the statement on the server
// (pg_cancel_backend), and a failed statement names the node and quotes the
// server.

#include "engine/contract/contractloader.h"
#include "engine/run/warehouseconnection.h"
#include "engine/run/warehouseexecutor.h"
#include "support/pgtest.h"
#include "support/warehousetest.h"

#include <QScopeGuard>
#include <QThread>

using namespace vouch::engine;
using namespace vouch::test;

namespace {

ContractPtr load(const QString &database, const QByteArray &nodes)
{
    const QUrl pg(pgAdminUrl());
    const QByteArray text =
        QStringLiteral("vouch: 1\n"
                       "report:\n"
                       "  id: weekly\n"
                       "  name: Weekly report\n"
                       "  timezone: Europe/London\n"
                       "  schedule: \"0 6 * * MON\"\n"
                       "  publish_by: \"MON 12:00\"\n"
                       "  sections: [{id: all, name: All, needs: [end], on_failure: hold}]\n"
                       "connections:\n"
                       "  dw: {driver: postgres, host: %1, port: %2, database: %3, user: %4}\n"
                       "nodes:\n")
            .arg(pg.host())
            .arg(pg.port())
            .arg(database, pg.userName())
            .toUtf8() +
        nodes + "  - {id: end, kind: noop}\n";
    return vouch::test::loadContractText(text);
}

RunContext context()
{
    return vouch::test::pinnedWeekContext();
}

// Qt's QPSQL runs a prepared statement as EXECUTE: any active query of
// the test's database but this one counts.
bool sleeping(const QString &database)
{
    return pgAdminExec(QStringLiteral("DO $$ BEGIN IF (SELECT count(*) FROM pg_stat_activity WHERE "
                                      "state = 'active' AND datname = '%1' AND pid <> "
                                      "pg_backend_pid()) = 0 THEN RAISE 'none'; END IF; END $$")
                           .arg(database));
}

} // namespace

class TestPgWarehouse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cancelStopsTheStatementOnTheServer()
    {
        QString db;
        pgFreshDatabase(QStringLiteral("wh"), &db);
        const auto c = load(db, "  - {id: slow, kind: sql, connection: dw, sql: \"select "
                                "pg_sleep(600)\"}\n");
        QVERIFY(c);
        auto canceller = std::make_shared<StatementCanceller>();
        NodeOutcome outcome;
        std::unique_ptr<QThread> worker(QThread::create([&] {
            outcome =
                executeWarehouseNode(*c, *c->node(QStringLiteral("slow")), context(), canceller);
        }));
        worker->start();
        // A failed check must not leave the worker sleeping for ten minutes.
        auto stop = qScopeGuard([&] {
            canceller->cancel();
            worker->wait();
        });
        QTRY_VERIFY_WITH_TIMEOUT(sleeping(db), 60000);
        canceller->cancel();
        // Polled, not a timed QThread::wait: under the faketime wrapper a timed
        // wait on a condition variable returns at once.
        QTRY_VERIFY_WITH_TIMEOUT(worker->isFinished(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!sleeping(db), 60000);
        QVERIFY2(outcome.state == NodeState::Failed, qPrintable(outcome.message));
        QVERIFY2(outcome.message.contains(QLatin1String("was cancelled on the server")),
                 qPrintable(outcome.message));
    }

    // A function body in dollar quotes holds semicolons: one statement.
    void dollarQuotedFunctionIsOneStatement()
    {
        QString db;
        pgFreshDatabase(QStringLiteral("wh"), &db);
        const auto c =
            load(db, "  - id: fn\n"
                     "    kind: sql\n"
                     "    connection: dw\n"
                     "    sql: |\n"
                     "      -- a total with the week's start, from a table function\n"
                     "      create function week_total() returns int language plpgsql as $$\n"
                     "      declare n int;\n"
                     "      begin\n"
                     "        n := 6; return n + 1;\n"
                     "      end $$;\n"
                     "      create table totals as\n"
                     "        select week_total() as total, :period_start as week_start;\n");
        QVERIFY(c);
        QCOMPARE(c->node(QStringLiteral("fn"))->statements.size(), 2);
        const NodeOutcome o = executeWarehouseNode(*c, *c->node(QStringLiteral("fn")), context());
        QVERIFY2(o.state == NodeState::Succeeded, qPrintable(o.message));
        QStringList rows;
        // CREATE TABLE … AS, which PostgreSQL cannot PREPARE, with the
        // period's start as its value.
        QVERIFY(pgAdminExec(QStringLiteral("select total || ' ' || week_start from totals"), db,
                            nullptr, &rows));
        QCOMPARE(rows, QStringList{QStringLiteral("7 2026-11-16")});
    }

    void failedStatementNamesTheNode()
    {
        QString db;
        pgFreshDatabase(QStringLiteral("wh"), &db);
        const auto c = load(db, "  - {id: mart, kind: sql, connection: dw, sql: [\"select 1\", "
                                "\"select * from no_such_table\"]}\n");
        QVERIFY(c);
        const NodeOutcome o = executeWarehouseNode(*c, *c->node(QStringLiteral("mart")), context());
        QVERIFY2(o.state == NodeState::Failed, qPrintable(o.message));
        QVERIFY(o.executionError);
        QVERIFY2(o.message.contains(QLatin1String("statement 2 of 2 of node 'mart' failed")),
                 qPrintable(o.message));
        QVERIFY2(o.message.contains(QLatin1String("no_such_table")), qPrintable(o.message));
    }
};

VOUCH_PG_TEST_MAIN(TestPgWarehouse)
#include "tst_pgwarehouse.moc"
