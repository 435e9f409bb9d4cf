#pragma once

// The Brightside demo warehouse: a fictional direct-to-consumer shop whose
// source systems (Shopify, Stripe, ad platforms, HubSpot, the stock system and
// a SKU cost sheet) export into DIR/landing.db, and a loader that copies one
// source at a time into DIR/warehouse.db as raw_* tables, like Fivetran would.
//
// Scenarios plant real faults in the landing data; nothing downstream (the
// loader, the contract's SQL) knows which scenario was chosen. All functions
// are synchronous, open their own uniquely named QSqlDatabase connections and
// may be called from any thread.

#include "engine/contract/contract.h"

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringList>

namespace vouch::engine::demo {

// all-green, sku-cost-gap, late-stripe, missing-ad-spend, stale-inventory,
// bridge-variance, missing-shopify, month-end-gap (a fault only the
// month-end pack sees)
QStringList scenarios();

// The weekly pack's ingestable sources, e.g. shopify_orders, ad_spend.
QStringList sources();
// What only the month-end pack loads: invoices (the finance system's
// wholesale invoices, for AR ageing).
QStringList monthEndSources();

// The demo's reports: the weekly operating report and the month-end close
// pack, both reading the same warehouse.
struct DemoReport
{
    QString key;          // "weekly", "month-end" (vouch demo --report)
    QString contractFile; // beside contract.yaml
};
QList<DemoReport> reports();
// The contract of a demo report (`key` as in reports()); empty when unknown.
QString reportContractPath(const QString &key);

struct InitOptions
{
    QString dir;
    QString scenario = QStringLiteral("all-green");
    QDateTime now; // invalid = current time
    quint32 seed = 20261128;
    // Orders, payments and payouts also cover the whole month before `now`'s
    // month (what the month-end pack reports), not only the eight weeks
    // before the reporting week. The weekly data is the same either way.
    bool coverCloseMonth = false;
};

// Writes DIR/landing.db (the source systems' exports, faults planted) and an
// empty DIR/warehouse.db, replacing earlier ones. Returns an error message for
// the user, or an empty string on success.
QString initWarehouse(const InitOptions &options);

// Copies one source's landing tables into the warehouse as raw_* tables
// (replacing them): DIR/warehouse.db, or `target`, a contract's connection
// (SQLite, PostgreSQL, MySQL/MariaDB or ODBC; opened as a sql node opens it,
// secrets resolved from their references). Returns an error message, or an
// empty string on success.
QString ingest(const QString &dir, const QString &source,
               const std::optional<Connection> &target = std::nullopt);

// The reporting period the demo data is built around: the last complete ISO
// week (Monday 00:00 up to the next Monday 00:00, UTC) before `now`.
struct Period
{
    QDate start;
    QDate endExclusive;
    QString isoWeek; // e.g. 2026-W48
};
Period reportingPeriod(const QDateTime &now);

// Where the Brightside contract is: $VOUCH_DEMO_CONTRACT, the install prefix
// (share/vouch/demo/brightside), or the source tree this Vouch was built from.
QString contractPath();
// <AppDataLocation>/demo
QString defaultDirectory();
// The demo replays the latest Monday 06:00 in London (when the report's
// schedule fires) at or before `now`: the week just ended, the deadline ahead.
QDateTime replayNow(const QDateTime &now);

} // namespace vouch::engine::demo
