-- Each day of the close month's card takings against the Stripe payout that
-- settles it (two days later); a day is overdue once three days have passed.
-- Dialect note: standard SQL (PostgreSQL, MariaDB/MySQL, ...); dates are kept
-- as 'YYYY-MM-DD' text as the sources export them, and the days of the period
-- step with CAST(... AS DATE) and INTERVAL. SQLite runs sqlite/me_cash.sql.
drop table if exists me_cash;
create table me_cash as
with recursive days(day) as (
    select cast(cast(:period_start as date) as char(10))
    union all
    select cast(cast(day as date) + interval '1' day as char(10)) from days
    where cast(day as date) + interval '1' day < cast(:period_end as date)
)
select
    d.day as charge_date,
    s.payout_id,
    s.arrival_date as payout_date,
    coalesce(s.gross, 0) as gross_pence,
    coalesce(s.fees, 0) as fee_pence,
    coalesce(s.net, 0) as net_pence,
    case
        when s.payout_id is not null then 'settled'
        when d.day <= cast(cast(substr(:now, 1, 10) as date) - interval '3' day as char(10))
            then 'overdue'
        else 'pending'
    end as settlement_status
from days d
left join raw_stripe_settlements s on s.charge_date = d.day and s.status = 'paid'
order by d.day;
