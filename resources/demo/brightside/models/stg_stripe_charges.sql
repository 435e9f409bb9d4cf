-- Successful Stripe card charges (declined attempts are dropped). Stripe
-- amounts are already integer pence.
drop table if exists stg_stripe_charges;
create table stg_stripe_charges as
select
    id as charge_id,
    created as created_at,
    substr(created, 1, 10) as charge_date,
    amount as amount_pence,
    fee as fee_pence,
    card_country,
    metadata_shopify_order_id as shopify_order_id
from raw_stripe_charges
where status = 'succeeded';
