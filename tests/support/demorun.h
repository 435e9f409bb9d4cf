#pragma once

// The Brightside path run by the real `vouch` against another warehouse: the
// demo contract copied into a directory (copyDemoContract), its warehouse
// connection swapped, and the verdict of `vouch run` read back from `vouch
// status --json` (runDemoVerdict), for tests that compare engines.

#include "support/vouchprocess.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace vouch::test {

// The demo tree (contract.yaml, month-end.yaml, models/, …) copied into
// DIR/contract; returns the path of the copied contract.yaml.
inline QString copyDemoContract(const QString &dir)
{
    const QString source = QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside");
    QDirIterator it(source, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString from = it.next();
        const QString to =
            QDir(dir).filePath(QStringLiteral("contract/") + QDir(source).relativeFilePath(from));
        QDir().mkpath(QFileInfo(to).absolutePath());
        QFile::copy(from, to);
    }
    return QDir(dir).filePath(QStringLiteral("contract/contract.yaml"));
}

struct DemoVerdict
{
    int exitCode = -1;
    QString report;
    QStringList sections; // id=status
    QStringList nodes;    // id=state, sorted
    QString output;       // the end of what `vouch run` said, for failure messages
};

// `vouch demo init` (scenario `scenario`, clock `now`) in a new directory,
// the demo contract copied there with its warehouse connection as
// `connection` (a YAML flow mapping), the path run for 2026-W48 at `now`,
// and its verdict. `env` is the environment of every `vouch`.
inline DemoVerdict
runDemoVerdict(const QString &scenario, const QByteArray &connection, const QString &now,
               QProcessEnvironment env = QProcessEnvironment::systemEnvironment())
{
    QTemporaryDir dir;
    VouchOptions options;
    options.timeoutMs = 240000;
    env.insert(QStringLiteral("VOUCH_DATA"), dir.path());
    env.remove(QStringLiteral("VOUCH_STATE"));
    options.env = env;
    DemoVerdict v;
    VouchResult r = runVouch({QStringLiteral("demo"), QStringLiteral("init"), dir.path(),
                              QStringLiteral("--scenario"), scenario, QStringLiteral("--now"), now},
                             options);
    if (r.exitCode != 0) {
        v.output = r.out + r.err;
        return v;
    }
    const QString contract = copyDemoContract(dir.path());
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
                  QStringLiteral("--no-wait"), QStringLiteral("--now"), now},
                 options);
    v.exitCode = r.exitCode;
    v.output = r.out.right(1500) + r.err.right(600);
    const VouchResult s = runVouch({QStringLiteral("status"), QStringLiteral("--json"),
                                    QStringLiteral("--state"), state, QStringLiteral("--now"), now},
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

// The verdict of a run on another warehouse (`what`) against SQLite's:
// exit code, report status, section statuses and node states. A QTest check
// (QVERIFY/QCOMPARE): a failure ends the calling test function's checks here.
inline void compareDemoVerdicts(const DemoVerdict &other, const DemoVerdict &sqlite,
                                const char *what)
{
    QVERIFY2(!sqlite.report.isEmpty(), qPrintable(sqlite.output));
    QVERIFY2(other.exitCode == sqlite.exitCode,
             qPrintable(QStringLiteral("%1 exit %2, sqlite exit %3\n%4")
                            .arg(QLatin1String(what))
                            .arg(other.exitCode)
                            .arg(sqlite.exitCode)
                            .arg(other.output)));
    QCOMPARE(other.report, sqlite.report);
    QCOMPARE(other.sections, sqlite.sections);
    QCOMPARE(other.nodes, sqlite.nodes);
}

// The seven scenarios of the weekly pack (month-end-gap is the close pack's).
inline QStringList weeklyDemoScenarios()
{
    return {QStringLiteral("all-green"),       QStringLiteral("sku-cost-gap"),
            QStringLiteral("late-stripe"),     QStringLiteral("missing-ad-spend"),
            QStringLiteral("stale-inventory"), QStringLiteral("bridge-variance"),
            QStringLiteral("missing-shopify")};
}

} // namespace vouch::test
