-- The product catalogue, one row per SKU.
drop table if exists stg_shopify_products;
create table stg_shopify_products as
select
    upper(trim(sku)) as sku,
    product_id,
    title,
    product_type as category,
    cast(round(cast(price as decimal(12, 2)) * 100) as integer) as price_pence,
    status
from raw_shopify_products;
