-- Each day of the close month's card takings against the Stripe payout that
-- settles it (two days later); a day is overdue once three days have passed.
-- Dialect note: SQLite has no DATE type and no INTERVAL arithmetic, so the days
-- of the period step with date(day, '+1 day'). ../me_cash.sql is the same model
-- in standard SQL (PostgreSQL, MariaDB/MySQL, ...).
drop table if exists me_cash;
create table me_cash as
with recursive days(day) as (
    select date(:period_start)
    union all
    select date(day, '+1 day') from days where date(day, '+1 day') < date(:period_end)
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
        when d.day <= date(:now, '-3 days') then 'overdue'
        else 'pending'
    end as settlement_status
from days d
left join raw_stripe_settlements s on s.charge_date = d.day and s.status = 'paid'
order by d.day;
