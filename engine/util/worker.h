#pragma once

#include <QCoreApplication>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#include <utility>

namespace vouch::engine {

// Runs `work` on a worker of the global pool and `done` with its result on
// the application's (GUI) thread, unless `receiver` is gone by then. The
// result is posted to the application object (which lives on that thread and
// outlives every widget and controller), so the guard is only read there.
// QtCore only: the engine (AttemptRunner), the desktop app and the command
// line share this one helper. `work` must not touch
// `receiver`; a `done` that may be superseded by a later request checks a
// generation number of its own.
template<typename Work, typename Done>
void runOnWorker(QObject *receiver, Work work, Done done)
{
    QPointer<QObject> guard(receiver);
    QThreadPool::globalInstance()->start(
        [guard, work = std::move(work), done = std::move(done)]() mutable {
            auto result = work();
            if (QCoreApplication *app = QCoreApplication::instance())
                QMetaObject::invokeMethod(
                    app,
                    [guard, done = std::move(done), result = std::move(result)]() mutable {
                        if (guard)
                            done(std::move(result));
                    },
                    Qt::QueuedConnection);
        });
}

} // namespace vouch::engine
