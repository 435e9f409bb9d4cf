#include "engine/demo/demodataset.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace vouch::engine::demo {

namespace {

constexpr qint64 kUnixEpochJulianDay = 2440588;
constexpr qint64 kDay = 86400;

// Own distributions on top of std::mt19937: the standard library's
// distributions differ between implementations, the demo data must not.
class Rng
{
public:
    explicit Rng(quint32 seed)
        : m_engine(seed)
    {}
    quint32 next() { return m_engine(); }
    double uniform() { return m_engine() / 4294967296.0; }
    int below(int n) { return int(uniform() * n); }
    qint64 between(qint64 lo, qint64 hi) { return lo + qint64(uniform() * double(hi - lo + 1)); }
    bool chance(double p) { return uniform() < p; }
    double gauss()
    {
        const double u1 = 1.0 - uniform();
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    QString token(int length)
    {
        static const char alphabet[] =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        QString s(length, Qt::Uninitialized);
        for (int i = 0; i < length; ++i)
            s[i] = QLatin1Char(alphabet[below(62)]);
        return s;
    }

private:
    std::mt19937 m_engine;
};

// A categorical distribution sampled by binary search over cumulative weights.
class Weighted
{
public:
    explicit Weighted(const std::vector<double> &weights)
    {
        double sum = 0;
        for (double w : weights) {
            sum += w;
            m_cumulative.push_back(sum);
        }
    }
    int pick(Rng &rng) const
    {
        const double x = rng.uniform() * m_cumulative.back();
        const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), x);
        return int(std::min<std::ptrdiff_t>(it - m_cumulative.begin(),
                                            std::ptrdiff_t(m_cumulative.size()) - 1));
    }

private:
    std::vector<double> m_cumulative;
};

struct Category
{
    const char *name;
    const char *code;
    int count;
    int minPrice; // whole pounds
    int maxPrice;
    std::array<const char *, 8> nouns;
};

const std::array<Category, 6> kCategories{{
    {"Apparel",
     "APP",
     140,
     18,
     85,
     {"Tee", "Hoodie", "Crew Sweat", "Overshirt", "Chino", "Jogger", "Rain Jacket", "Beanie"}},
    {"Footwear",
     "FTW",
     60,
     45,
     140,
     {"Runner", "Trail Shoe", "Canvas Low", "Chelsea Boot", "Slider", "Court Trainer", "Hiker",
      "Loafer"}},
    {"Accessories",
     "ACC",
     90,
     8,
     45,
     {"Tote", "Cap", "Wallet", "Belt", "Scarf", "Socks 3-Pack", "Card Holder", "Bottle"}},
    {"Home",
     "HOM",
     80,
     12,
     90,
     {"Candle", "Throw", "Mug Set", "Cushion", "Planter", "Linen Napkins", "Vase", "Diffuser"}},
    {"Beauty",
     "BEA",
     80,
     6,
     38,
     {"Hand Cream", "Face Oil", "Lip Balm", "Body Wash", "Serum", "Cleanser", "Sunscreen",
      "Shampoo Bar"}},
    {"Outdoor",
     "OUT",
     50,
     25,
     160,
     {"Daypack", "Fleece", "Gilet", "Flask", "Camp Chair", "Headtorch", "Waterproof Trouser",
      "Bivvy Bag"}},
}};

const std::array<const char *, 16> kColours{"Navy",   "Sage",  "Oat",   "Charcoal", "Rust", "Ecru",
                                            "Forest", "Slate", "Clay",  "Indigo",   "Moss", "Sand",
                                            "Berry",  "Stone", "Ochre", "Black"};

struct Platform
{
    const char *name;
    double share;      // of the daily budget
    double cpm;        // pounds per thousand impressions
    double ctr;        // clicks per impression
    double conversion; // conversions per click
    int syncMinute;    // minute after 04:00 when yesterday's spend is synced
    std::array<const char *, 3> campaigns;
};

const std::array<Platform, 5> kPlatforms{{
    {"meta",
     0.45,
     7.5,
     0.012,
     0.028,
     20,
     {"Prospecting - Broad", "Retargeting - 30d", "Advantage+ Shopping"}},
    {"google",
     0.35,
     11.0,
     0.021,
     0.035,
     45,
     {"Brand Search", "Performance Max", "Shopping - Generic"}},
    {"tiktok",
     0.12,
     5.0,
     0.009,
     0.015,
     35,
     {"Spark Ads - Creators", "Prospecting - 18-34", "Catalog Ads"}},
    {"pinterest", 0.08, 4.0, 0.006, 0.012, 55, {"Home Inspiration", "Gift Guide", "Shopping Ads"}},
    {"snapchat", 0.0, 4.5, 0.007, 0.010, 50, {"Story Ads - Test", "Dynamic Ads", "Collection Ads"}},
}};

// Relative order volume per hour of the day (UTC).
const std::array<double, 24> kHourWeights{0.35, 0.2, 0.12, 0.1, 0.1,  0.15, 0.35, 0.6,
                                          0.85, 1.0, 1.05, 1.1, 1.25, 1.2,  1.1,  1.05,
                                          1.1,  1.2, 1.4,  1.6, 1.7,  1.5,  1.1,  0.7};

// Relative order volume per weekday, Monday first.
const std::array<double, 7> kWeekdayWeights{0.95, 0.92, 0.96, 1.0, 1.05, 1.12, 1.15};

// The next connector sync at or after `t`: syncs start every `interval`
// seconds and write a row `delay` seconds after they start.
qint64 syncAfter(qint64 t, qint64 interval, qint64 delay)
{
    return (t / interval + 1) * interval + delay;
}

qint64 roundPrice(qint64 pounds, Rng &rng)
{
    // Shop prices end in .00, .50 or .95.
    static const std::array<qint64, 3> endings{0, 50, 95};
    return pounds * 100 + endings[size_t(rng.below(3))];
}

qint64 stripeFee(qint64 amount, const QString &country)
{
    const double rate = country == QLatin1String("GB")   ? 0.015
                        : country == QLatin1String("US") ? 0.0325
                                                         : 0.025;
    return qint64(std::llround(amount * rate)) + 20;
}

class Generator
{
public:
    explicit Generator(const GenerateOptions &options)
        : m_options(options)
        , m_rng(options.seed)
    {
        m_data.periodStart = options.periodStart;
        m_data.periodEnd = options.periodEnd;
        m_data.windowStart = options.periodEnd.addDays(-56);
        m_data.now = options.now;
        m_today = dateOf(options.now);
        m_days = int(m_data.windowStart.daysTo(m_today)) + 1;
    }

    Dataset run()
    {
        makeProducts();
        makeHistoricalCustomers();
        makeOrders();
        makeAdSpend();
        makeLeads();
        makeInventory();
        plantFault();
        makeSettlements();
        if (m_options.scenario == QLatin1String("late-stripe")) {
            const QDate last = m_data.periodEnd.addDays(-3);
            std::erase_if(m_data.settlements,
                          [&](const Settlement &s) { return s.payoutDate > last; });
        }
        makeEarlierHistory();
        makeInvoices();
        if (m_options.scenario == QLatin1String("month-end-gap"))
            loseCloseMonthDay();
        return std::move(m_data);
    }

private:
    // The latest daily full sync of a small table (at hh:mm UTC) before now.
    qint64 latestDailySync(int hour, int minute) const
    {
        qint64 t = secondsAt(m_today, hour, minute, 7);
        if (t > m_data.now)
            t -= kDay;
        return t;
    }

    void makeProducts()
    {
        std::vector<double> weights;
        qint64 productId = 7400000000;
        for (const Category &category : kCategories) {
            for (int i = 0; i < category.count; ++i) {
                Product p;
                p.sku = QStringLiteral("BS-%1-%2")
                            .arg(QLatin1String(category.code))
                            .arg(1001 + i * 7, 4, 10, QLatin1Char('0'));
                p.productId = productId;
                productId += 1 + m_rng.below(40);
                p.title = QStringLiteral("%1 %2").arg(
                    QLatin1String(kColours[size_t(m_rng.below(16))]),
                    QLatin1String(category.nouns[size_t(m_rng.below(8))]));
                p.category = QLatin1String(category.name);
                p.price = roundPrice(m_rng.between(category.minPrice, category.maxPrice), m_rng);
                p.cost = qint64(std::llround(p.price * (0.32 + 0.2 * m_rng.uniform())));
                p.createdAt = secondsAt(m_data.windowStart.addDays(-int(m_rng.between(30, 900))),
                                        int(m_rng.between(8, 17)), m_rng.below(60));
                m_data.products.push_back(p);
            }
        }
        // Popularity: a long tail over a shuffled catalogue.
        std::vector<int> rank(m_data.products.size());
        for (size_t i = 0; i < rank.size(); ++i)
            rank[i] = int(i);
        for (size_t i = rank.size() - 1; i > 0; --i)
            std::swap(rank[i], rank[size_t(m_rng.below(int(i) + 1))]);
        weights.resize(rank.size());
        for (size_t i = 0; i < rank.size(); ++i)
            weights[i] = 1.0 / std::pow(rank[i] + 8.0, 0.85);
        m_popularity = std::make_unique<Weighted>(weights);

        m_data.productsSyncedAt = latestDailySync(1, 40);
        const qint64 costSync = latestDailySync(2, 10);
        for (size_t i = 0; i < m_data.products.size(); ++i) {
            SkuCost c;
            c.product = int(i);
            c.unitCost = m_data.products[i].cost;
            c.effectiveFrom = dateOf(m_data.products[i].createdAt);
            c.syncedAt = costSync;
            m_data.skuCosts.push_back(c);
        }
    }

    QString pickSource()
    {
        static const std::array<const char *, 6> sources{"PAID_SOCIAL",    "PAID_SEARCH",
                                                         "ORGANIC_SEARCH", "EMAIL_MARKETING",
                                                         "DIRECT_TRAFFIC", "REFERRALS"};
        static const Weighted weights({0.3, 0.22, 0.18, 0.1, 0.14, 0.06});
        return QLatin1String(sources[size_t(weights.pick(m_rng))]);
    }

    void makeHistoricalCustomers()
    {
        for (int i = 0; i < 30000; ++i) {
            Contact c;
            c.id = 51000 + m_nextContact++;
            c.customerId = ++m_lastCustomerId;
            c.email = QStringLiteral("customer%1@example.net").arg(c.customerId);
            const QDate first = m_data.windowStart.addDays(-int(m_rng.between(1, 1100)));
            c.createdAt = secondsAt(first, int(m_rng.between(7, 22)), m_rng.below(60));
            c.firstOrderDate = first;
            c.lifecycleStage = QStringLiteral("customer");
            c.originalSource = pickSource();
            // Contacts are touched now and then (emails, page views); the
            // connector syncs every 30 minutes.
            const qint64 touched =
                secondsAt(m_data.windowStart) +
                qint64(m_rng.uniform() * double(m_data.now - secondsAt(m_data.windowStart)));
            c.syncedAt = syncAfter(touched, 1800, 95);
            if (c.syncedAt > m_data.now)
                c.syncedAt -= 1800;
            m_data.contacts.push_back(c);
        }
    }

    void makeOrders()
    {
        Weighted hours(std::vector<double>(kHourWeights.begin(), kHourWeights.end()));
        m_sales.assign(size_t(m_days), std::vector<int>(m_data.products.size(), 0));
        qint64 orderId = 5813000000000;
        int orderNumber = 48210;
        qint64 lineId = 14300000000000;
        qint64 refundId = 982000000000;
        std::vector<qint64> customers; // customer ids that ordered at least once
        customers.reserve(60000);
        for (qint64 id = 1; id <= m_lastCustomerId; ++id)
            customers.push_back(id);
        QHash<qint64, int> contactOfCustomer;

        for (int day = 0; day < m_days; ++day) {
            const QDate date = m_data.windowStart.addDays(day);
            const double growth = 1.0 + 0.004 * day;
            const double mean = 610.0 * growth * kWeekdayWeights[size_t(date.dayOfWeek() - 1)];
            const int count = std::max(0, int(std::lround(mean + std::sqrt(mean) * m_rng.gauss())));
            std::vector<qint64> times(static_cast<size_t>(count));
            for (qint64 &t : times)
                t = secondsAt(date, hours.pick(m_rng), m_rng.below(60), m_rng.below(60));
            std::sort(times.begin(), times.end());

            for (qint64 created : times) {
                if (created > m_data.now)
                    break;
                Order order;
                order.id = orderId;
                orderId += 1 + m_rng.below(3);
                order.name = QStringLiteral("#%1").arg(orderNumber++);
                order.createdAt = created;
                order.syncedAt = syncAfter(created, 900, m_rng.between(60, 200));

                // New or returning customer.
                if (m_rng.chance(0.32)) {
                    order.customerId = ++m_lastCustomerId;
                    customers.push_back(order.customerId);
                    Contact c;
                    c.id = 51000 + m_nextContact++;
                    c.customerId = order.customerId;
                    c.email = QStringLiteral("customer%1@example.net").arg(c.customerId);
                    c.createdAt = created + m_rng.between(30, 600);
                    c.firstOrderDate = date;
                    c.lifecycleStage = QStringLiteral("customer");
                    c.originalSource = pickSource();
                    c.syncedAt = syncAfter(c.createdAt, 1800, 95);
                    if (c.syncedAt <= m_data.now)
                        m_data.contacts.push_back(c);
                } else {
                    order.customerId = customers[size_t(m_rng.below(int(customers.size())))];
                }
                order.email = QStringLiteral("customer%1@example.net").arg(order.customerId);

                // Lines.
                static const Weighted lineCounts({0.6, 0.25, 0.1, 0.05});
                const int lines = 1 + lineCounts.pick(m_rng);
                const double discountRate =
                    m_rng.chance(0.2)
                        ? std::array<double, 3>{0.1, 0.15, 0.2}[size_t(m_rng.below(3))]
                        : 0.0;
                if (discountRate > 0)
                    order.discountCode =
                        QStringLiteral("BRIGHT%1").arg(int(std::lround(discountRate * 100)));
                std::array<int, 4> chosen{-1, -1, -1, -1};
                const size_t firstLine = m_data.orderLines.size();
                for (int l = 0; l < lines; ++l) {
                    int product = m_popularity->pick(m_rng);
                    for (int retry = 0; retry < 5 && std::find(chosen.begin(), chosen.end(),
                                                               product) != chosen.end();
                         ++retry)
                        product = m_popularity->pick(m_rng);
                    if (std::find(chosen.begin(), chosen.end(), product) != chosen.end())
                        continue;
                    chosen[size_t(l)] = product;
                    static const Weighted quantities({0.85, 0.12, 0.03});
                    OrderLine line;
                    line.id = lineId;
                    lineId += 1 + m_rng.below(5);
                    line.orderId = order.id;
                    line.product = product;
                    line.quantity = 1 + quantities.pick(m_rng);
                    line.unitPrice = m_data.products[size_t(product)].price;
                    line.discount =
                        qint64(std::llround(line.unitPrice * line.quantity * discountRate));
                    line.syncedAt = order.syncedAt;
                    order.subtotal += line.unitPrice * line.quantity;
                    order.discounts += line.discount;
                    m_sales[size_t(day)][size_t(product)] += line.quantity;
                    m_data.orderLines.push_back(line);
                }
                order.shipping = order.subtotal - order.discounts >= 5000 ? 0 : 495;
                order.total = order.subtotal - order.discounts + order.shipping;
                if (order.syncedAt > m_data.now) {
                    m_data.orderLines.resize(firstLine);
                    continue; // created, not yet loaded by the connector
                }

                // Stripe: sometimes a declined attempt first, then the charge.
                static const Weighted countries({0.86, 0.08, 0.06});
                static const std::array<const char *, 3> countryCodes{"GB", "IE", "US"};
                const QString country = QLatin1String(countryCodes[size_t(countries.pick(m_rng))]);
                qint64 chargeTime = created + m_rng.between(20, 360);
                if (m_rng.chance(0.015)) {
                    Charge failed;
                    failed.id = QStringLiteral("ch_3") + m_rng.token(23);
                    failed.orderId = order.id;
                    failed.createdAt = chargeTime;
                    failed.amount = order.total;
                    failed.status = QStringLiteral("failed");
                    failed.cardCountry = country;
                    failed.syncedAt = syncAfter(failed.createdAt, 900, m_rng.between(120, 280));
                    if (failed.syncedAt <= m_data.now)
                        m_data.charges.push_back(failed);
                    chargeTime += m_rng.between(30, 120);
                }
                Charge charge;
                charge.id = QStringLiteral("ch_3") + m_rng.token(23);
                charge.orderId = order.id;
                charge.createdAt = chargeTime;
                charge.amount = order.total;
                charge.fee = stripeFee(order.total, country);
                charge.status = QStringLiteral("succeeded");
                charge.cardCountry = country;
                charge.syncedAt = syncAfter(charge.createdAt, 900, m_rng.between(120, 280));
                if (charge.syncedAt <= m_data.now)
                    m_data.charges.push_back(charge);

                // Refunds: Shopify first, Stripe a few minutes later.
                if (m_rng.chance(0.035)) {
                    Refund refund;
                    refund.id = refundId;
                    refundId += 1 + m_rng.below(9);
                    refund.orderId = order.id;
                    refund.createdAt = created + m_rng.between(3600, 14 * kDay);
                    const bool full = m_rng.chance(0.6);
                    refund.amount =
                        full ? order.total
                             : std::max<qint64>(100, (order.subtotal - order.discounts) / 2);
                    static const std::array<const char *, 4> reasons{"customer_changed_mind",
                                                                     "damaged_in_transit",
                                                                     "wrong_size", "late_delivery"};
                    refund.reason = QLatin1String(reasons[size_t(m_rng.below(4))]);
                    refund.syncedAt = syncAfter(refund.createdAt, 900, m_rng.between(60, 200));
                    StripeRefund stripeRefund;
                    stripeRefund.id = QStringLiteral("re_3") + m_rng.token(23);
                    stripeRefund.chargeId = charge.id;
                    stripeRefund.createdAt = refund.createdAt + m_rng.between(5, 240);
                    stripeRefund.amount = refund.amount;
                    stripeRefund.syncedAt =
                        syncAfter(stripeRefund.createdAt, 900, m_rng.between(120, 280));
                    if (refund.syncedAt <= m_data.now)
                        m_data.refunds.push_back(refund);
                    if (stripeRefund.syncedAt <= m_data.now)
                        m_data.stripeRefunds.push_back(stripeRefund);
                }
                m_data.orders.push_back(order);
            }

            // Now and then a staff test order on the manual gateway: no charge.
            if (day % 9 == 4) {
                Order test;
                test.id = orderId++;
                test.name = QStringLiteral("#%1").arg(orderNumber++);
                test.createdAt = secondsAt(date, 10, 12, 0);
                test.customerId = 1;
                test.email = QStringLiteral("qa@brightside.test");
                test.subtotal = test.total = 100;
                test.test = true;
                test.syncedAt = syncAfter(test.createdAt, 900, 90);
                if (test.syncedAt <= m_data.now) {
                    OrderLine line;
                    line.id = lineId++;
                    line.orderId = test.id;
                    line.product = 0;
                    line.quantity = 1;
                    line.unitPrice = 100;
                    line.syncedAt = test.syncedAt;
                    m_data.orderLines.push_back(line);
                    m_data.orders.push_back(test);
                }
            }
        }
        std::sort(m_data.orders.begin(), m_data.orders.end(),
                  [](const Order &a, const Order &b) { return a.id < b.id; });
    }

    void makeAdSpend()
    {
        const QDate snapchatPaused = m_data.windowStart.addDays(12);
        const qint64 accountsSync = latestDailySync(4, 5);
        for (const Platform &platform : kPlatforms) {
            AdAccount account;
            account.platform = QLatin1String(platform.name);
            account.accountId = QString::number(m_rng.between(100000000, 999999999));
            account.status =
                platform.share > 0 ? QStringLiteral("active") : QStringLiteral("paused");
            account.createdOn = m_data.windowStart.addDays(-int(m_rng.between(200, 1200)));
            account.syncedAt = accountsSync;
            m_data.adAccounts.push_back(account);
        }
        for (int day = 0; day < m_days; ++day) {
            const QDate date = m_data.windowStart.addDays(day);
            const double budget =
                11500.0 * (1.0 + 0.004 * day) * kWeekdayWeights[size_t(date.dayOfWeek() - 1)];
            for (const Platform &platform : kPlatforms) {
                const bool snapchat = qstrcmp(platform.name, "snapchat") == 0;
                if (snapchat && date >= snapchatPaused)
                    continue;
                const double share = snapchat ? 0.04 : platform.share;
                // Yesterday's spend is final early the next morning.
                const qint64 synced =
                    secondsAt(date.addDays(1), 4, platform.syncMinute, int(m_rng.between(0, 59)));
                for (int c = 0; c < 3; ++c) {
                    static const std::array<double, 3> split{0.5, 0.3, 0.2};
                    AdSpend row;
                    row.date = date;
                    row.platform = QLatin1String(platform.name);
                    row.campaignId = QStringLiteral("%1-%2").arg(row.platform).arg(23850 + c * 17);
                    row.campaignName = QLatin1String(platform.campaigns[size_t(c)]);
                    const double pounds =
                        budget * share * split[size_t(c)] * (0.85 + 0.3 * m_rng.uniform());
                    row.spend = qint64(std::llround(pounds * 100));
                    row.impressions = qint64(pounds / platform.cpm * 1000.0);
                    row.clicks = qint64(double(row.impressions) * platform.ctr *
                                        (0.8 + 0.4 * m_rng.uniform()));
                    row.conversions = qint64(double(row.clicks) * platform.conversion *
                                             (0.7 + 0.6 * m_rng.uniform()));
                    row.syncedAt = synced;
                    if (row.syncedAt <= m_data.now)
                        m_data.adSpend.push_back(row);
                }
            }
        }
    }

    void makeLeads()
    {
        // Newsletter sign-ups that have not ordered yet.
        const qint64 start = secondsAt(m_data.windowStart);
        const int count = m_days * 150;
        for (int i = 0; i < count; ++i) {
            Contact c;
            c.id = 51000 + m_nextContact++;
            c.email = QStringLiteral("lead%1@example.org").arg(c.id);
            c.createdAt = start + qint64(m_rng.uniform() * double(m_days) * kDay);
            c.lifecycleStage =
                m_rng.chance(0.7) ? QStringLiteral("subscriber") : QStringLiteral("lead");
            c.originalSource = pickSource();
            c.syncedAt = syncAfter(c.createdAt, 1800, 95);
            if (c.syncedAt <= m_data.now)
                m_data.contacts.push_back(c);
        }
        std::sort(m_data.contacts.begin(), m_data.contacts.end(),
                  [](const Contact &a, const Contact &b) { return a.id < b.id; });
    }

    void makeInventory()
    {
        const size_t n = m_data.products.size();
        std::vector<double> dailyRate(n, 0.0);
        for (int day = 0; day < std::min(m_days, 14); ++day)
            for (size_t p = 0; p < n; ++p)
                dailyRate[p] += m_sales[size_t(day)][p] / 14.0;
        std::vector<int> onHand(n), onOrder(n, 0), arrivesOnDay(n, -1);
        for (size_t p = 0; p < n; ++p)
            onHand[p] = int(std::lround(dailyRate[p] * double(m_rng.between(25, 60)))) + 5;
        for (int day = 0; day < m_days; ++day) {
            const QDate date = m_data.windowStart.addDays(day);
            // End-of-day stock is snapshotted and synced early the next morning.
            const qint64 synced = secondsAt(date.addDays(1), 4, 10, int(m_rng.between(0, 300)));
            for (size_t p = 0; p < n; ++p) {
                if (arrivesOnDay[p] == day) {
                    onHand[p] += onOrder[p];
                    onOrder[p] = 0;
                    arrivesOnDay[p] = -1;
                }
                onHand[p] = std::max(0, onHand[p] - m_sales[size_t(day)][p]);
                if (onOrder[p] == 0 && onHand[p] < dailyRate[p] * 14.0 + 3) {
                    onOrder[p] = int(std::lround(dailyRate[p] * 42.0)) + 10;
                    arrivesOnDay[p] = day + int(m_rng.between(5, 12));
                }
                if (synced > m_data.now)
                    continue;
                InventorySnapshot s;
                s.date = date;
                s.product = int(p);
                s.onHand = onHand[p];
                s.onOrder = onOrder[p];
                s.syncedAt = synced;
                m_data.inventory.push_back(s);
            }
        }
    }

    void plantFault()
    {
        // A separate stream, so the fault never shifts the consistent data.
        Rng fault(m_options.seed ^ 0x5eed0f17u);
        const QString &scenario = m_options.scenario;
        const qint64 periodStart = secondsAt(m_data.periodStart);
        const qint64 periodEnd = secondsAt(m_data.periodEnd);

        if (scenario == QLatin1String("missing-shopify")) {
            // The Shopify connector broke at the start of the week.
            QSet<qint64> dropped;
            std::erase_if(m_data.orders, [&](const Order &o) {
                if (o.createdAt < periodStart)
                    return false;
                dropped.insert(o.id);
                return true;
            });
            std::erase_if(m_data.orderLines,
                          [&](const OrderLine &l) { return dropped.contains(l.orderId); });
            std::erase_if(m_data.refunds,
                          [&](const Refund &r) { return r.createdAt >= periodStart; });
        } else if (scenario == QLatin1String("sku-cost-gap")) {
            // Fourteen products sold this week are missing from the cost sheet.
            QHash<qint64, qint64> createdOf;
            for (const Order &o : m_data.orders)
                createdOf.insert(o.id, o.createdAt);
            std::vector<int> sold;
            QSet<int> seen;
            for (const OrderLine &l : m_data.orderLines) {
                const qint64 t = createdOf.value(l.orderId, -1);
                if (t >= periodStart && t < periodEnd && l.product != 0 &&
                    !seen.contains(l.product)) {
                    seen.insert(l.product);
                    sold.push_back(l.product);
                }
            }
            std::sort(sold.begin(), sold.end());
            for (size_t i = 0; i < 14 && i < sold.size(); ++i)
                std::swap(sold[i], sold[i + size_t(fault.below(int(sold.size() - i)))]);
            const QSet<int> unmapped(sold.begin(),
                                     sold.begin() + std::min<size_t>(14, sold.size()));
            std::erase_if(m_data.skuCosts,
                          [&](const SkuCost &c) { return unmapped.contains(c.product); });
        } else if (scenario == QLatin1String("missing-ad-spend")) {
            // The TikTok connector lost its token: no spend since the week began.
            std::erase_if(m_data.adSpend, [&](const AdSpend &a) {
                return a.platform == QLatin1String("tiktok") && a.date >= m_data.periodStart;
            });
        } else if (scenario == QLatin1String("stale-inventory")) {
            // The stock export stopped after Thursday's snapshot.
            const QDate thursday = m_data.periodStart.addDays(3);
            std::erase_if(m_data.inventory,
                          [&](const InventorySnapshot &s) { return s.date > thursday; });
        } else if (scenario == QLatin1String("bridge-variance")) {
            // A webhook retry bug captured about 3% of the week's payments twice.
            std::vector<Charge> duplicates;
            for (const Charge &c : m_data.charges) {
                if (c.status != QLatin1String("succeeded") || c.createdAt < periodStart ||
                    c.createdAt >= periodEnd || !fault.chance(0.03))
                    continue;
                Charge d = c;
                d.id = QStringLiteral("ch_3") + fault.token(23);
                d.createdAt += fault.between(2, 40);
                duplicates.push_back(d);
            }
            m_data.charges.insert(m_data.charges.end(), duplicates.begin(), duplicates.end());
        }
        std::sort(m_data.charges.begin(), m_data.charges.end(),
                  [](const Charge &a, const Charge &b) { return a.createdAt < b.createdAt; });
    }

    void makeSettlements()
    {
        // Stripe pays each day's balance out two days later, in the morning.
        std::vector<Settlement> byDay(static_cast<size_t>(m_days));
        const qint64 start = secondsAt(m_data.windowStart);
        for (const Charge &c : m_data.charges) {
            if (c.status != QLatin1String("succeeded"))
                continue;
            const qint64 day = (c.createdAt - start) / kDay;
            if (day < 0 || day >= m_days)
                continue;
            Settlement &s = byDay[size_t(day)];
            s.gross += c.amount;
            s.fees += c.fee;
            ++s.chargeCount;
        }
        for (const StripeRefund &r : m_data.stripeRefunds) {
            const qint64 day = (r.createdAt - start) / kDay;
            if (day < m_days)
                byDay[size_t(day)].refunds += r.amount;
        }
        for (int day = 0; day < m_days; ++day) {
            Settlement &s = byDay[size_t(day)];
            s.chargeDate = m_data.windowStart.addDays(day);
            s.payoutDate = s.chargeDate.addDays(2);
            s.payoutId = QStringLiteral("po_1") + m_rng.token(23);
            s.net = s.gross - s.refunds - s.fees;
            s.syncedAt = secondsAt(s.payoutDate, 5, 20, int(m_rng.between(0, 900)));
            if (s.syncedAt <= m_data.now)
                m_data.settlements.push_back(s);
        }
    }

    // Days before the eight-week window, for the month-end pack: orders,
    // Stripe charges, refunds, payouts and ad spend, from a stream and id
    // ranges of their own so the window's data does not move.
    void makeEarlierHistory()
    {
        const QDate from = m_options.historyFrom;
        if (!from.isValid() || from >= m_data.windowStart)
            return;
        Rng rng(m_options.seed ^ 0x4d0e11a5u);
        Weighted hours(std::vector<double>(kHourWeights.begin(), kHourWeights.end()));
        const int days = int(from.daysTo(m_data.windowStart));
        qint64 orderId = 5812000000000;
        int orderNumber = 48210 - 900 * days;
        qint64 lineId = 14290000000000;
        qint64 refundId = 981000000000;
        const qint64 customers = std::max<qint64>(1, m_lastCustomerId);
        std::vector<Order> orders;
        std::vector<Charge> charges;
        std::vector<Settlement> settlements(static_cast<size_t>(days));
        for (int day = 0; day < days; ++day) {
            const QDate date = from.addDays(day);
            const qint64 dayEnd = secondsAt(date.addDays(1)) - 1;
            const double growth = 1.0 + 0.004 * (day - days);
            const double mean = 610.0 * growth * kWeekdayWeights[size_t(date.dayOfWeek() - 1)];
            const int count = std::max(0, int(std::lround(mean + std::sqrt(mean) * rng.gauss())));
            std::vector<qint64> times(static_cast<size_t>(count));
            for (qint64 &t : times)
                t = secondsAt(date, hours.pick(rng), rng.below(60), rng.below(60));
            std::sort(times.begin(), times.end());
            Settlement &payout = settlements[size_t(day)];
            for (qint64 created : times) {
                Order order;
                order.id = orderId;
                orderId += 1 + rng.below(3);
                order.name = QStringLiteral("#%1").arg(orderNumber++);
                order.createdAt = created;
                order.syncedAt = syncAfter(created, 900, rng.between(60, 200));
                order.customerId = rng.between(1, customers);
                order.email = QStringLiteral("customer%1@example.net").arg(order.customerId);
                const int lines = rng.chance(0.7) ? 1 : 2;
                int previous = -1;
                for (int l = 0; l < lines; ++l) {
                    const int product = m_popularity->pick(rng);
                    if (product == previous)
                        continue;
                    previous = product;
                    OrderLine line;
                    line.id = lineId;
                    lineId += 1 + rng.below(5);
                    line.orderId = order.id;
                    line.product = product;
                    line.quantity = rng.chance(0.88) ? 1 : 2;
                    line.unitPrice = m_data.products[size_t(product)].price;
                    line.syncedAt = order.syncedAt;
                    order.subtotal += line.unitPrice * line.quantity;
                    m_data.orderLines.push_back(line);
                }
                order.shipping = order.subtotal >= 5000 ? 0 : 495;
                order.total = order.subtotal + order.shipping;

                static const std::array<const char *, 3> countryCodes{"GB", "IE", "US"};
                const QString country =
                    QLatin1String(countryCodes[size_t(rng.chance(0.86) ? 0 : 1 + rng.below(2))]);
                Charge charge;
                charge.id = QStringLiteral("ch_3") + rng.token(23);
                charge.orderId = order.id;
                charge.createdAt = std::min(created + rng.between(20, 360), dayEnd);
                charge.amount = order.total;
                charge.fee = stripeFee(order.total, country);
                charge.status = QStringLiteral("succeeded");
                charge.cardCountry = country;
                charge.syncedAt = syncAfter(charge.createdAt, 900, rng.between(120, 280));
                charges.push_back(charge);
                payout.gross += charge.amount;
                payout.fees += charge.fee;
                ++payout.chargeCount;

                if (rng.chance(0.035)) {
                    Refund refund;
                    refund.id = refundId;
                    refundId += 1 + rng.below(9);
                    refund.orderId = order.id;
                    refund.createdAt = std::min(created + rng.between(600, 6 * 3600), dayEnd - 300);
                    refund.amount = order.total;
                    refund.reason = QStringLiteral("customer_changed_mind");
                    refund.syncedAt = syncAfter(refund.createdAt, 900, rng.between(60, 200));
                    StripeRefund stripeRefund;
                    stripeRefund.id = QStringLiteral("re_3") + rng.token(23);
                    stripeRefund.chargeId = charge.id;
                    stripeRefund.createdAt = refund.createdAt + rng.between(5, 240);
                    stripeRefund.amount = refund.amount;
                    stripeRefund.syncedAt =
                        syncAfter(stripeRefund.createdAt, 900, rng.between(120, 280));
                    m_data.refunds.push_back(refund);
                    m_data.stripeRefunds.push_back(stripeRefund);
                    payout.refunds += refund.amount;
                }
                orders.push_back(order);
            }
            payout.chargeDate = date;
            payout.payoutDate = date.addDays(2);
            payout.payoutId = QStringLiteral("po_1") + rng.token(23);
            payout.net = payout.gross - payout.refunds - payout.fees;
            payout.syncedAt = secondsAt(payout.payoutDate, 5, 20, int(rng.between(0, 900)));

            const double budget = 11500.0 * growth * kWeekdayWeights[size_t(date.dayOfWeek() - 1)];
            for (const Platform &platform : kPlatforms) {
                const double share =
                    qstrcmp(platform.name, "snapchat") == 0 ? 0.04 : platform.share;
                for (int c = 0; c < 3; ++c) {
                    static const std::array<double, 3> split{0.5, 0.3, 0.2};
                    AdSpend row;
                    row.date = date;
                    row.platform = QLatin1String(platform.name);
                    row.campaignId = QStringLiteral("%1-%2").arg(row.platform).arg(23850 + c * 17);
                    row.campaignName = QLatin1String(platform.campaigns[size_t(c)]);
                    const double pounds =
                        budget * share * split[size_t(c)] * (0.85 + 0.3 * rng.uniform());
                    row.spend = qint64(std::llround(pounds * 100));
                    row.impressions = qint64(pounds / platform.cpm * 1000.0);
                    row.clicks = qint64(double(row.impressions) * platform.ctr);
                    row.conversions = qint64(double(row.clicks) * platform.conversion);
                    row.syncedAt = secondsAt(date.addDays(1), 4, platform.syncMinute, 0);
                    m_data.adSpend.push_back(row);
                }
            }
        }
        m_data.orders.insert(m_data.orders.begin(), orders.begin(), orders.end());
        m_data.charges.insert(m_data.charges.begin(), charges.begin(), charges.end());
        m_data.settlements.insert(m_data.settlements.begin(), settlements.begin(),
                                  settlements.end());
        std::erase_if(m_data.settlements,
                      [&](const Settlement &s) { return s.syncedAt > m_data.now; });
    }

    // Stockists' invoices on 30-day terms, four months back: most are paid
    // within a few weeks of falling due, a few drift into the late buckets.
    void makeInvoices()
    {
        static const std::array<const char *, 12> kStockists{
            "Harbour & Pine Ltd",    "The Linen Cupboard", "Northgate Outfitters",
            "Marlow Home Co",        "Fell & Field",       "Copper Kettle Stores",
            "Westbrook Department",  "Little Ouse Gifts",  "Cairn Outdoor Supply",
            "Bramble Lane Boutique", "Saltmarsh Trading",  "Greyfriars Concept Store"};
        Rng rng(m_options.seed ^ 0x1a701ce5u);
        const qint64 synced = latestDailySync(5, 0);
        const QDate lastIssued = dateOf(synced).addDays(-1);
        QDate from =
            std::min(m_data.windowStart,
                     m_options.historyFrom.isValid() ? m_options.historyFrom : m_data.windowStart);
        from = from.addDays(-120);
        int number = 4200;
        for (QDate date = from; date <= lastIssued; date = date.addDays(1)) {
            if (date.dayOfWeek() > 5)
                continue;
            const int count = int(rng.below(4));
            for (int i = 0; i < count; ++i) {
                Invoice invoice;
                invoice.number = QStringLiteral("INV-%1-%2")
                                     .arg(date.year())
                                     .arg(number++, 5, 10, QLatin1Char('0'));
                invoice.customer = QLatin1String(kStockists[size_t(rng.below(12))]);
                invoice.issued = date;
                invoice.due = date.addDays(30);
                invoice.amount = rng.between(400, 6000) * 100 + rng.below(100);
                const QDate paid = invoice.due.addDays(int(rng.between(-12, 40)));
                if (!rng.chance(0.06) && paid <= lastIssued)
                    invoice.paid = paid;
                invoice.syncedAt = synced;
                m_data.invoices.push_back(invoice);
            }
        }
    }

    // month-end-gap: the Shopify connector skipped one day of the month the
    // close reports (its second Tuesday) and nobody noticed; Stripe was paid
    // as usual. The weekly pack's week is untouched.
    void loseCloseMonthDay()
    {
        const QDate month = m_options.closeMonth;
        if (!month.isValid())
            return;
        const QDate lost = month.addDays((2 - month.dayOfWeek() + 7) % 7 + 7);
        QSet<qint64> dropped;
        std::erase_if(m_data.orders, [&](const Order &o) {
            if (dateOf(o.createdAt) != lost)
                return false;
            dropped.insert(o.id);
            return true;
        });
        std::erase_if(m_data.orderLines,
                      [&](const OrderLine &l) { return dropped.contains(l.orderId); });
        std::erase_if(m_data.refunds, [&](const Refund &r) { return dropped.contains(r.orderId); });
    }

    GenerateOptions m_options;
    Rng m_rng;
    Dataset m_data;
    QDate m_today;
    int m_days = 0;
    qint64 m_lastCustomerId = 0;
    qint64 m_nextContact = 0;
    std::unique_ptr<Weighted> m_popularity;
    std::vector<std::vector<int>> m_sales; // units per day per product
};

} // namespace

qint64 secondsAt(const QDate &date, int hour, int minute, int second)
{
    return (date.toJulianDay() - kUnixEpochJulianDay) * kDay + hour * 3600 + minute * 60 + second;
}

QDate dateOf(qint64 secondsSinceEpoch)
{
    qint64 days = secondsSinceEpoch / kDay;
    if (secondsSinceEpoch < 0 && secondsSinceEpoch % kDay != 0)
        --days;
    return QDate::fromJulianDay(days + kUnixEpochJulianDay);
}

QString isoTimestamp(qint64 secondsSinceEpoch)
{
    const QDate date = dateOf(secondsSinceEpoch);
    const qint64 inDay = secondsSinceEpoch - secondsAt(date);
    return QString::asprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", date.year(), date.month(),
                             date.day(), int(inDay / 3600), int(inDay / 60 % 60), int(inDay % 60));
}

QString decimalAmount(qint64 pence)
{
    return QString::asprintf("%s%lld.%02lld", pence < 0 ? "-" : "", std::llabs(pence) / 100,
                             std::llabs(pence) % 100);
}

Dataset generateDataset(const GenerateOptions &options)
{
    return Generator(options).run();
}

} // namespace vouch::engine::demo
