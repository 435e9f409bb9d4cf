#pragma once

#include "engine/contract/parseerror.h"

#include <QDateTime>
#include <QString>
#include <QStringView>
#include <QTimeZone>

#include <bitset>
#include <optional>

namespace vouch::engine {

// A classic 5-field cron schedule: minute hour day-of-month month day-of-week.
// Fields accept `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, lists
// `a,b`, month names JAN-DEC and day names SUN-SAT (0 and 7 are Sunday), and
// the macros @hourly, @daily, @weekly, @monthly, @yearly. As in Vixie cron,
// when both day-of-month and day-of-week are restricted, either may match.
class CronSchedule
{
public:
    static std::optional<CronSchedule> parse(QStringView text, ParseError *error = nullptr);

    QString text() const { return m_text; }

    // The first fire time strictly after `after`, evaluated in wall-clock time
    // of `zone`. Wall times inside a DST gap fire at the first instant after
    // the gap; repeated wall times in a DST overlap fire once.
    QDateTime nextAfter(const QDateTime &after, const QTimeZone &zone) const;

    bool matches(const QDate &date, int hour, int minute) const;

private:
    QString m_text;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_daysOfMonth; // 1..31
    std::bitset<13> m_months;      // 1..12
    std::bitset<7> m_daysOfWeek;   // 0 = Sunday .. 6 = Saturday
    bool m_domRestricted = false;
    bool m_dowRestricted = false;
};

} // namespace vouch::engine
