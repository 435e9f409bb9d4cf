-- The revenue bridge for the week, from Shopify gross sales to net revenue,
-- and from Stripe charges to net charges, in pounds.
drop table if exists mart_weekly_revenue_bridge;
create table mart_weekly_revenue_bridge as
with r as (
    select
        sum(orders) as orders,
        sum(gross_sales_pence) as gross,
        sum(discount_pence) as discounts,
        sum(shipping_pence) as shipping,
        sum(shopify_refund_pence) as refunds,
        sum(shopify_net_pence) as shopify_net,
        sum(stripe_charge_pence) as charges,
        sum(stripe_refund_pence) as stripe_refunds,
        sum(stripe_net_pence) as stripe_net
    from int_revenue_reconciliation
)
select cast(:period_start as char(10)) as period_start,
       cast(:period_end as char(10)) as period_end, step, line, amount_gbp
from (
    select 1 as step, 'Gross sales (Shopify)' as line, gross / 100.0 as amount_gbp from r
    union all select 2, 'Discounts', -discounts / 100.0 from r
    union all select 3, 'Shipping charged', shipping / 100.0 from r
    union all select 4, 'Refunds (Shopify)', -refunds / 100.0 from r
    union all select 5, 'Net revenue (Shopify)', shopify_net / 100.0 from r
    union all select 6, 'Card charges (Stripe)', charges / 100.0 from r
    union all select 7, 'Refunds (Stripe)', -stripe_refunds / 100.0 from r
    union all select 8, 'Net charges (Stripe)', stripe_net / 100.0 from r
    union all select 9, 'Unexplained difference', (shopify_net - stripe_net) / 100.0 from r
    union all select 10, 'Orders', orders from r
    union all select 11, 'Average order value',
        case when orders > 0 then round(gross / 100.0 / orders, 2) end from r
) as bridge_lines
order by step;
