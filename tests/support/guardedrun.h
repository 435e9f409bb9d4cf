#pragma once

// Runs a scheduler's thread to its end, with the guard every asynchronous
// test has: a run still going after `ms` is cancelled, and the error says so.

#include "engine/run/runthread.h"

#include <QString>
#include <QTimer>

namespace vouch::test {

// The options scheduler tests run with: the store at `statePath`, 4 slots
// unless the test says, a short kill grace, a fixed jitter seed.
inline vouch::engine::RunOptions testRunOptions(vouch::engine::RunOptions options,
                                                const QString &statePath)
{
    options.statePath = statePath;
    if (options.concurrency == 0)
        options.concurrency = 4;
    options.killGrace = std::chrono::milliseconds(500);
    options.jitterSeed = 7;
    return options;
}

// The run's error (empty when it ended normally), or "timed out".
inline QString runGuarded(vouch::engine::RunThread &thread, int ms = 60000)
{
    QString timedOut;
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, [&] {
        timedOut = QStringLiteral("timed out");
        thread.cancelRun();
    });
    guard.start(ms);
    const QString error = thread.runToEnd();
    return timedOut.isEmpty() ? error : timedOut;
}

} // namespace vouch::test
