#include "engine/interop/dbtinclude.h"

#include "engine/interop/dbtimport.h"
#include "engine/interop/dbtmanifest.h"

#include <QDir>
#include <QFileInfo>

namespace vouch::engine::dbt {

namespace {

// A large project can warn about hundreds of unmapped items; `vouch import
// dbt` lists them all, a contract load only the first few.
constexpr int kMaxWarnings = 10;

} // namespace

Expansion expandInclude(const IncludeSpec &spec, const QString &contractFile, SourcePos at)
{
    Expansion x;
    int warnings = 0, unshown = 0;
    auto add = [&](Diagnostic::Severity severity, const QString &message) {
        if (severity == Diagnostic::Severity::Warning && ++warnings > kMaxWarnings) {
            ++unshown;
            return;
        }
        x.diagnostics.append({severity, contractFile, at.line, at.column, message});
    };
    // "dbt include: FILE[:LINE:COL]: message", the manifest named in every line.
    auto relay = [&](const Diagnostics &from) {
        for (const Diagnostic &d : from) {
            QString where = d.file.isEmpty() ? x.manifestPath : d.file;
            if (d.line > 0)
                where += QStringLiteral(":%1:%2").arg(d.line).arg(d.column);
            QString message = d.message;
            if (message.startsWith(QLatin1String("--select ")))
                message.remove(0, 2); // the include's key is `select`
            add(d.severity, QStringLiteral("dbt include %1: %2").arg(where, message));
        }
    };
    auto finish = [&] {
        if (unshown > 0)
            x.diagnostics.append(
                {Diagnostic::Severity::Warning, contractFile, at.line, at.column,
                 QStringLiteral("dbt include %1: %2 more warning(s); `vouch import dbt %1` lists "
                                "them all")
                     .arg(x.manifestPath)
                     .arg(unshown)});
        return x;
    };

    x.manifestPath = spec.manifest;
    if (x.manifestPath.isEmpty()) {
        if (spec.projectDir.isEmpty()) {
            add(Diagnostic::Severity::Error,
                QStringLiteral("the dbt include needs 'manifest' (dbt's target/manifest.json) or "
                               "'project_dir' (whose target/manifest.json is read)"));
            return finish();
        }
        x.manifestPath = QDir(spec.projectDir).filePath(QStringLiteral("target/manifest.json"));
    }
    if (!spec.projectDir.isEmpty() && !QFileInfo(spec.projectDir).isDir())
        add(Diagnostic::Severity::Warning,
            QStringLiteral("dbt include: project_dir %1 is not a directory; the dbt nodes run "
                           "there")
                .arg(spec.projectDir));
    const QFileInfo info(x.manifestPath);
    if (info.exists() && !info.isDir() && !info.isFile()) {
        add(Diagnostic::Severity::Error,
            QStringLiteral("dbt include %1: not a regular file; give dbt's target/manifest.json")
                .arg(x.manifestPath));
        return finish();
    }

    const ManifestResult read = readManifest(x.manifestPath);
    relay(read.diagnostics);
    if (!read.manifest)
        return finish();

    ImportOptions options;
    options.select = spec.select;
    options.projectDir = spec.projectDir;
    options.profilesDir = spec.profilesDir;
    options.target = spec.target;
    if (!spec.program.isEmpty())
        options.dbt = spec.program;
    if (!spec.connection.isEmpty())
        options.connection = spec.connection;
    const Import import = importManifest(*read.manifest, options);
    relay(import.diagnostics);
    if (!import.ok())
        return finish();

    for (auto it = import.idOf.cbegin(); it != import.idOf.cend(); ++it) {
        if (!it.key().startsWith(QLatin1String("exposure."))) // exposures are sections
            x.uniqueIdOf.insert(it.value(), it.key());
    }
    x.nodes = import.contract->nodes;
    for (Node &n : x.nodes)
        n.pos = at;
    x.sections = import.contract->report.sections;
    for (Section &s : x.sections)
        s.pos = at;
    x.connections = import.contract->connections;
    for (Connection &c : x.connections)
        c.pos = at;
    x.ok = true;
    return finish();
}

} // namespace vouch::engine::dbt
