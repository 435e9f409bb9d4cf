#include "engine/demo/demowarehouse.h"

#include <QStandardPaths>

#include <QCoreApplication>

#include "engine/demo/demodataset.h"
#include "engine/run/dialect.h"
#include "engine/run/warehouseconnection.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/util/clock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimeZone>
#include <QVariant>

#include <array>
#include <atomic>
#include <functional>
#include <initializer_list>

namespace vouch::engine::demo {

namespace {

using namespace Qt::StringLiterals;

struct SourceTables
{
    const char *source;
    std::array<const char *, 2> tables; // nullptr: no second table
};

// Which landing tables each loader source copies.
const std::array<SourceTables, 11> kSources{{
    {"shopify_orders", {"shopify_orders", "shopify_order_lines"}},
    {"shopify_refunds", {"shopify_refunds"}},
    {"shopify_products", {"shopify_products"}},
    {"stripe_charges", {"stripe_charges"}},
    {"stripe_refunds", {"stripe_refunds"}},
    {"stripe_settlements", {"stripe_settlements"}},
    {"ad_spend", {"ad_spend", "ad_platform_accounts"}},
    {"hubspot_customers", {"hubspot_customers"}},
    {"inventory_snapshots", {"inventory_snapshots"}},
    {"sku_costs", {"sku_costs"}},
    {"invoices", {"invoices"}}, // the month-end pack's
}};

QString uniqueConnectionName()
{
    static std::atomic<int> counter{0};
    return QStringLiteral("vouch-demo-%1").arg(counter.fetch_add(1));
}

// Opens a uniquely named SQLite connection for the lifetime of `work` and
// removes it afterwards.
QString withDatabase(const QString &path, const std::function<QString(QSqlDatabase &)> &work)
{
    const QString name = uniqueConnectionName();
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=60000"));
        if (!db.open())
            error = QStringLiteral("cannot open %1: %2").arg(path, db.lastError().text());
        else
            error = work(db);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}

QString exec(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        return QStringLiteral("%1: %2").arg(sql, query.lastError().text());
    return {};
}

// Creates a table and inserts rows through one prepared statement.
class TableWriter
{
public:
    TableWriter(QSqlDatabase &db, const QString &table, const QStringList &columns)
        : m_query(db)
    {
        m_error = exec(db, QStringLiteral("create table %1 (%2)").arg(table, columns.join(u", ")));
        if (!m_error.isEmpty())
            return;
        QStringList marks;
        for (qsizetype i = 0; i < columns.size(); ++i)
            marks << QStringLiteral("?");
        if (!m_query.prepare(
                QStringLiteral("insert into %1 values (%2)").arg(table, marks.join(u", "))))
            m_error = QStringLiteral("%1: %2").arg(table, m_query.lastError().text());
        m_table = table;
    }

    void add(std::initializer_list<QVariant> values)
    {
        if (!m_error.isEmpty())
            return;
        int i = 0;
        for (const QVariant &v : values)
            m_query.bindValue(i++, v);
        if (!m_query.exec())
            m_error = QStringLiteral("%1: %2").arg(m_table, m_query.lastError().text());
    }

    QString error() const { return m_error; }

private:
    QSqlQuery m_query;
    QString m_table;
    QString m_error;
};

QVariant iso(qint64 t)
{
    return isoTimestamp(t);
}

QVariant isoDate(const QDate &d)
{
    return d.isValid() ? QVariant(d.toString(Qt::ISODate))
                       : QVariant(QMetaType(QMetaType::QString));
}

QVariant money(qint64 pence)
{
    return decimalAmount(pence);
}

QString writeLanding(QSqlDatabase &db, const Dataset &data, const InitOptions &options,
                     const Period &period)
{
    for (const char *pragma : {"pragma journal_mode = off", "pragma synchronous = off"}) {
        if (QString e = exec(db, QLatin1String(pragma)); !e.isEmpty())
            return e;
    }
    if (!db.transaction())
        return db.lastError().text();
    QStringList errors;
    const auto &products = data.products;
    {
        TableWriter w(db, QStringLiteral("_demo_info"),
                      {u"key text primary key"_s, u"value text"_s});
        w.add({u"generator"_s, u"vouch demo (Brightside)"_s});
        w.add({u"scenario"_s, options.scenario});
        w.add({u"seed"_s, QString::number(options.seed)});
        w.add({u"now"_s, iso(data.now)});
        w.add({u"period_start"_s, period.start.toString(Qt::ISODate)});
        w.add({u"period_end"_s, period.endExclusive.toString(Qt::ISODate)});
        w.add({u"period"_s, period.isoWeek});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("shopify_products"),
                      {u"product_id integer"_s, u"sku text"_s, u"title text"_s,
                       u"product_type text"_s, u"price text"_s, u"status text"_s,
                       u"created_at text"_s, u"_synced_at text"_s});
        for (const Product &p : products)
            w.add({p.productId, p.sku, p.title, p.category, money(p.price), u"active"_s,
                   iso(p.createdAt), iso(data.productsSyncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("sku_costs"),
                      {u"sku text"_s, u"unit_cost text"_s, u"currency text"_s,
                       u"effective_from text"_s, u"_synced_at text"_s});
        for (const SkuCost &c : data.skuCosts)
            w.add({products[size_t(c.product)].sku, money(c.unitCost), u"GBP"_s,
                   isoDate(c.effectiveFrom), iso(c.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("shopify_orders"),
                      {u"id integer"_s, u"name text"_s, u"created_at text"_s,
                       u"customer_id integer"_s, u"email text"_s, u"currency text"_s,
                       u"subtotal_price text"_s, u"total_discounts text"_s,
                       u"total_shipping_price text"_s, u"total_price text"_s,
                       u"discount_code text"_s, u"financial_status text"_s, u"gateway text"_s,
                       u"test integer"_s, u"_synced_at text"_s});
        for (const Order &o : data.orders)
            w.add({o.id, o.name, iso(o.createdAt), o.customerId, o.email, u"GBP"_s,
                   money(o.subtotal), money(o.discounts), money(o.shipping), money(o.total),
                   o.discountCode.isEmpty() ? QVariant(QMetaType(QMetaType::QString))
                                            : QVariant(o.discountCode),
                   u"paid"_s, o.test ? u"manual"_s : u"stripe"_s, o.test ? 1 : 0, iso(o.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("shopify_order_lines"),
                      {u"id integer"_s, u"order_id integer"_s, u"sku text"_s, u"quantity integer"_s,
                       u"price text"_s, u"total_discount text"_s, u"_synced_at text"_s});
        for (const OrderLine &l : data.orderLines)
            w.add({l.id, l.orderId, products[size_t(l.product)].sku, l.quantity, money(l.unitPrice),
                   money(l.discount), iso(l.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("shopify_refunds"),
                      {u"id integer"_s, u"order_id integer"_s, u"created_at text"_s,
                       u"amount text"_s, u"reason text"_s, u"_synced_at text"_s});
        for (const Refund &r : data.refunds)
            w.add({r.id, r.orderId, iso(r.createdAt), money(r.amount), r.reason, iso(r.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("stripe_charges"),
                      {u"id text"_s, u"created text"_s, u"amount integer"_s, u"currency text"_s,
                       u"fee integer"_s, u"status text"_s, u"card_country text"_s,
                       u"metadata_shopify_order_id integer"_s, u"_synced_at text"_s});
        for (const Charge &c : data.charges)
            w.add({c.id, iso(c.createdAt), c.amount, u"gbp"_s, c.fee, c.status, c.cardCountry,
                   c.orderId, iso(c.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("stripe_refunds"),
                      {u"id text"_s, u"charge_id text"_s, u"created text"_s, u"amount integer"_s,
                       u"currency text"_s, u"status text"_s, u"_synced_at text"_s});
        for (const StripeRefund &r : data.stripeRefunds)
            w.add({r.id, r.chargeId, iso(r.createdAt), r.amount, u"gbp"_s, u"succeeded"_s,
                   iso(r.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("stripe_settlements"),
                      {u"payout_id text"_s, u"charge_date text"_s, u"arrival_date text"_s,
                       u"charge_count integer"_s, u"gross integer"_s, u"refunds integer"_s,
                       u"fees integer"_s, u"net integer"_s, u"currency text"_s, u"status text"_s,
                       u"_synced_at text"_s});
        for (const Settlement &s : data.settlements)
            w.add({s.payoutId, isoDate(s.chargeDate), isoDate(s.payoutDate), s.chargeCount, s.gross,
                   s.refunds, s.fees, s.net, u"gbp"_s, u"paid"_s, iso(s.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("ad_platform_accounts"),
                      {u"platform text"_s, u"account_id text"_s, u"status text"_s,
                       u"created_on text"_s, u"_synced_at text"_s});
        for (const AdAccount &a : data.adAccounts)
            w.add({a.platform, a.accountId, a.status, isoDate(a.createdOn), iso(a.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("ad_spend"),
                      {u"date text"_s, u"platform text"_s, u"campaign_id text"_s,
                       u"campaign_name text"_s, u"spend text"_s, u"currency text"_s,
                       u"impressions integer"_s, u"clicks integer"_s, u"conversions integer"_s,
                       u"_synced_at text"_s});
        for (const AdSpend &a : data.adSpend)
            w.add({isoDate(a.date), a.platform, a.campaignId, a.campaignName, money(a.spend),
                   u"GBP"_s, a.impressions, a.clicks, a.conversions, iso(a.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("hubspot_customers"),
                      {u"contact_id integer"_s, u"email text"_s, u"shopify_customer_id integer"_s,
                       u"created_at text"_s, u"first_order_date text"_s, u"lifecycle_stage text"_s,
                       u"original_source text"_s, u"_synced_at text"_s});
        for (const Contact &c : data.contacts)
            w.add({c.id, c.email,
                   c.customerId ? QVariant(c.customerId) : QVariant(QMetaType(QMetaType::LongLong)),
                   iso(c.createdAt), isoDate(c.firstOrderDate), c.lifecycleStage, c.originalSource,
                   iso(c.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("inventory_snapshots"),
                      {u"snapshot_date text"_s, u"sku text"_s, u"location text"_s,
                       u"on_hand integer"_s, u"on_order integer"_s, u"_synced_at text"_s});
        for (const InventorySnapshot &s : data.inventory)
            w.add({isoDate(s.date), products[size_t(s.product)].sku, u"LON-1"_s, s.onHand,
                   s.onOrder, iso(s.syncedAt)});
        errors << w.error();
    }
    {
        TableWriter w(db, QStringLiteral("invoices"),
                      {u"invoice_number text"_s, u"customer_name text"_s, u"issue_date text"_s,
                       u"due_date text"_s, u"amount text"_s, u"currency text"_s,
                       u"paid_date text"_s, u"_synced_at text"_s});
        for (const Invoice &i : data.invoices)
            w.add({i.number, i.customer, isoDate(i.issued), isoDate(i.due), money(i.amount),
                   u"GBP"_s, isoDate(i.paid), iso(i.syncedAt)});
        errors << w.error();
    }
    errors.removeAll(QString());
    if (!errors.isEmpty()) {
        db.rollback();
        return errors.join(u"; ");
    }
    if (!db.commit())
        return db.lastError().text();
    return {};
}

} // namespace

QStringList scenarios()
{
    return {u"all-green"_s,       u"sku-cost-gap"_s,    u"late-stripe"_s,     u"missing-ad-spend"_s,
            u"stale-inventory"_s, u"bridge-variance"_s, u"missing-shopify"_s, u"month-end-gap"_s};
}

QStringList sources()
{
    QStringList names;
    for (const SourceTables &s : kSources)
        names << QLatin1String(s.source);
    for (const QString &m : monthEndSources())
        names.removeAll(m);
    return names;
}

QStringList monthEndSources()
{
    return {u"invoices"_s};
}

QList<DemoReport> reports()
{
    return {{u"weekly"_s, u"contract.yaml"_s}, {u"month-end"_s, u"month-end.yaml"_s}};
}

QString reportContractPath(const QString &key)
{
    for (const DemoReport &r : reports()) {
        if (r.key == key)
            return QFileInfo(contractPath()).absoluteDir().filePath(r.contractFile);
    }
    return {};
}

Period reportingPeriod(const QDateTime &now)
{
    const QDate today = now.toUTC().date();
    const QDate monday = today.addDays(1 - today.dayOfWeek());
    Period period;
    period.start = monday.addDays(-7);
    period.endExclusive = monday;
    int year = 0;
    const int week = period.start.weekNumber(&year);
    period.isoWeek = QString::asprintf("%04d-W%02d", year, week);
    return period;
}

QString initWarehouse(const InitOptions &options)
{
    if (!scenarios().contains(options.scenario)) {
        return QStringLiteral("unknown scenario \"%1\"; valid scenarios: %2")
            .arg(options.scenario, scenarios().join(u", "));
    }
    if (options.dir.isEmpty())
        return QStringLiteral("no directory given for the demo warehouse");
    QDir dir(options.dir);
    if (!dir.mkpath(QStringLiteral(".")))
        return QStringLiteral("cannot create directory %1").arg(options.dir);
    for (const QString &base : {u"landing.db"_s, u"warehouse.db"_s}) {
        for (const QString &suffix : {QString(), u"-wal"_s, u"-shm"_s, u"-journal"_s}) {
            const QString path = dir.filePath(base + suffix);
            if (QFile::exists(path) && !QFile::remove(path))
                return QStringLiteral("cannot replace %1").arg(path);
        }
    }

    const QDateTime now = (options.now.isValid() ? options.now : clockNow()).toUTC();
    const Period period = reportingPeriod(now);
    GenerateOptions generate;
    generate.scenario = options.scenario;
    generate.now = now.toSecsSinceEpoch();
    generate.periodStart = period.start;
    generate.periodEnd = period.endExclusive;
    generate.seed = options.seed;
    // The month before now's (London) month: the one a month-end close
    // early in this month reports.
    const QDate londonToday = now.toTimeZone(QTimeZone("Europe/London")).date();
    generate.closeMonth = QDate(londonToday.year(), londonToday.month(), 1).addMonths(-1);
    if (options.coverCloseMonth)
        generate.historyFrom = generate.closeMonth;
    const Dataset data = generateDataset(generate);

    QString error = withDatabase(dir.filePath(u"landing.db"_s), [&](QSqlDatabase &db) {
        return writeLanding(db, data, options, period);
    });
    if (!error.isEmpty())
        return QStringLiteral("cannot write the demo landing data: %1").arg(error);
    // WAL lets the loader write while the path's queries read.
    error = withDatabase(dir.filePath(u"warehouse.db"_s), [](QSqlDatabase &db) {
        QSqlQuery query(db);
        if (!query.exec(u"pragma journal_mode = wal"_s))
            return query.lastError().text();
        return QString();
    });
    if (!error.isEmpty())
        return QStringLiteral("cannot create the demo warehouse: %1").arg(error);
    return {};
}

namespace {

// The landing tables of `found` copied into a SQLite warehouse file by
// attaching landing.db: one transaction, no row leaves SQLite.
QString copyIntoSqlite(const QString &warehouse, const QString &landing, const SourceTables &found)
{
    return withDatabase(warehouse, [&](QSqlDatabase &db) -> QString {
        QSqlQuery attach(db);
        attach.prepare(u"attach database ? as landing"_s);
        attach.addBindValue(QFileInfo(landing).absoluteFilePath());
        if (!attach.exec())
            return attach.lastError().text();
        QString failure;
        if (!db.transaction()) {
            failure = db.lastError().text();
        } else {
            for (const char *table : found.tables) {
                if (!table)
                    continue;
                const QString name = QLatin1String(table);
                QSqlQuery exists(db);
                exists.prepare(
                    u"select count(*) from landing.sqlite_master where type = 'table' and name = ?"_s);
                exists.addBindValue(name);
                const bool present = exists.exec() && exists.next() && exists.value(0).toInt() == 1;
                exists.finish(); // an open statement would lock the table for the drop
                if (!present) {
                    failure = QStringLiteral("the landing data has no table %1").arg(name);
                    break;
                }
                failure = exec(db, QStringLiteral("drop table if exists main.raw_%1").arg(name));
                if (failure.isEmpty()) {
                    failure = exec(
                        db, QStringLiteral("create table main.raw_%1 as select * from landing.%1")
                                .arg(name));
                }
                if (!failure.isEmpty())
                    break;
            }
            if (failure.isEmpty() && !db.commit())
                failure = db.lastError().text();
            if (!failure.isEmpty())
                db.rollback();
        }
        QSqlQuery detach(db);
        detach.exec(u"detach database landing"_s);
        return failure;
    });
}

// Rows per INSERT into a server: twenty times fewer round trips than one
// by one, and statements short enough for drivers that slow down with many
// parameters (SQLite's ODBC driver: 200 rows took four times as long).
constexpr int kRowsPerInsert = 20;

// One landing table into `db` (any engine) as raw_<table>: dropped, created
// with the landing columns (integer -> BIGINT, text -> the dialect's short
// text), then filled by multi-row INSERTs with every value bound, in one
// transaction. Table and column names are the demo's own.
QString copyTable(QSqlDatabase &landing, ScopedDatabase &target, const Connection &connection,
                  const QString &table)
{
    QStringList columns, definitions;
    {
        QSqlQuery info(landing);
        if (!info.exec(QStringLiteral("pragma table_info(%1)").arg(table)))
            return info.lastError().text();
        while (info.next()) {
            const QString name = info.value(1).toString();
            columns << name;
            definitions << name + (info.value(2).toString().compare(u"integer"_s,
                                                                    Qt::CaseInsensitive) == 0
                                       ? u" BIGINT"_s
                                       : u" %ID"_s);
        }
    }
    if (columns.isEmpty())
        return QStringLiteral("the landing data has no table %1").arg(table);
    const QString raw = u"raw_"_s + table;
    QSqlDatabase db = target.db();
    {
        QSqlQuery drop(db);
        if (!drop.exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(raw)))
            return target.describe(drop.lastError());
    }
    if (QString e = ensureTable(db, connection.dialect, raw, definitions.join(u", "), QString());
        !e.isEmpty())
        return e;
    if (QString e = beginTransaction(db, connection); !e.isEmpty())
        return e;
    const QString row = u"("_s + QStringList(columns.size(), u"?"_s).join(u", ") + u")"_s;
    const QString head =
        QStringLiteral("INSERT INTO %1 (%2) VALUES ").arg(raw, columns.join(u", "));
    QSqlQuery insert(db);
    qsizetype prepared = 0; // rows the prepared INSERT takes
    QList<QVariantList> pending;
    auto flush = [&]() -> QString {
        if (pending.isEmpty())
            return {};
        if (prepared != pending.size()) {
            if (!insert.prepare(head + QStringList(pending.size(), row).join(u", ")))
                return target.describe(insert.lastError());
            prepared = pending.size();
        }
        int i = 0;
        for (const QVariantList &values : std::as_const(pending)) {
            for (const QVariant &v : values)
                insert.bindValue(i++, v);
        }
        pending.clear();
        return insert.exec() ? QString() : target.describe(insert.lastError());
    };
    QSqlQuery read(landing);
    read.setForwardOnly(true);
    QString failure;
    if (!read.exec(QStringLiteral("select %1 from %2").arg(columns.join(u", "), table)))
        failure = read.lastError().text();
    while (failure.isEmpty() && read.next()) {
        QVariantList values;
        values.reserve(columns.size());
        for (qsizetype c = 0; c < columns.size(); ++c)
            values << read.value(int(c));
        pending << values;
        if (pending.size() == kRowsPerInsert)
            failure = flush();
    }
    if (failure.isEmpty())
        failure = flush();
    if (failure.isEmpty())
        failure = commitTransaction(db, connection);
    if (!failure.isEmpty())
        rollbackTransaction(db, connection);
    return failure;
}

// The landing tables of `found` copied into another engine's warehouse.
QString copyIntoServer(const Connection &connection, const QString &landing,
                       const SourceTables &found)
{
    ScopedDatabase target(connection, RunContext{});
    if (!target.error().isEmpty())
        return target.error();
    return withDatabase(landing, [&](QSqlDatabase &db) -> QString {
        for (const char *table : found.tables) {
            if (!table)
                continue;
            if (QString e = copyTable(db, target, connection, QLatin1String(table)); !e.isEmpty())
                return QStringLiteral("%1: %2").arg(QLatin1String(table), e);
        }
        return QString();
    });
}

} // namespace

QString ingest(const QString &dir, const QString &source, const std::optional<Connection> &target)
{
    const SourceTables *found = nullptr;
    for (const SourceTables &s : kSources) {
        if (source == QLatin1String(s.source))
            found = &s;
    }
    if (!found) {
        return QStringLiteral("unknown source \"%1\"; valid sources: %2")
            .arg(source, (sources() + monthEndSources()).join(u", "));
    }
    const QString landing = QDir(dir).filePath(u"landing.db"_s);
    if (!QFileInfo::exists(landing)) {
        return QStringLiteral("no demo landing data in %1; run `vouch demo init %1` first")
            .arg(QDir::toNativeSeparators(dir.isEmpty() ? u"."_s : dir));
    }
    QString error;
    if (!target) {
        error = copyIntoSqlite(QDir(dir).filePath(u"warehouse.db"_s), landing, *found);
    } else if (target->driver == Connection::Driver::Sqlite) {
        error = copyIntoSqlite(expandEnvironment(target->database, RunContext{}), landing, *found);
    } else {
        error = copyIntoServer(*target, landing, *found);
    }
    if (!error.isEmpty())
        return QStringLiteral("cannot load %1 into the demo warehouse: %2").arg(source, error);
    return {};
}

} // namespace vouch::engine::demo

namespace vouch::engine::demo {

QString contractPath()
{
    const QString fromEnv = qEnvironmentVariable("VOUCH_DEMO_CONTRACT");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates = {
        appDir + QStringLiteral("/../share/vouch/demo/brightside/contract.yaml"),
        QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml"),
    };
    for (const QString &c : candidates) {
        if (QFileInfo::exists(c))
            return QDir::cleanPath(c);
    }
    return candidates.last();
}

QString defaultDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/demo");
}

QDateTime replayNow(const QDateTime &now)
{
    const QTimeZone london("Europe/London");
    const QDateTime local = now.toTimeZone(london);
    // The latest Monday 06:00 at or before now: this week's, unless it is
    // Monday before 06:00 (then last week's). Any other day of the week
    // already had its Monday.
    QDate monday = local.date().addDays(1 - local.date().dayOfWeek());
    QDateTime fire(monday, QTime(6, 0), london);
    if (fire > now)
        fire = QDateTime(monday.addDays(-7), QTime(6, 0), london);
    return fire.toUTC();
}

} // namespace vouch::engine::demo
