// Crash safety, through the real binary: a headless run is SIGKILLed at
// random moments, again and again. After every kill the state store is
// consistent, `vouch status` works and shows nothing as still running, no
// process the dead run started outlives it, and a failed-only rerun finishes
// the run with every node succeeded.
//
// The path mixes real child processes (short and longer ones, writing files),
// SQL on an SQLite warehouse (one writer at a time, through a pool), checks
// and noops, with fan-out and fan-in, so that a kill lands in every kind of
// node and in the scheduler between them. Half of the kills hit a fresh store
// (a first attempt), half a store that already holds many attempts.

#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QUuid>

#include <algorithm>
#include <random>

#include <unistd.h>

namespace {

constexpr int kKills = 24;        // the issue asks for at least 20
constexpr int kMinMidFlight = 10; // kills that must find nodes in flight
constexpr int kProcessTimeoutMs = 120000;
constexpr int kLeftoverDeadlineMs = 5000;
const QString kPeriod = QStringLiteral("2026-W47");

// Every command and SQL node is idempotent: a rerun repeats whatever the kill
// cut short. Commands name ${WORK} in their arguments, so they (and the
// guard shell around them) are findable by their command line; every child
// also inherits WORK in its environment, which finds even a bare `sleep`.
const QByteArray kContract = R"yaml(vouch: 1
report:
  id: crash_report
  name: Crash safety report
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections:
    - id: revenue
      name: Revenue
      needs: [final]
      on_failure: block
    - id: efficiency
      name: Marketing efficiency
      needs: [mart_efficiency, chk_mart_efficiency]
      on_failure: caveat
connections:
  warehouse: { driver: sqlite, database: "${WORK}/w.db" }
pools:
  warehouse_writer: 1
nodes:
  - id: init
    kind: command
    run: [mkdir, -p, "${WORK}/out"]
  - id: ingest_orders
    kind: command
    needs: [init]
    run: [sh, -c, 'sleep 0.3 && echo "$2" > "$1"', sh, "${WORK}/out/orders.txt", orders]
  - id: ingest_refunds
    kind: command
    needs: [init]
    run: [sh, -c, 'sleep 0.1 && echo "$2" > "$1"', sh, "${WORK}/out/refunds.txt", refunds]
  - id: ingest_products
    kind: command
    needs: [init]
    run: [sh, -c, 'sleep 0.05 && echo "$2" > "$1"', sh, "${WORK}/out/products.txt", products]
  - id: ingest_spend
    kind: command
    needs: [init]
    run: [sh, -c, 'sleep 0.3 && echo "$2" > "$1"', sh, "${WORK}/out/spend.txt", spend]
  - id: load_orders
    kind: sql
    needs: [ingest_orders]
    connection: warehouse
    pool: warehouse_writer
    sql:
      - "create table if not exists raw_orders (id integer, amount integer, period text)"
      - "delete from raw_orders"
      - "insert into raw_orders values (1, 1200, :period), (2, 2550, :period), (3, 990, :period)"
  - id: load_refunds
    kind: sql
    needs: [ingest_refunds]
    connection: warehouse
    pool: warehouse_writer
    sql:
      - "create table if not exists raw_refunds (order_id integer, amount integer)"
      - "delete from raw_refunds"
      - "insert into raw_refunds values (2, 550)"
  - id: load_products
    kind: sql
    needs: [ingest_products]
    connection: warehouse
    pool: warehouse_writer
    sql:
      - "create table if not exists raw_products (sku text, cost integer)"
      - "delete from raw_products"
      - "insert into raw_products values ('a', 300), ('b', 410)"
  - id: load_spend
    kind: sql
    needs: [ingest_spend]
    connection: warehouse
    pool: warehouse_writer
    sql:
      - "create table if not exists raw_spend (platform text, amount integer)"
      - "delete from raw_spend"
      - "insert into raw_spend values ('meta', 800), ('google', 650)"
  - id: chk_raw_orders
    kind: check
    needs: [load_orders]
    connection: warehouse
    value: "select count(*) from raw_orders"
    error_if: "< 1"
  - id: chk_raw_refunds
    kind: check
    needs: [load_refunds]
    connection: warehouse
    value: "select count(*) from raw_refunds"
    error_if: "< 1"
  - id: chk_raw_products
    kind: check
    needs: [load_products]
    connection: warehouse
    value: "select count(*) from raw_products"
    error_if: "< 1"
  - id: chk_raw_spend
    kind: check
    needs: [load_spend]
    connection: warehouse
    value: "select count(*) from raw_spend"
    error_if: "< 1"
  - id: stg_orders
    kind: sql
    needs: [chk_raw_orders]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists stg_orders",
          "create table stg_orders as select id, amount as amount_pence from raw_orders"]
  - id: stg_refunds
    kind: sql
    needs: [chk_raw_refunds]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists stg_refunds",
          "create table stg_refunds as select order_id, amount as amount_pence from raw_refunds"]
  - id: stg_products
    kind: sql
    needs: [chk_raw_products]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists stg_products",
          "create table stg_products as select sku, cost as cost_pence from raw_products"]
  - id: stg_spend
    kind: sql
    needs: [chk_raw_spend]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists stg_spend",
          "create table stg_spend as select platform, amount as amount_pence from raw_spend"]
  - id: int_order_history
    kind: sql
    needs: [stg_orders]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists int_order_history",
          "create table int_order_history as with recursive n(x) as (select 1 union all select x + 1 from n where x < 400000) select x as id, x % 97 as amount from n"]
  - id: chk_history_spread
    kind: check
    needs: [int_order_history]
    connection: warehouse
    value: "select count(distinct amount) from int_order_history"
    error_if: "!= 97"
  - id: note_orders
    kind: command
    needs: [stg_orders]
    run: [sleep, "0.05"]
  - id: note_refunds
    kind: command
    needs: [stg_refunds]
    run: [sleep, "0.05"]
  - id: note_products
    kind: command
    needs: [stg_products]
    run: [sh, -c, 'echo staged > "$1"', sh, "${WORK}/out/products.staged"]
  - id: note_spend
    kind: command
    needs: [stg_spend]
    run: [sh, -c, 'echo staged > "$1"', sh, "${WORK}/out/spend.staged"]
  - id: staged
    kind: noop
    needs: [stg_orders, stg_refunds, stg_products, stg_spend]
  - id: int_orders_net
    kind: sql
    needs: [staged]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists int_orders_net",
          "create table int_orders_net as select o.id, o.amount_pence - coalesce(r.amount_pence, 0) as net_pence from stg_orders o left join stg_refunds r on r.order_id = o.id"]
  - id: int_spend
    kind: sql
    needs: [staged]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists int_spend",
          "create table int_spend as select sum(amount_pence) as spend_pence from stg_spend"]
  - id: export_int
    kind: command
    needs: [int_orders_net]
    run: [sh, -c, 'sleep 0.1 && echo exported > "$1"', sh, "${WORK}/out/int.exported"]
  - id: chk_int_orders
    kind: check
    needs: [int_orders_net]
    connection: warehouse
    value: "select count(*) from int_orders_net where net_pence < 0"
    error_if: "> 0"
  - id: mart_revenue
    kind: sql
    needs: [int_orders_net, chk_int_orders]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists mart_revenue",
          "create table mart_revenue as select sum(net_pence) as revenue_pence, count(*) as orders from int_orders_net"]
  - id: mart_efficiency
    kind: sql
    needs: [int_orders_net, int_spend]
    connection: warehouse
    pool: warehouse_writer
    sql: ["drop table if exists mart_efficiency",
          "create table mart_efficiency as select (select sum(net_pence) from int_orders_net) * 1.0 / spend_pence as mer from int_spend"]
  - id: chk_mart_revenue
    kind: check
    needs: [mart_revenue]
    connection: warehouse
    value: "select revenue_pence from mart_revenue"
    error_if: "< 1"
  - id: chk_mart_efficiency
    kind: check
    needs: [mart_efficiency]
    connection: warehouse
    value: "select mer from mart_efficiency"
    warn_if: "< 1"
  - id: audit_rows
    kind: check
    needs: [mart_revenue]
    connection: warehouse
    value: "select orders from mart_revenue"
    error_if: "!= 3"
  - id: render_revenue
    kind: command
    needs: [chk_mart_revenue]
    run: [sh, -c, 'sleep 0.3 && echo rendered > "$1"', sh, "${WORK}/out/revenue.html"]
  - id: render_efficiency
    kind: command
    needs: [chk_mart_efficiency]
    run: [sleep, "0.05"]
  - id: snapshot
    kind: command
    needs: [render_revenue, render_efficiency]
    run: [sh, -c, 'ls "$1" > "$2.tmp" && mv "$2.tmp" "$2"', sh, "${WORK}/out", "${WORK}/listing.txt"]
  - id: ready
    kind: noop
    needs: [snapshot, audit_rows, chk_history_spread, note_orders, note_refunds, note_products, note_spend]
  - id: final
    kind: noop
    needs: [ready, export_int]
)yaml";

const QSet<QString> kKnownStates = {
    QStringLiteral("pending"),   QStringLiteral("queued"),          QStringLiteral("running"),
    QStringLiteral("retrying"),  QStringLiteral("succeeded"),       QStringLiteral("warned"),
    QStringLiteral("failed"),    QStringLiteral("upstream_failed"), QStringLiteral("skipped"),
    QStringLiteral("cancelled"), QStringLiteral("interrupted")};
const QSet<QString> kInFlightStates = {QStringLiteral("queued"), QStringLiteral("running"),
                                       QStringLiteral("retrying")};
// `vouch status` exits as `run` does: complete, caveated, partial, failed.
const QList<int> kNormalExitCodes = {0, 10, 20, 30};

struct Result
{
    int exitCode = -1;
    bool crashed = false;
    bool timedOut = false;
    QString out;
    QString err;

    QString describe() const
    {
        return QStringLiteral("exit %1%2%3\n--- stdout\n%4--- stderr\n%5")
            .arg(exitCode)
            .arg(crashed ? QStringLiteral(" (crashed)") : QString())
            .arg(timedOut ? QStringLiteral(" (timed out)") : QString())
            .arg(out, err);
    }
};

// What the test learnt from reading a store directly.
struct StoreFacts
{
    bool hasRun = false;
    bool hotJournal = false; // unreadable without a writer's rollback
    int attempts = 0;
    bool latestAttemptFinished = false;
    int unfinishedAttempts = 0; // attempts without a finish time
};

QString quoted(const QStringList &rows)
{
    return rows.mid(0, 10).join(QStringLiteral("; ")) +
           (rows.size() > 10 ? QStringLiteral("; … (%1 in all)").arg(rows.size()) : QString());
}

} // namespace

class TestCrashSafety : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QFile::exists(QStringLiteral("/proc/self/environ")));
        m_work = m_dir.filePath(QStringLiteral("work"));
        QVERIFY(QDir().mkpath(m_work));
        m_contract = m_dir.filePath(QStringLiteral("contract.yaml"));
        QFile f(m_contract);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(kContract), qint64(kContract.size()));
        f.close();

        // The engine refuses a missing SQLite warehouse; make an empty one.
        {
            const QString name = QUuid::createUuid().toString(QUuid::Id128);
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(m_work + QStringLiteral("/w.db"));
                QVERIFY2(db.open(), qPrintable(db.lastError().text()));
                QSqlQuery q(db);
                QVERIFY2(q.exec(QStringLiteral("create table warehouse_info (created text)")),
                         qPrintable(q.lastError().text()));
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }

        static const QRegularExpression node(QStringLiteral("^  - id: (\\S+)\n    kind: (\\S+)$"),
                                             QRegularExpression::MultilineOption);
        for (auto it = node.globalMatch(QString::fromUtf8(kContract)); it.hasNext();) {
            const auto m = it.next();
            m_kinds.insert(m.captured(1), m.captured(2));
        }

        // The leftover scan must see a child that carries WORK, and only while it lives.
        {
            QProcess sleeper;
            sleeper.setProcessEnvironment(environment());
            sleeper.start(QStringLiteral("sleep"), {QStringLiteral("30")});
            QVERIFY(sleeper.waitForStarted(10000));
            const QString pid = QStringLiteral("pid %1:").arg(sleeper.processId());
            const auto seen = [&] {
                const QStringList found = leftoverProcesses();
                return std::any_of(found.cbegin(), found.cend(),
                                   [&](const QString &p) { return p.startsWith(pid); });
            };
            // QProcess reports the start before the child's exec has
            // replaced its command line and environment (it takes longer
            // under a preloaded libfaketime): look until the exec shows.
            QTRY_VERIFY2_WITH_TIMEOUT(
                seen(), qPrintable(leftoverProcesses().join(QLatin1Char('\n'))), 10000);
            sleeper.kill();
            QVERIFY(sleeper.waitForFinished(10000));
            QVERIFY(!seen());
        }

        const Result r = vouch({QStringLiteral("validate"), m_contract});
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        m_nodeCount =
            r.out.section(QStringLiteral("valid: "), 1).section(QLatin1Char(' '), 0, 0).toInt();
        QVERIFY2(m_nodeCount >= 30, qPrintable(r.out));
        QCOMPARE(m_kinds.size(), m_nodeCount);
    }

    // The baseline: an uncut run completes, and its duration sets the range
    // of the random kill delays.
    void fullRunCompletes()
    {
        const QString store =
            m_dir.filePath(QStringLiteral("baseline-%1/state.db").arg(++m_baselines));
        QElapsedTimer timer;
        timer.start();
        const Result r = vouch(runArgs(store));
        m_fullRunMs = timer.elapsed();
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY2(m_fullRunMs > 0, "the run took no time");
        StoreFacts facts;
        const QString problem = checkStore(store, &facts);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(facts.hasRun && facts.latestAttemptFinished);
        const QString complete = expectComplete(store);
        QVERIFY2(complete.isEmpty(), qPrintable(complete));
        qInfo("a full run of %d nodes takes %lld ms", m_nodeCount, m_fullRunMs);
    }

    void killAtRandomMomentsAndRecover()
    {
        // The kill delays range over an uncut run's duration: measured by
        // fullRunCompletes, or here when this test runs alone (-functions,
        // another order).
        if (m_fullRunMs <= 0) {
            fullRunCompletes();
            if (QTest::currentTestFailed())
                return;
        }
        QVERIFY2(m_fullRunMs > 0, "the baseline run took no time");
        QElapsedTimer total;
        total.start();
        std::mt19937 rng(20261123u); // fixed: a failure replays with the same delays
        std::uniform_int_distribution<int> delayMs(20, int(std::max<qint64>(m_fullRunMs, 100)));
        const QString shared = m_dir.filePath(QStringLiteral("shared/state.db"));

        int kills = 0, midFlight = 0, notStarted = 0, beforeRunRecorded = 0, nothingToRecover = 0,
            ranToEnd = 0, hotJournals = 0;
        QMap<QString, int> interruptedByKind;
        for (int round = 0; kills < kKills; ++round) {
            QVERIFY2(round < kKills * 2, "too many runs finished before their kill");
            const bool fresh = round % 2 == 0;
            const QString store =
                fresh ? m_dir.filePath(QStringLiteral("fresh-%1/state.db").arg(round)) : shared;
            const int delay = delayMs(rng);
            const QString context =
                QStringLiteral("round %1 (%2 store, kill after %3 ms)")
                    .arg(round)
                    .arg(fresh ? QStringLiteral("fresh") : QStringLiteral("reused"))
                    .arg(delay);

            // --- run, and SIGKILL it after the delay
            QProcess run;
            run.setProcessEnvironment(environment());
            run.setStandardOutputFile(m_dir.filePath(QStringLiteral("run-%1.out").arg(round)));
            run.setStandardErrorFile(m_dir.filePath(QStringLiteral("run-%1.err").arg(round)));
            run.start(QStringLiteral(VOUCH_BINARY), runArgs(store));
            QVERIFY2(run.waitForStarted(10000), qPrintable(context));
            if (run.waitForFinished(delay)) {
                // Faster than the baseline this time: not a kill; try again.
                QVERIFY2(run.exitStatus() == QProcess::NormalExit && run.exitCode() == 0,
                         qPrintable(
                             context +
                             QStringLiteral(": the uncut run ended with %1").arg(run.exitCode())));
                ++ranToEnd;
                continue;
            }
            run.kill();
            QVERIFY2(run.waitForFinished(10000), qPrintable(context));
            if (run.exitStatus() != QProcess::CrashExit) {
                // It ended on its own between the wait and the kill.
                QVERIFY2(run.exitCode() == 0, qPrintable(context));
                ++ranToEnd;
                continue;
            }
            ++kills;

            // --- 1. the store, as the dead runner left it
            StoreFacts facts;
            QString problem = checkStore(store, &facts);
            // A kill while SQLite switched a new store to WAL leaves a hot
            // rollback journal, which only a writer may roll back: this
            // read-only look then waits for status (a writer) to open it.
            if (facts.hotJournal)
                ++hotJournals;
            else
                QVERIFY2(problem.isEmpty(), qPrintable(context + QStringLiteral(": ") + problem));

            // --- 3. nothing the dead run started is still running
            // (before status and rerun, whose recovery also kills leftovers)
            const QStringList leftovers = waitForNoLeftovers();
            QVERIFY2(leftovers.isEmpty(),
                     qPrintable(context +
                                QStringLiteral(": processes outlived the killed "
                                               "engine: ") +
                                quoted(leftovers)));

            // --- 2. status works; then the store it recovered is consistent
            QJsonObject status;
            QString statusProblem;
            const Result s = statusJson(store, &status, &statusProblem);
            StoreFacts recovered;
            problem = checkStore(store, &recovered);
            QVERIFY2(problem.isEmpty() && !recovered.hotJournal,
                     qPrintable(context + QStringLiteral(" (after status): ") + problem));
            QVERIFY2(recovered.hasRun || !facts.hasRun,
                     qPrintable(context + QStringLiteral(": status lost the run")));
            // Recovery ends the attempt the kill cut short.
            QVERIFY2(recovered.unfinishedAttempts == 0,
                     qPrintable(context + QStringLiteral(": %1 attempt(s) left without a finish "
                                                         "time after recovery")
                                              .arg(recovered.unfinishedAttempts)));

            if (!recovered.hasRun) {
                // Killed before the run was recorded: status says there is
                // nothing (a clear refusal, not a crash) and a plain run
                // starts the run from scratch.
                QVERIFY2(!s.crashed && s.exitCode == 2 &&
                             (s.err.contains(QStringLiteral("no state store")) ||
                              s.err.contains(QStringLiteral("no runs recorded"))),
                         qPrintable(context + QStringLiteral(": status\n") + s.describe()));
                const Result again = vouch(runArgs(store));
                QVERIFY2(again.exitCode == 0,
                         qPrintable(context + QStringLiteral(": run again\n") + again.describe()));
                ++beforeRunRecorded;
            } else {
                QVERIFY2(statusProblem.isEmpty(),
                         qPrintable(context + QStringLiteral(": ") + statusProblem));
                QStringList inFlight, interrupted, notSucceeded;
                const QJsonArray nodes = status.value(QStringLiteral("nodes")).toArray();
                QCOMPARE(nodes.size(), m_nodeCount);
                for (const QJsonValue &v : nodes) {
                    const QString id = v.toObject().value(QStringLiteral("id")).toString();
                    const QString state = v.toObject().value(QStringLiteral("state")).toString();
                    QVERIFY2(
                        kKnownStates.contains(state),
                        qPrintable(context +
                                   QStringLiteral(": node %1 is in state '%2'").arg(id, state)));
                    if (kInFlightStates.contains(state))
                        inFlight << id + QLatin1Char('=') + state;
                    if (state == QLatin1String("interrupted"))
                        interrupted << id;
                    if (state != QLatin1String("succeeded"))
                        notSucceeded << id + QLatin1Char('=') + state;
                }
                // ENGINE BUG if this fails: the runner is dead, so nothing runs.
                QVERIFY2(inFlight.isEmpty(),
                         qPrintable(context +
                                    QStringLiteral(": after the kill status still shows nodes in "
                                                   "flight: ") +
                                    quoted(inFlight)));
                qInfo("%s: status '%s' (exit %d), %lld not succeeded, interrupted: %s",
                      qPrintable(context),
                      qPrintable(status.value(QStringLiteral("status")).toString()), s.exitCode,
                      qlonglong(notSucceeded.size()),
                      qPrintable(interrupted.join(QLatin1Char(' '))));
                if (!interrupted.isEmpty()) {
                    ++midFlight;
                    for (const QString &id : std::as_const(interrupted))
                        ++interruptedByKind[m_kinds.value(id)];
                } else if (notSucceeded.isEmpty()) {
                    ++nothingToRecover;
                } else {
                    ++notStarted;
                }

                // --- 4. a failed-only rerun finishes the run
                const Result rerun = vouch(
                    {QStringLiteral("rerun"), QStringLiteral("--failed-only"),
                     QStringLiteral("--reason"), QStringLiteral("recover after kill %1").arg(kills),
                     QStringLiteral("--state"), store, QStringLiteral("--concurrency"),
                     QStringLiteral("3"), m_contract});
                if (rerun.exitCode == 2 && rerun.err.contains(QStringLiteral("nothing to rerun"))) {
                    QVERIFY2(notSucceeded.isEmpty() &&
                                 status.value(QStringLiteral("status")).toString() ==
                                     QLatin1String("complete"),
                             qPrintable(context +
                                        QStringLiteral(": nothing to rerun, but the run is not "
                                                       "complete: ") +
                                        quoted(notSucceeded)));
                } else {
                    // ENGINE BUG if this fails: the controlled rerun does not finish the run.
                    QVERIFY2(rerun.exitCode == 0,
                             qPrintable(context + QStringLiteral(": rerun --failed-only\n") +
                                        rerun.describe()));
                }
            }

            // --- the run is complete, and the store still consistent
            const QString complete = expectComplete(store);
            QVERIFY2(complete.isEmpty(), qPrintable(context + QStringLiteral(": ") + complete));
            problem = checkStore(store, &facts);
            QVERIFY2(problem.isEmpty(),
                     qPrintable(context + QStringLiteral(" (after recovery): ") + problem));
            QVERIFY2(facts.latestAttemptFinished,
                     qPrintable(context + QStringLiteral(": the recovering attempt is not "
                                                         "marked finished")));
            const QStringList leftovers2 = waitForNoLeftovers();
            QVERIFY2(leftovers2.isEmpty(),
                     qPrintable(context + QStringLiteral(": processes left after recovery: ") +
                                quoted(leftovers2)));
        }

        StoreFacts sharedFacts;
        QVERIFY(checkStore(shared, &sharedFacts).isEmpty());
        QStringList byKind;
        for (auto it = interruptedByKind.cbegin(); it != interruptedByKind.cend(); ++it)
            byKind << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
        qInfo("%d SIGKILLs (%d runs ended before their kill): %d mid-flight (interrupted nodes: "
              "%s), %d before any node started, %d before the run was recorded (%d left a hot "
              "journal), %d with every node already passed; the reused store holds %d attempts; "
              "%lld ms in all",
              kills, ranToEnd, midFlight, qPrintable(byKind.join(QStringLiteral(", "))), notStarted,
              beforeRunRecorded, hotJournals, nothingToRecover, sharedFacts.attempts,
              total.elapsed());
        QVERIFY2(midFlight >= kMinMidFlight,
                 qPrintable(QStringLiteral("only %1 of %2 kills caught the run mid-flight")
                                .arg(midFlight)
                                .arg(kills)));
    }

    // The attempt a SIGKILL cut short is over once recovery has run: it gets
    // a finish time, the engine clock's (here `--now`), not a null that
    // reads as "still running" forever.
    void recoveryFinishesTheInterruptedAttempt()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString marker = dir.filePath(QStringLiteral("slow-started"));
        const QString contract = dir.filePath(QStringLiteral("finish.yaml"));
        const QString store = dir.filePath(QStringLiteral("state.db"));
        {
            QFile f(contract);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QStringLiteral(R"(vouch: 1
report:
  id: finish_report
  name: Finish time
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections: [{id: all, name: All, needs: [slow], on_failure: hold}]
nodes:
  - {id: slow, kind: command, run: [sh, -c, "touch '%1'; sleep 120"]}
)")
                        .arg(marker)
                        .toUtf8());
        }
        QProcess run;
        run.setProcessEnvironment(environment());
        run.start(QStringLiteral(VOUCH_BINARY),
                  {QStringLiteral("run"), contract, QStringLiteral("--state"), store,
                   QStringLiteral("--period"), kPeriod});
        QVERIFY(run.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 60000);
        // Killed once the store says the node runs (its process may start
        // before the transition is flushed; under load, well before).
        const auto recordedRunning = [&store] {
            const QString name =
                QStringLiteral("running-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
            bool running = false;
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                db.setDatabaseName(store);
                db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
                if (db.open()) {
                    QSqlQuery q(db);
                    running = q.exec(QStringLiteral("SELECT count(*) FROM node_runs WHERE "
                                                    "node_id = 'slow' AND state = 'running'")) &&
                              q.next() && q.value(0).toInt() == 1;
                }
            }
            QSqlDatabase::removeDatabase(name);
            return running;
        };
        QTRY_VERIFY_WITH_TIMEOUT(recordedRunning(), 60000);
        run.kill();
        QVERIFY(run.waitForFinished(10000));
        QCOMPARE(run.exitStatus(), QProcess::CrashExit);

        const QString recoveredAt = QStringLiteral("2026-11-23T09:15:00Z");
        const Result status = vouch({QStringLiteral("status"), QStringLiteral("--state"), store,
                                     QStringLiteral("--now"), recoveredAt, contract});
        QVERIFY2(!status.crashed && kNormalExitCodes.contains(status.exitCode),
                 qPrintable(status.describe()));
        QVERIFY2(status.out.contains(QLatin1String("interrupted")), qPrintable(status.describe()));

        // Read the store the way another program would.
        const QString name =
            QStringLiteral("finish-check-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
        QStringList attempts;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(store);
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QSqlQuery q(db);
            QVERIFY2(q.exec(QStringLiteral("SELECT attempt, finished_at FROM attempts ORDER BY "
                                           "attempt")),
                     qPrintable(q.lastError().text()));
            while (q.next())
                attempts << QStringLiteral("attempt %1 finished %2")
                                .arg(q.value(0).toInt())
                                .arg(q.value(1).isNull()
                                         ? QStringLiteral("never")
                                         : QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(),
                                                                          QTimeZone::utc())
                                               .toString(Qt::ISODate));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        QCOMPARE(attempts, QStringList{QStringLiteral("attempt 1 finished ") +
                                       QDateTime::fromString(recoveredAt, Qt::ISODate)
                                           .toTimeZone(QTimeZone::utc())
                                           .toString(Qt::ISODate)});
        QVERIFY(waitForNoLeftovers().isEmpty());
    }

private:
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("WORK"), m_work);
        env.insert(QStringLiteral("VOUCH_USER"), QStringLiteral("crash-test"));
        // Keep the user's own data directory out of it.
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg-data")));
        env.insert(QStringLiteral("XDG_STATE_HOME"), m_dir.filePath(QStringLiteral("xdg-state")));
        return env;
    }

    Result vouch(const QStringList &args) const
    {
        vouch::test::VouchOptions options;
        options.env = environment();
        options.timeoutMs = kProcessTimeoutMs;
        const vouch::test::VouchResult v = vouch::test::runVouch(args, options);
        return {v.exitCode, v.crashed, v.timedOut, v.out, v.err};
    }

    QStringList runArgs(const QString &store) const
    {
        return {QStringLiteral("run"),           m_contract,
                QStringLiteral("--state"),       store,
                QStringLiteral("--period"),      kPeriod,
                QStringLiteral("--concurrency"), QStringLiteral("3")};
    }

    static QStringList statusArgs(const QString &store)
    {
        return {QStringLiteral("status"), QStringLiteral("--state"), store,
                QStringLiteral("--json")};
    }

    // `vouch status --json`: a normal exit code and a valid document.
    Result statusJson(const QString &store, QJsonObject *doc, QString *problem) const
    {
        const Result r = vouch(statusArgs(store));
        if (r.crashed || r.timedOut || !kNormalExitCodes.contains(r.exitCode)) {
            *problem = QStringLiteral("status did not exit normally\n") + r.describe();
            return r;
        }
        QJsonParseError error;
        const QJsonDocument json = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !json.isObject()) {
            *problem =
                QStringLiteral("status printed invalid JSON (%1)\n").arg(error.errorString()) +
                r.describe();
            return r;
        }
        *doc = json.object();
        return r;
    }

    // Empty when status says complete, with every node succeeded, exit 0.
    QString expectComplete(const QString &store) const
    {
        QJsonObject doc;
        QString problem;
        const Result r = statusJson(store, &doc, &problem);
        if (!problem.isEmpty())
            return problem;
        QStringList notSucceeded;
        const QJsonArray nodes = doc.value(QStringLiteral("nodes")).toArray();
        for (const QJsonValue &v : nodes) {
            const QJsonObject n = v.toObject();
            if (n.value(QStringLiteral("state")).toString() != QLatin1String("succeeded"))
                notSucceeded << n.value(QStringLiteral("id")).toString() + QLatin1Char('=') +
                                    n.value(QStringLiteral("state")).toString();
        }
        if (r.exitCode != 0 || doc.value(QStringLiteral("status")).toString() != "complete" ||
            nodes.size() != m_nodeCount || !notSucceeded.isEmpty())
            return QStringLiteral("the run is not complete: status '%1', %2 nodes, not "
                                  "succeeded: %3\n")
                       .arg(doc.value(QStringLiteral("status")).toString())
                       .arg(nodes.size())
                       .arg(quoted(notSucceeded)) +
                   r.describe();
        return {};
    }

    // Reads the store read-only, the way another program would after the
    // crash, and checks what must hold at every instant. Empty when it holds.
    QString checkStore(const QString &path, StoreFacts *facts) const
    {
        *facts = {};
        if (!QFile::exists(path))
            return {}; // killed before the store was created
        const QString name =
            QStringLiteral("crash-check-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
        QString problem;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(path);
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
            if (!db.open())
                problem = QStringLiteral("cannot open the store: ") + db.lastError().text();
            else
                problem = checkOpenStore(db, facts);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return problem;
    }

    QString checkOpenStore(QSqlDatabase &db, StoreFacts *facts) const
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        // Each query returns rows that describe violations; none may come back.
        const auto violations = [&q, facts](const QString &sql, QStringList *rows) {
            if (!q.exec(sql)) {
                const QString code = q.lastError().nativeErrorCode();
                // SQLITE_READONLY, or its extended SQLITE_READONLY_ROLLBACK
                facts->hotJournal = code == QLatin1String("8") || code == QLatin1String("776") ||
                                    q.lastError().text().contains(QLatin1String("readonly"));
                return QStringLiteral("query failed: %1: %2").arg(sql, q.lastError().text());
            }
            while (q.next()) {
                QStringList cells;
                for (int i = 0; i < q.record().count(); ++i)
                    cells << q.value(i).toString();
                rows->append(cells.join(QLatin1Char('|')));
            }
            q.finish();
            return QString();
        };

        QStringList rows;
        if (QString e = violations(QStringLiteral("PRAGMA integrity_check"), &rows); !e.isEmpty())
            return e;
        if (rows != QStringList{QStringLiteral("ok")})
            return QStringLiteral("integrity_check: ") + quoted(rows);
        rows.clear();
        if (QString e = violations(QStringLiteral("SELECT name FROM sqlite_master WHERE type = "
                                                  "'table' AND name = 'runs'"),
                                   &rows);
            !e.isEmpty())
            return e;
        if (rows.isEmpty())
            return {}; // killed before the schema was made (its migration is atomic)
        // Killed between two migrations: the store is at an older version,
        // which is consistent (the next open continues), and holds no run yet.
        rows.clear();
        if (QString e = violations(QStringLiteral("SELECT name FROM sqlite_master WHERE type = "
                                                  "'table' AND name = 'attempt_selections'"),
                                   &rows);
            !e.isEmpty())
            return e;
        if (rows.isEmpty()) {
            if (QString e = violations(QStringLiteral("SELECT id FROM runs"), &rows); !e.isEmpty())
                return e;
            return rows.isEmpty() ? QString()
                                  : QStringLiteral("runs in a store that was not migrated");
        }

        const QString terminal =
            QStringLiteral("('succeeded', 'warned', 'failed', 'upstream_failed', 'skipped', "
                           "'cancelled', 'interrupted')");
        QStringList known;
        for (const QString &s : kKnownStates)
            known << QLatin1Char('\'') + s + QLatin1Char('\'');
        const QString knownList =
            QLatin1Char('(') + known.join(QLatin1Char(',')) + QLatin1Char(')');
        const QList<std::pair<QString, QString>> checks = {
            {QStringLiteral("foreign keys"), QStringLiteral("PRAGMA foreign_key_check")},
            {QStringLiteral("attempts without a run"),
             QStringLiteral("SELECT run_id, attempt FROM attempts a WHERE NOT EXISTS "
                            "(SELECT 1 FROM runs r WHERE r.id = a.run_id)")},
            {QStringLiteral("events without an attempt"),
             QStringLiteral("SELECT seq, run_id, attempt, node_id FROM events e WHERE NOT EXISTS "
                            "(SELECT 1 FROM attempts a WHERE a.run_id = e.run_id AND "
                            "a.attempt = e.attempt)")},
            {QStringLiteral("node rows without an attempt"),
             QStringLiteral("SELECT run_id, node_id, attempt FROM node_runs n WHERE NOT EXISTS "
                            "(SELECT 1 FROM attempts a WHERE a.run_id = n.run_id AND "
                            "a.attempt = n.attempt)")},
            {QStringLiteral("unknown node states"),
             QStringLiteral("SELECT node_id, attempt, state FROM node_runs WHERE state NOT IN ") +
                 knownList},
            {QStringLiteral("unknown event states"),
             QStringLiteral("SELECT seq, node_id, state FROM events WHERE state NOT IN ") +
                 knownList},
            {QStringLiteral("terminal node rows without finished_at"),
             QStringLiteral("SELECT node_id, attempt, state FROM node_runs WHERE finished_at IS "
                            "NULL AND state IN ") +
                 terminal},
            {QStringLiteral("unfinished node rows with finished_at"),
             QStringLiteral("SELECT node_id, attempt, state FROM node_runs WHERE finished_at IS "
                            "NOT NULL AND state NOT IN ") +
                 terminal},
            {QStringLiteral("running node rows without started_at"),
             QStringLiteral("SELECT node_id, attempt FROM node_runs WHERE state = 'running' AND "
                            "started_at IS NULL")},
            // Each row is written with the event that produced it, in one transaction.
            {QStringLiteral("node rows whose last event is missing or differs"),
             QStringLiteral("SELECT n.node_id, n.attempt, n.state, n.updated_seq FROM node_runs n "
                            "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.seq = "
                            "n.updated_seq AND e.run_id = n.run_id AND e.attempt = n.attempt "
                            "AND e.node_id = n.node_id AND e.state = n.state)")},
            {QStringLiteral("node rows older than a later event of the same node"),
             QStringLiteral("SELECT n.node_id, n.attempt, n.updated_seq FROM node_runs n WHERE "
                            "EXISTS (SELECT 1 FROM events e WHERE e.run_id = n.run_id AND "
                            "e.attempt = n.attempt AND e.node_id = n.node_id AND e.seq > "
                            "n.updated_seq)")},
            // An attempt marked finished has nothing left in flight.
            {QStringLiteral("finished attempts with nodes in flight"),
             QStringLiteral("SELECT a.run_id, a.attempt, n.node_id, n.state FROM attempts a JOIN "
                            "node_runs n ON n.run_id = a.run_id AND n.attempt = a.attempt WHERE "
                            "a.finished_at IS NOT NULL AND n.state IN ('queued', 'running', "
                            "'retrying')")},
        };
        for (const auto &[what, sql] : checks) {
            rows.clear();
            if (QString e = violations(sql, &rows); !e.isEmpty())
                return e;
            if (!rows.isEmpty())
                return what + QStringLiteral(": ") + quoted(rows);
        }

        // The pending rows of an attempt land in one transaction: an attempt
        // has either no node rows or one for each node it selected.
        rows.clear();
        if (QString e = violations(
                QStringLiteral("SELECT a.run_id, a.attempt, s.selection, a.finished_at IS NOT "
                               "NULL, (SELECT count(*) FROM node_runs n WHERE n.run_id = "
                               "a.run_id AND n.attempt = a.attempt) FROM attempts a JOIN "
                               "attempt_selections s ON s.run_id = a.run_id AND s.attempt = "
                               "a.attempt ORDER BY a.run_id, a.attempt"),
                &rows);
            !e.isEmpty())
            return e;
        const QString nodeIdsProblem = checkNodeIds(q);
        if (!nodeIdsProblem.isEmpty())
            return nodeIdsProblem;
        for (const QString &row : std::as_const(rows)) {
            const QStringList cells = row.split(QLatin1Char('|'));
            const int selected = int(QJsonDocument::fromJson(cells.at(2).toUtf8()).array().size());
            const int written = cells.at(4).toInt();
            if (written != 0 && written != selected)
                return QStringLiteral("attempt %1 of run %2 selected %3 nodes but has %4 node rows")
                    .arg(cells.at(1), cells.at(0))
                    .arg(selected)
                    .arg(written);
            ++facts->attempts;
            facts->latestAttemptFinished = cells.at(3) == QLatin1String("1");
            if (!facts->latestAttemptFinished)
                ++facts->unfinishedAttempts;
        }
        rows.clear();
        if (QString e = violations(QStringLiteral("SELECT count(*) FROM runs"), &rows);
            !e.isEmpty())
            return e;
        if (rows.value(0).toInt() > 1)
            return QStringLiteral("%1 runs for one report and period").arg(rows.value(0));
        facts->hasRun = rows.value(0).toInt() == 1;
        return {};
    }

    // Only the contract's nodes appear in the store.
    QString checkNodeIds(QSqlQuery &q) const
    {
        if (!q.exec(QStringLiteral("SELECT DISTINCT node_id FROM node_runs UNION SELECT DISTINCT "
                                   "node_id FROM events")))
            return q.lastError().text();
        QStringList strangers;
        while (q.next()) {
            if (!m_kinds.contains(q.value(0).toString()))
                strangers << q.value(0).toString();
        }
        q.finish();
        return strangers.isEmpty()
                   ? QString()
                   : QStringLiteral("unknown nodes in the store: ") + quoted(strangers);
    }

    // Processes of this test's runs: their command line names the temporary
    // directory, or their environment carries its WORK (which every child
    // inherits, however it was started).
    QStringList leftoverProcesses() const
    {
        const QByteArray dir = m_dir.path().toUtf8();
        const QByteArray work = QByteArrayLiteral("WORK=") + m_work.toUtf8();
        const QString self = QString::number(::getpid());
        QStringList found;
        const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
        for (const QString &pid : pids) {
            bool numeric = false;
            pid.toInt(&numeric);
            if (!numeric || pid == self)
                continue;
            QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
            if (!cmdline.open(QIODevice::ReadOnly))
                continue;
            QByteArray command = cmdline.readAll();
            QFile environ(QStringLiteral("/proc/%1/environ").arg(pid));
            QList<QByteArray> env;
            if (environ.open(QIODevice::ReadOnly))
                env = environ.readAll().split('\0');
            if (command.isEmpty() && env.isEmpty())
                continue; // a zombie, or gone
            if (command.contains(dir) || env.contains(work))
                found << QStringLiteral("pid %1: %2")
                             .arg(pid, QString::fromUtf8(command.replace('\0', ' ')).trimmed());
        }
        return found;
    }

    // The guard of each command kills its group when the engine dies, which
    // takes a moment: poll until nothing is left or the deadline passes.
    QStringList waitForNoLeftovers() const
    {
        QElapsedTimer timer;
        timer.start();
        QStringList found = leftoverProcesses();
        while (!found.isEmpty() && timer.elapsed() < kLeftoverDeadlineMs) {
            QTest::qWait(50);
            found = leftoverProcesses();
        }
        return found;
    }

    QTemporaryDir m_dir;
    QString m_work;
    QString m_contract;
    QHash<QString, QString> m_kinds; // node id -> kind
    int m_nodeCount = 0;
    qint64 m_fullRunMs = 0;
    int m_baselines = 0;
};

VOUCH_TEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
