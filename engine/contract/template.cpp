#include "engine/contract/template.h"

#include "engine/util/suggest.h"

#include <algorithm>
#include <vector>

namespace vouch::engine {

namespace {

std::nullopt_t fail(ParseError *error, qsizetype offset, const QString &message)
{
    if (error)
        *error = ParseError{int(offset), message};
    return std::nullopt;
}

// The known placeholder closest to a typo, or empty when none is plausible.
QString suggestion(const QString &name)
{
    return closestMatch(name, Template::knownPlaceholders());
}

QString knownList()
{
    QStringList braced;
    for (const QString &name : Template::knownPlaceholders())
        braced.append(u'{' + name + u'}');
    const QString last = braced.takeLast();
    return braced.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

} // namespace

QStringList Template::knownPlaceholders()
{
    return {QStringLiteral("value"), QStringLiteral("reference"), QStringLiteral("threshold"),
            QStringLiteral("node"), QStringLiteral("section"), QStringLiteral("report"),
            QStringLiteral("deadline"), QStringLiteral("age"), QStringLiteral("owner"),
            QStringLiteral("count"), QStringLiteral("diff"), QStringLiteral("observed"),
            // Alert templates: what the run found and what each section must do.
            QStringLiteral("cause"), QStringLiteral("publishable"), QStringLiteral("caveated"),
            QStringLiteral("held"), QStringLiteral("fallback"), QStringLiteral("samples")};
}

std::optional<Template> Template::parse(QStringView text, ParseError *error)
{
    Template result;
    result.m_text = text.toString();
    QString literal;
    const auto flushLiteral = [&] {
        if (!literal.isEmpty()) {
            result.m_pieces.append(Piece{false, literal});
            literal.clear();
        }
    };

    const qsizetype size = text.size();
    for (qsizetype pos = 0; pos < size; ++pos) {
        const QChar c = text[pos];
        if (c == u'}') {
            if (pos + 1 < size && text[pos + 1] == u'}') {
                literal += u'}';
                ++pos;
                continue;
            }
            return fail(error, pos,
                        QStringLiteral("unmatched '}' in template; write '}}' for a literal "
                                       "brace"));
        }
        if (c != u'{') {
            literal += c;
            continue;
        }
        if (pos + 1 < size && text[pos + 1] == u'{') {
            literal += u'{';
            ++pos;
            continue;
        }

        const qsizetype open = pos;
        qsizetype close = open + 1;
        while (close < size && text[close] != u'}' && text[close] != u'{')
            ++close;
        if (close == size || text[close] == u'{') {
            return fail(error, open,
                        QStringLiteral("unclosed '{' in template; close the placeholder with "
                                       "'}' or write '{{' for a literal brace"));
        }

        // Spaces inside the braces are forgiven: "{ value }" is {value}.
        qsizetype nameStart = open + 1;
        qsizetype nameEnd = close;
        while (nameStart < nameEnd && text[nameStart].isSpace())
            ++nameStart;
        while (nameEnd > nameStart && text[nameEnd - 1].isSpace())
            --nameEnd;
        const QString name = text.sliced(nameStart, nameEnd - nameStart).toString();
        if (name.isEmpty()) {
            return fail(error, open,
                        QStringLiteral("empty placeholder {}; use %1, or write '{{' for a "
                                       "literal brace")
                            .arg(knownList()));
        }
        if (!knownPlaceholders().contains(name)) {
            const QString match = suggestion(name);
            if (!match.isEmpty()) {
                return fail(error, nameStart,
                            QStringLiteral("unknown placeholder {%1}; did you mean {%2}?")
                                .arg(name, match));
            }
            return fail(error, nameStart,
                        QStringLiteral("unknown placeholder {%1}; use %2").arg(name, knownList()));
        }
        flushLiteral();
        result.m_pieces.append(Piece{true, name});
        pos = close;
    }
    flushLiteral();
    return result;
}

QStringList Template::placeholders() const
{
    QStringList names;
    for (const Piece &piece : m_pieces) {
        if (piece.placeholder && !names.contains(piece.text))
            names.append(piece.text);
    }
    return names;
}

QString Template::render(const QMap<QString, QString> &values) const
{
    QString out;
    for (const Piece &piece : m_pieces) {
        if (!piece.placeholder) {
            out += piece.text;
            continue;
        }
        const auto it = values.constFind(piece.text);
        out += it != values.constEnd() ? *it : u'<' + piece.text + u'>';
    }
    return out;
}

} // namespace vouch::engine
