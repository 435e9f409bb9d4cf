#pragma once

#include "engine/graph/graph.h"
#include "engine/graph/nodestate.h"
#include "engine/run/rerunplan.h"

#include <QDialog>
#include <QHash>
#include <QStringList>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace vouch::ui {

// Confirms a controlled rerun: shows exactly which nodes will run as the new
// attempt, and why each one (planRerun), and asks for the reason that is
// recorded with the attempt. OK stays disabled until there is a reason and
// something to run. Window-modal; open() it and read nodeIds() and reason()
// on accepted().
class RerunDialog : public QDialog
{
    Q_OBJECT

public:
    RerunDialog(const engine::Graph &graph, const QHash<QString, engine::NodeState> &latest,
                const engine::RerunRequest &request, int nextAttempt, QWidget *parent = nullptr);

    const engine::RerunPlan &plan() const { return m_plan; }
    QStringList nodeIds() const { return m_ids; }
    QString reason() const;

    QLineEdit *reasonEdit() const { return m_reason; }
    QPushButton *okButton() const;
    QTreeWidget *preview() const { return m_preview; }

private:
    void updateOk();

    engine::RerunPlan m_plan;
    QStringList m_ids;
    QLabel *m_summary;
    QTreeWidget *m_preview;
    QLineEdit *m_reason;
    QDialogButtonBox *m_buttons;
};

} // namespace vouch::ui
