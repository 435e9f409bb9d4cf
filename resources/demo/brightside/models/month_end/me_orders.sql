-- The close month's Shopify orders in pence, without staff test orders.
drop table if exists me_orders;
create table me_orders as
select
    id as order_id,
    name as order_name,
    substr(created_at, 1, 10) as order_date,
    cast(round(cast(total_price as decimal(12, 2)) * 100) as integer) as total_pence,
    cast(round(cast(total_shipping_price as decimal(12, 2)) * 100) as integer) as shipping_pence
from raw_shopify_orders
where test = 0
  and substr(created_at, 1, 10) >= :period_start and substr(created_at, 1, 10) < :period_end;
create unique index me_orders_id on me_orders (order_id);
