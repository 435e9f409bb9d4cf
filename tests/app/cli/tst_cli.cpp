// The command line as a user meets it: the real `vouch` binary, its output
// and its exit codes.

#include "support/contracts.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <unistd.h>

namespace {

using Result = vouch::test::VouchResult;

Result runVouch(const QStringList &args, const QString &workingDir = QString())
{
    vouch::test::VouchOptions options;
    options.workingDirectory = workingDir;
    return vouch::test::runVouch(args, options);
}

const QByteArray kContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - id: revenue
      name: Revenue
      needs: [mart]
      on_failure: hold
nodes:
  - id: src
    kind: noop
    tags: [finance]
  - id: stg
    kind: noop
    needs: [src]
  - id: mart
    kind: noop
    needs: [stg]
  - id: other
    kind: noop
)";

QString write(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(text);
    return path;
}

QByteArray fileDigest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

// `vouch ARGS` as the unprivileged user nobody, with a home it may write.
//
// Without libfaketime: when setup.sh reruns the `time` tests under a
// preloaded libfaketime, the first faked process makes a root-only
// semaphore and hands its name to every child (FAKETIME_SHARED); a child
// running as nobody cannot open it, and libfaketime then ends that child
// before main(). What this test asserts (a read-only store is read and left
// as it was) does not depend on the clock, so nobody runs on the real one.
Result runVouchAsNobody(const QStringList &args, const QString &home)
{
    vouch::test::VouchOptions options;
    for (const QString &name : options.env.keys()) {
        if (name == QLatin1String("LD_PRELOAD") || name.startsWith(QLatin1String("FAKETIME")))
            options.env.remove(name);
    }
    QStringList command = {QStringLiteral("-u"),
                           QStringLiteral("nobody"),
                           QStringLiteral("--"),
                           QStringLiteral("env"),
                           QStringLiteral("-u"),
                           QStringLiteral("XDG_RUNTIME_DIR"),
                           QStringLiteral("HOME=") + home,
                           QStringLiteral("XDG_DATA_HOME=") + home + QStringLiteral("/data"),
                           QStringLiteral("XDG_STATE_HOME=") + home + QStringLiteral("/state"),
                           QStringLiteral("XDG_CONFIG_HOME=") + home + QStringLiteral("/config"),
                           QStringLiteral("XDG_CACHE_HOME=") + home + QStringLiteral("/cache"),
                           QStringLiteral(VOUCH_BINARY)};
    return vouch::test::runProgram(QStringLiteral("runuser"), command + args, options);
}

const QString kNow = QStringLiteral("2026-11-30T08:00:00Z");

// A contract whose nodes are the given YAML list items.
QByteArray contractWith(const QByteArray &nodes)
{
    return QByteArray(VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: revenue, name: Revenue, needs: [last], on_failure: block}
nodes:
)") + nodes;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonObject statusJson(const QString &state)
{
    const Result r = runVouch({QStringLiteral("status"), QStringLiteral("--json"),
                               QStringLiteral("--state"), state, QStringLiteral("--now"), kNow});
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validateValid()
    {
        QTemporaryDir dir;
        const QString path = write(dir, QStringLiteral("c.yaml"), kContract);
        const Result r = runVouch({QStringLiteral("validate"), path});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), path + QStringLiteral(": valid: 4 nodes, 1 sections, 2 edges"));
        QVERIFY(r.err.isEmpty());
    }

    void validateReportsEveryProblemSorted()
    {
        QTemporaryDir dir;
        QByteArray text = kContract;
        text.replace("needs: [stg]", "needs: [stgg]");   // line 22
        text.replace("  publish_by:", "  publish_bye:"); // line 7
        text.replace("id: other\n    kind: noop", "id: other\n    kind: nop");
        const QString path = write(dir, QStringLiteral("bad.yaml"), text);
        const Result r = runVouch({QStringLiteral("validate"), path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        const QStringList lines = r.err.trimmed().split(QLatin1Char('\n'));
        QVERIFY2(lines.size() >= 4, qPrintable(r.err));
        QCOMPARE(lines.at(0),
                 path +
                     QStringLiteral(":3:3: error: 'report' is missing required key 'publish_by'"));
        QCOMPARE(lines.at(1),
                 path + QStringLiteral(":7:3: error: unknown key 'publish_bye' in 'report'; "
                                       "did you mean 'publish_by'?"));
        QVERIFY2(
            r.err.contains(
                path +
                QStringLiteral(
                    ":22:13: error: node 'mart' needs unknown node 'stgg'; did you mean 'stg'?")),
            qPrintable(r.err));
        QVERIFY2(r.err.contains(
                     QStringLiteral("unknown kind 'nop' in node 'other'; did you mean 'noop'?")),
                 qPrintable(r.err));
        QVERIFY(lines.last().endsWith(QStringLiteral("errors")));
        // Sorted by position.
        QList<int> positions;
        for (const QString &line : lines.mid(0, lines.size() - 1))
            positions << line.section(QLatin1Char(':'), 1, 1).toInt();
        QVERIFY(std::is_sorted(positions.cbegin(), positions.cend()));
    }

    // `vouch run … | head -1`: the reader goes away after the first line.
    // Vouch must not die of SIGPIPE with the attempt unfinished; it runs
    // the path to its end and records every node.
    void runSurvivesAReaderThatGoesAway()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString gone = dir.filePath(QStringLiteral("reader-gone"));
        // The first node waits until the reader has gone, so that what the
        // run prints next goes to a pipe nobody reads.
        const QString contract = write(dir, QStringLiteral("c.yaml"),
                                       contractWith(QStringLiteral(R"(  - id: wait_for_reader
    kind: command
    run: "while [ ! -e '%1' ]; do sleep 0.05; done; echo the reader left"
    timeout: 60s
  - {id: middle, kind: noop, needs: [wait_for_reader]}
  - {id: last, kind: noop, needs: [middle]}
)")
                                                        .arg(gone)
                                                        .toUtf8()));
        const QString state = dir.filePath(QStringLiteral("state.db"));
        const QString script =
            QStringLiteral("{ \"$VOUCH\" run \"$C\" --state \"$S\" --period 2026-W48 --now %1; "
                           "echo $? > \"$D/rc\"; } | "
                           "( head -n 1 > \"$D/first\"; exec 0<&-; touch \"$D/reader-gone\" )")
                .arg(kNow);
        QProcess shell;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VOUCH"), QStringLiteral(VOUCH_BINARY));
        env.insert(QStringLiteral("C"), contract);
        env.insert(QStringLiteral("S"), state);
        env.insert(QStringLiteral("D"), dir.path());
        shell.setProcessEnvironment(env);
        shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
        QVERIFY(shell.waitForFinished(120000));
        QCOMPARE(readFile(dir.filePath(QStringLiteral("first"))),
                 QByteArray("Weekly report, period 2026-W48, run 1 attempt 1\n"));
        QVERIFY(QFileInfo::exists(gone));
        // Not 141 (killed by SIGPIPE): the run ended and judged the report.
        QCOMPARE(readFile(dir.filePath(QStringLiteral("rc"))).trimmed(), QByteArray("0"));

        const QJsonObject status = statusJson(state);
        QCOMPARE(status.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
        const QJsonArray nodes = status.value(QStringLiteral("nodes")).toArray();
        QCOMPARE(nodes.size(), 3);
        for (const QJsonValue &n : nodes) {
            const QJsonObject node = n.toObject();
            QVERIFY2(node.value(QStringLiteral("state")).toString() == QLatin1String("succeeded"),
                     qPrintable(QJsonDocument(node).toJson()));
            QVERIFY(!node.value(QStringLiteral("finished_at")).isNull());
        }
    }

    // `status --json` of a large run: the text is written in pieces (each
    // cut at a line's end) and reads back whole, every node and a non-ASCII
    // section name intact.
    void statusJsonOfALargeRunIsWhole()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const int count = 9000;
        QByteArray yaml = VOUCH_TEST_WEEKLY_REPORT "  sections:\n"
                                                   "    - {id: all, name: \"Ums\xc3\xa4tze\", "
                                                   "needs: [n8999], on_failure: hold}\nnodes:\n";
        for (int i = 0; i < count; ++i) {
            yaml += "  - {id: n" + QByteArray::number(i).rightJustified(4, '0') + ", kind: noop";
            if (i >= 100)
                yaml += ", needs: [n" + QByteArray::number(i - 100).rightJustified(4, '0') + "]";
            yaml += "}\n";
        }
        const QString contract = write(dir, QStringLiteral("large.yaml"), yaml);
        const QString state = dir.filePath(QStringLiteral("state.db"));
        const Result run = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"),
                                     state, QStringLiteral("--now"), kNow});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));

        const Result r =
            runVouch({QStringLiteral("status"), contract, QStringLiteral("--json"),
                      QStringLiteral("--state"), state, QStringLiteral("--now"), kNow});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.toUtf8().size() > (1 << 20), "the test needs more than one piece");
        QJsonParseError error;
        const QJsonObject status = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QCOMPARE(status.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
        QCOMPARE(status.value(QStringLiteral("sections"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("name")),
                 QJsonValue(QString::fromUtf8("Ums\xc3\xa4tze")));
        const QJsonArray nodes = status.value(QStringLiteral("nodes")).toArray();
        QCOMPARE(nodes.size(), count);
        QSet<QString> ids;
        for (const QJsonValue &n : nodes) {
            QCOMPARE(n.toObject().value(QStringLiteral("state")).toString(),
                     QStringLiteral("succeeded"));
            ids.insert(n.toObject().value(QStringLiteral("id")).toString());
        }
        QCOMPARE(ids.size(), count);
    }

    // The log path is predictable: a symbolic link planted there must not
    // make a run overwrite the file it points to. The node fails and says
    // which path to look at and what to do.
    void runRefusesASymlinkAtTheLogPath()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString precious = write(dir, QStringLiteral("precious.txt"), "keep me\n");
        const QString contract = write(dir, QStringLiteral("c.yaml"), contractWith(R"(  - id: last
    kind: command
    run: ["sh", "-c", "echo overwritten"]
)"));
        const QString state = dir.filePath(QStringLiteral("state.db"));
        // Where the first run's first attempt logs its node's first try.
        const QString logPath = dir.filePath(QStringLiteral("logs/1/1/last.1.log"));
        QVERIFY(QDir().mkpath(QFileInfo(logPath).absolutePath()));
        QVERIFY(QFile::link(precious, logPath));

        const Result r = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"),
                                   state, QStringLiteral("--period"), QStringLiteral("2026-W48"),
                                   QStringLiteral("--now"), kNow});
        QVERIFY2(r.exitCode == 30, qPrintable(r.out + r.err));
        const QString expected =
            QStringLiteral("refusing to write log file %1: it is a symbolic link").arg(logPath);
        QVERIFY2(r.out.contains(expected), qPrintable(r.out));
        QCOMPARE(readFile(precious), QByteArray("keep me\n"));

        const QJsonObject status = statusJson(state);
        const QJsonObject node = status.value(QStringLiteral("nodes")).toArray().first().toObject();
        QCOMPARE(node.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY2(node.value(QStringLiteral("message")).toString().contains(expected),
                 qPrintable(QJsonDocument(node).toJson()));
    }

    // Output to a pipe (CI logs, `| tee`): a large attempt prints every
    // failure and upstream block in full, successes at most a few lines a
    // second and a count of the rest; --progress all gives a line per node.
    void progressIsBriefWhenNotATerminal()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QByteArray nodes;
        const int count = 400;
        for (int i = 0; i < count; ++i)
            nodes += QStringLiteral("  - {id: n%1, kind: noop}\n").arg(i).toUtf8();
        nodes += "  - {id: broken, kind: command, run: [\"false\"]}\n"
                 "  - {id: last, kind: noop, needs: [broken]}\n";
        const QString contract = write(dir, QStringLiteral("c.yaml"), contractWith(nodes));
        auto run = [&](const QString &state, const QStringList &extra) {
            return runVouch(QStringList{QStringLiteral("run"), contract, QStringLiteral("--state"),
                                        dir.filePath(state), QStringLiteral("--period"),
                                        QStringLiteral("2026-W48"), QStringLiteral("--now"), kNow} +
                            extra);
        };

        const Result brief = run(QStringLiteral("brief.db"), {});
        QVERIFY2(brief.exitCode == 30, qPrintable(brief.out + brief.err));
        const QStringList lines = brief.out.split(u'\n');
        const auto successes = lines.filter(QRegularExpression(QStringLiteral("succeeded +n\\d")));
        QVERIFY2(successes.size() < count, qPrintable(brief.out));
        int summarised = 0;
        const QRegularExpression more(
            QStringLiteral("… ([0-9,]+) more succeeded \\(([0-9,]+) of 402 done\\)"));
        for (const QString &line : lines) {
            const auto m = more.match(line);
            if (m.hasMatch())
                summarised += m.captured(1).remove(u',').toInt();
        }
        QCOMPARE(successes.size() + summarised, count);
        QVERIFY2(brief.out.contains(QRegularExpression(QStringLiteral("failed +broken"))),
                 qPrintable(brief.out));
        QVERIFY2(brief.out.contains(QRegularExpression(QStringLiteral("upstream_failed +last"))),
                 qPrintable(brief.out));

        const Result all =
            run(QStringLiteral("all.db"), {QStringLiteral("--progress"), QStringLiteral("all")});
        QCOMPARE(all.exitCode, 30);
        QCOMPARE(all.out.split(u'\n')
                     .filter(QRegularExpression(QStringLiteral("succeeded +n\\d")))
                     .size(),
                 count);
        QVERIFY(!all.out.contains(QStringLiteral("more succeeded")));

        const Result bad =
            run(QStringLiteral("bad.db"), {QStringLiteral("--progress"), QStringLiteral("some")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(QStringLiteral("--progress is 'all'")), qPrintable(bad.err));
    }

    void validateMissingFile()
    {
        const Result r =
            runVouch({QStringLiteral("validate"), QStringLiteral("/nonexistent.yaml")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("/nonexistent.yaml: error: no such file")));
    }

    void validateBrightside()
    {
        const QString path =
            QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml");
        const Result r = runVouch({QStringLiteral("validate"), path});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QStringLiteral(": valid: ")));
    }

    void select_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("ancestors") << "+mart" << QStringList{"src", "stg", "mart"};
        QTest::newRow("descendants") << "src+" << QStringList{"src", "stg", "mart"};
        QTest::newRow("depth") << "stg+1" << QStringList{"stg", "mart"};
        QTest::newRow("section") << "section:revenue" << QStringList{"src", "stg", "mart"};
        QTest::newRow("tag") << "tag:finance" << QStringList{"src"};
        QTest::newRow("union") << "other src" << QStringList{"src", "other"};
        QTest::newRow("intersection") << "+mart,src+1" << QStringList{"src", "stg"};
        QTest::newRow("all") << "*" << QStringList{"src", "stg", "mart", "other"};
    }

    void select()
    {
        QFETCH(QString, expression);
        QFETCH(QStringList, expected);
        QTemporaryDir dir;
        const QString path = write(dir, QStringLiteral("c.yaml"), kContract);
        const Result r = runVouch({QStringLiteral("select"), expression, path});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts), expected);
    }

    // A monthly report runs the month given with --period, binds its dates,
    // and says what a period of its cadence looks like when given another.
    void runTakesAPeriodOfTheReportsCadence()
    {
        QTemporaryDir dir;
        const QString contract = write(dir, QStringLiteral("close.yaml"), R"(vouch: 1
report:
  id: close
  name: Month-end close
  timezone: Europe/London
  period: month
  schedule: "0 6 * * *"
  skip_holidays: true
  publish_by: "BD3 17:00"
  calendar: {holidays: [2027-01-01]}
  sections: [{id: all, name: All, needs: [dates], on_failure: hold}]
nodes:
  - id: dates
    kind: command
    run: [sh, -c, 'echo "$VOUCH_PERIOD $VOUCH_PERIOD_START $VOUCH_PERIOD_END" > "$OUT"']
    env: {OUT: ")" + dir.filePath(QStringLiteral("dates.txt")).toUtf8() + R"("}
)");
        const QString state = dir.filePath(QStringLiteral("state.db"));
        Result r = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"), state,
                             QStringLiteral("--period"), QStringLiteral("2026-12"),
                             QStringLiteral("--now"), QStringLiteral("2027-01-04T09:00:00Z")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QFile dates(dir.filePath(QStringLiteral("dates.txt")));
        QVERIFY(dates.open(QIODevice::ReadOnly));
        QCOMPARE(dates.readAll().trimmed(), QByteArray("2026-12 2026-12-01 2027-01-01"));

        // Due on the third business day: New Year's Day and the weekend
        // come first.
        r = runVouch({QStringLiteral("status"), contract, QStringLiteral("--state"), state,
                      QStringLiteral("--json"), QStringLiteral("--now"),
                      QStringLiteral("2027-01-04T09:00:00Z")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        const QJsonObject status = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(status.value(QStringLiteral("period")).toString(), QStringLiteral("2026-12"));
        QCOMPARE(status.value(QStringLiteral("deadline")).toString(),
                 QStringLiteral("2027-01-06T17:00:00.000Z"));

        // Without --period: the month that ended before now.
        r = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"), state,
                      QStringLiteral("--now"), QStringLiteral("2027-02-01T06:00:00Z")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(dates.seek(0));
        QCOMPARE(dates.readAll().trimmed(), QByteArray("2027-01 2027-01-01 2027-02-01"));

        r = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"), state,
                      QStringLiteral("--period"), QStringLiteral("2026-W47")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("--period '2026-W47' is a week, but report 'close' "
                                              "is monthly: give a month such as 2026-11")),
                 qPrintable(r.err));
    }

    // `complete_over: period`: a source that is fresh but lacks a business
    // day of the month fails, naming the day; once the day is loaded it
    // passes. The rows sit in a real SQLite file.
    void aSourceMustCoverEveryBusinessDayOfThePeriod()
    {
        QTemporaryDir dir;
        const QString warehouse = dir.filePath(QStringLiteral("warehouse.db"));
        const QString name = QUuid::createUuid().toString(QUuid::Id128);
        const auto exec = [&](const QString &sql) {
            QSqlDatabase db = QSqlDatabase::database(name);
            QSqlQuery q(db);
            return q.exec(sql);
        };
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(warehouse);
            QVERIFY(db.open());
            QVERIFY(exec(QStringLiteral("CREATE TABLE raw_orders (id INTEGER, created_at TEXT, "
                                        "_loaded_at TEXT)")));
            // Every day of November 2026 but Friday the 27th, plus a row in
            // December that must not count.
            for (int day = 1; day <= 30; ++day) {
                if (day == 27)
                    continue;
                QVERIFY(exec(QStringLiteral("INSERT INTO raw_orders VALUES (%1, "
                                            "'2026-11-%2 10:15:00', '2026-12-02T05:00:00Z')")
                                 .arg(day)
                                 .arg(day, 2, 10, QLatin1Char('0'))));
            }
            QVERIFY(exec(QStringLiteral("INSERT INTO raw_orders VALUES (99, '2026-12-01 09:00:00', "
                                        "'2026-12-02T05:00:00Z')")));
        }
        const QString contract = write(dir, QStringLiteral("close.yaml"), R"(vouch: 1
report:
  id: close
  name: Month-end close
  timezone: Europe/London
  period: month
  schedule: "0 6 * * *"
  publish_by: "BD3 17:00"
  sections: [{id: revenue, name: Revenue, needs: [src_orders], on_failure: hold}]
connections:
  warehouse: {driver: sqlite, database: ")" + warehouse.toUtf8() + R"("}
nodes:
  - id: src_orders
    kind: freshness
    connection: warehouse
    loaded_at: "select max(_loaded_at) from raw_orders"
    error_after: 26h
    complete_over: period
    date_column: raw_orders.created_at
    complete_what: orders
)");
        const QString state = dir.filePath(QStringLiteral("state.db"));
        const QStringList run = {
            QStringLiteral("run"),      contract,
            QStringLiteral("--state"),  state,
            QStringLiteral("--period"), QStringLiteral("2026-11"),
            QStringLiteral("--now"),    QStringLiteral("2026-12-02T06:00:00Z")};
        const auto nodeOf = [&]() {
            const QJsonObject status = statusJson(state);
            return status.value(QStringLiteral("nodes")).toArray().first().toObject();
        };
        Result r = runVouch(run);
        QVERIFY2(r.exitCode != 0, qPrintable(r.out + r.err));
        QJsonObject node = nodeOf();
        QCOMPARE(node.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY2(node.value(QStringLiteral("message"))
                     .toString()
                     .startsWith(QLatin1String("no orders loaded for 27 Nov (last load 1h0m ago")),
                 qPrintable(node.value(QStringLiteral("message")).toString()));

        // The alert says why, in the words of the finding, not the load's age.
        QVERIFY2(r.out.contains(QLatin1String("Revenue is not safe for reporting because "
                                              "src_orders is incomplete: no orders loaded for 27 "
                                              "Nov.")),
                 qPrintable(r.out));

        QVERIFY(exec(QStringLiteral(
            "INSERT INTO raw_orders VALUES (27, '2026-11-27 16:40:00', '2026-12-02T05:00:00Z')")));
        QSqlDatabase::database(name).close();
        QSqlDatabase::removeDatabase(name);
        r = runVouch({QStringLiteral("rerun"), QStringLiteral("src_orders"),
                      QStringLiteral("--reason"), QStringLiteral("the 27th was loaded"),
                      QStringLiteral("--state"), state, contract, QStringLiteral("--now"),
                      QStringLiteral("2026-12-02T06:10:00Z")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        node = nodeOf();
        QCOMPARE(node.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QVERIFY2(node.value(QStringLiteral("message"))
                     .toString()
                     .endsWith(QLatin1String("; all 21 business days of 2026-11 have rows")),
                 qPrintable(node.value(QStringLiteral("message")).toString()));
    }

    void selectBadExpression()
    {
        QTemporaryDir dir;
        const QString path = write(dir, QStringLiteral("c.yaml"), kContract);
        const Result r = runVouch({QStringLiteral("select"), QStringLiteral("+mrt"), path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains(QStringLiteral("unknown node 'mrt' at column 2; did you mean 'mart'?")),
            qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("\n  +mrt\n   ^")));
    }

    // An archived copy, a read-only mount, another user's file: status and
    // audit read the store as it is and leave it byte for byte unchanged
    // (no WAL switch, no -wal or -shm, no migration). Run as nobody, for whom
    // a 0444 file in a 0555 directory really is read-only (root ignores modes).
    void readOnlyStoreIsRead()
    {
        if (::geteuid() != 0 || QStandardPaths::findExecutable(QStringLiteral("runuser")).isEmpty())
            QSKIP("needs root and runuser, to read the store as the user nobody");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // nobody must reach the store, the contract and its own home.
        QVERIFY(QFile::setPermissions(
            dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther |
                            QFile::ExeOther | QFile::ReadGroup | QFile::ExeGroup));
        const QString contract = write(dir, QStringLiteral("weekly.yaml"), kContract);
        const QString made = dir.filePath(QStringLiteral("made/state.db"));
        const Result run =
            runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"), made,
                      QStringLiteral("--now"), QStringLiteral("2026-11-23T07:00:00Z")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY2(!QFile::exists(made + QStringLiteral("-wal")), "the run left its -wal behind");
        // On a store it may write, audit verify reads as well and leaves no
        // -wal or -shm behind (a read-only connection could not remove them).
        const QByteArray madeDigest = fileDigest(made);
        const Result ownVerify = runVouch(
            {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--state"), made});
        QVERIFY2(ownVerify.exitCode == 0, qPrintable(ownVerify.out + ownVerify.err));
        QCOMPARE(fileDigest(made), madeDigest);
        QVERIFY(!QFile::exists(made + QStringLiteral("-wal")));
        QVERIFY(!QFile::exists(made + QStringLiteral("-shm")));

        const QString home = dir.filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home));
        QVERIFY(QFile::setPermissions(home, QFileDevice::Permissions(0x7777)));
        const auto makeReadOnlyCopy = [&](const QString &name, const QString &from) {
            const QString roDir = dir.filePath(name);
            const QString store = roDir + QStringLiteral("/state.db");
            if (!QDir().mkpath(roDir) || !QFile::copy(from, store))
                return QString();
            QFile::setPermissions(store, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
            QFile::setPermissions(roDir, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup |
                                             QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther);
            return store;
        };
        const QString store = makeReadOnlyCopy(QStringLiteral("archive"), made);
        QVERIFY(!store.isEmpty());
        const QByteArray before = fileDigest(store);
        const QDateTime modified = QFileInfo(store).lastModified();
        QVERIFY(!before.isEmpty());

        const Result status =
            runVouchAsNobody({QStringLiteral("status"), QStringLiteral("--state"), store}, home);
        QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
        QVERIFY2(status.out.contains(QLatin1String("Weekly report")), qPrintable(status.out));
        const Result audit =
            runVouchAsNobody({QStringLiteral("audit"), QStringLiteral("--state"), store}, home);
        QVERIFY2(audit.exitCode == 0, qPrintable(audit.out + audit.err));
        const Result verify = runVouchAsNobody(
            {QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--state"), store},
            home);
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
        QVERIFY2(verify.out.contains(QLatin1String("audit log intact")), qPrintable(verify.out));

        QCOMPARE(fileDigest(store), before);
        QCOMPARE(QFileInfo(store).lastModified(), modified);
        QVERIFY(!QFile::exists(store + QStringLiteral("-wal")));
        QVERIFY(!QFile::exists(store + QStringLiteral("-shm")));

        // A store from an older Vouch cannot be upgraded read-only: said so,
        // naming the file, and left as it was.
        const QString older = dir.filePath(QStringLiteral("older.db"));
        QVERIFY(QFile::copy(made, older));
        {
            const QString name = QUuid::createUuid().toString(QUuid::Id128);
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(older);
                QVERIFY2(db.open(), qPrintable(db.lastError().text()));
                QSqlQuery q(db);
                QVERIFY2(q.exec(QStringLiteral("DELETE FROM schema_version WHERE version = "
                                               "(SELECT max(version) FROM schema_version)")),
                         qPrintable(q.lastError().text()));
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }
        const QString oldStore = makeReadOnlyCopy(QStringLiteral("old-archive"), older);
        QVERIFY(!oldStore.isEmpty());
        const QByteArray oldBefore = fileDigest(oldStore);
        for (const QStringList &args :
             {QStringList{QStringLiteral("status"), QStringLiteral("--state"), oldStore},
              QStringList{QStringLiteral("audit"), QStringLiteral("verify"),
                          QStringLiteral("--state"), oldStore}}) {
            const Result r = runVouchAsNobody(args, home);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(oldStore) && r.err.contains(QLatin1String("older Vouch")) &&
                         r.err.contains(QLatin1String("not upgraded")),
                     qPrintable(r.err));
        }
        QCOMPARE(fileDigest(oldStore), oldBefore);
        QVERIFY(!QFile::exists(oldStore + QStringLiteral("-shm")));
    }

    void unknownCommand()
    {
        const Result r = runVouch({QStringLiteral("frobnicate")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("unknown command 'frobnicate'")));
        QVERIFY(r.err.contains(QStringLiteral("usage: vouch")));
    }

    void demoInitRefusesUnknownScenario()
    {
        QTemporaryDir dir;
        const Result r = runVouch({QStringLiteral("demo"), QStringLiteral("init"), dir.path(),
                                   QStringLiteral("--scenario"), QStringLiteral("all-red")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("sku-cost-gap")), qPrintable(r.err));
    }

    // `vouch demo ingest` loads into the contract's `warehouse` connection
    // (--contract, or $VOUCH_CONTRACT as a contract's commands get it), or
    // the one --to names; without a contract into DIR/warehouse.db.
    void demoIngestIntoAContractsConnection()
    {
        QTemporaryDir dir;
        QCOMPARE(runVouch({QStringLiteral("demo"), QStringLiteral("init"), dir.path(),
                           QStringLiteral("--now"), QStringLiteral("2026-11-30T06:00:00Z")})
                     .exitCode,
                 0);
        const QString contract =
            write(dir, QStringLiteral("c.yaml"),
                  kContract + "connections:\n  warehouse: { driver: sqlite, database: \"" +
                      dir.filePath(QStringLiteral("elsewhere.db")).toUtf8() + "\" }\n");
        const auto tables = [&](const QString &file) {
            QStringList names;
            const QString name = QUuid::createUuid().toString();
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(dir.filePath(file));
                db.open();
                QSqlQuery q(QStringLiteral("select name from sqlite_master where type = 'table'"),
                            db);
                while (q.next())
                    names << q.value(0).toString();
            }
            QSqlDatabase::removeDatabase(name);
            return names;
        };
        Result r =
            runVouch({QStringLiteral("demo"), QStringLiteral("ingest"), QStringLiteral("sku_costs"),
                      QStringLiteral("--dir"), dir.path(), QStringLiteral("--contract"), contract});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(tables(QStringLiteral("elsewhere.db")),
                 QStringList{QStringLiteral("raw_sku_costs")});
        QVERIFY(tables(QStringLiteral("warehouse.db")).isEmpty());

        r = runVouch({QStringLiteral("demo"), QStringLiteral("ingest"), QStringLiteral("sku_costs"),
                      QStringLiteral("--dir"), dir.path(), QStringLiteral("--contract"), contract,
                      QStringLiteral("--to"), QStringLiteral("warehous")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("has no connection 'warehous'; it has: warehouse")),
                 qPrintable(r.err));
        r = runVouch({QStringLiteral("demo"), QStringLiteral("ingest"), QStringLiteral("sku_costs"),
                      QStringLiteral("--dir"), dir.path(), QStringLiteral("--to"),
                      QStringLiteral("warehouse")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("give --contract FILE")), qPrintable(r.err));

        r = runVouch({QStringLiteral("demo"), QStringLiteral("ingest"), QStringLiteral("sku_costs"),
                      QStringLiteral("--dir"), dir.path()});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(tables(QStringLiteral("warehouse.db")),
                 QStringList{QStringLiteral("raw_sku_costs")});
    }
};

VOUCH_TEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
