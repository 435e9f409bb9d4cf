// bench_dbt: importing a large dbt manifest (`vouch import dbt`): read the
// memory-mapped manifest with the pull parser, build the contract, write
// the YAML. The manifest is generated first (not timed) from the shapes of
// the real jaffle_shop 1.12 manifest in tests/fixtures/dbt: models, tests, seeds
// and sources copied with new names and a layered DAG.
//
//   bench_dbt [--quick] [--dir DIR] [--nodes N] [--mb SIZE]

#include "engine/interop/dbtimport.h"
#include "engine/interop/dbtmanifest.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QThread>

#include <cstdio>
#include <random>
#include <sys/resource.h>

using namespace vouch::engine;

namespace {

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(u' ', 0, 2)
                                       : QStringLiteral("?");
}

QJsonObject firstOfType(const QJsonObject &map, const QString &type)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        if (o.value(QStringLiteral("resource_type")).toString() == type)
            return o;
    }
    return {};
}

// Writes a manifest of `nodes` nodes (40% models, 52% tests, 5% seeds, 3%
// sources) padded to about `targetBytes`, streaming so the generator's
// memory stays small. Returns the file size.
qint64 generate(const QString &path, int nodes, qint64 targetBytes)
{
    QFile real(QStringLiteral(VOUCH_SOURCE_DIR
                              "/tests/fixtures/dbt/jaffle_shop_dbt1_12/manifest_1.12.json"));
    if (!real.open(QIODevice::ReadOnly))
        qFatal("cannot read the jaffle_shop manifest: %s", qPrintable(real.fileName()));
    const QJsonObject m = QJsonDocument::fromJson(real.readAll()).object();
    const QJsonObject realNodes = m.value(QStringLiteral("nodes")).toObject();
    const QJsonObject model = firstOfType(realNodes, QStringLiteral("model"));
    const QJsonObject test = firstOfType(realNodes, QStringLiteral("test"));
    const QJsonObject seed = firstOfType(realNodes, QStringLiteral("seed"));
    const QJsonObject source =
        m.value(QStringLiteral("sources")).toObject().begin().value().toObject();

    const int sources = nodes * 3 / 100;
    const int seeds = nodes * 5 / 100;
    const int models = nodes * 40 / 100;
    const int tests = nodes - sources - seeds - models;
    // Pad code so the file reaches the target size, as real projects' SQL does.
    const qint64 base = QJsonDocument(model).toJson(QJsonDocument::Compact).size();
    const qint64 perNode = std::max<qint64>(0, targetBytes / nodes - base);
    QString padding;
    while (padding.size() < perNode)
        padding += QStringLiteral("    coalesce(amount, 0) as amount_%1,\n").arg(padding.size());

    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    QJsonObject metadata = m.value(QStringLiteral("metadata")).toObject();
    out.write("{\"metadata\": ");
    out.write(QJsonDocument(metadata).toJson(QJsonDocument::Compact));
    std::mt19937 rng(20261123);
    auto pick = [&](int n) { return int(rng() % unsigned(n)); };
    const QString pkg = QStringLiteral("bench");
    auto write = [&](const QString &id, QJsonObject o, bool first) {
        if (!first)
            out.write(", ");
        out.write(QJsonDocument(QJsonArray{id}).toJson(QJsonDocument::Compact).mid(1).chopped(1));
        out.write(": ");
        out.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    };
    out.write(", \"nodes\": {");
    bool first = true;
    for (int i = 0; i < seeds; ++i) {
        QJsonObject o = seed;
        const QString name = QStringLiteral("seed_%1").arg(i);
        o[QStringLiteral("name")] = name;
        o[QStringLiteral("unique_id")] = QStringLiteral("seed.%1.%2").arg(pkg, name);
        write(o[QStringLiteral("unique_id")].toString(), o, first);
        first = false;
    }
    const int layer = 100;
    for (int i = 0; i < models; ++i) {
        QJsonObject o = model;
        const QString name = QStringLiteral("model_%1").arg(i);
        o[QStringLiteral("name")] = name;
        o[QStringLiteral("unique_id")] = QStringLiteral("model.%1.%2").arg(pkg, name);
        QJsonArray deps;
        if (i < layer) {
            deps.append(i % 2
                            ? QStringLiteral("seed.%1.seed_%2").arg(pkg).arg(pick(seeds))
                            : QStringLiteral("source.%1.raw.table_%2").arg(pkg).arg(pick(sources)));
        } else {
            const int start = (i / layer - 1) * layer;
            const int n = 1 + pick(3);
            for (int d = 0; d < n; ++d)
                deps.append(QStringLiteral("model.%1.model_%2").arg(pkg).arg(start + pick(layer)));
        }
        QJsonObject dependsOn{{QStringLiteral("macros"), QJsonArray()},
                              {QStringLiteral("nodes"), deps}};
        o[QStringLiteral("depends_on")] = dependsOn;
        o[QStringLiteral("raw_code")] = QStringLiteral("select\n") + padding + QStringLiteral("1");
        write(o[QStringLiteral("unique_id")].toString(), o, first);
    }
    for (int i = 0; i < tests; ++i) {
        QJsonObject o = test;
        const QString name = QStringLiteral("not_null_model_%1_id").arg(i);
        o[QStringLiteral("name")] = name;
        o[QStringLiteral("unique_id")] = QStringLiteral("test.%1.%2.0123456789").arg(pkg, name);
        QJsonObject dependsOn{
            {QStringLiteral("macros"), QJsonArray{QStringLiteral("macro.dbt.test_not_null")}},
            {QStringLiteral("nodes"),
             QJsonArray{QStringLiteral("model.%1.model_%2").arg(pkg).arg(pick(models))}}};
        o[QStringLiteral("depends_on")] = dependsOn;
        write(o[QStringLiteral("unique_id")].toString(), o, first);
    }
    out.write("}, \"sources\": {");
    for (int i = 0; i < sources; ++i) {
        QJsonObject o = source;
        const QString name = QStringLiteral("table_%1").arg(i);
        o[QStringLiteral("name")] = name;
        o[QStringLiteral("source_name")] = QStringLiteral("raw");
        o[QStringLiteral("unique_id")] = QStringLiteral("source.%1.raw.%2").arg(pkg, name);
        write(o[QStringLiteral("unique_id")].toString(), o, i == 0);
    }
    out.write("}");
    for (const char *key :
         {"macros", "docs", "exposures", "metrics", "groups", "selectors", "disabled", "parent_map",
          "child_map", "group_map", "saved_queries", "semantic_models", "unit_tests"}) {
        out.write(", \"");
        out.write(key);
        out.write("\": ");
        out.write(QJsonDocument(m.value(QString::fromLatin1(key)).toObject())
                      .toJson(QJsonDocument::Compact));
    }
    out.write("}");
    return out.size();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.contains(QStringLiteral("--help"))) {
        std::printf("usage: bench_dbt [--quick] [--dir DIR] [--nodes N] [--mb SIZE]\n");
        return 0;
    }
    const bool quick = args.contains(QStringLiteral("--quick"));
    auto value = [&](const char *name, const QString &fallback) {
        const qsizetype i = args.indexOf(QString::fromLatin1(name));
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1) : fallback;
    };
    const QString dir = value("--dir", qEnvironmentVariable("TMPDIR", QStringLiteral("/tmp")));
    const int nodes =
        value("--nodes", quick ? QStringLiteral("3000") : QStringLiteral("30000")).toInt();
    const qint64 mb =
        value("--mb", quick ? QStringLiteral("10") : QStringLiteral("100")).toLongLong();
    const QString path = dir + QStringLiteral("/bench_dbt_manifest.json");

    std::printf("== bench_dbt (%s build) on %s, %d cores, load %s\n", VOUCH_BUILD_TYPE,
                qPrintable(QSysInfo::prettyProductName()), QThread::idealThreadCount(),
                qPrintable(loadAverage()));
    QElapsedTimer gen;
    gen.start();
    const qint64 bytes = generate(path, nodes, mb * 1000 * 1000);
    std::printf("generated %s: %.1f MB, %d nodes in %.1f s (not timed)\n", qPrintable(path),
                double(bytes) / 1e6, nodes, double(gen.elapsed()) / 1000);
    const double rssBefore = peakRssMb();

    QElapsedTimer timer;
    timer.start();
    const dbt::ManifestResult read = dbt::readManifest(path);
    const qint64 parsed = timer.elapsed();
    if (!read.manifest) {
        std::printf("error: %s\n", qPrintable(read.diagnostics.first().format()));
        return 1;
    }
    const dbt::ImportOptions options;
    const dbt::Import import = dbt::importManifest(*read.manifest, options);
    const qint64 imported = timer.elapsed();
    if (!import.ok()) {
        std::printf("error: %s\n", qPrintable(import.diagnostics.first().format()));
        return 1;
    }
    const QByteArray yaml = dbt::toYaml(import, *read.manifest, options);
    const qint64 total = timer.elapsed();
    const double rss = peakRssMb();
    const double fileMb = double(bytes) / (1024.0 * 1024.0);

    std::printf("%-34s %10s\n", "step", "ms");
    std::printf("%-34s %10lld\n", "read manifest (mmap + pull parse)", parsed);
    std::printf("%-34s %10lld\n", "build contract", imported - parsed);
    std::printf("%-34s %10lld\n", "write YAML", total - imported);
    std::printf("%-34s %10lld\n", "total", total);
    std::printf("contract: %lld nodes, %lld edges, YAML %.1f MB\n",
                qlonglong(import.contract->nodes.size()), qlonglong(import.contract->edgeCount()),
                double(yaml.size()) / 1e6);
    std::printf("peak RSS %.1f MiB (%.1f MiB before the import); file %.1f MiB\n", rss, rssBefore,
                fileMb);
    std::printf("RESULT bench_dbt nodes=%d file_mb=%.1f wall_s=%.3f (target <= 1.5) "
                "peak_rss_mb=%.1f rss/file=%.2f (target <= 3.00)\n",
                nodes, fileMb, double(total) / 1000, rss, rss / fileMb);
    QFile::remove(path);
    return 0;
}
