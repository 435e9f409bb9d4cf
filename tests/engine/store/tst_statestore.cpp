#include "engine/store/statestore.h"
#include "engine/util/clock.h"
#include "support/clock.h"
#include "support/testguard.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <csignal>

using namespace vouch::engine;

namespace {

const QDateTime kT0 = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, Qt::UTC);

Transition transition(qint64 runId, int attempt, const QString &nodeId, NodeState state,
                      const QDateTime &at = kT0)
{
    return makeTransition(runId, attempt, nodeId, state, at);
}

QByteArray contents(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void write(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// A plain connection to the file, for what the store's API does not expose
// (tampering, inspecting the schema). Closed and removed on destruction.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(QUuid::createUuid().toString())
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }

    // The first column of the first row; an invalid QVariant on error.
    QVariant value(const QString &sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        if (!q.exec(sql) || !q.next())
            return QVariant();
        return q.value(0);
    }
    bool exec(const QString &sql, QString *error = nullptr)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        const bool ok = q.exec(sql);
        if (error)
            *error = q.lastError().text();
        return ok;
    }

private:
    QString m_name;
};

QStringList statesOf(const QList<EventRecord> &events)
{
    QStringList states;
    for (const EventRecord &e : events)
        states.append(e.nodeId + QLatin1Char(':') + toString(e.state));
    return states;
}

const QList<NodeState> kCycle = {NodeState::Queued, NodeState::Running, NodeState::Succeeded};

// Child mode: tst_statestore --child-write PATH RUN ATTEMPT PREFIX BATCHES SIZE LOST
// records and flushes BATCHES batches of SIZE transitions, then records LOST
// more without flushing and, when LOST > 0, dies by SIGKILL.
int childWrite(const QStringList &args)
{
    if (args.size() != 7)
        return 2;
    QString error;
    const auto store = StateStore::open(args.at(0), &error);
    if (!store) {
        qCritical("%s", qPrintable(error));
        return 3;
    }
    const qint64 runId = args.at(1).toLongLong();
    const int attempt = args.at(2).toInt();
    const QString prefix = args.at(3);
    const int batches = args.at(4).toInt();
    const int size = args.at(5).toInt();
    const int lost = args.at(6).toInt();
    for (int b = 0; b < batches; ++b) {
        for (int i = 0; i < size; ++i) {
            const int n = b * size + i;
            store->record(
                transition(runId, attempt, prefix + QString::number(n / 3), kCycle.at(n % 3)));
        }
        if (!store->flush(&error)) {
            qCritical("%s", qPrintable(error));
            return 4;
        }
    }
    for (int i = 0; i < lost; ++i)
        store->record(
            transition(runId, attempt, QStringLiteral("lost%1").arg(i), NodeState::Running));
    if (lost > 0)
        std::raise(SIGKILL);
    return 0;
}

QStringList childArgs(const QString &path, qint64 runId, int attempt, const QString &prefix,
                      int batches, int size, int lost)
{
    return {QStringLiteral("--child-write"),
            path,
            QString::number(runId),
            QString::number(attempt),
            prefix,
            QString::number(batches),
            QString::number(size),
            QString::number(lost)};
}

} // namespace

class TestStateStore : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("s%1/state.db").arg(++m_counter)); }

    // A store with one run and its first attempt.
    std::unique_ptr<StateStore> storeWithRun(qint64 *runId, QString *path = nullptr)
    {
        const QString file = freshPath();
        if (path)
            *path = file;
        QString error;
        auto store = StateStore::open(file, &error);
        if (!store) {
            qWarning("%s", qPrintable(error));
            return store;
        }
        *runId = store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W47"),
                                  QStringLiteral("/c.yaml"));
        if (store->beginAttempt(*runId, QStringLiteral("tester"), QStringLiteral("first"), {}) != 1)
            return nullptr;
        return store;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void createAndReopen()
    {
        const QString path = freshPath(); // its directory does not exist yet
        QString error;
        qint64 runId = 0;
        // Runs are stamped by the engine's clock, here pinned.
        const QDateTime pinned(QDate(2026, 11, 30), QTime(6, 0), Qt::UTC);
        const vouch::test::PinnedClock clock(pinned);
        {
            auto store = StateStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            QCOMPARE(store->path(), path);
            runId = store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W47"),
                                     QStringLiteral("/contracts/weekly.yaml"));
            QVERIFY(runId > 0);
            QVERIFY(QFile::exists(path + QStringLiteral("-wal")));
        }
        auto store = StateStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        const auto run = store->run(runId);
        QVERIFY(run);
        QCOMPARE(run->reportId, QStringLiteral("weekly"));
        QCOMPARE(run->period, QStringLiteral("2026-W47"));
        QCOMPARE(run->contractPath, QStringLiteral("/contracts/weekly.yaml"));
        QCOMPARE(run->latestAttempt, 0);
        QVERIFY2(run->createdAt >= pinned && run->createdAt < pinned.addSecs(60),
                 qPrintable(run->createdAt.toString(Qt::ISODateWithMs)));
        QVERIFY(!store->run(runId + 1));
        QVERIFY(store->lastError().isEmpty());
        store.reset();

        RawDb raw(path);
        QCOMPARE(raw.value(QStringLiteral("PRAGMA journal_mode")).toString(),
                 QStringLiteral("wal"));
    }

    void defaultPath() { QVERIFY(StateStore::defaultPath().endsWith(QStringLiteral("/state.db"))); }

    void migrationsIdempotent()
    {
        const QString path = freshPath();
        QString error;
        auto first = StateStore::open(path, &error);
        QVERIFY2(first, qPrintable(error));
        const qint64 runId = first->createRun(QStringLiteral("r"), QStringLiteral("p"), QString());
        // A second store on the same file while the first is open, then reopen twice.
        auto second = StateStore::open(path, &error);
        QVERIFY2(second, qPrintable(error));
        second.reset();
        first.reset();
        for (int i = 0; i < 2; ++i) {
            auto again = StateStore::open(path, &error);
            QVERIFY2(again, qPrintable(error));
            QVERIFY(again->run(runId));
        }
        RawDb raw(path);
        QCOMPARE(raw.value(QStringLiteral("SELECT count(*) FROM schema_version")).toInt(),
                 StateStore::kSchemaVersion);
        QCOMPARE(raw.value(QStringLiteral("SELECT max(version) FROM schema_version")).toInt(),
                 StateStore::kSchemaVersion);
    }

    void newerSchemaRefused()
    {
        const QString path = freshPath();
        QString error;
        QVERIFY2(StateStore::open(path, &error), qPrintable(error));
        {
            RawDb raw(path);
            QVERIFY(raw.exec(
                QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (%1, 0)")
                    .arg(StateStore::kSchemaVersion + 1)));
        }
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
        const QByteArray before = contents(path);
        QVERIFY(!before.isEmpty());

        QVERIFY(!StateStore::open(path, &error));
        QCOMPARE(error,
                 QStringLiteral("state store %1 was written by a newer Vouch (schema %2; this "
                                "Vouch reads up to %3); upgrade Vouch or use another "
                                "--state file")
                     .arg(path)
                     .arg(StateStore::kSchemaVersion + 1)
                     .arg(StateStore::kSchemaVersion));
        QCOMPARE(contents(path), before);
    }

    void foreignFileRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("sql"); // makes an SQLite database when not empty
        QTest::addColumn<QString>("expected");

        const QString notSqlite =
            QStringLiteral("is not a Vouch state store (not an SQLite database)");
        QTest::newRow("text") << QByteArray("runs:\n  - weekly\n") << QString() << notSqlite;
        QTest::newRow("binary") << QByteArray(4096, '\xff') << QString() << notSqlite;
        QTest::newRow("truncated header")
            << QByteArray("SQLite format 3") << QString() << notSqlite;
        QTest::newRow("another application's database")
            << QByteArray() << QStringLiteral("CREATE TABLE customers (id INTEGER PRIMARY KEY)")
            << QStringLiteral("is not a Vouch state store (an SQLite database without a "
                              "schema_version table)");
    }

    void foreignFileRefused()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, sql);
        QFETCH(QString, expected);

        const QString path = m_dir.filePath(QStringLiteral("foreign%1.db").arg(++m_counter));
        if (sql.isEmpty()) {
            write(path, bytes);
        } else {
            RawDb raw(path);
            QVERIFY(raw.exec(sql));
        }
        const QByteArray before = contents(path);
        QString error;
        QVERIFY(!StateStore::open(path, &error));
        QCOMPARE(error, path + QLatin1Char(' ') + expected);
        QCOMPARE(contents(path), before);
    }

    void directoryRefused()
    {
        QString error;
        QVERIFY(!StateStore::open(m_dir.path(), &error));
        QVERIFY2(error.contains(m_dir.path()) && error.contains(QStringLiteral("directory")),
                 qPrintable(error));
    }

    void runsAndAttempts()
    {
        QString error;
        auto store = StateStore::open(freshPath(), &error);
        QVERIFY2(store, qPrintable(error));
        QVERIFY(!store->latestRun());

        const qint64 a1 = store->createRun(QStringLiteral("a"), QStringLiteral("W1"), QString());
        const qint64 b1 = store->createRun(QStringLiteral("b"), QStringLiteral("W1"), QString());
        const qint64 a2 = store->createRun(QStringLiteral("a"), QStringLiteral("W2"), QString());
        QVERIFY(a1 > 0 && b1 > a1 && a2 > b1);

        QCOMPARE(store->latestRun()->id, a2);
        QCOMPARE(store->latestRun(QStringLiteral("b"))->id, b1);
        QVERIFY(!store->latestRun(QStringLiteral("c")));
        QCOMPARE(store->findRun(QStringLiteral("a"), QStringLiteral("W1"))->id, a1);
        QVERIFY(!store->findRun(QStringLiteral("b"), QStringLiteral("W2")));

        const auto ids = [](const QList<RunRecord> &runs) {
            QList<qint64> list;
            for (const RunRecord &r : runs)
                list.append(r.id);
            return list;
        };
        QCOMPARE(ids(store->runs()), (QList<qint64>{a2, b1, a1}));
        QCOMPARE(ids(store->runs(QStringLiteral("a"))), (QList<qint64>{a2, a1}));
        QCOMPARE(ids(store->runs(QString(), 2)), (QList<qint64>{a2, b1}));

        // One run per report and period: a second one is refused, not merged.
        QCOMPARE(store->createRun(QStringLiteral("a"), QStringLiteral("W1"), QString()), 0);
        QVERIFY(store->lastError().contains(QStringLiteral("UNIQUE")));

        const QStringList all = {QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("z")};
        QCOMPARE(
            store->beginAttempt(a1, QStringLiteral("scheduler"), QStringLiteral("schedule"), all),
            1);
        store->finishAttempt(a1, 1);
        QVERIFY(store->lastError().isEmpty());
        QCOMPARE(store->beginAttempt(a1, QStringLiteral("ana"), QStringLiteral("fixed \"costs\""),
                                     {QStringLiteral("y")}),
                 2);
        QCOMPARE(store->beginAttempt(b1, QStringLiteral("scheduler"), QString(), {}), 1);
        QCOMPARE(store->run(a1)->latestAttempt, 2);
        QCOMPARE(store->findRun(QStringLiteral("a"), QStringLiteral("W1"))->latestAttempt, 2);

        const QList<AttemptRecord> attempts = store->attempts(a1);
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[0].attempt, 1);
        QCOMPARE(attempts[0].who, QStringLiteral("scheduler"));
        QCOMPARE(attempts[0].selection, all);
        QVERIFY(attempts[0].startedAt.isValid());
        QVERIFY(attempts[0].finishedAt.isValid());
        QVERIFY(attempts[0].finishedAt >= attempts[0].startedAt);
        QCOMPARE(attempts[1].attempt, 2);
        QCOMPARE(attempts[1].reason, QStringLiteral("fixed \"costs\""));
        QCOMPARE(attempts[1].selection, QStringList{QStringLiteral("y")});
        QVERIFY(!attempts[1].finishedAt.isValid());

        QCOMPARE(store->beginAttempt(9999, QString(), QString(), {}), 0);
        QVERIFY(!store->lastError().isEmpty());
    }

    void recordAndFlush()
    {
        qint64 runId = 0;
        auto store = storeWithRun(&runId);
        QVERIFY(store);

        const QString a = QStringLiteral("ingest");
        const QString b = QStringLiteral("chk_costs");
        store->record(transition(runId, 1, a, NodeState::Queued, kT0));
        Transition running = transition(runId, 1, a, NodeState::Running, kT0.addMSecs(10));
        running.tries = 1;
        running.processGroup = 4242;
        running.logPath = QStringLiteral("/logs/ingest.1.log");
        store->record(running);
        store->record(transition(runId, 1, b, NodeState::Queued, kT0.addMSecs(20)));
        QCOMPARE(store->pending(), 3);
        QVERIFY(store->events(runId).isEmpty()); // buffered, not written

        QString error;
        QVERIFY2(store->flush(&error), qPrintable(error));
        QCOMPARE(store->pending(), 0);
        QList<NodeRunRecord> rows = store->nodeRuns(runId);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1].nodeId, a);
        QCOMPARE(toString(rows[1].state), toString(NodeState::Running));
        QCOMPARE(rows[1].processGroup, 4242);
        QCOMPARE(rows[1].startedAt, kT0.addMSecs(10));
        QVERIFY(!rows[1].finishedAt.isValid());

        Transition failed = transition(runId, 1, a, NodeState::Failed, kT0.addMSecs(500));
        failed.tries = 1;
        failed.message = QStringLiteral("exit code 1");
        store->record(failed);
        Transition checked = transition(runId, 1, b, NodeState::Warned, kT0.addMSecs(600));
        checked.tries = 1;
        checked.message = QStringLiteral("3 SKUs without cost");
        checked.value = 3;
        checked.reference = 0;
        checked.freshness = Freshness::StaleWarn;
        checked.ageSeconds = 7200;
        checked.observedAt = kT0.addSecs(-7200);
        checked.sampleRows = {{QStringLiteral("sku"), QStringLiteral("name")},
                              {QStringLiteral("A-1"), QStringLiteral("Mug, \"blue\"")}};
        store->record(checked);
        QVERIFY2(store->flush(&error), qPrintable(error));

        rows = store->nodeRuns(runId);
        QCOMPARE(rows.size(), 2);
        const NodeRunRecord &ra = rows[1];
        QCOMPARE(ra.nodeId, a);
        QCOMPARE(ra.attempt, 1);
        QCOMPARE(toString(ra.state), toString(NodeState::Failed));
        QCOMPARE(ra.tries, 1);
        QCOMPARE(ra.message, QStringLiteral("exit code 1"));
        QCOMPARE(ra.logPath, QStringLiteral("/logs/ingest.1.log")); // kept: not given again
        QCOMPARE(ra.processGroup, 0);
        QCOMPARE(ra.startedAt, kT0.addMSecs(10));
        QCOMPARE(ra.finishedAt, kT0.addMSecs(500));
        QVERIFY(!ra.value);

        const NodeRunRecord &rb = rows[0];
        QCOMPARE(rb.nodeId, b);
        QCOMPARE(toString(rb.state), toString(NodeState::Warned));
        QCOMPARE(rb.value, std::optional<double>(3));
        QCOMPARE(rb.reference, std::optional<double>(0));
        QCOMPARE(toString(rb.freshness), toString(Freshness::StaleWarn));
        QCOMPARE(rb.ageSeconds, std::optional<qint64>(7200));
        QCOMPARE(rb.observedAt, kT0.addSecs(-7200));
        QCOMPARE(rb.sampleRows, checked.sampleRows);
        QVERIFY(!rb.startedAt.isValid()); // never reported running
        QCOMPARE(rb.finishedAt, kT0.addMSecs(600));

        const QList<EventRecord> events = store->events(runId);
        QCOMPARE(statesOf(events),
                 (QStringList{QStringLiteral("ingest:queued"), QStringLiteral("ingest:running"),
                              QStringLiteral("chk_costs:queued"), QStringLiteral("ingest:failed"),
                              QStringLiteral("chk_costs:warned")}));
        for (int i = 1; i < events.size(); ++i)
            QVERIFY(events[i].seq > events[i - 1].seq);
        QCOMPARE(events[3].message, QStringLiteral("exit code 1"));
        QCOMPARE(events[3].at, kT0.addMSecs(500));
        QCOMPARE(events[3].attempt, 1);
        QCOMPARE(events[3].runId, runId);
        // Each row names the event that last wrote it.
        RawDb raw(store->path());
        QCOMPARE(
            raw.value(QStringLiteral(
                          "SELECT group_concat(n.node_id || '=' || (n.updated_seq = "
                          "(SELECT max(e.seq) FROM events e WHERE e.run_id = n.run_id AND "
                          "e.attempt = n.attempt AND e.node_id = n.node_id))) FROM node_runs n"))
                .toString(),
            QStringLiteral("chk_costs=1,ingest=1"));
        QCOMPARE(
            statesOf(store->events(runId, events[2].seq)),
            (QStringList{QStringLiteral("ingest:failed"), QStringLiteral("chk_costs:warned")}));
    }

    void startedAtIsTheFirstRunning()
    {
        qint64 runId = 0;
        auto store = storeWithRun(&runId);
        QVERIFY(store);
        const QString n = QStringLiteral("flaky");
        int tries = 0;
        int step = 0;
        for (NodeState s : {NodeState::Queued, NodeState::Running, NodeState::Retrying,
                            NodeState::Running, NodeState::Succeeded}) {
            Transition t = transition(runId, 1, n, s, kT0.addSecs(10 * step++));
            tries += s == NodeState::Running;
            t.tries = tries;
            store->record(t);
        }
        // Out-of-order tries never count down.
        Transition stale = transition(runId, 1, n, NodeState::Succeeded, kT0.addSecs(100));
        stale.tries = 1;
        store->record(stale);
        QVERIFY(store->flush());
        const NodeRunRecord row = store->nodeRuns(runId).value(0);
        QCOMPARE(row.startedAt, kT0.addSecs(10));
        QCOMPARE(row.finishedAt, kT0.addSecs(100));
        QCOMPARE(row.tries, 2);
    }

    void nodeRunsPicksTheLatestAttemptPerNode()
    {
        qint64 runId = 0;
        auto store = storeWithRun(&runId);
        QVERIFY(store);
        for (const QString &n : {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")})
            store->record(transition(runId, 1, n, NodeState::Failed));
        store->record(transition(runId, 1, QStringLiteral("d"), NodeState::Queued));
        store->record(transition(runId, 1, QStringLiteral("e"), NodeState::Retrying));
        QVERIFY(store->flush());

        QCOMPARE(store->beginAttempt(runId, QStringLiteral("ana"), QStringLiteral("rerun b"),
                                     {QStringLiteral("b")}),
                 2);
        store->record(transition(runId, 2, QStringLiteral("b"), NodeState::Succeeded));
        store->record(transition(runId, 2, QStringLiteral("e"), NodeState::Succeeded));
        QVERIFY(store->flush());
        QCOMPARE(store->beginAttempt(runId, QStringLiteral("ana"), QStringLiteral("rerun c"),
                                     {QStringLiteral("c")}),
                 3);
        store->record(transition(runId, 3, QStringLiteral("c"), NodeState::Running));
        QVERIFY(store->flush());

        QStringList seen;
        for (const NodeRunRecord &r : store->nodeRuns(runId))
            seen.append(
                QStringLiteral("%1@%2:%3").arg(r.nodeId).arg(r.attempt).arg(toString(r.state)));
        QCOMPARE(seen, (QStringList{QStringLiteral("a@1:failed"), QStringLiteral("b@2:succeeded"),
                                    QStringLiteral("c@3:running"), QStringLiteral("d@1:queued"),
                                    QStringLiteral("e@2:succeeded")}));
        QVERIFY(store->nodeRuns(runId + 1).isEmpty());

        // What recovery interrupts: the latest rows still queued, running or
        // retrying (not e, whose retrying row an attempt since superseded).
        seen.clear();
        for (const NodeRunRecord &r : store->activeNodeRuns(runId))
            seen.append(
                QStringLiteral("%1@%2:%3").arg(r.nodeId).arg(r.attempt).arg(toString(r.state)));
        QCOMPARE(seen, (QStringList{QStringLiteral("c@3:running"), QStringLiteral("d@1:queued")}));
    }

    void markInterrupted()
    {
        qint64 runId = 0;
        auto store = storeWithRun(&runId);
        QVERIFY(store);
        const QList<std::pair<QString, NodeState>> nodes = {
            {QStringLiteral("done"), NodeState::Succeeded},
            {QStringLiteral("running"), NodeState::Running},
            {QStringLiteral("queued"), NodeState::Queued},
            {QStringLiteral("waiting"), NodeState::Pending},
            {QStringLiteral("retrying"), NodeState::Retrying},
            {QStringLiteral("failed"), NodeState::Failed},
        };
        for (const auto &[id, state] : nodes) {
            Transition t = transition(runId, 1, id, state);
            t.processGroup = state == NodeState::Running ? 777 : 0;
            store->record(t);
        }
        QVERIFY(store->flush());
        // A rerun moved "failed" on to attempt 2, where it is running.
        QCOMPARE(store->beginAttempt(runId, QString(), QString(), {QStringLiteral("failed")}), 2);
        // Recorded but not yet flushed: markInterrupted must see it.
        store->record(transition(runId, 2, QStringLiteral("failed"), NodeState::Running));

        QStringList ids = store->markInterrupted(runId, QStringLiteral("Vouch stopped"));
        ids.sort();
        QCOMPARE(ids, (QStringList{QStringLiteral("failed"), QStringLiteral("queued"),
                                   QStringLiteral("retrying"), QStringLiteral("running")}));
        QCOMPARE(store->pending(), 0);

        QHash<QString, NodeRunRecord> rows;
        for (const NodeRunRecord &r : store->nodeRuns(runId))
            rows.insert(r.nodeId, r);
        QCOMPARE(toString(rows.value(QStringLiteral("done")).state),
                 toString(NodeState::Succeeded));
        QCOMPARE(toString(rows.value(QStringLiteral("waiting")).state),
                 toString(NodeState::Pending));
        QCOMPARE(toString(rows.value(QStringLiteral("running")).state),
                 toString(NodeState::Interrupted));
        QCOMPARE(rows.value(QStringLiteral("running")).message, QStringLiteral("Vouch stopped"));
        QCOMPARE(rows.value(QStringLiteral("running")).processGroup, 777); // may still be alive
        QVERIFY(rows.value(QStringLiteral("running")).finishedAt.isValid());
        QCOMPARE(toString(rows.value(QStringLiteral("failed")).state),
                 toString(NodeState::Interrupted));
        QCOMPARE(rows.value(QStringLiteral("failed")).attempt, 2);

        const QList<EventRecord> events = store->events(runId);
        QCOMPARE(toString(events.last().state), toString(NodeState::Interrupted));
        QCOMPARE(events.last().message, QStringLiteral("Vouch stopped"));

        QVERIFY(store->markInterrupted(runId, QStringLiteral("again")).isEmpty());
    }

    void failedFlushKeepsTheBuffer()
    {
        qint64 runId = 0;
        auto store = storeWithRun(&runId);
        QVERIFY(store);
        store->record(transition(runId, 1, QStringLiteral("ok"), NodeState::Queued));
        store->record(transition(runId, 7, QStringLiteral("no such attempt"), NodeState::Queued));
        QString error;
        QVERIFY(!store->flush(&error));
        QVERIFY2(error.contains(QStringLiteral("attempt 7")), qPrintable(error));
        QCOMPARE(store->lastError(), error);
        QCOMPARE(store->pending(), 2);
        QVERIFY(store->events(runId).isEmpty()); // all or nothing
        QVERIFY(store->nodeRuns(runId).isEmpty());
    }

    void eventsAreAppendOnly()
    {
        qint64 runId = 0;
        QString path;
        auto store = storeWithRun(&runId, &path);
        QVERIFY(store);
        store->record(transition(runId, 1, QStringLiteral("a"), NodeState::Queued));
        QVERIFY(store->flush());
        RawDb raw(path);
        QString error;
        QVERIFY(!raw.exec(QStringLiteral("UPDATE events SET state = 'succeeded'"), &error));
        QVERIFY2(error.contains(QStringLiteral("append-only")), qPrintable(error));
        QVERIFY(!raw.exec(QStringLiteral("DELETE FROM events"), &error));
        QCOMPARE(store->events(runId).size(), 1);
    }

    void leases()
    {
        const QString path = freshPath();
        QString error;
        auto store = StateStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        const QString key = QStringLiteral("weekly/2026-W47");
        const QString alice = QStringLiteral("host-a:101");
        const QString bob = QStringLiteral("host-b:202");

        QCOMPARE(store->leaseHolder(key), QString());
        QVERIFY(store->acquireLease(key, alice, 60));
        QCOMPARE(store->leaseHolder(key), alice);
        QVERIFY(!store->acquireLease(key, bob, 60));
        QCOMPARE(store->leaseHolder(key), alice);
        QVERIFY(store->acquireLease(key, alice, 60)); // renews
        QVERIFY(store->acquireLease(QStringLiteral("other"), bob, 60));

        store->releaseLease(key, bob); // not his: no effect
        QCOMPARE(store->leaseHolder(key), alice);
        store->releaseLease(key, alice);
        QCOMPARE(store->leaseHolder(key), QString());
        QVERIFY(store->acquireLease(key, bob, 60));

        // Expired by an old expiry time (as if bob died an hour ago).
        {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("UPDATE leases SET expires_at = 1000")));
        }
        QCOMPARE(store->leaseHolder(key), QString());
        QVERIFY(store->acquireLease(key, alice, 1));
        QCOMPARE(store->leaseHolder(key), alice);
        // Expired by the clock.
        QTRY_COMPARE_WITH_TIMEOUT(store->leaseHolder(key), QString(), 5000);
        QVERIFY(store->acquireLease(key, bob, 60));
        QCOMPARE(store->leaseHolder(key), bob);
        QVERIFY(store->lastError().isEmpty());
    }

    void twoStoresOnOneFile()
    {
        qint64 runId = 0;
        QString path;
        auto first = storeWithRun(&runId, &path);
        QVERIFY(first);
        QString error;
        auto second = StateStore::open(path, &error);
        QVERIFY2(second, qPrintable(error));

        first->record(transition(runId, 1, QStringLiteral("a"), NodeState::Running));
        QVERIFY(first->flush());
        QCOMPARE(toString(second->nodeRuns(runId).value(0).state), toString(NodeState::Running));
        QCOMPARE(second->run(runId)->latestAttempt, 1);

        // Interleaved writers, each with its own cached statements.
        for (int i = 0; i < 5; ++i) {
            second->record(transition(runId, 1, QStringLiteral("b%1").arg(i), NodeState::Queued));
            QVERIFY(second->flush());
            first->record(transition(runId, 1, QStringLiteral("c%1").arg(i), NodeState::Queued));
            QVERIFY(first->flush());
        }
        QCOMPARE(first->events(runId).size(), 11);
        QCOMPARE(second->events(runId).size(), 11);

        QVERIFY(second->acquireLease(QStringLiteral("k"), QStringLiteral("second"), 60));
        QCOMPARE(first->leaseHolder(QStringLiteral("k")), QStringLiteral("second"));
        QVERIFY(!first->acquireLease(QStringLiteral("k"), QStringLiteral("first"), 60));
    }

    void crashLosesOnlyUnflushed_data()
    {
        QTest::addColumn<int>("batches");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("lost");

        QTest::newRow("nothing flushed") << 0 << 0 << 5;
        QTest::newRow("one batch") << 1 << 30 << 7;
        QTest::newRow("many batches") << 20 << 500 << 999;
    }

    void crashLosesOnlyUnflushed()
    {
        QFETCH(int, batches);
        QFETCH(int, size);
        QFETCH(int, lost);

        qint64 runId = 0;
        QString path;
        {
            auto store = storeWithRun(&runId, &path);
            QVERIFY(store);
        }
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
                    childArgs(path, runId, 1, QStringLiteral("n"), batches, size, lost));
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        QString error;
        auto store = StateStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        const int flushed = batches * size;
        const QList<EventRecord> events = store->events(runId);
        QCOMPARE(events.size(), flushed);
        const QList<NodeRunRecord> rows = store->nodeRuns(runId);
        QCOMPARE(rows.size(), (flushed + 2) / 3);
        for (const NodeRunRecord &r : rows)
            QVERIFY2(r.nodeId.startsWith(QLatin1Char('n')), qPrintable(r.nodeId));
        // The file is healthy and writable again.
        store->record(transition(runId, 1, QStringLiteral("after"), NodeState::Queued));
        QVERIFY(store->flush(&error));
        store.reset();
        RawDb raw(path);
        QCOMPARE(raw.value(QStringLiteral("PRAGMA integrity_check")).toString(),
                 QStringLiteral("ok"));
    }

    void twoProcessesWriteTogether()
    {
        qint64 runId = 0;
        QString path;
        auto store = storeWithRun(&runId, &path);
        QVERIFY(store);

        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
                    childArgs(path, runId, 1, QStringLiteral("child"), 40, 300, 0));
        QVERIFY(child.waitForStarted());
        for (int b = 0; b < 40; ++b) {
            for (int i = 0; i < 300; ++i)
                store->record(
                    transition(runId, 1, QStringLiteral("parent%1").arg(i), kCycle.at(b % 3)));
            QString error;
            QVERIFY2(store->flush(&error), qPrintable(error));
        }
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);
        QCOMPARE(store->events(runId).size(), 2 * 40 * 300);
        QCOMPARE(store->nodeRuns(runId).size(), 300 + 40 * 300 / 3);
    }

    // Also a throughput figure for the log; speed is never asserted here.
    void largeBatches()
    {
        qint64 runId = 0;
        auto store = storeWithRun(&runId);
        QVERIFY(store);
        const int batches = 50;
        const int size = 1000;
        QElapsedTimer timer;
        qint64 flushNs = 0;
        for (int b = 0; b < batches; ++b) {
            for (int i = 0; i < size; ++i) {
                const int n = b * size + i;
                Transition t = transition(runId, 1, QStringLiteral("node%1").arg(n / 3 % 2000),
                                          kCycle.at(n % 3), kT0.addMSecs(n));
                t.tries = 1;
                t.message = QStringLiteral("step %1").arg(n);
                store->record(t);
            }
            timer.start();
            QVERIFY(store->flush());
            flushNs += timer.nsecsElapsed();
        }
        qInfo("%d transitions flushed in batches of %d: %lld ms, %lld transitions/s",
              batches * size, size, flushNs / 1000000,
              qint64(batches) * size * 1000000000 / flushNs);
        QCOMPARE(store->events(runId).size(), batches * size);
        QCOMPARE(store->nodeRuns(runId).size(), 2000);
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() > 1 && args.at(1) == QLatin1String("--child-write"))
        return childWrite(args.mid(2));
    TestStateStore test;
    QTEST_SET_MAIN_SOURCE_PATH
    return vouch::test::runGuarded(test, argc, argv);
}

#include "tst_statestore.moc"
