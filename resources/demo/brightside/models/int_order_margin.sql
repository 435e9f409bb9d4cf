-- Order lines with their unit cost. unit_cost stays null when the SKU is
-- missing from the cost sheet, so unmapped products are visible, not zero.
drop table if exists int_order_margin;
create table int_order_margin as
select
    l.line_id,
    l.order_id,
    l.order_date,
    l.sku,
    l.title,
    l.category,
    l.quantity,
    l.line_net_pence,
    c.unit_cost_pence / 100.0 as unit_cost,
    l.quantity * c.unit_cost_pence as cogs_pence,
    l.line_net_pence - l.quantity * c.unit_cost_pence as gross_margin_pence
from int_order_lines l
left join stg_sku_costs c on c.sku = l.sku;
