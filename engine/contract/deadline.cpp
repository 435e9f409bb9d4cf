#include "engine/contract/deadline.h"

#include "engine/contract/lexer.h"

namespace vouch::engine {

using namespace lex;

namespace {

const QString kForms = QStringLiteral(
    "write a weekly time (MON 12:00), a time on the first business day after the period (08:00), "
    "a business day (BD3 17:00), calendar days (+2d 12:00) or LAST-BD 12:00");

// HH:MM at the lexer; the whole rest must be the time.
std::optional<int> takeTime(Lexer &lex, ParseError *error, const QString &what)
{
    lex.skipSpaces();
    const qsizetype hourAt = lex.pos();
    const QStringView hour = lex.takeDigits();
    if (hour.isEmpty() || hour.size() > 2 || !lex.expect(u':'))
        return fail(error, hourAt, QStringLiteral("expected a time HH:MM %1").arg(what));
    const qsizetype minuteAt = lex.pos();
    const QStringView minute = lex.takeDigits();
    if (minute.size() != 2)
        return fail(error, minuteAt,
                    QStringLiteral("expected two-digit minutes after ':', e.g. 12:05"));
    if (hour.toInt() > 23)
        return fail(error, hourAt, QStringLiteral("hour %1 out of range 00-23").arg(hour));
    if (minute.toInt() > 59)
        return fail(error, minuteAt, QStringLiteral("minute %1 out of range 00-59").arg(minute));
    lex.skipSpaces();
    if (!lex.atEnd())
        return fail(error, lex.pos(),
                    QStringLiteral("unexpected '%1' after the time; ").arg(lex.rest()) + kForms);
    return hour.toInt() * 60 + minute.toInt();
}

QString hhmm(int minuteOfDay)
{
    return QStringLiteral("%1:%2")
        .arg(minuteOfDay / 60, 2, 10, QLatin1Char('0'))
        .arg(minuteOfDay % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

std::optional<DeadlineRule> DeadlineRule::parse(QStringView text, ParseError *error)
{
    Lexer lex(text);
    lex.trim();
    if (lex.atEnd())
        return fail(error, lex.pos(), QStringLiteral("empty deadline; ") + kForms);
    DeadlineRule rule;
    const qsizetype start = lex.pos();

    if (isAsciiDigit(lex.peek())) { // 08:00
        rule.kind = Kind::TimeOfDay;
        const auto time = takeTime(lex, error, QStringLiteral("such as 08:00"));
        if (!time)
            return std::nullopt;
        rule.minuteOfDay = *time;
        return rule;
    }
    if (lex.expect(u'+')) { // +2d 12:00
        const qsizetype countAt = lex.pos();
        const QStringView days = lex.takeDigits();
        if (days.isEmpty() || days.size() > 3)
            return fail(error, countAt,
                        QStringLiteral("expected a number of days after '+', e.g. +2d 12:00"));
        if (!lex.expect(u'd') && !lex.expect(u'D'))
            return fail(error, lex.pos(),
                        QStringLiteral("expected 'd' after the number of days; did you mean "
                                       "'+%1d'? (e.g. +2d 12:00)")
                            .arg(days));
        if (!isSpace(lex.peek()))
            return fail(error, lex.pos(),
                        QStringLiteral("expected a space and a time after '+%1d', e.g. +%1d 12:00")
                            .arg(days));
        rule.kind = Kind::CalendarDays;
        rule.count = days.toInt();
        const auto time = takeTime(lex, error, QStringLiteral("after the days, e.g. +2d 12:00"));
        if (!time)
            return std::nullopt;
        rule.minuteOfDay = *time;
        return rule;
    }

    const QStringView word = lex.takeWhile([](QChar c) { return isAsciiLetter(c) || c == u'-'; });
    const QString upper = word.toString().toUpper();
    if (upper == QLatin1String("LAST-BD")) {
        rule.kind = Kind::LastBusinessDay;
        const auto time = takeTime(lex, error, QStringLiteral("after LAST-BD, e.g. LAST-BD 12:00"));
        if (!time)
            return std::nullopt;
        rule.minuteOfDay = *time;
        return rule;
    }
    if (upper == QLatin1String("LAST") || upper == QLatin1String("LASTBD") ||
        upper == QLatin1String("LAST-")) {
        return fail(error, start,
                    QStringLiteral("did you mean 'LAST-BD HH:MM' (the last business "
                                   "day of the next period)?"));
    }
    if (upper == QLatin1String("BD")) {
        const QStringView digits = lex.takeDigits();
        if (digits.isEmpty()) {
            lex.skipSpaces();
            const QStringView spaced = lex.peekWhile(isAsciiDigit);
            return fail(error, start,
                        spaced.isEmpty()
                            ? QStringLiteral("expected which business day after 'BD', e.g. "
                                             "BD3 17:00")
                            : QStringLiteral("did you mean 'BD%1' (no space between BD and the "
                                             "number)?")
                                  .arg(spaced));
        }
        const int n = digits.toInt();
        if (n < 1 || n > 60)
            return fail(error, start + 2,
                        QStringLiteral("business day %1 out of range; BD1 is the first business "
                                       "day after the period, up to BD60")
                            .arg(digits));
        if (!isSpace(lex.peek()))
            return fail(
                error, lex.pos(),
                QStringLiteral("expected a space and a time after 'BD%1', e.g. BD%1 17:00").arg(n));
        rule.kind = Kind::BusinessDay;
        rule.count = n;
        const auto time = takeTime(lex, error, QStringLiteral("after the business day"));
        if (!time)
            return std::nullopt;
        rule.minuteOfDay = *time;
        return rule;
    }
    // MON 12:00: the weekly form keeps its own messages.
    lex.setPos(start);
    ParseError weeklyError;
    if (const auto weekly = WeeklyTime::parse(text, &weeklyError))
        return DeadlineRule::weekly(*weekly);
    if (upper.startsWith(QLatin1String("BD")))
        return fail(error, start, QStringLiteral("did you mean 'BD%1 HH:MM'?").arg(upper.mid(2)));
    if (error) {
        *error = weeklyError;
        if (weeklyError.message.startsWith(QLatin1String("unknown day")))
            error->message += QStringLiteral("; or ") + kForms;
    }
    return std::nullopt;
}

QString DeadlineRule::toString() const
{
    switch (kind) {
    case Kind::Weekly:
        return WeeklyTime{dayOfWeek, minuteOfDay}.toString();
    case Kind::TimeOfDay:
        return hhmm(minuteOfDay);
    case Kind::BusinessDay:
        return QStringLiteral("BD%1 %2").arg(count).arg(hhmm(minuteOfDay));
    case Kind::CalendarDays:
        return QStringLiteral("+%1d %2").arg(count).arg(hhmm(minuteOfDay));
    case Kind::LastBusinessDay:
        return QStringLiteral("LAST-BD ") + hhmm(minuteOfDay);
    }
    return {};
}

QDate DeadlineRule::nominalDate(const Period &period, const BusinessCalendar &calendar) const
{
    const QDate last = period.lastDay();
    switch (kind) {
    case Kind::Weekly: {
        // The first such weekday after the period's last day.
        const int ahead = (dayOfWeek - period.end.dayOfWeek() + 7) % 7;
        return period.end.addDays(ahead);
    }
    case Kind::TimeOfDay:
        return calendar.businessDayOnOrAfter(period.end);
    case Kind::BusinessDay:
        return calendar.nthBusinessDayAfter(last, count);
    case Kind::CalendarDays:
        return last.addDays(count);
    case Kind::LastBusinessDay: {
        const Period next = period.next();
        return calendar.lastBusinessDayIn(next.start, next.end);
    }
    }
    return {};
}

QDateTime DeadlineRule::dueFor(const Period &period, const BusinessCalendar &calendar,
                               const QTimeZone &zone) const
{
    const QDate nominal = nominalDate(period, calendar);
    // A weekday the contract names stays, unless it is a holiday; the other
    // forms land on business days.
    const bool stays = kind == Kind::Weekly && !calendar.holidays().contains(nominal);
    const QDate date = stays ? nominal : calendar.businessDayOnOrAfter(nominal);
    if (!date.isValid())
        return {};
    return resolveWallClock(date, minuteOfDay, zone);
}

} // namespace vouch::engine
