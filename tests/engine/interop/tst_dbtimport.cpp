// dbt manifests become contracts: every real manifest in tests/fixtures/dbt
// imports to a contract the loader accepts, with the node counts of the
// manifest; bad input is an error naming the file and the node, never a crash.

#include "engine/contract/contractloader.h"
#include "engine/graph/graph.h"
#include "engine/interop/dbtimport.h"
#include "engine/interop/dbtmanifest.h"
#include "engine/interop/dbtwrite.h"
#include "support/testguard.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;

namespace {

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString shared(const char *relative)
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/") + QString::fromLatin1(relative);
}

QString fixture()
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/exposure_project/manifest.json");
}

QString errors(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics) {
        if (d.severity == Diagnostic::Severity::Error)
            lines << d.format();
    }
    return lines.join(u'\n');
}

int count(const Contract &c, NodeKind kind)
{
    return int(std::count_if(c.nodes.cbegin(), c.nodes.cend(),
                             [&](const Node &n) { return n.kind == kind; }));
}

} // namespace

class TestDbtImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sharedManifests_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("schema");
        QTest::addColumn<int>("commands"); // models + seeds + snapshots
        QTest::addColumn<int>("checks");   // tests
        QTest::addColumn<int>("sources");  // freshness + plain source nodes
        QTest::addColumn<int>("edges");    // distinct depends_on entries
        // Counts from SOURCES.md (nodes by resource type, sources).
        QTest::newRow("jaffle_shop 1.12")
            << shared("jaffle_shop_dbt1_12/manifest_1.12.json") << 12 << 13 + 6 << 27 << 6 << 47;
        QTest::newRow("jaffle_shop 1.9 build")
            << shared("jaffle_shop_dbt1_9_build/manifest_1.9.json") << 12 << 36 + 3 << 20 << 0
            << 60;
        QTest::newRow("openlineage postgres")
            << shared("openlineage_fixture_postgres/manifest.json") << 7 << 5 + 3 << 20 << 0 << 29;
        QTest::newRow("openlineage fail")
            << shared("openlineage_fixture_fail/manifest.json") << 2 << 4 << 0 << 1 << 4;
        QTest::newRow("openlineage test")
            << shared("openlineage_fixture_test/manifest.json") << 2 << 4 << 14 << 2 << 18;
        QTest::newRow("tuva") << shared("tuva_2024_02/manifest.json") << 8 << 307 + 77 << 57 << 0
                              << 811;
        QTest::newRow("fivetran hubspot")
            << shared("fivetran_hubspot/manifest.json") << 12 << 154 + 56 << 73 << 61 << 300;
    }

    void sharedManifests()
    {
        QFETCH(QString, path);
        QFETCH(int, schema);
        QFETCH(int, commands);
        QFETCH(int, checks);
        QFETCH(int, sources);
        QFETCH(int, edges);
        const dbt::ManifestResult read = dbt::readManifest(path);
        QVERIFY2(read.manifest, qPrintable(errors(read.diagnostics)));
        QCOMPARE(read.manifest->schemaVersion, schema);

        const dbt::ImportOptions options;
        const dbt::Import import = dbt::importManifest(*read.manifest, options);
        QVERIFY2(import.ok(), qPrintable(errors(import.diagnostics)));
        const QByteArray yaml = dbt::toYaml(import, *read.manifest, options);
        const LoadResult loaded =
            ContractLoader::loadText(yaml, QStringLiteral("imported.yaml"), QStringLiteral("/tmp"));
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        const Contract &c = *loaded.contract;
        // Models, seeds, snapshots and tests are all dbt nodes: dbt runs the tests.
        QCOMPARE(count(c, NodeKind::Command), commands + checks);
        QCOMPARE(count(c, NodeKind::Check), 0);
        QCOMPARE(int(std::count_if(c.nodes.cbegin(), c.nodes.cend(),
                                   [](const Node &n) {
                                       return n.dbt && n.dbt->resourceType == QLatin1String("test");
                                   })),
                 checks);
        QCOMPARE(count(c, NodeKind::Freshness) + count(c, NodeKind::Noop), sources);
        QCOMPARE(c.nodes.size(), commands + checks + sources);
        QCOMPARE(c.edgeCount(), edges);
        QVERIFY(Graph::fromContract(c).isAcyclic());
        // Every model runs through dbt, selected by its own name.
        for (const Node &n : c.nodes) {
            if (n.dbt && n.dbt->resourceType != QLatin1String("test")) {
                QCOMPARE(n.argv.mid(0, 3),
                         QStringList({QStringLiteral("dbt"), QStringLiteral("build"),
                                      QStringLiteral("--select")}));
                QVERIFY2(n.argv.at(3).endsWith(n.id), qPrintable(n.argv.join(u' ')));
            }
        }
        // Ids fit the contract's limit (they name log files), dbt's long
        // generated test names included.
        for (const Node &n : c.nodes)
            QVERIFY2(n.id.size() <= kMaxIdLength, qPrintable(n.id));
        // None of these has an exposure: one section stands for the project.
        // It lists no test with something to test (it rests on those anyway)
        // and rests on every node.
        QVERIFY(import.defaultSection);
        QCOMPARE(c.report.sections.size(), 1);
        for (const QString &id : c.report.sections.first().needs)
            QVERIFY2(c.node(id)->kind != NodeKind::Check || c.node(id)->needs.isEmpty(),
                     qPrintable(id));
        const Graph graph = Graph::fromContract(c);
        QCOMPARE(graph.sectionRestsOn(c.report.sections.first().id).size(), c.nodes.size());
        // What was written is what was built.
        QCOMPARE(c.nodes.size(), import.contract->nodes.size());
        for (int i = 0; i < c.nodes.size(); ++i) {
            QCOMPARE(c.nodes.at(i).id, import.contract->nodes.at(i).id);
            QCOMPARE(c.nodes.at(i).value, import.contract->nodes.at(i).value);
            QCOMPARE(c.nodes.at(i).loadedAt, import.contract->nodes.at(i).loadedAt);
        }
    }

    void unmappedContentIsListed()
    {
        const dbt::ManifestResult read =
            dbt::readManifest(shared("jaffle_shop_dbt1_12/manifest_1.12.json"));
        QVERIFY(read.manifest);
        const dbt::ImportOptions options;
        const dbt::Import import = dbt::importManifest(*read.manifest, options);
        QVERIFY(import.ok());
        const QString yaml = QString::fromUtf8(dbt::toYaml(import, *read.manifest, options));
        for (const char *expected : {"#   - metrics: 23 with no counterpart: metric.jaffle_shop.",
                                     "#   - semantic_models: 6", "#   - saved_queries: 3",
                                     "unit_test.jaffle_shop.orders.test_order_items_compute_to_"
                                     "bools_correctly"})
            QVERIFY2(yaml.contains(QString::fromLatin1(expected)), expected);
        bool warned = false;
        for (const Diagnostic &d : import.diagnostics)
            warned |= d.severity == Diagnostic::Severity::Warning &&
                      d.message.startsWith(QLatin1String("unit_tests: 3 with no counterpart"));
        QVERIFY(warned);
        // Operations (on-run-start hooks) have no counterpart either.
        const dbt::ManifestResult build =
            dbt::readManifest(shared("jaffle_shop_dbt1_9_build/manifest_1.9.json"));
        const dbt::Import withHooks = dbt::importManifest(*build.manifest, options);
        QCOMPARE(
            withHooks.unmapped.filter(QStringLiteral("operation operation.elementary.")).size(), 2);
    }

    void exposureBecomesSection()
    {
        const dbt::ManifestResult read = dbt::readManifest(fixture());
        QVERIFY2(read.manifest, qPrintable(errors(read.diagnostics)));
        dbt::ImportOptions options;
        options.select = QStringLiteral("+exposure:weekly_operating_report");
        options.projectDir = QStringLiteral("/srv/dbt/shop");
        options.profilesDir = QStringLiteral("/srv/dbt/profiles");
        options.target = QStringLiteral("prod");
        const dbt::Import import = dbt::importManifest(*read.manifest, options);
        QVERIFY2(import.ok(), qPrintable(errors(import.diagnostics)));
        const LoadResult loaded = ContractLoader::loadText(
            dbt::toYaml(import, *read.manifest, options), QStringLiteral("c.yaml"), QString());
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        const Contract &c = *loaded.contract;
        QCOMPARE(c.report.sections.size(), 1);
        const Section &s = c.report.sections.first();
        QCOMPARE(s.id, QStringLiteral("weekly_operating_report"));
        QCOMPARE(s.name, QStringLiteral("Weekly operating report"));
        QCOMPARE(s.owner, QStringLiteral("finance-lead"));
        QCOMPARE(toString(s.onFailure), QStringLiteral("hold"));
        // What the exposure depends on, nothing more; the section rests on
        // the tests on its path (and the selection kept them), not on
        // customer_churn's.
        QCOMPARE(s.needs, QStringList({QStringLiteral("weekly_revenue")}));
        const Graph graph = Graph::fromContract(c);
        QStringList restsOn = graph.ids(graph.sectionRestsOn(s.id));
        restsOn.sort();
        QCOMPARE(restsOn,
                 QStringList({QStringLiteral("accepted_values_stg_orders_status"),
                              QStringLiteral("not_null_weekly_revenue_amount"),
                              QStringLiteral("raw.customers"), QStringLiteral("raw.orders"),
                              QStringLiteral("stg_customers"), QStringLiteral("stg_orders"),
                              QStringLiteral("weekly_revenue")}));
        QStringList ids;
        for (const Node &n : c.nodes)
            ids << n.id;
        ids.sort();
        QCOMPARE(ids, QStringList({QStringLiteral("accepted_values_stg_orders_status"),
                                   QStringLiteral("not_null_weekly_revenue_amount"),
                                   QStringLiteral("raw.customers"), QStringLiteral("raw.orders"),
                                   QStringLiteral("stg_customers"), QStringLiteral("stg_orders"),
                                   QStringLiteral("weekly_revenue")}));
        const Node *model = c.node(QStringLiteral("weekly_revenue"));
        QCOMPARE(model->argv,
                 QStringList({"dbt", "build", "--select", "weekly_revenue", "--indirect-selection",
                              "empty", "--project-dir", "/srv/dbt/shop", "--profiles-dir",
                              "/srv/dbt/profiles", "--target", "prod"}));
        QCOMPARE(model->dbt->uniqueId, QStringLiteral("model.jaffle_shop.weekly_revenue"));
        QCOMPARE(model->owner, QStringLiteral("finance-data"));
        QCOMPARE(model->tags, QStringList({QStringLiteral("finance")}));
        const Node *fresh = c.node(QStringLiteral("raw.customers"));
        QCOMPARE(toString(fresh->kind), QStringLiteral("freshness"));
        QCOMPARE(fresh->loadedAt,
                 QStringLiteral("select max(_loaded_at) from \"analytics\".\"raw\".\"customers\""));
        QCOMPARE(formatDuration(*fresh->warnAfter), QStringLiteral("12h"));
        QCOMPARE(formatDuration(*fresh->errorAfter), QStringLiteral("1d"));
        QCOMPARE(toString(c.node(QStringLiteral("raw.orders"))->kind), QStringLiteral("noop"));
        // Tests are dbt nodes: dbt runs them, with their own severity.
        const Node *test = c.node(QStringLiteral("not_null_weekly_revenue_amount"));
        QVERIFY(test->dbt);
        QCOMPARE(test->dbt->resourceType, QStringLiteral("test"));
        QCOMPARE(test->dbt->select, QStringLiteral("not_null_weekly_revenue_amount"));
        QCOMPARE(test->group, QStringLiteral("checks"));
    }

    // The warehouse connection follows the project's adapter: Snowflake,
    // Redshift, Databricks and SQL Server through ODBC with their dialect,
    // MySQL and SQLite by their own drivers; every value a reference.
    void connectionFollowsTheAdapter_data()
    {
        QTest::addColumn<QString>("adapter");
        QTest::addColumn<QString>("driver");
        QTest::addColumn<QString>("dialect");
        QTest::addColumn<bool>("warned");
        QTest::newRow("postgres") << "postgres"
                                  << "postgres"
                                  << "postgres" << false;
        QTest::newRow("snowflake") << "snowflake"
                                   << "odbc"
                                   << "snowflake" << true;
        QTest::newRow("redshift") << "redshift"
                                  << "odbc"
                                  << "redshift" << true;
        QTest::newRow("databricks") << "databricks"
                                    << "odbc"
                                    << "databricks" << true;
        QTest::newRow("sqlserver") << "sqlserver"
                                   << "odbc"
                                   << "sqlserver" << true;
        QTest::newRow("mysql") << "mysql"
                               << "mysql"
                               << "mysql" << false;
        QTest::newRow("sqlite") << "sqlite"
                                << "sqlite"
                                << "sqlite" << false;
        QTest::newRow("bigquery") << "bigquery"
                                  << "odbc"
                                  << "generic" << true;
    }

    void connectionFollowsTheAdapter()
    {
        QFETCH(QString, adapter);
        QFETCH(QString, driver);
        QFETCH(QString, dialect);
        QFETCH(bool, warned);
        QTemporaryDir dir;
        QFile in(fixture());
        QVERIFY(in.open(QIODevice::ReadOnly));
        QByteArray json = in.readAll();
        QVERIFY(json.contains("\"adapter_type\": \"postgres\""));
        json.replace("\"adapter_type\": \"postgres\"",
                     "\"adapter_type\": \"" + adapter.toUtf8() + '"');
        const QString path = dir.filePath(QStringLiteral("manifest.json"));
        QFile out(path);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(json);
        out.close();
        const dbt::ManifestResult read = dbt::readManifest(path);
        QVERIFY2(read.manifest, qPrintable(errors(read.diagnostics)));
        dbt::ImportOptions options;
        options.select = QStringLiteral("+exposure:weekly_operating_report");
        const dbt::Import import = dbt::importManifest(*read.manifest, options);
        QVERIFY2(import.ok(), qPrintable(errors(import.diagnostics)));
        bool sawWarning = false;
        for (const Diagnostic &d : import.diagnostics)
            sawWarning = sawWarning || d.message.contains(QLatin1String("through ODBC"));
        QCOMPARE(sawWarning, warned);
        const QByteArray yaml = dbt::toYaml(import, *read.manifest, options);
        const LoadResult loaded =
            ContractLoader::loadText(yaml, QStringLiteral("c.yaml"), QString());
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics) + QString::fromUtf8(yaml)));
        QCOMPARE(loaded.contract->connections.size(), 1);
        const Connection &c = loaded.contract->connections.first();
        QCOMPARE(toString(c.driver), driver);
        QCOMPARE(toString(c.dialect), dialect);
        if (driver == QLatin1String("odbc"))
            QCOMPARE(c.dsn, QStringLiteral("${DBT_ODBC_DSN}"));
        if (driver != QLatin1String("sqlite")) {
            QVERIFY(c.password);
            QCOMPARE(c.password->text, QStringLiteral("DBT_PASSWORD"));
        }
    }

    // Over the size limit, the include form: the report and the sections, and
    // an include with the import's options, paths relative to the contract;
    // loaded, it has the same nodes and sections as the full contract.
    void tooLargeForOneFileIsAnInclude()
    {
        const dbt::ManifestResult read = dbt::readManifest(fixture());
        QVERIFY2(read.manifest, qPrintable(errors(read.diagnostics)));
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("shop/profiles"))));
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("contracts"))));
        dbt::ImportOptions options;
        options.projectDir = dir.filePath(QStringLiteral("shop"));
        options.profilesDir = dir.filePath(QStringLiteral("shop/profiles"));
        options.target = QStringLiteral("prod");
        options.dbt = QStringLiteral("/opt/dbt/bin/dbt");
        options.connection = QStringLiteral("dwh");
        const dbt::Import import = dbt::importManifest(*read.manifest, options);
        QVERIFY2(import.ok(), qPrintable(errors(import.diagnostics)));
        const QString baseDir = dir.filePath(QStringLiteral("contracts"));
        const QString name = dir.filePath(QStringLiteral("contracts/c.yaml"));

        dbt::WrittenContract full = dbt::composeContract(import, *read.manifest, options, baseDir);
        QVERIFY(!full.included);
        dbt::checkContract(&full, name, baseDir);
        QVERIFY2(full.ok(), qPrintable(errors(full.check.diagnostics)));

        dbt::WrittenContract small =
            dbt::composeContract(import, *read.manifest, options, baseDir, full.fullBytes - 1);
        QVERIFY(small.included);
        QCOMPARE(small.fullBytes, full.fullBytes);
        // The manifest is elsewhere on the machine: an absolute path, unless
        // this checkout shares its top directory with the temporary one
        // (a clone under /tmp), when it is relative like the project.
        const QString manifest = QFileInfo(fixture()).absoluteFilePath();
        const bool sameTop =
            manifest.section(u'/', 1, 1) == QDir(baseDir).absolutePath().section(u'/', 1, 1);
        const QString written = sameTop ? QDir(baseDir).relativeFilePath(manifest) : manifest;
        QVERIFY2(small.yaml.contains("\ninclude:\n  dbt:\n    manifest: \"" +
                                     QFile::encodeName(written) + "\"\n"),
                 small.yaml.constData());
        QVERIFY2(small.yaml.contains("    project_dir: \"../shop\"\n    profiles_dir: "
                                     "\"../shop/profiles\"\n    target: prod\n    program: "
                                     "\"/opt/dbt/bin/dbt\"\n    connection: dwh\n"),
                 small.yaml.constData());
        QVERIFY(!small.yaml.contains("\nnodes:"));
        dbt::checkContract(&small, name, baseDir);
        QVERIFY2(small.ok(), qPrintable(errors(small.check.diagnostics)));
        const Contract &a = *full.check.contract;
        const Contract &b = *small.check.contract;
        QCOMPARE(b.nodes.size(), a.nodes.size());
        for (int i = 0; i < a.nodes.size(); ++i) {
            QCOMPARE(b.nodes.at(i).id, a.nodes.at(i).id);
            QCOMPARE(b.nodes.at(i).argv, a.nodes.at(i).argv);
            QCOMPARE(b.nodes.at(i).connection, a.nodes.at(i).connection);
        }
        QCOMPARE(b.report.sections.size(), a.report.sections.size());
        QCOMPARE(b.report.sections.first().needs, a.report.sections.first().needs);
        QCOMPARE(b.report.id, a.report.id);
        QVERIFY(b.connections.contains(QStringLiteral("dwh")));
    }

    void danglingDependencyIsAnError()
    {
        const QByteArray text =
            "{\"metadata\": {\"dbt_schema_version\":\n"
            "            \"https://schemas.getdbt.com/dbt/manifest/v12.json\"},\n"
            "          \"nodes\": {\"model.x.y\": {\"unique_id\": \"model.x.y\", "
            "\"resource_type\": \"model\",\n"
            "            \"name\": \"y\", \"package_name\": \"x\",\n"
            "            \"depends_on\": {\"nodes\": [\"model.x.missing\"]}}}}";
        const dbt::ManifestResult read = dbt::parseManifest(text, QStringLiteral("manifest.json"));
        QVERIFY(read.manifest);
        const dbt::Import import = dbt::importManifest(*read.manifest, dbt::ImportOptions());
        QVERIFY(!import.ok());
        QVERIFY2(errors(import.diagnostics)
                     .contains(QStringLiteral("manifest.json: error: node "
                                              "model.x.y depends on model.x.missing, which "
                                              "is not in the manifest")),
                 qPrintable(errors(import.diagnostics)));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << "the file is empty";
        QTest::newRow("not json") << QByteArray("hello") << "not a dbt manifest";
        QTest::newRow("json list") << QByteArray("[1, 2]") << "not a dbt manifest";
        QTest::newRow("other json")
            << QByteArray("{\"name\": \"x\", \"nodes\": {}}") << "no metadata.dbt_schema_version";
        QTest::newRow("run results")
            << QByteArray(
                   "{\"metadata\": {\"dbt_schema_version\": "
                   "\"https://schemas.getdbt.com/dbt/run-results/v6.json\"}, \"results\": []}")
            << "give the manifest.json of the same dbt invocation";
        QTest::newRow("unknown schema")
            << QByteArray("{\"metadata\": {\"dbt_schema_version\": "
                          "\"https://schemas.getdbt.com/dbt/manifest/v0.json\"}, \"nodes\": {}}")
            << "unknown dbt manifest schema version";
        QTest::newRow("truncated")
            << QByteArray("{\"metadata\": {\"dbt_schema_version\": \"https:") << "truncated";
        QTest::newRow("trailing garbage")
            << QByteArray("{\"metadata\": {\"dbt_schema_version\": "
                          "\"https://schemas.getdbt.com/dbt/manifest/v12.json\"}, \"nodes\": {}} x")
            << "unexpected text after the end";
        QTest::newRow("deep") << QByteArray("{\"x\": ") + QByteArray(100000, '[')
                              << "nested deeper";
    }

    void badInput()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        const dbt::ManifestResult read = dbt::parseManifest(text, QStringLiteral("m.json"));
        QVERIFY(!read.manifest);
        QVERIFY2(errors(read.diagnostics).startsWith(QStringLiteral("m.json")),
                 qPrintable(errors(read.diagnostics)));
        QVERIFY2(errors(read.diagnostics).contains(expected), qPrintable(errors(read.diagnostics)));
    }

    void newerSchemaIsAWarning()
    {
        const QByteArray text =
            "{\"metadata\": {\"dbt_schema_version\": "
            "\"https://schemas.getdbt.com/dbt/manifest/v13.json\"}, \"nodes\": {}}";
        const dbt::ManifestResult read = dbt::parseManifest(text, QStringLiteral("m.json"));
        QVERIFY(read.manifest);
        QCOMPARE(read.diagnostics.size(), 1);
        QVERIFY(read.diagnostics.first().message.contains(QStringLiteral("v13 is newer")));
    }

    // Truncating a real manifest anywhere gives an error, never a crash nor a
    // half-read manifest.
    void truncationsAreErrors()
    {
        const QByteArray text = readAll(shared("jaffle_shop_dbt1_12/manifest_1.12.json"));
        QVERIFY(text.size() > 1000000);
        const qsizetype last = text.size() - 1;
        int checked = 0;
        for (qsizetype cut = 0; cut < last; cut += 1 + (cut * 7919 + 13) % 9973) {
            const dbt::ManifestResult read =
                dbt::parseManifest(QByteArrayView(text.constData(), cut), QStringLiteral("m.json"));
            QVERIFY2(!read.manifest, qPrintable(QStringLiteral("cut at %1 was accepted").arg(cut)));
            QVERIFY(hasErrors(read.diagnostics));
            ++checked;
        }
        // The end of the file, byte by byte.
        for (qsizetype cut = last - 64; cut < text.size(); ++cut) {
            const dbt::ManifestResult read =
                dbt::parseManifest(QByteArrayView(text.constData(), cut), QStringLiteral("m.json"));
            QVERIFY2(!read.manifest || text.mid(cut).trimmed().isEmpty(),
                     qPrintable(QStringLiteral("cut at %1 was accepted").arg(cut)));
            ++checked;
        }
        QVERIFY(checked > 200);
    }

    void missingFile()
    {
        const dbt::ManifestResult read = dbt::readManifest(QStringLiteral("/nonexistent/m.json"));
        QVERIFY(!read.manifest);
        QVERIFY(errors(read.diagnostics).startsWith(QStringLiteral("/nonexistent/m.json")));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDbtImport)
#include "tst_dbtimport.moc"
