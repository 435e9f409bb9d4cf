#include "engine/calendar/completeness.h"

#include <QLocale>

namespace vouch::engine {

namespace {

// At most this many dates are named; the rest are counted.
constexpr int kNamedDays = 6;

QString monthName(QDate date, bool withYear)
{
    const QLocale english(QLocale::English);
    return english.toString(date, withYear ? QStringLiteral("MMM yyyy") : QStringLiteral("MMM"));
}

QString joined(const QStringList &parts)
{
    if (parts.size() <= 1)
        return parts.value(0);
    return QStringList(parts.mid(0, parts.size() - 1)).join(QStringLiteral(", ")) +
           QStringLiteral(" and ") + parts.last();
}

} // namespace

QString listOfDays(const QList<QDate> &days)
{
    if (days.isEmpty())
        return {};
    const bool years = days.first().year() != days.last().year();
    // Days of one month share its name: "2, 9 and 27 Nov".
    QStringList groups;
    QStringList current;
    QDate monthOf;
    auto close = [&] {
        if (current.isEmpty())
            return;
        groups << joined(current) + u' ' + monthName(monthOf, years);
        current.clear();
    };
    for (const QDate &day : days) {
        if (!monthOf.isValid() || day.month() != monthOf.month() || day.year() != monthOf.year()) {
            close();
            monthOf = day;
        }
        current << QString::number(day.day());
    }
    close();
    return groups.size() == 1 ? groups.first() : joined(groups);
}

QString Completeness::describe(const QString &what) const
{
    if (missing.isEmpty())
        return QStringLiteral("%1 loaded for every business day (%2)")
            .arg(what)
            .arg(expected.size());
    if (missing.size() == expected.size() && expected.size() > 1)
        return QStringLiteral("no %1 loaded for any of the %2 business days")
            .arg(what)
            .arg(expected.size());
    if (missing.size() <= 2)
        return QStringLiteral("no %1 loaded for %2").arg(what, listOfDays(missing));
    const QList<QDate> named = missing.mid(0, kNamedDays);
    QString text = QStringLiteral("no %1 loaded for %2 of %3 business days: %4")
                       .arg(what)
                       .arg(missing.size())
                       .arg(expected.size())
                       .arg(listOfDays(named));
    if (missing.size() > named.size())
        text += QStringLiteral(" and %1 more").arg(missing.size() - named.size());
    return text;
}

Completeness completenessOver(const Period &period, const BusinessCalendar &calendar,
                              const QSet<QDate> &present, QDate through)
{
    Completeness c;
    const QDate end = through.isValid() ? std::min(period.end, through.addDays(1)) : period.end;
    c.expected = calendar.businessDaysIn(period.start, end);
    for (const QDate &day : std::as_const(c.expected)) {
        if (!present.contains(day))
            c.missing << day;
    }
    return c;
}

} // namespace vouch::engine
