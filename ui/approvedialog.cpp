#include "ui/approvedialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace vouch::ui {

using namespace vouch::engine;

QString DecisionDialog::caveatFromFindings(const SectionVerdict &section)
{
    // What was found, in the contract's own `impact` sentences filled with
    // the run's values ("SKU cost mapping failed for 14 products."), then
    // what it means for the section (its caveat). Without an impact
    // sentence the section's caveat alone.
    QStringList found;
    for (const Finding &f : section.findings) {
        if (!f.fromImpact || f.cause.trimmed().isEmpty())
            continue;
        QString sentence = f.cause.trimmed();
        sentence[0] = sentence.at(0).toUpper();
        if (!sentence.endsWith(QLatin1Char('.')))
            sentence += QLatin1Char('.');
        if (!found.contains(sentence))
            found << sentence;
    }
    if (found.isEmpty())
        return section.caveat;
    if (!section.caveat.isEmpty() && !found.contains(section.caveat))
        found << section.caveat;
    return found.join(QLatin1Char(' '));
}

DecisionDialog::DecisionDialog(Decision::Kind kind, const Verdict &verdict, QWidget *parent)
    : QDialog(parent)
    , m_kind(kind)
{
    setObjectName(kind == Decision::Kind::Approve ? QStringLiteral("approveDialog")
                                                  : QStringLiteral("holdDialog"));
    setWindowModality(Qt::WindowModal);
    // Caveats are sentences: give them room to be read before they are signed.
    setMinimumWidth(720);
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(this);
    intro->setWordWrap(true);
    auto *form = new QFormLayout;
    if (kind == Decision::Kind::Approve) {
        setWindowTitle(tr("Approve with caveats"));
        intro->setText(tr("The report publishes with these caveats. They are recorded with your "
                          "name in the audit log."));
        for (const SectionVerdict &s : verdict.sections) {
            if (s.status == SectionStatus::Safe)
                continue;
            auto *edit = new QLineEdit(caveatFromFindings(s), this);
            edit->setCursorPosition(0);
            edit->setObjectName(QStringLiteral("caveat_") + s.id);
            edit->setPlaceholderText(tr("Caveat for %1").arg(s.name));
            form->addRow(tr("%1:").arg(s.name), edit);
            m_editors.append({s.id, edit});
        }
        auto *report = new QLineEdit(this);
        report->setObjectName(QStringLiteral("caveat_report"));
        report->setPlaceholderText(tr("Optional caveat for the whole report"));
        form->addRow(tr("Whole report:"), report);
        m_editors.append({QString(), report});
    } else {
        setWindowTitle(tr("Hold the report"));
        intro->setText(tr("The report is held and does not publish. The reason is recorded with "
                          "your name in the audit log."));
        auto *reason = new QLineEdit(this);
        reason->setObjectName(QStringLiteral("holdReason"));
        reason->setPlaceholderText(tr("Why the report is held (required)"));
        form->addRow(tr("Reason:"), reason);
        m_editors.append({QString(), reason});
    }
    layout->addWidget(intro);
    layout->addLayout(form);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)
        ->setText(kind == Decision::Kind::Approve ? tr("Approve") : tr("Hold"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    for (const auto &[id, edit] : std::as_const(m_editors))
        connect(edit, &QLineEdit::textChanged, this, &DecisionDialog::updateOk);
    updateOk();
}

QList<std::pair<QString, QString>> DecisionDialog::texts() const
{
    QList<std::pair<QString, QString>> result;
    for (const auto &[id, edit] : m_editors) {
        const QString text = edit->text().trimmed();
        if (!text.isEmpty())
            result.append({id, text});
    }
    return result;
}

QLineEdit *DecisionDialog::editorFor(const QString &sectionId) const
{
    for (const auto &[id, edit] : m_editors) {
        if (id == sectionId)
            return edit;
    }
    return nullptr;
}

void DecisionDialog::updateOk()
{
    // A hold needs its reason; an approval needs at least one caveat.
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!texts().isEmpty());
}

} // namespace vouch::ui
