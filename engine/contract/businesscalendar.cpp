#include "engine/contract/businesscalendar.h"

#include "engine/contract/lexer.h"

#include <QFile>

#include <libical/ical.h>

#include <array>
#include <memory>

namespace vouch::engine {

using namespace lex;

namespace {

constexpr std::array<const char16_t *, 7> kDays{u"MON", u"TUE", u"WED", u"THU",
                                                u"FRI", u"SAT", u"SUN"};
// A business calendar never needs to look further for a working day: a
// holiday list that leaves none for a year is a mistake, not a calendar.
constexpr int kMaxSearchDays = 366;

int dayIndex(QStringView token)
{
    for (int i = 0; i < int(kDays.size()); ++i) {
        if (token.compare(QStringView(kDays[i]), Qt::CaseInsensitive) == 0)
            return i + 1;
    }
    return 0;
}

QDate dateOf(const icaltimetype &t)
{
    return QDate(t.year, t.month, t.day);
}

} // namespace

std::optional<quint8> BusinessCalendar::parseWorkdays(QStringView text, ParseError *error)
{
    const QString hint =
        QStringLiteral("write days as MON-FRI, or a list such as MON,TUE,THU (MON ... SUN)");
    Lexer lex(text);
    lex.trim();
    if (lex.atEnd())
        return fail(error, lex.pos(), QStringLiteral("no business days; ") + hint);
    quint8 mask = 0;
    while (true) {
        lex.skipSpaces();
        const qsizetype at = lex.pos();
        const int first = dayIndex(lex.takeLetters());
        if (first == 0)
            return fail(error, at, QStringLiteral("expected a day; ") + hint);
        int last = first;
        lex.skipSpaces();
        if (lex.expect(u'-')) {
            lex.skipSpaces();
            const qsizetype lastAt = lex.pos();
            last = dayIndex(lex.takeLetters());
            if (last == 0)
                return fail(error, lastAt, QStringLiteral("expected a day after '-'; ") + hint);
        }
        // A range may wrap past Sunday: SUN-THU.
        for (int d = first;; d = d % 7 + 1) {
            mask |= quint8(1u << d);
            if (d == last)
                break;
        }
        lex.skipSpaces();
        if (lex.atEnd())
            break;
        if (!lex.expect(u','))
            return fail(error, lex.pos(),
                        QStringLiteral("unexpected '%1'; ").arg(lex.rest()) + hint);
    }
    return mask;
}

void BusinessCalendar::addHoliday(QDate date, const QString &name)
{
    if (date.isValid())
        m_holidays.insert(date, name);
}

bool BusinessCalendar::addHolidaysFromIcs(const QString &path, QString *error, QDate until)
{
    auto failWith = [&](const QString &message) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, message);
        return false;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failWith(QStringLiteral("cannot read the holiday calendar: %1; check the path "
                                       "(relative paths are from the contract's folder)")
                            .arg(file.errorString()));
    const QByteArray text = file.read(16 * 1024 * 1024 + 1);
    if (text.size() > 16 * 1024 * 1024)
        return failWith(QStringLiteral("larger than 16 MiB; is this a holiday calendar?"));
    if (!text.contains("BEGIN:VCALENDAR"))
        return failWith(QStringLiteral("not an iCalendar file (no BEGIN:VCALENDAR); export the "
                                       "holidays from your calendar as .ics"));
    std::unique_ptr<icalcomponent, void (*)(icalcomponent *)> root(
        icalparser_parse_string(text.constData()), icalcomponent_free);
    if (!root)
        return failWith(QStringLiteral("libical could not parse it; export it again as .ics"));

    // A file may hold one VCALENDAR or several (the parser then wraps them).
    QList<icalcomponent *> calendars;
    if (icalcomponent_isa(root.get()) == ICAL_VCALENDAR_COMPONENT) {
        calendars << root.get();
    } else {
        for (icalcomponent *c =
                 icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT);
             c; c = icalcomponent_get_next_component(root.get(), ICAL_VCALENDAR_COMPONENT))
            calendars << c;
    }
    int events = 0;
    for (icalcomponent *calendar : std::as_const(calendars)) {
        for (icalcomponent *event =
                 icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
             event; event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
            ++events;
            const char *summaryText = icalcomponent_get_summary(event);
            const QString summary = summaryText ? QString::fromUtf8(summaryText) : QString();
            const icaltimetype start = icalcomponent_get_dtstart(event);
            if (icaltime_is_null_time(start) || !icaltime_is_valid_time(start))
                return failWith(
                    QStringLiteral("event %1 (%2) has no valid DTSTART; every holiday "
                                   "needs a date")
                        .arg(events)
                        .arg(summary.isEmpty() ? QStringLiteral("no summary") : summary));
            // DTEND is exclusive; without it an all-day event is one day.
            const icaltimetype endTime = icalcomponent_get_dtend(event);
            const int length = icaltime_is_null_time(endTime)
                                   ? 1
                                   : std::max<qint64>(1, dateOf(start).daysTo(dateOf(endTime)));
            auto addEvent = [&](QDate first) {
                for (int i = 0; i < length && i < kMaxSearchDays; ++i)
                    addHoliday(first.addDays(i), summary);
            };
            icalproperty *rule = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
            if (!rule) {
                addEvent(dateOf(start));
                continue;
            }
            const icalrecurrencetype recurrence = icalproperty_get_rrule(rule);
            std::unique_ptr<icalrecur_iterator, void (*)(icalrecur_iterator *)> it(
                icalrecur_iterator_new(recurrence, start), icalrecur_iterator_free);
            if (!it)
                return failWith(QStringLiteral("event %1 (%2) has a recurrence rule libical "
                                               "cannot expand")
                                    .arg(events)
                                    .arg(summary));
            for (icaltimetype t = icalrecur_iterator_next(it.get()); !icaltime_is_null_time(t);
                 t = icalrecur_iterator_next(it.get())) {
                if (dateOf(t) > until)
                    break;
                addEvent(dateOf(t));
            }
        }
    }
    if (events == 0)
        return failWith(QStringLiteral("holds no events (VEVENT); a holiday calendar lists each "
                                       "holiday as an all-day event"));
    return true;
}

bool BusinessCalendar::isBusinessDay(QDate date) const
{
    return date.isValid() && (m_workdays & (1u << date.dayOfWeek())) && !m_holidays.contains(date);
}

QDate BusinessCalendar::businessDayOnOrAfter(QDate date) const
{
    for (int i = 0; i < kMaxSearchDays && date.isValid(); ++i, date = date.addDays(1)) {
        if (isBusinessDay(date))
            return date;
    }
    return {};
}

QDate BusinessCalendar::nthBusinessDayAfter(QDate date, int n) const
{
    QDate day = date;
    for (int found = 0; found < n;) {
        day = businessDayOnOrAfter(day.addDays(1));
        if (!day.isValid())
            return {};
        ++found;
    }
    return day;
}

QDate BusinessCalendar::lastBusinessDayIn(QDate start, QDate end) const
{
    for (QDate day = end.addDays(-1); day.isValid() && day >= start; day = day.addDays(-1)) {
        if (isBusinessDay(day))
            return day;
    }
    return {};
}

QList<QDate> BusinessCalendar::businessDaysIn(QDate start, QDate end) const
{
    QList<QDate> days;
    for (QDate day = start; day.isValid() && day < end; day = day.addDays(1)) {
        if (isBusinessDay(day))
            days.append(day);
    }
    return days;
}

} // namespace vouch::engine
