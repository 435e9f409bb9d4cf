-- What stockists still owed at the close (the period's last day), by how far
-- past due: the AR ageing of the month-end pack.
-- Dialect note: SQLite has no DATE type and no INTERVAL arithmetic, so days
-- past due are a julianday() difference. ../me_ar_ageing.sql is the same model
-- in standard SQL (PostgreSQL, MariaDB/MySQL, ...).
drop table if exists me_ar_ageing;
create table me_ar_ageing as
with open_invoices as (
    select
        invoice_number,
        customer_name,
        amount_pence,
        due_date,
        julianday(date(:period_end, '-1 day')) - julianday(due_date) as days_past_due
    from stg_invoices
    where issue_date < :period_end
      and (paid_date is null or paid_date >= :period_end)
)
select
    case
        when due_date is null then 'no due date'
        when days_past_due <= 0 then 'current'
        when days_past_due <= 30 then '1-30 days'
        when days_past_due <= 60 then '31-60 days'
        when days_past_due <= 90 then '61-90 days'
        else 'over 90 days'
    end as bucket,
    count(*) as invoices,
    sum(amount_pence) as amount_pence
from open_invoices
group by 1
order by min(coalesce(days_past_due, 9999));
