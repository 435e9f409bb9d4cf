-- Marketing efficiency for the week. MER is net revenue per pound of ad
-- spend, CAC is ad spend per new customer (first order in the week).
drop table if exists mart_marketing_efficiency;
create table mart_marketing_efficiency as
with rev as (
    select sum(shopify_net_pence) as net from int_revenue_reconciliation
),
new_customers as (
    select count(*) as n
    from stg_hubspot_customers
    where first_order_date >= :period_start and first_order_date < :period_end
),
tot as (
    select sum(spend_pence) as spend, sum(conversions) as conversions from int_marketing_spend
)
select cast(:period_start as char(10)) as period_start,
       cast(:period_end as char(10)) as period_end, metric, platform, value, unit
from (
    select 1 as sort, 'Ad spend' as metric, platform, spend_pence / 100.0 as value, 'GBP' as unit
    from int_marketing_spend
    where is_active = 1 or spend_pence > 0
    union all select 2, 'Ad spend', 'all', tot.spend / 100.0, 'GBP' from tot
    union all select 3, 'Net revenue', 'all', rev.net / 100.0, 'GBP' from rev
    union all select 4, 'MER', 'all',
        case when tot.spend > 0 then round(1.0 * rev.net / tot.spend, 2) end, 'ratio' from rev, tot
    union all select 5, 'New customers', 'all', new_customers.n, 'count' from new_customers
    union all select 6, 'CAC', 'all',
        case when new_customers.n > 0 then round(tot.spend / 100.0 / new_customers.n, 2) end,
        'GBP' from tot, new_customers
    union all select 7, 'Platform-reported conversions', 'all', tot.conversions, 'count' from tot
) as efficiency_lines
order by sort, platform;
