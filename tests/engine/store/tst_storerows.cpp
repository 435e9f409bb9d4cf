// What the store reads back as value structs: the waiting state of a late
// source (Transition::waiting) through node rows and events, across a reopen
// and from a store of schema 8; and the History page's aggregates
// (history(), nodeDurations()).

#include "engine/store/statestore.h"
#include "support/testguard.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace vouch::engine;

namespace {

const QDateTime kT0 = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, Qt::UTC);

Transition transition(qint64 runId, int attempt, const QString &nodeId, NodeState state,
                      qint64 offsetMs = 0)
{
    return makeTransition(runId, attempt, nodeId, state, kT0.addMSecs(offsetMs));
}

const Waiting kWaiting{QStringLiteral("raw_orders loaded 7 h ago (warn after 6 h)"),
                       kT0.addSecs(5 * 60), kT0.addSecs(4 * 3600)};

// The node rows and events of `runId` as one log: "node state [waiting]".
QStringList waitingLog(const StateStore &store, qint64 runId)
{
    QStringList log;
    const auto describe = [](const QString &node, NodeState state,
                             const std::optional<Waiting> &w) {
        QString line = node + QLatin1Char(' ') + toString(state);
        if (w)
            line += QStringLiteral(" waiting(%1; next %2; until %3)")
                        .arg(w->reason, w->nextLook.toString(Qt::ISODateWithMs),
                             w->deadline.toString(Qt::ISODateWithMs));
        return line;
    };
    for (const EventRecord &e : store.events(runId))
        log << QStringLiteral("event ") + describe(e.nodeId, e.state, e.waiting);
    for (const EventRecord &e : store.eventsSince(0))
        log << QStringLiteral("since ") + describe(e.nodeId, e.state, e.waiting);
    for (const NodeRunRecord &r : store.nodeRuns(runId))
        log << QStringLiteral("row ") + describe(r.nodeId, r.state, r.waiting);
    return log;
}

// Runs `sql` on a plain connection to the file (what the API does not expose).
bool rawExec(const QString &path, const QString &sql)
{
    const QString name = QUuid::createUuid().toString();
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open() && QSqlQuery(db).exec(sql);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

class TestStoreRows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void waitingRoundTrips()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("state.db"));
        QString error;
        qint64 run = 0;
        {
            auto store = StateStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            run = store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W47"), {});
            QCOMPARE(store->beginAttempt(run, QStringLiteral("alice"), QStringLiteral("run"),
                                         {QStringLiteral("src")}),
                     1);
            Transition waiting = transition(run, 1, QStringLiteral("src"), NodeState::Running, 10);
            waiting.message = QStringLiteral("waiting: the human text stays as it was");
            waiting.waiting = kWaiting;
            store->record(waiting);
            QVERIFY2(store->flush(&error), qPrintable(error));
            const QStringList expected = {
                QStringLiteral("event src running waiting(raw_orders loaded 7 h ago (warn after "
                               "6 h); next 2026-09-21T14:18:20.000Z; until "
                               "2026-09-21T18:13:20.000Z)"),
                QStringLiteral("since src running waiting(raw_orders loaded 7 h ago (warn after "
                               "6 h); next 2026-09-21T14:18:20.000Z; until "
                               "2026-09-21T18:13:20.000Z)"),
                QStringLiteral("row src running waiting(raw_orders loaded 7 h ago (warn after "
                               "6 h); next 2026-09-21T14:18:20.000Z; until "
                               "2026-09-21T18:13:20.000Z)")};
            QCOMPARE(waitingLog(*store, run), expected);
            QCOMPARE(store->nodeRuns(run).at(0).waiting, std::optional<Waiting>(kWaiting));
            QCOMPARE(store->nodeRuns(run).at(0).message,
                     QStringLiteral("waiting: the human text stays as it was"));
        }
        {
            // Reloaded by another StateStore; the next look that finds the
            // source fresh ends the wait on the node's row.
            auto store = StateStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            QCOMPARE(store->nodeRuns(run).at(0).waiting, std::optional<Waiting>(kWaiting));
            store->record(transition(run, 1, QStringLiteral("src"), NodeState::Running, 20));
            store->record(transition(run, 1, QStringLiteral("src"), NodeState::Succeeded, 30));
            QVERIFY2(store->flush(&error), qPrintable(error));
            const QStringList log = waitingLog(*store, run);
            QCOMPARE(log.size(), 7);
            QVERIFY(log.at(0).contains(QLatin1String("waiting(")));
            QCOMPARE(log.at(1), QStringLiteral("event src running"));
            QCOMPARE(log.at(2), QStringLiteral("event src succeeded"));
            QCOMPARE(log.at(6), QStringLiteral("row src succeeded"));
            QVERIFY(!store->nodeRuns(run).at(0).waiting);
        }
    }

    void schema8StoreGainsTheWaitingColumns()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("state.db"));
        QString error;
        {
            auto store = StateStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
        }
        // Back to schema 8: without migration 9's columns and its row.
        for (const char *table : {"node_runs", "events"}) {
            for (const char *column : {"waiting_reason", "waiting_next", "waiting_until"})
                QVERIFY(rawExec(path, QStringLiteral("ALTER TABLE %1 DROP COLUMN %2")
                                          .arg(QLatin1String(table), QLatin1String(column))));
        }
        QVERIFY(rawExec(path, QStringLiteral("DELETE FROM schema_version WHERE version = 9")));
        auto store = StateStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        const qint64 run = store->createRun(QStringLiteral("weekly"), QStringLiteral("W"), {});
        QCOMPARE(store->beginAttempt(run, {}, {}, {QStringLiteral("src")}), 1);
        Transition t = transition(run, 1, QStringLiteral("src"), NodeState::Running);
        t.waiting = kWaiting;
        store->record(t);
        QVERIFY2(store->flush(&error), qPrintable(error));
        QCOMPARE(store->events(run).at(0).waiting, std::optional<Waiting>(kWaiting));
    }

    void historyAggregatesPerRun()
    {
        QTemporaryDir dir;
        QString error;
        auto store = StateStore::open(dir.filePath(QStringLiteral("state.db")), &error);
        QVERIFY2(store, qPrintable(error));
        // Run 1: complete; the check warned.
        const qint64 done = store->createRun(QStringLiteral("weekly"), QStringLiteral("W1"), {});
        QCOMPARE(store->beginAttempt(done, {}, {}, {}), 1);
        store->record(transition(done, 1, QStringLiteral("a"), NodeState::Running, 1000));
        store->record(transition(done, 1, QStringLiteral("a"), NodeState::Succeeded, 61'000));
        store->record(transition(done, 1, QStringLiteral("chk"), NodeState::Running, 62'000));
        store->record(transition(done, 1, QStringLiteral("chk"), NodeState::Warned, 70'000));
        // Run 2: attempt 1 failed `a`; attempt 2 reran it and is still running `b`.
        const qint64 busy = store->createRun(QStringLiteral("weekly"), QStringLiteral("W2"), {});
        QCOMPARE(store->beginAttempt(busy, {}, {}, {}), 1);
        store->record(transition(busy, 1, QStringLiteral("a"), NodeState::Running, 0));
        store->record(transition(busy, 1, QStringLiteral("a"), NodeState::Failed, 5000));
        QVERIFY2(store->flush(&error), qPrintable(error));
        QCOMPARE(store->beginAttempt(busy, {}, {}, {}), 2);
        store->record(transition(busy, 2, QStringLiteral("a"), NodeState::Running, 10'000));
        store->record(transition(busy, 2, QStringLiteral("a"), NodeState::Succeeded, 40'000));
        store->record(transition(busy, 2, QStringLiteral("b"), NodeState::Running, 41'000));
        // Run 3: nothing ran yet.
        const qint64 empty = store->createRun(QStringLiteral("weekly"), QStringLiteral("W3"), {});
        QVERIFY2(store->flush(&error), qPrintable(error));

        QStringList log;
        for (const RunHistoryRecord &r : store->history({done, busy, empty}))
            log << QStringLiteral("%1 %2 [%3]")
                       .arg(r.runId)
                       .arg(r.completedAt.isValid() ? QString::number(kT0.msecsTo(r.completedAt))
                                                    : QStringLiteral("unfinished"),
                            r.warnedOrFailed.join(QLatin1Char(',')));
        QVERIFY2(store->lastError().isEmpty(), qPrintable(store->lastError()));
        log.sort();
        QCOMPARE(log, QStringList({QStringLiteral("%1 70000 [chk]").arg(done),
                                   QStringLiteral("%1 unfinished []").arg(busy)}));

        QStringList durations;
        for (const NodeDurationRecord &d :
             store->nodeDurations(QStringLiteral("a"), {done, busy, empty}))
            durations << QStringLiteral("%1 %2").arg(d.runId).arg(
                d.startedAt.msecsTo(d.finishedAt));
        durations.sort();
        QCOMPARE(durations, QStringList({QStringLiteral("%1 60000").arg(done),
                                         QStringLiteral("%1 30000").arg(busy)}));
        QVERIFY(store->nodeDurations(QStringLiteral("b"), {busy}).isEmpty()); // still running
        QVERIFY(store->history({}).isEmpty());
    }
};

VOUCH_TEST_GUILESS_MAIN(TestStoreRows)

#include "tst_storerows.moc"
