#pragma once

#include <QList>
#include <QPair>
#include <QPointF>
#include <QRectF>
#include <QSizeF>

namespace vouch::engine {
class Graph;
} // namespace vouch::engine

namespace vouch::ui {

// Layered (Sugiyama-style) layout of a reporting path: a pure function from a
// Graph to positions. It uses only QtCore value types, holds no state and
// touches nothing shared, so it may run on any thread (the graph view computes
// it on a worker and hands the result back) and in tests without a display.
//
// The flow runs along the layers: with leftToRight, layers are columns and a
// node's needs sit to its left; otherwise layers are rows, needs above.
// "Cross axis" below means the other direction (vertical for leftToRight).
struct LayoutOptions
{
    QSizeF nodeSize{200, 56};
    double layerGap = 90;     // between consecutive layers, along the flow
    double nodeGap = 24;      // between neighbours in one layer; also between
                              // long edges passing through a layer
    double componentGap = 48; // between disconnected parts, stacked on the cross axis
    int crossingSweeps = 4;   // rounds of down+up sweeps per start; 0: initial order
    bool leftToRight = true;
};

struct EdgeRoute
{
    int from = -1; // the node that is needed (upstream)
    int to = -1;   // the node that needs it (dependant)
    // True for an edge the layout turned around to break a cycle: it runs
    // against the flow, so the view can mark it.
    bool reversed = false;
    // From the outgoing side of `from` to the incoming side of `to`. A long
    // edge passes each layer it crosses through a reserved slot; it enters and
    // leaves the slot at the same cross coordinate (two points per layer), so
    // it bends only between layers, never over a node. A self-loop is a small
    // loop beside its node.
    QList<QPointF> points;
};

struct Layout
{
    QList<QPointF> positions; // top-left of each node, by graph index
    QList<int> layer;         // layer of each node, by graph index (0-based per component)
    QList<EdgeRoute> edges;   // one per graph edge, ordered by (from, to)
    QRectF bounds;            // nodes and routes; top-left at (0, 0); null if empty
    int layerCount = 0;       // of the deepest component
    qint64 crossings = 0;     // between adjacent layers, long edges counted per layer
};

// Lays out `graph`; deterministic (same graph and options, same result) and
// independent of everything but the graph's nodes and edges.
//
// Steps, for each connected component (components are then stacked along the
// cross axis in order of their first node):
//  1. cycles are broken by turning around the back edges of a depth-first
//     search (only nodes that Graph::topologicalOrder() leaves out can be on
//     one);
//  2. longest-path layering, then (in reverse topological order) each node
//     with more dependants than needs, or at the end of a single-file chain
//     from a source, moves to just before its nearest dependant: a source, or
//     an ingest -> source -> staging chain, sits right before what uses it,
//     while a check stays next to what it checks;
//  3. an edge spanning several layers becomes a chain of virtual nodes;
//  4. crossing reduction from two starts (depth-first from the sources with
//     barycenters, sweeping down first; from the sinks with medians, sweeping
//     up first): `crossingSweeps` rounds of a down and an up sweep, each
//     followed by adjacent exchanges that remove crossings; the ordering with
//     the fewest crossings is kept (ties broken by previous order);
//  5. cross coordinates by the priority method: each layer's nodes move to the
//     average of their neighbours in the adjacent layer, virtual nodes first,
//     so long edges stay straight where the space allows.
// Runs in O((V' + E') log V' x sweeps), V' and E' counting virtual nodes;
// crossings between two layers are counted with a Fenwick tree.
Layout layeredLayout(const engine::Graph &graph, const LayoutOptions &options = {});

// Crossings among edges between two ordered layers, each given as (position in
// the upper layer, position in the lower layer). O(E log E).
qint64 countCrossings(QList<QPair<int, int>> edges);

} // namespace vouch::ui
