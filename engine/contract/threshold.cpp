#include "engine/contract/threshold.h"

#include "engine/contract/lexer.h"

#include <cmath>
#include <limits>

namespace vouch::engine {

namespace {

using namespace lex;

const QString &expectedComparison()
{
    static const QString message =
        QStringLiteral("expected a comparison (>, >=, <, <=, ==, !=), 'between A and B' or "
                       "'abs_diff > N%'");
    return message;
}

class Parser
{
public:
    Parser(QStringView text, ParseError *error)
        : m_lex(text)
        , m_error(error)
    {
        m_lex.trim();
    }

    std::optional<Threshold> parse()
    {
        Threshold threshold;
        threshold.text = m_lex.rest().toString();
        if (m_lex.atEnd()) {
            return fail(m_lex.pos(), QStringLiteral("empty threshold; write e.g. '> 0', "
                                                    "'between 1 and 3' or 'abs_diff > 0.5%'"));
        }

        QStringView word = peekWord();
        if (word == u"abs_diff" || word == u"diff") {
            threshold.measure =
                word == u"diff" ? Threshold::Measure::Diff : Threshold::Measure::AbsDiff;
            m_lex.advance(word.size());
            m_lex.skipSpaces();
            word = peekWord();
        }
        if (word == u"between" || word == u"not") {
            return parseBetween(threshold, word == u"not");
        }
        if (!word.isEmpty() && !isAsciiDigit(word[0])) {
            const QString hint = (word == u"abs" || word == u"absdiff" || word == u"abs_dif" ||
                                  word == u"dif" || word == u"delta")
                                     ? QStringLiteral("; did you mean abs_diff or diff?")
                                     : QString();
            return fail(m_lex.pos(), QStringLiteral("unknown word '%1'; ").arg(word) +
                                         expectedComparison() + hint);
        }

        const qsizetype opStart = m_lex.pos();
        const std::optional<Threshold::Op> op = parseOperator();
        if (!op)
            return fail(opStart, expectedComparison());
        threshold.op = *op;
        const QStringView opText = m_lex.slice(opStart, m_lex.pos());
        m_lex.skipSpaces();

        const qsizetype numberStart = m_lex.pos();
        const std::optional<double> number = parseNumber(QStringLiteral("after '%1'").arg(opText),
                                                         QStringLiteral("%1 0").arg(opText));
        if (!number)
            return std::nullopt;
        threshold.low = threshold.high = *number;
        if (!parsePercent(threshold))
            return std::nullopt;
        if (threshold.measure == Threshold::Measure::AbsDiff && *number < 0) {
            return fail(numberStart, QStringLiteral("abs_diff is never negative; compare it "
                                                    "with zero or a positive number"));
        }
        if (!expectEnd())
            return std::nullopt;
        return threshold;
    }

private:
    std::nullopt_t fail(qsizetype offset, const QString &message)
    {
        return lex::fail(m_error, offset, message);
    }

    QStringView peekWord() const { return m_lex.peekWhile(isWordChar); }

    std::optional<Threshold::Op> parseOperator()
    {
        const QChar c = m_lex.peek();
        const bool equals = m_lex.peek(1) == u'=';
        using Op = Threshold::Op;
        std::optional<Op> op;
        if (c == u'>')
            op = equals ? Op::Ge : Op::Gt;
        else if (c == u'<')
            op = equals ? Op::Le : Op::Lt;
        else if (c == u'=')
            op = Op::Eq; // `=` and `==` both mean equality
        else if (c == u'!' && equals)
            op = Op::Ne;
        if (!op)
            return std::nullopt;
        m_lex.advance((equals || c == u'!') ? 2 : 1);
        return op;
    }

    // [+-]? digits [. digits] [e [+-] digits], or a leading-dot decimal (.5)
    // `where` and `example` complete "expected a number <where>, e.g. '<example>'".
    std::optional<double> parseNumber(const QString &where, const QString &example)
    {
        Lexer scan = m_lex; // moves on only when the number is good
        const qsizetype start = scan.pos();
        if (scan.at(u'-') || scan.at(u'+'))
            scan.advance();
        qsizetype digits = scan.takeDigits().size();
        if (scan.expect(u'.'))
            digits += scan.takeDigits().size();
        if (digits == 0) {
            if (start == scan.end()) {
                return fail(start,
                            QStringLiteral("expected a number %1, e.g. '%2'").arg(where, example));
            }
            return fail(
                start,
                QStringLiteral("expected a number %1, found '%2'").arg(where, peekToken(start)));
        }
        if (scan.at(u'e') || scan.at(u'E')) {
            Lexer exponent = scan;
            exponent.advance();
            if (exponent.at(u'-') || exponent.at(u'+'))
                exponent.advance();
            const qsizetype exponentDigits = exponent.pos();
            if (exponent.takeDigits().isEmpty()) {
                return fail(exponentDigits,
                            QStringLiteral("expected digits after the exponent, e.g. 1e6"));
            }
            scan = exponent;
        }
        bool ok = false;
        const QStringView number = scan.slice(start, scan.pos());
        const double value = number.toDouble(&ok);
        if (!ok || !std::isfinite(value))
            return fail(start, QStringLiteral("number '%1' is out of range").arg(number));
        m_lex = scan;
        return value;
    }

    QStringView peekToken(qsizetype start) const
    {
        Lexer token = m_lex;
        token.setPos(start);
        return token.peekWhile(isNotSpace);
    }

    // Reads an optional `%` after a number and checks it agrees with the measure.
    bool parsePercent(Threshold &threshold)
    {
        if (m_lex.at(u'%')) {
            if (threshold.measure == Threshold::Measure::Value) {
                fail(m_lex.pos(), QStringLiteral("a percent threshold needs abs_diff or diff, "
                                                 "e.g. 'abs_diff > 5%'"));
                return false;
            }
            threshold.percent = true;
            m_lex.advance();
        }
        return true;
    }

    bool expectEnd()
    {
        m_lex.skipSpaces();
        if (m_lex.atEnd())
            return true;
        fail(m_lex.pos(), QStringLiteral("unexpected '%1' after the threshold").arg(m_lex.rest()));
        return false;
    }

    std::optional<Threshold> parseBetween(Threshold &threshold, bool negated)
    {
        if (negated) {
            m_lex.advance(3);
            m_lex.skipSpaces();
            if (peekWord() != u"between")
                return fail(m_lex.pos(), QStringLiteral("expected 'between' after 'not'"));
        }
        m_lex.advance(7); // "between"
        threshold.op = negated ? Threshold::Op::NotBetween : Threshold::Op::Between;
        m_lex.skipSpaces();

        const qsizetype lowStart = m_lex.pos();
        const QString example = QStringLiteral("between 1 and 3");
        const std::optional<double> low = parseNumber(QStringLiteral("after 'between'"), example);
        if (!low)
            return std::nullopt;
        const qsizetype lowPercentAt = m_lex.pos();
        if (!parsePercent(threshold))
            return std::nullopt;
        const bool lowPercent = threshold.percent;

        m_lex.skipSpaces();
        if (peekWord() != u"and") {
            if (m_lex.atEnd())
                return fail(m_lex.pos(), QStringLiteral("expected 'and' and an upper bound, e.g. "
                                                        "'between 1 and 3'"));
            return fail(m_lex.pos(), QStringLiteral("expected 'and' between the bounds, e.g. "
                                                    "'between 1 and 3'"));
        }
        m_lex.advance(3);
        m_lex.skipSpaces();

        const std::optional<double> high = parseNumber(QStringLiteral("after 'and'"), example);
        if (!high)
            return std::nullopt;
        threshold.percent = false;
        const qsizetype highPercentAt = m_lex.pos();
        if (!parsePercent(threshold))
            return std::nullopt;
        if (threshold.percent != lowPercent) {
            return fail(lowPercent ? highPercentAt : lowPercentAt,
                        QStringLiteral("write '%' on both bounds or on neither"));
        }
        if (*low > *high) {
            return fail(lowStart,
                        QStringLiteral("'between' needs a lower bound not above the upper bound"));
        }
        if (threshold.measure == Threshold::Measure::AbsDiff && *low < 0) {
            return fail(lowStart, QStringLiteral("abs_diff is never negative; compare it "
                                                 "with zero or a positive number"));
        }
        threshold.low = *low;
        threshold.high = *high;
        if (!expectEnd())
            return std::nullopt;
        return threshold;
    }

    Lexer m_lex;
    ParseError *m_error;
};

} // namespace

std::optional<Threshold> Threshold::parse(QStringView text, ParseError *error)
{
    return Parser(text, error).parse();
}

std::optional<double> Threshold::measured(double value, std::optional<double> reference) const
{
    if (std::isnan(value))
        return std::nullopt;
    if (measure == Measure::Value)
        return value;
    if (!reference || std::isnan(*reference))
        return std::nullopt;

    double diff = value - *reference;
    if (percent) {
        if (*reference == 0) {
            // Any change from nothing is an infinitely large relative change.
            const double infinity = std::numeric_limits<double>::infinity();
            diff = diff == 0 ? 0.0 : (diff > 0 ? infinity : -infinity);
        } else {
            diff = diff / std::abs(*reference) * 100.0;
        }
    }
    return measure == Measure::AbsDiff ? std::abs(diff) : diff;
}

bool Threshold::matches(double value, std::optional<double> reference) const
{
    const std::optional<double> m = measured(value, reference);
    if (!m)
        return false;
    switch (op) {
    case Op::Gt:
        return *m > low;
    case Op::Ge:
        return *m >= low;
    case Op::Lt:
        return *m < low;
    case Op::Le:
        return *m <= low;
    case Op::Eq:
        return *m == low;
    case Op::Ne:
        return *m != low;
    case Op::Between:
        return *m >= low && *m <= high;
    case Op::NotBetween:
        return *m < low || *m > high;
    }
    Q_UNREACHABLE();
    return false;
}

} // namespace vouch::engine
