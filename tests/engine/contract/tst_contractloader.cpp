// The contract loader: a valid contract becomes a model; every malformed one
// is a diagnostic with the right line, column and an actionable message.

#include "engine/contract/contractloader.h"
#include "engine/contract/sqlscript.h"
#include "support/contracts.h"
#include "support/testguard.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace vouch::engine;

namespace {

// Line numbers matter: the malformed cases below edit single lines of this text.
const QByteArray kBase = VOUCH_TEST_WEEKLY_REPORT R"(  approvers: [analytics-lead]
  sections:
    - id: revenue
      name: Revenue
      needs: [mart]
      on_failure: hold
connections:
  warehouse: { driver: sqlite, database: "${VOUCH_DATA}/w.db" }
nodes:
  - id: src
    kind: noop
  - id: mart
    kind: sql
    needs: [src]
    connection: warehouse
    sql: "select 1"
  - id: chk
    kind: check
    needs: [mart]
    connection: warehouse
    value: "select 0"
    warn_if: "> 0"
)";

QByteArray edit(QByteArray text, const QByteArray &from, const QByteArray &to)
{
    Q_ASSERT_X(text.contains(from), "edit", from.constData());
    return text.replace(from, to);
}

QString describe(const Diagnostics &ds)
{
    QStringList lines;
    for (const Diagnostic &d : ds)
        lines << d.format();
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestContractLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validContract()
    {
        const LoadResult r =
            ContractLoader::loadText(kBase, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics)));
        const Contract &c = *r.contract;
        QCOMPARE(c.report.id, QStringLiteral("weekly"));
        QCOMPARE(c.report.timezone, QByteArray("Europe/London"));
        QCOMPARE(c.report.publishBy.toString(), QStringLiteral("MON 12:00"));
        QCOMPARE(c.report.approvers, QStringList{QStringLiteral("analytics-lead")});
        QCOMPARE(c.nodes.size(), 3);
        QVERIFY(c.nodes.at(1).kind == NodeKind::Sql);
        QCOMPARE(c.nodes.at(1).statements, QStringList{QStringLiteral("select 1")});
        QCOMPARE(c.nodes.at(2).needs, QStringList{QStringLiteral("mart")});
        QVERIFY(c.nodes.at(2).warnIf.has_value());
        QVERIFY(c.nodes.at(2).pos == (SourcePos{24, 5}));
        QCOMPARE(c.edgeCount(), 2);
        QVERIFY(c.report.sections.at(0).onFailure == FailurePolicy::Hold);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("message");

        QTest::newRow("yaml syntax: unclosed flow list")
            << edit(kBase, "needs: [src]", "needs: [src") << 22 << 15 << "YAML syntax error";
        QTest::newRow("yaml syntax: bad indentation")
            << edit(kBase, "    kind: noop\n", "      kind: noop\n") << 18 << 11
            << "YAML syntax error";
        QTest::newRow("unknown top-level key with suggestion")
            << edit(kBase, "connections:", "conections:") << 14 << 1
            << "unknown key 'conections' in the contract; did you mean 'connections'?";
        QTest::newRow("unknown node key with suggestion")
            << edit(kBase,
                    "    connection: warehouse\n    sql:", "    conection: warehouse\n    sql:")
            << 22 << 5 << "unknown key 'conection' in node 'mart'; did you mean 'connection'?";
        QTest::newRow("unknown report key with suggestion")
            << edit(kBase, "  publish_by:", "  publishby:") << 7 << 3
            << "unknown key 'publishby' in 'report'; did you mean 'publish_by'?";
        QTest::newRow("unknown section key")
            << edit(kBase, "      on_failure: hold",
                    "      on_failure: hold\n      fallbak: call Ann")
            << 14 << 7 << "unknown key 'fallbak' in section 'revenue'; did you mean 'fallback'?";
        QTest::newRow("missing kind")
            << edit(kBase, "  - id: src\n    kind: noop\n", "  - id: src\n") << 17 << 5
            << "node 'src' is missing required key 'kind'";
        QTest::newRow("missing report id") << edit(kBase, "  id: weekly\n", "") << 3 << 3
                                           << "'report' is missing required key 'id'";
        QTest::newRow("missing nodes")
            << kBase.left(kBase.indexOf("nodes:")) << 1 << 1 << "missing required key 'nodes'";
        QTest::newRow("wrong type: needs is text")
            << edit(kBase, "needs: [src]", "needs: src") << 21 << 12
            << "'needs' in node 'mart' must be a list";
        QTest::newRow("wrong type: report is a list")
            << edit(kBase, "report:\n  id: weekly", "report: [weekly]\nxreport:\n  id: weekly") << 2
            << 9 << "'report' must be a mapping";
        QTest::newRow("retries out of range")
            << edit(kBase, "    kind: noop", "    kind: noop\n    retries: 500") << 19 << 14
            << "'retries' in node 'src' must be between 0 and 100, found 500";
        QTest::newRow("retries not a number")
            << edit(kBase, "    kind: noop", "    kind: noop\n    retries: many") << 19 << 14
            << "'retries' in node 'src' must be a whole number, found 'many'";
        QTest::newRow("duplicate node id") << edit(kBase, "  - id: chk", "  - id: mart") << 24 << 9
                                           << "duplicate node id 'mart'; first defined at line 19";
        QTest::newRow("needs unknown node with closest name")
            << edit(kBase, "    needs: [mart]\n    connection", "    needs: [mrat]\n    connection")
            << 26 << 13 << "node 'chk' needs unknown node 'mrat'; did you mean 'mart'?";
        QTest::newRow("cycle") << edit(kBase, "    kind: noop", "    kind: noop\n    needs: [chk]")
                               << 17 << 5 << "dependency cycle: src -> chk -> mart -> src";
        QTest::newRow("self dependency") << edit(kBase, "needs: [src]", "needs: [src, mart]") << 21
                                         << 18 << "node 'mart' needs itself";
        QTest::newRow("section needs unknown node")
            << edit(kBase, "      needs: [mart]", "      needs: [mart_revenue]") << 12 << 15
            << "section 'revenue' needs unknown node 'mart_revenue'";
        QTest::newRow("section missing needs")
            << edit(kBase, "      needs: [mart]\n", "") << 10 << 7
            << "section 'revenue' is missing required key 'needs'";
        QTest::newRow("bad duration unit")
            << edit(kBase, "    kind: noop", "    kind: noop\n    retry_delay: 10x") << 19 << 20
            << "bad duration '10x'";
        QTest::newRow("duration without unit")
            << edit(kBase, "    kind: noop", "    kind: noop\n    timeout: 30") << 19 << 16
            << "bad duration '30'";
        QTest::newRow("cron with four fields") << edit(kBase, "\"0 6 * * MON\"", "\"0 6 * MON\"")
                                               << 6 << 23 << "bad schedule '0 6 * MON'";
        QTest::newRow("cron minute out of range")
            << edit(kBase, "\"0 6 * * MON\"", "\"61 6 * * MON\"") << 6 << 14
            << "bad schedule '61 6 * * MON'";
        QTest::newRow("publish_by unknown day")
            << edit(kBase, "\"MON 12:00\"", "\"MOM 12:00\"") << 7 << 16 << "bad time 'MOM 12:00'";
        QTest::newRow("publish_by bad hour")
            << edit(kBase, "\"MON 12:00\"", "\"MON 25:00\"") << 7 << 20 << "bad time 'MON 25:00'";
        QTest::newRow("unknown time zone with suggestion")
            << edit(kBase, "Europe/London", "Europe/Londn") << 5 << 13
            << "unknown time zone 'Europe/Londn'; did you mean 'Europe/London'?";
        QTest::newRow("bad threshold") << edit(kBase, "warn_if: \"> 0\"", "warn_if: \"greater 0\"")
                                       << 29 << 15 << "bad threshold 'greater 0'";
        QTest::newRow("tolerance without reference")
            << edit(kBase, "warn_if: \"> 0\"", "warn_if: \"abs_diff > 0.5%\"") << 29 << 14
            << "compares against a reference; add a 'reference' query";
        QTest::newRow("unknown connection with suggestion")
            << edit(kBase, "    connection: warehouse\n    sql",
                    "    connection: warehous\n    sql")
            << 22 << 17
            << "node 'mart' uses unknown connection 'warehous'; did you mean 'warehouse'?";
        QTest::newRow("unsupported version")
            << edit(kBase, "vouch: 1", "vouch: 2") << 1 << 8 << "unsupported contract version '2'";
        QTest::newRow("missing version")
            << edit(kBase, "vouch: 1\n", "") << 1 << 1 << "missing 'vouch: 1'";
        QTest::newRow("invalid utf-8")
            << edit(kBase, "Weekly report", "Weekly \xff report") << 4 << 16 << "not valid UTF-8";
        QTest::newRow("password written in clear")
            << edit(kBase, "connections:\n",
                    "connections:\n  pg: { driver: postgres, database: fin, password: hunter2 }\n")
            << 15 << 52 << "'password' in connection 'pg' is written in clear";
        QTest::newRow("password in database url")
            << edit(
                   kBase, "connections:\n",
                   "connections:\n  pg: { driver: postgres, database: \"postgres://u:pw@h/db\" }\n")
            << 15 << 37 << "password written in its URL";
        // Warehouses: ODBC and MySQL/MariaDB (docs/contract.md, "connections").
        QTest::newRow("odbc without dialect")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw: { driver: odbc, dsn: Snowflake }\n")
            << 15 << 3 << "connection 'dw' (driver odbc) needs 'dialect': the engine behind";
        QTest::newRow("odbc with neither dsn nor connection_string")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw: { driver: odbc, dialect: snowflake }\n")
            << 15 << 3 << "needs exactly one of 'dsn' (a data source name from odbc.ini)";
        QTest::newRow("odbc with both dsn and connection_string")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw: { driver: odbc, dialect: generic, dsn: a,\n"
                    "        connection_string: \"Driver=x\" }\n")
            << 16 << 9 << "needs exactly one of 'dsn'";
        QTest::newRow("unknown dialect with suggestion")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw: { driver: odbc, dialect: snowflak, dsn: Snow }\n")
            << 15 << 32
            << "unknown dialect 'snowflak' in connection 'dw'; did you mean 'snowflake'?";
        QTest::newRow("unknown driver with suggestion")
            << edit(kBase, "connections:\n", "connections:\n  dw: { driver: mysq, database: a }\n")
            << 15 << 17 << "unknown driver 'mysq' in connection 'dw'; did you mean 'mysql'?";
        QTest::newRow("database with odbc")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw: { driver: odbc, dialect: generic, dsn: a, database: b }\n")
            << 15 << 49 << "'database' is not used by driver odbc in connection 'dw'";
        QTest::newRow("dsn with mysql")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw: { driver: mysql, database: b, dsn: a }\n")
            << 15 << 37 << "'dsn' is not used by driver mysql";
        QTest::newRow("mysql without database")
            << edit(kBase, "connections:\n", "connections:\n  dw: { driver: mariadb, host: h }\n")
            << 15 << 3 << "connection 'dw' is missing required key 'database'";
        QTest::newRow("a dialect other than the driver's")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw: { driver: mysql, dialect: sqlserver, database: b }\n")
            << 15 << 33 << "driver mysql in connection 'dw' speaks the mysql dialect";
        QTest::newRow("password in clear in a connection string")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw:\n    driver: odbc\n    dialect: sqlserver\n"
                    "    connection_string: \"Driver={ODBC Driver 18 for SQL "
                    "Server};Server=sql;UID=vouch;PWD=hunter2\"\n")
            << 18 << 89 << "'PWD' in the connection_string of connection 'dw' is written in clear";
        QTest::newRow("token in clear in a connection string")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw:\n    driver: odbc\n    dialect: databricks\n"
                    "    connection_string: \"Driver=Simba;Auth_AccessToken={dapi1234}\"\n")
            << 18 << 55 << "'Auth_AccessToken' in the connection_string of connection 'dw'";
        QTest::newRow("unclosed brace in a connection string")
            << edit(kBase, "connections:\n",
                    "connections:\n  dw:\n    driver: odbc\n    dialect: generic\n"
                    "    connection_string: \"Driver={x;UID=a\"\n")
            << 18 << 32 << "the value of 'Driver' opens '{' and never closes it";
        QTest::newRow("unknown kind with suggestion")
            << edit(kBase, "    kind: check", "    kind: chek") << 25 << 11
            << "unknown kind 'chek' in node 'chk'; did you mean 'check'?";
        QTest::newRow("key of another kind")
            << edit(kBase, "    sql: \"select 1\"",
                    "    sql: \"select 1\"\n    value: \"select 2\"")
            << 24 << 5 << "'value' is not used by sql nodes";
        QTest::newRow("duplicate key")
            << edit(kBase, "    kind: noop", "    kind: noop\n    kind: noop") << 19 << 5
            << "duplicate key 'kind' in node 'src'; first given at line 18";
        QTest::newRow("unknown failure policy")
            << edit(kBase, "on_failure: hold", "on_failure: halt") << 13 << 19
            << "unknown policy 'halt' for 'on_failure' in section 'revenue'; use block, hold or "
               "caveat";
        QTest::newRow("template with unknown placeholder")
            << edit(kBase, "warn_if: \"> 0\"", "warn_if: \"> 0\"\n    impact: \"{vlaue} products\"")
            << 30 << 15 << "unknown placeholder";
        QTest::newRow("freshness warn_after not below error_after")
            << edit(kBase, "    kind: noop",
                    "    kind: freshness\n    connection: warehouse\n    loaded_at: \"select 1\"\n"
                    "    warn_after: 2d\n    error_after: 1d")
            << 21 << 17 << "'warn_after' (2d) must be shorter than 'error_after' (1d)";
        QTest::newRow("freshness without loaded_at or path")
            << edit(kBase, "    kind: noop", "    kind: freshness\n    warn_after: 1h") << 17 << 5
            << "needs exactly one of 'loaded_at' (a query) or 'path' (a file)";
        QTest::newRow("check without thresholds") << edit(kBase, "    warn_if: \"> 0\"\n", "") << 24
                                                  << 5 << "needs 'warn_if' and/or 'error_if'";
        QTest::newRow("nodes is a mapping")
            << kBase.left(kBase.indexOf("nodes:")) + "nodes:\n  src: {kind: noop}\n"
            << 17 << 3 << "'nodes' must be a list of nodes";
        QTest::newRow("two documents") << kBase + "---\nvouch: 1\n"
                                       << 30 << 1 << "holds one YAML document";
        QTest::newRow("stray text after the document's end")
            << kBase + "...\nextra: 1\n"
            << 31 << 1 << "holds one YAML document";
        // Past sixteen keys the walker looks keys up by hash: still found.
        QTest::newRow("duplicate key among many")
            << edit(kBase, "    kind: noop",
                    "    kind: noop\n    k01: x\n    k02: x\n    k03: x\n    k04: x\n"
                    "    k05: x\n    k06: x\n    k07: x\n    k08: x\n    k09: x\n    k10: x\n"
                    "    k11: x\n    k12: x\n    k13: x\n    k14: x\n    k15: x\n    k16: x\n"
                    "    k17: x\n    k03: y")
            << 36 << 5 << "duplicate key 'k03' in node 'src'; first given at line 21";
        QTest::newRow("a need listed twice in a long list")
            << edit(kBase, "    needs: [src]\n    connection",
                    "    needs: [src, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, "
                    "a14, a15, a16, src]\n    connection")
            << 21 << 89 << "node 'mart' lists 'src' twice in 'needs'";
        QTest::newRow("source not upstream")
            << edit(kBase, "      on_failure: hold", "      sources: [chk]\n      on_failure: hold")
            << 13 << 17 << "lists source 'chk', which is not upstream of its needs";
        QTest::newRow("unknown pool")
            << edit(kBase, "    kind: noop", "    kind: noop\n    pool: warehouse") << 19 << 11
            << "node 'src' uses unknown pool 'warehouse'";
        QTest::newRow("bad escalation condition")
            << edit(kBase, "  approvers: [analytics-lead]",
                    "  approvers: [analytics-lead]\n  escalation:\n    - {at: \"MON 10:00\", if: "
                    "unsafe, notify: [cfo]}")
            << 10 << 29 << "unknown escalation condition 'unsafe'";
        QTest::newRow("bad environment reference")
            << edit(kBase, "${VOUCH_DATA}", "${VOUCH DATA}") << 15 << 43
            << "bad environment reference '${VOUCH DATA}'";
        QTest::newRow("alert route to unknown channel with suggestion")
            << kBase + "alerting:\n  channels:\n    finance: {type: slack, url: \"${SLACK}\"}\n"
                       "  routes:\n    - to: [finanse]\n"
            << 34 << 12
            << "an alert route sends to unknown channel 'finanse'; did you mean 'finance'?";
        QTest::newRow("webhook url written in clear")
            << kBase + "alerting:\n  channels:\n    finance: {type: slack, url: "
                       "\"https://hooks.slack.com/services/T0/B0/x\"}\n"
            << 32 << 33 << "the url of channel 'finance' is written in clear";
        QTest::newRow("pagerduty without routing key")
            << kBase + "alerting:\n  channels:\n    oncall: {type: pagerduty}\n"
            << 32 << 5 << "channel 'oncall' is missing 'routing_key'";
        QTest::newRow("routing key written in clear")
            << kBase +
                   "alerting:\n  channels:\n    oncall: {type: pagerduty, routing_key: abc123}\n"
            << 32 << 44 << "'routing_key' in channel 'oncall' is written in clear";
        QTest::newRow("unknown channel type")
            << kBase + "alerting:\n  channels:\n    chat: {type: discord, url: \"${X}\"}\n"
            << 32 << 18 << "unknown channel type 'discord'";
        QTest::newRow("route with unknown severity and section")
            << kBase + "alerting:\n  channels:\n    c: {type: webhook, url: \"${X}\"}\n  routes:\n"
                       "    - when: {severity: [urgent]}\n      to: [c]\n"
            << 34 << 25 << "unknown severity 'urgent'";
        QTest::newRow("route names unknown section")
            << kBase + "alerting:\n  channels:\n    c: {type: webhook, url: \"${X}\"}\n  routes:\n"
                       "    - when: {section: [revenu]}\n      to: [c]\n"
            << 34 << 24 << "names unknown section 'revenu'; did you mean 'revenue'?";
        QTest::newRow("owner mapped to unknown channel")
            << kBase + "alerting:\n  channels:\n    c: {type: webhook, url: \"${X}\"}\n  owners:\n"
                       "    cfo: [d]\n"
            << 34 << 11 << "owner 'cfo' sends to unknown channel 'd'";
        QTest::newRow("bad node id") << edit(kBase, "  - id: src", "  - id: \"my node\"") << 17 << 9
                                     << "'my node' is not a valid node id";
        QTest::newRow("wait needs a limit")
            << edit(
                   kBase, "    kind: noop",
                   "    kind: freshness\n    path: /tmp\n    warn_after: 1h\n    wait: {every: 5m}")
            << 21 << 11 << "needs exactly one limit";
        QTest::newRow("sql_file missing")
            << edit(kBase, "    sql: \"select 1\"", "    sql_file: models/nope.sql") << 23 << 15
            << "sql_file 'models/nope.sql' for node 'mart' not found";
        QTest::newRow("sql_file per dialect without default")
            << edit(kBase, "    sql: \"select 1\"", "    sql_file: {sqlite: models/nope.sql}") << 23
            << 15 << "'sql_file' in node 'mart' needs a 'default' file";
        QTest::newRow("sql_file per dialect, unknown dialect")
            << edit(kBase, "    sql: \"select 1\"",
                    "    sql_file:\n      default: models/nope.sql\n      postgresql: x.sql")
            << 25 << 7 << "did you mean 'postgres'?";
        QTest::newRow("sql_file per dialect, a variant the connection does not pick is missing")
            << edit(kBase, "    sql: \"select 1\"",
                    "    sql_file: {default: models/nope.sql, mysql: models/mysql/nope.sql}")
            << 23 << 49 << "sql_file 'models/mysql/nope.sql' for node 'mart' not found";
    }

    void malformed()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, message);
        const LoadResult r =
            ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY2(!r.ok(), "a malformed contract must not load");
        bool found = false;
        for (const Diagnostic &d : r.diagnostics)
            found |= d.line == line && d.column == column && d.message.contains(message) &&
                     d.severity == Diagnostic::Severity::Error && d.file == QLatin1String("c.yaml");
        QVERIFY2(found, qPrintable(QStringLiteral("expected %1:%2: %3\ngot:\n%4")
                                       .arg(line)
                                       .arg(column)
                                       .arg(message, describe(r.diagnostics))));
        // Sorted by position, as `vouch validate` prints them.
        QVERIFY(std::is_sorted(r.diagnostics.cbegin(), r.diagnostics.cend()));

        // Plain ASCII YAML is read by libyaml, anything else by yaml-cpp: a
        // comment with a non-ASCII letter at the end of the first line sends
        // the same text to yaml-cpp, which must say the same.
        if (!yaml.startsWith("vouch: 1\n"))
            return;
        const LoadResult slow = ContractLoader::loadText(
            "vouch: 1  # caf\xc3\xa9" + yaml.mid(8), QStringLiteral("c.yaml"), QDir::tempPath());
        QCOMPARE(describe(slow.diagnostics), describe(r.diagnostics));
    }

    // An id becomes a log file name (`<id>.<try>.log`): one the file system
    // cannot create must be refused by `vouch validate`, not at run time.
    void idsTooLongForAFileNameAreRefused()
    {
        const QByteArray longest(128, 'a');
        const QByteArray tooLong(250, 'b');
        QByteArray yaml = edit(kBase, "  - id: src", "  - id: " + longest);
        yaml = edit(yaml, "needs: [src]", "needs: [" + longest + "]");
        LoadResult r = ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics)));
        QCOMPARE(r.contract->nodes.at(0).id, QString::fromLatin1(longest));

        yaml = edit(kBase, "  - id: src", "  - id: " + tooLong);
        yaml = edit(yaml, "needs: [src]", "needs: [" + tooLong + "]");
        yaml = edit(yaml, "  id: weekly", "  id: " + tooLong);
        r = ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY(!r.ok());
        const QStringList lines = describe(r.diagnostics).split(QLatin1Char('\n'));
        const QString expected =
            QStringLiteral("c.yaml:17:9: error: node id '%1…' is too long: 250 characters, "
                           "at most 128 are allowed (ids name log files); shorten it")
                .arg(QString(40, QLatin1Char('b')));
        QVERIFY2(lines.contains(expected), qPrintable(lines.join(QLatin1Char('\n'))));
        QVERIFY2(lines.contains(QStringLiteral("c.yaml:3:7: error: report id '%1…' is too long: "
                                               "250 characters, at most 128 are allowed (ids "
                                               "name log files); shorten it")
                                    .arg(QString(40, QLatin1Char('b')))),
                 qPrintable(lines.join(QLatin1Char('\n'))));
    }

    void diagnosticsAreSortedAndComplete()
    {
        QByteArray yaml =
            edit(kBase, "needs: [mart]\n    connection", "needs: [mrat]\n    connection");
        yaml = edit(yaml, "  publish_by:", "  publishby:");
        yaml = edit(yaml, "    kind: noop", "    kind: noop\n    retries: -1");
        const LoadResult r = ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QString());
        QList<int> lines;
        for (const Diagnostic &d : r.diagnostics)
            lines << d.line;
        QVERIFY2(lines.contains(7) && lines.contains(19) && lines.contains(27),
                 qPrintable(describe(r.diagnostics)));
        QVERIFY(std::is_sorted(lines.cbegin(), lines.cend()));
    }

    void sqlFileIsReadAndSplit()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir().mkpath(dir.filePath(QStringLiteral("models")));
        QFile f(dir.filePath(QStringLiteral("models/m.sql")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("-- build the mart\ndrop table if exists m;\ncreate table m as select ';' as x; -- "
                "done\n");
        f.close();
        const QByteArray yaml = edit(kBase, "    sql: \"select 1\"", "    sql_file: models/m.sql");
        const LoadResult r = ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), dir.path());
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics)));
        const QStringList statements = r.contract->nodes.at(1).statements;
        QCOMPARE(statements.size(), 2);
        QVERIFY(statements.at(1).startsWith(QLatin1String("create table m as select ';'")));
    }

    void sqlFilePerDialect_data()
    {
        QTest::addColumn<QByteArray>("connection");
        QTest::addColumn<QString>("file");
        QTest::newRow("sqlite picks its own")
            << QByteArray("{ driver: sqlite, database: \"${VOUCH_DATA}/w.db\" }")
            << QStringLiteral("models/sqlite/m.sql");
        QTest::newRow("mariadb has none: default")
            << QByteArray("{ driver: mariadb, host: db, database: w, user: vouch }")
            << QStringLiteral("models/m.sql");
        QTest::newRow("odbc by its dialect")
            << QByteArray("{ driver: odbc, dialect: sqlite, dsn: w }")
            << QStringLiteral("models/sqlite/m.sql");
    }

    void sqlFilePerDialect()
    {
        QFETCH(QByteArray, connection);
        QFETCH(QString, file);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir().mkpath(dir.filePath(QStringLiteral("models/sqlite")));
        for (const char *name : {"models/m.sql", "models/sqlite/m.sql"}) {
            QFile f(dir.filePath(QLatin1String(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray("select '") + name + "';\n");
        }
        QByteArray yaml = edit(kBase, "    sql: \"select 1\"",
                               "    sql_file:\n      default: models/m.sql\n"
                               "      sqlite: models/sqlite/m.sql");
        yaml = edit(yaml, "{ driver: sqlite, database: \"${VOUCH_DATA}/w.db\" }", connection);
        const LoadResult r = ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), dir.path());
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics)));
        const Node &mart = r.contract->nodes.at(1);
        QCOMPARE(mart.sqlFile, QFileInfo(dir.filePath(file)).absoluteFilePath());
        QCOMPARE(mart.statements, QStringList{QStringLiteral("select '%1'").arg(file)});
    }

    void warehouseConnections()
    {
        const QByteArray yaml = edit(
            kBase, "connections:\n",
            "connections:\n"
            "  snow: { driver: odbc, dialect: snowflake, dsn: Snowflake, user: vouch,\n"
            "          password: keychain:snowflake }\n"
            "  mssql:\n    driver: odbc\n    dialect: sqlserver\n"
            "    connection_string: \"Driver={ODBC Driver 18 for SQL Server};Server=sql,1433;"
            "UID=vouch;PWD=keychain:sqlserver-finance\"\n"
            "  shop: { driver: mariadb, host: 127.0.0.1, port: 3306, database: shop, user: vouch,\n"
            "          password: \"${SHOP_PASSWORD}\" }\n");
        const LoadResult r = ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QString());
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics)));
        const Connection snow = r.contract->connections.value(QStringLiteral("snow"));
        QVERIFY(snow.driver == Connection::Driver::Odbc);
        QVERIFY(snow.dialect == Connection::Dialect::Snowflake);
        QCOMPARE(snow.dsn, QStringLiteral("Snowflake"));
        QCOMPARE(snow.password->text, QStringLiteral("snowflake"));
        const Connection mssql = r.contract->connections.value(QStringLiteral("mssql"));
        QVERIFY(mssql.dialect == Connection::Dialect::SqlServer);
        QVERIFY(mssql.connectionString.endsWith(QLatin1String("PWD=keychain:sqlserver-finance")));
        const Connection shop = r.contract->connections.value(QStringLiteral("shop"));
        QVERIFY(shop.driver == Connection::Driver::Mysql);
        QVERIFY(shop.dialect == Connection::Dialect::Mysql);
        QCOMPARE(shop.port, 3306);
        QVERIFY(r.contract->connections.value(QStringLiteral("warehouse")).dialect ==
                Connection::Dialect::Sqlite);
    }

    void secretsInConnectionStringsNeverEchoed()
    {
        const QByteArray yaml =
            edit(kBase, "connections:\n",
                 "connections:\n  dw: { driver: odbc, dialect: redshift, connection_string: "
                 "\"Driver=Amazon Redshift;Server=r;Password={s3cr;et}\" }\n");
        const LoadResult r = ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QString());
        QVERIFY(!r.ok());
        QVERIFY2(
            describe(r.diagnostics).contains(QLatin1String("'Password' in the connection_string")),
            qPrintable(describe(r.diagnostics)));
        QVERIFY(!describe(r.diagnostics).contains(QLatin1String("s3cr")));
    }

    void secretsNeverEchoed()
    {
        const QByteArray yaml =
            edit(kBase, "connections:\n",
                 "connections:\n  pg: { driver: postgres, database: fin, password: hunter2 }\n");
        const LoadResult r = ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QString());
        QVERIFY(!r.ok());
        QVERIFY(!describe(r.diagnostics).contains(QLatin1String("hunter2")));
    }

    void hostile_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray() << "the contract is empty";
        QTest::newRow("whitespace") << QByteArray("\n\n   \n") << "the contract is empty";
        QTest::newRow("scalar") << QByteArray("hello") << "a contract is a mapping";
        QTest::newRow("nul byte") << QByteArray("vouch: 1\0\n", 10) << "not valid UTF-8";
        QTest::newRow("deep flow nesting") << QByteArray(100000, '[') << "nested deeper than 256";
        QTest::newRow("deep block sequences") << QByteArray("- ").repeated(100000) + "x"
                                              << "nested deeper than 256";
        QByteArray maps;
        for (int i = 0; i < 300; ++i)
            maps += QByteArray(i * 2, ' ') + "k:\n";
        QTest::newRow("deep block mappings") << maps << "nested deeper than 256";
        QByteArray bomb =
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
        for (char c = 'b'; c <= 'j'; ++c) {
            bomb += QByteArray(1, c) + ": &" + QByteArray(1, c) + " [";
            for (int i = 0; i < 9; ++i)
                bomb += (i ? ",*" : "*") + QByteArray(1, char(c - 1));
            bomb += "]\n";
        }
        QTest::newRow("alias bomb") << bomb << "unknown key 'a'";
        // Found by the fuzzer: yaml-cpp's LoadAll never returns on this.
        QTest::newRow("stray text after a flow mapping")
            << QByteArray("{voucneh},a]}wnd oorn") << "holds one YAML document";
        QTest::newRow("alias bomb in nodes")
            << QByteArray(kBase).replace("nodes:\n",
                                         "x: &x [[[1,2],[3,4]]]\nnodes: [*x, *x, *x]\nzz:\n")
            << "node #1 must be a mapping";
    }

    void hostile()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, message);
        const LoadResult r = ContractLoader::loadText(yaml, QStringLiteral("h.yaml"), QString());
        QVERIFY(!r.ok());
        QVERIFY2(describe(r.diagnostics).contains(message), qPrintable(describe(r.diagnostics)));
    }

    void randomBytesNeverCrash()
    {
        std::mt19937 rng(20261128);
        std::uniform_int_distribution<int> byte(0, 255);
        std::uniform_int_distribution<int> length(0, 4096);
        for (int round = 0; round < 300; ++round) {
            QByteArray data(length(rng), Qt::Uninitialized);
            for (char &c : data)
                c = char(byte(rng));
            const LoadResult r =
                ContractLoader::loadText(data, QStringLiteral("r.yaml"), QString());
            QVERIFY(!r.ok());
            QVERIFY(!r.diagnostics.isEmpty());
        }
        // Mutations of a valid contract: flip bytes, cut it short.
        for (int round = 0; round < 500; ++round) {
            QByteArray data = kBase;
            const int flips = 1 + round % 4;
            for (int i = 0; i < flips; ++i)
                data[std::uniform_int_distribution<int>(0, int(data.size()) - 1)(rng)] =
                    char(byte(rng) & 0x7f);
            if (round % 3 == 0)
                data.truncate(std::uniform_int_distribution<int>(0, int(data.size()))(rng));
            const LoadResult r =
                ContractLoader::loadText(data, QStringLiteral("m.yaml"), QString());
            QVERIFY(r.ok() || !r.diagnostics.isEmpty());
        }
    }

    // Anchors and aliases read as yaml-cpp's own tree read them: an alias is
    // the anchored value itself.
    void aliasesReadTheAnchoredValue()
    {
        const QByteArray yaml = edit(
            edit(kBase, "    needs: [src]\n    connection", "    needs: &up [src]\n    connection"),
            "    needs: [mart]\n    connection", "    needs: *up\n    connection");
        const LoadResult r =
            ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics)));
        QCOMPARE(r.contract->nodes.at(2).needs, QStringList{QStringLiteral("src")});
        QVERIFY(r.contract->filePath.isEmpty()); // loadText: no file
    }

    // A large contract (here 20,000 nodes, about 1 MB) loads from its file
    // in one pass and keeps what the run record and the audit trail use:
    // its absolute path, its text and the text's SHA-256.
    void largeContractLoadsWithItsPathAndDigest()
    {
        QByteArray yaml = VOUCH_TEST_WEEKLY_REPORT "  sections:\n"
                                                   "    - {id: all, name: All, needs: [n19999], "
                                                   "on_failure: hold}\nnodes:\n";
        const int count = 20000;
        for (int i = 0; i < count; ++i) {
            yaml +=
                "  - id: n" + QByteArray::number(i).rightJustified(5, '0') + "\n    kind: noop\n";
            if (i >= 100)
                yaml += "    needs: [n" + QByteArray::number(i - 100).rightJustified(5, '0') +
                        ", n" +
                        QByteArray::number(i - 100 + (i * 7) % 100 / 2 + 1).rightJustified(5, '0') +
                        "]\n";
        }
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("large.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(yaml), yaml.size());
        f.close();

        const LoadResult r = ContractLoader::loadFile(path);
        QVERIFY2(r.ok(), qPrintable(describe(r.diagnostics.mid(0, 5))));
        const Contract &c = *r.contract;
        QCOMPARE(c.nodes.size(), count);
        QCOMPARE(c.nodes.last().id, QStringLiteral("n19999"));
        QCOMPARE(c.nodes.last().needs.size(), 2);
        QCOMPARE(c.nodes.last().needs.first(), QStringLiteral("n19899"));
        QVERIFY(c.nodes.last().pos ==
                (SourcePos{int(yaml.left(yaml.lastIndexOf("- id: n19999")).count('\n')) + 1, 5}));
        QCOMPARE(c.filePath, QFileInfo(path).absoluteFilePath());
        QCOMPARE(c.sourceText, yaml);
        QCOMPARE(c.sourceSha256,
                 QString::fromLatin1(
                     QCryptographicHash::hash(yaml, QCryptographicHash::Sha256).toHex()));
    }

    void hugeFileIsRefusedWithoutReading()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("huge.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.resize(qint64(300) * 1024 * 1024)); // sparse: instant, no disk used
        f.close();
        const LoadResult r = ContractLoader::loadFile(path);
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnostics.size(), 1);
        QVERIFY(r.diagnostics.first().message.contains(QLatin1String("at most 16 MiB")));
        QCOMPARE(r.diagnostics.first().file, path);
    }

    void missingFile()
    {
        const LoadResult r = ContractLoader::loadFile(QStringLiteral("/nonexistent/contract.yaml"));
        QVERIFY(!r.ok());
        QCOMPARE(r.diagnostics.first().format(),
                 QStringLiteral("/nonexistent/contract.yaml: error: no such file; check the path"));
    }

    // The loader knows nothing of dbt: without an expander (ContractLoader::
    // Options; interop/loadcontract.h gives dbt's) an include is an error at
    // the `include:` entry, and the names it would define are not reported
    // as unknown. With one, what it returns joins the contract.
    void includeNeedsAnExpander()
    {
        const QByteArray text = edit(kBase, "nodes:\n",
                                     "include: {dbt: {manifest: m.json}}\nnodes:\n"
                                     "  - id: pub\n    kind: noop\n    needs: [from_dbt]\n");
        const LoadResult bare =
            ContractLoader::loadText(text, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY(!bare.ok());
        QCOMPARE(bare.diagnostics.size(), 1);
        QCOMPARE(bare.diagnostics.first().line, 16);
        QVERIFY2(bare.diagnostics.first().message.contains(
                     QLatin1String("'include' cannot be expanded here")),
                 qPrintable(describe(bare.diagnostics)));

        ContractLoader::Options options;
        IncludeSpec seen;
        options.expandInclude = [&](const IncludeSpec &spec, const QString &, SourcePos at) {
            seen = spec;
            IncludeExpansion x;
            x.ok = true;
            Node n;
            n.id = QStringLiteral("from_dbt");
            n.pos = at;
            x.nodes.append(n);
            return x;
        };
        const LoadResult expanded =
            ContractLoader::loadText(text, QStringLiteral("c.yaml"), QDir::tempPath(), options);
        QVERIFY2(expanded.ok(), qPrintable(describe(expanded.diagnostics)));
        QCOMPARE(seen.manifest, QDir(QDir::tempPath()).absoluteFilePath(QStringLiteral("m.json")));
        QCOMPARE(expanded.contract->nodes.first().id, QStringLiteral("from_dbt"));
    }

    void splitSql_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<int>("count");
        QTest::newRow("two") << "select 1; select 2;" << 2;
        QTest::newRow("semicolon in string") << "select ';'; select 2" << 2;
        QTest::newRow("semicolon in comment") << "select 1 -- a; b\n; select 2" << 2;
        QTest::newRow("block comment") << "/* a; b */ select 1;" << 1;
        QTest::newRow("only comments after last") << "select 1;\n-- the end\n" << 1;
        QTest::newRow("empty") << ";;  ;" << 0;
    }

    void splitSql()
    {
        QFETCH(QString, script);
        QFETCH(int, count);
        const SqlSplit split = splitSqlScript(script, Connection::Dialect::Generic);
        QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
        QCOMPARE(split.statements.size(), count);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestContractLoader)
#include "tst_contractloader.moc"
