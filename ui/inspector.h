#pragma once

#include "engine/store/statestore.h"

#include <QByteArray>
#include <QList>
#include <QPointer>
#include <QString>
#include <QWidget>

class QFormLayout;
class QGroupBox;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTableWidget;

namespace vouch::ui {

class RunModel;

// Everything about the selected node: what it is, its state in the current
// attempt, what it runs, its check or freshness finding, its live log and
// what a failure means for each section. Reads the node from the RunModel
// and follows nodesChanged for it; the log file is read on a worker and
// output chunks of the running node are appended, capped to the last 64 KiB.
// GUI thread only.
class Inspector : public QWidget
{
    Q_OBJECT

public:
    static constexpr qsizetype kLogTailBytes = 64 * 1024;

    explicit Inspector(QWidget *parent = nullptr);

    // The model must outlive the inspector or be set to another first.
    void setModel(RunModel *model);
    // Empty: nothing selected.
    void setNode(const QString &id);
    QString node() const { return m_nodeId; }

    // A chunk of a running command's output; shown when it is the node's.
    void appendOutput(const QString &nodeId, const QByteArray &chunk);
    QString logText() const;

    // The run's attempts, for who asked for the node's attempt and why.
    void setAttempts(const QList<engine::AttemptRecord> &attempts);
    QString attemptText() const;

protected:
    void changeEvent(QEvent *event) override;

private:
    void refresh();
    void showFacts();
    void requestLogTail();
    void setLog(const QByteArray &bytes);
    void onLogTail(const QByteArray &tail);
    static QLabel *valueLabel(const QString &objectName);

    QPointer<RunModel> m_model;
    QString m_nodeId;
    QString m_logPath;       // the log file last read for the node
    bool m_logFinal = false; // read after the node ended: nothing more comes
    quint64 m_logGeneration = 0;
    QByteArray m_log;
    QByteArray m_sinceRead; // output chunks since the last file read was asked for

    QStackedWidget *m_pages;
    QLabel *m_title;
    QLabel *m_badge;
    QLabel *m_message;
    QLabel *m_description;
    QLabel *m_kind;
    QLabel *m_group;
    QLabel *m_owner;
    QLabel *m_attempt;
    QLabel *m_attemptWho;
    QList<engine::AttemptRecord> m_attempts;
    QLabel *m_started;
    QLabel *m_finished;
    QLabel *m_duration;
    QGroupBox *m_codeBox;
    QPlainTextEdit *m_code;
    QGroupBox *m_checkBox;
    QLabel *m_value;
    QLabel *m_reference;
    QLabel *m_warnIf;
    QLabel *m_errorIf;
    QLabel *m_samplesCaption;
    QTableWidget *m_samples;
    QGroupBox *m_freshnessBox;
    QLabel *m_freshness;
    QLabel *m_age;
    QLabel *m_warnAfter;
    QLabel *m_errorAfter;
    QLabel *m_observed;
    QLabel *m_missingDays;
    QLabel *m_impact;
    QGroupBox *m_logBox;
    QPlainTextEdit *m_logView;
};

} // namespace vouch::ui
