-- The close month's gross margin per category: net line revenue less landed
-- cost of goods. Lines without a cost are counted in revenue, not in cost.
drop table if exists me_gross_margin;
create table me_gross_margin as
select
    category,
    sum(quantity) as units,
    sum(line_net_pence) as revenue_pence,
    sum(coalesce(cogs_pence, 0)) as cogs_pence,
    sum(line_net_pence) - sum(coalesce(cogs_pence, 0)) as gross_margin_pence,
    round(100.0 * (sum(line_net_pence) - sum(coalesce(cogs_pence, 0)))
          / nullif(sum(line_net_pence), 0), 1) as gross_margin_pct,
    sum(case when unit_cost_pence is null then 1 else 0 end) as lines_without_cost
from me_order_margin
group by category
order by revenue_pence desc;
