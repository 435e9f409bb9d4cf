#pragma once

#include "engine/trust/verdict.h"

#include <QDialog>
#include <QList>
#include <QString>

#include <utility>

class QDialogButtonBox;
class QLineEdit;

namespace vouch::ui {

// Asks for the texts of a publication decision. Approve: one caveat per
// section that is not safe, pre-filled from its findings, plus an optional
// caveat for the whole report. Hold: a reason, required. Window-modal, not
// blocking; the caller reads texts() when accepted.
class DecisionDialog : public QDialog
{
    Q_OBJECT

public:
    DecisionDialog(engine::Decision::Kind kind, const engine::Verdict &verdict,
                   QWidget *parent = nullptr);

    engine::Decision::Kind kind() const { return m_kind; }
    // (section id or empty for the report, text); empty texts are left out.
    QList<std::pair<QString, QString>> texts() const;
    // The editor of a section's caveat (empty id: the report's), or null.
    QLineEdit *editorFor(const QString &sectionId) const;

    // The caveat a section's editor starts with: its findings, then the
    // contract's caveat for it.
    static QString caveatFromFindings(const engine::SectionVerdict &section);

private:
    void updateOk();

    engine::Decision::Kind m_kind;
    QList<std::pair<QString, QLineEdit *>> m_editors;
    QDialogButtonBox *m_buttons = nullptr;
};

} // namespace vouch::ui
