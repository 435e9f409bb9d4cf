#include "ui/graph/layeredlayout.h"

#include "engine/graph/graph.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

namespace vouch::ui {
namespace {

using engine::Graph;
using EdgeList = std::vector<std::pair<int, int>>;

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Compressed adjacency lists: the neighbours of v are items[offsets[v] ..
// offsets[v + 1]), in the order the pairs were given.
class Adjacency
{
public:
    // Lists, for each pair (a, b), b under a (byFirst) or a under b.
    void build(int nodeCount, const EdgeList &pairs, bool byFirst)
    {
        m_offsets.assign(size_t(nodeCount) + 1, 0);
        for (const auto &[a, b] : pairs)
            ++m_offsets[size_t(byFirst ? a : b) + 1];
        std::partial_sum(m_offsets.begin(), m_offsets.end(), m_offsets.begin());
        m_items.resize(pairs.size());
        m_cursor.assign(m_offsets.begin(), m_offsets.end() - 1);
        for (const auto &[a, b] : pairs)
            m_items[size_t(m_cursor[size_t(byFirst ? a : b)]++)] = byFirst ? b : a;
    }
    int degree(int v) const { return m_offsets[v + 1] - m_offsets[v]; }
    std::span<const int> of(int v) const
    {
        return {m_items.data() + m_offsets[v], size_t(degree(v))};
    }

private:
    std::vector<int> m_offsets;
    std::vector<int> m_items;
    std::vector<int> m_cursor;
};

// Inversions in `lower` (edge endpoints in the lower layer, listed in order of
// their upper endpoints, ties by lower endpoint): each one is a crossing.
// Fenwick tree over lower positions: O(E log V).
qint64 countInversions(const std::vector<int> &lower, int lowerCount, std::vector<int> &tree)
{
    tree.assign(size_t(lowerCount) + 1, 0);
    qint64 crossings = 0;
    qint64 inserted = 0;
    for (int position : lower) {
        qint64 notAfter = 0; // inserted so far at or before `position`
        for (int i = position + 1; i > 0; i -= i & -i)
            notAfter += tree[size_t(i)];
        crossings += inserted - notAfter;
        for (int i = position + 1; i <= lowerCount; i += i & -i)
            ++tree[size_t(i)];
        ++inserted;
    }
    return crossings;
}

// Lays out one connected, acyclic component in abstract coordinates: a layer
// per node and a centre on the cross axis per node, real and virtual. All
// buffers are members so that one instance serves many components without
// reallocating.
class ComponentLayout
{
public:
    explicit ComponentLayout(const LayoutOptions &options)
        : m_options(options)
        , m_crossSize(options.leftToRight ? options.nodeSize.height() : options.nodeSize.width())
    {}

    // `edges` are (tail, head) in local indices 0..nodeCount-1, acyclic, no
    // self-loops; parallel edges are fine.
    void run(int nodeCount, const EdgeList &edges)
    {
        m_real = nodeCount;
        rank(edges);
        buildChains(edges);
        reduceCrossings();
        assignCoordinates();
    }

    int layer(int node) const { return m_layer[size_t(node)]; }
    double cross(int node) const { return m_cross[size_t(node)]; }
    // The virtual nodes of edge e, tail to head.
    std::pair<int, int> chain(int edge) const
    {
        return {m_chainStart[size_t(edge)], m_chainStart[size_t(edge) + 1]};
    }
    int layerCount() const { return int(m_layers.size()); }
    qint64 crossings() const { return m_crossings; }
    double crossMin() const { return m_crossMin; }
    double crossMax() const { return m_crossMax; }

private:
    struct Key
    {
        double value; // barycenter or median
        int previous;
        int node;
    };
    struct Block
    {
        double weight;
        double weightedSum;
        int size;
        double mean() const { return weightedSum / weight; }
    };

    bool isVirtual(int node) const { return node >= m_real; }
    double extent(int node) const { return isVirtual(node) ? 0.0 : m_crossSize; }

    // Longest path from the sources, then each node with more dependants than
    // needs, or at the end of a single-file chain from a source, moves
    // forward to just before its nearest dependant. That shortens more edges
    // than it lengthens; it puts sources (and ingest -> source -> staging
    // chains) next to what uses them instead of all in the first layer, but
    // leaves a check next to what it checks.
    void rank(const EdgeList &edges)
    {
        m_out.build(m_real, edges, true);
        m_in.build(m_real, edges, false);

        m_order.clear();
        m_scratch.assign(size_t(m_real), 0);
        for (int v = 0; v < m_real; ++v) {
            m_scratch[size_t(v)] = m_in.degree(v);
            if (m_scratch[size_t(v)] == 0)
                m_order.push_back(v);
        }
        for (size_t next = 0; next < m_order.size(); ++next) {
            for (int w : m_out.of(m_order[next])) {
                if (--m_scratch[size_t(w)] == 0)
                    m_order.push_back(w);
            }
        }
        Q_ASSERT(int(m_order.size()) == m_real); // cycles were broken before

        m_layer.assign(size_t(m_real), 0);
        for (int v : m_order) {
            for (int w : m_out.of(v))
                m_layer[size_t(w)] = std::max(m_layer[size_t(w)], m_layer[size_t(v)] + 1);
        }
        // A feeder is a source, or a node whose only need is a feeder, with
        // one dependant: a single-file chain from a source. Such a chain
        // can follow its end, so moving the end costs nothing.
        m_scratch.assign(size_t(m_real), 0);
        const auto fedBySource = [this](int v) {
            return m_in.degree(v) == 0 || (m_in.degree(v) == 1 && m_scratch[size_t(m_in.of(v)[0])]);
        };
        for (int v : m_order)
            m_scratch[size_t(v)] = m_out.degree(v) == 1 && fedBySource(v);
        // Reverse topological order: a node's dependants are final when it moves.
        for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
            const int v = *it;
            const int out = m_out.degree(v);
            if (out == 0 || (out <= m_in.degree(v) && !fedBySource(v)))
                continue;
            int nearest = std::numeric_limits<int>::max();
            for (int w : m_out.of(v))
                nearest = std::min(nearest, m_layer[size_t(w)]);
            m_layer[size_t(v)] = nearest - 1;
        }
        const int first = *std::min_element(m_layer.begin(), m_layer.end());
        int last = 0;
        for (int &l : m_layer) {
            l -= first;
            last = std::max(last, l);
        }
        m_layers.assign(size_t(last) + 1, {});
    }

    // Every edge spanning k > 1 layers gets k - 1 virtual nodes, so that all
    // segments join adjacent layers.
    void buildChains(const EdgeList &edges)
    {
        m_chainStart.resize(edges.size() + 1);
        int total = m_real;
        for (size_t e = 0; e < edges.size(); ++e) {
            m_chainStart[e] = total;
            const auto [tail, head] = edges[e];
            total += m_layer[size_t(head)] - m_layer[size_t(tail)] - 1;
        }
        m_chainStart[edges.size()] = total;
        m_layer.resize(size_t(total));

        m_segments.clear();
        for (size_t e = 0; e < edges.size(); ++e) {
            const auto [tail, head] = edges[e];
            int previous = tail;
            for (int v = m_chainStart[e]; v < m_chainStart[e + 1]; ++v) {
                m_layer[size_t(v)] = m_layer[size_t(previous)] + 1;
                m_segments.emplace_back(previous, v);
                previous = v;
            }
            m_segments.emplace_back(previous, head);
        }
        m_down.build(total, m_segments, true);
        m_up.build(total, m_segments, false);
    }

    // Depth-first from the sources in topological (~ file) order, or from the
    // sinks in reverse, so that connected nodes start out close together.
    void orderInitially(bool fromSources)
    {
        const size_t total = m_layer.size();
        for (std::vector<int> &nodes : m_layers)
            nodes.clear();
        m_scratch.assign(total, 0); // visited
        m_stack.clear();
        const Adjacency &next = fromSources ? m_down : m_up;
        for (size_t r = 0; r < m_order.size(); ++r) {
            m_stack.push_back(fromSources ? m_order[r] : m_order[m_order.size() - 1 - r]);
            while (!m_stack.empty()) {
                const int v = m_stack.back();
                m_stack.pop_back();
                if (m_scratch[size_t(v)])
                    continue;
                m_scratch[size_t(v)] = 1;
                m_layers[size_t(m_layer[size_t(v)])].push_back(v);
                const std::span<const int> neighbours = next.of(v);
                for (auto it = neighbours.rbegin(); it != neighbours.rend(); ++it) {
                    if (!m_scratch[size_t(*it)])
                        m_stack.push_back(*it);
                }
            }
        }
        m_position.resize(total);
        for (const std::vector<int> &nodes : m_layers)
            updatePositions(nodes);
    }

    void updatePositions(const std::vector<int> &nodes)
    {
        for (size_t i = 0; i < nodes.size(); ++i)
            m_position[size_t(nodes[i])] = int(i);
    }

    qint64 countCrossings()
    {
        qint64 total = 0;
        for (size_t l = 0; l + 1 < m_layers.size(); ++l) {
            m_lower.clear();
            for (int u : m_layers[l]) {
                const size_t start = m_lower.size();
                for (int w : m_down.of(u))
                    m_lower.push_back(m_position[size_t(w)]);
                std::sort(m_lower.begin() + qsizetype(start), m_lower.end());
            }
            total += countInversions(m_lower, int(m_layers[l + 1].size()), m_fenwick);
        }
        return total;
    }

    double barycenter(std::span<const int> neighbours) const
    {
        double sum = 0;
        for (int u : neighbours)
            sum += m_position[size_t(u)];
        return sum / double(neighbours.size());
    }

    double median(std::span<const int> neighbours)
    {
        m_left.clear();
        for (int u : neighbours)
            m_left.push_back(m_position[size_t(u)]);
        const size_t middle = m_left.size() / 2;
        std::nth_element(m_left.begin(), m_left.begin() + qsizetype(middle), m_left.end());
        if (m_left.size() % 2)
            return m_left[middle];
        const int above = m_left[middle];
        return (*std::max_element(m_left.begin(), m_left.begin() + qsizetype(middle)) + above) /
               2.0;
    }

    // Orders one layer by the barycenter (or median) of each node's
    // neighbours in `reference`. Nodes with no such neighbour keep their
    // slot; the others fill the remaining slots in order, ties by previous
    // order.
    void reorder(std::vector<int> &nodes, const Adjacency &reference)
    {
        m_keys.clear();
        m_fixed.assign(nodes.size(), 0);
        for (size_t i = 0; i < nodes.size(); ++i) {
            const std::span<const int> neighbours = reference.of(nodes[i]);
            if (neighbours.empty()) {
                m_fixed[i] = 1;
                continue;
            }
            m_keys.push_back(
                {m_median ? median(neighbours) : barycenter(neighbours), int(i), nodes[i]});
        }
        std::sort(m_keys.begin(), m_keys.end(), [](const Key &a, const Key &b) {
            return a.value < b.value || (a.value == b.value && a.previous < b.previous);
        });
        size_t next = 0;
        for (size_t i = 0; i < nodes.size(); ++i) {
            if (!m_fixed[i])
                nodes[i] = m_keys[next++].node;
        }
        updatePositions(nodes);
    }

    // Two starts, top-down and bottom-up: sweeps settle in a local optimum
    // after a few rounds, and the two often settle in different ones.
    void reduceCrossings()
    {
        sweep(true);
        if (m_crossings == 0)
            return;
        const qint64 first = m_crossings;
        m_first = m_layers;
        m_median = true;
        sweep(false);
        m_median = false;
        if (first <= m_crossings) {
            m_crossings = first;
            m_layers.swap(m_first);
        }
        for (const std::vector<int> &nodes : m_layers)
            updatePositions(nodes);
    }

    // Ends with the best ordering seen in m_layers, its crossings in m_crossings.
    void sweep(bool downFirst)
    {
        orderInitially(downFirst);
        m_crossings = countCrossings();
        m_best = m_layers;
        const int layers = int(m_layers.size());
        const auto down = [&] {
            for (int l = 1; l < layers; ++l)
                reorder(m_layers[size_t(l)], m_up);
        };
        const auto up = [&] {
            for (int l = layers - 2; l >= 0; --l)
                reorder(m_layers[size_t(l)], m_down);
        };
        for (int round = 0; round < m_options.crossingSweeps && m_crossings > 0; ++round) {
            downFirst ? down() : up();
            transpose();
            keepIfBetter(countCrossings());
            downFirst ? up() : down();
            transpose();
            keepIfBetter(countCrossings());
        }
        m_layers.swap(m_best);
    }

    // Crossings among the edges of u and v into one adjacent layer, with u
    // left of v (first) and with v left of u (second). Linear after sorting
    // the two neighbour lists.
    std::pair<qint64, qint64> pairCrossings(int u, int v, const Adjacency &adjacency)
    {
        m_left.clear();
        for (int a : adjacency.of(u))
            m_left.push_back(m_position[size_t(a)]);
        m_right.clear();
        for (int b : adjacency.of(v))
            m_right.push_back(m_position[size_t(b)]);
        std::sort(m_left.begin(), m_left.end());
        std::sort(m_right.begin(), m_right.end());
        qint64 uFirst = 0;
        qint64 vFirst = 0;
        size_t notAfter = 0; // of u's neighbours, those at or before b
        size_t before = 0;   // of u's neighbours, those strictly before b
        for (int b : m_right) {
            while (notAfter < m_left.size() && m_left[notAfter] <= b)
                ++notAfter;
            while (before < m_left.size() && m_left[before] < b)
                ++before;
            uFirst += qint64(m_left.size() - notAfter);
            vFirst += qint64(before);
        }
        return {uFirst, vFirst};
    }

    // Adjacent exchange: swap neighbours in a layer while that removes
    // crossings with both adjacent layers. Catches what averaging misses
    // (ties, nodes pulled two ways); a few linear passes.
    void transpose()
    {
        for (int round = 0; round < 4; ++round) {
            bool improved = false;
            for (std::vector<int> &nodes : m_layers) {
                for (size_t i = 0; i + 1 < nodes.size(); ++i) {
                    const int u = nodes[i];
                    const int v = nodes[i + 1];
                    const auto [upKeep, upSwap] = pairCrossings(u, v, m_up);
                    const auto [downKeep, downSwap] = pairCrossings(u, v, m_down);
                    if (upSwap + downSwap < upKeep + downKeep) {
                        std::swap(nodes[i], nodes[i + 1]);
                        m_position[size_t(u)] = int(i + 1);
                        m_position[size_t(v)] = int(i);
                        improved = true;
                    }
                }
            }
            if (!improved)
                break;
        }
    }

    void keepIfBetter(qint64 crossings)
    {
        if (crossings >= m_crossings)
            return;
        m_crossings = crossings;
        for (size_t l = 0; l < m_layers.size(); ++l)
            m_best[l] = m_layers[l];
    }

    // Priority method. Start packed and centred, then place each layer
    // against the one before it, alternately downwards and upwards, ending
    // downwards (so long edges leave their tail straight).
    void assignCoordinates()
    {
        const size_t total = m_layer.size();
        m_cross.assign(total, 0);
        m_prefix.assign(total, 0);
        for (const std::vector<int> &nodes : m_layers) {
            double offset = 0;
            for (size_t i = 0; i < nodes.size(); ++i) {
                if (i > 0)
                    offset += (extent(nodes[i - 1]) + extent(nodes[i])) / 2 + m_options.nodeGap;
                m_prefix[size_t(nodes[i])] = offset;
            }
            for (int v : nodes)
                m_cross[size_t(v)] = m_prefix[size_t(v)] - offset / 2;
        }

        const int layers = int(m_layers.size());
        for (int pass = 0; pass < 5; ++pass) {
            if (pass % 2 == 0) {
                for (int l = 1; l < layers; ++l)
                    placeLayer(m_layers[size_t(l)], m_up);
            } else {
                for (int l = layers - 2; l >= 0; --l)
                    placeLayer(m_layers[size_t(l)], m_down);
            }
        }

        m_crossMin = kInfinity;
        m_crossMax = -kInfinity;
        for (const std::vector<int> &nodes : m_layers) {
            m_crossMin =
                std::min(m_crossMin, m_cross[size_t(nodes.front())] - extent(nodes.front()) / 2);
            m_crossMax =
                std::max(m_crossMax, m_cross[size_t(nodes.back())] + extent(nodes.back()) / 2);
        }
    }

    // Moves the nodes of one layer towards the average of their neighbours in
    // the reference layer, in three priority classes: virtual nodes inside a
    // long edge, virtual nodes next to a real end, then real nodes. Each class
    // is placed between the already placed nodes of higher classes, keeping
    // the order and the spacing (including the room for lower classes still
    // to come). Within a class this is a weighted isotonic regression, solved
    // exactly by pool-adjacent-violators: nodes that want the same spot share
    // it evenly around it, rather than piling up on one side. Linear time.
    void placeLayer(const std::vector<int> &nodes, const Adjacency &reference)
    {
        const size_t count = nodes.size();
        m_desired.resize(count);
        m_weight.resize(count);
        m_class.resize(count);
        for (size_t i = 0; i < count; ++i) {
            const int v = nodes[i];
            const std::span<const int> neighbours = reference.of(v);
            if (isVirtual(v)) {
                const int u = neighbours.front(); // exactly one on each side
                m_desired[i] = m_cross[size_t(u)];
                m_weight[i] = 1;
                m_class[i] = isVirtual(u) ? 0 : 1;
            } else if (neighbours.empty()) {
                m_desired[i] = m_cross[size_t(v)];
                m_weight[i] = 1;
                m_class[i] = 2;
            } else {
                double sum = 0;
                for (int u : neighbours)
                    sum += m_cross[size_t(u)];
                m_desired[i] = sum / double(neighbours.size());
                m_weight[i] = double(neighbours.size());
                m_class[i] = 2;
            }
        }
        for (int placing = 0; placing < 3; ++placing) {
            // In "free" coordinates y = cross - prefix, keeping order and
            // spacing is just y non-decreasing, and the placed nodes of
            // higher classes bound each run in between.
            double low = -kInfinity;
            m_run.clear();
            for (size_t i = 0; i < count; ++i) {
                if (m_class[i] < placing) {
                    const double y = m_cross[size_t(nodes[i])] - m_prefix[size_t(nodes[i])];
                    placeRun(nodes, low, y);
                    low = y;
                } else if (m_class[i] == placing) {
                    m_run.push_back(int(i));
                }
            }
            placeRun(nodes, low, kInfinity);
        }
    }

    void placeRun(const std::vector<int> &nodes, double low, double high)
    {
        m_blocks.clear();
        for (int i : m_run) {
            const double target = m_desired[size_t(i)] - m_prefix[size_t(nodes[size_t(i)])];
            m_blocks.push_back({m_weight[size_t(i)], m_weight[size_t(i)] * target, 1});
            while (m_blocks.size() > 1 &&
                   m_blocks[m_blocks.size() - 2].mean() > m_blocks.back().mean()) {
                const Block last = m_blocks.back();
                m_blocks.pop_back();
                m_blocks.back().weight += last.weight;
                m_blocks.back().weightedSum += last.weightedSum;
                m_blocks.back().size += last.size;
            }
        }
        size_t next = 0;
        for (const Block &block : m_blocks) {
            const double y = std::max(low, std::min(block.mean(), high));
            for (int j = 0; j < block.size; ++j) {
                const int v = nodes[size_t(m_run[next++])];
                m_cross[size_t(v)] = y + m_prefix[size_t(v)];
            }
        }
        m_run.clear();
    }

    const LayoutOptions &m_options;
    const double m_crossSize;
    int m_real = 0;

    Adjacency m_out; // real graph
    Adjacency m_in;
    Adjacency m_down; // layered graph, virtual nodes included
    Adjacency m_up;
    std::vector<int> m_order; // topological, real nodes
    std::vector<int> m_layer; // per node, real then virtual
    std::vector<int> m_chainStart;
    EdgeList m_segments;
    std::vector<std::vector<int>> m_layers;
    std::vector<std::vector<int>> m_best;
    std::vector<std::vector<int>> m_first;
    std::vector<int> m_position; // index in its layer
    std::vector<double> m_cross;
    std::vector<double> m_prefix; // minimal offset from the layer's first node
    qint64 m_crossings = 0;
    bool m_median = false; // median instead of barycenter (second start)
    double m_crossMin = 0;
    double m_crossMax = 0;

    // Scratch buffers.
    std::vector<int> m_scratch;
    std::vector<int> m_stack;
    std::vector<int> m_lower;
    std::vector<int> m_left;
    std::vector<int> m_right;
    std::vector<int> m_fenwick;
    std::vector<char> m_fixed;
    std::vector<Key> m_keys;
    std::vector<double> m_desired;
    std::vector<double> m_weight;
    std::vector<int> m_class;
    std::vector<int> m_run;
    std::vector<Block> m_blocks;
};

struct Edge
{
    int from; // the need
    int to;   // the dependant
    bool reversed;
};

// Turns around the back edges of a depth-first search over the nodes that
// Graph::topologicalOrder() leaves out (only they can lie on a cycle), which
// leaves an acyclic graph. Iterative, so long cycles cannot overflow the stack.
void breakCycles(const Graph &graph, const std::vector<int> &edgeStart, std::vector<Edge> &edges)
{
    if (graph.isAcyclic())
        return;
    enum : char
    {
        Unvisited,
        OnStack,
        Done
    };
    std::vector<char> state(size_t(graph.size()), Unvisited);
    for (int v : graph.topologicalOrder())
        state[size_t(v)] = Done;
    std::vector<std::pair<int, int>> stack; // node, next dependant to follow
    for (int root = 0; root < graph.size(); ++root) {
        if (state[size_t(root)] != Unvisited)
            continue;
        state[size_t(root)] = OnStack;
        stack.emplace_back(root, 0);
        while (!stack.empty()) {
            const auto [v, next] = stack.back();
            const QList<int> &dependants = graph.dependants(v);
            if (next == int(dependants.size())) {
                state[size_t(v)] = Done;
                stack.pop_back();
                continue;
            }
            ++stack.back().second;
            const int w = dependants.at(next);
            if (state[size_t(w)] == OnStack)
                edges[size_t(edgeStart[size_t(v)] + next)].reversed = true;
            else if (state[size_t(w)] == Unvisited) {
                state[size_t(w)] = OnStack;
                stack.emplace_back(w, 0);
            }
        }
    }
}

int findRoot(std::vector<int> &parent, int v)
{
    while (parent[size_t(v)] != v) {
        parent[size_t(v)] = parent[size_t(parent[size_t(v)])]; // path halving
        v = parent[size_t(v)];
    }
    return v;
}

} // namespace

Layout layeredLayout(const Graph &graph, const LayoutOptions &options)
{
    Layout layout;
    const int n = graph.size();
    if (n == 0)
        return layout;

    std::vector<Edge> edges;
    edges.reserve(size_t(graph.edgeCount()));
    std::vector<int> edgeStart(size_t(n) + 1);
    for (int u = 0; u < n; ++u) {
        edgeStart[size_t(u)] = int(edges.size());
        for (int v : graph.dependants(u))
            edges.push_back({u, v, false});
    }
    edgeStart[size_t(n)] = int(edges.size());
    breakCycles(graph, edgeStart, edges);

    // Connected components, numbered in order of their first node.
    const auto nodeCount = size_t(n);
    std::vector<int> parent(nodeCount);
    std::iota(parent.begin(), parent.end(), 0);
    for (const Edge &edge : edges) {
        const int a = findRoot(parent, edge.from);
        const int b = findRoot(parent, edge.to);
        if (a != b)
            parent[size_t(std::max(a, b))] = std::min(a, b);
    }
    std::vector<int> componentOfRoot(nodeCount, -1);
    std::vector<int> componentOf(nodeCount);
    std::vector<int> localIndex(nodeCount);
    std::vector<std::vector<int>> members;
    for (int v = 0; v < n; ++v) {
        int &component = componentOfRoot[size_t(findRoot(parent, v))];
        if (component < 0) {
            component = int(members.size());
            members.emplace_back();
        }
        componentOf[size_t(v)] = component;
        localIndex[size_t(v)] = int(members[size_t(component)].size());
        members[size_t(component)].push_back(v);
    }
    std::vector<std::vector<int>> componentEdges(members.size());
    for (size_t e = 0; e < edges.size(); ++e) {
        if (edges[e].from != edges[e].to)
            componentEdges[size_t(componentOf[size_t(edges[e].from)])].push_back(int(e));
    }

    const bool leftToRight = options.leftToRight;
    const double flowSize = leftToRight ? options.nodeSize.width() : options.nodeSize.height();
    const double crossSize = leftToRight ? options.nodeSize.height() : options.nodeSize.width();
    const double flowStep = flowSize + options.layerGap;
    const auto point = [leftToRight](double flow, double cross) {
        return leftToRight ? QPointF(flow, cross) : QPointF(cross, flow);
    };

    layout.positions.resize(n);
    layout.layer.resize(n);
    layout.edges.resize(qsizetype(edges.size()));
    std::vector<double> centre(nodeCount); // on the cross axis, final

    ComponentLayout component(options);
    EdgeList local;
    double offset = 0;
    for (size_t c = 0; c < members.size(); ++c) {
        local.clear();
        for (int e : componentEdges[c]) {
            const Edge &edge = edges[size_t(e)];
            const int tail = edge.reversed ? edge.to : edge.from;
            const int head = edge.reversed ? edge.from : edge.to;
            local.emplace_back(localIndex[size_t(tail)], localIndex[size_t(head)]);
        }
        component.run(int(members[c].size()), local);
        const double shift = offset - component.crossMin();
        offset += component.crossMax() - component.crossMin() + options.componentGap;
        layout.layerCount = std::max(layout.layerCount, component.layerCount());

        for (size_t i = 0; i < members[c].size(); ++i) {
            const int v = members[c][i];
            const int l = component.layer(int(i));
            centre[size_t(v)] = component.cross(int(i)) + shift;
            layout.layer[v] = l;
            layout.positions[v] = point(l * flowStep, centre[size_t(v)] - crossSize / 2);
        }
        for (size_t j = 0; j < componentEdges[c].size(); ++j) {
            const Edge &edge = edges[size_t(componentEdges[c][j])];
            const auto [tail, head] = local[j];
            QList<QPointF> points;
            const auto [first, last] = component.chain(int(j));
            points.reserve(2 * (last - first) + 2);
            points.append(
                point(component.layer(tail) * flowStep + flowSize, component.cross(tail) + shift));
            for (int v = first; v < last; ++v) {
                const double flow = component.layer(v) * flowStep;
                const double cross = component.cross(v) + shift;
                points.append(point(flow, cross));
                points.append(point(flow + flowSize, cross));
            }
            points.append(point(component.layer(head) * flowStep, component.cross(head) + shift));
            if (edge.reversed)
                std::reverse(points.begin(), points.end());
            layout.edges[componentEdges[c][j]] = {edge.from, edge.to, edge.reversed,
                                                  std::move(points)};
        }
        layout.crossings += component.crossings();
    }

    // Self-loops: a small loop out of the outgoing side and back.
    for (size_t e = 0; e < edges.size(); ++e) {
        const Edge &edge = edges[e];
        if (edge.from != edge.to)
            continue;
        const int v = edge.from;
        const double flow = layout.layer[v] * flowStep + flowSize;
        const double reach = options.layerGap / 3;
        const double spread = crossSize / 4;
        const double cross = centre[size_t(v)];
        layout.edges[qsizetype(e)] = {
            v,
            v,
            true,
            {point(flow, cross - spread), point(flow + reach, cross - spread),
             point(flow + reach, cross + spread), point(flow, cross + spread)}};
    }

    double right = 0;
    double bottom = 0;
    for (const QPointF &position : std::as_const(layout.positions)) {
        right = std::max(right, position.x() + options.nodeSize.width());
        bottom = std::max(bottom, position.y() + options.nodeSize.height());
    }
    for (const EdgeRoute &route : std::as_const(layout.edges)) {
        for (const QPointF &p : route.points) {
            right = std::max(right, p.x());
            bottom = std::max(bottom, p.y());
        }
    }
    layout.bounds = QRectF(0, 0, right, bottom);
    return layout;
}

qint64 countCrossings(QList<QPair<int, int>> edges)
{
    std::sort(edges.begin(), edges.end());
    std::vector<int> lower;
    lower.reserve(size_t(edges.size()));
    int lowerCount = 0;
    for (const auto &[upper, below] : std::as_const(edges)) {
        Q_ASSERT(upper >= 0 && below >= 0);
        lower.push_back(below);
        lowerCount = std::max(lowerCount, below + 1);
    }
    std::vector<int> tree;
    return countInversions(lower, lowerCount, tree);
}

} // namespace vouch::ui
