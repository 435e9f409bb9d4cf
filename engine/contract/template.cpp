#include "engine/contract/template.h"

#include "engine/contract/lexer.h"
#include "engine/util/suggest.h"

#include <algorithm>
#include <vector>

namespace vouch::engine {

namespace {

using namespace lex;

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

    Lexer lex(text);
    while (!lex.atEnd()) {
        const QChar c = lex.peek();
        if (c == u'}') {
            if (lex.peek(1) == u'}') {
                literal += u'}';
                lex.advance(2);
                continue;
            }
            return fail(error, lex.pos(),
                        QStringLiteral("unmatched '}' in template; write '}}' for a literal "
                                       "brace"));
        }
        if (c != u'{') {
            literal += c;
            lex.advance();
            continue;
        }
        if (lex.peek(1) == u'{') {
            literal += u'{';
            lex.advance(2);
            continue;
        }

        const qsizetype open = lex.pos();
        lex.advance();
        lex.takeWhile([](QChar ch) { return ch != u'}' && ch != u'{'; });
        if (!lex.at(u'}')) {
            return fail(error, open,
                        QStringLiteral("unclosed '{' in template; close the placeholder with "
                                       "'}' or write '{{' for a literal brace"));
        }

        // Spaces inside the braces are forgiven: "{ value }" is {value}.
        Lexer inside(text, open + 1, lex.pos());
        inside.trim();
        const qsizetype nameStart = inside.pos();
        const QString name = inside.rest().toString();
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
        lex.advance(); // past '}'
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
