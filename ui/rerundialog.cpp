#include "ui/rerundialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace vouch::ui {

using namespace vouch::engine;

RerunDialog::RerunDialog(const Graph &graph, const QHash<QString, NodeState> &latest,
                         const RerunRequest &request, int nextAttempt, QWidget *parent)
    : QDialog(parent)
    , m_plan(planRerun(graph, latest, request))
    , m_ids(m_plan.ids(graph))
    , m_summary(new QLabel(this))
    , m_preview(new QTreeWidget(this))
    , m_reason(new QLineEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("rerunDialog"));
    setWindowTitle(tr("Rerun"));
    setWindowModality(Qt::WindowModal);
    resize(560, 440);

    auto *layout = new QVBoxLayout(this);
    m_summary->setWordWrap(true);
    if (m_plan.error.isEmpty())
        m_summary->setText(tr("These %1 of %2 nodes run again as attempt %3. Every other node "
                              "keeps its latest state.")
                               .arg(m_ids.size())
                               .arg(graph.size())
                               .arg(nextAttempt));
    else
        m_summary->setText(m_plan.error);
    layout->addWidget(m_summary);

    m_preview->setObjectName(QStringLiteral("rerunPreview"));
    m_preview->setColumnCount(2);
    m_preview->setHeaderLabels({tr("Node"), tr("Why")});
    m_preview->setRootIsDecorated(false);
    m_preview->setUniformRowHeights(true);
    m_preview->setSelectionMode(QAbstractItemView::NoSelection);
    for (const RerunPlan::Item &item : m_plan.items)
        new QTreeWidgetItem(m_preview, {graph.id(item.index), item.why});
    m_preview->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    layout->addWidget(m_preview, 1);

    // Reruns that cannot change the outcome: said before anything runs.
    auto *cautions = new QLabel(this);
    cautions->setObjectName(QStringLiteral("rerunCautions"));
    cautions->setWordWrap(true);
    cautions->setTextFormat(Qt::RichText);
    QStringList lines;
    for (const QString &caution : std::as_const(m_plan.cautions))
        lines << QStringLiteral("\u26a0 ") + caution.toHtmlEscaped();
    cautions->setText(lines.join(QStringLiteral("<br>")));
    cautions->setVisible(!lines.isEmpty());
    layout->addWidget(cautions);

    auto *reasonLabel =
        new QLabel(tr("&Reason (recorded with your name in the run's history):"), this);
    reasonLabel->setBuddy(m_reason);
    layout->addWidget(reasonLabel);
    m_reason->setObjectName(QStringLiteral("rerunReason"));
    m_reason->setPlaceholderText(tr("e.g. finance fixed the cost sheet"));
    layout->addWidget(m_reason);

    okButton()->setText(tr("Rerun %n node(s)", nullptr, int(m_ids.size())));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_reason, &QLineEdit::textChanged, this, &RerunDialog::updateOk);
    updateOk();
    m_reason->setFocus();
}

QString RerunDialog::reason() const
{
    return m_reason->text().trimmed();
}

QPushButton *RerunDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

void RerunDialog::updateOk()
{
    okButton()->setEnabled(!reason().isEmpty() && !m_ids.isEmpty() && m_plan.error.isEmpty());
}

} // namespace vouch::ui
