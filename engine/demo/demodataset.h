#pragma once

// Internal to the demo: the Brightside source systems' data as typed rows,
// before it is written to landing.db. Times are seconds since the Unix epoch
// (UTC), money is in pence.

#include <QDate>
#include <QString>

#include <vector>

namespace vouch::engine::demo {

struct Product
{
    QString sku;
    qint64 productId = 0;
    QString title;
    QString category;
    qint64 price = 0;
    qint64 cost = 0;
    qint64 createdAt = 0;
};

struct SkuCost
{
    int product = 0; // index into Dataset::products
    qint64 unitCost = 0;
    QDate effectiveFrom;
    qint64 syncedAt = 0;
};

struct Order
{
    qint64 id = 0;
    QString name; // "#1001"
    qint64 createdAt = 0;
    qint64 customerId = 0;
    QString email;
    qint64 subtotal = 0;
    qint64 discounts = 0;
    qint64 shipping = 0;
    qint64 total = 0;
    QString discountCode;
    bool test = false;
    qint64 syncedAt = 0;
};

struct OrderLine
{
    qint64 id = 0;
    qint64 orderId = 0;
    int product = 0;
    int quantity = 0;
    qint64 unitPrice = 0;
    qint64 discount = 0;
    qint64 syncedAt = 0;
};

struct Refund
{
    qint64 id = 0;
    qint64 orderId = 0;
    qint64 createdAt = 0;
    qint64 amount = 0;
    QString reason;
    qint64 syncedAt = 0;
};

struct Charge
{
    QString id;
    qint64 orderId = 0;
    qint64 createdAt = 0;
    qint64 amount = 0;
    qint64 fee = 0;
    QString status; // succeeded, failed
    QString cardCountry;
    qint64 syncedAt = 0;
};

struct StripeRefund
{
    QString id;
    QString chargeId;
    qint64 createdAt = 0;
    qint64 amount = 0;
    qint64 syncedAt = 0;
};

struct Settlement
{
    QString payoutId;
    QDate chargeDate;
    QDate payoutDate;
    int chargeCount = 0;
    qint64 gross = 0;
    qint64 refunds = 0;
    qint64 fees = 0;
    qint64 net = 0;
    qint64 syncedAt = 0;
};

struct AdAccount
{
    QString platform;
    QString accountId;
    QString status; // active, paused
    QDate createdOn;
    qint64 syncedAt = 0;
};

struct AdSpend
{
    QDate date;
    QString platform;
    QString campaignId;
    QString campaignName;
    qint64 spend = 0;
    qint64 impressions = 0;
    qint64 clicks = 0;
    qint64 conversions = 0;
    qint64 syncedAt = 0;
};

struct Contact
{
    qint64 id = 0;
    qint64 customerId = 0; // 0: not a customer
    QString email;
    qint64 createdAt = 0;
    QDate firstOrderDate; // invalid: no order yet
    QString lifecycleStage;
    QString originalSource;
    qint64 syncedAt = 0;
};

struct InventorySnapshot
{
    QDate date;
    int product = 0;
    int onHand = 0;
    int onOrder = 0;
    qint64 syncedAt = 0;
};

// A wholesale (B2B) invoice from the finance system: stockists buy on 30-day
// terms, so the month-end close ages what they still owe.
struct Invoice
{
    QString number; // INV-2026-04817
    QString customer;
    QDate issued;
    QDate due; // invalid: entered without a due date
    qint64 amount = 0;
    QDate paid; // invalid: still open
    qint64 syncedAt = 0;
};

struct Dataset
{
    QDate windowStart;
    QDate periodStart;
    QDate periodEnd; // exclusive
    qint64 now = 0;
    std::vector<Product> products;
    std::vector<SkuCost> skuCosts;
    std::vector<Order> orders;
    std::vector<OrderLine> orderLines;
    std::vector<Refund> refunds;
    std::vector<Charge> charges;
    std::vector<StripeRefund> stripeRefunds;
    std::vector<Settlement> settlements;
    std::vector<AdAccount> adAccounts;
    std::vector<AdSpend> adSpend;
    std::vector<Contact> contacts;
    std::vector<InventorySnapshot> inventory;
    std::vector<Invoice> invoices;
    qint64 productsSyncedAt = 0;
};

struct GenerateOptions
{
    QString scenario;
    qint64 now = 0; // seconds since epoch, UTC
    QDate periodStart;
    QDate periodEnd;
    quint32 seed = 0;
    // Orders, payments, payouts and ad spend go back at least to this day
    // (for the month-end pack), from a stream of their own: the data from
    // eight weeks before the period on is the same with or without it.
    QDate historyFrom;
    // The month the month-end pack reports (its first day); the
    // month-end-gap scenario loses one of its days.
    QDate closeMonth;
};

// Builds the consistent data first, then plants the scenario's fault, so a
// scenario differs from all-green only where its fault is.
Dataset generateDataset(const GenerateOptions &options);

qint64 secondsAt(const QDate &date, int hour = 0, int minute = 0, int second = 0);
QDate dateOf(qint64 secondsSinceEpoch);
QString isoTimestamp(qint64 secondsSinceEpoch);
QString decimalAmount(qint64 pence);

} // namespace vouch::engine::demo
