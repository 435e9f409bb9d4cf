#include "engine/contract/period.h"

#include "engine/contract/lexer.h"

namespace vouch::engine {

using namespace lex;

QString toString(Cadence cadence)
{
    switch (cadence) {
    case Cadence::Day:
        return QStringLiteral("day");
    case Cadence::Week:
        return QStringLiteral("week");
    case Cadence::Month:
        return QStringLiteral("month");
    case Cadence::Quarter:
        return QStringLiteral("quarter");
    }
    return {};
}

std::optional<Cadence> cadenceFromString(QStringView text)
{
    for (Cadence c : {Cadence::Day, Cadence::Week, Cadence::Month, Cadence::Quarter}) {
        if (text.compare(toString(c), Qt::CaseInsensitive) == 0)
            return c;
    }
    return std::nullopt;
}

QString periodKeyExample(Cadence cadence)
{
    switch (cadence) {
    case Cadence::Day:
        return QStringLiteral("a date such as 2026-12-02");
    case Cadence::Week:
        return QStringLiteral("an ISO week such as 2026-W48");
    case Cadence::Month:
        return QStringLiteral("a month such as 2026-11");
    case Cadence::Quarter:
        return QStringLiteral("a quarter such as 2026-Q4");
    }
    return {};
}

QString Period::key() const
{
    switch (cadence) {
    case Cadence::Day:
        return start.toString(Qt::ISODate);
    case Cadence::Week: {
        int year = 0;
        const int week = start.weekNumber(&year);
        return QStringLiteral("%1-W%2")
            .arg(year, 4, 10, QLatin1Char('0'))
            .arg(week, 2, 10, QLatin1Char('0'));
    }
    case Cadence::Month:
        return QStringLiteral("%1-%2")
            .arg(start.year(), 4, 10, QLatin1Char('0'))
            .arg(start.month(), 2, 10, QLatin1Char('0'));
    case Cadence::Quarter:
        return QStringLiteral("%1-Q%2")
            .arg(start.year(), 4, 10, QLatin1Char('0'))
            .arg((start.month() - 1) / 3 + 1);
    }
    return {};
}

Period Period::containing(QDate date, Cadence cadence)
{
    Period p;
    p.cadence = cadence;
    if (!date.isValid())
        return p;
    switch (cadence) {
    case Cadence::Day:
        p.start = date;
        p.end = date.addDays(1);
        break;
    case Cadence::Week:
        p.start = date.addDays(1 - date.dayOfWeek());
        p.end = p.start.addDays(7);
        break;
    case Cadence::Month:
        p.start = QDate(date.year(), date.month(), 1);
        p.end = p.start.addMonths(1);
        break;
    case Cadence::Quarter:
        p.start = QDate(date.year(), (date.month() - 1) / 3 * 3 + 1, 1);
        p.end = p.start.addMonths(3);
        break;
    }
    return p;
}

std::optional<Period> Period::parse(QStringView key, ParseError *error)
{
    const QString shapes = QStringLiteral("a period is a date (2026-12-02), an ISO week "
                                          "(2026-W48), a month (2026-11) or a quarter (2026-Q4)");
    Lexer lex(key);
    lex.trim();
    const qsizetype yearAt = lex.pos();
    const QStringView year = lex.takeDigits();
    if (year.size() != 4)
        return fail(error, yearAt, QStringLiteral("expected a four-digit year; ") + shapes);
    if (!lex.expect(u'-'))
        return fail(error, lex.pos(), QStringLiteral("expected '-' after the year; ") + shapes);
    const int y = year.toInt();
    const qsizetype partAt = lex.pos();
    auto finished = [&]() { return lex.atEnd(); };
    auto trailing = [&]() {
        return fail(error, lex.pos(),
                    QStringLiteral("unexpected '%1' after the period; ").arg(lex.rest()) + shapes);
    };

    if (lex.peek() == u'W' || lex.peek() == u'w') {
        lex.advance();
        const QStringView week = lex.takeDigits();
        if (week.size() != 2)
            return fail(
                error, partAt + 1,
                QStringLiteral("expected a two-digit week number after 'W', e.g. 2026-W08"));
        if (!finished())
            return trailing();
        const int w = week.toInt();
        // Week 1 holds 4 January; the year's last week holds 28 December.
        const int weeks = QDate(y, 12, 28).weekNumber();
        if (w < 1 || w > weeks)
            return fail(error, partAt + 1,
                        QStringLiteral("%1 has ISO weeks 01 to %2; there is no week %3")
                            .arg(y)
                            .arg(weeks)
                            .arg(week));
        const QDate jan4(y, 1, 4);
        const QDate monday = jan4.addDays(1 - jan4.dayOfWeek()).addDays(7 * (w - 1));
        return containing(monday, Cadence::Week);
    }
    if (lex.peek() == u'Q' || lex.peek() == u'q') {
        lex.advance();
        const QStringView quarter = lex.takeDigits();
        if (quarter.size() != 1 || quarter.toInt() < 1 || quarter.toInt() > 4)
            return fail(error, partAt + 1, QStringLiteral("a quarter is Q1, Q2, Q3 or Q4"));
        if (!finished())
            return trailing();
        return containing(QDate(y, (quarter.toInt() - 1) * 3 + 1, 1), Cadence::Quarter);
    }
    const QStringView month = lex.takeDigits();
    if (month.size() != 2)
        return fail(error, partAt, QStringLiteral("expected a two-digit month; ") + shapes);
    const int m = month.toInt();
    if (m < 1 || m > 12)
        return fail(error, partAt, QStringLiteral("month %1 out of range 01-12").arg(month));
    if (finished())
        return containing(QDate(y, m, 1), Cadence::Month);
    if (!lex.expect(u'-'))
        return trailing();
    const qsizetype dayAt = lex.pos();
    const QStringView day = lex.takeDigits();
    if (day.size() != 2)
        return fail(error, dayAt, QStringLiteral("expected a two-digit day, e.g. 2026-12-02"));
    if (!finished())
        return trailing();
    const QDate date(y, m, day.toInt());
    if (!date.isValid())
        return fail(error, dayAt,
                    QStringLiteral("%1 has no day %2")
                        .arg(QDate(y, m, 1).toString(QStringLiteral("MMMM yyyy")), day));
    return containing(date, Cadence::Day);
}

} // namespace vouch::engine
