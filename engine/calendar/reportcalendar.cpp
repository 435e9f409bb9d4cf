#include "engine/calendar/reportcalendar.h"

#include <QSet>
#include <QTimeZone>

namespace vouch::engine {

namespace {

QString adjective(Cadence cadence)
{
    switch (cadence) {
    case Cadence::Day:
        return QStringLiteral("daily");
    case Cadence::Week:
        return QStringLiteral("weekly");
    case Cadence::Month:
        return QStringLiteral("monthly");
    case Cadence::Quarter:
        return QStringLiteral("quarterly");
    }
    return {};
}

QDate localDate(const Report &report, const QDateTime &at)
{
    const QTimeZone zone(report.timezone);
    return zone.isValid() ? at.toTimeZone(zone).date() : at.toUTC().date();
}

} // namespace

Period periodDueAt(const Report &report, const QDateTime &at)
{
    const QDate today = localDate(report, at);
    if (report.cadence == Cadence::Day && report.skipHolidays) {
        // The last business day before today (a Monday's run reports Friday).
        QDate day = today.addDays(-1);
        for (int guard = 0; guard < 366 && !report.calendar.isBusinessDay(day); ++guard)
            day = day.addDays(-1);
        return Period::containing(day, Cadence::Day);
    }
    return Period::containing(today, report.cadence).previous();
}

std::optional<Period> reportPeriod(const Report &report, const QString &key, QString *error)
{
    ParseError pe;
    const auto period = Period::parse(key, &pe);
    if (period && period->cadence == report.cadence)
        return period;
    if (error) {
        const QString what =
            QStringLiteral("report '%1' is %2: give %3")
                .arg(report.id, adjective(report.cadence), periodKeyExample(report.cadence));
        *error =
            period
                ? QStringLiteral("'%1' is a %2, but %3").arg(key, toString(period->cadence), what)
                : QStringLiteral("'%1' is not a period (%2); %3").arg(key, pe.message, what);
    }
    return std::nullopt;
}

QDateTime deadlineOf(const Report &report, const Period &period)
{
    const QTimeZone zone(report.timezone);
    if (!zone.isValid() || !period.isValid())
        return {};
    const QDateTime due = report.publishBy.dueFor(period, report.calendar, zone);
    return due.isValid() ? due.toUTC() : QDateTime();
}

QDateTime escalationDue(const Report &report, const EscalationRule &rule, const Period &period)
{
    const QTimeZone zone(report.timezone);
    if (!zone.isValid() || !period.isValid())
        return {};
    const QDateTime due = rule.at.dueFor(period, report.calendar, zone);
    return due.isValid() ? due.toUTC() : QDateTime();
}

bool firesOn(const Report &report, const QDateTime &fire)
{
    return !report.skipHolidays || report.calendar.isBusinessDay(localDate(report, fire));
}

QDateTime nextFire(const Report &report, const QDateTime &after)
{
    const QTimeZone zone(report.timezone);
    QDateTime cursor = after;
    // A year of skipped days at most: a calendar with no business days
    // never fires.
    for (int guard = 0; guard < 400 * 24; ++guard) {
        const QDateTime next = report.schedule.nextAfter(cursor, zone);
        if (!next.isValid() || firesOn(report, next))
            return next;
        cursor = next;
    }
    return {};
}

int catchUpDays(Cadence cadence)
{
    switch (cadence) {
    case Cadence::Day:
    case Cadence::Week:
        return 35;
    case Cadence::Month:
        return 62;
    case Cadence::Quarter:
        return 184;
    }
    return 35;
}

QList<OwedRun> runsOwed(const Report &report, const std::optional<Period> &lastServed,
                        const QDateTime &now)
{
    QDateTime cursor = now.addDays(-catchUpDays(report.cadence));
    QList<OwedRun> owed;
    QSet<QString> seen;
    for (int guard = 0; guard < 100000; ++guard) {
        const QDateTime fire = nextFire(report, cursor);
        if (!fire.isValid() || fire > now)
            break;
        cursor = fire;
        const Period period = periodDueAt(report, fire);
        if (seen.contains(period.key()))
            continue; // a schedule that fires more than once a period owes one run
        seen.insert(period.key());
        if (!lastServed || period.start > lastServed->start)
            owed.append({period, fire.toUTC()});
    }
    if (!lastServed && !owed.isEmpty())
        owed = {owed.last()};
    return owed;
}

} // namespace vouch::engine
