#include "engine/graph/graph.h"

#include "reportingpath.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::engine;
using vouch::engine::test::reportingPath;
using vouch::engine::test::words;

namespace {

// "a: b c" is node a needing b and c; kind, tags and group are left empty.
Graph graphOf(const QStringList &lines)
{
    QList<Graph::NodeSpec> nodes;
    for (const QString &line : lines) {
        const qsizetype colon = line.indexOf(QLatin1Char(':'));
        Graph::NodeSpec spec;
        spec.id = line.left(colon).trimmed();
        if (colon >= 0)
            spec.needs = words(line.mid(colon + 1));
        nodes.append(spec);
    }
    return Graph::fromSpecs(nodes);
}

Graph::NodeSpec specOf(const QString &id, const QStringList &needs, NodeKind kind = NodeKind::Noop)
{
    Graph::NodeSpec spec;
    spec.id = id;
    spec.needs = needs;
    spec.kind = kind;
    return spec;
}

QStringList idsOf(const Graph &graph, const QStringList &names)
{
    QStringList ids;
    for (const QString &name : names) {
        Q_ASSERT(graph.contains(name));
        ids.append(graph.id(graph.indexOf(name)));
    }
    return ids;
}

QList<int> indicesOf(const Graph &graph, const QStringList &names)
{
    QList<int> indices;
    for (const QString &name : names)
        indices.append(graph.indexOf(name));
    return indices;
}

} // namespace

class TestGraph : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void structure()
    {
        const Graph graph = reportingPath();
        QCOMPARE(graph.size(), 13);
        QCOMPARE(graph.edgeCount(), 13);
        QCOMPARE(graph.id(0), QStringLiteral("ingest_shopify"));
        QCOMPARE(graph.indexOf(QStringLiteral("src_sku_costs")), 12);
        QCOMPARE(graph.indexOf(QStringLiteral("nope")), -1);
        QVERIFY(graph.contains(QStringLiteral("publish")));
        QVERIFY(!graph.contains(QStringLiteral("Publish")));

        const int margin = graph.indexOf(QStringLiteral("int_order_margin"));
        QCOMPARE(graph.ids(graph.needs(margin)), words(QStringLiteral("stg_orders src_sku_costs")));
        const int stg = graph.indexOf(QStringLiteral("stg_orders"));
        QCOMPARE(graph.ids(graph.dependants(stg)),
                 words(QStringLiteral("int_order_margin mart_revenue mart_marketing")));
        QCOMPARE(toString(graph.kind(margin)), toString(NodeKind::Sql));
        QCOMPARE(toString(graph.kind(graph.indexOf(QStringLiteral("publish")))),
                 toString(NodeKind::Publish));
        QCOMPARE(graph.tags(1), words(QStringLiteral("shopify finance")));
        QCOMPARE(graph.group(margin), QStringLiteral("intermediate"));

        QCOMPARE(graph.tagNames(), words(QStringLiteral("shopify finance marketing daily")));
        QCOMPARE(graph.groupNames(),
                 words(QStringLiteral("ingest sources staging intermediate marts checks publish")));
        QCOMPARE(graph.ids(graph.nodesWithTag(QStringLiteral("daily"))),
                 words(QStringLiteral("mart_revenue chk_revenue_total")));
        QCOMPARE(graph.ids(graph.nodesInGroup(QStringLiteral("sources"))),
                 words(QStringLiteral("src_shopify_orders src_ad_spend src_sku_costs")));
        QVERIFY(graph.nodesWithTag(QStringLiteral("nope")).isEmpty());

        QCOMPARE(graph.sectionIds(), words(QStringLiteral("revenue margin marketing")));
        QVERIFY(graph.hasSection(QStringLiteral("margin")));
        QVERIFY(!graph.hasSection(QStringLiteral("cash")));
        QCOMPARE(graph.ids(graph.sectionNeeds(QStringLiteral("revenue"))),
                 words(QStringLiteral("mart_revenue chk_revenue_total")));
        QVERIFY(graph.sectionNeeds(QStringLiteral("cash")).isEmpty());
    }

    void emptyGraph()
    {
        const Graph graph;
        QCOMPARE(graph.size(), 0);
        QVERIFY(graph.isAcyclic());
        QVERIFY(graph.topologicalOrder().isEmpty());
        QVERIFY(graph.findCycle().isEmpty());
        QVERIFY(graph.upstream({}).isEmpty());
    }

    void tolerance()
    {
        // Unknown needs are ignored, repeated needs are one edge, a repeated
        // tag tags once, and the first of two nodes sharing an id wins.
        Graph::NodeSpec a{
            QStringLiteral("a"), {}, words(QStringLiteral("x x")), NodeKind::Noop, {}};
        Graph::NodeSpec b{
            QStringLiteral("b"), words(QStringLiteral("a ghost a")), {}, NodeKind::Noop, {}};
        Graph::NodeSpec again{
            QStringLiteral("a"), words(QStringLiteral("b")), {}, NodeKind::Noop, {}};
        const Graph graph = Graph::fromSpecs(
            {a, b, again}, {{QStringLiteral("s"), words(QStringLiteral("ghost b"))}});
        QCOMPARE(graph.size(), 3);
        QCOMPARE(graph.indexOf(QStringLiteral("a")), 0);
        QCOMPARE(graph.needs(1), QList<int>{0});
        QCOMPARE(graph.dependants(0), QList<int>{1});
        QCOMPARE(graph.edgeCount(), 2);
        QCOMPARE(graph.nodesWithTag(QStringLiteral("x")), QList<int>{0});
        QCOMPARE(graph.sectionNeeds(QStringLiteral("s")), QList<int>{1});
        // The duplicate (index 2) needs b: a cycle-free chain a -> b -> a(2).
        QCOMPARE(graph.topologicalOrder(), (QList<int>{0, 1, 2}));
    }

    void topologicalOrder_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::addColumn<QStringList>("order");
        QTest::addColumn<QStringList>("cycle");

        QTest::newRow("single") << QStringList{"a"} << words("a") << QStringList();
        QTest::newRow("independent nodes keep file order")
            << QStringList{"c", "b", "a"} << words("c b a") << QStringList();
        QTest::newRow("chain listed backwards")
            << QStringList{"a: b", "b: c", "c"} << words("c b a") << QStringList();
        QTest::newRow("diamond, ready nodes by file index")
            << QStringList{"d: b c", "c: a", "b: a", "a"} << words("a c b d") << QStringList();
        QTest::newRow("lowest ready index first, not depth first")
            << QStringList{"b: a", "c", "a"} << words("c a b") << QStringList();
        QTest::newRow("unknown need ignored")
            << QStringList{"a: ghost", "b: a"} << words("a b") << QStringList();
        QTest::newRow("repeated need")
            << QStringList{"a", "b: a a"} << words("a b") << QStringList();
        QTest::newRow("self loop") << QStringList{"a: a", "b"} << words("b") << words("a a");
        QTest::newRow("two-node cycle")
            << QStringList{"a: b", "b: a", "c"} << words("c") << words("a b a");
        QTest::newRow("cycle with a tail downstream")
            << QStringList{"a", "b: a d", "c: b", "d: c", "e: d"} << words("a") << words("b d c b");
        QTest::newRow("first left-out node is not on the cycle")
            << QStringList{"e: c", "a", "c: d", "d: c"} << words("a") << words("c d c");
        QTest::newRow("cycle starts at its lowest index")
            << QStringList{"x: c", "a: c", "b: a", "c: b"} << QStringList() << words("a c b a");
    }

    void topologicalOrder()
    {
        QFETCH(QStringList, lines);
        QFETCH(QStringList, order);
        QFETCH(QStringList, cycle);
        const Graph graph = graphOf(lines);
        QCOMPARE(graph.ids(graph.topologicalOrder()), order);
        QCOMPARE(graph.isAcyclic(), cycle.isEmpty());
        QCOMPARE(graph.findCycle(), cycle);
    }

    void reportingPathOrder()
    {
        const Graph graph = reportingPath();
        QVERIFY(graph.isAcyclic());
        QCOMPARE(graph.ids(graph.topologicalOrder()),
                 words("ingest_shopify src_shopify_orders stg_orders ingest_ads src_ad_spend "
                       "stg_ad_spend mart_revenue mart_marketing chk_revenue_total src_sku_costs "
                       "int_order_margin chk_sku_cost_mapped publish"));
        QCOMPARE(graph.ids(graph.sortedTopologically(indicesOf(
                     graph, words("publish src_sku_costs ingest_shopify src_sku_costs")))),
                 words("ingest_shopify src_sku_costs src_sku_costs publish"));
    }

    void closures_data()
    {
        QTest::addColumn<QStringList>("seeds");
        QTest::addColumn<bool>("up");
        QTest::addColumn<int>("depth");
        QTest::addColumn<QStringList>("expected");

        QTest::newRow("no seeds") << QStringList() << true << -1 << QStringList();
        QTest::newRow("root upstream is itself")
            << words("ingest_ads") << true << -1 << words("ingest_ads");
        QTest::newRow("leaf downstream is itself")
            << words("publish") << false << -1 << words("publish");
        QTest::newRow("depth 0 is the seeds")
            << words("publish stg_orders") << true << 0 << words("stg_orders publish");
        QTest::newRow("all ancestors")
            << words("int_order_margin") << true << -1
            << words("ingest_shopify src_shopify_orders stg_orders src_sku_costs "
                     "int_order_margin");
        QTest::newRow("ancestors depth 1") << words("int_order_margin") << true << 1
                                           << words("stg_orders src_sku_costs int_order_margin");
        QTest::newRow("ancestors depth 3 of publish")
            << words("publish") << true << 3
            << words("stg_orders mart_revenue chk_revenue_total src_sku_costs int_order_margin "
                     "chk_sku_cost_mapped publish");
        QTest::newRow("all descendants")
            << words("stg_ad_spend") << false << -1 << words("stg_ad_spend mart_marketing");
        QTest::newRow("descendants depth 1")
            << words("stg_orders") << false << 1
            << words("stg_orders mart_revenue mart_marketing int_order_margin");
        QTest::newRow("descendants of two seeds, shared once")
            << words("src_sku_costs mart_revenue") << false << -1
            << words("mart_revenue chk_revenue_total src_sku_costs int_order_margin "
                     "chk_sku_cost_mapped publish");
        QTest::newRow("depth counts from the nearest seed")
            << words("chk_revenue_total stg_orders") << false << 1
            << words("stg_orders mart_revenue mart_marketing chk_revenue_total "
                     "int_order_margin publish");
        QTest::newRow("duplicate seeds") << words("publish publish") << true << 1
                                         << words("chk_revenue_total chk_sku_cost_mapped publish");
    }

    void closures()
    {
        QFETCH(QStringList, seeds);
        QFETCH(bool, up);
        QFETCH(int, depth);
        QFETCH(QStringList, expected);
        const Graph graph = reportingPath();
        const QList<int> indices = indicesOf(graph, seeds);
        const QList<int> result =
            up ? graph.upstream(indices, depth) : graph.downstream(indices, depth);
        QCOMPARE(graph.ids(result), idsOf(graph, expected));
    }

    void closuresThroughCycles()
    {
        // Closures stop at visited nodes, so cycles are harmless; the cyclic
        // part sorts after the acyclic part, in file order.
        const Graph graph = graphOf({"c: b", "b: c a", "a", "d: c"});
        QCOMPARE(graph.ids(graph.upstream({3})), words("a c b d"));
        QCOMPARE(graph.ids(graph.downstream({2})), words("a c b d"));
        QCOMPARE(graph.findCycle(), words("c b c"));
    }

    // What a section rests on: its needs, their ancestors and the checks
    // attached to them (every need of the check among those), a check on
    // such a check too; not a check that also needs something off the path.
    void restsOnTakesAttachedChecks()
    {
        QList<Graph::NodeSpec> nodes;
        auto add = [&](const char *id, const char *needs, NodeKind kind = NodeKind::Sql) {
            nodes.append(specOf(QString::fromLatin1(id), words(QString::fromLatin1(needs)), kind));
        };
        add("chk_on_chk", "chk_orders stg_orders", NodeKind::Check); // listed first on purpose
        add("src", "", NodeKind::Freshness);
        add("stg_orders", "src");
        add("stg_fx", "src");
        add("mart", "stg_orders");
        add("chk_orders", "stg_orders", NodeKind::Check);
        add("chk_fx", "stg_orders stg_fx", NodeKind::Check);
        add("chk_mart", "mart", NodeKind::Check);
        add("chk_nothing", "", NodeKind::Check);
        add("model_after_check", "chk_orders");
        const Graph graph = Graph::fromSpecs(nodes, {{QStringLiteral("margin"), words("mart")}});
        // Topological order; chk_fx needs stg_fx, which margin does not rest
        // on; a model after a check is downstream, not attached.
        QCOMPARE(graph.ids(graph.sectionRestsOn(QStringLiteral("margin"))),
                 words("src stg_orders mart chk_orders chk_on_chk chk_mart"));
        QCOMPARE(graph.ids(graph.restsOn(indicesOf(graph, words("stg_orders stg_fx")))),
                 words("src stg_orders stg_fx chk_orders chk_on_chk chk_fx"));
        // Nothing is attached to a node without everything it needs.
        QCOMPARE(graph.ids(graph.restsOn(indicesOf(graph, words("src")))), words("src"));
        QVERIFY(graph.sectionRestsOn(QStringLiteral("unknown")).isEmpty());
        // Through a cycle: closures stop at visited nodes.
        const Graph cyclic = Graph::fromSpecs(
            {specOf(QStringLiteral("a"), words("b")), specOf(QStringLiteral("b"), words("a")),
             specOf(QStringLiteral("chk"), words("a b"), NodeKind::Check)});
        QCOMPARE(cyclic.ids(cyclic.restsOn({0})), words("a b chk"));
    }

    // Many sections over a wide graph: each takes time in what it rests on.
    void restsOnLargeGraph()
    {
        const int models = 20'000;
        QList<Graph::NodeSpec> nodes;
        for (int i = 0; i < models; ++i) {
            nodes.append(specOf(QStringLiteral("m%1").arg(i),
                                i ? QStringList{QStringLiteral("m%1").arg(i - 1)} : QStringList{}));
            nodes.append(specOf(QStringLiteral("t%1").arg(i), {QStringLiteral("m%1").arg(i)},
                                NodeKind::Check));
        }
        const Graph graph = Graph::fromSpecs(nodes);
        QCOMPARE(graph.restsOn({graph.indexOf(QStringLiteral("m19999"))}).size(), 2 * models);
        QCOMPARE(graph.restsOn({graph.indexOf(QStringLiteral("m9"))}).size(), 20);
    }

    void fromContract()
    {
        Contract contract;
        Node ingest;
        ingest.id = QStringLiteral("ingest");
        ingest.kind = NodeKind::Command;
        ingest.tags = words("raw");
        ingest.group = QStringLiteral("sources");
        Node check;
        check.id = QStringLiteral("chk");
        check.kind = NodeKind::Check;
        check.needs = words("ingest missing");
        contract.nodes = {check, ingest};
        Section revenue;
        revenue.id = QStringLiteral("revenue");
        revenue.needs = words("chk");
        contract.report.sections = {revenue};

        const Graph graph = Graph::fromContract(contract);
        QCOMPARE(graph.ids(), words("chk ingest"));
        QCOMPARE(graph.needs(0), QList<int>{1});
        QCOMPARE(graph.dependants(1), QList<int>{0});
        QCOMPARE(toString(graph.kind(0)), toString(NodeKind::Check));
        QCOMPARE(toString(graph.kind(1)), toString(NodeKind::Command));
        QCOMPARE(graph.tags(1), words("raw"));
        QCOMPARE(graph.group(1), QStringLiteral("sources"));
        QCOMPARE(graph.sectionIds(), words("revenue"));
        QCOMPARE(graph.sectionNeeds(QStringLiteral("revenue")), QList<int>{0});
        QCOMPARE(graph.ids(graph.topologicalOrder()), words("ingest chk"));
    }

    // Large graphs must not recurse or go quadratic; this would take minutes or
    // overflow the stack otherwise. (Speed is measured in tests/bench, not here.)
    void largeChainListedBackwards()
    {
        const int n = 100'000;
        QList<Graph::NodeSpec> nodes(n);
        for (int i = 0; i < n; ++i) {
            nodes[i].id = QStringLiteral("n%1").arg(i);
            if (i + 1 < n)
                nodes[i].needs = {QStringLiteral("n%1").arg(i + 1)};
        }
        const Graph graph = Graph::fromSpecs(nodes);
        QVERIFY(graph.isAcyclic());
        const QList<int> order = graph.topologicalOrder();
        QCOMPARE(order.size(), n);
        QCOMPARE(order.first(), n - 1);
        QCOMPARE(order.last(), 0);
        QCOMPARE(graph.upstream({0}).size(), n);
        QCOMPARE(graph.upstream({0}).first(), n - 1);
        QCOMPARE(graph.downstream({n - 1}, 10).size(), 11);
        QVERIFY(graph.findCycle().isEmpty());
    }

    void largeRing()
    {
        const int n = 100'000;
        QList<Graph::NodeSpec> nodes(n);
        for (int i = 0; i < n; ++i) {
            nodes[i].id = QStringLiteral("n%1").arg(i);
            nodes[i].needs = {QStringLiteral("n%1").arg((i + 1) % n)};
        }
        const Graph graph = Graph::fromSpecs(nodes);
        QVERIFY(graph.topologicalOrder().isEmpty());
        const QStringList cycle = graph.findCycle();
        QCOMPARE(cycle.size(), n + 1);
        QCOMPARE(cycle.first(), QStringLiteral("n0"));
        QCOMPARE(cycle.at(1), QStringLiteral("n1"));
        QCOMPARE(cycle.last(), QStringLiteral("n0"));
        QCOMPARE(graph.downstream({0}).size(), n);
    }

    void largeFanOut()
    {
        const int n = 100'000;
        QList<Graph::NodeSpec> nodes(n);
        nodes[0].id = QStringLiteral("hub");
        for (int i = 1; i < n; ++i) {
            nodes[i].id = QStringLiteral("leaf%1").arg(i);
            nodes[i].needs = {QStringLiteral("hub")};
        }
        const Graph graph = Graph::fromSpecs(nodes);
        QCOMPARE(graph.dependants(0).size(), n - 1);
        QCOMPARE(graph.downstream({0}).size(), n);
        QCOMPARE(graph.upstream({n - 1}), (QList<int>{0, n - 1}));
        QCOMPARE(graph.topologicalOrder().size(), n);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
