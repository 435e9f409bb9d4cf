-- Shopify order line items in pence.
drop table if exists stg_shopify_order_lines;
create table stg_shopify_order_lines as
select
    id as line_id,
    order_id,
    upper(trim(sku)) as sku,
    quantity,
    cast(round(cast(price as decimal(12, 2)) * 100) as integer) as unit_price_pence,
    cast(round(cast(total_discount as decimal(12, 2)) * 100) as integer) as discount_pence
from raw_shopify_order_lines;
