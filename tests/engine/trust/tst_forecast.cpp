#include "engine/trust/forecast.h"

#include "engine/contract/contract.h"
#include "engine/graph/graph.h"
#include "engine/store/statestore.h"
#include "support/testguard.h"

#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace vouch::engine;

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;

QDateTime utc(const QString &iso)
{
    QDateTime result = QDateTime::fromString(iso, Qt::ISODate);
    Q_ASSERT(result.isValid());
    return result.toUTC();
}

// A wall-clock time in `zone` ("yyyy-MM-dd HH:mm"), for times that are neither
// in a gap nor in an overlap.
QDateTime wallClock(const QString &text, const QByteArray &zone)
{
    const QDateTime plain = QDateTime::fromString(text, QStringLiteral("yyyy-MM-dd HH:mm"));
    Q_ASSERT(plain.isValid());
    return QDateTime(plain.date(), plain.time(), QTimeZone(zone)).toUTC();
}

Report report(const QByteArray &zone, const QString &publishBy)
{
    Report r;
    r.id = QStringLiteral("weekly_operating_report");
    r.timezone = zone;
    const std::optional<DeadlineRule> rule = DeadlineRule::parse(publishBy);
    Q_ASSERT(rule);
    r.publishBy = *rule;
    return r;
}

NodeState stateFrom(const QString &name)
{
    for (int i = 0; i <= int(NodeState::Interrupted); ++i) {
        if (toString(NodeState(i)) == name)
            return NodeState(i);
    }
    qFatal("unknown node state %s", qPrintable(name));
    return NodeState::Pending;
}

// One progress entry per graph node, from state names and minutes since the
// node started (-1: not started).
QList<NodeProgress> progressFrom(const QStringList &states, const QList<int> &startedMinutesAgo,
                                 const QDateTime &now)
{
    QList<NodeProgress> progress;
    for (qsizetype i = 0; i < states.size(); ++i) {
        NodeProgress p;
        p.state = stateFrom(states.at(i));
        const int ago = startedMinutesAgo.value(i, -1);
        if (ago >= 0)
            p.startedAt = now.addSecs(-60 * qint64(ago));
        progress.append(p);
    }
    return progress;
}

DurationStats stats(qint64 medianMs, qint64 p90Ms, int samples = 5)
{
    return DurationStats{samples, medianMs, p90Ms};
}

// ingest -> long_model  -> publish
//        -> short_model ->
Graph diamond()
{
    return Graph::fromSpecs({
        {QStringLiteral("ingest"), {}, {}, NodeKind::Noop, {}},
        {QStringLiteral("long_model"), {QStringLiteral("ingest")}, {}, NodeKind::Noop, {}},
        {QStringLiteral("short_model"), {QStringLiteral("ingest")}, {}, NodeKind::Noop, {}},
        {QStringLiteral("publish"),
         {QStringLiteral("long_model"), QStringLiteral("short_model")},
         {},
         NodeKind::Noop,
         {}},
    });
}

// The short branch is faster by median but slower at the 90th percentile.
QHash<QString, DurationStats> diamondHistory()
{
    return {
        {QStringLiteral("ingest"), stats(10 * kMinute, 15 * kMinute)},
        {QStringLiteral("long_model"), stats(60 * kMinute, 90 * kMinute)},
        {QStringLiteral("short_model"), stats(20 * kMinute, 100 * kMinute)},
        {QStringLiteral("publish"), stats(5 * kMinute, 10 * kMinute)},
    };
}

// extract -> transform -> publish: 1 h + 3 h + 1 h by median.
Graph chain()
{
    return Graph::fromSpecs({
        {QStringLiteral("extract"), {}, {}, NodeKind::Noop, {}},
        {QStringLiteral("transform"), {QStringLiteral("extract")}, {}, NodeKind::Noop, {}},
        {QStringLiteral("publish"), {QStringLiteral("transform")}, {}, NodeKind::Noop, {}},
    });
}

QHash<QString, DurationStats> chainHistory()
{
    return {
        {QStringLiteral("extract"), stats(1 * kHour, 2 * kHour)},
        {QStringLiteral("transform"), stats(3 * kHour, 4 * kHour)},
        {QStringLiteral("publish"), stats(1 * kHour, 1 * kHour)},
    };
}

// One execution of a node in a stored run; returns the run id, 0 on failure.
struct Execution
{
    QString nodeId;
    int attempt = 1;
    int startMinute = 0; // after the run's base time
    int minutes = 0;
    NodeState end = NodeState::Succeeded; // Running: the node has not ended
};

const QDateTime kBase = QDateTime(QDate(2026, 11, 23), QTime(6, 0), QTimeZone::utc());

qint64 storeRun(StateStore &store, const QString &reportId, const QString &period,
                const QList<Execution> &executions)
{
    const qint64 runId = store.createRun(reportId, period, QString());
    if (runId <= 0)
        return 0;
    int attempts = 0;
    for (const Execution &e : executions) {
        while (attempts < e.attempt) {
            attempts = store.beginAttempt(runId, QStringLiteral("test"), QString(), {});
            if (attempts <= 0)
                return 0;
        }
        Transition t;
        t.runId = runId;
        t.attempt = e.attempt;
        t.nodeId = e.nodeId;
        t.state = NodeState::Running;
        t.tries = 1;
        t.at = kBase.addSecs(60 * qint64(e.startMinute));
        store.record(t);
        if (e.end != NodeState::Running) {
            t.state = e.end;
            t.at = t.at.addSecs(60 * qint64(e.minutes));
            store.record(t);
        }
    }
    return store.flush() ? runId : 0;
}

} // namespace

class TestForecast : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void statsFrom_data();
    void statsFrom();

    void deadlineFor_data();
    void deadlineFor();

    void forecastCompletion_data();
    void forecastCompletion();
    void forecastWithoutHistory();
    void forecastIgnoresCycles();

    void deadlineStatus_data();
    void deadlineStatus();
    void statusAcrossDaylightSaving_data();
    void statusAcrossDaylightSaving();

    void durationHistory_data();
    void durationHistory();
    void durationHistoryOfUnknownReport();
    void durationHistoryOfOneCadence();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<StateStore> m_store;
    QList<qint64> m_runIds; // oldest first
};

void TestForecast::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    m_store = StateStore::open(m_dir.filePath(QStringLiteral("state.db")), &error);
    QVERIFY2(m_store, qPrintable(error));

    const QString report = QStringLiteral("weekly");
    const auto ingest = [](int minutes, NodeState end = NodeState::Succeeded) {
        return Execution{QStringLiteral("extract"), 1, 0, minutes, end};
    };
    // The oldest run: an outlier that drops out of a short window.
    m_runIds.append(storeRun(*m_store, report, QStringLiteral("2026-W44"), {ingest(100)}));
    // A failed transform, then a rerun (attempt 2) that passes.
    m_runIds.append(storeRun(*m_store, report, QStringLiteral("2026-W45"),
                             {ingest(10),
                              {QStringLiteral("transform"), 1, 10, 50, NodeState::Failed},
                              {QStringLiteral("transform"), 2, 120, 30, NodeState::Succeeded}}));
    // Warned counts as a success; a node that only ever failed has no history.
    m_runIds.append(storeRun(*m_store, report, QStringLiteral("2026-W46"),
                             {ingest(20),
                              {QStringLiteral("transform"), 1, 20, 40, NodeState::Warned},
                              {QStringLiteral("load"), 1, 60, 5, NodeState::Failed}}));
    // The current run: transform is still running.
    m_runIds.append(
        storeRun(*m_store, report, QStringLiteral("2026-W47"),
                 {ingest(30), {QStringLiteral("transform"), 1, 30, 0, NodeState::Running}}));
    // Another report's run must never leak in.
    QVERIFY(storeRun(*m_store, QStringLiteral("other"), QStringLiteral("2026-W47"), {ingest(999)}));
    QVERIFY(!m_runIds.contains(0));
}

void TestForecast::statsFrom_data()
{
    QTest::addColumn<QList<qint64>>("durations");
    QTest::addColumn<int>("samples");
    QTest::addColumn<qint64>("median");
    QTest::addColumn<qint64>("p90");

    QTest::newRow("none") << QList<qint64>{} << 0 << qint64(0) << qint64(0);
    QTest::newRow("single sample") << QList<qint64>{42} << 1 << qint64(42) << qint64(42);
    QTest::newRow("odd count, unsorted")
        << QList<qint64>{30, 10, 20} << 3 << qint64(20) << qint64(30);
    QTest::newRow("even count takes the middle mean")
        << QList<qint64>{40, 10, 30, 20} << 4 << qint64(25) << qint64(40);
    QTest::newRow("even count rounds down") << QList<qint64>{1, 2} << 2 << qint64(1) << qint64(2);
    // Nearest rank: ceil(0.9 * 10) = 9th smallest, not an interpolation.
    QTest::newRow("ten samples: p90 is the 9th")
        << QList<qint64>{10, 1, 9, 2, 8, 3, 7, 4, 6, 5} << 10 << qint64(5) << qint64(9);
    // ceil(0.9 * 11) = 10th smallest.
    QTest::newRow("eleven samples: p90 is the 10th")
        << QList<qint64>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11} << 11 << qint64(6) << qint64(10);
    // ceil(0.9 * 20) = 18th smallest.
    QList<qint64> twenty;
    for (qint64 i = 20; i >= 1; --i)
        twenty.append(i * 100);
    QTest::newRow("twenty samples: p90 is the 18th")
        << twenty << 20 << qint64(1050) << qint64(1800);
    QTest::newRow("one outlier moves p90, not the median")
        << QList<qint64>{10, 10, 10, 10, 10000} << 5 << qint64(10) << qint64(10000);
    QTest::newRow("negative clamped") << QList<qint64>{-5, 5, 7} << 3 << qint64(5) << qint64(7);
}

void TestForecast::statsFrom()
{
    QFETCH(QList<qint64>, durations);
    QFETCH(int, samples);
    QFETCH(qint64, median);
    QFETCH(qint64, p90);

    const DurationStats s = vouch::engine::statsFrom(durations);
    QCOMPARE(s.samples, samples);
    QCOMPARE(s.medianMs, median);
    QCOMPARE(s.p90Ms, p90);
}

void TestForecast::deadlineFor_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("publishBy");
    QTest::addColumn<QDate>("periodEnd");
    QTest::addColumn<QString>("expectedUtc");

    // 2026-W47 ends on Monday 2026-11-23 (GMT).
    QTest::newRow("london winter") << QByteArray("Europe/London") << "MON 12:00"
                                   << QDate(2026, 11, 23) << "2026-11-23T12:00:00Z";
    // London springs forward on Sunday 2026-03-29: Monday noon is BST.
    QTest::newRow("london after spring forward") << QByteArray("Europe/London") << "MON 12:00"
                                                 << QDate(2026, 3, 30) << "2026-03-30T11:00:00Z";
    // London falls back on Sunday 2026-10-25: Monday noon is GMT again.
    QTest::newRow("london after fall back") << QByteArray("Europe/London") << "MON 12:00"
                                            << QDate(2026, 10, 26) << "2026-10-26T12:00:00Z";
    QTest::newRow("london summer") << QByteArray("Europe/London") << "MON 12:00"
                                   << QDate(2026, 7, 6) << "2026-07-06T11:00:00Z";
    // New York springs forward on 2026-03-08 and falls back on 2026-11-01.
    QTest::newRow("new york after spring forward") << QByteArray("America/New_York") << "MON 09:00"
                                                   << QDate(2026, 3, 9) << "2026-03-09T13:00:00Z";
    QTest::newRow("new york after fall back") << QByteArray("America/New_York") << "MON 09:00"
                                              << QDate(2026, 11, 2) << "2026-11-02T14:00:00Z";
    // Sydney: daylight saving ends on 2026-04-05 and starts on 2026-10-04; the
    // period ends on Sunday in UTC.
    QTest::newRow("sydney after dst ends") << QByteArray("Australia/Sydney") << "MON 12:00"
                                           << QDate(2026, 4, 6) << "2026-04-06T02:00:00Z";
    QTest::newRow("sydney after dst starts") << QByteArray("Australia/Sydney") << "MON 12:00"
                                             << QDate(2026, 10, 5) << "2026-10-05T01:00:00Z";
    QTest::newRow("sydney early monday is sunday in utc")
        << QByteArray("Australia/Sydney") << "MON 06:00" << QDate(2026, 11, 23)
        << "2026-11-22T19:00:00Z";
    // publish_by on the period's last day, before its end: the Sunday at the end of
    // the *next* week, never the one inside the period.
    QTest::newRow("sunday 23:30 is the following sunday")
        << QByteArray("Europe/London") << "SUN 23:30" << QDate(2026, 11, 23)
        << "2026-11-29T23:30:00Z";
    QTest::newRow("sunday 23:30 in new york is monday in utc")
        << QByteArray("America/New_York") << "SUN 23:30" << QDate(2026, 11, 23)
        << "2026-11-30T04:30:00Z";
    // At or after: a publish_by at the period's very end is that instant.
    QTest::newRow("monday midnight is the period end itself")
        << QByteArray("Europe/London") << "MON 00:00" << QDate(2026, 11, 23)
        << "2026-11-23T00:00:00Z";
    // The following Sunday's 01:30 does not exist in London (spring forward):
    // the first valid minute after the gap.
    QTest::newRow("publish_by inside the spring gap")
        << QByteArray("Europe/London") << "SUN 01:30" << QDate(2026, 3, 23)
        << "2026-03-29T01:00:00Z";
    // The Sunday 01:30 that happens twice (fall back): the first one, in BST.
    QTest::newRow("publish_by inside the autumn overlap")
        << QByteArray("Europe/London") << "SUN 01:30" << QDate(2026, 10, 19)
        << "2026-10-25T00:30:00Z";
    QTest::newRow("unknown zone") << QByteArray("Mars/Olympus_Mons") << "MON 12:00"
                                  << QDate(2026, 11, 23) << QString();
}

void TestForecast::deadlineFor()
{
    QFETCH(QByteArray, zone);
    QFETCH(QString, publishBy);
    QFETCH(QDate, periodEnd);
    QFETCH(QString, expectedUtc);

    const QDateTime deadline = vouch::engine::deadlineFor(report(zone, publishBy), periodEnd);
    if (expectedUtc.isEmpty()) {
        QVERIFY(!deadline.isValid());
        return;
    }
    QCOMPARE(deadline, utc(expectedUtc));
    QCOMPARE(deadline.timeSpec(), Qt::UTC);
    // The deadline is the publish_by on the report's wall clock.
    const QDateTime local = deadline.toTimeZone(QTimeZone(zone));
    QCOMPARE(local.date().dayOfWeek(), report(zone, publishBy).publishBy.dayOfWeek);
    QVERIFY(local.date() >= periodEnd);
}

void TestForecast::forecastCompletion_data()
{
    // Node order: ingest, long_model, short_model, publish.
    QTest::addColumn<QStringList>("states");
    QTest::addColumn<QList<int>>("startedMinutesAgo");
    QTest::addColumn<qint64>("remainingMinutes");
    QTest::addColumn<qint64>("remainingP90Minutes");
    QTest::addColumn<QStringList>("criticalPath");

    const QString pending = QStringLiteral("pending");
    const QString running = QStringLiteral("running");
    const QString succeeded = QStringLiteral("succeeded");
    const QList<int> none{-1, -1, -1, -1};

    // By median the long branch: 10 + 60 + 5; by p90 the short one: 15 + 100 + 10.
    QTest::newRow("nothing started: the longer branch")
        << QStringList{pending, pending, pending, pending} << none << qint64(75) << qint64(125)
        << QStringList{"ingest", "long_model", "publish"};
    QTest::newRow("queued counts in full")
        << QStringList{"queued", pending, pending, pending} << none << qint64(75) << qint64(125)
        << QStringList{"ingest", "long_model", "publish"};
    // long_model has run 30 of its 60 minutes: 30 + 5 left; short_model 20 + 5.
    QTest::newRow("running node: elapsed is subtracted")
        << QStringList{succeeded, running, pending, pending} << QList<int>{-1, 30, -1, -1}
        << qint64(35) << qint64(110) << QStringList{"long_model", "publish"};
    // long_model overran its median: nothing left of it, but it is not done.
    QTest::newRow("running past its median counts zero")
        << QStringList{succeeded, running, succeeded, pending} << QList<int>{-1, 70, -1, -1}
        << qint64(5) << qint64(30) << QStringList{"long_model", "publish"};
    QTest::newRow("finished long branch: the short one is critical")
        << QStringList{succeeded, "warned", running, pending} << QList<int>{-1, -1, 5, -1}
        << qint64(20) << qint64(105) << QStringList{"short_model", "publish"};
    // Failed, skipped and upstream-failed nodes have ended: they count 0.
    QTest::newRow("ended nodes count zero whatever their state")
        << QStringList{succeeded, "failed", "skipped", pending} << none << qint64(5) << qint64(10)
        << QStringList{"publish"};
    // A retrying node starts a new try: its full median, whatever has elapsed.
    QTest::newRow("retrying counts in full")
        << QStringList{succeeded, "retrying", succeeded, pending} << QList<int>{-1, 50, -1, -1}
        << qint64(65) << qint64(100) << QStringList{"long_model", "publish"};
    QTest::newRow("only the last node left")
        << QStringList{succeeded, succeeded, succeeded, running} << QList<int>{-1, -1, -1, 2}
        << qint64(3) << qint64(8) << QStringList{"publish"};
    QTest::newRow("missing progress entries are pending")
        << QStringList{succeeded} << none << qint64(65) << qint64(110)
        << QStringList{"long_model", "publish"};
}

void TestForecast::forecastCompletion()
{
    QFETCH(QStringList, states);
    QFETCH(QList<int>, startedMinutesAgo);
    QFETCH(qint64, remainingMinutes);
    QFETCH(qint64, remainingP90Minutes);
    QFETCH(QStringList, criticalPath);

    const QDateTime now = utc(QStringLiteral("2026-11-23T07:00:00Z"));
    const Forecast f = vouch::engine::forecastCompletion(
        diamond(), progressFrom(states, startedMinutesAgo, now), diamondHistory(), now);
    QVERIFY(!f.done);
    QCOMPARE(f.remainingMs, remainingMinutes * kMinute);
    QCOMPARE(f.projected, now.addSecs(60 * remainingMinutes));
    QCOMPARE(f.projectedP90, now.addSecs(60 * remainingP90Minutes));
    QCOMPARE(f.projected.timeSpec(), Qt::UTC);
    QCOMPARE(f.criticalPath, criticalPath);
    QCOMPARE(f.nodesWithoutHistory, 0);

    // Once every node has ended there is nothing left to project.
    QList<NodeProgress> ended(4, NodeProgress{NodeState::Succeeded, now});
    ended[1].state = NodeState::Failed;
    ended[3].state = NodeState::UpstreamFailed;
    const Forecast done =
        vouch::engine::forecastCompletion(diamond(), ended, diamondHistory(), now);
    QVERIFY(done.done);
    QVERIFY(!done.projected.isValid());
    QVERIFY(!done.projectedP90.isValid());
    QVERIFY(done.criticalPath.isEmpty());
}

void TestForecast::forecastWithoutHistory()
{
    const QDateTime now = utc(QStringLiteral("2026-11-23T07:00:00Z"));
    QHash<QString, DurationStats> history = diamondHistory();
    history.remove(QStringLiteral("publish"));
    history.insert(QStringLiteral("short_model"), DurationStats{}); // no samples: no history
    const QList<NodeProgress> pending(4);

    Forecast f = vouch::engine::forecastCompletion(diamond(), pending, history, now);
    QCOMPARE(f.nodesWithoutHistory, 2);
    QCOMPARE(f.remainingMs, 70 * kMinute); // 10 + 60 + 0
    QCOMPARE(f.criticalPath, (QStringList{"ingest", "long_model", "publish"}));

    f = vouch::engine::forecastCompletion(diamond(), pending, history, now, 2 * kHour);
    QCOMPARE(f.nodesWithoutHistory, 2);
    QCOMPARE(f.remainingMs, (10 + 120 + 120) * kMinute); // short_model now takes the default
    QCOMPARE(f.criticalPath, (QStringList{"ingest", "short_model", "publish"}));

    // Nodes that have ended need no history.
    QList<NodeProgress> progress(4, NodeProgress{NodeState::Succeeded, now});
    progress[1].state = NodeState::Running;
    progress[1].startedAt = now.addSecs(-600);
    f = vouch::engine::forecastCompletion(diamond(), progress, history, now);
    QCOMPARE(f.nodesWithoutHistory, 0);
    QCOMPARE(f.remainingMs, 50 * kMinute);
    QCOMPARE(f.criticalPath, QStringList{"long_model"});

    // An empty graph has nothing to run.
    QVERIFY(vouch::engine::forecastCompletion(Graph(), {}, {}, now).done);
}

void TestForecast::forecastIgnoresCycles()
{
    // a <-> b is a cycle (the contract would be rejected); c is independent.
    const Graph graph = Graph::fromSpecs({
        {QStringLiteral("a"), {QStringLiteral("b")}, {}, NodeKind::Noop, {}},
        {QStringLiteral("b"), {QStringLiteral("a")}, {}, NodeKind::Noop, {}},
        {QStringLiteral("c"), {}, {}, NodeKind::Noop, {}},
    });
    const QDateTime now = utc(QStringLiteral("2026-11-23T07:00:00Z"));
    const QHash<QString, DurationStats> history{{QStringLiteral("a"), stats(kHour, kHour)},
                                                {QStringLiteral("b"), stats(kHour, kHour)},
                                                {QStringLiteral("c"), stats(kMinute, kMinute)}};
    Forecast f = vouch::engine::forecastCompletion(graph, QList<NodeProgress>(3), history, now);
    QVERIFY(!f.done);
    QCOMPARE(f.remainingMs, kMinute);
    QCOMPARE(f.criticalPath, QStringList{"c"});

    QList<NodeProgress> progress(3);
    progress[2].state = NodeState::Succeeded;
    f = vouch::engine::forecastCompletion(graph, progress, history, now);
    QVERIFY(f.done);
}

void TestForecast::deadlineStatus_data()
{
    QTest::addColumn<bool>("done");
    QTest::addColumn<QString>("projected");
    QTest::addColumn<QString>("deadline");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QString>("expected");

    QTest::newRow("comfortably early") << false << "2026-11-23T09:00:00Z"
                                       << "2026-11-23T12:00:00Z"
                                       << "2026-11-23T08:00:00Z"
                                       << "on_track";
    QTest::newRow("projected exactly at the deadline") << false << "2026-11-23T12:00:00Z"
                                                       << "2026-11-23T12:00:00Z"
                                                       << "2026-11-23T08:00:00Z"
                                                       << "on_track";
    QTest::newRow("projected a second late") << false << "2026-11-23T12:00:01Z"
                                             << "2026-11-23T12:00:00Z"
                                             << "2026-11-23T08:00:00Z"
                                             << "at_risk";
    QTest::newRow("now exactly at the deadline, projection later")
        << false << "2026-11-23T12:30:00Z"
        << "2026-11-23T12:00:00Z"
        << "2026-11-23T12:00:00Z"
        << "at_risk";
    QTest::newRow("a second past the deadline") << false << "2026-11-23T12:00:01Z"
                                                << "2026-11-23T12:00:00Z"
                                                << "2026-11-23T12:00:01Z"
                                                << "late";
    QTest::newRow("done after the deadline") << true << QString() << "2026-11-23T12:00:00Z"
                                             << "2026-11-23T13:00:00Z"
                                             << "done";
    QTest::newRow("done before the deadline") << true << QString() << "2026-11-23T12:00:00Z"
                                              << "2026-11-23T08:00:00Z"
                                              << "done";
    QTest::newRow("no deadline") << false << "2026-11-23T20:00:00Z" << QString()
                                 << "2026-11-23T18:00:00Z"
                                 << "on_track";
}

void TestForecast::deadlineStatus()
{
    QFETCH(bool, done);
    QFETCH(QString, projected);
    QFETCH(QString, deadline);
    QFETCH(QString, now);
    QFETCH(QString, expected);

    Forecast f;
    f.done = done;
    if (!projected.isEmpty())
        f.projected = utc(projected);
    const QDateTime due = deadline.isEmpty() ? QDateTime() : utc(deadline);
    QCOMPARE(toString(vouch::engine::deadlineStatus(f, due, utc(now))), expected);
}

void TestForecast::statusAcrossDaylightSaving_data()
{
    // The chain extract (1 h) -> transform (3 h) -> publish (1 h), publish_by
    // MON 12:00 on the report's wall clock. `now` is wall-clock time too.
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QDate>("periodEnd");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QStringList>("states");
    QTest::addColumn<QList<int>>("startedMinutesAgo");
    QTest::addColumn<QString>("deadlineUtc");
    QTest::addColumn<QString>("projectedUtc"); // empty: done
    QTest::addColumn<QString>("expected");

    const QByteArray london("Europe/London");
    const QString pending = QStringLiteral("pending");
    const QString running = QStringLiteral("running");
    const QString succeeded = QStringLiteral("succeeded");
    const QStringList nothingStarted{pending, pending, pending};
    const QStringList onlyPublishLeft{succeeded, succeeded, pending};
    const QList<int> none{-1, -1, -1};

    // The clocks went back on Sunday 2026-10-25: Monday is GMT, deadline 12:00Z.
    const QDate autumn(2026, 10, 26);
    QTest::newRow("autumn: 5 h left at 08:00 is at risk")
        << london << autumn << "2026-10-26 08:00" << nothingStarted << none
        << "2026-10-26T12:00:00Z"
        << "2026-10-26T13:00:00Z"
        << "at_risk";
    QTest::newRow("autumn: 1 h left at 08:00 is on track")
        << london << autumn << "2026-10-26 08:00" << onlyPublishLeft << none
        << "2026-10-26T12:00:00Z"
        << "2026-10-26T09:00:00Z"
        << "on_track";
    // transform started at 10:00 and still runs: 30 min + 1 h left, after the deadline.
    QTest::newRow("autumn: still running at 12:30 is late")
        << london << autumn << "2026-10-26 12:30" << QStringList{succeeded, running, pending}
        << QList<int>{-1, 150, -1} << "2026-10-26T12:00:00Z"
        << "2026-10-26T14:00:00Z"
        << "late";
    QTest::newRow("autumn: 4 h left at 08:00 lands on the deadline")
        << london << autumn << "2026-10-26 08:00" << QStringList{succeeded, pending, pending}
        << none << "2026-10-26T12:00:00Z"
        << "2026-10-26T12:00:00Z"
        << "on_track";
    QTest::newRow("autumn: done after the deadline")
        << london << autumn << "2026-10-26 12:30" << QStringList{succeeded, succeeded, succeeded}
        << none << "2026-10-26T12:00:00Z" << QString() << "done";

    // The clocks went forward on Sunday 2026-03-29: Monday is BST, 12:00 is 11:00Z.
    // A forecast that took 12:00 as UTC would call each of these rows differently.
    const QDate spring(2026, 3, 30);
    QTest::newRow("spring: 5 h left at 07:00 lands on the deadline")
        << london << spring << "2026-03-30 07:00" << nothingStarted << none
        << "2026-03-30T11:00:00Z"
        << "2026-03-30T11:00:00Z"
        << "on_track";
    QTest::newRow("spring: 5 h left at 08:00 is at risk")
        << london << spring << "2026-03-30 08:00" << nothingStarted << none
        << "2026-03-30T11:00:00Z"
        << "2026-03-30T12:00:00Z"
        << "at_risk";
    QTest::newRow("spring: 1 h left at 11:30 is at risk")
        << london << spring << "2026-03-30 11:30" << onlyPublishLeft << none
        << "2026-03-30T11:00:00Z"
        << "2026-03-30T11:30:00Z"
        << "at_risk";
    QTest::newRow("spring: 1 h left at 08:00 is on track")
        << london << spring << "2026-03-30 08:00" << onlyPublishLeft << none
        << "2026-03-30T11:00:00Z"
        << "2026-03-30T08:00:00Z"
        << "on_track";
    QTest::newRow("spring: still running at 12:30 is late")
        << london << spring << "2026-03-30 12:30" << QStringList{succeeded, running, pending}
        << QList<int>{-1, 150, -1} << "2026-03-30T11:00:00Z"
        << "2026-03-30T13:00:00Z"
        << "late";

    // Elsewhere: New York fell back on 2026-11-01 (Monday 12:00 EST = 17:00Z) and
    // Sydney's daylight saving started on 2026-10-04 (Monday 12:00 AEDT = 01:00Z).
    QTest::newRow("new york: 5 h left at 08:00 is at risk")
        << QByteArray("America/New_York") << QDate(2026, 11, 2) << "2026-11-02 08:00"
        << nothingStarted << none << "2026-11-02T17:00:00Z"
        << "2026-11-02T18:00:00Z"
        << "at_risk";
    QTest::newRow("sydney: 1 h left at 10:00 is on track")
        << QByteArray("Australia/Sydney") << QDate(2026, 10, 5) << "2026-10-05 10:00"
        << onlyPublishLeft << none << "2026-10-05T01:00:00Z"
        << "2026-10-05T00:00:00Z"
        << "on_track";
    QTest::newRow("sydney: 12:30 with nodes running is late")
        << QByteArray("Australia/Sydney") << QDate(2026, 10, 5) << "2026-10-05 12:30"
        << QStringList{succeeded, running, pending} << QList<int>{-1, 60, -1}
        << "2026-10-05T01:00:00Z"
        << "2026-10-05T04:30:00Z"
        << "late";
}

void TestForecast::statusAcrossDaylightSaving()
{
    QFETCH(QByteArray, zone);
    QFETCH(QDate, periodEnd);
    QFETCH(QString, now);
    QFETCH(QStringList, states);
    QFETCH(QList<int>, startedMinutesAgo);
    QFETCH(QString, deadlineUtc);
    QFETCH(QString, projectedUtc);
    QFETCH(QString, expected);

    const QDateTime at = wallClock(now, zone);
    const QDateTime deadline =
        vouch::engine::deadlineFor(report(zone, QStringLiteral("MON 12:00")), periodEnd);
    QCOMPARE(deadline, utc(deadlineUtc));

    const Forecast f = vouch::engine::forecastCompletion(
        chain(), progressFrom(states, startedMinutesAgo, at), chainHistory(), at);
    if (projectedUtc.isEmpty()) {
        QVERIFY(f.done);
        QVERIFY(!f.projected.isValid());
    } else {
        QCOMPARE(f.projected, utc(projectedUtc));
    }
    QCOMPARE(toString(vouch::engine::deadlineStatus(f, deadline, at)), expected);
}

void TestForecast::durationHistory_data()
{
    QTest::addColumn<int>("runs");
    QTest::addColumn<int>("exclude");             // 1-based index into m_runIds; 0: none
    QTest::addColumn<QList<qint64>>("extract");   // samples, median, p90 in minutes
    QTest::addColumn<QList<qint64>>("transform"); // empty: no history

    // Runs, oldest first: extract 100, 10, 20, 30 min; transform failed then 30
    // (run 2), warned 40 (run 3), still running (run 4); load only failed.
    QTest::newRow("last three") << 3 << 0 << QList<qint64>{3, 20, 30} << QList<qint64>{2, 35, 40};
    QTest::newRow("last three before the current run")
        << 3 << 4 << QList<qint64>{3, 20, 100} << QList<qint64>{2, 35, 40};
    QTest::newRow("all runs") << 12 << 0 << QList<qint64>{4, 25, 100} << QList<qint64>{2, 35, 40};
    QTest::newRow("no limit") << 0 << 0 << QList<qint64>{4, 25, 100} << QList<qint64>{2, 35, 40};
    QTest::newRow("only the newest") << 1 << 0 << QList<qint64>{1, 30, 30} << QList<qint64>{};
    QTest::newRow("only the newest but one")
        << 1 << 4 << QList<qint64>{1, 20, 20} << QList<qint64>{1, 40, 40};
    QTest::newRow("excluding an older run")
        << 3 << 2 << QList<qint64>{3, 30, 100} << QList<qint64>{1, 40, 40};
}

void TestForecast::durationHistory()
{
    QFETCH(int, runs);
    QFETCH(int, exclude);
    QFETCH(QList<qint64>, extract);
    QFETCH(QList<qint64>, transform);

    const qint64 excludeRunId = exclude > 0 ? m_runIds.at(exclude - 1) : 0;
    const QHash<QString, DurationStats> history =
        vouch::engine::durationHistory(*m_store, QStringLiteral("weekly"), runs, excludeRunId);

    QVERIFY(history.contains(QStringLiteral("extract")));
    const DurationStats e = history.value(QStringLiteral("extract"));
    QCOMPARE(e.samples, int(extract.at(0)));
    QCOMPARE(e.medianMs, extract.at(1) * kMinute);
    QCOMPARE(e.p90Ms, extract.at(2) * kMinute);

    QCOMPARE(history.contains(QStringLiteral("transform")), !transform.isEmpty());
    if (!transform.isEmpty()) {
        const DurationStats t = history.value(QStringLiteral("transform"));
        QCOMPARE(t.samples, int(transform.at(0)));
        QCOMPARE(t.medianMs, transform.at(1) * kMinute);
        QCOMPARE(t.p90Ms, transform.at(2) * kMinute);
    }
    // A node that never passed has no history, however many runs are read.
    QVERIFY(!history.contains(QStringLiteral("load")));
    QCOMPARE(history.size(), transform.isEmpty() ? 1 : 2);
}

// A report that became monthly forecasts from its monthly runs only: a
// month-end close takes longer than the weekly pack it was.
void TestForecast::durationHistoryOfOneCadence()
{
    QTemporaryDir dir;
    QString error;
    auto store = StateStore::open(dir.filePath(QStringLiteral("cadence.db")), &error);
    QVERIFY2(store, qPrintable(error));
    for (const char *week : {"2026-W40", "2026-W41", "2026-W42"})
        QVERIFY(storeRun(*store, QStringLiteral("pack"), QString::fromLatin1(week),
                         {{QStringLiteral("close"), 1, 0, 10}}));
    for (const char *month : {"2026-10", "2026-11"})
        QVERIFY(storeRun(*store, QStringLiteral("pack"), QString::fromLatin1(month),
                         {{QStringLiteral("close"), 1, 0, 90}}));
    QVERIFY(storeRun(*store, QStringLiteral("pack"), QStringLiteral("2026-Q3"),
                     {{QStringLiteral("close"), 1, 0, 400}}));
    const auto of = [&](std::optional<Cadence> cadence) {
        const auto history =
            vouch::engine::durationHistory(*store, QStringLiteral("pack"), 12, 0, cadence);
        return std::pair{history.value(QStringLiteral("close")).samples,
                         history.value(QStringLiteral("close")).medianMs / kMinute};
    };
    QCOMPARE(of(Cadence::Month), (std::pair<int, qint64>{2, 90}));
    QCOMPARE(of(Cadence::Week), (std::pair<int, qint64>{3, 10}));
    QCOMPARE(of(Cadence::Quarter), (std::pair<int, qint64>{1, 400}));
    QCOMPARE(of(std::nullopt).first, 6);
}

void TestForecast::durationHistoryOfUnknownReport()
{
    QVERIFY(vouch::engine::durationHistory(*m_store, QStringLiteral("nobody")).isEmpty());

    // The other report's run is its own history.
    const QHash<QString, DurationStats> other =
        vouch::engine::durationHistory(*m_store, QStringLiteral("other"));
    QCOMPARE(other.size(), 1);
    QCOMPARE(other.value(QStringLiteral("extract")).medianMs, 999 * kMinute);

    // The history feeds the forecast: the current run's extract has ended, its
    // transform runs; from the three earlier runs transform takes 35 min by median.
    const QHash<QString, DurationStats> history =
        vouch::engine::durationHistory(*m_store, QStringLiteral("weekly"), 3, m_runIds.last());
    const QDateTime now = kBase.addSecs(40 * 60); // transform started at minute 30
    QList<NodeProgress> progress(3);
    progress[0].state = NodeState::Succeeded;
    progress[1] = NodeProgress{NodeState::Running, kBase.addSecs(30 * 60)};
    const Forecast f = vouch::engine::forecastCompletion(chain(), progress, history, now);
    QCOMPARE(f.remainingMs, 25 * kMinute); // publish has no history: 0
    QCOMPARE(f.nodesWithoutHistory, 1);
    QCOMPARE(f.criticalPath, (QStringList{"transform", "publish"}));
}

VOUCH_TEST_GUILESS_MAIN(TestForecast)
#include "tst_forecast.moc"
