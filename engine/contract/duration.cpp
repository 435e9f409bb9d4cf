#include "engine/contract/duration.h"

#include "engine/contract/lexer.h"

#include <array>

namespace vouch::engine {

namespace {

using namespace lex;

struct Unit
{
    QChar letter;
    qint64 seconds;
};

// Largest first: a compound must use them in this order, each at most once.
constexpr std::array<Unit, 5> kUnits{{
    {u'w', 7 * 24 * 3600},
    {u'd', 24 * 3600},
    {u'h', 3600},
    {u'm', 60},
    {u's', 1},
}};

// Nothing in a reporting contract waits a century; anything longer is a typo.
constexpr qint64 kMaxSeconds = qint64(100) * 365 * 24 * 3600;

int unitIndex(QStringView unit)
{
    if (unit.size() != 1)
        return -1;
    for (int i = 0; i < int(kUnits.size()); ++i) {
        if (kUnits[i].letter == unit[0])
            return i;
    }
    return -1;
}

const QString kExamples = QStringLiteral("write e.g. 30s, 10m, 6h or 2d");

} // namespace

std::optional<Duration> parseDuration(QStringView text, ParseError *error)
{
    Lexer lex(text);
    lex.trim();
    if (lex.atEnd())
        return fail(error, lex.pos(), QStringLiteral("empty duration; ") + kExamples);

    qint64 total = 0;
    int previousUnit = -1;
    QChar previousLetter;
    while (!lex.atEnd()) {
        const QChar c = lex.peek();
        if (c == u'-')
            return fail(error, lex.pos(), QStringLiteral("a duration cannot be negative"));
        if (!isAsciiDigit(c)) {
            return fail(error, lex.pos(),
                        QStringLiteral("expected a number at '%1'; ").arg(c) + kExamples);
        }

        const qsizetype numberStart = lex.pos();
        qint64 number = 0;
        while (isAsciiDigit(lex.peek())) {
            number = number * 10 + lex.peek().unicode() - u'0';
            if (number > kMaxSeconds) // cap early so the accumulator cannot overflow
                return fail(error, numberStart,
                            QStringLiteral("duration too long; the maximum is 100 years"));
            lex.advance();
        }

        if (lex.at(u'.') || lex.at(u',')) {
            return fail(error, lex.pos(),
                        QStringLiteral("a duration needs whole numbers; combine units instead, "
                                       "e.g. 1h30m rather than 1.5h"));
        }
        if (!isAsciiLetter(lex.peek()))
            return fail(error, lex.pos(), QStringLiteral("missing unit; ") + kExamples);

        const qsizetype unitStart = lex.pos();
        const QStringView unit = lex.takeLetters();
        const int index = unitIndex(unit);
        if (index < 0) {
            return fail(
                error, unitStart,
                QStringLiteral("unknown duration unit '%1'; use s, m, h, d or w").arg(unit));
        }
        if (index == previousUnit) {
            return fail(error, unitStart,
                        QStringLiteral("unit '%1' appears twice; write each unit once, e.g. 1h30m")
                            .arg(unit));
        }
        if (index < previousUnit) {
            return fail(error, unitStart,
                        QStringLiteral("unit '%1' after '%2'; write units from largest to "
                                       "smallest (w, d, h, m, s), e.g. 1h30m")
                            .arg(unit, previousLetter));
        }
        previousUnit = index;
        previousLetter = kUnits[index].letter;

        const qint64 seconds = kUnits[index].seconds;
        if (number > (kMaxSeconds - total) / seconds)
            return fail(error, numberStart,
                        QStringLiteral("duration too long; the maximum is 100 years"));
        total += number * seconds;

        // Components may be separated by spaces: "1h 30m".
        lex.skipSpaces();
    }
    return Duration{total};
}

QString formatDuration(Duration duration)
{
    const qint64 count = duration.count();
    if (count == 0)
        return QStringLiteral("0s");
    QString result;
    if (count < 0)
        result += u'-';
    // Unsigned so that negating the most negative value is well defined.
    quint64 seconds = count < 0 ? 0 - quint64(count) : quint64(count);
    // Weeks are skipped on purpose: "14d" reads better than "2w" in a deadline.
    for (const Unit &unit : kUnits) {
        if (unit.letter == u'w')
            continue;
        const quint64 amount = seconds / quint64(unit.seconds);
        if (amount > 0) {
            result += QString::number(amount) + unit.letter;
            seconds -= amount * quint64(unit.seconds);
        }
    }
    return result;
}

} // namespace vouch::engine
