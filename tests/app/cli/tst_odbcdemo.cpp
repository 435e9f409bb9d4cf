// The Brightside path through ODBC: the demo's warehouse reached with
// unixODBC and the SQLite ODBC driver (libsqliteodbc, from a temporary
// ODBCSYSINI), by a connection string, gives every scenario the same
// verdict, node states and section statuses as Qt's own SQLite driver.

#include "support/demorun.h"
#include "support/odbctest.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::test;

namespace {

const QString kNow = QStringLiteral("2026-11-30T06:00:00Z");

} // namespace

class TestOdbcDemo : public QObject
{
    Q_OBJECT

    OdbcSetup m_odbc;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_odbc.write(QString())); }

    void sameVerdictsAsSqlite_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const QString &s : weeklyDemoScenarios())
            QTest::newRow(qPrintable(s)) << s;
    }

    void sameVerdictsAsSqlite()
    {
        QFETCH(QString, scenario);
        const DemoVerdict sqlite = runDemoVerdict(
            scenario, "{ driver: sqlite, database: \"${VOUCH_DATA}/warehouse.db\" }", kNow);
        const DemoVerdict odbc =
            runDemoVerdict(scenario,
                           "{ driver: odbc, dialect: sqlite, connection_string: \"Driver={Vouch "
                           "SQLite};Database=${VOUCH_DATA}/warehouse.db;Timeout=60000\" }",
                           kNow);
        compareDemoVerdicts(odbc, sqlite, "odbc");
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (const int skip = skipWithoutOdbcDrivers())
        return skip;
    TestOdbcDemo tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return vouch::test::runGuarded(tc, argc, argv);
}

#include "tst_odbcdemo.moc"
