#include "engine/contract/weeklytime.h"

#include "engine/contract/lexer.h"

#include <QTime>

#include <algorithm>
#include <array>

namespace vouch::engine {

namespace {

using namespace lex;

constexpr std::array<const char16_t *, 7> kDayNames{u"MON", u"TUE", u"WED", u"THU",
                                                    u"FRI", u"SAT", u"SUN"};

int offsetAt(const QTimeZone &zone, qint64 secsSinceEpoch)
{
    return zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(secsSinceEpoch, QTimeZone::utc()));
}

} // namespace

QDateTime resolveWallClock(QDate date, int minuteOfDay, const QTimeZone &zone)
{
    Q_ASSERT(minuteOfDay >= 0 && minuteOfDay < 24 * 60);
    if (!date.isValid() || !zone.isValid())
        return {};

    // Not QDateTime(date, time, zone): Qt 6.4 returns an invalid QDateTime for a
    // gap time and picks the *second* occurrence of an overlap time, and later
    // releases changed this again (6.7 added TransitionResolution). Resolve from
    // plain UTC offsets instead: instant `u` shows wall time `wall` exactly when
    // wall == u + offset(u).
    const qint64 wall =
        QDateTime(date, QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch() + minuteOfDay * 60;
    // Any offset in effect near the wall time is in effect within a day of it.
    const std::array<int, 3> offsets{offsetAt(zone, wall - 86400), offsetAt(zone, wall),
                                     offsetAt(zone, wall + 86400)};

    std::optional<qint64> first;
    for (const int offset : offsets) {
        const qint64 instant = wall - offset;
        if (offsetAt(zone, instant) == offset && (!first || instant < *first))
            first = instant;
    }
    if (first)
        return QDateTime::fromSecsSinceEpoch(*first, zone);

    // A gap: before the transition the instant is too early for the wall time,
    // after it too late. Find the transition by bisection (second precision);
    // this does not depend on the zone backend reporting transitions.
    const auto [smallest, largest] = std::minmax_element(offsets.begin(), offsets.end());
    qint64 low = wall - *largest; // still under the old offset
    qint64 high = wall - *smallest;
    const int lowOffset = offsetAt(zone, low);
    if (offsetAt(zone, high) == lowOffset)
        return {}; // inconsistent zone data: no offset fits and there is no transition
    while (high - low > 1) {
        const qint64 middle = low + (high - low) / 2;
        if (offsetAt(zone, middle) == lowOffset)
            low = middle;
        else
            high = middle;
    }
    return QDateTime::fromSecsSinceEpoch(high, zone);
}

std::optional<WeeklyTime> WeeklyTime::parse(QStringView text, ParseError *error)
{
    Lexer lex(text);
    lex.trim();

    const QString dayList = QStringLiteral("MON, TUE, WED, THU, FRI, SAT or SUN");
    if (lex.atEnd())
        return fail(error, lex.pos(),
                    QStringLiteral("empty weekly time; write a day and a time, "
                                   "e.g. MON 12:00"));
    if (!isAsciiLetter(lex.peek())) {
        return fail(
            error, lex.pos(),
            QStringLiteral("expected a day (%1) before the time, e.g. MON 12:00").arg(dayList));
    }

    const qsizetype dayStart = lex.pos();
    const QStringView dayToken = lex.takeLetters();
    int day = 0;
    for (int i = 0; i < int(kDayNames.size()); ++i) {
        if (dayToken.compare(QStringView(kDayNames[i]), Qt::CaseInsensitive) == 0)
            day = i + 1;
    }
    if (day == 0) {
        return fail(error, dayStart,
                    QStringLiteral("unknown day '%1'; use %2").arg(dayToken, dayList));
    }

    if (!lex.atEnd() && !lex.peek().isSpace()) {
        return fail(error, lex.pos(),
                    QStringLiteral("expected a space between the day and the time, "
                                   "e.g. MON 12:00"));
    }
    lex.skipSpaces();

    const QString expectedTime = QStringLiteral("expected a time HH:MM after the day");
    const qsizetype hourStart = lex.pos();
    const QStringView hourDigits = lex.takeDigits();
    if (hourDigits.isEmpty() || hourDigits.size() > 2)
        return fail(error, hourStart, expectedTime);
    if (!lex.expect(u':'))
        return fail(error, lex.pos(), expectedTime);

    const qsizetype minuteStart = lex.pos();
    const QStringView minuteDigits = lex.takeDigits();
    if (minuteDigits.size() != 2) {
        return fail(error, minuteStart,
                    QStringLiteral("expected two-digit minutes after ':', e.g. 12:05"));
    }

    const int hour = hourDigits.toInt();
    const int minute = minuteDigits.toInt();
    if (hour > 23)
        return fail(error, hourStart, QStringLiteral("hour %1 out of range 00-23").arg(hour));
    if (minute > 59) {
        return fail(error, minuteStart, QStringLiteral("minute %1 out of range 00-59").arg(minute));
    }
    lex.skipSpaces();
    if (!lex.atEnd()) {
        return fail(
            error, lex.pos(),
            QStringLiteral("unexpected '%1' after the time; write e.g. MON 12:00").arg(lex.rest()));
    }
    return WeeklyTime{day, hour * 60 + minute};
}

QString WeeklyTime::toString() const
{
    Q_ASSERT(dayOfWeek >= 1 && dayOfWeek <= 7);
    return QStringLiteral("%1 %2:%3")
        .arg(QStringView(kDayNames[dayOfWeek - 1]))
        .arg(minuteOfDay / 60, 2, 10, QLatin1Char('0'))
        .arg(minuteOfDay % 60, 2, 10, QLatin1Char('0'));
}

QDateTime WeeklyTime::nextAtOrAfter(const QDateTime &from, const QTimeZone &zone) const
{
    if (!from.isValid() || !zone.isValid())
        return {};
    const QDate start = from.toTimeZone(zone).date();
    // Start a day early: when a gap spans midnight (Samoa skipped 2011-12-30), an
    // occurrence on one date resolves to an instant on the next.
    for (int i = -1; i <= 8; ++i) {
        const QDate date = start.addDays(i);
        if (date.dayOfWeek() != dayOfWeek)
            continue;
        const QDateTime candidate = resolveWallClock(date, minuteOfDay, zone);
        if (candidate >= from)
            return candidate;
    }
    return {};
}

} // namespace vouch::engine
