-- End-of-day stock per SKU from the warehouse management system.
drop table if exists stg_inventory_snapshots;
create table stg_inventory_snapshots as
select
    snapshot_date,
    upper(trim(sku)) as sku,
    location,
    on_hand,
    on_order
from raw_inventory_snapshots;
