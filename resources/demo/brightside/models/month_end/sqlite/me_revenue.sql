-- The close month's revenue per day: Shopify orders less refunds, against
-- Stripe's successful charges less refunds.
-- Dialect note: SQLite has no DATE type and no INTERVAL arithmetic, so the days
-- of the period step with date(day, '+1 day'). ../me_revenue.sql is the same
-- model in standard SQL (PostgreSQL, MariaDB/MySQL, ...).
drop table if exists me_revenue;
create table me_revenue as
with recursive days(day) as (
    select date(:period_start)
    union all
    select date(day, '+1 day') from days where date(day, '+1 day') < date(:period_end)
),
orders as (
    select order_date as day, count(*) as orders, sum(total_pence) as gross_pence
    from me_orders group by order_date
),
refunds as (
    select substr(created_at, 1, 10) as day,
           sum(cast(round(cast(amount as decimal(12, 2)) * 100) as integer)) as refund_pence
    from raw_shopify_refunds
    where substr(created_at, 1, 10) >= :period_start and substr(created_at, 1, 10) < :period_end
    group by 1
),
stripe as (
    select substr(created, 1, 10) as day, sum(amount) as charge_pence
    from raw_stripe_charges
    where status = 'succeeded'
      and substr(created, 1, 10) >= :period_start and substr(created, 1, 10) < :period_end
    group by 1
)
select
    d.day,
    coalesce(o.orders, 0) as orders,
    coalesce(o.gross_pence, 0) as gross_pence,
    coalesce(r.refund_pence, 0) as refund_pence,
    coalesce(o.gross_pence, 0) - coalesce(r.refund_pence, 0) as net_pence,
    coalesce(s.charge_pence, 0) as stripe_charge_pence
from days d
left join orders o on o.day = d.day
left join refunds r on r.day = d.day
left join stripe s on s.day = d.day
order by d.day;
