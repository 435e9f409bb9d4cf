// A contract's `include: {dbt: …}` block: the same nodes as `vouch import dbt`,
// expanded each time the contract is loaded, so that the contract's own
// sections and nodes may name dbt nodes and the contract follows the manifest
// without a re-import. Bad input is an error at the include's line naming the
// manifest (and the node), never a crash.

#include "engine/graph/graph.h"
#include "engine/interop/dbtimport.h"
#include "engine/interop/dbtmanifest.h"
#include "engine/interop/loadcontract.h"
#include "support/testguard.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;

namespace {

QString fixture()
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/exposure_project/manifest.json");
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeAll(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
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

// The include is on line 2, column 1 of every contract below.
constexpr int kIncludeLine = 2;

// A contract with its own section that rests on a dbt model, a dbt test and
// a node of its own that needs a dbt model. `%1` is the include's body.
const char kOwnSection[] = R"(vouch: 1
include:
  dbt: %1
report:
  id: weekly
  name: Weekly report
  timezone: UTC
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  owners: { business: finance-lead, technical: data-eng }
  sections:
    - id: revenue
      name: Revenue
      needs: [publish_revenue, not_null_weekly_revenue_amount]
      sources: [raw.orders, raw.customers]
      on_failure: hold
      owner: finance-lead
connections:
  warehouse: { driver: sqlite, database: "${VOUCH_DATA}/warehouse.db" }
nodes:
  - id: publish_revenue
    kind: noop
    needs: [weekly_revenue]
    owner: data-eng
)";

// Nothing but the report: nodes, the section (from the exposure) and the
// connection all come from the manifest.
const char kOnlyInclude[] = R"(vouch: 1
include:
  dbt: %1
report:
  id: weekly
  name: Weekly report
  timezone: UTC
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
)";

// A node of the contract with the name of a dbt model.
const char kDuplicate[] = R"(vouch: 1
include:
  dbt: { manifest: dbt/target/manifest.json }
report:
  id: weekly
  name: Weekly report
  timezone: UTC
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
nodes:
  - id: weekly_revenue
    kind: noop
)";

class Project
{
public:
    Project()
    {
        QDir(m_dir.path()).mkpath(QStringLiteral("dbt"));
        setManifest(readAll(fixture()));
    }
    QString path(const QString &relative) const { return m_dir.filePath(relative); }
    QString manifest() const { return path(QStringLiteral("dbt/target/manifest.json")); }
    bool setManifest(const QByteArray &bytes) const { return writeAll(manifest(), bytes); }
    LoadResult load(const char *contract, const QString &include) const
    {
        const QString file = path(QStringLiteral("contract.yaml"));
        writeAll(file, QString::fromUtf8(contract).arg(include).toUtf8());
        return loadContractFile(file);
    }

private:
    QTemporaryDir m_dir;
};

const QString kRelative = QStringLiteral("{manifest: dbt/target/manifest.json, project_dir: dbt}");

int importedNodeCount(const QString &manifest, const QString &select = {})
{
    const dbt::ManifestResult read = dbt::readManifest(manifest);
    if (!read.manifest)
        return -1;
    dbt::ImportOptions options;
    options.select = select;
    const dbt::Import import = dbt::importManifest(*read.manifest, options);
    return import.ok() ? int(import.contract->nodes.size()) : -1;
}

} // namespace

class TestDbtInclude : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ownSectionNeedsDbtNodes()
    {
        Project project;
        const LoadResult loaded = project.load(kOwnSection, kRelative);
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        const Contract &c = *loaded.contract;
        // Every node of the import, plus the contract's own.
        const int imported = importedNodeCount(project.manifest());
        QCOMPARE(imported, 9);
        QCOMPARE(int(c.nodes.size()), imported + 1);
        QCOMPARE(c.nodes.last().id, QStringLiteral("publish_revenue"));
        // The contract's report wins: its one section, not the exposure's.
        QCOMPARE(int(c.report.sections.size()), 1);
        QCOMPARE(c.report.sections.first().id, QStringLiteral("revenue"));
        QCOMPARE(c.report.name, QStringLiteral("Weekly report"));
        // The contract's connection wins over the include's PostgreSQL one.
        QVERIFY(c.connections.value(QStringLiteral("warehouse")).driver ==
                Connection::Driver::Sqlite);
        // Included nodes point at the include; paths are the contract's.
        const Node *model = c.node(QStringLiteral("weekly_revenue"));
        QVERIFY(model);
        QCOMPARE(model->pos.line, kIncludeLine);
        QCOMPARE(toString(model->kind), QStringLiteral("command"));
        const QString projectDir = QDir::cleanPath(project.path(QStringLiteral("dbt")));
        QCOMPARE(
            model->argv,
            QStringList({QStringLiteral("dbt"), QStringLiteral("build"), QStringLiteral("--select"),
                         QStringLiteral("weekly_revenue"), QStringLiteral("--indirect-selection"),
                         QStringLiteral("empty"), QStringLiteral("--project-dir"), projectDir}));
        QCOMPARE(model->workingDir, projectDir);
        const Node *test = c.node(QStringLiteral("not_null_weekly_revenue_amount"));
        QVERIFY(test);
        QVERIFY(test->dbt); // dbt runs the test
        QCOMPARE(test->dbt->resourceType, QStringLiteral("test"));
        QCOMPARE(test->needs, QStringList{QStringLiteral("weekly_revenue")});
    }

    void onlyIncludeTakesEverything()
    {
        Project project;
        const LoadResult loaded = project.load(kOnlyInclude, kRelative);
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        const Contract &c = *loaded.contract;
        QCOMPARE(int(c.nodes.size()), importedNodeCount(project.manifest()));
        // No section of its own: the exposure's.
        QCOMPARE(int(c.report.sections.size()), 1);
        QCOMPARE(c.report.sections.first().id, QStringLiteral("weekly_operating_report"));
        QCOMPARE(c.report.sections.first().pos.line, kIncludeLine);
        // It needs what the exposure depends on; it rests on the test on it.
        QCOMPARE(c.report.sections.first().needs, QStringList{QStringLiteral("weekly_revenue")});
        const Graph graph = Graph::fromContract(c);
        QVERIFY(graph.ids(graph.sectionRestsOn(QStringLiteral("weekly_operating_report")))
                    .contains(QStringLiteral("not_null_weekly_revenue_amount")));
        // No connection of its own: the include's.
        QVERIFY(c.connections.value(QStringLiteral("warehouse")).driver ==
                Connection::Driver::Postgres);
        QCOMPARE(c.report.id, QStringLiteral("weekly"));
    }

    void selectAndOptions()
    {
        Project project;
        const QString include =
            QStringLiteral("{manifest: dbt/target/manifest.json, select: "
                           "'+exposure:weekly_operating_report', project_dir: dbt, profiles_dir: "
                           "profiles, target: prod, program: /opt/dbt/bin/dbt, connection: wh}");
        QVERIFY(QDir(project.path(QString())).mkpath(QStringLiteral("profiles")));
        const LoadResult loaded = project.load(kOnlyInclude, include);
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        const Contract &c = *loaded.contract;
        const int selected = importedNodeCount(project.manifest(),
                                               QStringLiteral("+exposure:weekly_operating_report"));
        QVERIFY(selected > 0 && selected < importedNodeCount(project.manifest()));
        QCOMPARE(int(c.nodes.size()), selected);
        QVERIFY(!c.node(QStringLiteral("customer_churn")));
        QVERIFY(c.connections.contains(QStringLiteral("wh")));
        const Node *model = c.node(QStringLiteral("stg_orders"));
        QVERIFY(model);
        QCOMPARE(model->argv.first(), QStringLiteral("/opt/dbt/bin/dbt"));
        QVERIFY(model->argv.contains(QStringLiteral("prod")));
        QVERIFY(model->argv.contains(QDir::cleanPath(project.path(QStringLiteral("profiles")))));
    }

    void environmentAndDefaultManifest()
    {
        Project project;
        qputenv("VOUCH_TEST_DBT_PROJECT", project.path(QStringLiteral("dbt")).toUtf8());
        // Without 'manifest', project_dir's target/manifest.json is read.
        LoadResult loaded =
            project.load(kOnlyInclude, QStringLiteral("{project_dir: "
                                                      "\"${VOUCH_TEST_DBT_PROJECT}\"}"));
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        QCOMPARE(int(loaded.contract->nodes.size()), 9);
        qunsetenv("VOUCH_TEST_DBT_PROJECT");
        loaded = project.load(kOnlyInclude, QStringLiteral("{project_dir: "
                                                           "\"${VOUCH_TEST_DBT_PROJECT}\"}"));
        QVERIFY(!loaded.ok());
        QVERIFY2(errors(loaded.diagnostics).contains(QStringLiteral("VOUCH_TEST_DBT_PROJECT")),
                 qPrintable(errors(loaded.diagnostics)));
    }

    void badInclude_data()
    {
        QTest::addColumn<QString>("include");
        QTest::addColumn<QByteArray>("manifest"); // replaces the fixture when not empty
        QTest::addColumn<QString>("expected");    // in the error message
        QTest::addColumn<bool>("namesManifest");

        const QByteArray good = readAll(fixture());
        QJsonObject dangling = QJsonDocument::fromJson(good).object();
        QJsonObject nodes = dangling.value(QStringLiteral("nodes")).toObject();
        QJsonObject churn =
            nodes.value(QStringLiteral("model.jaffle_shop.customer_churn")).toObject();
        churn.insert(QStringLiteral("depends_on"),
                     QJsonObject{{QStringLiteral("nodes"),
                                  QJsonArray{QStringLiteral("model.jaffle_shop.gone")}}});
        nodes.insert(QStringLiteral("model.jaffle_shop.customer_churn"), churn);
        dangling.insert(QStringLiteral("nodes"), nodes);

        QTest::newRow("missing manifest")
            << QStringLiteral("{manifest: dbt/target/nope.json}") << QByteArray()
            << QStringLiteral("nope.json: no such file") << true;
        QTest::newRow("truncated")
            << kRelative << good.left(good.size() / 2) << QStringLiteral("truncated") << true;
        QTest::newRow("not json") << kRelative << QByteArray("{\"nodes\": [1, 2,")
                                  << QStringLiteral("manifest.json") << true;
        QTest::newRow("dangling depends_on")
            << kRelative << QJsonDocument(dangling).toJson()
            << QStringLiteral("node model.jaffle_shop.customer_churn depends on "
                              "model.jaffle_shop.gone, which is not in the manifest")
            << true;
        QTest::newRow("unknown select")
            << QStringLiteral("{manifest: dbt/target/manifest.json, select: '+exposure:nope'}")
            << QByteArray() << QStringLiteral("select '+exposure:nope': unknown section 'nope'")
            << true;
        QTest::newRow("bad select syntax")
            << QStringLiteral("{manifest: dbt/target/manifest.json, select: 'oops:x'}")
            << QByteArray() << QStringLiteral("unknown method") << true;
        QTest::newRow("nothing to read") << QStringLiteral("{select: stg_orders}") << QByteArray()
                                         << QStringLiteral("needs 'manifest'") << false;
    }

    void badInclude()
    {
        QFETCH(QString, include);
        QFETCH(QByteArray, manifest);
        QFETCH(QString, expected);
        QFETCH(bool, namesManifest);
        Project project;
        if (!manifest.isEmpty())
            QVERIFY(project.setManifest(manifest));
        const LoadResult loaded = project.load(kOwnSection, include);
        QVERIFY(!loaded.ok());
        const Diagnostic *error = nullptr;
        for (const Diagnostic &d : loaded.diagnostics) {
            if (d.severity == Diagnostic::Severity::Error && d.message.contains(expected)) {
                error = &d;
                break;
            }
        }
        QVERIFY2(error, qPrintable(errors(loaded.diagnostics)));
        QCOMPARE(error->line, kIncludeLine);
        QCOMPARE(error->column, 1);
        QCOMPARE(error->file, project.path(QStringLiteral("contract.yaml")));
        if (namesManifest)
            QVERIFY2(error->message.contains(QStringLiteral("dbt/target/")),
                     qPrintable(error->message));
        // No echo about the dbt names the contract uses: the include's error says it.
        QVERIFY2(!errors(loaded.diagnostics).contains(QStringLiteral("unknown")) ||
                     expected.contains(QStringLiteral("unknown")),
                 qPrintable(errors(loaded.diagnostics)));
    }

    void badIncludeKeys_data()
    {
        QTest::addColumn<QString>("include"); // the whole `include:` value, on line 2
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown key") << QStringLiteral("{dbt: {manifest: m.json, selct: a}}") << 2
                                     << QStringLiteral("did you mean 'select'?");
        QTest::newRow("unknown kind")
            << QStringLiteral("{airflow: {}}") << 2 << QStringLiteral("unknown key 'airflow'");
        QTest::newRow("not a mapping")
            << QStringLiteral("dbt") << 2 << QStringLiteral("'include' must be a mapping");
        QTest::newRow("list manifest")
            << QStringLiteral("{dbt: {manifest: [a, b]}}") << 2
            << QStringLiteral("'manifest' in the dbt include must be text");
    }

    void badIncludeKeys()
    {
        QFETCH(QString, include);
        QFETCH(int, line);
        QFETCH(QString, expected);
        const QByteArray text =
            QStringLiteral("vouch: 1\ninclude: %1\nreport: {id: r, name: R, timezone: UTC, "
                           "schedule: '0 6 * * MON', publish_by: 'MON 12:00'}\n")
                .arg(include)
                .toUtf8();
        const LoadResult loaded =
            loadContractText(text, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY(!loaded.ok());
        const QString all = errors(loaded.diagnostics);
        QVERIFY2(all.contains(QStringLiteral("c.yaml:%1:").arg(line)), qPrintable(all));
        QVERIFY2(all.contains(expected), qPrintable(all));
    }

    void duplicateIdIsAnError()
    {
        Project project;
        const QString file = project.path(QStringLiteral("contract.yaml"));
        QVERIFY(writeAll(file, QByteArray(kDuplicate)));
        const LoadResult loaded = loadContractFile(file);
        QVERIFY(!loaded.ok());
        int found = 0;
        for (const Diagnostic &d : loaded.diagnostics) {
            if (d.severity != Diagnostic::Severity::Error)
                continue;
            ++found;
            // At the contract's own node, naming the dbt node and the manifest.
            QCOMPARE(d.line, 11);
            QVERIFY2(d.message.contains(QStringLiteral("node 'weekly_revenue' is defined here and "
                                                       "by the dbt include at line 2")),
                     qPrintable(d.message));
            QVERIFY2(d.message.contains(QStringLiteral("model.jaffle_shop.weekly_revenue")),
                     qPrintable(d.message));
            QVERIFY2(d.message.contains(project.manifest()), qPrintable(d.message));
        }
        QCOMPARE(found, 1);
    }

    void unknownDbtNameSuggests()
    {
        Project project;
        QByteArray text = QString::fromUtf8(kOwnSection).arg(kRelative).toUtf8();
        text.replace("needs: [weekly_revenue]", "needs: [weekly_revenu]");
        const QString file = project.path(QStringLiteral("contract.yaml"));
        QVERIFY(writeAll(file, text));
        const LoadResult loaded = loadContractFile(file);
        QVERIFY(!loaded.ok());
        QVERIFY2(errors(loaded.diagnostics)
                     .contains(QStringLiteral("node 'publish_revenue' needs unknown node "
                                              "'weekly_revenu'; did you mean 'weekly_revenue'?")),
                 qPrintable(errors(loaded.diagnostics)));
    }

    // A changed manifest changes the loaded contract: no re-import.
    void followsTheManifest()
    {
        Project project;
        LoadResult loaded = project.load(kOwnSection, kRelative);
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        QCOMPARE(int(loaded.contract->nodes.size()), 10);
        QVERIFY(!loaded.contract->node(QStringLiteral("weekly_margin")));

        // dbt grew a model and lost a test.
        QJsonObject doc = QJsonDocument::fromJson(readAll(fixture())).object();
        QJsonObject nodes = doc.value(QStringLiteral("nodes")).toObject();
        QJsonObject margin =
            nodes.value(QStringLiteral("model.jaffle_shop.weekly_revenue")).toObject();
        margin.insert(QStringLiteral("unique_id"),
                      QStringLiteral("model.jaffle_shop.weekly_margin"));
        margin.insert(QStringLiteral("name"), QStringLiteral("weekly_margin"));
        margin.insert(
            QStringLiteral("depends_on"),
            QJsonObject{{QStringLiteral("nodes"),
                         QJsonArray{QStringLiteral("model.jaffle_shop.weekly_revenue")}}});
        nodes.insert(QStringLiteral("model.jaffle_shop.weekly_margin"), margin);
        nodes.remove(QStringLiteral("test.jaffle_shop.unique_customer_churn_id.abc123"));
        doc.insert(QStringLiteral("nodes"), nodes);
        QVERIFY(project.setManifest(QJsonDocument(doc).toJson()));

        loaded = project.load(kOwnSection, kRelative);
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        QCOMPARE(int(loaded.contract->nodes.size()), 10); // one more, one fewer
        const Node *added = loaded.contract->node(QStringLiteral("weekly_margin"));
        QVERIFY(added);
        QCOMPARE(added->needs, QStringList{QStringLiteral("weekly_revenue")});
        QVERIFY(!loaded.contract->node(QStringLiteral("unique_customer_churn_id")));

        // A test the contract's section needs disappears: the section says so.
        nodes.remove(QStringLiteral("test.jaffle_shop.not_null_weekly_revenue_amount.abc123"));
        doc.insert(QStringLiteral("nodes"), nodes);
        QVERIFY(project.setManifest(QJsonDocument(doc).toJson()));
        loaded = project.load(kOwnSection, kRelative);
        QVERIFY(!loaded.ok());
        QVERIFY2(errors(loaded.diagnostics)
                     .contains(QStringLiteral("section 'revenue' needs unknown node "
                                              "'not_null_weekly_revenue_amount'")),
                 qPrintable(errors(loaded.diagnostics)));
    }

    // Import warnings reach the contract's diagnostics, capped.
    void warningsAreCapped()
    {
        Project project;
        QJsonObject doc = QJsonDocument::fromJson(readAll(fixture())).object();
        QJsonObject metrics;
        for (int i = 0; i < 30; ++i) {
            const QString id = QStringLiteral("metric.jaffle_shop.m%1").arg(i);
            metrics.insert(id, QJsonObject{{QStringLiteral("unique_id"), id},
                                           {QStringLiteral("name"), QStringLiteral("m%1").arg(i)}});
        }
        doc.insert(QStringLiteral("metrics"), metrics);
        // Thirty sources whose freshness Vouch cannot measure: one warning each.
        QJsonObject sources = doc.value(QStringLiteral("sources")).toObject();
        const QJsonObject customers =
            sources.value(QStringLiteral("source.jaffle_shop.raw.customers")).toObject();
        for (int i = 0; i < 30; ++i) {
            QJsonObject s = customers;
            const QString id = QStringLiteral("source.jaffle_shop.raw.t%1").arg(i);
            s.insert(QStringLiteral("unique_id"), id);
            s.insert(QStringLiteral("name"), QStringLiteral("t%1").arg(i));
            s.insert(QStringLiteral("loaded_at_field"), QJsonValue());
            s.insert(QStringLiteral("freshness"),
                     QJsonObject{{QStringLiteral("warn_after"),
                                  QJsonObject{{QStringLiteral("count"), 1},
                                              {QStringLiteral("period"), QStringLiteral("day")}}}});
            sources.insert(id, s);
        }
        doc.insert(QStringLiteral("sources"), sources);
        QVERIFY(project.setManifest(QJsonDocument(doc).toJson()));
        const LoadResult loaded = project.load(kOwnSection, kRelative);
        QVERIFY2(loaded.ok(), qPrintable(errors(loaded.diagnostics)));
        int warnings = 0;
        bool summary = false;
        for (const Diagnostic &d : loaded.diagnostics) {
            QVERIFY(d.severity == Diagnostic::Severity::Warning);
            if (d.line != kIncludeLine)
                continue;
            ++warnings;
            QVERIFY2(d.message.startsWith(QStringLiteral("dbt include ") + project.manifest()),
                     qPrintable(d.message));
            summary = summary || d.message.contains(QStringLiteral("more warning(s)"));
        }
        QCOMPARE(warnings, 11);
        QVERIFY(summary);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDbtInclude)
#include "tst_dbtinclude.moc"
