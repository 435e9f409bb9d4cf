// `include:`: the block's keys, and merging what its expansion returns.
#include "engine/contract/loader/loaderstate.h"

#include <QHash>
#include <QRegularExpression>

#include <algorithm>

namespace vouch::engine::loader {

// `include: {dbt: {manifest: …, select: …, project_dir: …}}`: the keys
// are read here, the expansion is the loader's caller's (include.h; dbt's is
// interop/dbtinclude.h, wired in by interop/loadcontract.h).
void ContractBuilder::readInclude(const Walker::Entry &e)
{
    m_include = PendingInclude{};
    m_include->pos = e.keyPos;
    const auto errorsSoFar = [&] {
        return std::count_if(
            m_w.diagnostics.cbegin(), m_w.diagnostics.cend(),
            [](const Diagnostic &d) { return d.severity == Diagnostic::Severity::Error; });
    };
    const auto before = errorsSoFar();
    if (!m_w.expectMap(e.value, QStringLiteral("'include'"), e.keyPos)) {
        m_include->broken = true;
        return;
    }
    const auto kinds = m_w.entries(e.value, kIncludeKeys, QStringLiteral("'include'"), e.keyPos);
    if (kinds.isEmpty() && errorsSoFar() == before)
        m_w.error(e.keyPos, QStringLiteral("'include' names nothing to include; write "
                                           "include: {dbt: {manifest: target/manifest.json}}"));
    for (const auto &kind : kinds) {
        const QString where = QStringLiteral("the dbt include");
        if (!m_w.expectMap(kind.value, QStringLiteral("'dbt' in 'include'"), kind.keyPos))
            continue;
        IncludeSpec &spec = m_include->spec;
        for (const auto &f : m_w.entries(kind.value, kDbtIncludeKeys, where, kind.keyPos)) {
            if (f.key == QLatin1String("connection")) {
                spec.connection =
                    m_w.identifier(f, QStringLiteral("connection")).value_or(QString());
                continue;
            }
            const auto t = m_w.text(f, where);
            if (!t)
                continue;
            if (f.key == QLatin1String("select"))
                spec.select = *t;
            else if (f.key == QLatin1String("target"))
                spec.target = *t;
            else if (f.key == QLatin1String("program"))
                spec.program = *t;
            else if (const auto path =
                         includePath(*t, Walker::posOf(f.value, f.keyPos),
                                     QStringLiteral("'%1' in the dbt include").arg(f.key)))
                (f.key == QLatin1String("manifest")      ? spec.manifest
                 : f.key == QLatin1String("project_dir") ? spec.projectDir
                                                         : spec.profilesDir) = *path;
        }
    }
    m_include->broken = errorsSoFar() != before;
}

// A path of the include, relative to the contract; `${ENV}` is expanded
// now, because the manifest is read now.
std::optional<QString> ContractBuilder::includePath(const QString &value, SourcePos pos,
                                                    const QString &what)
{
    if (!m_w.checkEnvRefs(value, pos, what))
        return std::nullopt;
    QString expanded;
    qsizetype last = 0;
    auto it = envPattern().globalMatch(value);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString name = m.captured(1);
        if (!qEnvironmentVariableIsSet(name.toUtf8().constData())) {
            m_w.error(m_w.inside(pos, int(m.capturedStart())),
                      QStringLiteral("environment variable %1 (in %2) is not set").arg(name, what));
            return std::nullopt;
        }
        expanded += value.mid(last, m.capturedStart() - last) +
                    qEnvironmentVariable(name.toUtf8().constData());
        last = m.capturedEnd();
    }
    expanded += value.mid(last);
    if (expanded.trimmed().isEmpty()) {
        m_w.error(pos, QStringLiteral("%1 is empty; give a path").arg(what));
        return std::nullopt;
    }
    return m_w.resolvePath(expanded);
}

// The included nodes go first (they are upstream of the contract's own);
// the include's sections only when the contract lists none; its
// connection only when the contract has none of that name.
void ContractBuilder::mergeInclude(Contract &c)
{
    m_includeFailed = true; // until the expansion succeeds
    if (m_include->broken)
        return;
    const SourcePos at = m_include->pos;
    if (!m_expandInclude) {
        m_w.error(at, QStringLiteral("'include' cannot be expanded here: this program loaded the "
                                     "contract without an include expander (load it through "
                                     "engine/interop/loadcontract.h)"));
        return;
    }
    const IncludeExpansion x = m_expandInclude(m_include->spec, m_w.file(), at);
    for (const Diagnostic &d : x.diagnostics) {
        if (d.severity == Diagnostic::Severity::Error)
            m_w.error({d.line, d.column}, d.message);
        else
            m_w.warning({d.line, d.column}, d.message);
    }
    if (!x.ok)
        return;
    m_includeFailed = false;
    QHash<QString, int> own;
    for (int i = 0; i < c.nodes.size(); ++i) {
        if (!c.nodes.at(i).id.isEmpty() && !own.contains(c.nodes.at(i).id))
            own.insert(c.nodes.at(i).id, i);
    }
    QList<Node> nodes;
    QList<NodeExtra> extras;
    for (const Node &n : x.nodes) {
        if (const auto it = own.constFind(n.id); it != own.constEnd()) {
            m_w.error(m_nodeExtras.at(*it).idPos,
                      QStringLiteral("node '%1' is defined here and by the dbt include at "
                                     "line %2 (%3 in %4); rename this node, or leave that one "
                                     "out with the include's 'select'")
                          .arg(n.id)
                          .arg(at.line)
                          .arg(x.uniqueIdOf.value(n.id), x.manifestPath));
            continue;
        }
        NodeExtra extra;
        extra.idPos = extra.connectionPos = extra.poolPos = at;
        for (const QString &need : n.needs)
            extra.needs.append({need, at});
        nodes.append(n);
        extras.append(extra);
    }
    c.nodes = nodes + c.nodes;
    m_nodeExtras = extras + m_nodeExtras;
    if (c.report.sections.isEmpty()) {
        for (const Section &s : x.sections) {
            SectionExtra extra;
            extra.idPos = at;
            for (const QString &need : s.needs)
                extra.needs.append({need, at});
            for (const QString &source : s.sources)
                extra.sources.append({source, at});
            c.report.sections.append(s);
            m_sectionExtras.append(extra);
        }
    }
    for (const Connection &conn : x.connections) {
        if (!c.connections.contains(conn.name))
            c.connections.insert(conn.name, conn);
    }
}

} // namespace vouch::engine::loader
