// The SQL Vouch writes itself, per dialect: sample rows limited on the
// server (TOP on SQL Server, LIMIT elsewhere, nothing for generic and
// MySQL), and the
// publication table made once, in the engine's types, on a real SQLite file.

#include "engine/run/dialect.h"
#include "support/testguard.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;

class TestDialect : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void limitRows_data()
    {
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<QString>("expected");
        const QString rows = QStringLiteral("select sku from m where cost is null");
        QTest::newRow("sqlserver") << "sqlserver"
                                   << "SELECT TOP (5) * FROM (\n" + rows + "\n) vouch_rows";
        for (const char *d : {"snowflake", "databricks", "redshift", "postgres", "sqlite"})
            QTest::newRow(d) << d << "SELECT * FROM (\n" + rows + "\n) vouch_rows LIMIT 5";
        QTest::newRow("generic") << "generic" << QString();
        QTest::newRow("mysql") << "mysql" << QString(); // would lose the ORDER BY
    }

    void limitRows()
    {
        QFETCH(QString, dialect);
        QFETCH(QString, expected);
        // A trailing ';' would end the derived table early: it is dropped.
        QCOMPARE(vouch::engine::limitRows(*dialectFromString(dialect),
                                          QStringLiteral("select sku from m where cost is null;"),
                                          5),
                 expected);
    }

    void ensureTableMakesItOnce()
    {
        QTemporaryDir dir;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("t"));
            db.setDatabaseName(dir.filePath(QStringLiteral("w.db")));
            QVERIFY(db.open());
            const QString columns = QStringLiteral("id %ID NOT NULL, body %TEXT");
            QCOMPARE(ensureTable(db, Connection::Dialect::Sqlite, QStringLiteral("t1"), columns,
                                 QStringLiteral("id")),
                     QString());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("INSERT INTO t1 VALUES ('a', 'x')")));
            // Again: the table and its row stay.
            QCOMPARE(ensureTable(db, Connection::Dialect::Sqlite, QStringLiteral("t1"), columns,
                                 QStringLiteral("id")),
                     QString());
            QVERIFY(q.exec(QStringLiteral("SELECT sql FROM sqlite_master WHERE name = 't1'")));
            QVERIFY(q.next());
            QCOMPARE(
                q.value(0).toString(),
                QStringLiteral("CREATE TABLE t1 (id TEXT NOT NULL, body TEXT, PRIMARY KEY (id))"));
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM t1")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("t"));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDialect)
#include "tst_dialect.moc"
