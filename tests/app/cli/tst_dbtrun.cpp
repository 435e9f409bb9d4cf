// Running a dbt project as dbt users expect, through the real `vouch`
// binary: `vouch import dbt` makes dbt nodes, `vouch run` builds the whole
// project in ONE `dbt build` and runs each test once, `vouch rerun NODE`
// runs one `dbt build --select NODE`. This machine has no dbt: the program
// is tests/support/dbt-standin/dbt, which replays dbt's structured log lines
// for the resources it is given and counts its invocations.

#include "engine/contract/contractloader.h"
#include "support/dbtstandin.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;

namespace {

using Result = vouch::test::VouchResult;
using vouch::test::runVouch;

const QString kStandin = vouch::test::dbtStandin();
const QString kManifest =
    QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/jaffle_shop_dbt1_12/manifest_1.12.json");

struct Project
{
    QTemporaryDir dir;
    QString path(const QString &name) const { return dir.filePath(name); }
    QString contract() const { return path(QStringLiteral("contract.yaml")); }
    QString state() const { return path(QStringLiteral("state.db")); }

    vouch::test::VouchOptions options() const
    {
        vouch::test::VouchOptions o;
        o.env.insert(QStringLiteral("DBT_STANDIN_CALLS"), path(QStringLiteral("calls")));
        return o;
    }

    QStringList calls() const { return vouch::test::dbtCalls(path(QStringLiteral("calls"))); }

    // The stand-in's view of the project, from the imported contract.
    bool describe(int *resources, int *tests) const
    {
        const LoadResult loaded = ContractLoader::loadFile(contract());
        if (!loaded.ok())
            return false;
        QHash<QString, QString> uid;
        for (const Node &n : loaded.contract->nodes) {
            if (n.dbt)
                uid.insert(n.id, n.dbt->uniqueId);
        }
        QByteArray tsv;
        *resources = *tests = 0;
        for (const Node &n : loaded.contract->nodes) {
            if (!n.dbt)
                continue;
            ++*resources;
            *tests += n.dbt->resourceType == QLatin1String("test");
            QStringList deps;
            for (const QString &need : n.needs)
                deps << uid.value(need, need);
            tsv += QStringLiteral("%1 %2 %3\n")
                       .arg(n.dbt->select, n.dbt->uniqueId,
                            deps.isEmpty() ? QStringLiteral("-") : deps.join(u','))
                       .toUtf8();
        }
        QFile f(path(QStringLiteral("shop/standin.tsv")));
        return f.open(QIODevice::WriteOnly) && f.write(tsv) == tsv.size();
    }

    QHash<QString, QString> states() const
    {
        const Result status = runVouch({QStringLiteral("status"), QStringLiteral("--state"),
                                        state(), QStringLiteral("--json")});
        QHash<QString, QString> out;
        const QJsonObject doc = QJsonDocument::fromJson(status.out.toUtf8()).object();
        for (const QJsonValue &v : doc.value(QStringLiteral("nodes")).toArray())
            out.insert(v[QStringLiteral("id")].toString(), v[QStringLiteral("state")].toString());
        return out;
    }
};

QStringList selected(const QString &call)
{
    return vouch::test::dbtSelection(call);
}

} // namespace

class TestDbtRun : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void importRunRerun()
    {
        Project p;
        QVERIFY(QDir().mkpath(p.path(QStringLiteral("shop"))));
        const Result imported =
            runVouch({QStringLiteral("import"), QStringLiteral("dbt"), kManifest,
                      QStringLiteral("-o"), p.contract(), QStringLiteral("--project-dir"),
                      p.path(QStringLiteral("shop")), QStringLiteral("--dbt"), kStandin});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        QFile written(p.contract());
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray yaml = written.readAll();
        QVERIFY(yaml.contains("    unique_id: model.jaffle_shop.orders\n"));
        QCOMPARE(yaml.count("kind: dbt\n"), 46);
        QVERIFY(!yaml.contains("kind: check"));  // dbt runs the tests
        QVERIFY(!yaml.contains("connections:")); // so no warehouse is needed
        int resources = 0, tests = 0;
        QVERIFY(p.describe(&resources, &tests));
        QCOMPARE(resources, 46); // 13 models, 6 seeds, 27 tests
        QCOMPARE(tests, 27);

        // The whole project: one invocation (a per-model `dbt build` was 19,
        // each running its model's tests again), every resource selected once.
        const Result run =
            runVouch({QStringLiteral("run"), p.contract(), QStringLiteral("--state"), p.state(),
                      QStringLiteral("--period"), QStringLiteral("2026-W47")},
                     p.options());
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QStringList calls = p.calls();
        QCOMPARE(calls.size(), 1);
        const QStringList all = selected(calls.first());
        QCOMPARE(all.size(), resources);
        QCOMPARE(QSet<QString>(all.cbegin(), all.cend()).size(), resources);
        QVERIFY(calls.first().contains(QLatin1String("--indirect-selection empty")));
        QHash<QString, QString> states = p.states();
        QCOMPARE(states.value(QStringLiteral("orders")), QStringLiteral("succeeded"));
        QCOMPARE(states.value(QStringLiteral("not_null_orders_order_id")),
                 QStringLiteral("succeeded"));

        // A rerun of one model: one `dbt build --select orders`, nothing else.
        const Result rerun =
            runVouch({QStringLiteral("rerun"), QStringLiteral("orders"), QStringLiteral("--reason"),
                      QStringLiteral("fixed the source"), QStringLiteral("--state"), p.state(),
                      p.contract()},
                     p.options());
        QVERIFY2(rerun.exitCode == 0, qPrintable(rerun.out + rerun.err));
        calls = p.calls();
        QCOMPARE(calls.size(), 2);
        QCOMPARE(selected(calls.at(1)), QStringList{QStringLiteral("orders")});

        // A test at error severity that finds rows fails the check, once.
        QFile outcomes(p.path(QStringLiteral("shop/outcomes")));
        QVERIFY(outcomes.open(QIODevice::WriteOnly));
        outcomes.write("not_null_orders_order_id fail 4\n");
        outcomes.close();
        const Result again = runVouch({QStringLiteral("rerun"), QStringLiteral("orders+"),
                                       QStringLiteral("--reason"), QStringLiteral("again"),
                                       QStringLiteral("--state"), p.state(), p.contract()},
                                      p.options());
        calls = p.calls();
        QCOMPARE(calls.size(), 3);
        QCOMPARE(selected(calls.at(2)).count(QStringLiteral("not_null_orders_order_id")), 1);
        states = p.states();
        QCOMPARE(states.value(QStringLiteral("not_null_orders_order_id")),
                 QStringLiteral("failed"));
        QVERIFY2(again.exitCode != 0, qPrintable(again.out)); // the report is not safe
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDbtRun)
#include "tst_dbtrun.moc"
