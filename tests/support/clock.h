#pragma once

// The one clock helper of the tests. Every test that judges time pins its
// own clock so that the wall clock (or faketime, see the `time` label in
// tests/VouchTests.cmake) never changes what it asserts:
//   - a child `vouch` gets `--now` (nowArgs) or $VOUCH_NOW (pinNow);
//   - this process's engine clock is pinned with PinnedClock, $VOUCH_NOW
//     (which the desktop's controllers read) with PinnedNowVariable, both
//     for a whole test case with pinProcessClock.

#include "engine/util/clock.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QProcessEnvironment>
#include <QStringList>
#include <QThread>

namespace vouch::test {

// `--now ISO` for a child `vouch`.
inline QStringList nowArgs(const QString &iso)
{
    return {QStringLiteral("--now"), iso};
}

// $VOUCH_NOW for a child `vouch`.
inline void pinNow(QProcessEnvironment &env, const QString &iso)
{
    env.insert(QStringLiteral("VOUCH_NOW"), iso);
}

// For a whole test case: this process's engine clock pinned at `at` (then
// advancing with real elapsed time, see engine/util/clock.h), and $VOUCH_NOW
// set to it for code that reads the variable.
inline void pinProcessClock(const QDateTime &at)
{
    qputenv("VOUCH_NOW", at.toString(Qt::ISODate).toUtf8());
    engine::setProcessClock(engine::Clock::pinned(at));
}

// The engine's process clock pinned at `at`; the wall clock again when this
// goes out of scope.
class PinnedClock
{
public:
    explicit PinnedClock(const QDateTime &at)
    {
        engine::setProcessClock(engine::Clock::pinned(at));
    }
    ~PinnedClock() { engine::setProcessClock(engine::Clock()); }
    PinnedClock(const PinnedClock &) = delete;
    PinnedClock &operator=(const PinnedClock &) = delete;
};

// $VOUCH_NOW set in this process; unset again when this goes out of scope.
class PinnedNowVariable
{
public:
    explicit PinnedNowVariable(const QByteArray &iso) { qputenv("VOUCH_NOW", iso); }
    ~PinnedNowVariable() { qunsetenv("VOUCH_NOW"); }
    PinnedNowVariable(const PinnedNowVariable &) = delete;
    PinnedNowVariable &operator=(const PinnedNowVariable &) = delete;
};

// Joins a thread, giving up after `timeoutMs` by the monotonic clock.
// QThread::wait(timeout) is a timed condition wait, which Debian 12's
// libfaketime (its "monotonic fix", on unless FAKETIME_FORCE_MONOTONIC_FIX=0)
// turns into an immediate timeout; polling isFinished() keeps a test honest
// under `faketime` however it is started.
inline bool joins(QThread *thread, int timeoutMs)
{
    QElapsedTimer elapsed;
    elapsed.start();
    while (!thread->isFinished()) {
        if (elapsed.hasExpired(timeoutMs))
            return false;
        QThread::msleep(5);
    }
    return thread->wait(); // finished: returns at once
}

} // namespace vouch::test
