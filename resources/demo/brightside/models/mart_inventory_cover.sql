-- Stock cover per category at the end of the week.
drop table if exists mart_inventory_cover;
create table mart_inventory_cover as
select
    category,
    max(snapshot_date) as snapshot_date,
    count(*) as skus,
    sum(on_hand) as units_on_hand,
    sum(on_order) as units_on_order,
    sum(units_sold) as units_sold,
    case when sum(units_sold) > 0 then round(sum(on_hand) * 1.0 / sum(units_sold), 1) end
        as weeks_of_cover,
    sum(case when on_hand = 0 then 1 else 0 end) as skus_out_of_stock,
    sum(case when weeks_of_cover < 2 then 1 else 0 end) as skus_under_two_weeks
from int_inventory_position
group by category
order by category;
