#pragma once

#include "engine/contract/parseerror.h"

#include <QDate>
#include <QString>
#include <QStringView>

#include <optional>

namespace vouch::engine {

// How often a report promises a figure: the reporting period's length.
enum class Cadence
{
    Day,
    Week, // ISO weeks, Monday to Sunday
    Month,
    Quarter,
};

QString toString(Cadence cadence); // "day", "week", "month", "quarter"
std::optional<Cadence> cadenceFromString(QStringView text);

// One reporting period: the dates it covers, [start, end). Its key is what
// users type and see everywhere: 2026-12-02, 2026-W48, 2026-11, 2026-Q4.
struct Period
{
    Cadence cadence = Cadence::Week;
    QDate start;
    QDate end; // exclusive: the first day after the period

    bool isValid() const { return start.isValid() && end.isValid() && start < end; }
    QString key() const;
    QDate lastDay() const { return end.addDays(-1); }

    // The period of this cadence that holds `date`.
    static Period containing(QDate date, Cadence cadence);
    // The cadence is read from the key's shape; an error says what the four
    // shapes are, with the offset of what is wrong.
    static std::optional<Period> parse(QStringView key, ParseError *error = nullptr);

    Period next() const { return containing(end, cadence); }
    Period previous() const { return containing(start.addDays(-1), cadence); }

    friend bool operator==(const Period &, const Period &) = default;
};

// What a key of each cadence looks like, for messages: "an ISO week such as 2026-W47".
QString periodKeyExample(Cadence cadence);

} // namespace vouch::engine
