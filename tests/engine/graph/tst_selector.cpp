#include "engine/graph/graph.h"
#include "engine/graph/selector.h"
#include "engine/util/suggest.h"

#include "reportingpath.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::engine;
using vouch::engine::test::reportingPath;
using vouch::engine::test::words;

class TestSelector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void select_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("expected"); // ids in topological order

        // clang-format off
        QTest::newRow("node") << "stg_orders" << "stg_orders";
        QTest::newRow("all ancestors") << "+stg_orders"
            << "ingest_shopify src_shopify_orders stg_orders";
        QTest::newRow("all descendants") << "stg_orders+"
            << "stg_orders mart_revenue mart_marketing chk_revenue_total int_order_margin "
               "chk_sku_cost_mapped publish";
        QTest::newRow("descendants depth 1") << "stg_orders+1"
            << "stg_orders mart_revenue mart_marketing int_order_margin";
        QTest::newRow("descendants depth 1 of a sink") << "mart_revenue+1"
            << "mart_revenue chk_revenue_total";
        QTest::newRow("ancestors depth 1") << "1+mart_marketing"
            << "stg_orders stg_ad_spend mart_marketing";
        QTest::newRow("ancestors depth 2") << "2+mart_revenue"
            << "src_shopify_orders stg_orders mart_revenue";
        QTest::newRow("ancestors depth 3") << "3+publish"
            << "stg_orders mart_revenue chk_revenue_total src_sku_costs int_order_margin "
               "chk_sku_cost_mapped publish";
        QTest::newRow("both directions") << "+chk_revenue_total+"
            << "ingest_shopify src_shopify_orders stg_orders mart_revenue chk_revenue_total publish";
        QTest::newRow("both directions, limited") << "1+mart_revenue+1"
            << "stg_orders mart_revenue chk_revenue_total";
        QTest::newRow("at: descendants and their ancestors") << "@stg_ad_spend"
            << "ingest_shopify src_shopify_orders stg_orders ingest_ads src_ad_spend stg_ad_spend "
               "mart_marketing";
        QTest::newRow("plus-plus is narrower than at") << "+stg_ad_spend+"
            << "ingest_ads src_ad_spend stg_ad_spend mart_marketing";
        QTest::newRow("tag") << "tag:marketing"
            << "ingest_ads src_ad_spend stg_ad_spend mart_marketing";
        QTest::newRow("tag with ancestors") << "+tag:daily"
            << "ingest_shopify src_shopify_orders stg_orders mart_revenue chk_revenue_total";
        QTest::newRow("kind") << "kind:check" << "chk_revenue_total chk_sku_cost_mapped";
        QTest::newRow("kind listed last in file") << "kind:freshness"
            << "src_shopify_orders src_ad_spend src_sku_costs";
        QTest::newRow("valid kind, no nodes") << "kind:noop" << "";
        QTest::newRow("group") << "group:staging" << "stg_orders stg_ad_spend";
        QTest::newRow("section: needs and all ancestors") << "section:revenue"
            << "ingest_shopify src_shopify_orders stg_orders mart_revenue chk_revenue_total";
        QTest::newRow("section across branches") << "section:margin"
            << "ingest_shopify src_shopify_orders stg_orders src_sku_costs int_order_margin "
               "chk_sku_cost_mapped";
        QTest::newRow("section with ancestors is the same") << "+section:margin"
            << "ingest_shopify src_shopify_orders stg_orders src_sku_costs int_order_margin "
               "chk_sku_cost_mapped";
        QTest::newRow("section with descendants") << "section:revenue+"
            << "ingest_shopify src_shopify_orders stg_orders mart_revenue mart_marketing "
               "chk_revenue_total int_order_margin chk_sku_cost_mapped publish";
        QTest::newRow("everything") << "*"
            << "ingest_shopify src_shopify_orders stg_orders ingest_ads src_ad_spend stg_ad_spend "
               "mart_revenue mart_marketing chk_revenue_total src_sku_costs int_order_margin "
               "chk_sku_cost_mapped publish";
        QTest::newRow("union") << "stg_ad_spend stg_orders" << "stg_orders stg_ad_spend";
        QTest::newRow("union deduplicates") << "stg_orders +stg_orders stg_orders"
            << "ingest_shopify src_shopify_orders stg_orders";
        QTest::newRow("intersection") << "tag:finance,kind:check"
            << "chk_revenue_total chk_sku_cost_mapped";
        QTest::newRow("intersection of methods") << "tag:finance,group:marts" << "mart_revenue";
        QTest::newRow("intersection can be empty") << "tag:marketing,tag:finance" << "";
        QTest::newRow("comma binds tighter than space") << "tag:finance,kind:check publish"
            << "chk_revenue_total chk_sku_cost_mapped publish";
        QTest::newRow("comma binds tighter, union first") << "publish tag:finance,kind:check"
            << "chk_revenue_total chk_sku_cost_mapped publish";
        QTest::newRow("three-way intersection") << "*,tag:finance,+chk_revenue_total"
            << "src_shopify_orders stg_orders mart_revenue chk_revenue_total";
        QTest::newRow("intersection with graph operators") << "src_sku_costs+,+chk_sku_cost_mapped"
            << "src_sku_costs int_order_margin chk_sku_cost_mapped";
        QTest::newRow("intersection of sections") << "section:revenue,section:margin"
            << "ingest_shopify src_shopify_orders stg_orders";
        QTest::newRow("star with tag") << "*,tag:shopify" << "ingest_shopify src_shopify_orders";
        QTest::newRow("extra whitespace") << "  stg_orders \t  stg_ad_spend  "
            << "stg_orders stg_ad_spend";
        QTest::newRow("whitespace around comma") << "stg_orders , +stg_orders" << "stg_orders";
        // clang-format on
    }

    void select()
    {
        QFETCH(QString, expression);
        QFETCH(QString, expected);
        const Graph graph = reportingPath();
        ParseError error;
        const std::optional<Selector> selector = Selector::parse(expression, &error);
        QVERIFY2(selector, qPrintable(error.message));
        QCOMPARE(selector->expression(), expression);
        const std::optional<QList<int>> selected = selector->evaluate(graph, &error);
        QVERIFY2(selected, qPrintable(error.message));
        QCOMPARE(graph.ids(*selected), words(expected));
    }

    void parseErrors_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("offset");

        // clang-format off
        QTest::newRow("empty") << "" << "empty selection" << 0;
        QTest::newRow("only whitespace") << "   " << "empty selection" << 0;
        QTest::newRow("dangling plus") << "+" << "expected a node id or a method after '+' at column 2" << 1;
        QTest::newRow("dangling plus after a term") << "stg_orders +" << "after '+'" << 12;
        QTest::newRow("plus before a comma") << "+,stg_orders" << "after '+'" << 1;
        QTest::newRow("depth with no name") << "2+" << "expected a node id or a method after '2+'" << 2;
        QTest::newRow("at with no name") << "@ stg_orders" << "after '@'" << 1;
        QTest::newRow("zero ancestor depth") << "0+stg_orders" << "depth must be at least 1" << 0;
        QTest::newRow("zero descendant depth") << "stg_orders+0" << "depth must be at least 1" << 11;
        QTest::newRow("huge depth") << "99999999999+stg_orders" << "depth 99999999999 is too large" << 0;
        QTest::newRow("letters after plus") << "stg_orders+x"
            << "unexpected 'x' at column 12; separate selections with a space or ','" << 11;
        QTest::newRow("letters after depth") << "stg_orders+2x" << "unexpected 'x'" << 12;
        QTest::newRow("double trailing plus") << "stg_orders++" << "unexpected '+'" << 11;
        QTest::newRow("double leading plus") << "++stg_orders" << "unexpected '+'" << 1;
        QTest::newRow("at with leading plus") << "@+stg_orders" << "'@' cannot be combined with '+'" << 1;
        QTest::newRow("at with trailing plus") << "@stg_orders+" << "'@' cannot be combined with '+'" << 11;
        QTest::newRow("unknown method") << "foo:bar" << "unknown method 'foo' at column 1" << 0;
        QTest::newRow("unknown method lists methods") << "foo:bar" << "tag, kind, section, group" << 0;
        QTest::newRow("misspelt method") << "stg_orders tga:finance"
            << "unknown method 'tga' at column 12; did you mean 'tag'?" << 11;
        QTest::newRow("missing method") << ":finance" << "missing method before ':'" << 0;
        QTest::newRow("empty tag") << "tag:" << "missing value after 'tag:' at column 5" << 4;
        QTest::newRow("empty tag before plus") << "+tag:+" << "missing value after 'tag:'" << 5;
        QTest::newRow("empty section later") << "stg_orders section:" << "after 'section:'" << 19;
        QTest::newRow("misspelt kind") << "kind:chek"
            << "unknown node kind 'chek' at column 6; did you mean 'check'?" << 5;
        QTest::newRow("unsupported kind") << "kind:dbt"
            << "known kinds: command, sql, freshness, check, publish, noop" << 5;
        QTest::newRow("leading comma") << ",stg_orders" << "',' with nothing before it" << 0;
        QTest::newRow("leading comma after space") << "  ,stg_orders" << "nothing before it" << 2;
        QTest::newRow("trailing comma") << "stg_orders," << "',' with nothing after it" << 10;
        QTest::newRow("trailing comma and space") << "stg_orders,  " << "nothing after it" << 10;
        QTest::newRow("double comma") << "stg_orders,,mart_revenue" << "double comma" << 11;
        QTest::newRow("double comma with spaces") << "stg_orders , , mart_revenue" << "double comma" << 13;
        // clang-format on
    }

    void parseErrors()
    {
        QFETCH(QString, expression);
        QFETCH(QString, message);
        QFETCH(int, offset);
        ParseError error;
        QVERIFY(!Selector::parse(expression, &error));
        QVERIFY2(error.message.contains(message), qPrintable(error.message));
        QCOMPARE(error.offset, offset);
        QVERIFY(!Selector::parse(expression)); // a null error pointer is fine
    }

    void evaluationErrors_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("offset");

        // clang-format off
        QTest::newRow("unknown node") << "stg_ordrs"
            << "unknown node 'stg_ordrs' at column 1; did you mean 'stg_orders'?" << 0;
        QTest::newRow("unknown node after plus") << "+stg_ordrs"
            << "unknown node 'stg_ordrs' at column 2; did you mean 'stg_orders'?" << 1;
        QTest::newRow("unknown node, case") << "Publish" << "did you mean 'publish'?" << 0;
        QTest::newRow("unknown node, nothing close") << "warehouse_load" << "unknown node 'warehouse_load' at column 1" << 0;
        QTest::newRow("unknown node with depth") << "mart_revenue 2+mart_revnue+1"
            << "unknown node 'mart_revnue' at column 16; did you mean 'mart_revenue'?" << 15;
        QTest::newRow("unknown tag") << "tag:finanse"
            << "unknown tag 'finanse' at column 5; did you mean 'finance'?" << 4;
        QTest::newRow("unknown tag lists tags") << "tag:ops"
            << "known tags: shopify, finance, marketing, daily" << 4;
        QTest::newRow("unknown section") << "section:revenu+"
            << "unknown section 'revenu' at column 9; did you mean 'revenue'?" << 8;
        QTest::newRow("unknown section lists sections") << "section:cash"
            << "known sections: revenue, margin, marketing" << 8;
        QTest::newRow("unknown group") << "group:stagin" << "unknown group 'stagin' at column 7; did you mean 'staging'?" << 6;
        QTest::newRow("reported in a later union term") << "stg_orders tag:nope,kind:check"
            << "unknown tag 'nope' at column 16" << 15;
        QTest::newRow("reported though the intersection is empty") << "kind:noop,tag:zzz"
            << "unknown tag 'zzz'" << 14;
        // clang-format on
    }

    void evaluationErrors()
    {
        QFETCH(QString, expression);
        QFETCH(QString, message);
        QFETCH(int, offset);
        const Graph graph = reportingPath();
        ParseError error;
        const std::optional<Selector> selector = Selector::parse(expression, &error);
        QVERIFY2(selector, qPrintable(error.message));
        QVERIFY(!selector->evaluate(graph, &error));
        QVERIFY2(error.message.contains(message), qPrintable(error.message));
        QCOMPARE(error.offset, offset);
        QVERIFY(!selector->evaluate(graph)); // a null error pointer is fine
    }

    void noSuggestionWhenNothingIsClose()
    {
        ParseError error;
        QVERIFY(!Selector::select(reportingPath(), u"warehouse_load", &error));
        QVERIFY2(!error.message.contains(QStringLiteral("did you mean")),
                 qPrintable(error.message));
    }

    void selectConvenience()
    {
        const Graph graph = reportingPath();
        ParseError error;
        const auto selected = Selector::select(graph, u"+mart_revenue,tag:shopify", &error);
        QVERIFY2(selected, qPrintable(error.message));
        QCOMPARE(graph.ids(*selected), words("ingest_shopify src_shopify_orders"));
        QVERIFY(!Selector::select(graph, u"stg_orders,", &error));
        QCOMPARE(error.offset, 10);
    }

    void selectorIsReusableAcrossGraphs()
    {
        const std::optional<Selector> selector = Selector::parse(u"*");
        QVERIFY(selector);
        QCOMPARE(selector->evaluate(Graph())->size(), 0);
        QCOMPARE(selector->evaluate(reportingPath())->size(), 13);
        QCOMPARE(Selector::methodNames(), words("tag kind section group"));
    }

    void cyclicGraph()
    {
        // Selection still works on a broken graph, so a user can inspect it.
        QList<Graph::NodeSpec> nodes(3);
        nodes[0] = {QStringLiteral("a"), words("c"), {}, NodeKind::Noop, {}};
        nodes[1] = {QStringLiteral("b"), words("a"), {}, NodeKind::Noop, {}};
        nodes[2] = {QStringLiteral("c"), words("b"), {}, NodeKind::Noop, {}};
        const Graph graph = Graph::fromSpecs(nodes);
        QCOMPARE(graph.ids(*Selector::select(graph, u"+a")), words("a b c"));
        QCOMPARE(graph.ids(*Selector::select(graph, u"b+1")), words("b c"));
    }

    void closestMatch_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QStringList>("candidates");
        QTest::addColumn<QString>("expected");

        const QStringList names = words("stg_orders stg_ad_spend mart_revenue publish");
        QTest::newRow("deletion") << "stg_ordrs" << names << "stg_orders";
        QTest::newRow("transposition") << "pubilsh" << names << "publish";
        QTest::newRow("case-insensitive") << "MART_REVENUE" << names << "mart_revenue";
        QTest::newRow("exact") << "publish" << names << "publish";
        QTest::newRow("too far") << "revenue" << names << "";
        QTest::newRow("short words allow two edits") << "tga" << words("tag kind") << "tag";
        QTest::newRow("three edits too many for short") << "xyz" << words("tag") << "";
        QTest::newRow("long words allow a third")
            << "mart_weekly_revnue_brdge" << words("mart_weekly_revenue_bridge")
            << "mart_weekly_revenue_bridge";
        QTest::newRow("closest wins")
            << "stg_order" << words("stg_orderz stg_orders") << "stg_orderz";
        QTest::newRow("tie goes to the first") << "ab" << words("ac ad") << "ac";
        QTest::newRow("no candidates") << "x" << QStringList() << "";
        QTest::newRow("empty word") << "" << names << "";
    }

    void closestMatch()
    {
        QFETCH(QString, word);
        QFETCH(QStringList, candidates);
        QFETCH(QString, expected);
        QCOMPARE(vouch::engine::closestMatch(word, candidates), expected);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestSelector)
#include "tst_selector.moc"
