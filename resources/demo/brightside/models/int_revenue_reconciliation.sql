-- Shopify against Stripe, one row per day of the reporting week. Net revenue
-- is orders minus refunds on both sides. Small differences are timing
-- (a charge minutes after an order placed just before midnight).
-- Dialect note: standard SQL (PostgreSQL, MariaDB/MySQL, ...); dates are kept
-- as 'YYYY-MM-DD' text as the sources export them, and the days of the period
-- step with CAST(... AS DATE) + INTERVAL '1' DAY. SQLite runs
-- sqlite/int_revenue_reconciliation.sql, which has neither.
drop table if exists int_revenue_reconciliation;
create table int_revenue_reconciliation as
with recursive days(day) as (
    select cast(cast(:period_start as date) as char(10))
    union all
    select cast(cast(day as date) + interval '1' day as char(10)) from days
    where cast(day as date) + interval '1' day < cast(:period_end as date)
),
orders as (
    select order_date as day, count(*) as orders, sum(subtotal_pence) as gross_pence,
           sum(discount_pence) as discount_pence, sum(shipping_pence) as shipping_pence,
           sum(total_pence) as total_pence
    from stg_shopify_orders
    where order_date >= :period_start and order_date < :period_end
    group by order_date
),
refunds as (
    select refund_date as day, count(*) as refunds, sum(amount_pence) as amount_pence
    from stg_shopify_refunds
    where refund_date >= :period_start and refund_date < :period_end
    group by refund_date
),
charges as (
    select charge_date as day, count(*) as charges, sum(amount_pence) as amount_pence,
           sum(fee_pence) as fee_pence
    from stg_stripe_charges
    where charge_date >= :period_start and charge_date < :period_end
    group by charge_date
),
stripe_refunds as (
    select refund_date as day, sum(amount_pence) as amount_pence
    from stg_stripe_refunds
    where refund_date >= :period_start and refund_date < :period_end
    group by refund_date
)
select
    d.day,
    coalesce(o.orders, 0) as orders,
    coalesce(o.gross_pence, 0) as gross_sales_pence,
    coalesce(o.discount_pence, 0) as discount_pence,
    coalesce(o.shipping_pence, 0) as shipping_pence,
    coalesce(o.total_pence, 0) as order_total_pence,
    coalesce(r.refunds, 0) as refunds,
    coalesce(r.amount_pence, 0) as shopify_refund_pence,
    coalesce(o.total_pence, 0) - coalesce(r.amount_pence, 0) as shopify_net_pence,
    coalesce(c.charges, 0) as charges,
    coalesce(c.amount_pence, 0) as stripe_charge_pence,
    coalesce(c.fee_pence, 0) as stripe_fee_pence,
    coalesce(sr.amount_pence, 0) as stripe_refund_pence,
    coalesce(c.amount_pence, 0) - coalesce(sr.amount_pence, 0) as stripe_net_pence,
    (coalesce(o.total_pence, 0) - coalesce(r.amount_pence, 0))
        - (coalesce(c.amount_pence, 0) - coalesce(sr.amount_pence, 0)) as difference_pence
from days d
left join orders o on o.day = d.day
left join refunds r on r.day = d.day
left join charges c on c.day = d.day
left join stripe_refunds sr on sr.day = d.day
order by d.day;
