#include "engine/contract/threshold.h"

#include <cmath>
#include <limits>

namespace vouch::engine {

namespace {

bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

bool isWordChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_' || isAsciiDigit(c);
}

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
        : m_text(text)
        , m_error(error)
    {
        m_end = text.size();
        while (m_pos < m_end && text[m_pos].isSpace())
            ++m_pos;
        while (m_end > m_pos && text[m_end - 1].isSpace())
            --m_end;
    }

    std::optional<Threshold> parse()
    {
        Threshold threshold;
        threshold.text = m_text.sliced(m_pos, m_end - m_pos).toString();
        if (m_pos == m_end) {
            return fail(m_pos, QStringLiteral("empty threshold; write e.g. '> 0', "
                                              "'between 1 and 3' or 'abs_diff > 0.5%'"));
        }

        QStringView word = peekWord();
        if (word == u"abs_diff" || word == u"diff") {
            threshold.measure =
                word == u"diff" ? Threshold::Measure::Diff : Threshold::Measure::AbsDiff;
            m_pos += word.size();
            skipSpaces();
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
            return fail(m_pos, QStringLiteral("unknown word '%1'; ").arg(word) +
                                   expectedComparison() + hint);
        }

        const qsizetype opStart = m_pos;
        const std::optional<Threshold::Op> op = parseOperator();
        if (!op)
            return fail(opStart, expectedComparison());
        threshold.op = *op;
        const QStringView opText = m_text.sliced(opStart, m_pos - opStart);
        skipSpaces();

        const qsizetype numberStart = m_pos;
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
        if (m_error)
            *m_error = ParseError{int(offset), message};
        return std::nullopt;
    }

    void skipSpaces()
    {
        while (m_pos < m_end && m_text[m_pos].isSpace())
            ++m_pos;
    }

    QStringView peekWord() const
    {
        qsizetype end = m_pos;
        while (end < m_end && isWordChar(m_text[end]))
            ++end;
        return m_text.sliced(m_pos, end - m_pos);
    }

    std::optional<Threshold::Op> parseOperator()
    {
        const auto next = [this](qsizetype i) {
            return m_pos + i < m_end ? m_text[m_pos + i] : QChar();
        };
        const QChar c = next(0);
        const bool equals = next(1) == u'=';
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
        m_pos += (equals || c == u'!') ? 2 : 1;
        return op;
    }

    // [+-]? digits [. digits] [e [+-] digits], or a leading-dot decimal (.5)
    // `where` and `example` complete "expected a number <where>, e.g. '<example>'".
    std::optional<double> parseNumber(const QString &where, const QString &example)
    {
        const qsizetype start = m_pos;
        qsizetype pos = m_pos;
        if (pos < m_end && (m_text[pos] == u'-' || m_text[pos] == u'+'))
            ++pos;
        qsizetype digits = 0;
        while (pos < m_end && isAsciiDigit(m_text[pos])) {
            ++pos;
            ++digits;
        }
        if (pos < m_end && m_text[pos] == u'.') {
            ++pos;
            while (pos < m_end && isAsciiDigit(m_text[pos])) {
                ++pos;
                ++digits;
            }
        }
        if (digits == 0) {
            if (start == m_end) {
                return fail(start,
                            QStringLiteral("expected a number %1, e.g. '%2'").arg(where, example));
            }
            return fail(
                start,
                QStringLiteral("expected a number %1, found '%2'").arg(where, peekToken(start)));
        }
        if (pos < m_end && (m_text[pos] == u'e' || m_text[pos] == u'E')) {
            qsizetype exponent = pos + 1;
            if (exponent < m_end && (m_text[exponent] == u'-' || m_text[exponent] == u'+'))
                ++exponent;
            const qsizetype exponentDigits = exponent;
            while (exponent < m_end && isAsciiDigit(m_text[exponent]))
                ++exponent;
            if (exponent == exponentDigits) {
                return fail(exponentDigits,
                            QStringLiteral("expected digits after the exponent, e.g. 1e6"));
            }
            pos = exponent;
        }
        bool ok = false;
        const double value = m_text.sliced(start, pos - start).toDouble(&ok);
        if (!ok || !std::isfinite(value))
            return fail(start, QStringLiteral("number '%1' is out of range")
                                   .arg(m_text.sliced(start, pos - start)));
        m_pos = pos;
        return value;
    }

    QStringView peekToken(qsizetype start) const
    {
        qsizetype end = start;
        while (end < m_end && !m_text[end].isSpace())
            ++end;
        return m_text.sliced(start, end - start);
    }

    // Reads an optional `%` after a number and checks it agrees with the measure.
    bool parsePercent(Threshold &threshold)
    {
        if (m_pos < m_end && m_text[m_pos] == u'%') {
            if (threshold.measure == Threshold::Measure::Value) {
                fail(m_pos, QStringLiteral("a percent threshold needs abs_diff or diff, "
                                           "e.g. 'abs_diff > 5%'"));
                return false;
            }
            threshold.percent = true;
            ++m_pos;
        }
        return true;
    }

    bool expectEnd()
    {
        skipSpaces();
        if (m_pos == m_end)
            return true;
        fail(m_pos, QStringLiteral("unexpected '%1' after the threshold")
                        .arg(m_text.sliced(m_pos, m_end - m_pos)));
        return false;
    }

    std::optional<Threshold> parseBetween(Threshold &threshold, bool negated)
    {
        if (negated) {
            m_pos += 3;
            skipSpaces();
            if (peekWord() != u"between")
                return fail(m_pos, QStringLiteral("expected 'between' after 'not'"));
        }
        m_pos += 7; // "between"
        threshold.op = negated ? Threshold::Op::NotBetween : Threshold::Op::Between;
        skipSpaces();

        const qsizetype lowStart = m_pos;
        const QString example = QStringLiteral("between 1 and 3");
        const std::optional<double> low = parseNumber(QStringLiteral("after 'between'"), example);
        if (!low)
            return std::nullopt;
        const qsizetype lowPercentAt = m_pos;
        if (!parsePercent(threshold))
            return std::nullopt;
        const bool lowPercent = threshold.percent;

        skipSpaces();
        if (peekWord() != u"and") {
            if (m_pos == m_end)
                return fail(m_pos, QStringLiteral("expected 'and' and an upper bound, e.g. "
                                                  "'between 1 and 3'"));
            return fail(m_pos, QStringLiteral("expected 'and' between the bounds, e.g. "
                                              "'between 1 and 3'"));
        }
        m_pos += 3;
        skipSpaces();

        const std::optional<double> high = parseNumber(QStringLiteral("after 'and'"), example);
        if (!high)
            return std::nullopt;
        threshold.percent = false;
        const qsizetype highPercentAt = m_pos;
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

    QStringView m_text;
    ParseError *m_error;
    qsizetype m_pos = 0;
    qsizetype m_end = 0;
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
