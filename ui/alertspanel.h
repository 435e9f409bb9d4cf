#pragma once

#include "engine/alert/outbox.h"
#include "engine/trust/alerts.h"
#include "ui/reportsource.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QSet>
#include <QWidget>

class QComboBox;
class QInputDialog;
class QPushButton;
class QSystemTrayIcon;
class QTableView;

namespace vouch::ui {

// The alerts of one run, filtered by section and severity.
class AlertsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Severity,
        State,
        Headline,
        Owners,
        Deliveries,
        Time,
        ColumnCount
    };
    enum Role
    {
        AlertIdRole = Qt::UserRole + 1,
        RootNodeRole,
    };

    explicit AlertsModel(QObject *parent = nullptr);

    void setAlerts(const QList<engine::AlertRecord> &alerts,
                   const QList<engine::Delivery> &deliveries = {});
    // "✔ team_slack · ✘ oncall (failed)": each channel's latest change;
    // with details, the errors too (the tooltip).
    QString deliverySummary(qint64 alertId, bool details = false) const;
    bool deliveryFailed(qint64 alertId) const;
    // Empty section: every section; no severity: every severity.
    void setFilter(const QString &sectionId, std::optional<engine::AlertSeverity> minimum);
    const engine::AlertRecord &alert(int row) const { return m_visible.at(row); }
    int rowOf(qint64 alertId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QStringList sectionsOf(const engine::AlertRecord &alert);
    static QString severityLabel(engine::AlertSeverity severity);

private:
    void refilter();

    QList<engine::AlertRecord> m_all;
    QList<engine::Delivery> m_deliveries;
    QList<engine::AlertRecord> m_visible;
    QString m_section;
    std::optional<engine::AlertSeverity> m_severity;
};

// The Alerts dock: the run's alerts with filters, acknowledgement with a
// note, and a desktop notification for new high and critical alerts.
class AlertsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit AlertsPanel(QWidget *parent = nullptr);

    void setSource(const ReportSource &source);
    void reload();
    AlertsModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QComboBox *sectionFilter() const { return m_sectionFilter; }
    QComboBox *severityFilter() const { return m_severityFilter; }
    QPushButton *acknowledgeButton() const { return m_acknowledge; }

    // Asks for a note and acknowledges the selected alert (not blocking).
    QInputDialog *requestAcknowledge();
    // Selects the alert and announces its root cause.
    void activateAlert(qint64 alertId);

Q_SIGNALS:
    void loaded();
    void alertActivated(const QString &rootNode);
    // An alert row became current (for the detail pane beside the dock).
    void alertSelected(const vouch::engine::AlertRecord &alert);
    void error(const QString &message);

private:
    void showAlerts(const QList<engine::AlertRecord> &alerts,
                    const QList<engine::Delivery> &deliveries);
    void applyFilter();
    void notify(const engine::AlertRecord &alert);
    qint64 selectedAlert() const;

    ReportSource m_source;
    quint64 m_generation = 0;
    QSet<qint64> m_seen;
    qint64 m_notified = 0;
    AlertsModel *m_model;
    QTableView *m_view;
    QComboBox *m_sectionFilter;
    QComboBox *m_severityFilter;
    QPushButton *m_acknowledge;
    QPointer<QSystemTrayIcon> m_tray;
};

} // namespace vouch::ui
