// The Brightside demo warehouse: every scenario plants the fault a user would
// notice, and nothing else; all-green is consistent; the data is deterministic.

#include "engine/contract/contractloader.h"
#include "engine/demo/demowarehouse.h"
#include "support/testguard.h"

#include <QCryptographicHash>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <chrono>
#include <functional>

using namespace vouch::engine::demo;
using vouch::engine::ContractLoader;
using vouch::engine::Node;
using vouch::engine::NodeKind;
using namespace Qt::StringLiterals;

namespace {

// Monday morning, when the weekly report runs: the period is 2026-W48.
const QDateTime kNow(QDate(2026, 11, 30), QTime(6, 0), QTimeZone::utc());
const QDate kPeriodStart(2026, 11, 23);
const QDate kPeriodEnd(2026, 11, 30);

// A read-only connection to one demo database for the test's scope.
class Db
{
public:
    explicit Db(const QString &path)
        : m_name(u"tst-demo-%1"_s.arg(++s_counter))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~Db()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }

    QVariant value(const QString &sql) const
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        query.prepare(sql);
        query.bindValue(u":period_start"_s, kPeriodStart.toString(Qt::ISODate));
        query.bindValue(u":period_end"_s, kPeriodEnd.toString(Qt::ISODate));
        if (!query.exec() || !query.next()) {
            qWarning() << sql << query.lastError().text();
            return {};
        }
        return query.value(0);
    }

    // Runs one statement with every contract parameter bound, as the engine does.
    QString exec(const QString &sql, QVariant *first = nullptr) const
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.prepare(sql))
            return query.lastError().text();
        query.bindValue(u":period_start"_s, kPeriodStart.toString(Qt::ISODate));
        query.bindValue(u":period_end"_s, kPeriodEnd.toString(Qt::ISODate));
        query.bindValue(u":period"_s, u"2026-W48"_s);
        query.bindValue(u":now"_s, kNow.toString(Qt::ISODate));
        if (!query.exec())
            return query.lastError().text();
        if (first)
            *first = query.next() ? query.value(0) : QVariant();
        return {};
    }

    QByteArray digest(const QString &table) const
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        query.exec(u"select * from %1 order by rowid"_s.arg(table));
        QCryptographicHash hash(QCryptographicHash::Sha256);
        while (query.next()) {
            for (int i = 0; i < query.record().count(); ++i)
                hash.addData(query.value(i).toString().toUtf8() + '\x1f');
            hash.addData("\n");
        }
        return hash.result().toHex();
    }

private:
    static inline int s_counter = 0;
    QString m_name;
    bool m_ok = false;
};

QString initAndIngest(const QString &dir, const QString &scenario, quint32 seed = 20261128)
{
    InitOptions options;
    options.dir = dir;
    options.scenario = scenario;
    options.now = kNow;
    options.seed = seed;
    if (QString error = initWarehouse(options); !error.isEmpty())
        return error;
    for (const QString &source : sources()) {
        if (QString error = ingest(dir, source); !error.isEmpty())
            return error;
    }
    return {};
}

} // namespace

class TestDemoWarehouse : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The demo replays the latest Monday 06:00 in London at or before now,
    // on every day of the week and on both sides of a clock change.
    void replayNowIsTheLatestMondayAtSix_data()
    {
        QTest::addColumn<QString>("now");
        QTest::addColumn<QString>("replayed");
        QTest::newRow("Monday 05:59") << "2026-11-30T05:59:00Z"
                                      << "2026-11-23T06:00:00Z";
        QTest::newRow("Monday 06:00") << "2026-11-30T06:00:00Z"
                                      << "2026-11-30T06:00:00Z";
        QTest::newRow("Monday 12:01") << "2026-11-30T12:01:00Z"
                                      << "2026-11-30T06:00:00Z";
        QTest::newRow("Thursday 00:30") << "2026-12-03T00:30:00Z"
                                        << "2026-11-30T06:00:00Z";
        QTest::newRow("Sunday 23:59") << "2026-12-06T23:59:00Z"
                                      << "2026-11-30T06:00:00Z";
        // 25 Oct 2026: BST ends; the Monday before was on BST (05:00 UTC).
        QTest::newRow("clocks go back") << "2026-10-25T01:30:00Z"
                                        << "2026-10-19T05:00:00Z";
        // 30 Mar 2026, the Monday after BST began: 06:00 BST is 05:00 UTC.
        QTest::newRow("Monday on BST, 05:30 UTC") << "2026-03-30T05:30:00Z"
                                                  << "2026-03-30T05:00:00Z";
        QTest::newRow("ISO year turns") << "2027-01-03T23:59:00Z"
                                        << "2026-12-28T06:00:00Z";
    }

    void replayNowIsTheLatestMondayAtSix()
    {
        QFETCH(QString, now);
        QFETCH(QString, replayed);
        const QDateTime at = QDateTime::fromString(now, Qt::ISODate);
        QCOMPARE(replayNow(at).toUTC().toString(Qt::ISODate), replayed);
    }

    void reportingPeriod_data()
    {
        QTest::addColumn<QDateTime>("now");
        QTest::addColumn<QDate>("start");
        QTest::addColumn<QString>("isoWeek");
        QTest::newRow("monday morning") << kNow << kPeriodStart << u"2026-W48"_s;
        QTest::newRow("monday midnight")
            << QDateTime(QDate(2026, 11, 30), QTime(0, 0), QTimeZone::utc()) << kPeriodStart
            << u"2026-W48"_s;
        QTest::newRow("sunday night")
            << QDateTime(QDate(2026, 11, 29), QTime(23, 59), QTimeZone::utc())
            << QDate(2026, 11, 16) << u"2026-W47"_s;
        QTest::newRow("week 53") << QDateTime(QDate(2027, 1, 4), QTime(6, 0), QTimeZone::utc())
                                 << QDate(2026, 12, 28) << u"2026-W53"_s;
        QTest::newRow("other zone")
            << QDateTime(QDate(2026, 11, 30), QTime(0, 30), QTimeZone(3600)) // Sunday 23:30 UTC
            << QDate(2026, 11, 16) << u"2026-W47"_s;
    }

    void reportingPeriod()
    {
        QFETCH(QDateTime, now);
        QFETCH(QDate, start);
        QFETCH(QString, isoWeek);
        const Period period = vouch::engine::demo::reportingPeriod(now);
        QCOMPARE(period.start, start);
        QCOMPARE(period.endExclusive, start.addDays(7));
        QCOMPARE(period.start.dayOfWeek(), 1);
        QCOMPARE(period.isoWeek, isoWeek);
    }

    void scenario_data()
    {
        QTest::addColumn<QString>("scenario");
        for (const QString &s : scenarios())
            QTest::newRow(qPrintable(s)) << s;
    }

    void scenario()
    {
        QFETCH(QString, scenario);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QCOMPARE(initAndIngest(dir.path(), scenario), QString());
        Db db(dir.filePath(u"warehouse.db"_s));
        QVERIFY(db.ok());

        // Volume: tens of thousands of orders over eight weeks.
        const int orders = db.value(u"select count(*) from raw_shopify_orders"_s).toInt();
        QVERIFY2(orders > 20000, qPrintable(QString::number(orders)));
        QVERIFY(db.value(u"select count(*) from raw_shopify_order_lines"_s).toInt() > orders);
        QCOMPARE(
            db.value(u"select count(*) - count(distinct id) from raw_shopify_orders"_s).toInt(), 0);
        QCOMPARE(db.value(u"select count(*) from raw_shopify_products"_s).toInt(), 500);
        QVERIFY(db.value(u"select min(created_at) from raw_shopify_orders"_s).toString() >=
                kPeriodEnd.addDays(-56).toString(Qt::ISODate));
        QVERIFY(db.value(u"select max(created) from raw_stripe_charges"_s).toString() <=
                kNow.toString(Qt::ISODate));

        // Orders in the reporting week.
        const int periodOrders = db.value(u"select count(*) from raw_shopify_orders "
                                          "where created_at >= :period_start and "
                                          "created_at < :period_end"_s)
                                     .toInt();
        if (scenario == u"missing-shopify"_s) {
            QCOMPARE(periodOrders, 0);
            QCOMPARE(db.value(u"select count(*) from raw_shopify_orders "
                              "where created_at >= :period_end"_s)
                         .toInt(),
                     0);
        } else {
            QVERIFY2(periodOrders > 3000, qPrintable(QString::number(periodOrders)));
            // Fresh: the connector synced within the last half hour.
            QVERIFY(db.value(u"select max(_synced_at) from raw_shopify_orders"_s).toString() >=
                    kNow.addSecs(-1800).toString(Qt::ISODate));
        }

        // SKUs sold this week without a cost.
        const int unmapped =
            db.value(u"select count(distinct l.sku) from raw_shopify_order_lines l "
                     "join raw_shopify_orders o on o.id = l.order_id "
                     "left join raw_sku_costs c on c.sku = l.sku "
                     "where o.created_at >= :period_start and o.created_at < :period_end "
                     "and c.sku is null"_s)
                .toInt();
        QCOMPARE(unmapped, scenario == u"sku-cost-gap"_s ? 14 : 0);
        QCOMPARE(db.value(u"select count(*) from raw_sku_costs"_s).toInt(),
                 scenario == u"sku-cost-gap"_s ? 486 : 500);

        // Stripe payouts: two days after the charges, every day.
        const QDate lastPayout = QDate::fromString(
            db.value(u"select max(arrival_date) from raw_stripe_settlements"_s).toString(),
            Qt::ISODate);
        QCOMPARE(lastPayout, scenario == u"late-stripe"_s ? kPeriodEnd.addDays(-3) : kPeriodEnd);

        // Ad spend: every active platform spent in the week.
        const int silentPlatforms =
            db.value(u"select count(*) from raw_ad_platform_accounts a where status = 'active' "
                     "and not exists (select 1 from raw_ad_spend s where s.platform = a.platform "
                     "and s.date >= :period_start and s.date < :period_end)"_s)
                .toInt();
        QCOMPARE(silentPlatforms, scenario == u"missing-ad-spend"_s ? 1 : 0);
        QCOMPARE(db.value(u"select count(*) from raw_ad_platform_accounts "
                          "where status = 'active'"_s)
                     .toInt(),
                 4);

        // Inventory: a snapshot for every day of the week, synced on Monday.
        const QDate lastSnapshot = QDate::fromString(
            db.value(u"select max(snapshot_date) from raw_inventory_snapshots"_s).toString(),
            Qt::ISODate);
        QCOMPARE(lastSnapshot, scenario == u"stale-inventory"_s ? kPeriodStart.addDays(3)
                                                                : kPeriodEnd.addDays(-1));

        // Revenue bridge: Shopify net revenue against Stripe net charges.
        const double shopify =
            db.value(u"select (select sum(cast(total_price as real)) from raw_shopify_orders "
                     "where test = 0 and created_at >= :period_start and "
                     "created_at < :period_end) - (select coalesce(sum(cast(amount as real)), 0) "
                     "from raw_shopify_refunds where created_at >= :period_start and "
                     "created_at < :period_end)"_s)
                .toDouble();
        const double stripe =
            db.value(u"select ((select sum(amount) from raw_stripe_charges where status = "
                     "'succeeded' and created >= :period_start and created < :period_end) - "
                     "(select coalesce(sum(amount), 0) from raw_stripe_refunds where created >= "
                     ":period_start and created < :period_end)) / 100.0"_s)
                .toDouble();
        QVERIFY(stripe > 100000);
        const double variance = std::abs(shopify - stripe) / stripe;
        if (scenario == u"bridge-variance"_s || scenario == u"missing-shopify"_s)
            QVERIFY2(variance > 0.02, qPrintable(QString::number(variance)));
        else
            QVERIFY2(variance < 0.002, qPrintable(QString::number(variance)));
    }

    void contractFindsFaults_data()
    {
        // What each freshness node and check of the shipped contract must say:
        // all-green finds nothing, every scenario fires exactly its own nodes.
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QStringList>("findings");
        QTest::newRow("all-green") << u"all-green"_s << QStringList{};
        QTest::newRow("sku-cost-gap")
            << u"sku-cost-gap"_s << QStringList{u"chk_sku_cost_mapped=warn 14"_s};
        QTest::newRow("late-stripe") << u"late-stripe"_s
                                     << QStringList{u"src_stripe_settlements=stale_error"_s,
                                                    u"chk_settlements_complete=error 2"_s};
        QTest::newRow("missing-ad-spend")
            << u"missing-ad-spend"_s << QStringList{u"chk_ad_spend_complete=warn 1"_s};
        QTest::newRow("stale-inventory")
            << u"stale-inventory"_s
            << QStringList{u"src_inventory_snapshots=stale_error"_s,
                           u"chk_inventory_snapshot_current=error 3"_s};
        QTest::newRow("bridge-variance")
            << u"bridge-variance"_s << QStringList{u"chk_revenue_bridge=error"_s};
        QTest::newRow("missing-shopify")
            << u"missing-shopify"_s
            << QStringList{u"src_shopify_orders=stale_error"_s,
                           u"src_shopify_refunds=stale_error"_s, u"chk_orders_present=error 0"_s,
                           u"chk_revenue_bridge=error"_s};
    }

    void contractFindsFaults()
    {
        QFETCH(QString, scenario);
        QFETCH(QStringList, findings);
        const auto loaded = ContractLoader::loadFile(
            QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml"));
        QVERIFY(loaded.ok());
        QTemporaryDir dir;
        QCOMPARE(initAndIngest(dir.path(), scenario), QString());
        Db db(dir.filePath(u"warehouse.db"_s));

        // Every node after its needs; run every model even below a stale source.
        QStringList order;
        std::function<void(const QString &)> visit = [&](const QString &id) {
            if (order.contains(id))
                return;
            for (const QString &need : loaded.contract->node(id)->needs)
                visit(need);
            order << id;
        };
        for (const Node &node : loaded.contract->nodes)
            visit(node.id);

        QStringList actual;
        for (const QString &id : order) {
            const Node &node = *loaded.contract->node(id);
            if (node.kind == NodeKind::Sql) {
                for (const QString &statement : node.statements)
                    QCOMPARE(db.exec(statement), QString());
            } else if (node.kind == NodeKind::Freshness) {
                QVariant loadedAt;
                QCOMPARE(db.exec(node.loadedAt, &loadedAt), QString());
                const auto age = std::chrono::seconds(
                    QDateTime::fromString(loadedAt.toString(), Qt::ISODate).secsTo(kNow));
                if (node.errorAfter && age > *node.errorAfter)
                    actual << id + u"=stale_error"_s;
                else if (node.warnAfter && age > *node.warnAfter)
                    actual << id + u"=stale_warn"_s;
            } else if (node.kind == NodeKind::Check) {
                QVariant value, reference;
                QCOMPARE(db.exec(node.value, &value), QString());
                std::optional<double> ref;
                if (!node.reference.isEmpty()) {
                    QCOMPARE(db.exec(node.reference, &reference), QString());
                    ref = reference.toDouble();
                }
                if (!node.rows.isEmpty())
                    QCOMPARE(db.exec(node.rows), QString());
                const QString shown = ref ? QString() : u" "_s + QString::number(value.toDouble());
                if (node.errorIf && node.errorIf->matches(value.toDouble(), ref))
                    actual << id + u"=error"_s + shown;
                else if (node.warnIf && node.warnIf->matches(value.toDouble(), ref))
                    actual << id + u"=warn"_s + shown;
            }
        }
        QCOMPARE(actual, findings);
    }

    void deterministic()
    {
        QTemporaryDir a, b, c;
        QCOMPARE(initAndIngest(a.path(), u"sku-cost-gap"_s), QString());
        QCOMPARE(initAndIngest(b.path(), u"sku-cost-gap"_s), QString());
        QCOMPARE(initAndIngest(c.path(), u"sku-cost-gap"_s, 7), QString());
        Db da(a.filePath(u"warehouse.db"_s));
        Db db(b.filePath(u"warehouse.db"_s));
        Db dc(c.filePath(u"warehouse.db"_s));
        for (const QString &table :
             {u"raw_shopify_orders"_s, u"raw_shopify_order_lines"_s, u"raw_stripe_charges"_s,
              u"raw_stripe_settlements"_s, u"raw_sku_costs"_s, u"raw_hubspot_customers"_s,
              u"raw_inventory_snapshots"_s, u"raw_ad_spend"_s}) {
            QCOMPARE(da.digest(table), db.digest(table));
        }
        QVERIFY(da.digest(u"raw_shopify_orders"_s) != dc.digest(u"raw_shopify_orders"_s));
    }

    void faultTouchesOnlyItsSource()
    {
        // A scenario differs from all-green only where its fault is.
        QTemporaryDir green, gap;
        QCOMPARE(initAndIngest(green.path(), u"all-green"_s), QString());
        QCOMPARE(initAndIngest(gap.path(), u"late-stripe"_s), QString());
        Db g(green.filePath(u"warehouse.db"_s));
        Db l(gap.filePath(u"warehouse.db"_s));
        QCOMPARE(g.digest(u"raw_shopify_orders"_s), l.digest(u"raw_shopify_orders"_s));
        QCOMPARE(g.digest(u"raw_stripe_charges"_s), l.digest(u"raw_stripe_charges"_s));
        QCOMPARE(g.digest(u"raw_sku_costs"_s), l.digest(u"raw_sku_costs"_s));
        QVERIFY(g.digest(u"raw_stripe_settlements"_s) != l.digest(u"raw_stripe_settlements"_s));
    }

    void unknownScenario()
    {
        QTemporaryDir dir;
        InitOptions options;
        options.dir = dir.path();
        options.scenario = u"all-gren"_s;
        const QString error = initWarehouse(options);
        QVERIFY(error.contains(u"all-gren"_s));
        for (const QString &s : scenarios())
            QVERIFY2(error.contains(s), qPrintable(error));
        QVERIFY(!QFile::exists(dir.filePath(u"landing.db"_s)));
    }

    void ingestErrors()
    {
        QTemporaryDir dir;
        const QString notInitialised = ingest(dir.path(), u"shopify_orders"_s);
        QVERIFY(notInitialised.contains(u"vouch demo init"_s));

        const QString unknown = ingest(dir.path(), u"shopify"_s);
        QVERIFY(unknown.contains(u"\"shopify\""_s));
        QVERIFY(unknown.contains(u"stripe_settlements"_s));
        QCOMPARE(sources().size(), 10);
    }

    void ingestReplaces()
    {
        QTemporaryDir dir;
        InitOptions options;
        options.dir = dir.path();
        options.now = kNow;
        QCOMPARE(initWarehouse(options), QString());
        QCOMPARE(ingest(dir.path(), u"sku_costs"_s), QString());
        QCOMPARE(ingest(dir.path(), u"sku_costs"_s), QString());
        Db db(dir.filePath(u"warehouse.db"_s));
        QCOMPARE(db.value(u"select count(*) from raw_sku_costs"_s).toInt(), 500);
        QCOMPARE(db.value(u"select count(*) from sqlite_master where name = "
                          "'raw_shopify_orders'"_s)
                     .toInt(),
                 0);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDemoWarehouse)
#include "tst_demowarehouse.moc"
