#include "engine/graph/graph.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <vector>

namespace vouch::engine {

Graph Graph::fromContract(const Contract &contract)
{
    QList<NodeSpec> nodes;
    nodes.reserve(contract.nodes.size());
    for (const Node &node : contract.nodes)
        nodes.append({node.id, node.needs, node.tags, node.kind, node.group,
                      node.dbt && node.dbt->resourceType == QLatin1String("test")});
    QList<SectionSpec> sections;
    sections.reserve(contract.report.sections.size());
    for (const Section &section : contract.report.sections)
        sections.append({section.id, section.needs});
    return fromSpecs(nodes, sections);
}

Graph Graph::fromSpecs(const QList<NodeSpec> &nodes, const QList<SectionSpec> &sections)
{
    Graph g;
    const int n = int(nodes.size());
    g.m_ids.reserve(n);
    g.m_index.reserve(n);
    g.m_kinds.reserve(n);
    g.m_tests.reserve(n);
    g.m_tags.reserve(n);
    g.m_groups.reserve(n);
    for (int i = 0; i < n; ++i) {
        const NodeSpec &spec = nodes.at(i);
        g.m_ids.append(spec.id);
        g.m_kinds.append(spec.kind);
        g.m_tests.append(spec.test || spec.kind == NodeKind::Check);
        g.m_tags.append(spec.tags);
        g.m_groups.append(spec.group);
        for (const QString &tag : spec.tags) {
            QList<int> &tagged = g.m_tagIndex[tag];
            if (tagged.isEmpty())
                g.m_tagNames.append(tag);
            if (tagged.isEmpty() || tagged.constLast() != i) // a tag listed twice
                tagged.append(i);
        }
        if (!spec.group.isEmpty()) {
            QList<int> &grouped = g.m_groupIndex[spec.group];
            if (grouped.isEmpty())
                g.m_groupNames.append(spec.group);
            grouped.append(i);
        }
    }

    // The first of duplicate ids wins: it is inserted last. One hash lookup
    // per node (contains() and insert() were two).
    for (int i = n - 1; i >= 0; --i)
        g.m_index.insert(g.m_ids.at(i), i);

    auto resolve = [&g](const QStringList &names) {
        QList<int> indices;
        indices.reserve(names.size());
        for (const QString &name : names) {
            const int index = g.indexOf(name);
            if (index >= 0) // unknown needs are the validator's business
                indices.append(index);
        }
        std::sort(indices.begin(), indices.end());
        indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
        return indices;
    };

    g.m_needs.resize(n);
    g.m_dependants.resize(n);
    for (int i = 0; i < n; ++i) {
        g.m_needs[i] = resolve(nodes.at(i).needs);
        g.m_edgeCount += int(g.m_needs.at(i).size());
        // Visiting i in ascending order keeps every dependants list sorted.
        for (int upstream : std::as_const(g.m_needs.at(i)))
            g.m_dependants[upstream].append(i);
    }

    for (const SectionSpec &section : sections) {
        if (g.m_sectionIndex.contains(section.id))
            continue;
        g.m_sectionIndex.insert(section.id, int(g.m_sectionIds.size()));
        g.m_sectionIds.append(section.id);
        g.m_sectionNeeds.append(resolve(section.needs));
    }

    // Kahn's algorithm with a min-heap of ready nodes: deterministic, and as
    // close to file order as the edges allow.
    std::vector<int> waitingOn(n);
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (int i = 0; i < n; ++i) {
        waitingOn[i] = int(g.m_needs.at(i).size());
        if (waitingOn[i] == 0)
            ready.push(i);
    }
    g.m_topological.reserve(n);
    while (!ready.empty()) {
        const int node = ready.top();
        ready.pop();
        g.m_topological.append(node);
        for (int dependant : std::as_const(g.m_dependants.at(node))) {
            if (--waitingOn[dependant] == 0)
                ready.push(dependant);
        }
    }

    g.m_rank.fill(-1, n);
    int rank = 0;
    for (int node : std::as_const(g.m_topological))
        g.m_rank[node] = rank++;
    for (int i = 0; i < n; ++i) {
        if (g.m_rank.at(i) < 0)
            g.m_rank[i] = rank++;
    }
    return g;
}

QStringList Graph::ids(const QList<int> &nodes) const
{
    QStringList result;
    result.reserve(nodes.size());
    for (int node : nodes)
        result.append(m_ids.at(node));
    return result;
}

QList<int> Graph::sectionNeeds(const QString &section) const
{
    const int index = m_sectionIndex.value(section, -1);
    return index < 0 ? QList<int>() : m_sectionNeeds.at(index);
}

QList<int> Graph::sortedTopologically(QList<int> nodes) const
{
    std::sort(nodes.begin(), nodes.end(),
              [this](int a, int b) { return m_rank.at(a) < m_rank.at(b); });
    return nodes;
}

QList<int> Graph::upstream(const QList<int> &seeds, int maxDepth) const
{
    return closure(seeds, maxDepth, m_needs);
}

QList<int> Graph::downstream(const QList<int> &seeds, int maxDepth) const
{
    return closure(seeds, maxDepth, m_dependants);
}

QList<int> Graph::closure(const QList<int> &seeds, int maxDepth,
                          const QList<QList<int>> &edges) const
{
    // Breadth-first, one frontier per level, so a depth limit is exact: a
    // node is reached at its shortest distance from any seed.
    std::vector<char> visited(m_ids.size(), 0);
    QList<int> result;
    QList<int> frontier;
    for (int seed : seeds) {
        Q_ASSERT(seed >= 0 && seed < size());
        if (!visited[seed]) {
            visited[seed] = 1;
            result.append(seed);
            frontier.append(seed);
        }
    }
    QList<int> next;
    for (int depth = 0; !frontier.isEmpty() && (maxDepth < 0 || depth < maxDepth); ++depth) {
        next.clear();
        for (int node : std::as_const(frontier)) {
            for (int neighbour : edges.at(node)) {
                if (!visited[neighbour]) {
                    visited[neighbour] = 1;
                    result.append(neighbour);
                    next.append(neighbour);
                }
            }
        }
        frontier.swap(next);
    }
    return sortedTopologically(std::move(result));
}

QList<int> Graph::restsOn(const QList<int> &seeds) const
{
    QList<int> result = upstream(seeds);
    std::vector<char> in(m_ids.size(), 0);
    for (int node : std::as_const(result))
        in[node] = 1;
    // A check joins once all it needs is in; then a check on it may join.
    QList<int> work = result;
    const qsizetype closure = result.size();
    while (!work.isEmpty()) {
        const int node = work.takeLast();
        for (int dependant : m_dependants.at(node)) {
            if (in[dependant] || !m_tests.at(dependant))
                continue;
            const QList<int> &needs = m_needs.at(dependant);
            if (std::all_of(needs.cbegin(), needs.cend(), [&](int n) { return in[n] != 0; })) {
                in[dependant] = 1;
                result.append(dependant);
                work.append(dependant);
            }
        }
    }
    return result.size() == closure ? result : sortedTopologically(std::move(result));
}

QStringList Graph::findCycle() const
{
    if (isAcyclic())
        return {};
    // Every node left out by Kahn's algorithm still waits on a need that was
    // also left out. So walking from one such node along left-out needs never
    // gets stuck, and must revisit a node: that closes a cycle. Linear time,
    // no recursion.
    const int sorted = int(m_topological.size());
    auto leftOut = [&](int node) { return m_rank.at(node) >= sorted; };
    int node = 0;
    while (!leftOut(node))
        ++node;
    std::vector<int> seenAt(m_ids.size(), -1);
    QList<int> path;
    while (seenAt[node] < 0) {
        seenAt[node] = int(path.size());
        path.append(node);
        const QList<int> &upstream = m_needs.at(node);
        const auto next = std::find_if(upstream.cbegin(), upstream.cend(), leftOut);
        Q_ASSERT(next != upstream.cend());
        node = *next;
    }
    QList<int> cycle = path.mid(seenAt[node]);
    std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
    cycle.append(cycle.constFirst());
    return ids(cycle);
}

} // namespace vouch::engine
