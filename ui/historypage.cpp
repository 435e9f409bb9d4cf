#include "ui/historypage.h"

#include "engine/calendar/reportcalendar.h"
#include "engine/contract/weeklytime.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"
#include "engine/trust/forecast.h"
#include "engine/util/clock.h"
#include "engine/util/worker.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTimeAxis>
#include <QElapsedTimer>
#include <QFontMetrics>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>
#include <QSet>
#include <QSignalBlocker>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vouch::ui {

struct HistoryPage::LoadResult
{
    QList<Period> periods;
    QList<Duration> durations;
    QString error;
    qint64 elapsedMs = 0;
};

namespace {

constexpr double kMsPerHour = 3600.0 * 1000.0;
constexpr double kMsPerMinute = 60.0 * 1000.0;

QList<qint64> runIds(const QList<HistoryPage::Period> &periods)
{
    QList<qint64> ids;
    ids.reserve(periods.size());
    for (const auto &p : periods)
        ids.append(p.runId);
    return ids;
}

// Per run: the duration of `nodeId` in the latest attempt that touched it,
// when that execution passed.
QList<HistoryPage::Duration> readDurations(const engine::StateStore &store,
                                           const QList<HistoryPage::Period> &periods,
                                           const QString &nodeId, QString *error)
{
    QList<HistoryPage::Duration> result;
    if (periods.isEmpty() || nodeId.isEmpty())
        return result;
    QHash<qint64, qint64> startOf;
    for (const auto &p : periods)
        startOf.insert(p.runId, p.startMs);
    const auto rows = store.nodeDurations(nodeId, runIds(periods));
    if (!store.lastError().isEmpty()) {
        *error = store.lastError();
        return result;
    }
    for (const auto &row : rows) {
        HistoryPage::Duration d;
        d.startMs = startOf.value(row.runId);
        d.durationMs = std::max<qint64>(0, row.finishedAt.toMSecsSinceEpoch() -
                                               row.startedAt.toMSecsSinceEpoch());
        result.append(d);
    }
    std::sort(result.begin(), result.end(),
              [](const auto &a, const auto &b) { return a.startMs < b.startMs; });
    return result;
}

// Runs on a pool thread: opens its own StateStore, lists the report's runs and
// answers each chart with one aggregate query.
HistoryPage::LoadResult loadHistory(const QString &statePath, const engine::ContractPtr &contract,
                                    const QString &nodeId)
{
    QElapsedTimer timer;
    timer.start();
    HistoryPage::LoadResult result;
    QString error;
    auto store = engine::StateStore::open(statePath, &error);
    if (!store) {
        result.error = error;
        return result;
    }
    const engine::Report &report = contract->report;
    const QTimeZone zone(report.timezone);
    const auto runs = store->runs(report.id, HistoryPage::kMaxPeriods);
    QHash<qint64, int> indexOf;
    for (const auto &run : runs) {
        // Runs of another cadence (the contract changed its `period:`) are
        // not this report's promise: the rate is per cadence.
        const auto period = engine::reportPeriod(report, run.period);
        if (!period)
            continue;
        HistoryPage::Period p;
        p.runId = run.id;
        p.period = run.period;
        const QDateTime start = engine::resolveWallClock(period->start, 0, zone);
        const QDateTime end = engine::resolveWallClock(period->end, 0, zone);
        p.startMs = start.toMSecsSinceEpoch();
        p.endMs = end.toMSecsSinceEpoch();
        const QDateTime deadline = engine::deadlineOf(report, *period);
        p.deadlineHours =
            deadline.isValid() ? (deadline.toMSecsSinceEpoch() - p.endMs) / kMsPerHour : 0.0;
        result.periods.append(p);
    }
    std::sort(result.periods.begin(), result.periods.end(),
              [](const auto &a, const auto &b) { return a.startMs < b.startMs; });
    for (int i = 0; i < result.periods.size(); ++i)
        indexOf.insert(result.periods.at(i).runId, i);
    if (result.periods.isEmpty()) {
        result.elapsedMs = timer.elapsed();
        return result;
    }

    // Completion (when the last node of the latest attempt finished) and
    // check failures (checks whose latest state warned or failed).
    const auto history = store->history(runIds(result.periods));
    if (!store->lastError().isEmpty()) {
        result.error = store->lastError();
        return result;
    }
    QSet<QString> checks;
    for (const auto &node : contract->nodes)
        if (node.kind == engine::NodeKind::Check)
            checks.insert(node.id);
    for (const auto &row : history) {
        const int i = indexOf.value(row.runId, -1);
        if (i < 0)
            continue;
        auto &p = result.periods[i];
        if (row.completedAt.isValid()) {
            p.completed = true;
            p.completionHours = (row.completedAt.toMSecsSinceEpoch() - p.endMs) / kMsPerHour;
        }
        for (const QString &node : row.warnedOrFailed)
            p.checkFailures += checks.contains(node) ? 1 : 0;
    }

    // 3. The selected node's durations.
    result.durations = readDurations(*store, result.periods, nodeId, &error);
    if (!error.isEmpty())
        result.error = error;
    result.elapsedMs = timer.elapsed();
    return result;
}

QChartView *makeView(QChart *chart, const QString &title, QWidget *parent)
{
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    auto *view = new QChartView(chart, parent);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(360, 240);
    return view;
}

QDateTimeAxis *makeTimeAxis(QChart *chart)
{
    auto *axis = new QDateTimeAxis(chart);
    axis->setFormat(QStringLiteral("dd MMM yy"));
    axis->setTickCount(7);
    chart->addAxis(axis, Qt::AlignBottom);
    return axis;
}

QValueAxis *makeValueAxis(QChart *chart, const QString &title, const QString &format)
{
    auto *axis = new QValueAxis(chart);
    axis->setTitleText(title);
    axis->setLabelFormat(format);
    chart->addAxis(axis, Qt::AlignLeft);
    return axis;
}

template<typename Series>
Series *addSeries(QChart *chart, const QString &name, QDateTimeAxis *x, QValueAxis *y)
{
    auto *series = new Series(chart);
    series->setName(name);
    chart->addSeries(series);
    series->attachAxis(x);
    series->attachAxis(y);
    return series;
}

void setTimeRange(QDateTimeAxis *axis, qint64 firstMs, qint64 lastMs, qint64 pad)
{
    // Half a period of margin so the first and last markers are not cut.
    axis->setRange(QDateTime::fromMSecsSinceEpoch(firstMs - pad),
                   QDateTime::fromMSecsSinceEpoch(lastMs + pad));
}

} // namespace

HistoryPage::HistoryPage(QWidget *parent)
    : QWidget(parent)
    , m_title(new QLabel(this))
    , m_status(new QLabel(this))
    , m_nodeBox(new QComboBox(this))
{
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setText(tr("History"));
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setText(tr("No report loaded."));
    m_nodeBox->setMinimumContentsLength(24);
    m_nodeBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_nodeBox->setEnabled(false);

    // 1. Completion against publish_by.
    auto *completion = new QChart();
    m_completionView = makeView(completion, tr("Completion time after the period's end"), this);
    m_completionX = makeTimeAxis(completion);
    m_completionY = makeValueAxis(completion, tr("hours"), QStringLiteral("%.0f"));
    m_publishBy =
        addSeries<QLineSeries>(completion, tr("publish_by"), m_completionX, m_completionY);
    QPen deadlinePen(QColor(0xc6, 0x28, 0x28));
    deadlinePen.setStyle(Qt::DashLine);
    deadlinePen.setWidthF(1.5);
    m_publishBy->setPen(deadlinePen);
    m_completion =
        addSeries<QLineSeries>(completion, tr("completed"), m_completionX, m_completionY);
    m_completion->setPointsVisible(true);
    m_completion->setColor(QColor(0x1e, 0x63, 0xb4));
    m_completionLate =
        addSeries<QScatterSeries>(completion, tr("late"), m_completionX, m_completionY);
    m_completionLate->setColor(QColor(0xc6, 0x28, 0x28));
    m_completionLate->setBorderColor(QColor(0xc6, 0x28, 0x28));
    m_completionLate->setMarkerSize(9);

    // 2. Rolling on-time rate.
    auto *onTime = new QChart();
    m_onTimeView =
        makeView(onTime, tr("On-time rate, rolling %n periods", nullptr, kRollingWindow), this);
    m_onTimeX = makeTimeAxis(onTime);
    m_onTimeY = makeValueAxis(onTime, tr("% on time"), QStringLiteral("%.0f"));
    m_onTimeY->setRange(0, 100);
    m_onTime = addSeries<QLineSeries>(onTime, tr("on time"), m_onTimeX, m_onTimeY);
    m_onTime->setColor(QColor(0x2e, 0x7d, 0x32));
    QPen onTimePen = m_onTime->pen();
    onTimePen.setWidthF(2.0);
    m_onTime->setPen(onTimePen);
    onTime->legend()->hide();

    // 3. Duration trend of the selected node with median and p90 bands.
    auto *duration = new QChart();
    m_durationView = makeView(duration, tr("Duration"), this);
    m_durationX = makeTimeAxis(duration);
    m_durationY = makeValueAxis(duration, tr("minutes"), QStringLiteral("%.0f"));
    m_bandLower = new QLineSeries(this);
    m_bandUpper = new QLineSeries(this);
    m_band = new QAreaSeries(m_bandUpper, m_bandLower);
    m_band->setName(tr("median to p90"));
    m_band->setColor(QColor(0x1e, 0x63, 0xb4, 0x38));
    m_band->setBorderColor(Qt::transparent);
    duration->addSeries(m_band);
    m_band->attachAxis(m_durationX);
    m_band->attachAxis(m_durationY);
    m_median = addSeries<QLineSeries>(duration, tr("median"), m_durationX, m_durationY);
    m_median->setColor(QColor(0x1e, 0x63, 0xb4));
    m_p90 = addSeries<QLineSeries>(duration, tr("p90"), m_durationX, m_durationY);
    QPen p90Pen(QColor(0x1e, 0x63, 0xb4));
    p90Pen.setStyle(Qt::DashLine);
    m_p90->setPen(p90Pen);
    m_duration = addSeries<QScatterSeries>(duration, tr("run"), m_durationX, m_durationY);
    m_duration->setColor(QColor(0x42, 0x42, 0x42));
    m_duration->setBorderColor(QColor(0x42, 0x42, 0x42));
    m_duration->setMarkerSize(7);

    // 4. Check failures per period.
    auto *checks = new QChart();
    m_checksView = makeView(checks, tr("Checks that warned or failed"), this);
    m_checksX = makeTimeAxis(checks);
    m_checksY = makeValueAxis(checks, tr("checks"), QStringLiteral("%d"));
    m_checks = addSeries<QLineSeries>(checks, tr("checks"), m_checksX, m_checksY);
    m_checks->setColor(QColor(0xef, 0x6c, 0x00));
    m_checkMarks = addSeries<QScatterSeries>(checks, tr("checks"), m_checksX, m_checksY);
    m_checkMarks->setColor(QColor(0xef, 0x6c, 0x00));
    m_checkMarks->setBorderColor(QColor(0xef, 0x6c, 0x00));
    m_checkMarks->setMarkerSize(7);
    checks->legend()->hide();

    auto *header = new QHBoxLayout();
    header->addWidget(m_title);
    header->addStretch(1);
    header->addWidget(new QLabel(tr("Duration of:"), this));
    header->addWidget(m_nodeBox);

    auto *grid = new QGridLayout();
    grid->addWidget(m_completionView, 0, 0);
    grid->addWidget(m_onTimeView, 0, 1);
    grid->addWidget(m_durationView, 1, 0);
    grid->addWidget(m_checksView, 1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_status);
    layout->addLayout(grid, 1);

    connect(m_nodeBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index >= 0)
            setSelectedNode(m_nodeBox->itemData(index).toString());
    });
    clearCharts();
}

HistoryPage::~HistoryPage() = default;

void HistoryPage::setSource(const QString &statePath, engine::ContractPtr contract)
{
    m_statePath = statePath;
    m_contract = std::move(contract);
    m_loaded = false;
    m_error.clear();
    m_periods.clear();
    clearCharts();
    {
        const QSignalBlocker blocker(m_nodeBox);
        m_nodeBox->clear();
        if (m_contract) {
            for (const auto &node : m_contract->nodes)
                m_nodeBox->addItem(
                    QStringLiteral("%1 (%2)").arg(node.id, engine::toString(node.kind)), node.id);
            // By default the last node in file order: usually the one that publishes.
            if (m_selectedNode.isEmpty() || !m_contract->node(m_selectedNode))
                m_selectedNode =
                    m_contract->nodes.isEmpty() ? QString() : m_contract->nodes.last().id;
            m_nodeBox->setCurrentIndex(m_nodeBox->findData(m_selectedNode));
        }
        m_nodeBox->setEnabled(m_contract && !m_contract->nodes.isEmpty());
    }
    if (!m_contract) {
        m_title->setText(tr("History"));
        m_status->setText(tr("No report loaded."));
        ++m_loadGeneration;
        return;
    }
    m_title->setText(tr("History of %1").arg(m_contract->report.name));
    startLoad();
}

void HistoryPage::setSelectedNode(const QString &nodeId)
{
    if (nodeId == m_selectedNode)
        return;
    m_selectedNode = nodeId;
    {
        const QSignalBlocker blocker(m_nodeBox);
        m_nodeBox->setCurrentIndex(m_nodeBox->findData(nodeId));
    }
    ++m_durationGeneration;
    // While a full load is on its way, it notices the change and asks again.
    if (m_loaded)
        startDurationLoad();
}

int HistoryPage::periodsShown() const
{
    return m_loaded ? int(m_periods.size()) : 0;
}

QList<QPointF> HistoryPage::completionPoints() const
{
    return m_completion->points();
}

QList<QPointF> HistoryPage::onTimeRatePoints() const
{
    return m_onTime->points();
}

QList<QPointF> HistoryPage::durationPoints() const
{
    return m_duration->points();
}

QList<QPointF> HistoryPage::durationMedianPoints() const
{
    return m_median->points();
}

QList<QPointF> HistoryPage::durationP90Points() const
{
    return m_p90->points();
}

QList<QPointF> HistoryPage::checkFailurePoints() const
{
    return m_checks->points();
}

void HistoryPage::startLoad()
{
    const quint64 generation = ++m_loadGeneration;
    const quint64 durationGeneration = m_durationGeneration;
    m_loading = true;
    m_status->setText(tr("Loading…"));
    engine::runOnWorker(
        this,
        [path = m_statePath, contract = m_contract, node = m_selectedNode] {
            return loadHistory(path, contract, node);
        },
        [this, generation, durationGeneration](LoadResult result) {
            if (generation != m_loadGeneration) {
                Q_EMIT staleLoadDropped(); // superseded by a newer source
                return;
            }
            m_loading = false;
            applyLoad(result);
            if (durationGeneration != m_durationGeneration)
                startDurationLoad(); // the selection changed while loading
        });
}

void HistoryPage::startDurationLoad()
{
    const quint64 generation = m_loadGeneration;
    const quint64 durationGeneration = m_durationGeneration;
    engine::runOnWorker(
        this,
        [path = m_statePath, periods = m_periods, node = m_selectedNode] {
            QString error;
            QList<Duration> durations;
            if (auto store = engine::StateStore::open(path, &error))
                durations = readDurations(*store, periods, node, &error);
            return durations;
        },
        [this, generation, durationGeneration](QList<Duration> durations) {
            if (generation != m_loadGeneration || durationGeneration != m_durationGeneration)
                return;
            applyDurations(durations);
        });
}

void HistoryPage::clearCharts()
{
    for (QXYSeries *series :
         {static_cast<QXYSeries *>(m_completion), static_cast<QXYSeries *>(m_completionLate),
          static_cast<QXYSeries *>(m_publishBy), static_cast<QXYSeries *>(m_onTime),
          static_cast<QXYSeries *>(m_duration), static_cast<QXYSeries *>(m_median),
          static_cast<QXYSeries *>(m_p90), static_cast<QXYSeries *>(m_bandLower),
          static_cast<QXYSeries *>(m_bandUpper), static_cast<QXYSeries *>(m_checks),
          static_cast<QXYSeries *>(m_checkMarks)})
        series->clear();
    m_publishByHours = 0;
    const QDate today = engine::clockNow().date();
    for (QDateTimeAxis *axis : {m_completionX, m_onTimeX, m_durationX, m_checksX})
        axis->setRange(QDateTime(today.addDays(-365), QTime(0, 0)), QDateTime(today, QTime(0, 0)));
    m_completionY->setRange(0, 24);
    m_durationY->setRange(0, 1);
    m_checksY->setRange(0, 2);
    m_checksY->setTickCount(3);
}

void HistoryPage::applyLoad(const LoadResult &result)
{
    m_periods = result.periods;
    m_error = result.error;
    m_lastLoadMs = result.elapsedMs;
    clearCharts();

    if (!m_periods.isEmpty()) {
        const qint64 first = m_periods.first().startMs;
        const qint64 last = m_periods.last().startMs;
        const qint64 pad = (m_periods.last().endMs - m_periods.last().startMs) / 2;
        for (QDateTimeAxis *axis : {m_completionX, m_onTimeX, m_durationX, m_checksX})
            setTimeRange(axis, first, last, pad);

        // publish_by of the latest period: the line the reader compares
        // against. In business days it differs from period to period (BD3
        // after a month that ends on a Friday is later than after one that
        // ends on a Monday), so the line steps with each period.
        m_publishByHours = m_periods.last().deadlineHours;
        QList<QPointF> publishBy{QPointF(first - pad, m_periods.first().deadlineHours)};
        QList<QPointF> completion;
        QList<QPointF> late;
        QList<QPointF> onTime;
        QList<QPointF> checks;
        double low = 0;
        double high = m_publishByHours;
        int maxChecks = 0;
        int onTimeCount = 0;
        for (int i = 0; i < m_periods.size(); ++i) {
            const Period &p = m_periods.at(i);
            if (i > 0 && p.deadlineHours != m_periods.at(i - 1).deadlineHours)
                publishBy << QPointF(p.startMs - pad, m_periods.at(i - 1).deadlineHours)
                          << QPointF(p.startMs - pad, p.deadlineHours);
            high = std::max(high, p.deadlineHours);
            const bool inTime = p.completed && p.completionHours <= p.deadlineHours;
            if (p.completed) {
                completion.append(QPointF(p.startMs, p.completionHours));
                if (!inTime)
                    late.append(QPointF(p.startMs, p.completionHours));
                low = std::min(low, p.completionHours);
                high = std::max(high, p.completionHours);
            }
            // Rolling rate over the last kRollingWindow periods, this one included.
            onTimeCount += inTime ? 1 : 0;
            if (i >= kRollingWindow) {
                const Period &gone = m_periods.at(i - kRollingWindow);
                onTimeCount -=
                    (gone.completed && gone.completionHours <= gone.deadlineHours) ? 1 : 0;
            }
            const int window = std::min(i + 1, kRollingWindow);
            onTime.append(QPointF(p.startMs, 100.0 * onTimeCount / window));
            checks.append(QPointF(p.startMs, p.checkFailures));
            maxChecks = std::max(maxChecks, p.checkFailures);
        }
        publishBy << QPointF(last + pad, m_publishByHours);
        m_publishBy->replace(publishBy);
        m_completion->replace(completion);
        m_completionLate->replace(late);
        // Whole multiples of 6 hours (a quarter day) read more easily than nice decimals.
        const double step = high - low > 72 ? 24 : 6;
        const double bottom = std::floor(low / step) * step;
        const double top = std::max(bottom + step, std::ceil(high * 1.1 / step) * step);
        m_completionY->setRange(bottom, top);
        m_completionY->setTickCount(std::min(int((top - bottom) / step) + 1, 13));
        m_onTime->replace(onTime);
        m_checks->replace(checks);
        m_checkMarks->replace(checks);
        // One tick per check while they fit; nice numbers beyond.
        m_checksY->setRange(0, maxChecks + 1);
        if (maxChecks + 2 <= 11)
            m_checksY->setTickCount(maxChecks + 2);
        else {
            m_checksY->applyNiceNumbers();
            m_checksY->setTickCount(5);
        }
        applyDurations(result.durations);
    }

    if (!m_error.isEmpty())
        m_status->setText(tr("Could not read the history: %1").arg(m_error));
    else if (m_periods.isEmpty())
        m_status->setText(tr("No runs of %1 yet.").arg(m_contract->report.name));
    else {
        double fewest = m_publishByHours, most = m_publishByHours;
        for (const Period &p : std::as_const(m_periods)) {
            fewest = std::min(fewest, p.deadlineHours);
            most = std::max(most, p.deadlineHours);
        }
        const QString hours = fewest == most ? QString::number(most, 'f', 1)
                                             : tr("%1 to %2")
                                                   .arg(QString::number(fewest, 'f', 1),
                                                        QString::number(most, 'f', 1));
        m_status->setText(
            tr("Periods %1 to %2 (%3 runs). publish_by (%4) is %5 hours after each %6 ends.")
                .arg(m_periods.first().period, m_periods.last().period)
                .arg(m_periods.size())
                .arg(m_contract->report.publishBy.toString(), hours,
                     engine::toString(m_contract->report.cadence)));
    }
    m_loaded = true;
    Q_EMIT loaded();
}

void HistoryPage::applyDurations(const QList<Duration> &durations)
{
    m_durationView->chart()->setTitle(
        m_selectedNode.isEmpty() ? tr("Duration") : tr("Duration of %1").arg(m_selectedNode));
    QList<QPointF> points;
    QList<QPointF> medians;
    QList<QPointF> p90s;
    QList<qint64> window;
    qint64 longest = 0;
    for (const Duration &d : durations)
        longest = std::max(longest, d.durationMs);
    const DurationScale scale = durationScale(longest);
    m_durationY->setTitleText(scale.unit);
    m_durationY->setLabelFormat(longest < 10 * scale.msPerUnit ? QStringLiteral("%.1f")
                                                               : QStringLiteral("%.0f"));
    double high = 0;
    for (const Duration &d : durations) {
        window.append(d.durationMs);
        if (window.size() > kRollingWindow)
            window.removeFirst();
        const engine::DurationStats stats = engine::statsFrom(window);
        points.append(QPointF(d.startMs, d.durationMs / scale.msPerUnit));
        medians.append(QPointF(d.startMs, stats.medianMs / scale.msPerUnit));
        p90s.append(QPointF(d.startMs, stats.p90Ms / scale.msPerUnit));
        high = std::max(high, d.durationMs / scale.msPerUnit);
    }
    m_duration->replace(points);
    m_median->replace(medians);
    m_p90->replace(p90s);
    m_bandLower->replace(medians);
    m_bandUpper->replace(p90s);
    m_durationY->setRange(0, high > 0 ? high * 1.15 : 1);
    m_durationY->applyNiceNumbers();
    Q_EMIT durationLoaded();
}

HistoryPage::DurationScale HistoryPage::durationScale(qint64 longestMs)
{
    if (longestMs < 2 * 60 * 1000)
        return {1000.0, tr("seconds")};
    if (longestMs < 2 * 3600 * 1000)
        return {double(kMsPerMinute), tr("minutes")};
    return {double(kMsPerHour), tr("hours")};
}

QString HistoryPage::durationUnit() const
{
    return m_durationY->titleText();
}

int HistoryPage::timeAxisLabelWidth() const
{
    // The widest date the format can print, in the axis's font, and a gap.
    const QFontMetrics metrics(m_completionX->labelsFont());
    const QString widest =
        QLocale().toString(QDateTime(QDate(2026, 12, 28), QTime(0, 0)), m_completionX->format());
    return metrics.horizontalAdvance(widest) + metrics.horizontalAdvance(QLatin1Char('M')) * 2;
}

int HistoryPage::timeAxisTickCount() const
{
    return m_completionX->tickCount();
}

void HistoryPage::fitTimeAxes()
{
    int narrowest = std::numeric_limits<int>::max();
    for (QChartView *view : {m_completionView, m_onTimeView, m_durationView, m_checksView})
        narrowest = std::min(narrowest, int(view->chart()->plotArea().width()));
    if (narrowest <= 0 || narrowest == std::numeric_limits<int>::max())
        return;
    const int ticks = std::clamp(narrowest / timeAxisLabelWidth() + 1, 2, 7);
    for (QDateTimeAxis *axis : {m_completionX, m_onTimeX, m_durationX, m_checksX})
        axis->setTickCount(ticks);
}

void HistoryPage::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // The plot areas follow the new size once the charts have laid out.
    QMetaObject::invokeMethod(this, &HistoryPage::fitTimeAxes, Qt::QueuedConnection);
}

} // namespace vouch::ui
