-- HubSpot contacts. first_order_date is set once a contact has ordered.
drop table if exists stg_hubspot_customers;
create table stg_hubspot_customers as
select
    contact_id,
    lower(email) as email,
    shopify_customer_id as customer_id,
    created_at,
    first_order_date,
    lifecycle_stage,
    original_source
from raw_hubspot_customers;
