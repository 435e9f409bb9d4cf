#pragma once

// What the control layer's tests share: a contract of real commands, a real
// SQLite store in a temporary directory, a pinned clock, and an execution
// log written from what the layer emits and records.

#include "engine/contract/contractloader.h"
#include "engine/control/attemptrunner.h"
#include "engine/store/statestore.h"
#include "engine/util/clock.h"

#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QTimer>

namespace vouch::test {

using namespace vouch::engine;

// a (true) → b (`false` when failing, else `true`) → end; the one section
// needs `end` and is held when it fails; alice approves.
inline QByteArray controlContract(bool failing)
{
    return QByteArray("vouch: 1\n"
                      "report:\n"
                      "  id: ctl\n"
                      "  name: Control report\n"
                      "  timezone: Europe/London\n"
                      "  schedule: \"0 6 * * MON\"\n"
                      "  publish_by: \"MON 12:00\"\n"
                      "  approvers: [alice]\n"
                      "  sections: [{id: all, name: All, needs: [end], on_failure: caveat}]\n"
                      "nodes:\n"
                      "  - {id: a, kind: command, run: [\"true\"]}\n"
                      "  - {id: b, kind: command, needs: [a], run: [\"") +
           (failing ? "false" : "true") +
           "\"]}\n"
           "  - {id: end, kind: noop, needs: [b]}\n";
}

// The Monday after 2026-W47, inside the report's window.
inline QDateTime pinnedNow()
{
    return QDateTime(QDate(2026, 11, 23), QTime(9, 0), Qt::UTC);
}

class ControlFixture
{
public:
    ControlFixture() { setProcessClock(Clock::pinned(pinnedNow())); }
    ~ControlFixture() { setProcessClock(Clock()); }

    QString statePath() const { return dir.filePath(QStringLiteral("state.db")); }

    ContractPtr contract(bool failing)
    {
        const LoadResult r = ContractLoader::loadText(
            controlContract(failing), dir.filePath(QStringLiteral("ctl.yaml")), dir.path());
        if (!r.ok()) {
            for (const Diagnostic &d : r.diagnostics)
                qWarning("%s", qPrintable(d.format()));
        }
        return r.contract;
    }

    std::unique_ptr<StateStore> store()
    {
        QString error;
        auto s = StateStore::open(statePath(), &error);
        if (!s)
            qWarning("%s", qPrintable(error));
        return s;
    }

    AttemptSpec spec(const ContractPtr &contract, const QStringList &nodes = {})
    {
        AttemptSpec spec;
        spec.contract = contract;
        spec.context = *contextForPeriod(QStringLiteral("2026-W47"), clockNow());
        spec.options.statePath = statePath();
        spec.options.concurrency = 1;
        spec.options.who = QStringLiteral("tester");
        spec.options.reason = nodes.isEmpty() ? QStringLiteral("run") : QStringLiteral("rerun");
        spec.options.nodes = nodes;
        spec.options.killGrace = std::chrono::milliseconds(500);
        spec.options.jitterSeed = 7;
        return spec;
    }

    // Runs an attempt to its end and writes what happened into `log`:
    // the lease and recovery, every transition, the run's end, the
    // assessment and each delivery, in the order they happened.
    AttemptOutcome run(AttemptSpec spec, QStringList &log)
    {
        spec.deliver = [&log](StateStore &, const Assessment &a) {
            log << QStringLiteral("deliver %1 alert change(s)").arg(a.changed.size());
        };
        AttemptRunner runner(std::move(spec));
        QObject::connect(&runner, &AttemptRunner::prepared, [&log](const QStringList &lost) {
            log << QStringLiteral("lease; interrupted [%1]").arg(lost.join(u','));
        });
        QObject::connect(&runner, &AttemptRunner::runStarted, [&log](qint64 run, int attempt) {
            log << QStringLiteral("run %1 attempt %2").arg(run).arg(attempt);
        });
        QObject::connect(&runner, &AttemptRunner::transitionsCommitted,
                         [&log](const QList<Transition> &batch) {
                             for (const Transition &t : batch)
                                 log << t.nodeId + u':' + toString(t.state);
                         });
        QObject::connect(&runner, &AttemptRunner::attemptEnded,
                         [&log](qint64, int) { log << QStringLiteral("ended"); });
        // Every asynchronous test has a timeout: a hang cancels and fails.
        QTimer guard;
        guard.setSingleShot(true);
        QObject::connect(&guard, &QTimer::timeout, [&] {
            log << QStringLiteral("TIMED OUT");
            runner.cancelRun();
        });
        guard.start(60000);
        AttemptOutcome outcome = runner.runToEnd();
        if (outcome.assessment)
            log << QStringLiteral("assessed %1").arg(toString(outcome.assessment->verdict.status));
        return outcome;
    }

    // A holder on this machine whose process is gone: a child that ended.
    static QString deadHolder()
    {
        QProcess p;
        p.start(QStringLiteral("true"), {});
        p.waitForStarted();
        const qint64 pid = p.processId();
        p.waitForFinished();
        return QStringLiteral("%1:%2").arg(QSysInfo::machineHostName()).arg(pid);
    }

    QTemporaryDir dir;
};

// A log as one text: a mismatch shows both logs whole.
inline QString rows(const QStringList &log)
{
    return log.join(u'\n');
}

// Only the nodes' own transitions (queued ones are bookkeeping).
inline QStringList withoutQueued(const QStringList &log)
{
    QStringList rows;
    for (const QString &row : log) {
        if (!row.endsWith(QLatin1String(":queued")))
            rows << row;
    }
    return rows;
}

} // namespace vouch::test
