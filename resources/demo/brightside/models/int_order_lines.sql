-- The reporting week's order lines with their order and product. Revenue
-- rests on this table, so it must never depend on the cost sheet.
drop table if exists int_order_lines;
create table int_order_lines as
select
    l.line_id,
    l.order_id,
    o.order_date,
    o.customer_id,
    l.sku,
    coalesce(p.title, 'Unknown product') as title,
    coalesce(p.category, 'Uncategorised') as category,
    l.quantity,
    l.unit_price_pence,
    l.quantity * l.unit_price_pence as gross_pence,
    l.discount_pence,
    l.quantity * l.unit_price_pence - l.discount_pence as line_net_pence
from stg_shopify_order_lines l
join stg_shopify_orders o on o.order_id = l.order_id
left join stg_shopify_products p on p.sku = l.sku
where o.order_date >= :period_start and o.order_date < :period_end;
