-- Shopify refunds, dated when the refund was issued.
drop table if exists stg_shopify_refunds;
create table stg_shopify_refunds as
select
    id as refund_id,
    order_id,
    created_at,
    substr(created_at, 1, 10) as refund_date,
    cast(round(cast(amount as decimal(12, 2)) * 100) as integer) as amount_pence,
    reason
from raw_shopify_refunds;
