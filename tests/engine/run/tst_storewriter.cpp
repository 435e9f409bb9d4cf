// StoreWriter: the scheduler's transitions, written on a thread of their own.
// A real SQLite store; a second connection holds the write lock to make the
// store busy, as another process writing it would.
#include "engine/run/storewriter.h"
#include "support/testguard.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;

namespace {

const QDateTime kT0 = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, Qt::UTC);

// `nodes` nodes, each pending, running, succeeded: 3 * nodes transitions.
QList<QList<Transition>> batchesFor(qint64 runId, int attempt, int nodes)
{
    QList<QList<Transition>> batches;
    for (NodeState state : {NodeState::Pending, NodeState::Running, NodeState::Succeeded}) {
        QList<Transition> batch;
        for (int i = 0; i < nodes; ++i)
            batch << makeTransition(runId, attempt, QStringLiteral("n%1").arg(i), state,
                                    kT0.addSecs(batches.size()));
        batches << batch;
    }
    return batches;
}

QStringList describe(const QList<Transition> &transitions)
{
    QStringList rows;
    for (const Transition &t : transitions)
        rows << t.nodeId + QLatin1Char(' ') + toString(t.state);
    return rows;
}

} // namespace

class TestStoreWriter : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    qint64 m_runId = 0;

    // What the store holds for the run, as one row per event, in order.
    QStringList eventsOnDisk() const
    {
        QString error;
        const auto store = StateStore::open(m_path, &error);
        if (!store)
            return {QStringLiteral("cannot open: ") + error};
        QStringList rows;
        for (const EventRecord &e : store->events(m_runId))
            rows << e.nodeId + QLatin1Char(' ') + toString(e.state);
        return rows;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("%1.db").arg(QTest::currentTestFunction()));
        QString error;
        const auto store = StateStore::open(m_path, &error);
        QVERIFY2(store, qPrintable(error));
        m_runId = store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W47"),
                                   QStringLiteral("weekly.yaml"));
        QVERIFY(m_runId > 0);
        QCOMPARE(store->beginAttempt(m_runId, QStringLiteral("tester"), QStringLiteral("first"),
                                     {QStringLiteral("n0")}),
                 1);
    }

    // Batches reach the disk in the order given, and each is reported only
    // once it is there: what is announced can always be read back.
    void writesInOrderAndReportsWhenOnDisk()
    {
        const auto batches = batchesFor(m_runId, 1, 50);
        StoreWriter writer(m_path);
        QStringList reported;
        QStringList onDiskWhenReported;
        connect(&writer, &StoreWriter::written, this, [&](const QList<Transition> &batch) {
            reported += describe(batch);
            onDiskWhenReported = eventsOnDisk();
        });
        QSignalSpy failing(&writer, &StoreWriter::failing);
        for (const auto &batch : batches)
            writer.write(batch);

        QStringList expected;
        for (const auto &batch : batches)
            expected += describe(batch);
        QTRY_COMPARE_WITH_TIMEOUT(reported.size(), expected.size(), 30000);
        QCOMPARE(reported, expected);
        QCOMPARE(onDiskWhenReported, expected);
        QCOMPARE(failing.count(), 0);
    }

    // A store another connection keeps locked: the writer says why it is
    // failing, keeps the transitions and writes them once the lock is gone.
    void busyStoreIsRetriedNothingLost()
    {
        const auto batches = batchesFor(m_runId, 1, 5);
        const QString holder = QStringLiteral("holder");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), holder);
            db.setDatabaseName(m_path);
            QVERIFY(db.open());
            QSqlQuery lock(db);
            QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE")));
        }
        StoreWriter writer(m_path);
        QStringList reported;
        connect(&writer, &StoreWriter::written, this,
                [&](const QList<Transition> &batch) { reported += describe(batch); });
        QSignalSpy failing(&writer, &StoreWriter::failing);
        writer.write(batches.at(0));
        // SQLite waits out its busy timeout (5 s) before giving up.
        QTRY_VERIFY_WITH_TIMEOUT(failing.count() > 0, 60000);
        writer.write(batches.at(1));
        QVERIFY(reported.isEmpty());
        QVERIFY(!failing.first().first().toString().isEmpty());

        {
            QSqlDatabase db = QSqlDatabase::database(holder);
            QSqlQuery unlock(db);
            QVERIFY(unlock.exec(QStringLiteral("ROLLBACK")));
            db.close();
        }
        QSqlDatabase::removeDatabase(holder);
        writer.write(batches.at(2));

        QStringList expected;
        for (const auto &batch : batches)
            expected += describe(batch);
        QTRY_COMPARE_WITH_TIMEOUT(reported.size(), expected.size(), 60000);
        QCOMPARE(reported, expected);
        QCOMPARE(eventsOnDisk(), expected);
    }

    // Destroying the writer writes what it was handed first.
    void destructionWritesWhatWasHandedOver()
    {
        const auto batches = batchesFor(m_runId, 1, 20);
        QStringList expected;
        {
            StoreWriter writer(m_path);
            for (const auto &batch : batches) {
                writer.write(batch);
                expected += describe(batch);
            }
        }
        QCOMPARE(eventsOnDisk(), expected);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestStoreWriter)
#include "tst_storewriter.moc"
