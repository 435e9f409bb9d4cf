-- End-of-day stock per SKU from the warehouse management system, with how
-- many days of the reporting period follow each snapshot (the check on a
-- current snapshot reads it, without date arithmetic of its own).
-- Dialect note: standard SQL (PostgreSQL, MariaDB/MySQL, ...); dates are kept
-- as 'YYYY-MM-DD' text as the sources export them, and the days of the period
-- step with CAST(... AS DATE) + INTERVAL '1' DAY. SQLite runs
-- sqlite/stg_inventory_snapshots.sql, which has neither.
drop table if exists stg_inventory_snapshots;
create table stg_inventory_snapshots as
with recursive days(day) as (
    select cast(cast(:period_start as date) as char(10))
    union all
    select cast(cast(day as date) + interval '1' day as char(10)) from days
    where cast(day as date) + interval '1' day < cast(:period_end as date)
)
select
    snapshot_date,
    upper(trim(sku)) as sku,
    location,
    on_hand,
    on_order,
    (select count(*) from days d where d.day > s.snapshot_date) as period_days_after
from raw_inventory_snapshots s;
