-- Wholesale invoices from the finance system, in pence.
drop table if exists stg_invoices;
create table stg_invoices as
select
    invoice_number,
    customer_name,
    issue_date,
    due_date,
    cast(round(cast(amount as decimal(12, 2)) * 100) as integer) as amount_pence,
    paid_date
from raw_invoices;
