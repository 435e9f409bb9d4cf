-- The landed unit cost per SKU from the finance cost sheet. When a SKU has
-- several rows the most recent effective cost wins.
drop table if exists stg_sku_costs;
create table stg_sku_costs as
select sku, unit_cost_pence, effective_from
from (
    select
        upper(trim(sku)) as sku,
        cast(round(cast(unit_cost as decimal(12, 2)) * 100) as integer) as unit_cost_pence,
        effective_from,
        row_number() over (partition by upper(trim(sku)) order by effective_from desc) as rn
    from raw_sku_costs
    where unit_cost is not null and trim(unit_cost) <> ''
) as ranked
where rn = 1;
