// bench_dbt: importing a large dbt manifest (`vouch import dbt`). In the
// process: read the memory-mapped manifest with the pull parser, build the
// contract, write the YAML and load it back (the self-validation every import
// does). Then end to end: the real `vouch import dbt` binary at 1k, 10k and
// 30k nodes, and 45k (whose contract is over 16 MiB: the include form), its
// wall time, CPU time (wait4) and peak RSS (VmHWM), and the growth order
// between the rows. The manifests are generated first (not timed) from the
// shapes of the real jaffle_shop 1.12 manifest in tests/fixtures/dbt: models,
// tests, seeds, sources and exposures copied with new names and a layered DAG.
//
//   bench_dbt [--quick] [--dir DIR] [--nodes N] [--mb SIZE] [--vouch BINARY]
//             [--no-e2e] [--e2e-only] [--rows N:MB,...] [--generate FILE]

#include "engine/interop/dbtimport.h"
#include "engine/interop/dbtmanifest.h"
#include "engine/interop/dbtwrite.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QThread>

#include <cmath>
#include <cstdio>
#include <random>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace vouch::engine;

namespace {

double peakRssMb()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
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
// sources) and one exposure per 50 nodes, padded to about `targetBytes`,
// streaming so the generator's memory stays small. An exposure reads one to
// four models of the last layers, as a dashboard reads marts. Returns the
// file size.
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
    QFile exposureFile(
        QStringLiteral(VOUCH_SOURCE_DIR "/tests/fixtures/dbt/exposure_project/manifest.json"));
    if (!exposureFile.open(QIODevice::ReadOnly))
        qFatal("cannot read the exposure manifest: %s", qPrintable(exposureFile.fileName()));
    const QJsonObject exposure = QJsonDocument::fromJson(exposureFile.readAll())
                                     .object()
                                     .value(QStringLiteral("exposures"))
                                     .toObject()
                                     .begin()
                                     .value()
                                     .toObject();

    const int sources = std::max(1, nodes * 3 / 100);
    const int seeds = std::max(1, nodes * 5 / 100);
    const int models = nodes * 40 / 100;
    const int tests = nodes - sources - seeds - models;
    const int exposures = std::max(1, nodes / 50);
    // Pad the models' code so the file reaches the target size, as real
    // projects' SQL does.
    const qint64 base = QJsonDocument(model).toJson(QJsonDocument::Compact).size();
    const qint64 perNode = std::max<qint64>(0, targetBytes / std::max(1, models) - base);
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
    out.write("}, \"exposures\": {");
    const int lastLayers = std::min(models, 3 * layer);
    for (int i = 0; i < exposures; ++i) {
        QJsonObject o = exposure;
        const QString name = QStringLiteral("dashboard_%1").arg(i);
        o[QStringLiteral("name")] = name;
        o[QStringLiteral("label")] = QStringLiteral("Dashboard %1").arg(i);
        o[QStringLiteral("unique_id")] = QStringLiteral("exposure.%1.%2").arg(pkg, name);
        o[QStringLiteral("package_name")] = pkg;
        QJsonArray deps;
        const int n = 1 + pick(4);
        for (int d = 0; d < n; ++d)
            deps.append(QStringLiteral("model.%1.model_%2")
                            .arg(pkg)
                            .arg(models - 1 - pick(std::max(1, lastLayers))));
        o[QStringLiteral("depends_on")] =
            QJsonObject{{QStringLiteral("macros"), QJsonArray()}, {QStringLiteral("nodes"), deps}};
        write(o[QStringLiteral("unique_id")].toString(), o, i == 0);
    }
    out.write("}");
    for (const char *key :
         {"macros", "docs", "metrics", "groups", "selectors", "disabled", "parent_map", "child_map",
          "group_map", "saved_queries", "semantic_models", "unit_tests"}) {
        out.write(", \"");
        out.write(key);
        out.write("\": ");
        out.write(QJsonDocument(m.value(QString::fromLatin1(key)).toObject())
                      .toJson(QJsonDocument::Compact));
    }
    out.write("}");
    return out.size();
}

// One end-to-end run of the real binary: `vouch import dbt MANIFEST -o OUT`.
struct Child
{
    int exitCode = -1;
    double wallS = 0, cpuS = 0, peakMiB = 0;
    qint64 outputBytes = 0;
    bool included = false; // it wrote the include form
};

Child runImport(const QString &vouch, const QString &manifest, const QString &output)
{
    QFile::remove(output);
    const QByteArray program = QFile::encodeName(vouch);
    const QByteArray in = QFile::encodeName(manifest);
    const QByteArray out = QFile::encodeName(output);
    const char *argv[] = {program.constData(), "import", "dbt", in.constData(), "-o",
                          out.constData(),     nullptr};
    Child c;
    QElapsedTimer wall;
    wall.start();
    pid_t pid = 0;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    const int spawned =
        posix_spawn(&pid, argv[0], &actions, nullptr, const_cast<char **>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0)
        qFatal("cannot start %s", argv[0]);
    // The child's peak RSS is VmHWM of its own memory, read while it runs:
    // wait4's ru_maxrss would start from this process's peak (posix_spawn
    // shares the parent's memory until the exec, and the kernel keeps that
    // memory's high-water mark).
    const QString statusFile = QStringLiteral("/proc/%1/status").arg(pid);
    qint64 hwmKiB = 0;
    int status = 0;
    rusage usage{};
    for (;;) {
        QFile proc(statusFile);
        if (proc.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : proc.readAll().split('\n')) {
                if (line.startsWith("VmHWM:"))
                    hwmKiB =
                        std::max(hwmKiB, line.mid(6).trimmed().split(' ').value(0).toLongLong());
            }
        }
        const pid_t done = wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        if (done < 0)
            qFatal("wait4 failed");
        usleep(2000);
    }
    c.wallS = double(wall.nsecsElapsed()) / 1e9;
    c.cpuS = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
             double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    c.peakMiB = double(hwmKiB) / 1024.0;
    c.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    QFile f(output);
    if (f.open(QIODevice::ReadOnly)) {
        c.outputBytes = f.size();
        c.included = f.readAll().contains("\ninclude:\n");
    }
    return c;
}

void endToEnd(const QString &vouch, const QString &dir, const QList<QPair<int, int>> &rows)
{
    std::printf("\nend to end: %s import dbt MANIFEST -o OUT (one run per row)\n",
                qPrintable(vouch));
    std::printf("%7s %8s %5s %8s %8s %9s %8s %9s %s\n", "nodes", "file MB", "exit", "wall s",
                "cpu s", "peak MiB", "rss/file", "out MB", "form");
    QList<std::pair<double, double>> points; // nodes, wall
    for (const auto &[nodes, mb] : rows) {
        const QString manifest = dir + QStringLiteral("/bench_dbt_e2e_manifest.json");
        const QString output = dir + QStringLiteral("/bench_dbt_e2e_contract.yaml");
        const qint64 bytes = generate(manifest, nodes, qint64(mb) * 1000 * 1000);
        const Child c = runImport(vouch, manifest, output);
        const double fileMiB = double(bytes) / (1024.0 * 1024.0);
        std::printf("%7d %8.1f %5d %8.3f %8.3f %9.1f %8.2f %9.2f %s\n", nodes, double(bytes) / 1e6,
                    c.exitCode, c.wallS, c.cpuS, c.peakMiB, c.peakMiB / fileMiB,
                    double(c.outputBytes) / 1e6,
                    c.exitCode != 0 ? "-"
                    : c.included    ? "include"
                                    : "full");
        std::printf("RESULT bench_dbt_e2e nodes=%d file_mb=%.1f exit=%d wall_s=%.3f cpu_s=%.3f "
                    "peak_rss_mb=%.1f rss/file=%.2f\n",
                    nodes, double(bytes) / 1e6, c.exitCode, c.wallS, c.cpuS, c.peakMiB,
                    c.peakMiB / fileMiB);
        std::fflush(stdout);
        points.append({double(nodes), c.wallS});
        QFile::remove(manifest);
        QFile::remove(output);
    }
    for (int i = 1; i < points.size(); ++i) {
        const auto [n0, t0] = points.at(i - 1);
        const auto [n1, t1] = points.at(i);
        std::printf("growth %d -> %d nodes: time x%.2f for nodes x%.1f, order n^%.2f\n", int(n0),
                    int(n1), t1 / t0, n1 / n0, std::log(t1 / t0) / std::log(n1 / n0));
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.contains(QStringLiteral("--help"))) {
        std::printf(
            "usage: bench_dbt [--quick] [--dir DIR] [--nodes N] [--mb SIZE] "
            "[--vouch BINARY] [--no-e2e] [--e2e-only] [--rows N:MB,...] [--generate FILE]\n");
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
    const QString vouch = value("--vouch", QStringLiteral(VOUCH_BINARY));
    const QString path = dir + QStringLiteral("/bench_dbt_manifest.json");
    if (const QString keep = value("--generate", QString()); !keep.isEmpty()) {
        // Only write the manifest (to profile `vouch import dbt` on it).
        std::printf("%s: %lld bytes\n", qPrintable(keep),
                    qlonglong(generate(keep, nodes, mb * 1000 * 1000)));
        return 0;
    }

    std::printf("== bench_dbt (%s build) on %s, %d cores, load %s\n", VOUCH_BUILD_TYPE,
                qPrintable(QSysInfo::prettyProductName()), QThread::idealThreadCount(),
                qPrintable(loadAverage()));
    if (!args.contains(QStringLiteral("--e2e-only"))) {
        QElapsedTimer gen;
        gen.start();
        const qint64 bytes = generate(path, nodes, mb * 1000 * 1000);
        std::printf("generated %s: %.1f MB, %d nodes in %.1f s (not timed)\n", qPrintable(path),
                    double(bytes) / 1e6, nodes, double(gen.elapsed()) / 1000);
        const double rssBefore = peakRssMb();
        const double cpuBefore = cpuSeconds();

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
        dbt::WrittenContract contract = dbt::composeContract(import, *read.manifest, options, dir);
        const qint64 written = timer.elapsed();
        const double rssComposed = peakRssMb();
        const double cpuComposed = cpuSeconds();
        dbt::checkContract(&contract, dir + QStringLiteral("/contract.yaml"), dir);
        const qint64 total = timer.elapsed();
        if (!contract.ok()) {
            std::printf("error: the written contract does not validate: %s\n",
                        qPrintable(contract.check.diagnostics.value(0).format()));
            return 1;
        }
        const double rss = peakRssMb();
        const double fileMb = double(bytes) / (1024.0 * 1024.0);

        std::printf("%-34s %10s\n", "step", "ms");
        std::printf("%-34s %10lld\n", "read manifest (mmap + pull parse)", parsed);
        std::printf("%-34s %10lld\n", "build contract", imported - parsed);
        std::printf("%-34s %10lld\n", "write YAML", written - imported);
        std::printf("%-34s %10lld\n", "load it back (self-validation)", total - written);
        std::printf("%-34s %10lld\n", "total", total);
        std::printf(
            "contract: %lld nodes, %lld edges, %lld sections, YAML %.1f MB; written as "
            "%s (%.2f MB)\n",
            qlonglong(import.contract->nodes.size()), qlonglong(import.contract->edgeCount()),
            qlonglong(import.contract->report.sections.size()), double(contract.fullBytes) / 1e6,
            contract.included ? "an include" : "the full contract",
            double(contract.yaml.size()) / 1e6);
        std::printf("peak RSS %.1f MiB (%.1f MiB before the import, %.1f MiB before the "
                    "load-back); file %.1f MiB\n",
                    rss, rssBefore, rssComposed, fileMb);
        std::printf("CPU %.3f s up to the load-back, %.3f s loading it back\n",
                    cpuComposed - cpuBefore, cpuSeconds() - cpuComposed);
        std::printf("RESULT bench_dbt nodes=%d file_mb=%.1f wall_s=%.3f cpu_s=%.3f "
                    "peak_rss_mb=%.1f rss/file=%.2f (in one process, with the manifest "
                    "generated)\n",
                    nodes, fileMb, double(total) / 1000, cpuSeconds() - cpuBefore, rss,
                    rss / fileMb);
        QFile::remove(path);
    }
    if (!args.contains(QStringLiteral("--no-e2e"))) {
        QList<QPair<int, int>> rows =
            quick ? QList<QPair<int, int>>{{1000, 3}, {3000, 10}}
                  : QList<QPair<int, int>>{{1000, 8}, {10000, 80}, {30000, 100}, {45000, 150}};
        // --rows 1000:8,10000:80 (nodes:MB): other rows, e.g. to time an old binary.
        if (const QString given = value("--rows", QString()); !given.isEmpty()) {
            rows.clear();
            for (const QString &row : given.split(u',', Qt::SkipEmptyParts))
                rows.append({row.section(u':', 0, 0).toInt(), row.section(u':', 1, 1).toInt()});
        }
        endToEnd(vouch, dir, rows);
    }
    return 0;
}
