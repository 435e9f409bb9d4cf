#pragma once

#include "engine/contract/parseerror.h"

#include <QDate>
#include <QDateTime>
#include <QString>
#include <QStringView>
#include <QTimeZone>

#include <optional>

namespace vouch::engine {

// A time within a reporting week, such as `MON 12:00` (publish_by, escalation
// times, wait limits). Days are three-letter English names, any case.
struct WeeklyTime
{
    int dayOfWeek = 1;   // 1 = Monday ... 7 = Sunday (ISO, as Qt::DayOfWeek)
    int minuteOfDay = 0; // 0 ... 1439

    static std::optional<WeeklyTime> parse(QStringView text, ParseError *error = nullptr);
    QString toString() const; // "MON 12:00"

    // The first occurrence of this weekly time at or after `from`, in `zone`.
    // Wall-clock times that do not exist (spring-forward gap) move to the first
    // valid minute after the gap; ambiguous times (fall-back) take the first.
    QDateTime nextAtOrAfter(const QDateTime &from, const QTimeZone &zone) const;

    friend bool operator==(const WeeklyTime &, const WeeklyTime &) = default;
};

// The instant at which wall clocks in `zone` show `date` and `minuteOfDay`.
// A wall time inside a spring-forward gap resolves to the first instant after
// the gap; a wall time repeated by a fall-back overlap resolves to its first
// occurrence. Shared by WeeklyTime and CronSchedule so both agree on DST.
QDateTime resolveWallClock(QDate date, int minuteOfDay, const QTimeZone &zone);

} // namespace vouch::engine
