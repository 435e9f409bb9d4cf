#pragma once

#include "engine/contract/parseerror.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace vouch::engine {

class Graph;

// The node selection syntax known from dbt, e.g. `+mart_revenue`,
// `tag:finance,kind:check section:revenue+`.
//
// A term is an atom with optional graph operators:
//   atom:      `node_id`          that node
//              `tag:finance`      nodes with the tag
//              `kind:check`       nodes of a kind (command, sql, freshness, check,
//                                 publish, noop)
//              `group:staging`    nodes in a group
//              `section:revenue`  what a section rests on: what it needs, all their
//                                 ancestors and the checks attached to them
//                                 (Graph::sectionRestsOn)
//              `exposure:weekly`  the same (a dbt exposure becomes a section)
//              `*`                every node
//   operators: `+atom`  with all ancestors;     `2+atom`  ancestors up to 2 edges away
//              `atom+`  with all descendants;   `atom+1`  descendants up to 1 edge away
//              `+atom+` both;  `@atom` the atom, its descendants and all their ancestors
// Terms joined by `,` intersect; groups separated by whitespace unite. Comma
// binds tighter: `a,b c` is (a ∩ b) ∪ c. Whitespace around commas is allowed.
//
// Parsing checks everything that does not depend on a graph (syntax, method
// names, kind names, depths); evaluation checks names against a graph (node
// ids, tags, groups, sections) and suggests the closest name for a typo.
// Error messages name the 1-based column ("… at column 3"); ParseError::offset
// is the same place as a 0-based offset into the expression.
//
// A Selector is a small immutable value; evaluate() is const and thread-safe.
class Selector
{
public:
    static std::optional<Selector> parse(QStringView expression, ParseError *error = nullptr);

    // The selected node indices in the graph's topological order (nodes on a
    // cycle last, in file order; see Graph::sortedTopologically()), without
    // duplicates. An empty selection is not an error.
    std::optional<QList<int>> evaluate(const Graph &graph, ParseError *error = nullptr) const;

    // parse() then evaluate(), for callers with an expression in hand.
    static std::optional<QList<int>> select(const Graph &graph, QStringView expression,
                                            ParseError *error = nullptr);

    const QString &expression() const { return m_expression; }

    // The method names accepted before ':'.
    static QStringList methodNames();

private:
    struct Term
    {
        enum class Method
        {
            Node,
            Tag,
            Kind,
            Group,
            Section,
            All
        };
        Method method = Method::Node;
        QString value;
        int valueOffset = 0; // where `value` starts in the expression
        bool at = false;     // `@atom`
        bool ancestors = false;
        int ancestorDepth = -1; // -1: unlimited
        bool descendants = false;
        int descendantDepth = -1;
    };
    using Intersection = QList<Term>;

    static bool evaluateTerm(const Graph &graph, const Term &term, QList<int> *nodes,
                             ParseError *error);

    friend class SelectorParser;

    QString m_expression;
    QList<Intersection> m_union;
};

} // namespace vouch::engine
