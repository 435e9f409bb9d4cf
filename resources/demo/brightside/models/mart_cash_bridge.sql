-- Card takings per day of the week and the Stripe payout that settles them.
drop table if exists mart_cash_bridge;
create table mart_cash_bridge as
select
    charge_date,
    charges,
    gross_pence / 100.0 as gross_gbp,
    -refund_pence / 100.0 as refunds_gbp,
    -fee_pence / 100.0 as fees_gbp,
    expected_net_pence / 100.0 as expected_net_gbp,
    payout_id,
    payout_date,
    settled_net_pence / 100.0 as settled_net_gbp,
    settlement_difference_pence / 100.0 as difference_gbp,
    settlement_status
from int_cash_settlement
order by charge_date;
