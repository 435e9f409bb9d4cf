// `vouch import dbt` and `vouch observe dbt` as a user meets them: the real
// binary, the shared dbt artifacts, `vouch validate` and `vouch status`.

#include "support/testguard.h"
#include "support/vouchprocess.h"

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

using Result = vouch::test::VouchResult;
using vouch::test::runVouch;

QString shared(const char *relative)
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/") + QString::fromLatin1(relative);
}

QString fixture(const char *file)
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/exposure_project/") +
           QString::fromLatin1(file);
}

// A contract of its own over a dbt project, by `include:`: its sections
// need dbt models (the dbt tests on their paths count without being listed);
// one node of its own needs a dbt model. `%1` is the manifest.
const char kIncludeContract[] = R"(vouch: 1
include:
  dbt: { manifest: "%1" }
report:
  id: weekly
  name: Weekly report
  timezone: UTC
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections:
    - id: revenue
      name: Revenue
      needs: [weekly_revenue]
      on_failure: hold
      owner: finance-lead
    - id: churn
      name: Churn
      needs: [customer_churn]
      on_failure: caveat
nodes:
  - id: notify_finance
    kind: noop
    needs: [weekly_revenue]
)";

// The exposure project's manifest with one more test whose compiled SQL is
// `sqlBytes` long, written to `path`: the contract grows by as much.
// A test with so many tags that the contract would be about `bytes` long:
// tests run by dbt carry no SQL into the contract, but their tags are
// written out (`tags: [t0, t1, ...]`).
void writeManifestWithLargeTest(const QString &path, qsizetype bytes)
{
    QFile in(fixture("manifest.json"));
    QVERIFY(in.open(QIODevice::ReadOnly));
    QJsonObject manifest = QJsonDocument::fromJson(in.readAll()).object();
    QJsonObject nodes = manifest.value(QStringLiteral("nodes")).toObject();
    QJsonObject test =
        nodes.value(QStringLiteral("test.jaffle_shop.not_null_weekly_revenue_amount.abc123"))
            .toObject();
    QVERIFY(!test.isEmpty());
    QJsonArray tags;
    qsizetype written = 0;
    for (int i = 0; written < bytes; ++i) {
        const QString tag = QStringLiteral("t%1").arg(i);
        written += tag.size() + 2; // comma, space
        tags.append(tag);
    }
    test[QStringLiteral("name")] = QStringLiteral("huge_weekly_revenue_check");
    test[QStringLiteral("unique_id")] =
        QStringLiteral("test.jaffle_shop.huge_weekly_revenue_check.abc123");
    test[QStringLiteral("tags")] = tags;
    nodes.insert(test.value(QStringLiteral("unique_id")).toString(), test);
    manifest.insert(QStringLiteral("nodes"), nodes);
    QFile out(path);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(QJsonDocument(manifest).toJson(QJsonDocument::Compact));
}

QString readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

QJsonObject sectionOf(const QString &statusJson, const QString &id)
{
    const QJsonObject doc = QJsonDocument::fromJson(statusJson.toUtf8()).object();
    for (const QJsonValue &v : doc.value(QStringLiteral("sections")).toArray()) {
        if (v[QStringLiteral("id")].toString() == id)
            return v.toObject();
    }
    return {};
}

} // namespace

class TestDbt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void importThenValidate_data()
    {
        QTest::addColumn<QString>("manifest");
        QTest::addColumn<int>("nodes");
        QTest::newRow("jaffle_shop 1.12") << shared("jaffle_shop_dbt1_12/manifest_1.12.json") << 52;
        QTest::newRow("jaffle_shop 1.9")
            << shared("jaffle_shop_dbt1_9_build/manifest_1.9.json") << 59;
        QTest::newRow("openlineage postgres")
            << shared("openlineage_fixture_postgres/manifest.json") << 28;
        QTest::newRow("openlineage fail") << shared("openlineage_fixture_fail/manifest.json") << 5;
        QTest::newRow("openlineage test") << shared("openlineage_fixture_test/manifest.json") << 20;
        QTest::newRow("tuva") << shared("tuva_2024_02/manifest.json") << 441;
        QTest::newRow("fivetran hubspot") << shared("fivetran_hubspot/manifest.json") << 344;
    }

    void importThenValidate()
    {
        QFETCH(QString, manifest);
        QFETCH(int, nodes);
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("contract.yaml"));
        const Result imported = runVouch(
            {QStringLiteral("import"), QStringLiteral("dbt"), manifest, QStringLiteral("-o"), out});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        const Result valid = runVouch({QStringLiteral("validate"), out});
        QVERIFY2(valid.exitCode == 0, qPrintable(valid.err));
        QVERIFY2(valid.out.contains(QStringLiteral(": valid: %1 nodes").arg(nodes)),
                 qPrintable(valid.out));
    }

    // An exposure's section lists what the exposure depends on, not every
    // test upstream of it; a failing test on its path still holds it.
    void importedSectionRestsOnTheTestsOnItsPath()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("contract.yaml"));
        const Result imported = runVouch({QStringLiteral("import"), QStringLiteral("dbt"),
                                          fixture("manifest.json"), QStringLiteral("-o"), out});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        const QString yaml = readAll(out);
        QVERIFY2(yaml.contains(QStringLiteral("    - id: weekly_operating_report\n"
                                              "      name: \"Weekly operating report\"\n"
                                              "      needs: [weekly_revenue]\n")),
                 qPrintable(yaml));
        QVERIFY2(!yaml.contains(QStringLiteral("\ninclude:")), qPrintable(yaml));

        const QString state = dir.filePath(QStringLiteral("state.db"));
        const Result observed = runVouch(
            {QStringLiteral("observe"), QStringLiteral("dbt"), QStringLiteral("--manifest"),
             fixture("manifest.json"), QStringLiteral("--run-results"), fixture("run_results.json"),
             QStringLiteral("--state"), state, QStringLiteral("--contract"), out});
        QVERIFY2(observed.exitCode == 0, qPrintable(observed.err));
        const Result status = runVouch(
            {QStringLiteral("status"), QStringLiteral("--state"), state, QStringLiteral("--json")});
        const QJsonObject section =
            sectionOf(status.out, QStringLiteral("weekly_operating_report"));
        QVERIFY2(!section.isEmpty(), qPrintable(status.out + status.err));
        QCOMPARE(section.value(QStringLiteral("status")).toString(), QStringLiteral("held"));
        QCOMPARE(section.value(QStringLiteral("findings"))
                     .toArray()
                     .first()[QStringLiteral("node")]
                     .toString(),
                 QStringLiteral("not_null_weekly_revenue_amount"));
    }

    // A project whose contract would pass the loader's 16 MiB gets a small
    // contract that includes the manifest, which loads and has every node.
    void tooLargeForOneFileIncludesTheManifest()
    {
        QTemporaryDir dir;
        const QString manifest = dir.filePath(QStringLiteral("target/manifest.json"));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("target"))));
        writeManifestWithLargeTest(manifest, 17 * 1024 * 1024);
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("contracts"))));
        const QString out = dir.filePath(QStringLiteral("contracts/weekly.yaml"));
        const Result imported = runVouch({QStringLiteral("import"), QStringLiteral("dbt"), manifest,
                                          QStringLiteral("-o"), out, QStringLiteral("--select"),
                                          QStringLiteral("+exposure:weekly_operating_report"),
                                          QStringLiteral("--target"), QStringLiteral("prod")});
        QVERIFY2(imported.exitCode == 0, qPrintable(imported.err));
        QVERIFY2(imported.err.contains(QStringLiteral("includes the manifest instead")),
                 qPrintable(imported.err));
        const QString yaml = readAll(out);
        QVERIFY2(yaml.size() < 64 * 1024, qPrintable(QString::number(yaml.size())));
        QVERIFY2(yaml.contains(QStringLiteral("include:\n  dbt:\n    manifest: "
                                              "\"../target/manifest.json\"\n    select: "
                                              "\"+exposure:weekly_operating_report\"\n    "
                                              "target: prod\n")),
                 qPrintable(yaml));
        QVERIFY2(yaml.contains(QStringLiteral("needs: [weekly_revenue]")), qPrintable(yaml));
        // Loads as any contract: the selection's 7 nodes and the large test.
        const Result valid = runVouch({QStringLiteral("validate"), out});
        QVERIFY2(valid.exitCode == 0, qPrintable(valid.err));
        QVERIFY2(valid.out.contains(QStringLiteral(": valid: 8 nodes")), qPrintable(valid.out));
        const Result selected =
            runVouch({QStringLiteral("select"), QStringLiteral("tag:t12345"), out});
        QVERIFY2(selected.out.contains(QStringLiteral("huge_weekly_revenue_check")),
                 qPrintable(selected.out + selected.err));

        // Under the limit, the same project is written in full.
        const QString smaller = dir.filePath(QStringLiteral("target/smaller.json"));
        writeManifestWithLargeTest(smaller, 12 * 1024 * 1024);
        const QString full = dir.filePath(QStringLiteral("contracts/full.yaml"));
        const Result whole = runVouch(
            {QStringLiteral("import"), QStringLiteral("dbt"), smaller, QStringLiteral("-o"), full});
        QVERIFY2(whole.exitCode == 0, qPrintable(whole.err));
        QVERIFY2(!whole.err.contains(QStringLiteral("include")), qPrintable(whole.err));
        QVERIFY(!readAll(full).contains(QStringLiteral("\ninclude:")));
        QVERIFY(QFileInfo(full).size() > 10 * 1024 * 1024);
    }

    void observeThenStatus()
    {
        QTemporaryDir dir;
        const QString state = dir.filePath(QStringLiteral("state.db"));
        const Result observed = runVouch(
            {QStringLiteral("observe"), QStringLiteral("dbt"), QStringLiteral("--manifest"),
             shared("openlineage_fixture_fail/manifest.json"), QStringLiteral("--run-results"),
             shared("openlineage_fixture_fail/run_results.json"), QStringLiteral("--state"),
             state});
        QVERIFY2(observed.exitCode == 0, qPrintable(observed.err));
        QVERIFY2(observed.out.contains(QStringLiteral("1 failed, 2 skipped, 2 succeeded")),
                 qPrintable(observed.out));
        const Result status = runVouch(
            {QStringLiteral("status"), QStringLiteral("--state"), state, QStringLiteral("--json")});
        QVERIFY2(!status.out.isEmpty(), qPrintable(status.err));
        const QJsonObject doc = QJsonDocument::fromJson(status.out.toUtf8()).object();
        QHash<QString, QString> states;
        for (const QJsonValue &v : doc.value(QStringLiteral("nodes")).toArray())
            states.insert(v[QStringLiteral("id")].toString(),
                          v[QStringLiteral("state")].toString());
        QCOMPARE(states.value(QStringLiteral("test_second_parallel_dbt_model")),
                 QStringLiteral("failed"));
        QCOMPARE(states.value(QStringLiteral("test_third_dbt_model")), QStringLiteral("skipped"));
        QCOMPARE(states.value(QStringLiteral("test_first_dbt_model")), QStringLiteral("succeeded"));

        // The same invocation again changes nothing.
        const Result again = runVouch(
            {QStringLiteral("observe"), QStringLiteral("dbt"), QStringLiteral("--manifest"),
             shared("openlineage_fixture_fail/manifest.json"), QStringLiteral("--run-results"),
             shared("openlineage_fixture_fail/run_results.json"), QStringLiteral("--state"),
             state});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.startsWith(QStringLiteral("already recorded")));
    }

    void badInputExitsTwo()
    {
        QTemporaryDir dir;
        const QString truncated = dir.filePath(QStringLiteral("manifest.json"));
        QFile in(shared("openlineage_fixture_fail/manifest.json"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        QFile out(truncated);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(in.read(5000));
        out.close();
        const Result r = runVouch({QStringLiteral("import"), QStringLiteral("dbt"), truncated});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(truncated + u':'), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("truncated")), qPrintable(r.err));

        const Result wrong = runVouch({QStringLiteral("import"), QStringLiteral("dbt"),
                                       shared("openlineage_fixture_fail/run_results.json")});
        QCOMPARE(wrong.exitCode, 2);
        QVERIFY2(wrong.err.contains(QStringLiteral("not a dbt manifest")), qPrintable(wrong.err));

        const Result select =
            runVouch({QStringLiteral("import"), QStringLiteral("dbt"),
                      shared("openlineage_fixture_fail/manifest.json"), QStringLiteral("--select"),
                      QStringLiteral("+exposure:nope")});
        QCOMPARE(select.exitCode, 2);
        QVERIFY2(select.err.contains(QStringLiteral("unknown section 'nope'")),
                 qPrintable(select.err));
    }

    // `include: {dbt: …}` through the real binary: validate, select, and a
    // dbt run observed into the contract's own sections.
    void includeContract()
    {
        QTemporaryDir dir;
        const QString contract = dir.filePath(QStringLiteral("weekly.yaml"));
        {
            QFile f(contract);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QString::fromUtf8(kIncludeContract).arg(fixture("manifest.json")).toUtf8());
        }
        const Result valid = runVouch({QStringLiteral("validate"), contract});
        QVERIFY2(valid.exitCode == 0, qPrintable(valid.err));
        QVERIFY2(valid.out.contains(QStringLiteral(": valid: 10 nodes")), qPrintable(valid.out));

        const Result selected =
            runVouch({QStringLiteral("select"), QStringLiteral("section:revenue"), contract});
        QVERIFY2(selected.exitCode == 0, qPrintable(selected.err));
        const QStringList ids = selected.out.split(u'\n', Qt::SkipEmptyParts);
        for (const char *id : {"raw.orders", "raw.customers", "stg_orders", "stg_customers",
                               "weekly_revenue", "not_null_weekly_revenue_amount"})
            QVERIFY2(ids.contains(QString::fromLatin1(id)), qPrintable(selected.out));
        QVERIFY2(!ids.contains(QStringLiteral("customer_churn")), qPrintable(selected.out));

        // dbt's run: not_null_weekly_revenue_amount failed, the churn test passed.
        const QString state = dir.filePath(QStringLiteral("state.db"));
        const Result observed = runVouch(
            {QStringLiteral("observe"), QStringLiteral("dbt"), QStringLiteral("--manifest"),
             fixture("manifest.json"), QStringLiteral("--run-results"), fixture("run_results.json"),
             QStringLiteral("--state"), state, QStringLiteral("--contract"), contract});
        QVERIFY2(observed.exitCode == 0, qPrintable(observed.err));
        const Result status = runVouch(
            {QStringLiteral("status"), QStringLiteral("--state"), state, QStringLiteral("--json")});
        const QJsonObject doc = QJsonDocument::fromJson(status.out.toUtf8()).object();
        QVERIFY2(!doc.isEmpty(), qPrintable(status.out + status.err));
        QCOMPARE(doc.value(QStringLiteral("report")).toString(), QStringLiteral("weekly"));
        QHash<QString, QJsonObject> sections;
        for (const QJsonValue &v : doc.value(QStringLiteral("sections")).toArray())
            sections.insert(v[QStringLiteral("id")].toString(), v.toObject());
        QCOMPARE(sections.size(), 2);
        const QJsonObject revenue = sections.value(QStringLiteral("revenue"));
        QCOMPARE(revenue.value(QStringLiteral("status")).toString(), QStringLiteral("held"));
        bool failedTest = false;
        for (const QJsonValue &f : revenue.value(QStringLiteral("findings")).toArray())
            failedTest =
                failedTest || (f[QStringLiteral("node")].toString() ==
                                   QStringLiteral("not_null_weekly_revenue_amount") &&
                               f[QStringLiteral("state")].toString() == QStringLiteral("failed"));
        QVERIFY2(failedTest, qPrintable(status.out));
        QCOMPARE(sections.value(QStringLiteral("churn")).value(QStringLiteral("status")).toString(),
                 QStringLiteral("safe"));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDbt)
#include "tst_dbt.moc"
