#include "ui/graph/layeredlayout.h"

#include "engine/contract/contractloader.h"
#include "engine/graph/graph.h"
#include "support/clock.h"
#include "support/testguard.h"

#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <memory>

using vouch::engine::Graph;
using vouch::engine::NodeKind;
using namespace vouch::ui;

namespace {

// "a; b: a; c: a b" is a, then b needing a, then c needing a and b.
QList<Graph::NodeSpec> specsOf(const QString &text)
{
    QList<Graph::NodeSpec> nodes;
    for (const QString &line : text.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        Graph::NodeSpec spec;
        spec.id = line.left(colon).trimmed();
        if (colon >= 0)
            spec.needs = line.mid(colon + 1).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        nodes.append(spec);
    }
    return nodes;
}

// Each node needs one to three earlier nodes, anywhere before it.
QList<Graph::NodeSpec> randomDag(int count, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<Graph::NodeSpec> nodes;
    for (int i = 0; i < count; ++i) {
        Graph::NodeSpec spec;
        spec.id = QStringLiteral("n%1").arg(i);
        if (i > 0) {
            const int wanted = 1 + int(random.bounded(3));
            for (int k = 0; k < wanted; ++k)
                spec.needs.append(QStringLiteral("n%1").arg(random.bounded(i)));
        }
        nodes.append(spec);
    }
    return nodes;
}

// `count` nodes in layers of `width`; every node after the first layer needs
// one node of the layer before near its own place; then extra needs, mostly
// from the layer before, some from two to four layers back, until there are
// `edges` edges. Like a reporting path, only bigger.
QList<Graph::NodeSpec> layeredDag(int count, int edges, int width, quint32 seed)
{
    QRandomGenerator random(seed);
    QList<Graph::NodeSpec> nodes;
    const auto id = [](int i) { return QStringLiteral("n%1").arg(i); };
    const auto near = [&](int node, int back) {
        const int layer = node / width - back;
        const int slot = std::clamp(node % width + int(random.bounded(17)) - 8, 0, width - 1);
        return layer * width + slot;
    };
    int made = 0;
    for (int i = 0; i < count; ++i) {
        Graph::NodeSpec spec;
        spec.id = id(i);
        if (i >= width) {
            spec.needs.append(id(near(i, 1)));
            ++made;
        }
        nodes.append(spec);
    }
    while (made < edges) {
        const int node = width + int(random.bounded(count - width));
        const int layer = node / width;
        const int back = random.bounded(10) < 7 ? 1 : std::min(layer, 2 + int(random.bounded(3)));
        const QString need = id(near(node, back));
        if (!nodes[node].needs.contains(need)) {
            nodes[node].needs.append(need);
            ++made;
        }
    }
    return nodes;
}

// A spec, or "random:N:SEED" / "layered:N:EDGES:WIDTH".
Graph graphOf(const QString &spec)
{
    const QStringList parts = spec.split(QLatin1Char(':'));
    if (parts.first() == QLatin1String("random"))
        return Graph::fromSpecs(randomDag(parts.at(1).toInt(), parts.at(2).toUInt()));
    if (parts.first() == QLatin1String("layered"))
        return Graph::fromSpecs(
            layeredDag(parts.at(1).toInt(), parts.at(2).toInt(), parts.at(3).toInt(), 7));
    return Graph::fromSpecs(specsOf(spec));
}

QRectF rectOf(const Layout &layout, int node, const LayoutOptions &options)
{
    return QRectF(layout.positions.at(node), options.nodeSize);
}

// Liang–Barsky: does the segment p-q enter the interior of `rect`?
bool segmentEnters(QPointF p, QPointF q, const QRectF &rect)
{
    double t0 = 0;
    double t1 = 1;
    const auto clip = [&](double den, double num) {
        if (den == 0)
            return num > 0;
        const double t = num / den;
        if (den > 0)
            t1 = std::min(t1, t);
        else
            t0 = std::max(t0, t);
        return t0 < t1;
    };
    const double dx = q.x() - p.x();
    const double dy = q.y() - p.y();
    return clip(-dx, p.x() - rect.left()) && clip(dx, rect.right() - p.x()) &&
           clip(-dy, p.y() - rect.top()) && clip(dy, rect.bottom() - p.y());
}

bool onBoundary(QPointF p, const QRectF &rect)
{
    return rect.adjusted(-0.01, -0.01, 0.01, 0.01).contains(p) &&
           !rect.adjusted(0.01, 0.01, -0.01, -0.01).contains(p);
}

// Crossings measured on the drawing: route segments that span the same gap
// between two layers and swap order across it.
qint64 geometricCrossings(const Layout &layout, const LayoutOptions &options)
{
    const bool leftToRight = options.leftToRight;
    const double flowSize = leftToRight ? options.nodeSize.width() : options.nodeSize.height();
    const double step = flowSize + options.layerGap;
    struct Span
    {
        double start;
        double end;
    };
    QMap<double, QList<Span>> gaps; // by where the gap begins along the flow
    for (const EdgeRoute &route : layout.edges) {
        if (route.from == route.to)
            continue;
        for (qsizetype i = 0; i + 1 < route.points.size(); ++i) {
            QPointF a = route.points.at(i);
            QPointF b = route.points.at(i + 1);
            if (!leftToRight) {
                a = a.transposed();
                b = b.transposed();
            }
            if (a.x() > b.x())
                std::swap(a, b);
            if (std::abs(std::fmod(a.x(), step) - flowSize) > 0.01)
                continue; // inside a layer: a long edge passing straight through
            gaps[a.x()].append({a.y(), b.y()});
        }
    }
    qint64 crossings = 0;
    for (const QList<Span> &spans : std::as_const(gaps)) {
        for (qsizetype i = 0; i < spans.size(); ++i) {
            for (qsizetype j = i + 1; j < spans.size(); ++j) {
                if ((spans[i].start - spans[j].start) * (spans[i].end - spans[j].end) < 0)
                    ++crossings;
            }
        }
    }
    return crossings;
}

// Everything a layout says must hold whatever the graph: each node placed,
// no two nodes closer than the gaps, edges leave and enter on the nodes'
// sides and never cross another node, all inside the bounds.
void verifyGeometry(const Graph &graph, const Layout &layout, const LayoutOptions &options)
{
    const int n = graph.size();
    QCOMPARE(layout.positions.size(), n);
    QCOMPARE(layout.layer.size(), n);
    QCOMPARE(layout.edges.size(), graph.edgeCount());
    const double margin = std::min(options.nodeGap, options.layerGap) / 2 - 0.01;
    for (int i = 0; i < n; ++i) {
        const QRectF rect = rectOf(layout, i, options);
        QVERIFY(std::isfinite(rect.x()) && std::isfinite(rect.y()));
        QVERIFY2(layout.bounds.contains(rect), qPrintable(graph.id(i)));
        const QRectF padded = rect.adjusted(-margin, -margin, margin, margin);
        for (int j = i + 1; j < n; ++j) {
            QVERIFY2(!padded.intersects(
                         rectOf(layout, j, options).adjusted(-margin, -margin, margin, margin)),
                     qPrintable(graph.id(i) + QLatin1String(" overlaps ") + graph.id(j)));
        }
    }
    for (const EdgeRoute &route : layout.edges) {
        const QString name = graph.id(route.from) + QLatin1String(" -> ") + graph.id(route.to);
        QVERIFY2(route.points.size() >= 2, qPrintable(name));
        QVERIFY2(onBoundary(route.points.first(), rectOf(layout, route.from, options)),
                 qPrintable(name));
        QVERIFY2(onBoundary(route.points.last(), rectOf(layout, route.to, options)),
                 qPrintable(name));
        if (route.from == route.to)
            QVERIFY(route.reversed);
        else if (route.reversed)
            QVERIFY2(layout.layer[route.to] < layout.layer[route.from], qPrintable(name));
        else
            QVERIFY2(layout.layer[route.from] < layout.layer[route.to], qPrintable(name));
        for (const QPointF &p : route.points)
            QVERIFY2(layout.bounds.adjusted(-0.01, -0.01, 0.01, 0.01).contains(p),
                     qPrintable(name));
        for (qsizetype s = 0; s + 1 < route.points.size(); ++s) {
            for (int i = 0; i < n; ++i) {
                if (i == route.from || i == route.to)
                    continue;
                const QRectF rect = rectOf(layout, i, options).adjusted(0.5, 0.5, -0.5, -0.5);
                QVERIFY2(!segmentEnters(route.points[s], route.points[s + 1], rect),
                         qPrintable(name + QLatin1String(" crosses ") + graph.id(i)));
            }
        }
    }
}

void compareLayouts(const Layout &a, const Layout &b)
{
    QCOMPARE(a.positions, b.positions);
    QCOMPARE(a.layer, b.layer);
    QCOMPARE(a.bounds, b.bounds);
    QCOMPARE(a.crossings, b.crossings);
    QCOMPARE(a.edges.size(), b.edges.size());
    for (qsizetype i = 0; i < a.edges.size(); ++i) {
        QCOMPARE(a.edges[i].from, b.edges[i].from);
        QCOMPARE(a.edges[i].to, b.edges[i].to);
        QCOMPARE(a.edges[i].reversed, b.edges[i].reversed);
        QCOMPARE(a.edges[i].points, b.edges[i].points);
    }
}

} // namespace

class TestLayeredLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyGraph()
    {
        const Layout layout = layeredLayout(Graph());
        QVERIFY(layout.positions.isEmpty());
        QVERIFY(layout.edges.isEmpty());
        QVERIFY(layout.bounds.isNull());
        QCOMPARE(layout.layerCount, 0);
        QCOMPARE(layout.crossings, 0);
    }

    void singleNode()
    {
        const LayoutOptions options;
        const Layout layout = layeredLayout(graphOf(QStringLiteral("a")), options);
        QCOMPARE(layout.positions, QList<QPointF>{QPointF(0, 0)});
        QCOMPARE(layout.layer, QList<int>{0});
        QCOMPARE(layout.bounds, QRectF(QPointF(0, 0), options.nodeSize));
        QCOMPARE(layout.layerCount, 1);
    }

    void layering_data()
    {
        QTest::addColumn<QString>("graph");
        QTest::addColumn<QString>("expected"); // "node=layer …"

        QTest::newRow("chain") << "a; b: a; c: b"
                               << "a=0 b=1 c=2";
        QTest::newRow("diamond") << "a; b: a; c: a; d: b c"
                                 << "a=0 b=1 c=1 d=2";
        QTest::newRow("late source sits before its consumer") << "a; b: a; c: b; d: c x; x"
                                                              << "a=0 b=1 c=2 d=3 x=2";
        QTest::newRow("source with two consumers sits before the nearer")
            << "a; b: a; c: b; x; d: c x; e: a x"
            << "a=0 b=1 c=2 x=0 d=3 e=1";
        QTest::newRow("fan-out node moves towards its dependants")
            << "a; b: a; c: b; d: c; m: a; e: d m; f: d m"
            << "a=0 b=1 c=2 d=3 m=3 e=4 f=4";
        QTest::newRow("sink stays next to its need") << "a; b: a; c: b; z: a"
                                                     << "a=0 b=1 c=2 z=1";
        QTest::newRow("every source pulled, layers start at 0") << "x; y; z: x y"
                                                                << "x=0 y=0 z=1";
        QTest::newRow("brightside-like path")
            << "ingest_orders; ingest_costs; src_orders: ingest_orders; src_costs: ingest_costs; "
               "stg_orders: src_orders; int_margin: stg_orders src_costs; "
               "chk_cost: int_margin; mart: int_margin; publish: mart chk_cost"
            << "ingest_orders=0 src_orders=1 stg_orders=2 ingest_costs=1 src_costs=2 "
               "int_margin=3 chk_cost=4 mart=4 publish=5";
    }

    void layering()
    {
        QFETCH(QString, graph);
        QFETCH(QString, expected);
        const Graph g = graphOf(graph);
        const Layout layout = layeredLayout(g);
        for (const QString &pair : expected.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
            const QString node = pair.section(QLatin1Char('='), 0, 0);
            QVERIFY2(g.contains(node), qPrintable(node));
            QCOMPARE(layout.layer[g.indexOf(node)], pair.section(QLatin1Char('='), 1).toInt());
        }
        verifyGeometry(g, layout, {});
    }

    void layeringInvariants_data()
    {
        QTest::addColumn<QString>("graph");
        QTest::newRow("random 60") << "random:60:1";
        QTest::newRow("random 200") << "random:200:2";
        QTest::newRow("layered 400") << "layered:400:600:20";
    }

    // Every edge points forward; every source sits right before its nearest
    // consumer; the first layer of each component is used.
    void layeringInvariants()
    {
        QFETCH(QString, graph);
        const Graph g = graphOf(graph);
        const Layout layout = layeredLayout(g);
        int first = std::numeric_limits<int>::max();
        for (int v = 0; v < g.size(); ++v) {
            first = std::min(first, layout.layer[v]);
            for (int u : g.needs(v))
                QVERIFY(layout.layer[u] < layout.layer[v]);
            if (g.needs(v).isEmpty() && !g.dependants(v).isEmpty()) {
                int nearest = std::numeric_limits<int>::max();
                for (int w : g.dependants(v))
                    nearest = std::min(nearest, layout.layer[w]);
                QCOMPARE(layout.layer[v], nearest - 1);
            }
        }
        QCOMPARE(first, 0);
    }

    void noOverlap_data()
    {
        QTest::addColumn<QString>("graph");
        QTest::addColumn<bool>("leftToRight");
        for (bool leftToRight : {true, false}) {
            const char *suffix = leftToRight ? " left-to-right" : " top-to-bottom";
            const auto row = [&](const char *name, const char *graph) {
                QTest::newRow(qPrintable(QLatin1String(name) + QLatin1String(suffix)))
                    << QString::fromLatin1(graph) << leftToRight;
            };
            row("wide fan-out", "r; a: r; b: r; c: r; d: r; e: r; f: r; g: r; z: a b c d e f g");
            row("long edges past a wide layer",
                "s; a: s; b: s; c: s; d: s; a2: a; b2: b; c2: c; d2: d; t: a2 b2 c2 d2 s; u: s t");
            row("components", "a; b: a; c; d: c; e; f: a c");
            row("random 60", "random:60:3");
            row("random 150", "random:150:4");
            row("layered 300", "layered:300:450:15");
            row("cycle with tails", "s; a: s c; b: a; c: b; t: c; u: t u");
        }
    }

    void noOverlap()
    {
        QFETCH(QString, graph);
        QFETCH(bool, leftToRight);
        LayoutOptions options;
        options.leftToRight = leftToRight;
        const Graph g = graphOf(graph);
        const Layout layout = layeredLayout(g, options);
        verifyGeometry(g, layout, options);
        // Layers run along the flow.
        for (int v = 0; v < g.size(); ++v) {
            for (int u : g.needs(v)) {
                const QPointF a = layout.positions[u];
                const QPointF b = layout.positions[v];
                if (layout.layer[u] < layout.layer[v])
                    QVERIFY(leftToRight ? a.x() < b.x() : a.y() < b.y());
            }
        }
    }

    void longEdgesStraight_data()
    {
        QTest::addColumn<QString>("graph");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<bool>("leftToRight");
        QTest::newRow("diamond with a long edge") << "a; b: a; c: b; d: c a"
                                                  << "a"
                                                  << "d" << true;
        QTest::newRow("diamond with a long edge, top-to-bottom") << "a; b: a; c: b; d: c a"
                                                                 << "a"
                                                                 << "d" << false;
        QTest::newRow("long edge past a wide layer")
            << "s; a: s; b: s; c: s; a2: a; b2: b; c2: c; t: a2 b2 c2 s"
            << "s"
            << "t" << true;
        QTest::newRow("two long edges from one node") << "a; b: a; c: b; d: c; e: d a; f: e a"
                                                      << "a"
                                                      << "f" << true;
        QTest::newRow("long edge from the middle of a path") << "a; b: a; c: b; d: c; e: d b; f: e"
                                                             << "b"
                                                             << "e" << true;
    }

    // The virtual nodes of a long edge share one cross coordinate: the edge
    // runs straight through the layers it crosses.
    void longEdgesStraight()
    {
        QFETCH(QString, graph);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(bool, leftToRight);
        LayoutOptions options;
        options.leftToRight = leftToRight;
        const Graph g = graphOf(graph);
        const Layout layout = layeredLayout(g, options);
        verifyGeometry(g, layout, options);
        const auto route = std::find_if(layout.edges.begin(), layout.edges.end(), [&](auto &r) {
            return r.from == g.indexOf(from) && r.to == g.indexOf(to);
        });
        QVERIFY(route != layout.edges.end());
        const int span = layout.layer[route->to] - layout.layer[route->from];
        QCOMPARE(route->points.size(), 2 + 2 * (span - 1));
        const auto cross = [&](QPointF p) { return leftToRight ? p.y() : p.x(); };
        for (qsizetype i = 2; i + 1 < route->points.size(); ++i)
            QCOMPARE(cross(route->points[i]), cross(route->points[1]));
    }

    void crossingsReachZero_data()
    {
        QTest::addColumn<QString>("graph");
        QTest::newRow("out-tree")
            << "r; a: r; b: r; c: r; a1: a; a2: a; b1: b; b2: b; c1: c; c2: c; a11: a1; b21: b2";
        QTest::newRow("in-tree")
            << "a1; a2; b1; b2; c1; c2; a: a1 a2; b: b1 b2; c: c1 c2; r: a b c";
        QTest::newRow("two chains interleaved")
            << "a1; b1; a2: a1; b2: b1; a3: a2; b3: b2; a4: a3; b4: b3";
        QTest::newRow("matching in scrambled order") << "a1; a2; a3; b1: a3; b2: a1; b3: a2";
        QTest::newRow("ladder listed backwards")
            << "a1; b1: a1; a2: a1; b2: a2 b1; a3: a2; b3: a3 b2; c3: b1";
        QTest::newRow("chain with a long edge in the middle")
            << "a; b: a; c: b; d: c; e: d; f: e b; g: f; h: a";
    }

    void crossingsReachZero()
    {
        QFETCH(QString, graph);
        const Graph g = graphOf(graph);
        const Layout layout = layeredLayout(g);
        verifyGeometry(g, layout, {});
        QCOMPARE(layout.crossings, 0);
        QCOMPARE(geometricCrossings(layout, {}), 0);
    }

    void crossingsMatchTheDrawing_data()
    {
        QTest::addColumn<QString>("graph");
        QTest::addColumn<bool>("leftToRight");
        QTest::newRow("random 40") << "random:40:5" << true;
        QTest::newRow("random 120") << "random:120:6" << true;
        QTest::newRow("random 120 top-to-bottom") << "random:120:6" << false;
        QTest::newRow("layered 500") << "layered:500:800:25" << true;
        QTest::newRow("with cycles") << "a: c; b: a; c: b d; d: a; e: b c; f: e a" << true;
    }

    // The count the layout reports is the count on screen.
    void crossingsMatchTheDrawing()
    {
        QFETCH(QString, graph);
        QFETCH(bool, leftToRight);
        LayoutOptions options;
        options.leftToRight = leftToRight;
        const Layout layout = layeredLayout(graphOf(graph), options);
        QCOMPARE(layout.crossings, geometricCrossings(layout, options));
    }

    void crossingsReduced()
    {
        // The sweeps must do clearly better than the initial (depth-first)
        // order. Random local needs leave many crossings that no order
        // avoids (the generator's own order has more than the sweeps reach).
        const Graph g = graphOf(QStringLiteral("layered:2000:3000:50"));
        LayoutOptions none;
        none.crossingSweeps = 0;
        const Layout unswept = layeredLayout(g, none);
        const Layout swept = layeredLayout(g);
        QVERIFY2(
            swept.crossings * 4 < unswept.crossings * 3,
            qPrintable(QStringLiteral("%1 vs %2").arg(swept.crossings).arg(unswept.crossings)));
    }

    void countCrossings_data()
    {
        QTest::addColumn<int>("seed");
        for (int seed = 1; seed <= 8; ++seed)
            QTest::newRow(qPrintable(QString::number(seed))) << seed;
    }

    void countCrossings()
    {
        QFETCH(int, seed);
        QRandomGenerator random{quint32(seed)};
        QList<QPair<int, int>> edges;
        const int count = 10 + int(random.bounded(200));
        for (int i = 0; i < count; ++i)
            edges.append({int(random.bounded(30)), int(random.bounded(30))});
        qint64 expected = 0;
        for (qsizetype i = 0; i < edges.size(); ++i) {
            for (qsizetype j = i + 1; j < edges.size(); ++j) {
                const auto [a, b] = edges[i];
                const auto [c, d] = edges[j];
                if ((a < c && b > d) || (a > c && b < d))
                    ++expected;
            }
        }
        QCOMPARE(vouch::ui::countCrossings(edges), expected);
        QCOMPARE(vouch::ui::countCrossings({}), 0);
    }

    void deterministic()
    {
        const QList<Graph::NodeSpec> specs = randomDag(300, 11);
        const Graph g = Graph::fromSpecs(specs);
        const Layout first = layeredLayout(g);
        compareLayouts(layeredLayout(g), first);

        // On a worker thread, as the graph view will run it.
        Layout threaded;
        std::unique_ptr<QThread> worker(QThread::create([&] { threaded = layeredLayout(g); }));
        worker->start();
        QVERIFY(vouch::test::joins(worker.get(), 30000));
        compareLayouts(threaded, first);
    }

    // The layout reads only nodes and edges: when what a node shows changes
    // (its state, kind, tags, group), it stays where it is.
    void stableWhenOnlyNodeDetailsChange()
    {
        QList<Graph::NodeSpec> specs = randomDag(200, 12);
        const Layout before = layeredLayout(Graph::fromSpecs(specs));
        for (qsizetype i = 0; i < specs.size(); ++i) {
            specs[i].kind = i % 2 ? NodeKind::Check : NodeKind::Command;
            specs[i].tags = {QStringLiteral("t%1").arg(i % 3)};
            specs[i].group = QStringLiteral("g%1").arg(i % 4);
        }
        compareLayouts(layeredLayout(Graph::fromSpecs(specs)), before);
    }

    void cycles_data()
    {
        QTest::addColumn<QString>("graph");
        QTest::addColumn<int>("reversed"); // edges turned around
        QTest::newRow("two-cycle") << "a: b; b: a" << 1;
        QTest::newRow("three-cycle") << "a: c; b: a; c: b" << 1;
        QTest::newRow("self-loop") << "a: a" << 1;
        QTest::newRow("self-loop in a path") << "s; a: s a; t: a" << 1;
        QTest::newRow("cycle fed and feeding") << "s; a: s c; b: a; c: b; t: c; u: t" << 1;
        QTest::newRow("two cycles sharing a node") << "a: b c; b: a; c: a; d: c" << 2;
        QTest::newRow("everything downstream of a cycle")
            << "a: b; b: a; c: a; d: c; e: d b; f: e" << 1;
    }

    void cycles()
    {
        QFETCH(QString, graph);
        QFETCH(int, reversed);
        const Graph g = graphOf(graph);
        QVERIFY(!g.isAcyclic());
        const Layout layout = layeredLayout(g);
        verifyGeometry(g, layout, {});
        const auto turned = std::count_if(layout.edges.begin(), layout.edges.end(),
                                          [](const EdgeRoute &r) { return r.reversed; });
        QCOMPARE(int(turned), reversed);
    }

    void componentsAreStacked()
    {
        const LayoutOptions options;
        const Graph g = graphOf(QStringLiteral("a; b: a; c; d: c; e; x: y; y"));
        const Layout layout = layeredLayout(g, options);
        verifyGeometry(g, layout, options);
        // Each component starts at the first layer, below the one before it,
        // in order of first node.
        const QList<QList<QString>> components = {{"a", "b"}, {"c", "d"}, {"e"}, {"x", "y"}};
        double previousBottom = -options.componentGap; // the first starts at 0
        for (const QList<QString> &component : components) {
            double top = std::numeric_limits<double>::max();
            double bottom = 0;
            int first = std::numeric_limits<int>::max();
            for (const QString &id : component) {
                const QRectF rect = rectOf(layout, g.indexOf(id), options);
                top = std::min(top, rect.top());
                bottom = std::max(bottom, rect.bottom());
                first = std::min(first, layout.layer[g.indexOf(id)]);
            }
            QCOMPARE(first, 0);
            QVERIFY(top >= previousBottom + options.componentGap - 0.01);
            previousBottom = bottom;
        }
        QCOMPARE(layout.bounds.top(), 0.0);
        QCOMPARE(layout.bounds.left(), 0.0);
    }

    void optionsAreHonoured()
    {
        LayoutOptions options;
        options.nodeSize = QSizeF(120, 40);
        options.layerGap = 60;
        options.nodeGap = 10;
        const Graph g = graphOf(QStringLiteral("a; b: a; c: a; d: b c"));
        const Layout layout = layeredLayout(g, options);
        verifyGeometry(g, layout, options);
        QCOMPARE(layout.positions[g.indexOf(QStringLiteral("b"))].x(), 180.0);
        QCOMPARE(layout.positions[g.indexOf(QStringLiteral("d"))].x(), 360.0);
        const double bY = layout.positions[g.indexOf(QStringLiteral("b"))].y();
        const double cY = layout.positions[g.indexOf(QStringLiteral("c"))].y();
        QCOMPARE(std::abs(bY - cY), 50.0); // packed: height + gap
        // a is centred on b and c.
        QCOMPARE(layout.positions[g.indexOf(QStringLiteral("a"))].y(), (bY + cY) / 2);
    }

    // The shipped example: every check sits right after what it checks
    // (checks are not dragged towards the publish step).
    void brightsideDemo()
    {
        const auto loaded = vouch::engine::ContractLoader::loadFile(
            QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml"));
        QVERIFY(loaded.ok());
        const Graph g = Graph::fromContract(*loaded.contract);
        const Layout layout = layeredLayout(g);
        verifyGeometry(g, layout, {});
        QCOMPARE(geometricCrossings(layout, {}), layout.crossings);
        for (int v = 0; v < g.size(); ++v) {
            if (g.kind(v) != NodeKind::Check || g.needs(v).isEmpty())
                continue;
            int latest = 0;
            for (int u : g.needs(v))
                latest = std::max(latest, layout.layer[u]);
            QCOMPARE(layout.layer[v], latest + 1);
        }
        qInfo("Brightside: %d nodes, %d layers, %lld crossings", int(g.size()), layout.layerCount,
              layout.crossings);
    }

    // 10,000 nodes, 15,000 edges: lays out correctly. Its speed is the
    // benchmark's business (tests/bench/bench_layout.cpp), not a test's.
    void largeGraph()
    {
        const LayoutOptions options;
        const Graph g = graphOf(QStringLiteral("layered:10000:15000:100"));
        QCOMPARE(g.size(), 10000);
        QCOMPARE(g.edgeCount(), 15000);
        const Layout layout = layeredLayout(g, options);
        QCOMPARE(layout.positions.size(), 10000);
        QCOMPARE(layout.edges.size(), 15000);
        for (int v = 0; v < g.size(); ++v) {
            for (int u : g.needs(v))
                QVERIFY(layout.layer[u] < layout.layer[v]);
        }
        // Within each layer, nodes keep their distance.
        QMap<int, QList<double>> tops;
        for (int v = 0; v < g.size(); ++v)
            tops[layout.layer[v]].append(layout.positions[v].y());
        for (QList<double> &column : tops) {
            std::sort(column.begin(), column.end());
            for (qsizetype i = 1; i < column.size(); ++i)
                QVERIFY(column[i] - column[i - 1] >=
                        options.nodeSize.height() + options.nodeGap - 0.01);
        }
        QVERIFY(layout.bounds.contains(QRectF(layout.positions.first(), options.nodeSize)));
        qInfo("10,000 nodes: %d layers, %lld crossings, bounds %.0f x %.0f", layout.layerCount,
              layout.crossings, layout.bounds.width(), layout.bounds.height());
    }
};

VOUCH_TEST_GUILESS_MAIN(TestLayeredLayout)
#include "tst_layeredlayout.moc"
