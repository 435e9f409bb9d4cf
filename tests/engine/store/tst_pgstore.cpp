// The state store on a real PostgreSQL server (the PostgreSQL fixture,
// tests/support/pg-fixture.sh): the same interface as on SQLite, migrations that two processes may
// run at once, batched transitions, leases on the server's clock, requests, the audit log's
// PostgreSQL path, the notifications watchers listen to, and a watcher whose connection is killed
// that reconnects and misses nothing.

#include "engine/store/statestore.h"
#include "engine/store/storewatcher.h"
#include "engine/trust/auditlog.h"

#include "support/clock.h"
#include "support/pgtest.h"

#include <QCoreApplication>
#include <QMutex>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace vouch::engine;
using namespace vouch::test;

namespace {

const QDateTime kT0 = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, Qt::UTC);

Transition transition(qint64 runId, int attempt, const QString &nodeId, NodeState state,
                      qint64 offsetMs = 0)
{
    return makeTransition(runId, attempt, nodeId, state, kT0.addMSecs(offsetMs));
}

} // namespace

class TestPgStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensAndMigrates()
    {
        const QString url = pgFreshDatabase(QStringLiteral("store"));
        QString error;
        {
            auto store = StateStore::open(url, &error);
            QVERIFY2(store, qPrintable(error));
            QVERIFY(store->isPostgres());
            QCOMPARE(store->databaseUser(), QStringLiteral("vouch_admin"));
            QVERIFY(!store->path().contains(QLatin1String("password")));
            QSqlQuery q(QSqlDatabase::database(store->connectionName(), false));
            QVERIFY(q.exec(QStringLiteral("SELECT count(*), max(version) FROM schema_version")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), StateStore::kSchemaVersion);
            QCOMPARE(q.value(1).toInt(), StateStore::kSchemaVersion);
        }
        auto again = StateStore::open(url, &error);
        QVERIFY2(again, qPrintable(error));
        QVERIFY(!again->latestRun());
        QVERIFY(again->runs(QString(), 0).isEmpty());
    }

    void badUrlsAreRefusedWithoutEchoingThem()
    {
        QString error;
        QVERIFY(!StateStore::open(QStringLiteral("postgres://u:s3cret@127.0.0.1:1/"), &error));
        QVERIFY(error.contains(QLatin1String("names no database")));
        QVERIFY(!error.contains(QLatin1String("s3cret")));
        QVERIFY(!StateStore::open(QStringLiteral("postgres://u:s3cret@127.0.0.1:1/db"), &error));
        QVERIFY2(error.contains(QLatin1String("cannot connect")), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("s3cret")), qPrintable(error));
    }

    // Two processes starting at once: one migrates, the other waits and finds
    // the schema current. Here: six connections on six threads.
    void concurrentMigrationsAreSafe()
    {
        const QString url = pgFreshDatabase(QStringLiteral("migrate"));
        std::atomic<int> opened{0};
        QStringList errors;
        QMutex mutex;
        QList<QThread *> threads;
        for (int i = 0; i < 6; ++i) {
            threads << QThread::create([&] {
                QString error;
                auto store = StateStore::open(url, &error);
                if (store) {
                    ++opened;
                } else {
                    QMutexLocker lock(&mutex);
                    errors << error;
                }
            });
        }
        for (QThread *t : threads)
            t->start();
        for (QThread *t : threads) {
            QVERIFY(vouch::test::joins(t, 120000));
            delete t;
        }
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n'))));
        QCOMPARE(opened.load(), 6);
        QString error;
        auto store = StateStore::open(url, &error);
        QVERIFY2(store, qPrintable(error));
        QSqlQuery q(QSqlDatabase::database(store->connectionName(), false));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM schema_version")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), StateStore::kSchemaVersion);
    }

    // Recovery's read on PostgreSQL: the latest rows still queued, running
    // or retrying, and no others.
    void activeNodeRuns()
    {
        QString error;
        auto store = StateStore::open(pgFreshDatabase(QStringLiteral("active")), &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 run = store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W47"),
                                            QStringLiteral("/c.yaml"));
        QVERIFY2(run > 0, qPrintable(store->lastError()));
        QCOMPARE(store->beginAttempt(run, QStringLiteral("alice"), QStringLiteral("run"), {}), 1);
        store->record(transition(run, 1, QStringLiteral("a"), NodeState::Queued));
        store->record(transition(run, 1, QStringLiteral("b"), NodeState::Succeeded));
        store->record(transition(run, 1, QStringLiteral("c"), NodeState::Running));
        store->record(transition(run, 1, QStringLiteral("d"), NodeState::Pending));
        QVERIFY2(store->flush(), qPrintable(store->lastError()));
        QStringList ids;
        for (const NodeRunRecord &r : store->activeNodeRuns(run))
            ids << r.nodeId;
        QVERIFY2(store->lastError().isEmpty(), qPrintable(store->lastError()));
        QCOMPARE(ids, (QStringList{QStringLiteral("a"), QStringLiteral("c")}));
    }

    void transitionsRoundTrip()
    {
        QString error;
        auto store = StateStore::open(pgFreshDatabase(QStringLiteral("rt")), &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 run = store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W47"),
                                            QStringLiteral("/c.yaml"));
        QVERIFY2(run > 0, qPrintable(store->lastError()));
        QCOMPARE(store->beginAttempt(run, QStringLiteral("alice"), QStringLiteral("run"),
                                     {QStringLiteral("a"), QStringLiteral("b")}),
                 1);
        // One batch with several transitions of the same node: merged like
        // the row-by-row upsert merges them.
        Transition running = transition(run, 1, QStringLiteral("a"), NodeState::Running, 10);
        running.message = QStringLiteral("started");
        running.processGroup = 4242;
        running.logPath = QStringLiteral("/logs/a.log");
        Transition done = transition(run, 1, QStringLiteral("a"), NodeState::Succeeded, 30);
        done.value = 7.5;
        done.tries = 1;
        store->record(transition(run, 1, QStringLiteral("a"), NodeState::Queued));
        store->record(running);
        store->record(transition(run, 1, QStringLiteral("b"), NodeState::Queued, 5));
        store->record(done);
        QVERIFY2(store->flush(&error), qPrintable(error));
        QCOMPARE(store->pending(), 0);
        store->record(transition(run, 1, QStringLiteral("b"), NodeState::Running, 40));
        store->record(transition(run, 1, QStringLiteral("b"), NodeState::Failed, 50));
        QVERIFY2(store->flush(&error), qPrintable(error));

        const QList<NodeRunRecord> rows = store->nodeRuns(run);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].nodeId, QStringLiteral("a"));
        QCOMPARE(toString(rows[0].state), QStringLiteral("succeeded"));
        QCOMPARE(rows[0].message, QStringLiteral("started"));
        QCOMPARE(rows[0].logPath, QStringLiteral("/logs/a.log"));
        QCOMPARE(rows[0].value, std::optional<double>(7.5));
        QCOMPARE(rows[0].tries, 1);
        QCOMPARE(rows[0].startedAt, kT0.addMSecs(10));
        QCOMPARE(rows[0].finishedAt, kT0.addMSecs(30));
        QCOMPARE(rows[0].processGroup, qint64(0));
        QCOMPARE(toString(rows[1].state), QStringLiteral("failed"));

        const QList<EventRecord> events = store->events(run);
        QStringList log;
        qint64 last = 0;
        for (const EventRecord &e : events) {
            QVERIFY(e.seq > last);
            last = e.seq;
            log << e.nodeId + QLatin1Char(' ') + toString(e.state);
        }
        QCOMPARE(log, QStringList({QStringLiteral("a queued"), QStringLiteral("a running"),
                                   QStringLiteral("b queued"), QStringLiteral("a succeeded"),
                                   QStringLiteral("b running"), QStringLiteral("b failed")}));
        QCOMPARE(store->eventsSince(events[3].seq, QStringLiteral("weekly")).size(), 2);
        QCOMPARE(store->eventsSince(0, QStringLiteral("other")).size(), 0);
        QCOMPARE(store->lastEventSeq(), last);

        // The interface's other paths.
        const QStringList interrupted =
            store->markInterrupted(run, QStringLiteral("the process died"));
        QVERIFY(interrupted.isEmpty());
        QCOMPARE(store->runs().size(), 1);
        QCOMPARE(store->latestRun(QStringLiteral("weekly"))->latestAttempt, 1);
        store->finishAttempt(run, 1);
        QVERIFY(store->attempts(run).at(0).finishedAt.isValid());
        QCOMPARE(store->attempts(run).at(0).selection.size(), 2);

        // events stay append-only on the server too.
        QSqlQuery q(QSqlDatabase::database(store->connectionName(), false));
        QVERIFY(!q.exec(QStringLiteral("UPDATE events SET state = 'succeeded'")));
        QVERIFY(!q.exec(QStringLiteral("DELETE FROM events")));
    }

    // Transition::waiting through the batched writes: merged per node like
    // the other columns (the latest transition's, cleared when it has none),
    // and on every event.
    void waitingRoundTrips()
    {
        QString error;
        auto store = StateStore::open(pgFreshDatabase(QStringLiteral("wait")), &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 run = store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W47"),
                                            QStringLiteral("/c.yaml"));
        QCOMPARE(store->beginAttempt(run, QStringLiteral("alice"), QStringLiteral("run"),
                                     {QStringLiteral("a"), QStringLiteral("b")}),
                 1);
        const Waiting waiting{QStringLiteral("loaded 7 h ago"), kT0.addSecs(300),
                              kT0.addSecs(3600)};
        Transition a = transition(run, 1, QStringLiteral("a"), NodeState::Running, 10);
        a.waiting = waiting;
        Transition b = transition(run, 1, QStringLiteral("b"), NodeState::Running, 10);
        b.waiting = waiting;
        // In one batch: `b` waits, then runs again without waiting.
        store->record(a);
        store->record(b);
        store->record(transition(run, 1, QStringLiteral("b"), NodeState::Running, 20));
        QVERIFY2(store->flush(&error), qPrintable(error));
        const QList<NodeRunRecord> rows = store->nodeRuns(run);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0].waiting, std::optional<Waiting>(waiting));
        QVERIFY(!rows[1].waiting);
        const QList<EventRecord> events = store->events(run);
        QCOMPARE(events.size(), 3);
        QCOMPARE(events[0].waiting, std::optional<Waiting>(waiting));
        QCOMPARE(events[1].waiting, std::optional<Waiting>(waiting));
        QVERIFY(!events[2].waiting);
        QCOMPARE(store->eventsSince(0).at(1).waiting, std::optional<Waiting>(waiting));
    }

    void leasesUseTheServersClock()
    {
        QString error;
        auto store = StateStore::open(pgFreshDatabase(QStringLiteral("lease")), &error);
        QVERIFY2(store, qPrintable(error));
        const QString key = QStringLiteral("weekly/2026-W47");
        QVERIFY(store->acquireLease(key, QStringLiteral("elsewhere:1"), 1));
        QVERIFY(!store->acquireLease(key, QStringLiteral("here:2"), 60));
        QCOMPARE(store->leaseHolder(key), QStringLiteral("elsewhere:1"));
        QVERIFY(store->acquireLease(key, QStringLiteral("elsewhere:1"), 1)); // renews
        QTRY_VERIFY_WITH_TIMEOUT(store->leaseHolder(key).isEmpty(), 10000);
        const auto expired = store->lease(key);
        QVERIFY(expired && !expired->live);
        QCOMPARE(expired->holder, QStringLiteral("elsewhere:1"));
        QVERIFY(store->acquireLease(key, QStringLiteral("here:2"), 60));
        QCOMPARE(store->leaseHolder(key), QStringLiteral("here:2"));
        store->releaseLease(key, QStringLiteral("here:2"));
        QVERIFY(store->leaseHolder(key).isEmpty());
    }

    void requestsAreClaimedOnce()
    {
        QString error;
        auto store = StateStore::open(pgFreshDatabase(QStringLiteral("req")), &error);
        QVERIFY2(store, qPrintable(error));
        RequestRecord r;
        r.reportId = QStringLiteral("weekly");
        r.period = QStringLiteral("2026-W47");
        r.kind = QStringLiteral("rerun");
        r.selector = QStringLiteral("stg_orders");
        r.downstream = true;
        r.who = store->databaseUser();
        r.reason = QStringLiteral("late file");
        const qint64 id = store->addRequest(r);
        QVERIFY2(id > 0, qPrintable(store->lastError()));
        // The server checks the identity: nobody requests in another's name.
        r.who = QStringLiteral("someone-else");
        QCOMPARE(store->addRequest(r), qint64(0));
        QVERIFY(store->lastErrorRefused());

        QCOMPARE(store->requests(QStringLiteral("weekly"), QStringLiteral("pending")).size(), 1);
        QVERIFY(store->claimRequest(id, QStringLiteral("runner:1")));
        QVERIFY(!store->claimRequest(id, QStringLiteral("runner:2")));
        QVERIFY(store->finishRequest(id, QStringLiteral("done"), 2, QStringLiteral("ok")));
        const auto done = store->request(id);
        QVERIFY(done);
        QCOMPARE(done->state, QStringLiteral("done"));
        QCOMPARE(done->handledBy, QStringLiteral("runner:1"));
        QCOMPARE(done->attempt, 2);
        QVERIFY(done->downstream);
        QCOMPARE(done->who, QStringLiteral("vouch_admin"));
    }

    void auditLogOnTheServer()
    {
        QString error;
        auto store = StateStore::open(pgFreshDatabase(QStringLiteral("audit")), &error);
        QVERIFY2(store, qPrintable(error));
        AuditLog log(*store);
        for (int i = 0; i < 3; ++i)
            QVERIFY2(log.append(QStringLiteral("alice"), QStringLiteral("approve"),
                                QStringLiteral("weekly"), QStringLiteral("2026-W47"), 0,
                                QJsonObject{{QStringLiteral("i"), i}}, &error),
                     qPrintable(error));
        const QList<AuditEntry> entries = log.entries();
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries[2].seq, qint64(3));
        QCOMPARE(entries[1].prevHash, entries[0].hash);
        const AuditVerification v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entries, qint64(3));
    }

    // What workstations listen to: one notification per committed flush.
    void flushesNotifyListeners()
    {
        const QString url = pgFreshDatabase(QStringLiteral("notify"));
        QString error;
        auto writer = StateStore::open(url, &error);
        QVERIFY2(writer, qPrintable(error));
        auto listener = StateStore::open(url, &error);
        QVERIFY2(listener, qPrintable(error));
        QSqlDriver *driver = QSqlDatabase::database(listener->connectionName(), false).driver();
        QVERIFY(driver->hasFeature(QSqlDriver::EventNotifications));
        QVERIFY(driver->subscribeToNotification(QStringLiteral("vouch_events")));
        QSignalSpy spy(driver, &QSqlDriver::notification);

        const qint64 run =
            writer->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W48"), QString());
        QCOMPARE(writer->beginAttempt(run, QStringLiteral("a"), QStringLiteral("r"), {}), 1);
        writer->record(transition(run, 1, QStringLiteral("x"), NodeState::Queued));
        QVERIFY2(writer->flush(&error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(spy.count() >= 1, 20000);
        QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("vouch_events"));
    }

    // The watcher's backend is terminated (pg_terminate_backend) while
    // transitions keep coming: it notices, reconnects, catches up from the
    // event table, and delivers every event exactly once, in seq order.
    void watcherReconnectsAndMissesNothing()
    {
        const QString url = pgFreshDatabase(QStringLiteral("redial"));
        QString error;
        auto writer = StateStore::open(url, &error);
        QVERIFY2(writer, qPrintable(error));
        const qint64 run =
            writer->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W48"), QString());
        QCOMPARE(writer->beginAttempt(run, QStringLiteral("a"), QStringLiteral("r"), {}), 1);

        StoreWatcher watcher(url, QStringLiteral("weekly"));
        QList<qint64> delivered;
        connect(&watcher, &StoreWatcher::eventsArrived, this,
                [&delivered](const QList<EventRecord> &events) {
                    for (const EventRecord &e : events)
                        delivered << e.seq;
                });
        QSignalSpy lost(&watcher, &StoreWatcher::connectionLost);
        QSignalSpy back(&watcher, &StoreWatcher::reconnected);
        QVERIFY2(watcher.start(&error), qPrintable(error));

        constexpr int kEvents = 300;
        constexpr int kKillAt = 60;
        int written = 0;
        int killed = 0;
        QTimer writing;
        writing.setInterval(10);
        connect(&writing, &QTimer::timeout, this, [&] {
            if (written == kEvents) {
                writing.stop();
                return;
            }
            const int i = written++;
            writer->record(transition(run, 1, QStringLiteral("n%1").arg(i % 7),
                                      i % 2 ? NodeState::Succeeded : NodeState::Running, i));
            QString e;
            QVERIFY2(writer->flush(&e), qPrintable(e));
            if (i == kKillAt) {
                // Every other backend of this database: the watcher's.
                QSqlQuery q(QSqlDatabase::database(writer->connectionName(), false));
                QVERIFY(q.exec(QStringLiteral(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")));
                QVERIFY(q.next());
                killed = q.value(0).toInt();
            }
        });
        writing.start();
        QTRY_VERIFY_WITH_TIMEOUT(written == kEvents, 120000);
        QVERIFY(killed >= 1);
        QTRY_VERIFY_WITH_TIMEOUT(lost.count() >= 1 && back.count() >= 1, 60000);

        QList<qint64> expected;
        for (const EventRecord &e : writer->eventsSince(0, QStringLiteral("weekly")))
            expected << e.seq;
        QCOMPARE(expected.size(), kEvents);
        QTRY_VERIFY_WITH_TIMEOUT(delivered.size() >= expected.size(), 60000);
        QCOMPARE(delivered, expected); // each once, in order
    }
};

VOUCH_PG_TEST_MAIN(TestPgStore)
#include "tst_pgstore.moc"
