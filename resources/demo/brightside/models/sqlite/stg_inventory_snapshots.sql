-- End-of-day stock per SKU from the warehouse management system, with how
-- many days of the reporting period follow each snapshot (the check on a
-- current snapshot reads it, without date arithmetic of its own).
-- Dialect note: SQLite has no DATE type and no INTERVAL arithmetic, so the
-- days of the period step with date(day, '+1 day'). ../stg_inventory_snapshots.sql is
-- the same model in standard SQL (PostgreSQL, MariaDB/MySQL, ...).
drop table if exists stg_inventory_snapshots;
create table stg_inventory_snapshots as
with recursive days(day) as (
    select date(:period_start)
    union all
    select date(day, '+1 day') from days where date(day, '+1 day') < date(:period_end)
)
select
    snapshot_date,
    upper(trim(sku)) as sku,
    location,
    on_hand,
    on_order,
    (select count(*) from days d where d.day > s.snapshot_date) as period_days_after
from raw_inventory_snapshots s;
