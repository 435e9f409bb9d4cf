-- The week's spend per ad platform, for every platform with an account or
-- with spend, so an active account that reported nothing shows up as zero.
drop table if exists int_marketing_spend;
create table int_marketing_spend as
with spend as (
    select platform, sum(spend_pence) as spend_pence, count(distinct spend_date) as spend_days,
           sum(impressions) as impressions, sum(clicks) as clicks,
           sum(conversions) as conversions
    from stg_ad_spend
    where spend_date >= :period_start and spend_date < :period_end
    group by platform
),
platforms as (
    select platform from stg_ad_platform_accounts
    union
    select platform from spend
)
select
    p.platform,
    coalesce(a.status, 'unknown') as account_status,
    coalesce(a.is_active, 0) as is_active,
    coalesce(s.spend_pence, 0) as spend_pence,
    coalesce(s.spend_days, 0) as spend_days,
    coalesce(s.impressions, 0) as impressions,
    coalesce(s.clicks, 0) as clicks,
    coalesce(s.conversions, 0) as conversions
from platforms p
left join stg_ad_platform_accounts a on a.platform = p.platform
left join spend s on s.platform = p.platform
order by p.platform;
