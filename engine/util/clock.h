#pragma once

// The one clock Vouch judges time by: deadlines, freshness ages, forecasts,
// escalation, schedules, and the times recorded on runs, attempts and node
// transitions.
//
// By default it is the wall clock. Pinned (`--now ISO`, $VOUCH_NOW, the
// demo's replayed Monday, a run whose store remembers a pinned clock) it
// reads the pinned instant when pinned and then advances with real elapsed
// time, so a run under a pinned clock still has real durations and its
// transitions, deadline and verdict tell one story.
//
// Liveness (leases, delivery backoff, the audit log's record of when a person
// acted) is not judged: that code asks for wallNow() on purpose.
//
// Thread-safe: the process clock is set once at start-up (or by a test) and
// read from any thread.

#include <QDateTime>
#include <QString>

#include <optional>

namespace vouch::engine {

class Clock
{
public:
    Clock() = default; // the wall clock
    static Clock pinned(const QDateTime &at);

    QDateTime now() const; // UTC
    bool isPinned() const { return m_start.isValid(); }
    QDateTime pinnedAt() const { return m_start; } // invalid for the wall clock

private:
    QDateTime m_start;
    qint64 m_startMonotonicNs = 0;
};

// The process's clock (the wall clock until set).
Clock processClock();
void setProcessClock(const Clock &clock);
// processClock().now(): what every time judgement in the engine reads.
QDateTime clockNow();
// The real time, for liveness only (see above).
QDateTime wallNow();

// Parses an instant given by a user (`--now`, $VOUCH_NOW): an ISO 8601
// date-time with a zone (Z or ±hh:mm) or a local one (read as UTC), between
// the years 1970 and 9999. nullopt with `error` set (saying what to give)
// otherwise.
std::optional<QDateTime> parseInstant(const QString &text, QString *error);

} // namespace vouch::engine
