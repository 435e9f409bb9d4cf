-- Shopify orders, one row per order. Staff test orders are dropped and money
-- (exported as decimal text) becomes integer pence.
drop table if exists stg_shopify_orders;
create table stg_shopify_orders as
select
    id as order_id,
    name as order_name,
    created_at,
    substr(created_at, 1, 10) as order_date,
    customer_id,
    lower(email) as email,
    cast(round(cast(subtotal_price as decimal(12, 2)) * 100) as integer) as subtotal_pence,
    cast(round(cast(total_discounts as decimal(12, 2)) * 100) as integer) as discount_pence,
    cast(round(cast(total_shipping_price as decimal(12, 2)) * 100) as integer) as shipping_pence,
    cast(round(cast(total_price as decimal(12, 2)) * 100) as integer) as total_pence,
    discount_code,
    financial_status,
    gateway,
    _synced_at
from raw_shopify_orders
where test = 0;
-- The week's order lines join here by order_id; without an index MariaDB
-- would compare every line with every order.
create index stg_shopify_orders_order_id on stg_shopify_orders (order_id);
