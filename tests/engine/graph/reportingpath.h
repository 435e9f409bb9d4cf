#pragma once

// A small hand-built reporting path shared by the graph and selector tests.
// Edges (needs), in file order:
//   ingest_shopify -> src_shopify_orders -> stg_orders
//   ingest_ads -> src_ad_spend -> stg_ad_spend
//   stg_orders, src_sku_costs -> int_order_margin -> chk_sku_cost_mapped
//   stg_orders -> mart_revenue -> chk_revenue_total
//   stg_ad_spend, stg_orders -> mart_marketing   (a dashboard: not gated by publish)
//   chk_revenue_total, chk_sku_cost_mapped -> publish
// src_sku_costs is listed last in the file, so the topological order differs
// from file order:
//   ingest_shopify src_shopify_orders stg_orders ingest_ads src_ad_spend
//   stg_ad_spend mart_revenue mart_marketing chk_revenue_total src_sku_costs
//   int_order_margin chk_sku_cost_mapped publish

#include "engine/graph/graph.h"

namespace vouch::engine::test {

inline QStringList words(const QString &text)
{
    return text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

inline Graph reportingPath()
{
    using K = NodeKind;
    auto node = [](const char *id, const char *needs, const char *tags, NodeKind kind,
                   const char *group) {
        return Graph::NodeSpec{QString::fromLatin1(id), words(QString::fromLatin1(needs)),
                               words(QString::fromLatin1(tags)), kind, QString::fromLatin1(group)};
    };
    const QList<Graph::NodeSpec> nodes = {
        node("ingest_shopify", "", "shopify", K::Command, "ingest"),
        node("src_shopify_orders", "ingest_shopify", "shopify finance", K::Freshness, "sources"),
        node("stg_orders", "src_shopify_orders", "finance", K::Sql, "staging"),
        node("ingest_ads", "", "marketing", K::Command, "ingest"),
        node("src_ad_spend", "ingest_ads", "marketing", K::Freshness, "sources"),
        node("stg_ad_spend", "src_ad_spend", "marketing", K::Sql, "staging"),
        node("int_order_margin", "stg_orders src_sku_costs", "finance", K::Sql, "intermediate"),
        node("mart_revenue", "stg_orders", "finance daily", K::Sql, "marts"),
        node("mart_marketing", "stg_ad_spend stg_orders", "marketing", K::Sql, "marts"),
        node("chk_revenue_total", "mart_revenue", "finance daily", K::Check, "checks"),
        node("chk_sku_cost_mapped", "int_order_margin", "finance", K::Check, "checks"),
        node("publish", "chk_revenue_total chk_sku_cost_mapped", "", K::Publish, "publish"),
        node("src_sku_costs", "", "finance", K::Freshness, "sources"),
    };
    const QList<Graph::SectionSpec> sections = {
        {QStringLiteral("revenue"), words(QStringLiteral("mart_revenue chk_revenue_total"))},
        {QStringLiteral("margin"), words(QStringLiteral("chk_sku_cost_mapped"))},
        {QStringLiteral("marketing"), words(QStringLiteral("mart_marketing"))},
    };
    return Graph::fromSpecs(nodes, sections);
}

} // namespace vouch::engine::test
