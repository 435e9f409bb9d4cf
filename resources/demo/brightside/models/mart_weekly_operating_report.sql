-- The headline figures of the Weekly Operating Performance Report, one row
-- per metric, grouped by report section.
drop table if exists mart_weekly_operating_report;
create table mart_weekly_operating_report as
select cast(:period_start as char(10)) as period_start,
       cast(:period_end as char(10)) as period_end, section, sort, metric, value, unit
from (
    select 'revenue' as section, 1 as sort, 'Net revenue' as metric, amount_gbp as value,
           'GBP' as unit
    from mart_weekly_revenue_bridge where step = 5
    union all select 'revenue', 2, 'Orders', amount_gbp, 'count'
    from mart_weekly_revenue_bridge where step = 10
    union all select 'revenue', 3, 'Average order value', amount_gbp, 'GBP'
    from mart_weekly_revenue_bridge where step = 11
    union all select 'revenue', 4, 'Refunds', -amount_gbp, 'GBP'
    from mart_weekly_revenue_bridge where step = 4
    union all select 'contribution_margin', 1, 'Contribution margin', amount, unit
    from mart_contribution_margin where step = 5
    union all select 'contribution_margin', 2, 'Contribution margin %', amount, unit
    from mart_contribution_margin where step = 6
    union all select 'contribution_margin', 3, 'Cost of goods sold', -amount, unit
    from mart_contribution_margin where step = 2
    union all select 'cash_bridge', 1, 'Settled to bank', round(coalesce(sum(settled_net_gbp), 0), 2), 'GBP'
    from mart_cash_bridge
    union all select 'cash_bridge', 2, 'Awaiting payout',
        round(coalesce(sum(case when settlement_status <> 'settled' then expected_net_gbp end), 0), 2), 'GBP'
    from mart_cash_bridge
    union all select 'cash_bridge', 3, 'Days overdue',
        sum(case when settlement_status = 'overdue' then 1 else 0 end), 'count'
    from mart_cash_bridge
    union all select 'inventory', 1, 'Units on hand', sum(units_on_hand), 'count'
    from mart_inventory_cover
    union all select 'inventory', 2, 'Weeks of cover',
        case when sum(units_sold) > 0 then round(sum(units_on_hand) * 1.0 / sum(units_sold), 1) end,
        'weeks'
    from mart_inventory_cover
    union all select 'inventory', 3, 'SKUs out of stock', sum(skus_out_of_stock), 'count'
    from mart_inventory_cover
    union all select 'marketing_efficiency', 1, 'Ad spend', value, unit
    from mart_marketing_efficiency where metric = 'Ad spend' and platform = 'all'
    union all select 'marketing_efficiency', 2, 'MER', value, unit
    from mart_marketing_efficiency where metric = 'MER'
    union all select 'marketing_efficiency', 3, 'CAC', value, unit
    from mart_marketing_efficiency where metric = 'CAC'
    union all select 'marketing_efficiency', 4, 'New customers', value, unit
    from mart_marketing_efficiency where metric = 'New customers'
) as report_lines
order by section, sort;
