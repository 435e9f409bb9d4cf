#pragma once

#include "engine/contract/parseerror.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace vouch::engine {

// Business text from the contract with `{placeholder}` fields that code fills
// with values. `{{` and `}}` are literal braces. Only known placeholders are
// accepted, so a typo is caught by `vouch validate`, not on Monday morning.
class Template
{
public:
    static std::optional<Template> parse(QStringView text, ParseError *error = nullptr);
    // value, reference, threshold, node, section, report, deadline, age, owner,
    // count, diff, observed; for alerts also cause, publishable, caveated,
    // held, fallback.
    static QStringList knownPlaceholders();

    QString text() const { return m_text; }
    QStringList placeholders() const; // in order of first use, without duplicates

    // Missing values render as the placeholder name in angle brackets, so a
    // gap is visible rather than silently empty.
    QString render(const QMap<QString, QString> &values) const;

private:
    struct Piece
    {
        bool placeholder = false;
        QString text;
    };
    QString m_text;
    QList<Piece> m_pieces;
};

} // namespace vouch::engine
