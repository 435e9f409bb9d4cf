#include "ui/alertspanel.h"

#include "engine/store/statestore.h"
#include "engine/util/clock.h"
#include "engine/util/worker.h"
#include "ui/reportpanel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QVBoxLayout>

namespace vouch::ui {

using namespace vouch::engine;

namespace {

QColor severityColour(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::Low:
        return QColor(0x60, 0x7d, 0x8b);
    case AlertSeverity::Medium:
        return QColor(0xb2, 0x6a, 0x00);
    case AlertSeverity::High:
        return QColor(0xd8, 0x43, 0x15);
    case AlertSeverity::Critical:
        return QColor(0xc6, 0x28, 0x28);
    }
    return QColor(Qt::gray);
}

QString stateLabel(AlertState state)
{
    switch (state) {
    case AlertState::Open:
        return AlertsModel::tr("open");
    case AlertState::Updated:
        return AlertsModel::tr("updated");
    case AlertState::Resolved:
        return AlertsModel::tr("resolved");
    }
    return {};
}

} // namespace

// ------------------------------------------------------------------ model

AlertsModel::AlertsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

QString AlertsModel::severityLabel(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::Low:
        return tr("low");
    case AlertSeverity::Medium:
        return tr("medium");
    case AlertSeverity::High:
        return tr("high");
    case AlertSeverity::Critical:
        return tr("critical");
    }
    return {};
}

QStringList AlertsModel::sectionsOf(const AlertRecord &alert)
{
    QStringList ids;
    const QJsonArray sections = alert.details.value(QStringLiteral("sections")).toArray();
    for (const QJsonValue &s : sections)
        ids << s.toObject().value(QStringLiteral("id")).toString();
    return ids;
}

void AlertsModel::setAlerts(const QList<AlertRecord> &alerts, const QList<Delivery> &deliveries)
{
    m_all = alerts;
    m_deliveries = deliveries;
    refilter();
}

QString AlertsModel::deliverySummary(qint64 alertId, bool details) const
{
    // The latest change per channel (rows come ordered by change).
    QMap<QString, const Delivery *> latest;
    for (const Delivery &d : m_deliveries) {
        if (d.alertId == alertId)
            latest.insert(d.channel, &d);
    }
    QStringList parts;
    for (auto it = latest.cbegin(); it != latest.cend(); ++it) {
        const Delivery &d = **it;
        switch (d.status) {
        case DeliveryStatus::Delivered:
            parts << tr("✔ %1").arg(d.channel);
            break;
        case DeliveryStatus::Pending:
            parts << (d.tries == 0 ? tr("… %1 (queued)").arg(d.channel)
                      : details    ? tr("… %1 (retrying: %2)").arg(d.channel, d.lastError)
                                   : tr("… %1 (retrying)").arg(d.channel));
            break;
        case DeliveryStatus::Failed:
            parts << (details ? tr("✘ %1 (failed: %2)").arg(d.channel, d.lastError)
                              : tr("✘ %1 (failed)").arg(d.channel));
            break;
        }
    }
    if (details)
        return parts.join(QLatin1Char('\n'));
    return parts.join(QStringLiteral(" · "));
}

bool AlertsModel::deliveryFailed(qint64 alertId) const
{
    return std::any_of(m_deliveries.cbegin(), m_deliveries.cend(), [alertId](const Delivery &d) {
        return d.alertId == alertId && d.status == DeliveryStatus::Failed;
    });
}

void AlertsModel::setFilter(const QString &sectionId, std::optional<AlertSeverity> minimum)
{
    m_section = sectionId;
    m_severity = minimum;
    refilter();
}

void AlertsModel::refilter()
{
    beginResetModel();
    m_visible.clear();
    for (const AlertRecord &a : std::as_const(m_all)) {
        if (!m_section.isEmpty() && !sectionsOf(a).contains(m_section))
            continue;
        if (m_severity && a.severity != *m_severity)
            continue;
        m_visible.append(a);
    }
    endResetModel();
}

int AlertsModel::rowOf(qint64 alertId) const
{
    for (int i = 0; i < m_visible.size(); ++i) {
        if (m_visible.at(i).id == alertId)
            return i;
    }
    return -1;
}

int AlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int AlertsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AlertRecord &a = m_visible.at(index.row());
    if (role == AlertIdRole)
        return a.id;
    if (role == RootNodeRole)
        return a.rootNode;
    switch (index.column()) {
    case Severity:
        // A resolved alert no longer alarms: its severity is history, in grey
        // and in brackets, not in red.
        if (role == Qt::DisplayRole)
            return a.state == AlertState::Resolved ? tr("(%1)").arg(severityLabel(a.severity))
                                                   : severityLabel(a.severity);
        if (role == Qt::ForegroundRole)
            return a.state == AlertState::Resolved ? QColor(0x75, 0x75, 0x75)
                                                   : severityColour(a.severity);
        break;
    case State:
        if (role == Qt::DisplayRole) {
            QString text = stateLabel(a.state);
            if (!a.acknowledgedBy.isEmpty())
                text += a.acknowledgeNote.isEmpty()
                            ? tr(", acknowledged by %1").arg(a.acknowledgedBy)
                            : tr(", acknowledged by %1: \u201c%2\u201d")
                                  .arg(a.acknowledgedBy, a.acknowledgeNote);
            return text;
        }
        if (role == Qt::ToolTipRole && !a.acknowledgeNote.isEmpty())
            return a.acknowledgeNote;
        break;
    case Headline:
        if (role == Qt::DisplayRole)
            return a.headline;
        if (role == Qt::ToolTipRole)
            return a.details.value(QStringLiteral("cause")).toString();
        break;
    case Owners:
        if (role == Qt::DisplayRole) {
            QStringList owners;
            for (const QJsonValue &o : a.details.value(QStringLiteral("owners")).toArray())
                owners << o.toString();
            return owners.join(tr(", "));
        }
        break;
    case Deliveries:
        if (role == Qt::DisplayRole) {
            const QString summary = deliverySummary(a.id);
            return summary.isEmpty() ? tr("—") : summary;
        }
        if (role == Qt::ToolTipRole)
            return deliverySummary(a.id, true);
        if (role == Qt::ForegroundRole && deliveryFailed(a.id))
            return QColor(0xc6, 0x28, 0x28);
        break;
    case Time:
        if (role == Qt::DisplayRole) {
            const QDateTime t = a.state == AlertState::Resolved && a.resolvedAt.isValid()
                                    ? a.resolvedAt
                                    : (a.updatedAt.isValid() ? a.updatedAt : a.openedAt);
            return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant AlertsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Severity:
        return tr("Severity");
    case State:
        return tr("State");
    case Headline:
        return tr("Alert");
    case Owners:
        return tr("Owners");
    case Deliveries:
        return tr("Delivery");
    case Time:
        return tr("Time");
    default:
        return {};
    }
}

// ------------------------------------------------------------------ panel

AlertsPanel::AlertsPanel(QWidget *parent)
    : QWidget(parent)
    , m_model(new AlertsModel(this))
    , m_view(new QTableView(this))
    , m_sectionFilter(new QComboBox(this))
    , m_severityFilter(new QComboBox(this))
    , m_acknowledge(new QPushButton(tr("Acknowledge…"), this))
{
    setObjectName(QStringLiteral("alertsPanel"));
    m_view->setObjectName(QStringLiteral("alertsView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(AlertsModel::Headline, QHeaderView::Stretch);
    m_view->horizontalHeader()->setSectionResizeMode(AlertsModel::Deliveries,
                                                     QHeaderView::Interactive);
    m_view->horizontalHeader()->resizeSection(AlertsModel::Deliveries, 330);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_sectionFilter->setObjectName(QStringLiteral("alertSectionFilter"));
    m_severityFilter->setObjectName(QStringLiteral("alertSeverityFilter"));
    m_severityFilter->addItem(tr("All severities"), -1);
    for (AlertSeverity s :
         {AlertSeverity::Critical, AlertSeverity::High, AlertSeverity::Medium, AlertSeverity::Low})
        m_severityFilter->addItem(AlertsModel::severityLabel(s), int(s));
    m_sectionFilter->addItem(tr("All sections"), QString());
    m_acknowledge->setObjectName(QStringLiteral("acknowledgeButton"));
    m_acknowledge->setEnabled(false);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Section:"), this));
    bar->addWidget(m_sectionFilter);
    bar->addWidget(new QLabel(tr("Severity:"), this));
    bar->addWidget(m_severityFilter);
    bar->addStretch();
    bar->addWidget(m_acknowledge);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_view);

    connect(m_sectionFilter, &QComboBox::currentIndexChanged, this, &AlertsPanel::applyFilter);
    connect(m_severityFilter, &QComboBox::currentIndexChanged, this, &AlertsPanel::applyFilter);
    connect(m_acknowledge, &QPushButton::clicked, this, [this] { requestAcknowledge(); });
    connect(m_model, &QAbstractItemModel::modelReset, this,
            [this] { m_acknowledge->setEnabled(selectedAlert() > 0); });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_acknowledge->setEnabled(selectedAlert() > 0);
        const QModelIndexList rows = m_view->selectionModel()->selectedRows();
        if (!rows.isEmpty() && rows.first().row() < m_model->rowCount())
            Q_EMIT alertSelected(m_model->alert(rows.first().row()));
    });
    connect(m_view, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        Q_EMIT alertActivated(index.data(AlertsModel::RootNodeRole).toString());
    });
}

void AlertsPanel::setSource(const ReportSource &source)
{
    const bool sameContract = source.contract == m_source.contract;
    m_source = source;
    if (!sameContract) {
        const QSignalBlocker blocker(m_sectionFilter);
        m_sectionFilter->clear();
        m_sectionFilter->addItem(tr("All sections"), QString());
        if (source.contract) {
            for (const Section &s : source.contract->report.sections)
                m_sectionFilter->addItem(s.name, s.id);
        }
        applyFilter();
    }
    reload();
}

void AlertsPanel::reload()
{
    const quint64 generation = ++m_generation;
    if (!m_source.contract || m_source.runId <= 0 || m_source.statePath.isEmpty()) {
        m_model->setAlerts({});
        return;
    }
    const QString path = m_source.statePath;
    const qint64 runId = m_source.runId;
    struct Result
    {
        QString error;
        QList<AlertRecord> alerts;
        QList<engine::Delivery> deliveries;
    };
    runOnWorker(
        this,
        [path, runId] {
            Result result;
            QString error;
            auto store = StateStore::open(path, &error);
            if (!store) {
                result.error = tr("The state store cannot be opened: %1").arg(error);
                return result;
            }
            result.alerts = AlertBook(*store).alerts(runId);
            result.deliveries = Outbox(*store).forRun(runId);
            return result;
        },
        [this, generation](Result result) {
            if (generation != m_generation)
                return;
            if (!result.error.isEmpty())
                Q_EMIT error(result.error);
            showAlerts(result.alerts, result.deliveries);
            Q_EMIT loaded();
        });
}

void AlertsPanel::showAlerts(const QList<AlertRecord> &alerts,
                             const QList<engine::Delivery> &deliveries)
{
    const qint64 selected = selectedAlert();
    m_model->setAlerts(alerts, deliveries);
    if (const int row = m_model->rowOf(selected); row >= 0)
        m_view->selectRow(row);
    for (const AlertRecord &a : alerts) {
        if (m_seen.contains(a.id))
            continue;
        m_seen.insert(a.id);
        if (a.state != AlertState::Resolved &&
            (a.severity == AlertSeverity::High || a.severity == AlertSeverity::Critical))
            notify(a);
    }
}

void AlertsPanel::notify(const AlertRecord &alert)
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return;
    if (!m_tray) {
        m_tray = new QSystemTrayIcon(windowIcon(), this);
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            if (QWidget *w = window()) {
                w->showNormal();
                w->raise();
                w->activateWindow();
            }
            activateAlert(m_notified);
        });
        m_tray->show();
    }
    m_notified = alert.id;
    m_tray->showMessage(tr("Vouch: %1 alert").arg(AlertsModel::severityLabel(alert.severity)),
                        alert.headline,
                        alert.severity == AlertSeverity::Critical ? QSystemTrayIcon::Critical
                                                                  : QSystemTrayIcon::Warning);
}

void AlertsPanel::activateAlert(qint64 alertId)
{
    int row = m_model->rowOf(alertId);
    if (row < 0) {
        // Filtered out: show everything so the alert can be selected.
        m_sectionFilter->setCurrentIndex(0);
        m_severityFilter->setCurrentIndex(0);
        row = m_model->rowOf(alertId);
    }
    if (row < 0)
        return;
    m_view->selectRow(row);
    Q_EMIT alertActivated(m_model->alert(row).rootNode);
}

void AlertsPanel::applyFilter()
{
    const int severity = m_severityFilter->currentData().toInt();
    m_model->setFilter(m_sectionFilter->currentData().toString(),
                       severity < 0 ? std::nullopt
                                    : std::optional<AlertSeverity>(AlertSeverity(severity)));
}

qint64 AlertsPanel::selectedAlert() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? 0 : rows.first().data(AlertsModel::AlertIdRole).toLongLong();
}

QInputDialog *AlertsPanel::requestAcknowledge()
{
    const qint64 id = selectedAlert();
    if (id <= 0)
        return nullptr;
    auto *dialog = new QInputDialog(this);
    dialog->setObjectName(QStringLiteral("acknowledgeDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setWindowTitle(tr("Acknowledge alert"));
    dialog->setLabelText(tr("A note for the people who follow this alert (recorded with your "
                            "name):"));
    connect(dialog, &QInputDialog::textValueSelected, this, [this, id](const QString &note) {
        const QString path = m_source.statePath;
        const QString who = osLogin();
        runOnWorker(
            this,
            [path, id, who, note] {
                QString error;
                auto store = StateStore::open(path, &error);
                if (!store)
                    return tr("The state store cannot be opened: %1").arg(error);
                if (!AlertBook(*store).acknowledge(id, who, note.trimmed(), engine::wallNow()))
                    return tr("The alert could not be acknowledged.");
                return QString();
            },
            [this](QString problem) {
                if (!problem.isEmpty())
                    Q_EMIT error(problem);
                reload();
            });
    });
    dialog->open();
    return dialog;
}

} // namespace vouch::ui
