#include "engine/util/clock.h"

#include <QMutex>

#include <time.h>

namespace vouch::engine {

namespace {

qint64 monotonicNs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

QMutex g_mutex;
Clock g_clock;

} // namespace

Clock Clock::pinned(const QDateTime &at)
{
    Clock c;
    c.m_start = at.toUTC();
    c.m_startMonotonicNs = monotonicNs();
    return c;
}

QDateTime Clock::now() const
{
    if (!isPinned())
        return QDateTime::currentDateTimeUtc();
    return m_start.addMSecs((monotonicNs() - m_startMonotonicNs) / 1000000);
}

Clock processClock()
{
    QMutexLocker lock(&g_mutex);
    return g_clock;
}

void setProcessClock(const Clock &clock)
{
    QMutexLocker lock(&g_mutex);
    g_clock = clock;
}

QDateTime clockNow()
{
    return processClock().now();
}

QDateTime wallNow()
{
    return QDateTime::currentDateTimeUtc();
}

std::optional<QDateTime> parseInstant(const QString &text, QString *error)
{
    const QString trimmed = text.trimmed();
    QDateTime at = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    if (!at.isValid())
        at = QDateTime::fromString(trimmed, Qt::ISODate);
    if (at.isValid() && at.timeSpec() == Qt::LocalTime)
        at.setTimeSpec(Qt::UTC); // no zone given: read as UTC, the same on every machine
    if (!at.isValid()) {
        if (error)
            *error = QStringLiteral("\"%1\" is not an ISO date-time; give one such as "
                                    "2026-11-30T06:00:00Z")
                         .arg(trimmed.left(64));
        return std::nullopt;
    }
    const int year = at.toUTC().date().year();
    if (year < 1970 || year > 9999) {
        if (error)
            *error = QStringLiteral("%1 is outside the years 1970 to 9999; give an instant "
                                    "such as 2026-11-30T06:00:00Z")
                         .arg(trimmed.left(64));
        return std::nullopt;
    }
    return at.toUTC();
}

} // namespace vouch::engine
