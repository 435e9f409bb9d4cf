#pragma once

#include "engine/contract/businesscalendar.h"
#include "engine/contract/parseerror.h"
#include "engine/contract/period.h"
#include "engine/contract/weeklytime.h"

#include <QDateTime>
#include <QString>
#include <QStringView>
#include <QTimeZone>

#include <optional>

namespace vouch::engine {

// When a period's report is promised (`publish_by`) or an escalation fires,
// in the business's own terms. Counted from the period's last day:
//
//   MON 12:00      the first Monday 12:00 after the period (weekly reports)
//   08:00          08:00 on the first business day after the period
//   BD3 17:00      17:00 on the third business day after the period
//   +2d 12:00      12:00 two calendar days after the period's last day
//   LAST-BD 12:00  12:00 on the last business day of the next period
//
// A date that is not a business day moves to the next one (a bank holiday
// Monday makes "MON 12:00" Tuesday 12:00). Wall times follow the report's
// time zone: a time the clocks skip is the first minute after the jump, a
// time they repeat is its first occurrence.
struct DeadlineRule
{
    enum class Kind
    {
        Weekly,          // MON 12:00
        TimeOfDay,       // 08:00
        BusinessDay,     // BD3 17:00
        CalendarDays,    // +2d 12:00
        LastBusinessDay, // LAST-BD 12:00
    };
    Kind kind = Kind::Weekly;
    int dayOfWeek = 1;   // Weekly: 1 = Monday ... 7 = Sunday
    int count = 0;       // BusinessDay: n >= 1; CalendarDays: n >= 0
    int minuteOfDay = 0; // 0 ... 1439

    static std::optional<DeadlineRule> parse(QStringView text, ParseError *error = nullptr);
    static DeadlineRule weekly(const WeeklyTime &time)
    {
        return {Kind::Weekly, time.dayOfWeek, 0, time.minuteOfDay};
    }
    QString toString() const;

    // The date the rule names for this period, before moving off a
    // non-business day.
    QDate nominalDate(const Period &period, const BusinessCalendar &calendar) const;
    // The instant the promise falls due.
    QDateTime dueFor(const Period &period, const BusinessCalendar &calendar,
                     const QTimeZone &zone) const;

    friend bool operator==(const DeadlineRule &, const DeadlineRule &) = default;
};

} // namespace vouch::engine
