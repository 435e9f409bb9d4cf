// The Brightside path on real servers: the demo's warehouse on the
// throwaway MariaDB server (driver: mariadb), on the throwaway PostgreSQL
// cluster by Qt's own driver (driver: postgres) and, through unixODBC and
// Debian's PostgreSQL ODBC driver, on the throwaway PostgreSQL cluster
// (driver: odbc, dialect: postgres). The ingest_* nodes load the landing
// data there, the models run their standard SQL (the SQLite variants stay
// on SQLite), and every scenario gives the same verdict, section statuses
// and node states as on SQLite. Each run has a database of its own.

#include "support/demorun.h"
#include "support/mysqltest.h"
#include "support/odbctest.h"
#include "support/pgtest.h"
#include "support/testguard.h"

#include <QHash>
#include <QTest>
#include <QUrl>

using namespace vouch::test;

namespace {

const QString kNow = QStringLiteral("2026-11-30T06:00:00Z");

} // namespace

class TestDemoServers : public QObject
{
    Q_OBJECT

    OdbcSetup m_odbc;
    QHash<QString, DemoVerdict> m_sqlite; // scenario -> its verdict on SQLite

    const DemoVerdict &onSqlite(const QString &scenario)
    {
        if (!m_sqlite.contains(scenario)) {
            m_sqlite.insert(
                scenario,
                runDemoVerdict(scenario,
                               "{ driver: sqlite, database: \"${VOUCH_DATA}/warehouse.db\" }",
                               kNow));
        }
        return m_sqlite[scenario];
    }

    static void scenarios()
    {
        QTest::addColumn<QString>("scenario");
        for (const QString &s : weeklyDemoScenarios())
            QTest::newRow(qPrintable(s)) << s;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_odbc.write(QString())); }

    void sameVerdictsOnMariadb_data() { scenarios(); }
    void sameVerdictsOnMariadb()
    {
        QFETCH(QString, scenario);
        const auto server = mariadbServer();
        QVERIFY(server);
        // Its own database, in UTF-8 whatever the server's default.
        const QString database = mysqlFreshDatabase(QStringLiteral("demo"));
        QVERIFY(mysqlAdminExec(
            QStringLiteral("ALTER DATABASE %1 CHARACTER SET utf8mb4").arg(database)));
        const DemoVerdict mariadb =
            runDemoVerdict(scenario,
                           QStringLiteral("{ driver: mariadb, host: %1, port: %2, database: %3, "
                                          "user: vouch_admin }")
                               .arg(server->host)
                               .arg(server->port)
                               .arg(database)
                               .toUtf8(),
                           kNow);
        mysqlAdminExec(QStringLiteral("DROP DATABASE %1").arg(database));
        compareDemoVerdicts(mariadb, onSqlite(scenario), "mariadb");
    }

private:
    // The scenario on a new database of the PostgreSQL cluster, reached by
    // `connection` (%1 host, %2 port, %3 database, %4 user), then dropped.
    void compareOnPostgres(const QString &connection, const char *what)
    {
        QFETCH(QString, scenario);
        QString database;
        pgFreshDatabase(QStringLiteral("demo"), &database);
        const QUrl pg(pgAdminUrl());
        const DemoVerdict postgres = runDemoVerdict(
            scenario,
            connection.arg(pg.host()).arg(pg.port()).arg(database, pg.userName()).toUtf8(), kNow);
        pgAdminExec(QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(database));
        compareDemoVerdicts(postgres, onSqlite(scenario), what);
    }

private Q_SLOTS:
    // Qt's own PostgreSQL driver (QPSQL), which cannot PREPARE the
    // models' DDL: those statements run unprepared.
    void sameVerdictsOnPostgres_data() { scenarios(); }
    void sameVerdictsOnPostgres()
    {
        compareOnPostgres(
            QStringLiteral("{ driver: postgres, host: %1, port: %2, database: %3, user: %4 }"),
            "postgres");
    }

    void sameVerdictsThroughOdbcOnPostgres_data() { scenarios(); }
    void sameVerdictsThroughOdbcOnPostgres()
    {
        compareOnPostgres(QStringLiteral("{ driver: odbc, dialect: postgres, connection_string: "
                                         "\"Driver={Vouch PostgreSQL};Server=%1;Port=%2;"
                                         "Database=%3;UID=%4\" }"),
                          "postgres (odbc)");
    }
};

// Skips (77) without either server or the ODBC drivers, as the tests of
// each server do.
int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (!mariadbServer() || pgAdminUrl().isEmpty()) {
        std::fprintf(stderr, "SKIP: no MariaDB or PostgreSQL test server\n");
        return 77;
    }
    if (const int skip = skipWithoutOdbcDrivers())
        return skip;
    TestDemoServers tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return runGuarded(tc, argc, argv);
}

#include "tst_demoservers.moc"
