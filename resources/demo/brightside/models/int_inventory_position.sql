-- Stock per SKU at the last snapshot of the reporting week, with the week's
-- unit sales and the resulting weeks of cover.
drop table if exists int_inventory_position;
create table int_inventory_position as
with latest as (
    select max(snapshot_date) as snapshot_date
    from stg_inventory_snapshots
    where snapshot_date < :period_end
),
sold as (
    select sku, sum(quantity) as units_sold
    from int_order_lines
    group by sku
)
select
    p.sku,
    p.title,
    p.category,
    i.snapshot_date,
    coalesce(i.on_hand, 0) as on_hand,
    coalesce(i.on_order, 0) as on_order,
    coalesce(s.units_sold, 0) as units_sold,
    case when coalesce(s.units_sold, 0) = 0 then null
         else round(coalesce(i.on_hand, 0) * 1.0 / s.units_sold, 1)
    end as weeks_of_cover
from stg_shopify_products p
left join stg_inventory_snapshots i
    on i.sku = p.sku and i.snapshot_date = (select snapshot_date from latest)
left join sold s on s.sku = p.sku;
