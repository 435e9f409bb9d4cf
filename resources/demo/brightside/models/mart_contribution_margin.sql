-- Contribution margin for the week: net revenue less cost of goods, payment
-- fees and marketing spend. Lines whose SKU has no cost contribute no cost,
-- so the revenue they carry is reported separately.
drop table if exists mart_contribution_margin;
create table mart_contribution_margin as
with rev as (
    select sum(shopify_net_pence) as net, sum(stripe_fee_pence) as fees
    from int_revenue_reconciliation
),
m as (
    select
        coalesce(sum(cogs_pence), 0) as cogs,
        coalesce(sum(case when unit_cost is null then line_net_pence else 0 end), 0)
            as unmapped_revenue,
        count(distinct case when unit_cost is null then sku end) as unmapped_skus
    from int_order_margin
),
ads as (
    select coalesce(sum(spend_pence), 0) as spend from int_marketing_spend
),
cm as (
    select rev.net, m.cogs, rev.fees, ads.spend,
           rev.net - m.cogs - rev.fees - ads.spend as contribution,
           m.unmapped_revenue, m.unmapped_skus
    from rev, m, ads
)
select cast(:period_start as char(10)) as period_start,
       cast(:period_end as char(10)) as period_end, step, line, amount, unit
from (
    select 1 as step, 'Net revenue' as line, net / 100.0 as amount, 'GBP' as unit from cm
    union all select 2, 'Cost of goods sold', -cogs / 100.0, 'GBP' from cm
    union all select 3, 'Payment fees (Stripe)', -fees / 100.0, 'GBP' from cm
    union all select 4, 'Marketing spend', -spend / 100.0, 'GBP' from cm
    union all select 5, 'Contribution margin', contribution / 100.0, 'GBP' from cm
    union all select 6, 'Contribution margin %',
        case when net > 0 then round(100.0 * contribution / net, 1) end, '%' from cm
    union all select 7, 'Revenue from SKUs without a cost', unmapped_revenue / 100.0, 'GBP' from cm
    union all select 8, 'SKUs without a cost', unmapped_skus, 'count' from cm
) as margin_lines
order by step;
