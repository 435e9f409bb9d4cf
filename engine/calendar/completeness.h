#pragma once

#include "engine/contract/businesscalendar.h"
#include "engine/contract/period.h"

#include <QDate>
#include <QList>
#include <QSet>
#include <QString>

namespace vouch::engine {

// Is a period complete, not just fresh? The business days of the period (up
// to `through`, for a period still running) that have no data.
struct Completeness
{
    QList<QDate> expected; // business days looked at, oldest first
    QList<QDate> missing;  // those without data, oldest first

    bool complete() const { return missing.isEmpty(); }
    // "no orders loaded for 27 Nov", "… for 26 and 27 Nov", "… for 4 of 21
    // business days: 2, 9, 16 and 27 Nov"; `what` names the data ("orders").
    QString describe(const QString &what) const;
};

Completeness completenessOver(const Period &period, const BusinessCalendar &calendar,
                              const QSet<QDate> &present, QDate through = QDate());

// "27 Nov", "30 Nov and 1 Dec", "2, 9 and 27 Nov"; a year is added when the
// dates span two years.
QString listOfDays(const QList<QDate> &days);

} // namespace vouch::engine
