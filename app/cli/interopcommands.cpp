#include "app/cli/interopcommands.h"

#include "app/cli/alertcommands.h"
#include "app/cli/common.h"
#include "engine/calendar/reportcalendar.h"
#include "engine/control/identity.h"
#include "engine/graph/graph.h"
#include "engine/interop/dbtimport.h"
#include "engine/interop/dbtmanifest.h"
#include "engine/interop/dbtobserve.h"
#include "engine/interop/dbtwrite.h"
#include "engine/interop/loadcontract.h"
#include "engine/run/runlease.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "engine/util/clock.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QTextStream>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

const char *kImportUsage =
    "usage: vouch import dbt MANIFEST [--select EXPR] [-o contract.yaml]\n"
    "         [--project-dir DIR] [--profiles-dir DIR] [--target T] [--dbt PROGRAM]\n"
    "         [--report-id ID] [--report-name NAME] [--timezone TZ] [--schedule CRON]\n"
    "         [--publish-by \"MON 12:00\"] [--connection NAME]\n";

const char *kObserveUsage =
    "usage: vouch observe dbt --manifest M --run-results R [--sources S] [--state DB]\n"
    "         [--contract FILE] [--period KEY]\n";

QStringList importValueOptions()
{
    return {QStringLiteral("select"),      QStringLiteral("output"),
            QStringLiteral("project-dir"), QStringLiteral("profiles-dir"),
            QStringLiteral("target"),      QStringLiteral("dbt"),
            QStringLiteral("report-id"),   QStringLiteral("report-name"),
            QStringLiteral("timezone"),    QStringLiteral("schedule"),
            QStringLiteral("publish-by"),  QStringLiteral("connection")};
}

dbt::ImportOptions importOptions(const Args &a)
{
    dbt::ImportOptions o;
    const auto value = [&](const char *name, const QString &fallback) {
        return a.options.value(QString::fromLatin1(name), fallback);
    };
    o.select = value("select", QString());
    o.projectDir = value("project-dir", QString());
    o.profilesDir = value("profiles-dir", QString());
    o.target = value("target", QString());
    o.dbt = value("dbt", o.dbt);
    o.reportId = value("report-id", QString());
    o.reportName = value("report-name", QString());
    o.timezone = value("timezone", o.timezone);
    o.schedule = value("schedule", o.schedule);
    o.publishBy = value("publish-by", o.publishBy);
    o.connection = value("connection", o.connection);
    return o;
}

// `-o FILE` is the one short option.
QStringList expandShort(QStringList args)
{
    for (QString &a : args) {
        if (a == QLatin1String("-o"))
            a = QStringLiteral("--output");
    }
    return args;
}

bool writeFile(const QString &path, const QByteArray &bytes, QString *error)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit()) {
        *error = f.errorString();
        return false;
    }
    return true;
}

} // namespace

int importCommand(const QStringList &rawArgs, QTextStream &out, QTextStream &err)
{
    if (rawArgs.value(0) != QLatin1String("dbt")) {
        err << "vouch import: give the kind of project: vouch import dbt MANIFEST\n"
            << kImportUsage;
        return BadInput;
    }
    const Args a = parseArgs(expandShort(rawArgs.mid(1)), importValueOptions(), {});
    if (!a.error.isEmpty() || a.positional.size() != 1) {
        err << "vouch import dbt: "
            << (a.error.isEmpty() ? QStringLiteral("give one manifest.json") : a.error) << '\n'
            << kImportUsage;
        return BadInput;
    }
    const QString manifestPath = a.positional.first();
    const QString output = a.options.value(QStringLiteral("output"));
    const QString name = output.isEmpty() ? QStringLiteral("<stdout>") : output;
    const QString baseDir =
        output.isEmpty() ? QDir::currentPath() : QFileInfo(output).absolutePath();
    dbt::WrittenContract written;
    {
        const dbt::ManifestResult read = dbt::readManifest(manifestPath);
        printDiagnostics(read.diagnostics, err);
        if (!read.manifest)
            return BadInput;
        const dbt::ImportOptions options = importOptions(a);
        const dbt::Import import = dbt::importManifest(*read.manifest, options);
        printDiagnostics(import.diagnostics, err);
        if (!import.ok())
            return BadInput;
        written = dbt::composeContract(import, *read.manifest, options, baseDir);
    } // the manifest and the import are freed before the contract is loaded back

    // What we write must be a contract `vouch validate` accepts; one too
    // large for a contract file includes the manifest instead.
    dbt::checkContract(&written, name, baseDir);
    const LoadResult &check = written.check;
    if (!check.ok()) {
        printDiagnostics(check.diagnostics, err);
        err << "vouch import dbt: the generated contract does not validate (a bug in Vouch; "
               "please report it with the manifest)\n";
        return BadInput;
    }
    if (written.included)
        err << "vouch import dbt: the full contract would be "
            << QString::number(double(written.fullBytes) / (1024 * 1024), 'f', 1)
            << " MiB, more than a contract file may hold ("
            << ContractLoader::kMaxFileBytes / (1024 * 1024) << " MiB); " << name
            << " includes the manifest instead (include: {dbt: ...}), so it is expanded on "
               "every load\n";
    if (output.isEmpty()) {
        out << QString::fromUtf8(written.yaml);
    } else {
        QString error;
        if (!writeFile(output, written.yaml, &error)) {
            err << "vouch import dbt: cannot write " << output << ": " << error << '\n';
            return BadInput;
        }
    }
    QHash<QString, int> kinds;
    for (const Node &n : check.contract->nodes)
        ++kinds[toString(n.kind)];
    QStringList counts;
    for (const char *k : {"command", "freshness", "check", "noop"}) {
        if (const int n = kinds.value(QString::fromLatin1(k)))
            counts << QStringLiteral("%1 %2").arg(n).arg(QString::fromLatin1(k));
    }
    QTextStream &summary = output.isEmpty() ? err : out;
    summary << name << ": " << check.contract->nodes.size() << " nodes ("
            << counts.join(QStringLiteral(", ")) << "), " << check.contract->report.sections.size()
            << (check.contract->report.sections.size() == 1 ? " section" : " sections") << ", "
            << check.contract->edgeCount() << " edges from " << manifestPath << '\n';
    return Ok;
}

int observeCommand(const QStringList &rawArgs, QTextStream &out, QTextStream &err)
{
    if (rawArgs.value(0) != QLatin1String("dbt")) {
        err << "vouch observe: give the kind of run: vouch observe dbt ...\n" << kObserveUsage;
        return BadInput;
    }
    const Args a = parseArgs(rawArgs.mid(1),
                             {QStringLiteral("manifest"), QStringLiteral("run-results"),
                              QStringLiteral("sources"), QStringLiteral("state"),
                              QStringLiteral("contract"), QStringLiteral("period")},
                             {});
    const QString manifestPath = a.options.value(QStringLiteral("manifest"));
    const QStringList resultPaths = a.lists.value(QStringLiteral("run-results"));
    const QStringList sourcePaths = a.lists.value(QStringLiteral("sources"));
    if (!a.error.isEmpty() || !a.positional.isEmpty() || manifestPath.isEmpty() ||
        (resultPaths.isEmpty() && sourcePaths.isEmpty())) {
        err << "vouch observe dbt: "
            << (!a.error.isEmpty() ? a.error
                : !a.positional.isEmpty()
                    ? QStringLiteral("unexpected '%1'").arg(a.positional.first())
                : manifestPath.isEmpty() ? QStringLiteral("give --manifest")
                                         : QStringLiteral("give --run-results and/or --sources"))
            << '\n'
            << kObserveUsage;
        return BadInput;
    }
    const QString period = a.options.value(QStringLiteral("period"));
    if (!period.isEmpty() && !Period::parse(period)) {
        err << "vouch observe dbt: --period must be a period key such as 2026-12-02, 2026-W47, "
               "2026-11 or 2026-Q4\n";
        return BadInput;
    }

    const dbt::ManifestResult read = dbt::readManifest(manifestPath);
    printDiagnostics(read.diagnostics, err);
    if (!read.manifest)
        return BadInput;
    QList<dbt::RunResults> artifacts;
    for (const QString &path : resultPaths + sourcePaths) {
        const dbt::RunResultsResult r = dbt::readRunResults(path);
        printDiagnostics(r.diagnostics, err);
        if (!r.results)
            return BadInput;
        const bool isSources = r.results->kind == dbt::RunResults::Kind::Sources;
        if (isSources != sourcePaths.contains(path)) {
            err << path << ": error: this is "
                << (isSources ? "sources.json (give it with --sources)"
                              : "run_results.json (give it with --run-results)")
                << '\n';
            return BadInput;
        }
        artifacts.append(*r.results);
    }

    // The contract the run belongs to: the one given, or a generated one
    // beside the state store that includes the manifest, so that `vouch
    // status` and the app read the same nodes.
    const QString statePath = a.options.value(QStringLiteral("state"), defaultStatePath());
    QString contractPath = a.options.value(QStringLiteral("contract"));
    if (contractPath.isEmpty()) {
        const QString project = read.manifest->projectName.isEmpty() ? QStringLiteral("dbt")
                                                                     : read.manifest->projectName;
        contractPath = QFileInfo(statePath).absoluteDir().filePath(
            QStringLiteral("%1.dbt-observed.yaml").arg(project));
        QDir().mkpath(QFileInfo(contractPath).absolutePath());
        dbt::ImportOptions options;
        const dbt::Import import = dbt::importManifest(*read.manifest, options);
        printDiagnostics(import.diagnostics, err);
        if (!import.ok())
            return BadInput;
        // Large projects get the include form here too (dbtwrite.h); it is
        // loaded below.
        const QByteArray yaml = dbt::composeContract(import, *read.manifest, options,
                                                     QFileInfo(contractPath).absolutePath())
                                    .yaml;
        QString error;
        if (!writeFile(contractPath, yaml, &error)) {
            err << "vouch observe dbt: cannot write " << contractPath << ": " << error << '\n';
            return BadInput;
        }
    }
    const ContractPtr contract = loadContract(contractPath, err);
    if (!contract)
        return BadInput;
    if (QString periodError;
        !period.isEmpty() && !reportPeriod(contract->report, period, &periodError)) {
        err << "vouch observe dbt: --period " << periodError << '\n';
        return BadInput;
    }
    const dbt::Import ids = dbt::importManifest(*read.manifest, dbt::ImportOptions());

    QString error;
    auto store = StateStore::open(statePath, &error);
    if (!store) {
        err << "vouch observe dbt: " << error << '\n';
        return BadInput;
    }
    dbt::ObserveRequest request;
    request.contract = contract.get();
    request.idOf = ids.idOf;
    request.artifacts = artifacts;
    request.period = period;
    request.who = whoIsActing(Acting::Attempt);
    const QString key =
        leaseKey(contract->report.id,
                 period.isEmpty()
                     ? dbt::observedPeriod(contract->report, artifacts.first().generatedAt.isValid()
                                                                 ? artifacts.first().generatedAt
                                                                 : clockNow())
                     : period);
    QString holder;
    if (!takeLease(*store, key, &holder)) {
        err << "vouch observe dbt: " << contract->report.id << " is being run by " << holder
            << "; observe after it ends\n";
        return BadInput;
    }
    const dbt::ObserveResult result = dbt::record(*store, request);
    store->releaseLease(key, myHolder());
    printDiagnostics(result.diagnostics, err);
    if (!result.error.isEmpty()) {
        err << "vouch observe dbt: " << result.error << '\n';
        return BadInput;
    }
    if (result.alreadyRecorded) {
        out << "already recorded: run " << result.runId << " attempt " << result.attempt << " of "
            << contract->report.id << ", period " << result.period << '\n';
        return Ok;
    }
    QHash<QString, int> perState;
    for (auto it = result.states.cbegin(); it != result.states.cend(); ++it)
        ++perState[toString(it.value())];
    QStringList counts;
    for (auto it = perState.cbegin(); it != perState.cend(); ++it)
        counts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    counts.sort();
    out << "observed dbt " << artifacts.first().command << " as run " << result.runId << " attempt "
        << result.attempt << " of " << contract->report.id << ", period " << result.period << ": "
        << counts.join(QStringLiteral(", ")) << '\n';
    const Graph graph = Graph::fromContract(*contract);
    if (const auto assessment = assess(*store, *contract, graph, result.runId, clockNow())) {
        printAssessment(*contract, *assessment, out);
        deliverAlerts(*store, *contract, out);
    }
    return Ok;
}

} // namespace vouch::cli
