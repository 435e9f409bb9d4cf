// Runs dbt executed elsewhere become Vouch runs: every run_results.json in
// tests/fixtures/dbt is recorded with the right per-node states, timings and
// failure counts, and a failing test on an exposure's path holds its section.

#include "engine/contract/contractloader.h"
#include "engine/graph/graph.h"
#include "engine/interop/dbtimport.h"
#include "engine/interop/dbtmanifest.h"
#include "engine/interop/dbtobserve.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "support/testguard.h"

#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;

namespace {

QString shared(const QString &relative)
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/") + relative;
}

QString fixture(const char *file)
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/exposure_project/") +
           QString::fromLatin1(file);
}

struct Observed
{
    ContractPtr contract;
    std::unique_ptr<StateStore> store;
    dbt::ObserveResult result;
};

// Imports the manifest, then records the artifacts into a fresh store.
Observed observe(const QString &manifestPath, const QStringList &artifactPaths,
                 const QTemporaryDir &dir, const QString &select = QString())
{
    Observed o;
    const dbt::ManifestResult read = dbt::readManifest(manifestPath);
    if (!read.manifest)
        return o;
    dbt::ImportOptions options;
    options.select = select;
    const dbt::Import import = dbt::importManifest(*read.manifest, options);
    if (!import.ok())
        return o;
    const LoadResult loaded = ContractLoader::loadText(dbt::toYaml(import, *read.manifest, options),
                                                       QStringLiteral("c.yaml"), dir.path());
    if (!loaded.ok())
        return o;
    o.contract = loaded.contract;
    QString error;
    o.store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
    if (!o.store)
        return o;
    dbt::ObserveRequest request;
    request.contract = o.contract.get();
    request.idOf = import.idOf;
    request.who = QStringLiteral("tester");
    for (const QString &path : artifactPaths) {
        const dbt::RunResultsResult r = dbt::readRunResults(path);
        if (!r.results)
            return o;
        request.artifacts.append(*r.results);
    }
    o.result = dbt::record(*o.store, request);
    return o;
}

QString stateCounts(const QList<NodeRunRecord> &runs)
{
    QMap<QString, int> counts;
    for (const NodeRunRecord &r : runs)
        ++counts[toString(r.state)];
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    return parts.join(QStringLiteral(", "));
}

NodeRunRecord nodeRun(const QList<NodeRunRecord> &runs, const QString &id)
{
    for (const NodeRunRecord &r : runs) {
        if (r.nodeId == id)
            return r;
    }
    return {};
}

} // namespace

class TestDbtObserve : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sharedRunResults_data()
    {
        QTest::addColumn<QString>("manifest");
        QTest::addColumn<QString>("results");
        QTest::addColumn<QString>("states"); // every contract node's recorded state
        QTest::addColumn<QString>("period");
        // Nodes dbt did not run in the invocation are recorded skipped.
        QTest::newRow("openlineage fail: error + skipped")
            << "openlineage_fixture_fail/manifest.json"
            << "openlineage_fixture_fail/run_results.json"
            << "1 failed, 2 skipped, 2 succeeded"
            << "2021-W30";
        QTest::newRow("openlineage test: 4 fail, 10 pass")
            << "openlineage_fixture_test/manifest.json"
            << "openlineage_fixture_test/run_results.json"
            << "4 failed, 6 skipped, 10 succeeded"
            << "2021-W34";
        QTest::newRow("openlineage postgres: dbt run")
            << "openlineage_fixture_postgres/manifest.json"
            << "openlineage_fixture_postgres/run_results.json"
            << "23 skipped, 5 succeeded"
            << "2022-W50";
        QTest::newRow("jaffle_shop 1.9: dbt build") << "jaffle_shop_dbt1_9_build/manifest_1.9.json"
                                                    << "jaffle_shop_dbt1_9_build/run_results.json"
                                                    << "59 succeeded"
                                                    << "2024-W51";
        QTest::newRow("jaffle_shop 1.12: generate") << "jaffle_shop_dbt1_12/manifest_1.12.json"
                                                    << "jaffle_shop_dbt1_12/run_results_1.12.json"
                                                    << "6 skipped, 46 succeeded"
                                                    << "2026-W33";
        QTest::newRow("tuva: generate") << "tuva_2024_02/manifest.json"
                                        << "tuva_2024_02/run_results.json"
                                        << "42 skipped, 399 succeeded"
                                        << "2024-W08";
    }

    void sharedRunResults()
    {
        QFETCH(QString, manifest);
        QFETCH(QString, results);
        QFETCH(QString, states);
        QFETCH(QString, period);
        QTemporaryDir dir;
        const Observed o = observe(shared(manifest), {shared(results)}, dir);
        QVERIFY(o.contract && o.store);
        QVERIFY2(o.result.error.isEmpty(), qPrintable(o.result.error));
        QCOMPARE(o.result.period, period);
        QCOMPARE(o.result.attempt, 1);
        const QList<NodeRunRecord> runs = o.store->nodeRuns(o.result.runId);
        QCOMPARE(runs.size(), o.contract->nodes.size());
        QCOMPARE(stateCounts(runs), states);
        const auto run = o.store->run(o.result.runId);
        QVERIFY(run);
        QCOMPARE(run->reportId, o.contract->report.id);
    }

    void perNodeOutcomes()
    {
        QTemporaryDir dir;
        const Observed o =
            observe(shared(QStringLiteral("openlineage_fixture_fail/manifest.json")),
                    {shared(QStringLiteral("openlineage_fixture_fail/run_results.json"))}, dir);
        QVERIFY(o.store);
        const QList<NodeRunRecord> runs = o.store->nodeRuns(o.result.runId);
        const NodeRunRecord failed =
            nodeRun(runs, QStringLiteral("test_second_parallel_dbt_model"));
        QCOMPARE(toString(failed.state), QStringLiteral("failed"));
        QVERIFY(failed.message.startsWith(QStringLiteral("Database Error in model "
                                                         "test_second_parallel_dbt_model")));
        QCOMPARE(toString(nodeRun(runs, QStringLiteral("test_third_dbt_model")).state),
                 QStringLiteral("skipped"));

        QTemporaryDir dir2;
        const Observed t =
            observe(shared(QStringLiteral("openlineage_fixture_test/manifest.json")),
                    {shared(QStringLiteral("openlineage_fixture_test/run_results.json"))}, dir2);
        QVERIFY(t.store);
        int withFailures = 0;
        for (const NodeRunRecord &r : t.store->nodeRuns(t.result.runId)) {
            if (r.state == NodeState::Failed) {
                QVERIFY(r.value && *r.value > 0);
                QVERIFY(r.message.contains(QStringLiteral("configured to fail if != 0")));
                // dbt's timing: compile start to execute end.
                QVERIFY(r.startedAt.isValid() && r.finishedAt.isValid());
                QVERIFY(r.startedAt < r.finishedAt);
                QCOMPARE(r.startedAt.date(), QDate(2021, 8, 23));
                ++withFailures;
            }
        }
        QCOMPARE(withFailures, 4);
    }

    // The exposure's path is a section; its verdict follows a failing test.
    void exposureSectionFollowsFailingTest()
    {
        QTemporaryDir dir;
        const Observed o = observe(
            fixture("manifest.json"),
            {fixture("run_results.json"), shared(QStringLiteral("sources_fixtures/sources.json"))},
            dir, QStringLiteral("+exposure:weekly_operating_report"));
        QVERIFY(o.contract && o.store);
        QVERIFY2(o.result.error.isEmpty(), qPrintable(o.result.error));
        const QList<NodeRunRecord> runs = o.store->nodeRuns(o.result.runId);
        const NodeRunRecord test = nodeRun(runs, QStringLiteral("not_null_weekly_revenue_amount"));
        QCOMPARE(toString(test.state), QStringLiteral("failed"));
        QCOMPARE(test.value.value_or(-1), 3.0);
        QCOMPARE(test.startedAt, QDateTime(QDate(2026, 11, 23), QTime(5, 0, 7), Qt::UTC));
        QCOMPARE(test.finishedAt, QDateTime(QDate(2026, 11, 23), QTime(5, 0, 8), Qt::UTC));
        QCOMPARE(toString(nodeRun(runs, QStringLiteral("accepted_values_stg_orders_status")).state),
                 QStringLiteral("warned"));
        const NodeRunRecord source = nodeRun(runs, QStringLiteral("raw.customers"));
        QCOMPARE(toString(source.state), QStringLiteral("succeeded"));
        QCOMPARE(toString(source.freshness), QStringLiteral("fresh"));
        QCOMPARE(source.ageSeconds.value_or(-1), 1);
        // customer_churn is outside the selection: its result is not recorded.
        QVERIFY(!o.contract->node(QStringLiteral("customer_churn")));
        QVERIFY(!o.result.diagnostics.isEmpty());

        const Graph graph = Graph::fromContract(*o.contract);
        const auto assessment = assess(*o.store, *o.contract, graph, o.result.runId,
                                       QDateTime(QDate(2026, 11, 23), QTime(6, 0), Qt::UTC));
        QVERIFY(assessment);
        const SectionVerdict *section =
            assessment->verdict.section(QStringLiteral("weekly_operating_report"));
        QVERIFY(section);
        QCOMPARE(toString(section->status), QStringLiteral("held"));
        QStringList causes;
        for (const Finding &f : section->findings)
            causes << f.nodeId;
        QVERIFY2(causes.contains(QStringLiteral("not_null_weekly_revenue_amount")),
                 qPrintable(causes.join(u',')));
    }

    void sameInvocationIsRecordedOnce()
    {
        QTemporaryDir dir;
        Observed o = observe(fixture("manifest.json"), {fixture("run_results.json")}, dir);
        QVERIFY(o.store);
        QCOMPARE(o.result.attempt, 1);
        dbt::ObserveRequest again;
        again.contract = o.contract.get();
        const dbt::ManifestResult read = dbt::readManifest(fixture("manifest.json"));
        again.idOf = dbt::importManifest(*read.manifest, dbt::ImportOptions()).idOf;
        again.artifacts.append(*dbt::readRunResults(fixture("run_results.json")).results);
        const dbt::ObserveResult second = dbt::record(*o.store, again);
        QVERIFY(second.alreadyRecorded);
        QCOMPARE(o.store->attempts(o.result.runId).size(), 1);
    }

    void statuses_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<bool>("sources");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("freshness");
        QTest::newRow("success") << "success" << false << "succeeded"
                                 << "";
        QTest::newRow("pass") << "pass" << false << "succeeded"
                              << "";
        QTest::newRow("warn") << "warn" << false << "warned"
                              << "";
        QTest::newRow("error") << "error" << false << "failed"
                               << "";
        QTest::newRow("fail") << "fail" << false << "failed"
                              << "";
        QTest::newRow("runtime error") << "runtime error" << false << "failed"
                                       << "";
        QTest::newRow("skipped") << "skipped" << false << "skipped"
                                 << "";
        QTest::newRow("source pass (Fusion)") << "Pass" << true << "succeeded"
                                              << "fresh";
        QTest::newRow("source warn") << "warn" << true << "warned"
                                     << "stale_warn";
        QTest::newRow("source error") << "error" << true << "failed"
                                      << "stale_error";
        QTest::newRow("source runtime error") << "runtime error" << true << "failed"
                                              << "";
    }

    void statuses()
    {
        QFETCH(QString, status);
        QFETCH(bool, sources);
        QFETCH(QString, state);
        QFETCH(QString, freshness);
        const auto s = dbt::stateOf(status, sources ? dbt::RunResults::Kind::Sources
                                                    : dbt::RunResults::Kind::RunResults);
        QVERIFY(s);
        QCOMPARE(toString(s->state), state);
        QCOMPARE(toString(s->freshness), freshness);
        QVERIFY(!dbt::stateOf(QStringLiteral("exploded"), dbt::RunResults::Kind::RunResults));
    }

    void badRunResults()
    {
        const dbt::RunResultsResult manifest = dbt::readRunResults(fixture("manifest.json"));
        QVERIFY(!manifest.results);
        QVERIFY(manifest.diagnostics.first().format().contains(
            QStringLiteral("not dbt run results or source freshness results")));
        const dbt::RunResultsResult truncated = dbt::parseRunResults(
            QByteArray("{\"results\": [{\"unique_id\": \"x\""), QStringLiteral("run_results.json"));
        QVERIFY(!truncated.results);
        QVERIFY(truncated.diagnostics.first().format().startsWith(
            QStringLiteral("run_results.json:1:")));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDbtObserve)
#include "tst_dbtobserve.moc"
