#pragma once

#include "engine/trust/alerts.h"
#include "engine/trust/nextstep.h"
#include "engine/trust/verdict.h"

#include <QWidget>

class QTextBrowser;

namespace vouch::ui {

class RunModel;

// The detail of an alert or a report section, beside the Alerts and Report
// docks: the whole headline (wrapped, never cut), what can publish, what
// needs a caveat, what is held or blocked, each fallback, the owners, the root
// cause as a link that selects it in the graph, and a concrete next step
// (engine/trust/nextstep.h) with the check's sample rows or the end of the
// failed node's log. A link "Rerun from …" asks for the rerun preview.
class DetailPane : public QWidget
{
    Q_OBJECT

public:
    explicit DetailPane(QWidget *parent = nullptr);

    // Where node states, sample rows and logs come from; may be null.
    void setRunModel(const RunModel *model);

    void showAlert(const engine::AlertRecord &alert);
    void showSection(const engine::SectionVerdict &section);
    void clear();

    // What the pane says, as plain text (for tests and the clipboard).
    QString plainText() const;
    // The step shown, if any.
    const engine::NextStep &nextStep() const { return m_step; }
    QTextBrowser *browser() const { return m_browser; }

Q_SIGNALS:
    // The root cause (or another node) link: select and reveal it in the graph.
    void revealNode(const QString &id);
    // "Rerun from …": open the rerun preview with this selection.
    void rerunRequested(const QString &selector);
    // The failed node's log tail is being read on a worker / has been added.
    void logTailLoading();
    void logTailShown();

private:
    QString nextStepHtml(const QString &rootNode, const QStringList &owners);
    void present(const QString &html);
    void onAnchor(const QUrl &url);

    const RunModel *m_model = nullptr;
    QTextBrowser *m_browser = nullptr;
    engine::NextStep m_step;
    quint64 m_generation = 0; // a log tail read for what was shown before is dropped
};

} // namespace vouch::ui
