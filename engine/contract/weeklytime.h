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

} // namespace vouch::engine
