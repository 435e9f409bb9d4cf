#include "engine/interop/dbtimport.h"

#include "engine/contract/threshold.h"
#include "engine/graph/graph.h"
#include "engine/graph/selector.h"
#include "engine/interop/dbtmanifest.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

namespace vouch::engine::dbt {

namespace {

QString sanitize(QString id)
{
    for (QChar &c : id) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_' && c != u'.' && c != u'-')
            c = u'_';
    }
    if (id.isEmpty() || !(id.at(0).isLetter() || id.at(0) == u'_'))
        id.prepend(u'_');
    // dbt's generated test names can run past the contract's limit (159
    // characters in the Tuva project): keep the readable start and make the
    // id unique again with a hash of the whole name.
    if (id.size() > kMaxIdLength) {
        const QByteArray hash =
            QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Sha1).toHex().left(8);
        id = id.left(kMaxIdLength - hash.size() - 1) + u'_' + QString::fromLatin1(hash);
    }
    return id;
}

// The first paragraph of a description, on one line and not too long.
QString shortText(const QString &text)
{
    QString first = text.section(QStringLiteral("\n\n"), 0, 0).simplified();
    if (first.size() > 300)
        first = first.left(297) + QStringLiteral("...");
    return first;
}

// Trailing blanks on a line mean nothing in SQL and cannot be kept in a YAML
// literal block; dropping them here keeps the contract and the file equal.
QString tidySql(const QString &sql)
{
    static const QRegularExpression trailing(QStringLiteral("[ \\t]+(?=\\n|$)"));
    return QString(sql).replace(trailing, QString()).trimmed();
}

bool isRunnable(const QString &type)
{
    return type == QLatin1String("model") || type == QLatin1String("seed") ||
           type == QLatin1String("snapshot");
}

// How a dbt adapter's warehouse is reached: its driver and dialect, and
// whether Vouch knows the adapter (an unknown one gets ODBC, generic).
struct WarehouseFor
{
    Connection::Driver driver = Connection::Driver::Postgres;
    Connection::Dialect dialect = Connection::Dialect::Postgres;
    bool known = true;
};

WarehouseFor warehouseFor(const QString &adapter)
{
    using Driver = Connection::Driver;
    using Dialect = Connection::Dialect;
    const QString a = adapter.toLower();
    if (a.isEmpty() || a == QLatin1String("postgres"))
        return {Driver::Postgres, Dialect::Postgres, true};
    if (a == QLatin1String("mysql") || a == QLatin1String("mariadb"))
        return {Driver::Mysql, Dialect::Mysql, true};
    if (a == QLatin1String("sqlite"))
        return {Driver::Sqlite, Dialect::Sqlite, true};
    if (a == QLatin1String("snowflake"))
        return {Driver::Odbc, Dialect::Snowflake, true};
    if (a == QLatin1String("redshift"))
        return {Driver::Odbc, Dialect::Redshift, true};
    if (a == QLatin1String("databricks") || a == QLatin1String("spark"))
        return {Driver::Odbc, Dialect::Databricks, true};
    if (a == QLatin1String("sqlserver") || a == QLatin1String("fabric") ||
        a == QLatin1String("synapse"))
        return {Driver::Odbc, Dialect::SqlServer, true};
    return {Driver::Odbc, Dialect::Generic, false};
}

// The warehouse connection of an imported contract: every value an
// environment reference, the password never written down.
Connection warehouseConnection(const WarehouseFor &w, const QString &name)
{
    Connection c;
    c.name = name;
    c.driver = w.driver;
    c.dialect = w.dialect;
    switch (w.driver) {
    case Connection::Driver::Sqlite:
        c.database = QStringLiteral("${DBT_DATABASE}");
        return c;
    case Connection::Driver::Odbc:
        c.dsn = QStringLiteral("${DBT_ODBC_DSN}");
        break;
    case Connection::Driver::Postgres:
    case Connection::Driver::Mysql:
        c.host = QStringLiteral("${DBT_HOST}");
        c.database = QStringLiteral("${DBT_DATABASE}");
        break;
    }
    c.user = QStringLiteral("${DBT_USER}");
    c.password = ValueRef{ValueRef::Kind::Environment, QStringLiteral("DBT_PASSWORD")};
    return c;
}

} // namespace

QString nodeIdFor(const QString &resourceType, const QString &name, const QString &sourceName,
                  const QString &version)
{
    if (resourceType == QLatin1String("source"))
        return sanitize(sourceName + u'.' + name);
    if (!version.isEmpty())
        return sanitize(name + QStringLiteral("_v") + version);
    return sanitize(name);
}

Import importManifest(const Manifest &m, const ImportOptions &options)
{
    Import result;
    auto contract = std::make_shared<Contract>();
    auto diagnose = [&](Diagnostic::Severity severity, const QString &message) {
        result.diagnostics.append({severity, m.path, 0, 0, message});
    };
    auto warn = [&](const QString &message) { diagnose(Diagnostic::Severity::Warning, message); };

    // Every unique id the manifest declares, and the ones with no counterpart.
    QSet<QString> known;
    QHash<QString, QString> unmappedKind; // unique id -> what it is
    for (const QList<Resource> *list : {&m.nodes, &m.sources, &m.exposures}) {
        for (const Resource &r : *list)
            known.insert(r.uniqueId);
    }
    for (const Unmapped &u : m.unmapped) {
        for (const QString &name : u.names)
            unmappedKind.insert(name, u.what);
    }

    // 1. Ids: dbt names, the package-qualified name on a collision.
    QSet<QString> taken;
    auto assign = [&](const Resource &r) {
        QString id = nodeIdFor(r.resourceType, r.name, r.sourceName, r.version);
        if (taken.contains(id))
            id = sanitize(r.packageName + u'.' + id);
        if (taken.contains(id))
            id = sanitize(r.uniqueId);
        taken.insert(id);
        result.idOf.insert(r.uniqueId, id);
        return id;
    };
    for (const Resource &r : m.sources)
        assign(r);
    for (const Resource &r : m.nodes) {
        if (isRunnable(r.resourceType) || r.resourceType == QLatin1String("test"))
            assign(r);
        else
            result.unmapped << QStringLiteral("%1 %2: no counterpart (Vouch runs models, seeds, "
                                              "snapshots and tests)")
                                   .arg(r.resourceType, r.uniqueId);
    }

    // Upstream node ids of a resource; an unknown reference is an error.
    bool dangling = false;
    auto needsOf = [&](const Resource &r, QStringList *lost) {
        QStringList needs;
        for (const QString &dep : r.dependsOn) {
            if (const auto it = result.idOf.constFind(dep); it != result.idOf.constEnd()) {
                if (!needs.contains(*it))
                    needs.append(*it);
            } else if (known.contains(dep) || unmappedKind.contains(dep)) {
                lost->append(dep);
            } else {
                dangling = true;
                diagnose(Diagnostic::Severity::Error,
                         QStringLiteral("node %1 depends on %2, which is not in the manifest")
                             .arg(r.uniqueId, dep));
            }
        }
        return needs;
    };
    auto reportLost = [&](const Resource &r, const QStringList &lost) {
        if (lost.isEmpty())
            return;
        const QString line =
            QStringLiteral("%1 depends on %2, which %3 no counterpart; that "
                           "dependency is not in the path")
                .arg(r.uniqueId, lost.join(QStringLiteral(", ")),
                     lost.size() == 1 ? QStringLiteral("has") : QStringLiteral("have"));
        result.unmapped << line;
        warn(line);
    };

    // 2. Sources.
    bool usesConnection = false; // freshness queries run on it (dbt runs the tests)
    for (const Resource &r : m.sources) {
        Node n;
        n.id = result.idOf.value(r.uniqueId);
        n.description = shortText(r.description);
        n.owner = r.owner;
        n.tags = r.tags;
        n.group = QStringLiteral("sources");
        n.kind = NodeKind::Noop;
        if (!r.freshnessProblem.isEmpty())
            warn(QStringLiteral("source %1: %2; it is imported without that limit")
                     .arg(r.uniqueId, r.freshnessProblem));
        if (r.warnAfterSeconds || r.errorAfterSeconds) {
            QString query = r.loadedAtQuery;
            if (query.isEmpty() && !r.loadedAtField.isEmpty() && !r.relationName.isEmpty()) {
                query =
                    QStringLiteral("select max(%1) from %2").arg(r.loadedAtField, r.relationName);
                if (!r.freshnessFilter.isEmpty())
                    query += QStringLiteral(" where ") + r.freshnessFilter;
            }
            if (query.isEmpty()) {
                const QString line =
                    QStringLiteral("source %1: freshness without loaded_at_field or "
                                   "loaded_at_query (dbt reads the warehouse's metadata); "
                                   "imported as a plain source node")
                        .arg(r.uniqueId);
                result.unmapped << line;
                warn(line);
            } else {
                n.kind = NodeKind::Freshness;
                n.connection = options.connection;
                n.loadedAt = tidySql(query);
                if (r.warnAfterSeconds)
                    n.warnAfter = Duration(*r.warnAfterSeconds);
                if (r.errorAfterSeconds)
                    n.errorAfter = Duration(*r.errorAfterSeconds);
                if (n.warnAfter && n.errorAfter && *n.warnAfter >= *n.errorAfter) {
                    warn(QStringLiteral("source %1: warn_after is not shorter than error_after; "
                                        "only error_after is kept")
                             .arg(r.uniqueId));
                    n.warnAfter.reset();
                }
                usesConnection = true;
            }
        }
        QStringList lost;
        n.needs = needsOf(r, &lost);
        reportLost(r, lost);
        contract->nodes.append(n);
    }

    // 3. Models, seeds, snapshots, tests.
    for (const Resource &r : m.nodes) {
        const bool runnable = isRunnable(r.resourceType);
        const bool test = r.resourceType == QLatin1String("test");
        if (!runnable && !test)
            continue;
        Node n;
        n.id = result.idOf.value(r.uniqueId);
        n.description = shortText(r.description);
        n.owner = r.owner;
        n.tags = r.tags;
        QStringList lost;
        n.needs = needsOf(r, &lost);
        reportLost(r, lost);
        // Every model, seed, snapshot and test is a dbt node: the scheduler
        // runs the ready ones of the project in one `dbt build` (dbt builds
        // and tests them; a test's warn/error severity is dbt's verdict).
        n.kind = NodeKind::Command;
        DbtResource &dbt = n.dbt.emplace();
        dbt.uniqueId = r.uniqueId;
        dbt.resourceType = r.resourceType;
        dbt.select = DbtResource::selectorFor(r.uniqueId);
        if (n.id != nodeIdFor(r.resourceType, r.name, r.sourceName, r.version))
            dbt.select = r.fqn.isEmpty() ? r.packageName + u'.' + dbt.select // shared name
                                         : r.fqn.join(u'.');
        dbt.program = options.dbt;
        dbt.projectDir = options.projectDir;
        dbt.profilesDir = options.profilesDir;
        dbt.target = options.target;
        n.argv = dbt.commandFor({dbt.select});
        n.workingDir = options.projectDir;
        if (r.resourceType == QLatin1String("model"))
            n.group = r.fqn.size() > 2 ? sanitize(r.fqn.at(1)) : QStringLiteral("models");
        else if (test)
            n.group = QStringLiteral("checks");
        else
            n.group = r.resourceType + u's';
        if (test && n.description.isEmpty())
            n.description = QStringLiteral("dbt test %1").arg(r.name);
        contract->nodes.append(n);
    }
    if (dangling) {
        std::stable_sort(result.diagnostics.begin(), result.diagnostics.end());
        return result;
    }

    // 4. Exposures become sections, needing what the exposure depends on.
    // The tests on those models and their ancestors need not be listed: a
    // section rests on the checks attached to anything it needs, as `dbt
    // build` runs them (Graph::restsOn, docs/trust.md).
    for (const Resource &r : m.exposures) {
        Section s;
        s.id = sanitize(r.name);
        s.name = r.label.isEmpty() ? r.name : r.label;
        s.owner = r.owner.isEmpty() ? r.ownerEmail : r.owner;
        s.onFailure =
            r.maturity == QLatin1String("low") ? FailurePolicy::Caveat : FailurePolicy::Hold;
        QStringList lost;
        s.needs = needsOf(r, &lost);
        reportLost(r, lost);
        result.idOf.insert(r.uniqueId, s.id);
        if (s.needs.isEmpty()) {
            const QString line = QStringLiteral("exposure %1 depends on no model, seed, snapshot, "
                                                "test or source; no section is made for it")
                                     .arg(r.uniqueId);
            result.unmapped << line;
            warn(line);
            continue;
        }
        contract->report.sections.append(s);
    }
    if (dangling) {
        std::stable_sort(result.diagnostics.begin(), result.diagnostics.end());
        return result;
    }

    // 5. Selection, on the graph the contract makes (exposure:NAME selects
    // what a section rests on: its needs, their ancestors, their tests).
    if (!options.select.trimmed().isEmpty()) {
        const Graph graph = Graph::fromContract(*contract);
        ParseError error;
        const auto selected = Selector::select(graph, options.select, &error);
        if (!selected) {
            diagnose(Diagnostic::Severity::Error,
                     QStringLiteral("--select '%1': %2").arg(options.select, error.message));
            return result;
        }
        QSet<QString> keep;
        for (int index : *selected)
            keep.insert(graph.id(index));
        QList<Node> nodes;
        for (Node n : std::as_const(contract->nodes)) {
            if (!keep.contains(n.id))
                continue;
            n.needs.erase(std::remove_if(n.needs.begin(), n.needs.end(),
                                         [&](const QString &id) { return !keep.contains(id); }),
                          n.needs.end());
            nodes.append(n);
        }
        contract->nodes = nodes;
        QList<Section> sections;
        for (const Section &s : std::as_const(contract->report.sections)) {
            if (std::all_of(s.needs.cbegin(), s.needs.cend(),
                            [&](const QString &id) { return keep.contains(id); }))
                sections.append(s);
        }
        contract->report.sections = sections;
        if (contract->nodes.isEmpty()) {
            diagnose(Diagnostic::Severity::Error,
                     QStringLiteral("--select '%1' chooses no node").arg(options.select));
            return result;
        }
        usesConnection = std::any_of(contract->nodes.cbegin(), contract->nodes.cend(),
                                     [](const Node &n) { return !n.connection.isEmpty(); });
    }

    // 6. Without an exposure, one section stands for the whole project: it
    // needs every node that nothing else needs, leaving out the tests on
    // them, which it rests on anyway (a test with nothing to test stays).
    if (contract->report.sections.isEmpty()) {
        auto attached = [](const Node &n) {
            return n.kind == NodeKind::Check && !n.needs.isEmpty();
        };
        QSet<QString> needed;
        for (const Node &n : std::as_const(contract->nodes)) {
            if (attached(n))
                continue;
            for (const QString &id : n.needs)
                needed.insert(id);
        }
        Section s;
        s.id = sanitize(m.projectName.isEmpty() ? QStringLiteral("dbt_project") : m.projectName);
        s.name = QStringLiteral("dbt project %1").arg(m.projectName);
        s.onFailure = FailurePolicy::Hold;
        for (const Node &n : std::as_const(contract->nodes)) {
            if (!needed.contains(n.id) && !attached(n))
                s.needs.append(n.id);
        }
        contract->report.sections.append(s);
        result.defaultSection = true;
    }

    if (usesConnection) {
        const WarehouseFor w = warehouseFor(m.adapterType);
        const Connection c = warehouseConnection(w, options.connection);
        contract->connections.insert(c.name, c);
        if (!w.known)
            warn(QStringLiteral("the project runs on %1, which Vouch reaches only through ODBC: "
                                "connection '%2' uses the generic dialect and the data source "
                                "in $DBT_ODBC_DSN (an odbc.ini entry for %1's ODBC driver)")
                     .arg(m.adapterType, options.connection));
        else if (c.driver == Connection::Driver::Odbc)
            warn(QStringLiteral("the project runs on %1: connection '%2' reaches it through ODBC "
                                "(dialect %3); define a data source for %1's ODBC driver in "
                                "odbc.ini and set DBT_ODBC_DSN, DBT_USER and DBT_PASSWORD")
                     .arg(m.adapterType, options.connection, toString(c.dialect)));
    }

    for (const Unmapped &u : m.unmapped) {
        QString line = QStringLiteral("%1: %2 with no counterpart").arg(u.what).arg(u.count);
        if (u.what == QLatin1String("macros") || u.what == QLatin1String("docs"))
            line += QStringLiteral(" (dbt uses them while it builds; nothing to schedule)");
        else if (!u.names.isEmpty())
            line += QStringLiteral(": ") + u.names.join(QStringLiteral(", "));
        result.unmapped << line;
        if (u.what != QLatin1String("macros") && u.what != QLatin1String("docs"))
            warn(line);
    }

    contract->report.id = sanitize(options.reportId.isEmpty() ? m.projectName : options.reportId);
    contract->report.name = options.reportName.isEmpty()
                                ? QStringLiteral("%1 (dbt)").arg(m.projectName)
                                : options.reportName;
    contract->report.timezone = options.timezone.toUtf8();
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end());
    if (!hasErrors(result.diagnostics))
        result.contract = contract;
    return result;
}

// ---------------------------------------------------------------- YAML

namespace {

bool isPlain(const QString &s)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_./\\-]*$"));
    static const QStringList reserved = {
        QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("null"),
        QStringLiteral("yes"),  QStringLiteral("no"),    QStringLiteral("on"),
        QStringLiteral("off"),  QStringLiteral("y"),     QStringLiteral("n")};
    return plain.match(s).hasMatch() && !reserved.contains(s.toLower());
}

QString quoted(const QString &s)
{
    if (isPlain(s))
        return s;
    QString out = QStringLiteral("\"");
    for (const QChar c : s) {
        switch (c.unicode()) {
        case '"':
            out += QStringLiteral("\\\"");
            break;
        case '\\':
            out += QStringLiteral("\\\\");
            break;
        case '\n':
            out += QStringLiteral("\\n");
            break;
        case '\t':
            out += QStringLiteral("\\t");
            break;
        case '\r':
            out += QStringLiteral("\\r");
            break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7F || c.isSurrogate())
                out += c.isSurrogate()
                           ? QString(c)
                           : QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    return out + u'"';
}

// Multi-line SQL as a literal block (indented by `indent` + 2), else quoted.
QString scalar(const QString &s, int indent)
{
    if (!s.contains(u'\n'))
        return quoted(s);
    for (const QChar c : s) {
        if ((c.unicode() < 0x20 && c != u'\n' && c != u'\t') || c.unicode() == 0x7F ||
            c.unicode() == 0xFEFF)
            return quoted(s);
    }
    const QString pad(indent + 2, u' ');
    QString out = QStringLiteral("|2-\n");
    const QStringList lines = s.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        QString line = lines.at(i);
        // Trailing blanks are kept by YAML but mean nothing in SQL; a line of
        // blanks could be read as less indented.
        while (line.endsWith(u' ') || line.endsWith(u'\t'))
            line.chop(1);
        out += line.isEmpty() ? QString() : pad + line;
        if (i + 1 < lines.size())
            out += u'\n';
    }
    return out;
}

QString list(const QStringList &items)
{
    QStringList q;
    for (const QString &s : items)
        q << quoted(s);
    return u'[' + q.join(QStringLiteral(", ")) + u']';
}

// A dbt node's keys; what the loader would work out itself is left out.
QString dbtKeys(const DbtResource &dbt)
{
    QString y = QStringLiteral("    unique_id: %1\n").arg(quoted(dbt.uniqueId));
    if (dbt.select != DbtResource::selectorFor(dbt.uniqueId))
        y += QStringLiteral("    select: %1\n").arg(quoted(dbt.select));
    const std::pair<const char *, QString> keys[] = {
        {"program", dbt.program == QLatin1String("dbt") ? QString() : dbt.program},
        {"project_dir", dbt.projectDir},
        {"profiles_dir", dbt.profilesDir},
        {"target", dbt.target}};
    for (const auto &[key, value] : keys) {
        if (!value.isEmpty())
            y += QStringLiteral("    %1: %2\n").arg(QLatin1String(key), quoted(value));
    }
    return y;
}

// The comment block at the top of both forms: where the contract comes from,
// and what has no counterpart.
void writeHeader(QString &y, const Import &import, const Manifest &m, const ImportOptions &options)
{
    y += QStringLiteral("# Imported by `vouch import dbt` from %1\n").arg(m.path);
    y += QStringLiteral("# dbt %1, manifest schema v%2, project %3, adapter %4\n")
             .arg(m.dbtVersion.isEmpty() ? QStringLiteral("?") : m.dbtVersion)
             .arg(m.schemaVersion)
             .arg(m.projectName, m.adapterType.isEmpty() ? QStringLiteral("?") : m.adapterType);
    if (!options.select.isEmpty())
        y += QStringLiteral("# selected: %1\n").arg(options.select);
    if (!import.unmapped.isEmpty()) {
        y += QStringLiteral("#\n# Not imported (no counterpart in a Vouch contract):\n");
        for (const QString &line : import.unmapped)
            y += QStringLiteral("#   - %1\n").arg(QString(line).replace(u'\n', u' '));
    }
}

// `report:` with its sections, each under a comment naming its exposure.
void writeReport(QString &y, const Import &import, const Manifest &m, const ImportOptions &options)
{
    const Contract &c = *import.contract;
    y += QStringLiteral("report:\n");
    y += QStringLiteral("  id: %1\n  name: %2\n").arg(quoted(c.report.id), quoted(c.report.name));
    y += QStringLiteral("  timezone: %1\n  schedule: %2\n  publish_by: %3\n")
             .arg(quoted(options.timezone), quoted(options.schedule), quoted(options.publishBy));
    y += QStringLiteral("  sections:\n");
    QHash<QString, const Resource *> exposureOf; // section id -> its exposure
    for (const Resource &r : m.exposures) {
        if (const auto it = import.idOf.constFind(r.uniqueId); it != import.idOf.constEnd())
            exposureOf.insert(*it, &r);
    }
    for (const Section &s : c.report.sections) {
        if (const Resource *e = exposureOf.value(s.id)) {
            y += QStringLiteral("    # dbt exposure %1: %2").arg(e->uniqueId, e->exposureType);
            if (!e->maturity.isEmpty())
                y += QStringLiteral(", maturity %1").arg(e->maturity);
            if (!e->url.isEmpty())
                y += QStringLiteral(", %1").arg(e->url);
            if (!e->ownerEmail.isEmpty())
                y += QStringLiteral(", owner %1").arg(e->ownerEmail);
            y += u'\n';
        } else if (import.defaultSection) {
            y += QStringLiteral("    # the manifest has no exposure: this section needs every "
                                "model, seed, snapshot and source that nothing else needs (the "
                                "tests on them count too)\n");
        }
        y += QStringLiteral("    - id: %1\n      name: %2\n      needs: %3\n      on_failure: %4\n")
                 .arg(quoted(s.id), quoted(s.name), list(s.needs), toString(s.onFailure));
        if (!s.owner.isEmpty())
            y += QStringLiteral("      owner: %1\n").arg(quoted(s.owner));
    }
}

// A path for the include: relative to the contract's directory when the two
// share a top directory (the project and its contracts move together),
// else absolute; one naming an environment variable is kept as given.
QString includePath(const QString &path, const QString &baseDir)
{
    if (path.contains(QLatin1String("${")))
        return path;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QString base = QDir(baseDir).absolutePath();
    if (absolute.section(u'/', 1, 1) != base.section(u'/', 1, 1))
        return absolute;
    return QDir(base).relativeFilePath(absolute);
}

} // namespace

QByteArray toIncludeYaml(const Import &import, const Manifest &m, const ImportOptions &options,
                         const QString &baseDir)
{
    Q_ASSERT(import.contract);
    QString y;
    writeHeader(y, import, m, options);
    y += QStringLiteral(
        "#\n# The project is too large for one contract file: this contract includes "
        "the manifest,\n# so every load expands it again (docs/dbt.md, "
        "\"include:\"). The sections below are the\n# exposures; the nodes and "
        "the connection come from the include.\n");
    y += QStringLiteral("vouch: 1\ninclude:\n  dbt:\n    manifest: %1\n")
             .arg(quoted(includePath(m.path, baseDir)));
    if (!options.select.isEmpty())
        y += QStringLiteral("    select: %1\n").arg(quoted(options.select));
    if (!options.projectDir.isEmpty())
        y += QStringLiteral("    project_dir: %1\n")
                 .arg(quoted(includePath(options.projectDir, baseDir)));
    if (!options.profilesDir.isEmpty())
        y += QStringLiteral("    profiles_dir: %1\n")
                 .arg(quoted(includePath(options.profilesDir, baseDir)));
    if (!options.target.isEmpty())
        y += QStringLiteral("    target: %1\n").arg(quoted(options.target));
    if (options.dbt != ImportOptions().dbt)
        y += QStringLiteral("    program: %1\n").arg(quoted(options.dbt));
    if (options.connection != ImportOptions().connection)
        y += QStringLiteral("    connection: %1\n").arg(quoted(options.connection));
    writeReport(y, import, m, options);
    return y.toUtf8();
}

QByteArray toYaml(const Import &import, const Manifest &m, const ImportOptions &options)
{
    Q_ASSERT(import.contract);
    const Contract &c = *import.contract;
    QString y;
    y.reserve(1 << 20);
    writeHeader(y, import, m, options);
    y += QStringLiteral("vouch: 1\n");
    writeReport(y, import, m, options);
    if (!c.connections.isEmpty()) {
        y += QStringLiteral("# Checks and freshness queries run here; set the variables, or "
                            "edit it (sqlite, postgres, mysql or odbc).\nconnections:\n");
        for (const Connection &conn : c.connections) {
            y += QStringLiteral("  %1:\n    driver: %2\n").arg(conn.name, toString(conn.driver));
            if (conn.driver == Connection::Driver::Odbc)
                y += QStringLiteral("    dialect: %1\n    dsn: %2\n")
                         .arg(toString(conn.dialect), quoted(conn.dsn));
            if (!conn.host.isEmpty())
                y += QStringLiteral("    host: %1\n").arg(quoted(conn.host));
            if (!conn.database.isEmpty())
                y += QStringLiteral("    database: %1\n").arg(quoted(conn.database));
            if (!conn.user.isEmpty())
                y += QStringLiteral("    user: %1\n").arg(quoted(conn.user));
            if (conn.password)
                y += QStringLiteral("    password: %1\n")
                         .arg(quoted(QStringLiteral("${%1}").arg(conn.password->text)));
        }
    }
    y += QStringLiteral("nodes:\n");
    for (const Node &n : c.nodes) {
        y += QStringLiteral("  - id: %1\n    kind: %2\n")
                 .arg(quoted(n.id), n.dbt ? QStringLiteral("dbt") : toString(n.kind));
        if (!n.description.isEmpty())
            y += QStringLiteral("    description: %1\n").arg(quoted(n.description));
        if (!n.needs.isEmpty())
            y += QStringLiteral("    needs: %1\n").arg(list(n.needs));
        if (!n.group.isEmpty())
            y += QStringLiteral("    group: %1\n").arg(quoted(n.group));
        if (!n.tags.isEmpty())
            y += QStringLiteral("    tags: %1\n").arg(list(n.tags));
        if (!n.owner.isEmpty())
            y += QStringLiteral("    owner: %1\n").arg(quoted(n.owner));
        if (n.dbt)
            y += dbtKeys(*n.dbt);
        else if (!n.argv.isEmpty())
            y += QStringLiteral("    run: %1\n").arg(list(n.argv));
        if (!n.workingDir.isEmpty() && !n.dbt)
            y += QStringLiteral("    working_dir: %1\n").arg(quoted(n.workingDir));
        if (!n.connection.isEmpty())
            y += QStringLiteral("    connection: %1\n").arg(quoted(n.connection));
        if (!n.loadedAt.isEmpty())
            y += QStringLiteral("    loaded_at: %1\n").arg(scalar(n.loadedAt, 4));
        if (n.warnAfter)
            y += QStringLiteral("    warn_after: %1\n").arg(formatDuration(*n.warnAfter));
        if (n.errorAfter)
            y += QStringLiteral("    error_after: %1\n").arg(formatDuration(*n.errorAfter));
        if (!n.value.isEmpty())
            y += QStringLiteral("    value: %1\n").arg(scalar(n.value, 4));
        if (n.warnIf)
            y += QStringLiteral("    warn_if: %1\n").arg(quoted(n.warnIf->text));
        if (n.errorIf)
            y += QStringLiteral("    error_if: %1\n").arg(quoted(n.errorIf->text));
    }
    return y.toUtf8();
}

} // namespace vouch::engine::dbt
