-- Successful Stripe refunds.
drop table if exists stg_stripe_refunds;
create table stg_stripe_refunds as
select
    id as refund_id,
    charge_id,
    created as created_at,
    substr(created, 1, 10) as refund_date,
    amount as amount_pence
from raw_stripe_refunds
where status = 'succeeded';
