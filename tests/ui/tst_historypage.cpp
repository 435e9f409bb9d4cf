// The History page over a year of weekly runs seeded through the public
// StateStore API: completion against publish_by, the rolling on-time rate,
// the duration trend of a chosen node and check failures per period.
// Offscreen; every wait has a timeout.

#include "engine/contract/contractloader.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"
#include "support/contracts.h"
#include "support/testguard.h"
#include "ui/historypage.h"

#include <QChartView>
#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using namespace vouch;
using engine::NodeState;
using ui::HistoryPage;

namespace {

constexpr int kWaitMs = 30000;
constexpr int kPeriods = 52;

const QByteArray kContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: main, name: Main, needs: [publish], on_failure: hold}
nodes:
  - {id: load, kind: noop}
  - id: chk_a
    kind: check
    needs: [load]
    connection: w
    value: "select 1"
    warn_if: "> 0"
  - id: chk_b
    kind: check
    needs: [load]
    connection: w
    value: "select 1"
    error_if: "> 0"
  - {id: publish, kind: publish, needs: [chk_a, chk_b]}
connections:
  w: {driver: sqlite, database: /tmp/none.db}
)";

// What the seeded store holds for period i (0 = 2025-W49).
struct Seed
{
    QString period;
    qint64 startMs = 0; // Monday 00:00, London
    double completionHours = 0;
    int checkFailures = 0;
    double loadMinutes = 0;
    double publishMinutes = 0;
};

QList<Seed> seeds()
{
    const QTimeZone london("Europe/London");
    const QDate first = engine::contextForPeriod(QStringLiteral("2025-W49"), {})->periodStart;
    QList<Seed> result;
    for (int i = 0; i < kPeriods; ++i) {
        Seed s;
        const QDate start = first.addDays(7 * i);
        int year = 0;
        const int week = start.weekNumber(&year);
        s.period = QStringLiteral("%1-W%2").arg(year).arg(week, 2, 10, QLatin1Char('0'));
        s.startMs = QDateTime(start, QTime(0, 0), london).toMSecsSinceEpoch();
        // 6, 8, 10, 12 (on time, exactly at publish_by), 14 (late) hours.
        s.completionHours = 6 + (i % 5) * 2;
        s.checkFailures = (i % 4 == 0 ? 1 : 0) + (i % 6 == 0 ? 1 : 0);
        s.loadMinutes = 10 + i % 7;
        s.publishMinutes = 5 + i % 3;
        if (i == 10) { // rerun of publish in attempt 2, finishing late
            s.completionHours = 30;
            s.publishMinutes = 9;
        }
        result.append(s);
    }
    return result;
}

void transition(engine::StateStore &store, qint64 runId, int attempt, const QString &node,
                NodeState state, const QDateTime &at)
{
    engine::Transition t;
    t.runId = runId;
    t.attempt = attempt;
    t.nodeId = node;
    t.state = state;
    t.at = at.toUTC();
    t.tries = 1;
    store.record(t);
}

// Records one execution of `node`: running at `finished - minutes`, then `state`.
void execution(engine::StateStore &store, qint64 runId, int attempt, const QString &node,
               NodeState state, const QDateTime &finished, double minutes)
{
    transition(store, runId, attempt, node, NodeState::Running,
               finished.addMSecs(-qint64(minutes * 60000)));
    transition(store, runId, attempt, node, state, finished);
}

bool seedStore(const QString &path)
{
    QString error;
    auto store = engine::StateStore::open(path, &error);
    if (!store)
        return false;
    const QStringList all{QStringLiteral("load"), QStringLiteral("chk_a"), QStringLiteral("chk_b"),
                          QStringLiteral("publish")};
    const auto list = seeds();
    for (int i = 0; i < list.size(); ++i) {
        const Seed &s = list.at(i);
        const auto context = engine::contextForPeriod(s.period, {});
        const QDateTime end(context->periodEndExclusive, QTime(0, 0), QTimeZone("Europe/London"));
        const qint64 runId =
            store->createRun(QStringLiteral("weekly"), s.period, QStringLiteral("weekly.yaml"));
        const int attempt = store->beginAttempt(runId, QStringLiteral("scheduler"),
                                                QStringLiteral("scheduled"), all);
        const QDateTime loaded = end.addSecs(3600);
        execution(*store, runId, attempt, QStringLiteral("load"), NodeState::Succeeded, loaded,
                  s.loadMinutes);
        execution(*store, runId, attempt, QStringLiteral("chk_a"),
                  i % 4 == 0 ? NodeState::Warned : NodeState::Succeeded, loaded.addSecs(60), 1);
        execution(*store, runId, attempt, QStringLiteral("chk_b"),
                  i % 6 == 0 ? NodeState::Failed : NodeState::Succeeded, loaded.addSecs(60), 1);
        const double firstHours = i == 10 ? 8 : s.completionHours;
        const double firstMinutes = i == 10 ? 5 : s.publishMinutes;
        execution(*store, runId, attempt, QStringLiteral("publish"), NodeState::Succeeded,
                  end.addMSecs(qint64(firstHours * 3600000)), firstMinutes);
        store->finishAttempt(runId, attempt);
        if (i == 10) {
            const int rerun = store->beginAttempt(runId, QStringLiteral("lead"),
                                                  QStringLiteral("late fix"), {"publish"});
            execution(*store, runId, rerun, QStringLiteral("publish"), NodeState::Succeeded,
                      end.addMSecs(qint64(s.completionHours * 3600000)), s.publishMinutes);
            store->finishAttempt(runId, rerun);
        }
        if (!store->flush(&error))
            return false;
    }
    return true;
}

QList<double> ys(const QList<QPointF> &points)
{
    QList<double> result;
    for (const QPointF &p : points)
        result.append(p.y());
    return result;
}

QList<qint64> xs(const QList<QPointF> &points)
{
    QList<qint64> result;
    for (const QPointF &p : points)
        result.append(qint64(p.x()));
    return result;
}

} // namespace

class TestHistoryPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void showsAYearOfPeriods();
    void selectingANodeUpdatesTheDurationTrend();
    void emptyStoreLoadsWithoutPeriods();
    void newerSourceSupersedesTheOlder();
    void durationsReadInSensibleUnits();
    void dateLabelsFitTheirCharts();
    void aMonthlyReportIsJudgedAgainstEachMonthsDeadline();

private:
    QTemporaryDir m_dir;
    QString m_statePath;
    engine::ContractPtr m_contract;
};

// A month-end pack due BD3 17:00: each month has its own deadline (65 to
// 113 hours after the month ends), each run is judged against its own, and
// a run of another cadence (the report was weekly once) is not charted.
void TestHistoryPage::aMonthlyReportIsJudgedAgainstEachMonthsDeadline()
{
    QTemporaryDir dir;
    QByteArray text = kContract;
    text.replace("  publish_by: \"MON 12:00\"\n", "  period: month\n  publish_by: \"BD3 17:00\"\n");
    const auto loaded =
        engine::ContractLoader::loadText(text, QStringLiteral("close.yaml"), dir.path());
    QVERIFY(loaded.ok());
    const QString path = dir.filePath(QStringLiteral("close.db"));
    {
        QString error;
        auto store = engine::StateStore::open(path, &error);
        QVERIFY2(store, qPrintable(error));
        const QTimeZone london("Europe/London");
        const QStringList all{QStringLiteral("publish")};
        for (const char *key : {"2026-W40", "2026-09", "2026-10", "2026-11"}) {
            const auto context = engine::contextForPeriod(QString::fromLatin1(key), {});
            QVERIFY(context);
            const QDateTime end(context->periodEndExclusive, QTime(0, 0), london);
            const qint64 runId = store->createRun(QStringLiteral("weekly"),
                                                  QString::fromLatin1(key), QStringLiteral("c"));
            const int attempt = store->beginAttempt(runId, QStringLiteral("scheduler"),
                                                    QStringLiteral("scheduled"), all);
            // Every month's pack completes 80 hours after the month ends.
            execution(*store, runId, attempt, QStringLiteral("publish"), NodeState::Succeeded,
                      end.addSecs(80 * 3600), 5);
            store->finishAttempt(runId, attempt);
        }
        QVERIFY(store->flush());
    }
    HistoryPage page;
    QSignalSpy done(&page, &HistoryPage::loaded);
    page.setSource(path, loaded.contract);
    QVERIFY(done.wait(kWaitMs));
    QCOMPARE(page.errorText(), QString());
    QCOMPARE(page.periodsShown(), 3);
    QCOMPARE(ys(page.completionPoints()), (QList<double>{80, 80, 80}));
    // September (due Mon 5 Oct) and October (due Wed 4 Nov) on time;
    // November (due Thu 3 Dec, 65 hours after) late.
    QCOMPARE(ys(page.onTimeRatePoints()).first(), 100.0);
    QCOMPARE(ys(page.onTimeRatePoints()).at(1), 100.0);
    QVERIFY(qFuzzyCompare(ys(page.onTimeRatePoints()).at(2), 200.0 / 3));
    QCOMPARE(page.publishByHours(), 65.0);
    const auto *status = page.findChild<QLabel *>(QStringLiteral("historyStatus"));
    QVERIFY(status);
    QCOMPARE(status->text(), QStringLiteral("Periods 2026-09 to 2026-11 (3 runs). publish_by (BD3 "
                                            "17:00) is 65.0 to 113.0 hours after each month "
                                            "ends."));
}

void TestHistoryPage::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    const auto loaded =
        engine::ContractLoader::loadText(kContract, QStringLiteral("weekly.yaml"), m_dir.path());
    QVERIFY(loaded.ok());
    m_contract = loaded.contract;
    m_statePath = m_dir.filePath(QStringLiteral("state.db"));
    QVERIFY(seedStore(m_statePath));
}

void TestHistoryPage::showsAYearOfPeriods()
{
    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::loaded);
    page.setSource(m_statePath, m_contract);
    QVERIFY(!page.isLoaded());
    QVERIFY(loaded.wait(kWaitMs));
    QVERIFY(page.isLoaded());
    QCOMPARE(page.errorText(), QString());
    QCOMPARE(page.periodsShown(), kPeriods);
    qInfo("loaded %d periods in %lld ms", page.periodsShown(), page.lastLoadMs());

    const auto list = seeds();
    QList<qint64> starts;
    QList<double> completion;
    QList<double> checks;
    QList<double> onTime;
    int inWindow = 0;
    for (int i = 0; i < list.size(); ++i) {
        starts.append(list.at(i).startMs);
        completion.append(list.at(i).completionHours);
        checks.append(list.at(i).checkFailures);
        const auto onTimeAt = [&](int j) { return list.at(j).completionHours <= 12 ? 1 : 0; };
        inWindow += onTimeAt(i);
        if (i >= HistoryPage::kRollingWindow)
            inWindow -= onTimeAt(i - HistoryPage::kRollingWindow);
        onTime.append(100.0 * inWindow / std::min(i + 1, HistoryPage::kRollingWindow));
    }

    QCOMPARE(page.publishByHours(), 12.0);
    QCOMPARE(xs(page.completionPoints()), starts);
    QCOMPARE(ys(page.completionPoints()), completion);
    QCOMPARE(ys(page.checkFailurePoints()), checks);
    QCOMPARE(xs(page.onTimeRatePoints()), starts);
    const auto rate = ys(page.onTimeRatePoints());
    QCOMPARE(rate.size(), onTime.size());
    for (int i = 0; i < rate.size(); ++i)
        QVERIFY2(qFuzzyCompare(rate.at(i), onTime.at(i)), qPrintable(QString::number(i)));

    // The default duration trend is the last node in file order: publish,
    // with the rerun's duration in period 10.
    QCOMPARE(page.selectedNode(), QStringLiteral("publish"));
    QList<double> publish;
    for (const Seed &s : list)
        publish.append(s.publishMinutes);
    QCOMPARE(ys(page.durationPoints()), publish);
    QCOMPARE(page.durationMedianPoints().size(), kPeriods);
    QCOMPARE(page.durationP90Points().size(), kPeriods);
}

void TestHistoryPage::selectingANodeUpdatesTheDurationTrend()
{
    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::loaded);
    page.setSource(m_statePath, m_contract);
    QVERIFY(loaded.wait(kWaitMs));

    // Chosen the way a person does: in the page's node selector.
    QSignalSpy durations(&page, &HistoryPage::durationLoaded);
    QComboBox *box = page.nodeSelector();
    const int index = box->findData(QStringLiteral("load"));
    QVERIFY(index >= 0);
    box->setCurrentIndex(index);
    QCOMPARE(page.selectedNode(), QStringLiteral("load"));
    QVERIFY(durations.wait(kWaitMs));

    const auto list = seeds();
    QList<double> load;
    for (const Seed &s : list)
        load.append(s.loadMinutes);
    QCOMPARE(ys(page.durationPoints()), load);
    // Rolling median and p90 over the last 8 runs: for the first run, itself;
    // at run 7 the window is 10..16 plus 10 -> median 12.5 (mean of 12 and 13
    // rounded down to ms), p90 16.
    QCOMPARE(page.durationMedianPoints().first().y(), 10.0);
    QCOMPARE(page.durationMedianPoints().at(7).y(), 12.5);
    QCOMPARE(page.durationP90Points().at(7).y(), 16.0);
    QCOMPARE(page.durationUnit(), QStringLiteral("minutes")); // 10 to 16 minutes

    // And through the API, for the main window.
    page.setSelectedNode(QStringLiteral("chk_a"));
    QCOMPARE(box->currentData().toString(), QStringLiteral("chk_a"));
    QVERIFY(durations.wait(kWaitMs));
    // One minute each: under two minutes, the trend reads in seconds.
    QCOMPARE(ys(page.durationPoints()), QList<double>(kPeriods, 60.0));
    QCOMPARE(page.durationUnit(), QStringLiteral("seconds"));
}

void TestHistoryPage::emptyStoreLoadsWithoutPeriods()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::loaded);
    page.setSource(dir.filePath(QStringLiteral("empty.db")), m_contract);
    QVERIFY(loaded.wait(kWaitMs));
    QCOMPARE(page.periodsShown(), 0);
    QCOMPARE(page.errorText(), QString());
    QVERIFY(page.completionPoints().isEmpty());
    QVERIFY(page.durationPoints().isEmpty());
}

void TestHistoryPage::newerSourceSupersedesTheOlder()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::loaded);
    QSignalSpy dropped(&page, &HistoryPage::staleLoadDropped);
    page.setSource(m_statePath, m_contract);
    page.setSource(dir.filePath(QStringLiteral("empty.db")), m_contract);
    // Both results arrive, in either order: the first one is dropped.
    QTRY_COMPARE_WITH_TIMEOUT(dropped.count(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, kWaitMs);
    QCOMPARE(dropped.count(), 1);
    QCOMPARE(page.periodsShown(), 0);
}

// A two-second demo run reads in seconds, a night's load in hours, never
// "0 minutes".
void TestHistoryPage::durationsReadInSensibleUnits()
{
    QCOMPARE(HistoryPage::durationScale(2000).unit, QStringLiteral("seconds"));
    QCOMPARE(HistoryPage::durationScale(2000).msPerUnit, 1000.0);
    QCOMPARE(HistoryPage::durationScale(119 * 1000).unit, QStringLiteral("seconds"));
    QCOMPARE(HistoryPage::durationScale(16 * 60 * 1000).unit, QStringLiteral("minutes"));
    QCOMPARE(HistoryPage::durationScale(5 * 3600 * 1000).unit, QStringLiteral("hours"));
}

// However narrow the page, every date label under a chart has room for its
// whole text: fewer ticks, not elided dates.
void TestHistoryPage::dateLabelsFitTheirCharts()
{
    HistoryPage page;
    QSignalSpy loaded(&page, &HistoryPage::loaded);
    page.setSource(m_statePath, m_contract);
    for (const int width : {1500, 900, 760}) {
        page.resize(width, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        if (loaded.isEmpty())
            QVERIFY(loaded.wait(kWaitMs));
        QCoreApplication::processEvents();
        QTest::qWait(50); // the charts lay out, then the page fits the axes (queued)
        const int plot = page.findChildren<QChartView *>().first()->chart()->plotArea().width();
        const int ticks = page.timeAxisTickCount();
        QVERIFY2(ticks >= 2, qPrintable(QString::number(ticks)));
        QVERIFY2((ticks - 1) * page.timeAxisLabelWidth() <= plot,
                 qPrintable(QStringLiteral("%1 ticks of %2 px in %3 px at width %4")
                                .arg(ticks)
                                .arg(page.timeAxisLabelWidth())
                                .arg(plot)
                                .arg(width)));
    }
}

VOUCH_TEST_MAIN(TestHistoryPage)
#include "tst_historypage.moc"
