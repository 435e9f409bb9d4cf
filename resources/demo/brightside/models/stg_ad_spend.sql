-- Daily ad spend per platform and campaign, in pence.
drop table if exists stg_ad_spend;
create table stg_ad_spend as
select
    date as spend_date,
    lower(platform) as platform,
    campaign_id,
    campaign_name,
    cast(round(cast(spend as decimal(12, 2)) * 100) as integer) as spend_pence,
    impressions,
    clicks,
    conversions
from raw_ad_spend;
