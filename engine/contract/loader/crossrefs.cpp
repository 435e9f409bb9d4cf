// Cross-references: unknown and duplicate names, sections' sources, cycles.
#include "engine/contract/loader/loaderstate.h"

#include "engine/util/suggest.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace vouch::engine::loader {

void ContractBuilder::crossCheck(const Contract &c)
{
    QHash<QString, int> ids;
    ids.reserve(c.nodes.size());
    QStringList allIds;
    allIds.reserve(c.nodes.size());
    for (int i = 0; i < c.nodes.size(); ++i) {
        const Node &n = c.nodes.at(i);
        if (n.id.isEmpty())
            continue;
        const qsizetype before = ids.size();
        int &first = ids[n.id];
        if (ids.size() == before) {
            m_w.error(m_nodeExtras.at(i).idPos,
                      QStringLiteral("duplicate node id '%1'; first defined at line %2")
                          .arg(n.id)
                          .arg(c.nodes.at(first).pos.line));
            continue;
        }
        first = i;
        allIds << n.id;
    }

    auto unknownNode = [&](const QString &name, SourcePos pos, const QString &who) {
        if (m_includeFailed)
            return; // the include's own error says why its nodes are missing
        const QString hint = closestMatch(name, allIds);
        m_w.error(pos, QStringLiteral("%1 needs unknown node '%2'%3")
                           .arg(who, name,
                                hint.isEmpty() ? QString()
                                               : QStringLiteral("; did you mean '%1'?").arg(hint)));
    };

    // Edges by index, for the cycle search.
    QList<QList<int>> needs(c.nodes.size());
    for (int i = 0; i < c.nodes.size(); ++i) {
        const Node &n = c.nodes.at(i);
        const NodeExtra &extra = m_nodeExtras.at(i);
        const auto who = [&n] { return QStringLiteral("node '%1'").arg(n.id); };
        // Twice-listed needs: searched in order when there are a few (as
        // almost always: hashing them cost more than the rest), hashed past
        // that so that a node with a huge list stays linear.
        const bool few = extra.needs.size() <= 16;
        QSet<QString> seenNeeds;
        for (qsizetype k = 0; k < extra.needs.size(); ++k) {
            const auto &[name, pos] = extra.needs.at(k);
            bool twice = false;
            if (few) {
                for (qsizetype j = 0; j < k && !twice; ++j)
                    twice = extra.needs.at(j).first == name;
            } else {
                twice = seenNeeds.contains(name);
                seenNeeds.insert(name);
            }
            if (twice) {
                m_w.error(pos, QStringLiteral("%1 lists '%2' twice in 'needs'").arg(who(), name));
                continue;
            }
            const auto found = ids.constFind(name);
            if (name == n.id) {
                m_w.error(pos, QStringLiteral("%1 needs itself; remove '%2' from its 'needs'")
                                   .arg(who(), name));
            } else if (found == ids.cend()) {
                unknownNode(name, pos, who());
            } else {
                needs[i].append(*found);
            }
        }
        if (!n.connection.isEmpty() && !c.connections.contains(n.connection)) {
            const QString hint = closestMatch(n.connection, c.connections.keys());
            m_w.error(extra.connectionPos,
                      QStringLiteral("%1 uses unknown connection '%2'; %3")
                          .arg(who(), n.connection,
                               hint.isEmpty() ? QStringLiteral("declare it under 'connections'")
                                              : QStringLiteral("did you mean '%1'?").arg(hint)));
        }
        if (!n.pool.isEmpty() && !c.pools.contains(n.pool)) {
            const QString hint = closestMatch(n.pool, c.pools.keys());
            m_w.error(extra.poolPos,
                      QStringLiteral("%1 uses unknown pool '%2'; %3")
                          .arg(who(), n.pool,
                               hint.isEmpty() ? QStringLiteral("declare it under 'pools'")
                                              : QStringLiteral("did you mean '%1'?").arg(hint)));
        }
    }
    reportCycles(c, needs);

    QHash<QString, int> sectionIds;
    for (int i = 0; i < c.report.sections.size(); ++i) {
        const Section &s = c.report.sections.at(i);
        const SectionExtra &extra = m_sectionExtras.at(i);
        const QString who = QStringLiteral("section '%1'").arg(s.id);
        if (!s.id.isEmpty()) {
            if (sectionIds.contains(s.id))
                m_w.error(extra.idPos,
                          QStringLiteral("duplicate section id '%1'; first defined "
                                         "at line %2")
                              .arg(s.id)
                              .arg(c.report.sections.at(sectionIds.value(s.id)).pos.line));
            else
                sectionIds.insert(s.id, i);
        }
        QList<int> roots;
        for (const auto &[name, pos] : extra.needs) {
            if (!ids.contains(name))
                unknownNode(name, pos, who);
            else
                roots.append(ids.value(name));
        }
        if (extra.sources.isEmpty())
            continue;
        // Sources must be upstream of (or among) the section's needs.
        QList<bool> upstream(c.nodes.size(), false);
        QList<int> stack = roots;
        while (!stack.isEmpty()) {
            const int at = stack.takeLast();
            if (upstream[at])
                continue;
            upstream[at] = true;
            stack += needs.at(at);
        }
        for (const auto &[name, pos] : extra.sources) {
            if (!ids.contains(name) && m_includeFailed)
                continue;
            if (!ids.contains(name))
                m_w.error(pos, QStringLiteral("%1 lists unknown source '%2'%3")
                                   .arg(who, name,
                                        closestMatch(name, allIds).isEmpty()
                                            ? QString()
                                            : QStringLiteral("; did you mean '%1'?")
                                                  .arg(closestMatch(name, allIds))));
            else if (!upstream.at(ids.value(name)))
                m_w.error(pos, QStringLiteral("%1 lists source '%2', which is not upstream of "
                                              "its needs; add it to 'needs' or to the path")
                                   .arg(who, name));
        }
        // The contract people read and the path that runs must not drift
        // apart: a freshness source the section rests on but does not
        // declare is worth a warning.
        QSet<QString> declared;
        for (const auto &[name, pos] : extra.sources)
            declared.insert(name);
        for (int i = 0; i < c.nodes.size(); ++i) {
            const Node &n = c.nodes.at(i);
            if (upstream.at(i) && n.kind == NodeKind::Freshness && !declared.contains(n.id))
                m_w.warning(extra.sources.first().second,
                            QStringLiteral("%1 depends on source '%2' but does not list it in "
                                           "'sources'")
                                .arg(who, n.id));
        }
    }
}

// Every strongly connected component with more than one node is a cycle;
// print one concrete loop through it, starting at its first node in the file.
void ContractBuilder::reportCycles(const Contract &c, const QList<QList<int>> &needs)
{
    const int n = int(c.nodes.size());
    QList<int> index(n, -1), low(n, 0), component(n, -1);
    QList<bool> onStack(n, false);
    QList<int> stack;
    int counter = 0, components = 0;
    // Iterative Tarjan: recursion would overflow on long chains.
    for (int start = 0; start < n; ++start) {
        if (index[start] >= 0)
            continue;
        QList<std::pair<int, int>> work{{start, 0}};
        while (!work.isEmpty()) {
            auto &[v, edge] = work.last();
            if (edge == 0 && index[v] < 0) {
                index[v] = low[v] = counter++;
                stack.append(v);
                onStack[v] = true;
            }
            if (edge < needs[v].size()) {
                const int w = needs[v][edge++];
                if (index[w] < 0)
                    work.append({w, 0});
                else if (onStack[w])
                    low[v] = std::min(low[v], index[w]);
                continue;
            }
            if (low[v] == index[v]) {
                int w;
                do {
                    w = stack.takeLast();
                    onStack[w] = false;
                    component[w] = components;
                } while (w != v);
                ++components;
            }
            const int done = v;
            work.removeLast();
            if (!work.isEmpty())
                low[work.last().first] = std::min(low[work.last().first], low[done]);
        }
    }
    QList<int> members(components, 0);
    for (int v = 0; v < n; ++v)
        ++members[component[v]];
    QSet<int> reported;
    for (int v = 0; v < n; ++v) {
        const int comp = component[v];
        if (members[comp] < 2 || reported.contains(comp))
            continue;
        reported.insert(comp);
        // Walk from v along needs inside the component until a node repeats.
        QList<int> path{v};
        QHash<int, int> at{{v, 0}};
        int cur = v;
        while (true) {
            int next = -1;
            for (int w : needs[cur]) {
                if (component[w] == comp) {
                    next = w;
                    break;
                }
            }
            if (at.contains(next)) {
                path = path.mid(at.value(next));
                path.append(next);
                break;
            }
            at.insert(next, int(path.size()));
            path.append(next);
            cur = next;
        }
        // Print in the direction data flows is less natural for `needs`;
        // users read "a needs b needs c": a -> b -> c -> a.
        QStringList names;
        for (int p : path)
            names << c.nodes.at(p).id;
        m_w.error(c.nodes.at(path.first()).pos,
                  QStringLiteral("dependency cycle: %1").arg(names.join(QStringLiteral(" -> "))));
    }
}

} // namespace vouch::engine::loader
