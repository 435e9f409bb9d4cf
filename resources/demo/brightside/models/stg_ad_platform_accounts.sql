-- The ad accounts Brightside runs, and whether each is active.
drop table if exists stg_ad_platform_accounts;
create table stg_ad_platform_accounts as
select
    lower(platform) as platform,
    account_id,
    status,
    case when status = 'active' then 1 else 0 end as is_active
from raw_ad_platform_accounts;
