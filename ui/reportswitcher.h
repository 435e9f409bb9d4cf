#pragma once

#include <QList>
#include <QString>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;

namespace vouch::ui {

class RunController;
class WelcomePage;

// One report of the Brightside demo and what its latest run says.
struct DemoReportEntry
{
    QString key;          // "weekly", "month-end"
    QString name;         // the contract's report name
    QString contractPath; // absolute
    QString verdict;      // "complete", "failed", ...; empty: not run yet
};

// The demo's reports (the weekly pack and the month-end close pack, one
// warehouse, one store in `dir`) with their latest verdicts. Reads contracts
// and the store: call it on a worker, never on the GUI thread.
QList<DemoReportEntry> readDemoReports(const QString &dir);

// "Weekly Operating Performance Report — failed"; "… — not run yet".
QString demoReportLabel(const DemoReportEntry &entry);

// The toolbar's report switcher: while a demo report is open it lists the
// demo's reports, each with its verdict, and choosing one opens it in the
// window (graph, Report dock, alerts, history follow the controller). It also
// keeps the welcome page's list of demo reports up to date. Reads the store
// on a worker; a superseded read is dropped.
class ReportSwitcher : public QWidget
{
    Q_OBJECT

public:
    ReportSwitcher(RunController *controller, WelcomePage *welcome, QWidget *parent = nullptr);

    QComboBox *combo() const { return m_combo; }
    const QList<DemoReportEntry> &entries() const { return m_entries; }
    // Reads the demo's reports again (after a run or an open).
    void refresh();
    // The demo folder whose reports are listed.
    void setDirectory(const QString &dir);
    QString directory() const { return m_dir; }
    // In a toolbar the action shows and hides the switcher.
    void setToolBarAction(QAction *action);

    // Opens the demo report with this contract in the controller.
    void openReport(const QString &contractPath);

Q_SIGNALS:
    void entriesChanged();

private:
    void showEntries(const QList<DemoReportEntry> &entries);

    RunController *m_controller;
    WelcomePage *m_welcome;
    QLabel *m_caption;
    QComboBox *m_combo;
    QAction *m_action = nullptr;
    QString m_dir;
    QList<DemoReportEntry> m_entries;
    quint64 m_generation = 0;
};

} // namespace vouch::ui
