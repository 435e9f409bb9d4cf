-- Stripe payouts to the bank, one per day of charges.
drop table if exists stg_stripe_settlements;
create table stg_stripe_settlements as
select
    payout_id,
    charge_date,
    arrival_date as payout_date,
    charge_count,
    gross as gross_pence,
    refunds as refund_pence,
    fees as fee_pence,
    net as net_pence,
    status
from raw_stripe_settlements
where status = 'paid';
