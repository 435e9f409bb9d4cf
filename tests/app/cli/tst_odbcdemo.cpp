// The Brightside path through ODBC: the demo's warehouse reached with
// unixODBC and the SQLite ODBC driver (libsqliteodbc, from a temporary
// ODBCSYSINI), by a connection string, gives every scenario the same
// verdict, node states and section statuses as Qt's own SQLite driver.

#include "support/odbctest.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QDirIterator>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::test;

namespace {

const QString kNow = QStringLiteral("2026-11-30T06:00:00Z");

struct Verdict
{
    int exitCode = -1;
    QString report;
    QStringList sections; // id=status
    QStringList nodes;    // id=state
    QString output;
};

} // namespace

class TestOdbcDemo : public QObject
{
    Q_OBJECT

    OdbcSetup m_odbc;

    // `vouch demo init` in a new directory, the demo contract copied there
    // with its warehouse connection as `connection`, and the path run.
    Verdict runScenario(const QString &scenario, const QByteArray &connection)
    {
        QTemporaryDir dir;
        VouchOptions options;
        options.timeoutMs = 240000;
        options.env.insert(QStringLiteral("VOUCH_DATA"), dir.path());
        options.env.remove(QStringLiteral("VOUCH_STATE"));
        Verdict v;
        VouchResult r =
            runVouch({QStringLiteral("demo"), QStringLiteral("init"), dir.path(),
                      QStringLiteral("--scenario"), scenario, QStringLiteral("--now"), kNow},
                     options);
        if (r.exitCode != 0) {
            v.output = r.out + r.err;
            return v;
        }
        const QString source = QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside");
        QDirIterator it(source, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString from = it.next();
            const QString to =
                dir.filePath(QStringLiteral("contract/") + QDir(source).relativeFilePath(from));
            QDir().mkpath(QFileInfo(to).absolutePath());
            QFile::copy(from, to);
        }
        const QString contract = dir.filePath(QStringLiteral("contract/contract.yaml"));
        QFile f(contract);
        f.open(QIODevice::ReadWrite);
        QByteArray text = f.readAll();
        const QByteArray sqlite =
            "warehouse: { driver: sqlite, database: \"${VOUCH_DATA}/warehouse.db\" }";
        if (!text.contains(sqlite)) {
            v.output = QStringLiteral("the demo contract's warehouse connection changed");
            return v;
        }
        text.replace(sqlite, "warehouse: " + connection);
        f.resize(0);
        f.write(text);
        f.close();
        const QString state = dir.filePath(QStringLiteral("state.db"));
        r = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"), state,
                      QStringLiteral("--period"), QStringLiteral("2026-W48"),
                      QStringLiteral("--no-wait"), QStringLiteral("--now"), kNow},
                     options);
        v.exitCode = r.exitCode;
        v.output = r.out.right(1500) + r.err.right(600);
        const VouchResult s =
            runVouch({QStringLiteral("status"), QStringLiteral("--json"), QStringLiteral("--state"),
                      state, QStringLiteral("--now"), kNow},
                     options);
        const QJsonObject json = QJsonDocument::fromJson(s.out.toUtf8()).object();
        v.report = json.value(QStringLiteral("status")).toString();
        for (const QJsonValue &n : json.value(QStringLiteral("sections")).toArray())
            v.sections << n.toObject().value(QStringLiteral("id")).toString() + QLatin1Char('=') +
                              n.toObject().value(QStringLiteral("status")).toString();
        for (const QJsonValue &n : json.value(QStringLiteral("nodes")).toArray())
            v.nodes << n.toObject().value(QStringLiteral("id")).toString() + QLatin1Char('=') +
                           n.toObject().value(QStringLiteral("state")).toString();
        v.nodes.sort();
        return v;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_odbc.write(QString())); }

    void sameVerdictsAsSqlite_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const char *s : {"all-green", "sku-cost-gap", "late-stripe", "missing-ad-spend",
                              "stale-inventory", "bridge-variance", "missing-shopify"})
            QTest::newRow(s) << QString::fromLatin1(s);
    }

    void sameVerdictsAsSqlite()
    {
        QFETCH(QString, scenario);
        const Verdict sqlite =
            runScenario(scenario, "{ driver: sqlite, database: \"${VOUCH_DATA}/warehouse.db\" }");
        QVERIFY2(!sqlite.report.isEmpty(), qPrintable(sqlite.output));
        const Verdict odbc = runScenario(
            scenario, "{ driver: odbc, dialect: sqlite, connection_string: \"Driver={Vouch "
                      "SQLite};Database=${VOUCH_DATA}/warehouse.db;Timeout=60000\" }");
        QVERIFY2(odbc.exitCode == sqlite.exitCode,
                 qPrintable(QStringLiteral("odbc exit %1, sqlite exit %2\n%3")
                                .arg(odbc.exitCode)
                                .arg(sqlite.exitCode)
                                .arg(odbc.output)));
        QCOMPARE(odbc.report, sqlite.report);
        QCOMPARE(odbc.sections, sqlite.sections);
        QCOMPARE(odbc.nodes, sqlite.nodes);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (odbcDriverLibrary(QStringLiteral("libsqlite3odbc.so")).isEmpty() ||
        odbcDriverLibrary(QStringLiteral("psqlodbcw.so")).isEmpty()) {
        std::fprintf(stderr, "SKIP: libsqliteodbc or odbc-postgresql is not installed\n");
        return 77;
    }
    TestOdbcDemo tc;
    QTEST_SET_MAIN_SOURCE_PATH
    return vouch::test::runGuarded(tc, argc, argv);
}

#include "tst_odbcdemo.moc"
