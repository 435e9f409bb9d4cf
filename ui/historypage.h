#pragma once

#include "engine/contract/contract.h"

#include <QList>
#include <QPointF>
#include <QString>
#include <QWidget>

class QAreaSeries;
class QChart;
class QChartView;
class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace vouch::ui {

// The History page: how a report did over its last periods (up to a year of
// weekly runs). Four charts: completion time per period against publish_by,
// the rolling on-time rate, the duration trend of one node with median and p90
// bands, and check failures per period.
//
// lives on the GUI thread; reads the state store on the global thread pool
// through its own StateStore (one aggregate query per chart) and takes the
// result back through a queued call. A result of a superseded request (a newer
// setSource() or setSelectedNode()) is dropped. Emits loaded() when the charts
// show the data of the current source.
class HistoryPage : public QWidget
{
    Q_OBJECT

public:
    // How many periods the page shows at most (a year of weekly runs).
    static constexpr int kMaxPeriods = 52;
    // The window of the rolling on-time rate and of the duration bands.
    static constexpr int kRollingWindow = 8;

    explicit HistoryPage(QWidget *parent = nullptr);
    ~HistoryPage() override;

    // Loads the history of the contract's report from the store at
    // `statePath`, on a worker.
    void setSource(const QString &statePath, engine::ContractPtr contract);
    // Shows the duration trend of this node (loaded on a worker).
    void setSelectedNode(const QString &nodeId);
    QString selectedNode() const { return m_selectedNode; }

    // Test hooks. x is the start of the period (ms since epoch), y as charted.
    int periodsShown() const;
    bool isLoaded() const { return m_loaded; }
    QString errorText() const { return m_error; }
    qint64 lastLoadMs() const { return m_lastLoadMs; } // worker time of the last full load
    QList<QPointF> completionPoints() const;           // hours after the period's end
    double publishByHours() const { return m_publishByHours; }
    QList<QPointF> onTimeRatePoints() const;     // percent
    QList<QPointF> durationPoints() const;       // in durationUnit()
    QList<QPointF> durationMedianPoints() const; // in durationUnit(), rolling
    QList<QPointF> durationP90Points() const;    // in durationUnit(), rolling
    QString durationUnit() const;                // the duration axis: seconds, minutes or hours
    // The unit a duration trend reads best in, from its longest duration:
    // seconds under 2 minutes, minutes under 2 hours, hours beyond.
    struct DurationScale
    {
        double msPerUnit;
        QString unit;
    };
    static DurationScale durationScale(qint64 longestMs);
    // The date labels under the charts: as many as fit the narrowest chart
    // without eliding one.
    int timeAxisTickCount() const;
    int timeAxisLabelWidth() const;            // pixels one date label needs, with a gap
    QList<QPointF> checkFailurePoints() const; // count
    QComboBox *nodeSelector() const { return m_nodeBox; }

    // What the worker computes; public so the worker function can fill it.
    struct Period
    {
        qint64 runId = 0;
        QString period;
        qint64 startMs = 0;       // period start, 00:00 in the report's zone
        qint64 endMs = 0;         // period end (exclusive), 00:00 in the report's zone
        double deadlineHours = 0; // publish_by, hours after endMs
        bool completed = false;
        double completionHours = 0;
        int checkFailures = 0;
    };
    struct Duration
    {
        qint64 startMs = 0; // of the period
        qint64 durationMs = 0;
    };
    struct LoadResult;

Q_SIGNALS:
    // The charts show the current source (all four charts).
    void loaded();
    // The duration chart shows the currently selected node.
    void durationLoaded();
    // The result of a superseded load arrived and was dropped (for tests,
    // which wait on this instead of a fixed time).
    void staleLoadDropped();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitTimeAxes();
    void startLoad();
    void startDurationLoad();
    void applyLoad(const LoadResult &result);
    void applyDurations(const QList<Duration> &durations);
    void clearCharts();

    QString m_statePath;
    engine::ContractPtr m_contract;
    QString m_selectedNode;
    quint64 m_loadGeneration = 0;
    quint64 m_durationGeneration = 0;
    bool m_loaded = false;
    bool m_loading = false;
    QString m_error;
    qint64 m_lastLoadMs = 0;
    double m_publishByHours = 0;
    QList<Period> m_periods;

    QLabel *m_title;
    QLabel *m_status;
    QComboBox *m_nodeBox;

    QChartView *m_completionView;
    QLineSeries *m_completion;
    QScatterSeries *m_completionLate;
    QLineSeries *m_publishBy;
    QDateTimeAxis *m_completionX;
    QValueAxis *m_completionY;

    QChartView *m_onTimeView;
    QLineSeries *m_onTime;
    QDateTimeAxis *m_onTimeX;
    QValueAxis *m_onTimeY;

    QChartView *m_durationView;
    QScatterSeries *m_duration;
    QLineSeries *m_median;
    QLineSeries *m_p90;
    QLineSeries *m_bandLower;
    QLineSeries *m_bandUpper;
    QAreaSeries *m_band;
    QDateTimeAxis *m_durationX;
    QValueAxis *m_durationY;

    QChartView *m_checksView;
    QLineSeries *m_checks;
    QScatterSeries *m_checkMarks;
    QDateTimeAxis *m_checksX;
    QValueAxis *m_checksY;
};

} // namespace vouch::ui
