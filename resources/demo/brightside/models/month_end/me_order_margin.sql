-- The close month's order lines with their landed unit cost; unit_cost_pence
-- stays null when the SKU is missing from the cost sheet. The latest cost
-- per SKU is made once, indexed, so the join does not rescan the cost sheet.
drop table if exists me_sku_costs;
create table me_sku_costs as
select sku, unit_cost_pence
from (
    select upper(trim(sku)) as sku,
           cast(round(cast(unit_cost as decimal(12, 2)) * 100) as integer) as unit_cost_pence,
           row_number() over (partition by upper(trim(sku)) order by effective_from desc) as rn
    from raw_sku_costs
    where unit_cost is not null and trim(unit_cost) <> ''
) as ranked
where rn = 1;
create unique index me_sku_costs_sku on me_sku_costs (sku);
drop table if exists me_order_margin;
create table me_order_margin as
select
    o.order_date,
    l.sku,
    coalesce(p.product_type, 'Uncategorised') as category,
    l.quantity,
    l.line_net_pence,
    c.unit_cost_pence,
    l.quantity * c.unit_cost_pence as cogs_pence
from (
    select order_id, upper(trim(sku)) as sku, quantity,
           quantity * cast(round(cast(price as decimal(12, 2)) * 100) as integer)
               - cast(round(cast(total_discount as decimal(12, 2)) * 100) as integer) as line_net_pence
    from raw_shopify_order_lines
) l
join me_orders o on o.order_id = l.order_id
left join (select upper(trim(sku)) as sku, max(product_type) as product_type
           from raw_shopify_products group by 1) p on p.sku = l.sku
left join me_sku_costs c on c.sku = l.sku;
