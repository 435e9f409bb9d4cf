// SQL scripts split as each engine's own client splits them: the statements,
// the line each starts on, and a clear error for what cannot be split.

#include "engine/contract/contractloader.h"
#include "engine/contract/sqlscript.h"
#include "support/testguard.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;
using Dialect = Connection::Dialect;

namespace {

QStringList texts(const SqlSplit &split)
{
    QStringList out;
    for (const SqlStatement &s : split.statements)
        out << s.text;
    return out;
}

QList<int> lines(const SqlSplit &split)
{
    QList<int> out;
    for (const SqlStatement &s : split.statements)
        out << s.line;
    return out;
}

} // namespace

class TestSqlScript : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void statementsStartWhereTheirCodeStarts()
    {
        const QString script = QStringLiteral("-- Orders of the week.\n"
                                              "drop table if exists a;\n"
                                              "\n"
                                              "/* the model */\n"
                                              "create table a as\n"
                                              "select ';' as x; select 2\n");
        const SqlSplit split = splitSqlScript(script, Dialect::Sqlite);
        QVERIFY(split.error.isEmpty());
        QCOMPARE(lines(split), (QList<int>{2, 5, 6}));
        QCOMPARE(split.statements.at(0).text,
                 QStringLiteral("-- Orders of the week.\ndrop table if exists a"));
        QCOMPARE(split.statements.at(2).text, QStringLiteral("select 2"));
    }

    void postgresDollarQuotes()
    {
        const QString script = QStringLiteral(
            "create function f() returns int language plpgsql as $$\n"
            "begin\n  perform 1; return 2;\nend $$;\n"
            "create function g() returns text language sql as $body$ select 'a;b' $body$;\n"
            "select $1, 'it''s'; select E'a\\'; b';\n");
        const SqlSplit split = splitSqlScript(script, Dialect::Postgres);
        QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
        QCOMPARE(split.statements.size(), 4);
        QVERIFY(split.statements.at(0).text.endsWith(QLatin1String("end $$")));
        QCOMPARE(lines(split), (QList<int>{1, 5, 6, 6}));
        QCOMPARE(split.statements.at(3).text, QStringLiteral("select E'a\\'; b'"));
        // Snowflake's scripting blocks use $$ too.
        QCOMPARE(splitSqlScript(QStringLiteral("execute immediate $$ begin select 1; end $$; "
                                               "select 2"),
                                Dialect::Snowflake)
                     .statements.size(),
                 2);
        // Elsewhere $$ is nothing special.
        QCOMPARE(splitSqlScript(QStringLiteral("select '$$'; select 2"), Dialect::Sqlite)
                     .statements.size(),
                 2);
    }

    void postgresNestsBlockComments()
    {
        const SqlSplit split = splitSqlScript(
            QStringLiteral("/* outer /* inner; */ still a comment; */ select 1; select 2"),
            Dialect::Postgres);
        QCOMPARE(split.statements.size(), 2);
    }

    void mysqlDelimiterHashCommentsAndBackslashes()
    {
        const QString script = QStringLiteral("# loads the week\n"
                                              "DELIMITER //\n"
                                              "create procedure p()\n"
                                              "begin\n"
                                              "  select 1;\n"
                                              "  select 'it\\'s; fine';\n"
                                              "end //\n"
                                              "delimiter ;\n"
                                              "call p(); select `a;b` from t;\n");
        const SqlSplit split = splitSqlScript(script, Dialect::Mysql);
        QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
        QCOMPARE(split.statements.size(), 3);
        QVERIFY(split.statements.at(0).text.startsWith(QLatin1String("create procedure p()")));
        QVERIFY(split.statements.at(0).text.endsWith(QLatin1String("end")));
        QCOMPARE(lines(split), (QList<int>{3, 9, 9}));
        QCOMPARE(split.statements.at(2).text, QStringLiteral("select `a;b` from t"));
        // The client command needs its delimiter.
        const SqlSplit bare =
            splitSqlScript(QStringLiteral("select 1;\nDELIMITER\n"), Dialect::Mysql);
        QCOMPARE(bare.errorLine, 2);
        QVERIFY2(bare.error.contains(QLatin1String("DELIMITER //")), qPrintable(bare.error));
    }

    void sqlServerBatches()
    {
        const QString script = QStringLiteral("create procedure p as\n"
                                              "begin\n"
                                              "  select 1; select [a;b] from t;\n"
                                              "end\n"
                                              "GO\n"
                                              "  go  -- nothing in this batch\n"
                                              "exec p; select 'GO'\n"
                                              "go\n");
        const SqlSplit split = splitSqlScript(script, Dialect::SqlServer);
        QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
        QCOMPARE(split.statements.size(), 2);
        QCOMPARE(lines(split), (QList<int>{1, 7}));
        QCOMPARE(split.statements.at(1).text, QStringLiteral("exec p; select 'GO'"));
        // A repeat count is refused rather than run once.
        const SqlSplit repeat =
            splitSqlScript(QStringLiteral("insert into t values (1)\nGO 5\n"), Dialect::SqlServer);
        QCOMPARE(repeat.errorLine, 2);
        QVERIFY2(repeat.error.contains(QLatin1String("GO 5")), qPrintable(repeat.error));
        // Only SQL Server's clients know GO.
        QCOMPARE(
            splitSqlScript(QStringLiteral("select 1\ngo\n"), Dialect::Postgres).statements.size(),
            1);
    }

    void sqliteTriggers()
    {
        const QString script =
            QStringLiteral("create table t(x); create table log(x);\n"
                           "create temp trigger keep after insert on t begin\n"
                           "  insert into log values (case when new.x > 0 then new.x else 0 end);\n"
                           "  delete from log where x < 0;\n"
                           "end;\n"
                           "insert into t values (1)");
        const SqlSplit split = splitSqlScript(script, Dialect::Sqlite);
        QVERIFY2(split.error.isEmpty(), qPrintable(split.error));
        QCOMPARE(split.statements.size(), 4);
        QCOMPARE(lines(split), (QList<int>{1, 1, 2, 6}));
        QVERIFY(split.statements.at(2).text.endsWith(QLatin1String("end")));
        // A name that merely contains the words is no trigger.
        QCOMPARE(
            texts(splitSqlScript(QStringLiteral("create table begin_end(x); select 1"),
                                 Dialect::Sqlite)),
            (QStringList{QStringLiteral("create table begin_end(x)"), QStringLiteral("select 1")}));
        const SqlSplit open =
            splitSqlScript(QStringLiteral("select 1;\ncreate trigger t after insert on a begin\n"
                                          "  select 1;\n"),
                           Dialect::Sqlite);
        QCOMPARE(open.errorLine, 2);
        QVERIFY2(open.error.contains(QLatin1String("BEGIN without its END")),
                 qPrintable(open.error));
    }

    void unclosedQuotesAndCommentsSayWhere()
    {
        const SqlSplit quote = splitSqlScript(
            QStringLiteral("select 1;\nselect 'oops;\nselect 2;\n"), Dialect::Sqlite);
        QVERIFY(quote.statements.isEmpty());
        QCOMPARE(quote.errorLine, 2);
        QVERIFY2(quote.error.contains(QLatin1String("string opened on line 2")),
                 qPrintable(quote.error));
        const SqlSplit comment =
            splitSqlScript(QStringLiteral("\n\n/* never closed\nselect 1"), Dialect::Generic);
        QCOMPARE(comment.errorLine, 3);
        const SqlSplit dollar =
            splitSqlScript(QStringLiteral("select $x$ text"), Dialect::Postgres);
        QCOMPARE(dollar.errorLine, 1);
        QVERIFY2(dollar.error.contains(QLatin1String("$x$")), qPrintable(dollar.error));
    }

    // The loader splits each node's SQL by its connection's dialect, keeps
    // where each statement starts, and puts what cannot be split at the
    // line of the SQL file.
    void theLoaderSplitsByTheConnectionsDialect()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QDir().mkpath(dir.filePath(QStringLiteral("models")));
        QFile sql(dir.filePath(QStringLiteral("models/f.sql")));
        QVERIFY(sql.open(QIODevice::WriteOnly));
        sql.write("-- a function\n"
                  "create or replace function f() returns int language plpgsql as $$\n"
                  "begin return 1; end $$;\n"
                  "select f();\n");
        sql.close();
        const QByteArray contract =
            "vouch: 1\n"
            "report: {id: r, name: R, timezone: UTC, schedule: \"0 6 * * MON\",\n"
            "         publish_by: \"MON 12:00\",\n"
            "         sections: [{id: s, name: S, needs: [a, b], on_failure: hold}]}\n"
            "connections:\n"
            "  pg: {driver: postgres, database: wh, host: localhost}\n"
            "nodes:\n"
            "  - id: a\n"
            "    kind: sql\n"
            "    sql_file: models/f.sql\n"
            "    connection: pg\n"
            "  - id: b\n"
            "    kind: sql\n"
            "    connection: pg\n"
            "    sql: |\n"
            "      select 1;\n"
            "      select $$;$$;\n";
        const QString path = dir.filePath(QStringLiteral("c.yaml"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(contract);
        f.close();
        const LoadResult loaded = ContractLoader::loadFile(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.diagnostics.value(0).format()));
        const Node &a = loaded.contract->nodes.at(0);
        QCOMPARE(a.statements.size(), 2);
        QCOMPARE(a.statementLines, (QList<int>{2, 4}));
        const Node &b = loaded.contract->nodes.at(1);
        QCOMPARE(b.statements,
                 (QStringList{QStringLiteral("select 1"), QStringLiteral("select $$;$$")}));
        QCOMPARE(b.statementLines, (QList<int>{16, 17}));

        // The same file for SQLite cannot be split: said at its line.
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(contract).replace("{driver: postgres, database: wh, host: localhost}",
                                             "{driver: sqlite, database: wh.db}"));
        f.close();
        QVERIFY(sql.open(QIODevice::WriteOnly));
        sql.write("select 1;\n\nselect 'never closed;\n");
        sql.close();
        const LoadResult broken = ContractLoader::loadFile(path);
        QVERIFY(!broken.ok());
        const Diagnostic d = broken.diagnostics.value(0);
        QVERIFY2(d.file.endsWith(QLatin1String("models/f.sql")), qPrintable(d.format()));
        QCOMPARE(d.line, 3);
        QVERIFY2(d.message.contains(QLatin1String("node 'a'")) &&
                     d.message.contains(QLatin1String("sqlite dialect")),
                 qPrintable(d.format()));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestSqlScript)
#include "tst_sqlscript.moc"
