#pragma once

#include "ui/reportswitcher.h"

#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace vouch::ui {

// What the window shows while no contract is open: the Brightside demo with a
// scenario to choose, opening a contract file, and the recent contracts.
// Only asks; MainWindow does the opening.
class WelcomePage : public QWidget
{
    Q_OBJECT

public:
    explicit WelcomePage(QWidget *parent = nullptr);

    void setRecentContracts(const QStringList &paths);
    // A problem to show (e.g. a contract that did not load); empty hides it.
    void setMessage(const QString &text);
    QString scenario() const;
    // For people: what a demo scenario plants in the Brightside data.
    static QString scenarioLabel(const QString &scenario);
    void setBusy(bool busy);
    // The demo's reports with their latest verdicts; empty hides the list.
    void setDemoReports(const QList<DemoReportEntry> &reports);

    QPushButton *demoButton() const { return m_demo; }
    QPushButton *openButton() const { return m_open; }
    QListWidget *recentList() const { return m_recent; }
    QListWidget *demoReportsList() const { return m_demoReports; }

Q_SIGNALS:
    void openDemoRequested(const QString &scenario);
    void openContractRequested();
    void recentRequested(const QString &path);
    void demoReportRequested(const QString &contractPath);

private:
    QComboBox *m_scenario;
    QPushButton *m_demo;
    QPushButton *m_open;
    QLabel *m_recentCaption;
    QListWidget *m_recent;
    QLabel *m_demoReportsCaption;
    QListWidget *m_demoReports;
    QLabel *m_message;
};

} // namespace vouch::ui
