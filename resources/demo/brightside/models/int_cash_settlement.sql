-- Each day of the week's card takings against the Stripe payout that settles
-- it. Stripe pays out two days after the charge, so a day is overdue once
-- three days have passed without a payout.
-- Dialect note: standard SQL (PostgreSQL, MariaDB/MySQL, ...); dates are kept
-- as 'YYYY-MM-DD' text as the sources export them, and the days of the period
-- step with CAST(... AS DATE) + INTERVAL '1' DAY. SQLite runs
-- sqlite/int_cash_settlement.sql, which has neither.
drop table if exists int_cash_settlement;
create table int_cash_settlement as
with recursive days(day) as (
    select cast(cast(:period_start as date) as char(10))
    union all
    select cast(cast(day as date) + interval '1' day as char(10)) from days
    where cast(day as date) + interval '1' day < cast(:period_end as date)
),
charges as (
    select charge_date as day, count(*) as charges, sum(amount_pence) as amount_pence,
           sum(fee_pence) as fee_pence
    from stg_stripe_charges
    where charge_date >= :period_start and charge_date < :period_end
    group by charge_date
),
refunds as (
    select refund_date as day, sum(amount_pence) as amount_pence
    from stg_stripe_refunds
    where refund_date >= :period_start and refund_date < :period_end
    group by refund_date
)
select
    d.day as charge_date,
    coalesce(c.charges, 0) as charges,
    coalesce(c.amount_pence, 0) as gross_pence,
    coalesce(r.amount_pence, 0) as refund_pence,
    coalesce(c.fee_pence, 0) as fee_pence,
    coalesce(c.amount_pence, 0) - coalesce(r.amount_pence, 0) - coalesce(c.fee_pence, 0)
        as expected_net_pence,
    s.payout_id,
    s.payout_date,
    s.net_pence as settled_net_pence,
    case
        when s.payout_id is not null then 'settled'
        when d.day <= cast(cast(substr(:now, 1, 10) as date) - interval '3' day as char(10))
            then 'overdue'
        else 'pending'
    end as settlement_status,
    case when s.payout_id is null then null
         else s.net_pence - (coalesce(c.amount_pence, 0) - coalesce(r.amount_pence, 0)
                             - coalesce(c.fee_pence, 0))
    end as settlement_difference_pence
from days d
left join charges c on c.day = d.day
left join refunds r on r.day = d.day
left join stg_stripe_settlements s on s.charge_date = d.day
order by d.day;
