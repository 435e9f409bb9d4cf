// The command line as a user meets it: the real `vouch` binary, its output
// and its exit codes.

#include "support/testguard.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

Result runVouch(const QStringList &args, const QString &workingDir = QString())
{
    QProcess p;
    if (!workingDir.isEmpty())
        p.setWorkingDirectory(workingDir);
    p.start(QStringLiteral(VOUCH_BINARY), args);
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

const QByteArray kContract = R"(vouch: 1
report:
  id: weekly
  name: Weekly report
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections:
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

const QString kNow = QStringLiteral("2026-11-30T08:00:00Z");

// A contract whose nodes are the given YAML list items.
QByteArray contractWith(const QByteArray &nodes)
{
    return QByteArray(R"(vouch: 1
report:
  id: weekly
  name: Weekly report
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections:
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
};

VOUCH_TEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
