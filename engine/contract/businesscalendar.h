#pragma once

#include "engine/contract/parseerror.h"

#include <QDate>
#include <QMap>
#include <QString>
#include <QStringView>

#include <optional>

namespace vouch::engine {

// Which days a business works: weekdays (MON-FRI unless the contract says
// otherwise) less its holidays, listed by date or read from an iCalendar
// file (.ics, what every calendar exports; read with libical).
class BusinessCalendar
{
public:
    // Monday to Friday, no holidays.
    BusinessCalendar() = default;

    // "MON-FRI", "SUN-THU", "MON,TUE,THU" or "MON-WED,FRI": a bit per ISO
    // day (bit 1 = Monday ... bit 7 = Sunday).
    static std::optional<quint8> parseWorkdays(QStringView text, ParseError *error = nullptr);
    void setWorkdays(quint8 mask) { m_workdays = mask; }
    quint8 workdays() const { return m_workdays; }

    void addHoliday(QDate date, const QString &name = QString());
    // Every all-day event of the file is a holiday (a multi-day event gives
    // each of its days; yearly rules are expanded up to `until`). False,
    // with a message naming the file and what to do, when it cannot be read.
    bool addHolidaysFromIcs(const QString &path, QString *error, QDate until = QDate(2100, 12, 31));
    const QMap<QDate, QString> &holidays() const { return m_holidays; }
    QString holidayName(QDate date) const { return m_holidays.value(date); }

    bool isBusinessDay(QDate date) const;
    // `date` when it is a business day, otherwise the next one.
    QDate businessDayOnOrAfter(QDate date) const;
    // The n-th business day after `date` (n >= 1; the first is the first
    // business day after it).
    QDate nthBusinessDayAfter(QDate date, int n) const;
    // The last business day in [start, end).
    QDate lastBusinessDayIn(QDate start, QDate end) const;
    // Business days in [start, end), oldest first.
    QList<QDate> businessDaysIn(QDate start, QDate end) const;

private:
    quint8 m_workdays = 0b0011'1110; // Monday .. Friday
    QMap<QDate, QString> m_holidays;
};

} // namespace vouch::engine
