#pragma once

#include "engine/contract/contract.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace vouch::engine {

// The reporting path as a directed graph: an immutable value built once from a
// contract (or from plain data in tests and benchmarks) and then only read, so
// it can be shared across threads freely. Copies are cheap (implicitly shared
// Qt containers).
//
// Nodes are addressed by index: 0..size()-1 in file order. An edge goes from a
// node to each node it `needs` (upstream) and back (dependants, downstream).
//
// Tolerance: the graph is built from whatever the contract says, so it can be
// used to *report* problems rather than refuse to exist:
//  - a need naming an unknown node is ignored (validation reports it);
//  - a need listed twice is one edge;
//  - if two nodes share an id, indexOf() finds the first; both exist;
//  - cycles are kept: topologicalOrder() returns only the acyclic part (nodes
//    on a cycle, and everything downstream of one, are left out), findCycle()
//    names one cycle, and closures simply stop at nodes already visited.
//
// All operations are linear in nodes + edges (closures: in what they visit,
// plus one visited bitmap), so 100,000-node graphs are fine.
class Graph
{
public:
    // Plain data for tests and benchmarks, mirroring the contract's fields.
    struct NodeSpec
    {
        QString id;
        QStringList needs;
        QStringList tags;
        NodeKind kind = NodeKind::Noop;
        QString group;
        // Tests what it needs (a `check`, or a dbt test run by dbt): a
        // section resting on all it needs rests on it too (restsOn()).
        bool test = false;
    };
    struct SectionSpec
    {
        QString id;
        QStringList needs;
    };

    Graph() = default;
    static Graph fromContract(const Contract &contract);
    static Graph fromSpecs(const QList<NodeSpec> &nodes, const QList<SectionSpec> &sections = {});

    int size() const { return int(m_ids.size()); }
    const QString &id(int node) const { return m_ids.at(node); }
    const QStringList &ids() const { return m_ids; }
    QStringList ids(const QList<int> &nodes) const;
    // -1 if no node has this id.
    int indexOf(const QString &id) const { return m_index.value(id, -1); }
    bool contains(const QString &id) const { return m_index.contains(id); }

    // Direct upstream (what the node needs) and downstream (what needs it),
    // each in ascending index order, without duplicates or unknown ids.
    const QList<int> &needs(int node) const { return m_needs.at(node); }
    const QList<int> &dependants(int node) const { return m_dependants.at(node); }
    int edgeCount() const { return m_edgeCount; }

    NodeKind kind(int node) const { return m_kinds.at(node); }
    const QStringList &tags(int node) const { return m_tags.at(node); }
    const QString &group(int node) const { return m_groups.at(node); }

    // Distinct tags and (non-empty) groups, in order of first appearance.
    const QStringList &tagNames() const { return m_tagNames; }
    const QStringList &groupNames() const { return m_groupNames; }
    // Nodes carrying a tag / in a group, ascending; empty if unknown.
    QList<int> nodesWithTag(const QString &tag) const { return m_tagIndex.value(tag); }
    QList<int> nodesInGroup(const QString &group) const { return m_groupIndex.value(group); }

    // Sections in contract order; needs that name unknown nodes are ignored.
    const QStringList &sectionIds() const { return m_sectionIds; }
    bool hasSection(const QString &id) const { return m_sectionIndex.contains(id); }
    // The nodes a section directly needs, ascending; empty if unknown.
    QList<int> sectionNeeds(const QString &section) const;

    // Kahn's algorithm; among ready nodes the lowest file index goes first, so
    // the order is deterministic and follows the file where it can. Nodes on
    // or downstream of a cycle are missing (see isAcyclic()).
    const QList<int> &topologicalOrder() const { return m_topological; }
    bool isAcyclic() const { return m_topological.size() == m_ids.size(); }

    // `nodes` sorted in topological order; nodes outside topologicalOrder()
    // (cyclic part) come last, in file order. Duplicates are kept.
    QList<int> sortedTopologically(QList<int> nodes) const;

    // The seeds plus everything upstream (ancestors) / downstream
    // (descendants) of them, at most `maxDepth` edges away (-1: no limit;
    // 0: only the seeds). Result in topological order (see above), no
    // duplicates. Out-of-range seeds are a programming error.
    QList<int> upstream(const QList<int> &seeds, int maxDepth = -1) const;
    QList<int> downstream(const QList<int> &seeds, int maxDepth = -1) const;

    // What a decision resting on `seeds` rests on: the seeds, everything
    // upstream of them, and the checks (check nodes and dbt tests) attached
    // to any of those. A check is
    // attached to a set of nodes when everything it needs is in the set (a
    // check on such a check too): a dbt test on an upstream model counts, as
    // `dbt build` treats it. Topological order, no duplicates. Linear in
    // what it visits and the edges out of it.
    QList<int> restsOn(const QList<int> &seeds) const;
    // What a section rests on: restsOn(sectionNeeds(section)) (docs/trust.md).
    QList<int> sectionRestsOn(const QString &section) const
    {
        return restsOn(sectionNeeds(section));
    }

    // The ids of one cycle, following `needs` edges and closed by repeating
    // the first id: [a, b, c, a] means a needs b, b needs c, c needs a. The
    // cycle starts at its node with the lowest file index. Empty if acyclic.
    QStringList findCycle() const;

private:
    QList<int> closure(const QList<int> &seeds, int maxDepth, const QList<QList<int>> &edges) const;

    QStringList m_ids;
    QHash<QString, int> m_index;
    QList<QList<int>> m_needs;
    QList<QList<int>> m_dependants;
    int m_edgeCount = 0;
    QList<NodeKind> m_kinds;
    QList<bool> m_tests; // NodeSpec::test, or a check
    QList<QStringList> m_tags;
    QStringList m_groups;
    QStringList m_tagNames;
    QHash<QString, QList<int>> m_tagIndex;
    QStringList m_groupNames;
    QHash<QString, QList<int>> m_groupIndex;
    QStringList m_sectionIds;
    QHash<QString, int> m_sectionIndex;
    QList<QList<int>> m_sectionNeeds;
    QList<int> m_topological;
    // Position of each node in topologicalOrder(), followed by the cyclic part
    // in file order: a total order used to sort results.
    QList<int> m_rank;
};

} // namespace vouch::engine
