-- What stockists still owed at the close (the period's last day), by how far
-- past due: the AR ageing of the month-end pack.
-- Dialect note: standard SQL (PostgreSQL, MariaDB/MySQL, ...); dates are kept
-- as 'YYYY-MM-DD' text as the sources export them, and days past due are date
-- comparisons with CAST(... AS DATE) and INTERVAL. SQLite runs
-- sqlite/me_ar_ageing.sql.
drop table if exists me_ar_ageing;
create table me_ar_ageing as
with close_day as (
    select cast(:period_end as date) - interval '1' day as day
),
open_invoices as (
    select invoice_number, customer_name, amount_pence, due_date
    from stg_invoices
    where issue_date < :period_end
      and (paid_date is null or paid_date >= :period_end)
),
bucketed as (
    select
        i.amount_pence,
        case
            when i.due_date is null or i.due_date = '' then 6
            when cast(i.due_date as date) >= c.day then 1
            when cast(i.due_date as date) >= c.day - interval '30' day then 2
            when cast(i.due_date as date) >= c.day - interval '60' day then 3
            when cast(i.due_date as date) >= c.day - interval '90' day then 4
            else 5
        end as bucket_order
    from open_invoices i, close_day c
)
select
    case bucket_order
        when 1 then 'current'
        when 2 then '1-30 days'
        when 3 then '31-60 days'
        when 4 then '61-90 days'
        when 5 then 'over 90 days'
        else 'no due date'
    end as bucket,
    count(*) as invoices,
    sum(amount_pence) as amount_pence
from bucketed
group by bucket_order
order by bucket_order;
