#include "engine/graph/selector.h"

#include "engine/contract/contract.h"
#include "engine/graph/graph.h"
#include "engine/util/suggest.h"

#include <vector>

namespace vouch::engine {

namespace {

constexpr const char *kMethods[] = {"tag", "kind", "section", "group"};

// "<what> at column N[; <hint>]": the selector usually comes from a command
// line or a text field, so the message itself says where the problem is.
bool fail(ParseError *error, int offset, const QString &what, const QString &hint = {})
{
    if (error) {
        error->offset = offset;
        error->message = QStringLiteral("%1 at column %2").arg(what).arg(offset + 1);
        if (!hint.isEmpty())
            error->message += QStringLiteral("; ") + hint;
    }
    return false;
}

QString quoted(const QString &text)
{
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

// "did you mean 'x'?", else the known names when there are few, else nothing.
QString suggestion(const QString &word, const QStringList &known, const QString &plural)
{
    const QString match = closestMatch(word, known);
    if (!match.isEmpty())
        return QStringLiteral("did you mean %1?").arg(quoted(match));
    if (known.isEmpty())
        return QStringLiteral("the contract has no %1").arg(plural);
    if (known.size() <= 8)
        return QStringLiteral("known %1: %2").arg(plural, known.join(QStringLiteral(", ")));
    return {};
}

bool isDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

} // namespace

// Recursive descent over a flat grammar:
//   selection    := space* intersection (space+ intersection)* space*
//   intersection := term (space* ',' space* term)*
//   term         := '@'? (digits? '+')? atom ('+' digits?)?
//   atom         := '*' | method ':' value | node_id
class SelectorParser
{
public:
    using Term = Selector::Term;

    SelectorParser(QStringView text, ParseError *error)
        : m_text(text)
        , m_error(error)
    {}

    std::optional<Selector> run()
    {
        Selector selector;
        selector.m_expression = m_text.toString();
        skipSpace();
        if (atEnd()) {
            if (m_error) {
                m_error->offset = 0;
                m_error->message = QStringLiteral(
                    "empty selection; give a node id, a method such as tag:finance, or *");
            }
            return std::nullopt;
        }
        while (!atEnd()) {
            if (peek() == QLatin1Char(',')) {
                fail(m_error, m_pos, QStringLiteral("',' with nothing before it"),
                     QStringLiteral("',' joins selections that must all match, as in "
                                    "tag:finance,kind:check"));
                return std::nullopt;
            }
            Selector::Intersection intersection;
            if (!parseTerm(&intersection))
                return std::nullopt;
            for (;;) {
                skipSpace();
                if (peek() != QLatin1Char(','))
                    break;
                const int comma = m_pos++;
                skipSpace();
                if (atEnd()) {
                    fail(m_error, comma, QStringLiteral("',' with nothing after it"));
                    return std::nullopt;
                }
                if (peek() == QLatin1Char(',')) {
                    fail(m_error, m_pos, QStringLiteral("double comma"),
                         QStringLiteral("put one selection between commas"));
                    return std::nullopt;
                }
                if (!parseTerm(&intersection))
                    return std::nullopt;
            }
            selector.m_union.append(intersection);
        }
        return selector;
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_text.at(m_pos); }
    bool atDelimiter() const { return atEnd() || peek().isSpace() || peek() == QLatin1Char(','); }
    void skipSpace()
    {
        while (!atEnd() && peek().isSpace())
            ++m_pos;
    }

    bool parseDepth(int begin, int end, int *depth)
    {
        bool ok = false;
        const QStringView digits = m_text.mid(begin, end - begin);
        *depth = digits.toInt(&ok);
        if (!ok)
            return fail(m_error, begin, QStringLiteral("depth %1 is too large").arg(digits),
                        QStringLiteral("leave the number out for no limit"));
        if (*depth < 1)
            return fail(m_error, begin, QStringLiteral("depth must be at least 1"),
                        QStringLiteral("leave out the '+' to select only the node itself"));
        return true;
    }

    bool parseTerm(Selector::Intersection *intersection)
    {
        Term term;
        const int start = m_pos;
        if (peek() == QLatin1Char('@')) {
            term.at = true;
            ++m_pos;
        }

        // Leading digits are a depth only when a '+' follows; otherwise they
        // start a node id such as `2024_targets`.
        int digitsEnd = m_pos;
        while (digitsEnd < m_text.size() && isDigit(m_text.at(digitsEnd)))
            ++digitsEnd;
        if (digitsEnd > m_pos && digitsEnd < m_text.size() &&
            m_text.at(digitsEnd) == QLatin1Char('+')) {
            if (!parseDepth(m_pos, digitsEnd, &term.ancestorDepth))
                return false;
            term.ancestors = true;
            m_pos = digitsEnd + 1;
        } else if (peek() == QLatin1Char('+')) {
            term.ancestors = true;
            ++m_pos;
        }
        if (term.at && term.ancestors)
            return fail(m_error, start + 1, QStringLiteral("'@' cannot be combined with '+'"),
                        QStringLiteral("'@x' already selects x, its descendants and all "
                                       "their ancestors"));

        if (atDelimiter()) {
            const QString prefix = m_text.mid(start, m_pos - start).toString();
            return fail(
                m_error, m_pos,
                QStringLiteral("expected a node id or a method after %1").arg(quoted(prefix)));
        }
        if (peek() == QLatin1Char('+'))
            return fail(m_error, m_pos, QStringLiteral("unexpected '+'"));

        const int atomStart = m_pos;
        while (!atDelimiter() && peek() != QLatin1Char('+'))
            ++m_pos;
        const QString atom = m_text.mid(atomStart, m_pos - atomStart).toString();
        if (!parseAtom(atom, atomStart, &term))
            return false;

        if (peek() == QLatin1Char('+')) {
            if (term.at)
                return fail(m_error, m_pos, QStringLiteral("'@' cannot be combined with '+'"),
                            QStringLiteral("'@x' already selects x, its descendants and all "
                                           "their ancestors"));
            term.descendants = true;
            const int digitsStart = ++m_pos;
            while (!atEnd() && isDigit(peek()))
                ++m_pos;
            if (m_pos > digitsStart && !parseDepth(digitsStart, m_pos, &term.descendantDepth))
                return false;
        }
        if (!atDelimiter()) {
            if (peek() == QLatin1Char('+'))
                return fail(m_error, m_pos, QStringLiteral("unexpected '+'"));
            return fail(m_error, m_pos, QStringLiteral("unexpected %1").arg(quoted(peek())),
                        QStringLiteral("separate selections with a space or ','"));
        }
        intersection->append(term);
        return true;
    }

    bool parseAtom(const QString &atom, int atomStart, Term *term)
    {
        if (atom == QLatin1String("*")) {
            term->method = Term::Method::All;
            term->valueOffset = atomStart;
            return true;
        }
        const qsizetype colon = atom.indexOf(QLatin1Char(':'));
        if (colon < 0) {
            term->method = Term::Method::Node;
            term->value = atom;
            term->valueOffset = atomStart;
            return true;
        }
        const QString method = atom.left(colon);
        term->value = atom.mid(colon + 1);
        term->valueOffset = atomStart + int(colon) + 1;
        const QStringList methods = Selector::methodNames();
        if (method.isEmpty())
            return fail(m_error, atomStart, QStringLiteral("missing method before ':'"),
                        QStringLiteral("methods: ") + methods.join(QStringLiteral(", ")));
        if (method == QLatin1String("tag")) {
            term->method = Term::Method::Tag;
        } else if (method == QLatin1String("kind")) {
            term->method = Term::Method::Kind;
        } else if (method == QLatin1String("section") || method == QLatin1String("exposure")) {
            // A dbt exposure is imported as a section of the same name (an alias,
            // not listed in methodNames()).
            term->method = Term::Method::Section;
        } else if (method == QLatin1String("group")) {
            term->method = Term::Method::Group;
        } else {
            return fail(m_error, atomStart, QStringLiteral("unknown method %1").arg(quoted(method)),
                        suggestion(method, methods, QStringLiteral("methods")));
        }
        if (term->value.isEmpty())
            return fail(m_error, term->valueOffset,
                        QStringLiteral("missing value after %1").arg(quoted(method + u':')));
        if (term->method == Term::Method::Kind && !nodeKindFromString(term->value))
            return fail(m_error, term->valueOffset,
                        QStringLiteral("unknown node kind %1").arg(quoted(term->value)),
                        suggestion(term->value, nodeKindNames(), QStringLiteral("kinds")));
        return true;
    }

    QStringView m_text;
    ParseError *m_error;
    int m_pos = 0;
};

std::optional<Selector> Selector::parse(QStringView expression, ParseError *error)
{
    return SelectorParser(expression, error).run();
}

QStringList Selector::methodNames()
{
    QStringList names;
    for (const char *method : kMethods)
        names.append(QLatin1String(method));
    return names;
}

// The nodes one term stands for, before the intersection/union; duplicates
// are harmless (the caller marks a bitmap).
bool Selector::evaluateTerm(const Graph &graph, const Term &term, QList<int> *nodes,
                            ParseError *error)
{
    using M = Term::Method;
    QList<int> atom;
    switch (term.method) {
    case M::Node: {
        const int index = graph.indexOf(term.value);
        if (index < 0)
            return fail(error, term.valueOffset,
                        QStringLiteral("unknown node %1").arg(quoted(term.value)),
                        suggestion(term.value, graph.ids(), QStringLiteral("nodes")));
        atom.append(index);
        break;
    }
    case M::Tag:
        atom = graph.nodesWithTag(term.value);
        if (atom.isEmpty())
            return fail(error, term.valueOffset,
                        QStringLiteral("unknown tag %1").arg(quoted(term.value)),
                        suggestion(term.value, graph.tagNames(), QStringLiteral("tags")));
        break;
    case M::Group:
        atom = graph.nodesInGroup(term.value);
        if (atom.isEmpty())
            return fail(error, term.valueOffset,
                        QStringLiteral("unknown group %1").arg(quoted(term.value)),
                        suggestion(term.value, graph.groupNames(), QStringLiteral("groups")));
        break;
    case M::Kind: {
        const NodeKind kind = *nodeKindFromString(term.value); // checked by parse()
        for (int i = 0; i < graph.size(); ++i) {
            if (graph.kind(i) == kind)
                atom.append(i);
        }
        break;
    }
    case M::Section:
        if (!graph.hasSection(term.value))
            return fail(error, term.valueOffset,
                        QStringLiteral("unknown section %1").arg(quoted(term.value)),
                        suggestion(term.value, graph.sectionIds(), QStringLiteral("sections")));
        atom = graph.sectionRestsOn(term.value);
        break;
    case M::All:
        atom.reserve(graph.size());
        for (int i = 0; i < graph.size(); ++i)
            atom.append(i);
        break;
    }

    if (term.at) {
        *nodes = graph.upstream(graph.downstream(atom));
        return true;
    }
    *nodes = atom;
    if (term.ancestors)
        *nodes += graph.upstream(atom, term.ancestorDepth);
    if (term.descendants)
        *nodes += graph.downstream(atom, term.descendantDepth);
    return true;
}

std::optional<QList<int>> Selector::evaluate(const Graph &graph, ParseError *error) const
{
    const int n = graph.size();
    std::vector<char> selected(n, 0);
    std::vector<char> intersection(n, 0);
    std::vector<char> term(n, 0);
    QList<int> nodes;
    for (const Intersection &terms : m_union) {
        // Every term is evaluated, even once the intersection is empty, so a
        // typo is always reported.
        for (qsizetype t = 0; t < terms.size(); ++t) {
            if (!evaluateTerm(graph, terms.at(t), &nodes, error))
                return std::nullopt;
            std::vector<char> &target = t == 0 ? intersection : term;
            std::fill(target.begin(), target.end(), 0);
            for (int node : std::as_const(nodes))
                target[node] = 1;
            if (t > 0) {
                for (int i = 0; i < n; ++i)
                    intersection[i] &= term[i];
            }
        }
        for (int i = 0; i < n; ++i)
            selected[i] |= intersection[i];
    }
    QList<int> result;
    for (int i = 0; i < n; ++i) {
        if (selected[i])
            result.append(i);
    }
    return graph.sortedTopologically(std::move(result));
}

std::optional<QList<int>> Selector::select(const Graph &graph, QStringView expression,
                                           ParseError *error)
{
    const std::optional<Selector> selector = parse(expression, error);
    if (!selector)
        return std::nullopt;
    return selector->evaluate(graph, error);
}

} // namespace vouch::engine
