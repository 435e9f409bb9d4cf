// bench_commands: the engine's cost of running processes.
//
// A generated 10,000-node layered DAG of `command` nodes running `true`
// (argv form) at concurrency 2, every transition persisted to a fresh state
// store, against xargs spawning the same 10,000 `true` processes two at a
// time. The target is engine / xargs <= 1.10. Breakdown rows separate the
// shares of the /bin/sh guard every command runs under, of CommandExecutor
// (QProcess, log file) on its own, and of the scheduler and the store.

#include "benchsupport.h"

#include "engine/run/commandexecutor.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>

#include <algorithm>
#include <functional>

using namespace vouch;
using namespace vouch::bench;

namespace {

constexpr char kUsage[] =
    "usage: bench_commands [--quick] [--dir DIR] [--nodes N] [--repeat R] [--engine-only]\n"
    "                      [--no-breakdown]\n"
    "  --quick         500 nodes and 1 round instead of 10,000 and 3 (smoke run)\n"
    "  --dir DIR       put the state store and logs under DIR (default: $TMPDIR or /tmp)\n"
    "  --repeat R      R rounds (default 3); figures are the minimum and the median\n"
    "  --nodes N       N nodes (e.g. a small N under valgrind --tool=callgrind)\n"
    "  --engine-only   run only the engine (for profiling)\n"
    "  --no-breakdown  skip the guard-script, CommandExecutor-only and log-file rows";

constexpr int kConcurrency = 2;

struct Phase
{
    QString error;
    double seconds = 0;
    double cpu = 0;
};

// xargs reads one line per process (-n1) from a file of `count` numbers and
// runs `command... <number>`, at most two at a time (-P2). `true` ignores the
// extra argument; exec cost is the same as without it.
Phase runXargs(const QString &inputFile, const QStringList &command)
{
    Phase phase;
    QProcess xargs;
    xargs.setProgram(QStringLiteral("xargs"));
    xargs.setArguments(
        QStringList{QStringLiteral("-P%1").arg(kConcurrency), QStringLiteral("-n1")} + command);
    xargs.setStandardInputFile(inputFile);
    xargs.setProcessChannelMode(QProcess::ForwardedChannels);
    const double cpu0 = cpuSeconds();
    const Stopwatch watch;
    xargs.start();
    if (!xargs.waitForFinished(-1) || xargs.exitStatus() != QProcess::NormalExit ||
        xargs.exitCode() != 0)
        phase.error = QStringLiteral("xargs failed: %1 (exit %2)")
                          .arg(xargs.errorString())
                          .arg(xargs.exitCode());
    phase.seconds = watch.seconds();
    phase.cpu = cpuSeconds() - cpu0;
    return phase;
}

// CommandExecutor alone, `parallel` at a time, on this thread's event loop:
// the QProcess + guard + log-file cost without the scheduler and the store.
Phase runExecutors(int count, const QString &logDirectory)
{
    Phase phase;
    QEventLoop loop;
    int started = 0;
    int done = 0;
    int failed = 0;
    std::function<void()> startNext = [&] {
        if (started >= count)
            return;
        const int index = started++;
        engine::CommandSpec spec;
        spec.argv = QStringList{QStringLiteral("true")};
        spec.logPath = QStringLiteral("%1/%2.log").arg(logDirectory).arg(index);
        auto *executor = new engine::CommandExecutor(spec);
        QObject::connect(executor, &engine::CommandExecutor::finished, executor,
                         [&, executor](const engine::CommandResult &result) {
                             if (result.outcome != engine::CommandResult::Outcome::Succeeded)
                                 ++failed;
                             executor->deleteLater();
                             if (++done == count)
                                 loop.quit();
                             else
                                 startNext();
                         });
        executor->start();
    };
    const double cpu0 = cpuSeconds();
    const Stopwatch watch;
    for (int i = 0; i < kConcurrency; ++i)
        startNext();
    if (done < count)
        loop.exec();
    phase.seconds = watch.seconds();
    phase.cpu = cpuSeconds() - cpu0;
    if (failed > 0)
        phase.error = QStringLiteral("%1 commands did not succeed").arg(failed);
    return phase;
}

// What CappedLog::open() did for every node before logs were created lazily
// (a silent command now creates no file), without any process: make sure the
// directory exists, then create an empty file. Shows the file system's share
// that the lazy log saves (on ext4, inode allocation slows down after many
// recent deletions).
Phase createLogFiles(int count, const QString &directory)
{
    Phase phase;
    const double cpu0 = cpuSeconds();
    const Stopwatch watch;
    for (int i = 0; i < count; ++i) {
        const QString path = QStringLiteral("%1/%2.1.log").arg(directory, nodeId(i));
        QFile file(path);
        if (!QDir().mkpath(directory) ||
            !file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
            phase.error = QStringLiteral("cannot create %1").arg(path);
            break;
        }
    }
    phase.seconds = watch.seconds();
    phase.cpu = cpuSeconds() - cpu0;
    return phase;
}

// The guard script exactly as the engine runs it, read from the engine's
// source so that the two never drift apart.
QString guardScript()
{
    QFile file(QStringLiteral(VOUCH_SOURCE_DIR "/engine/run/commandexecutor.cpp"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    const auto match = QRegularExpression(QStringLiteral("R\"sh\\((.*?)\\)sh\""),
                                          QRegularExpression::DotMatchesEverythingOption)
                           .match(QString::fromUtf8(file.readAll()));
    return match.hasMatch() ? match.captured(1) : QString();
}

struct Summary
{
    double min = 0;
    double median = 0;
    double cpu = 0; // median CPU seconds
};

Summary summarize(const QList<Phase> &runs)
{
    Summary s;
    if (runs.isEmpty())
        return s;
    QList<double> wall;
    QList<double> cpu;
    for (const Phase &p : runs) {
        wall.append(p.seconds);
        cpu.append(p.cpu);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    const auto median = [](const QList<double> &v) {
        const qsizetype n = v.size();
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
    };
    s.min = wall.first();
    s.median = median(wall);
    s.cpu = median(cpu);
    return s;
}

QString perNodeMs(double seconds, int count)
{
    return fixed(seconds * 1000.0 / count, 3);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    Args args = parseArgs(argc, argv, kUsage);
    int count = args.quick ? 500 : 10000;
    int repeat = args.quick ? 1 : 3;
    bool engineOnly = false;
    bool breakdown = true;
    for (int i = 0; i < args.flags.size(); ++i) {
        const QString &flag = args.flags[i];
        if (flag == QLatin1String("--nodes") && i + 1 < args.flags.size()) {
            count = args.flags[++i].toInt();
        } else if (flag == QLatin1String("--repeat") && i + 1 < args.flags.size()) {
            repeat = args.flags[++i].toInt();
        } else if (flag == QLatin1String("--engine-only")) {
            engineOnly = true;
        } else if (flag == QLatin1String("--no-breakdown")) {
            breakdown = false;
        } else {
            std::fprintf(stderr, "bench_commands: unknown argument %s\n%s\n", qPrintable(flag),
                         kUsage);
            return 2;
        }
    }
    if (count <= 0 || repeat <= 0) {
        std::fprintf(stderr, "bench_commands: --nodes and --repeat need a positive number\n");
        return 2;
    }

    printMachine("bench_commands", args.quick);
    const auto workDir = workDirectory(args);
    QTemporaryDir &dir = *workDir;

    const Stopwatch generate;
    const auto contract =
        layeredContract(count, engine::NodeKind::Command, QStringList{QStringLiteral("true")});
    const double generateMs = generate.ms();
    print(QStringLiteral("DAG:     %1 command nodes running `true`, %2 edges, layers of %3, "
                         "seed %4 (generated in %5 ms); concurrency %6")
              .arg(grouped(count), grouped(contract->edgeCount()))
              .arg(kLayerWidth)
              .arg(kSeed)
              .arg(fixed(generateMs, 1))
              .arg(kConcurrency));

    const QString input = dir.filePath(QStringLiteral("seq.txt"));
    {
        QFile file(input);
        if (!file.open(QIODevice::WriteOnly)) {
            std::fprintf(stderr, "bench_commands: cannot write %s\n", qPrintable(input));
            return 1;
        }
        for (int i = 1; i <= count; ++i)
            file.write(QByteArray::number(i) + '\n');
    }
    const QStringList trueCommand{QStringLiteral("true")};

    bool ok = true;
    const auto check = [&ok](const QString &what, const QString &error) {
        if (!error.isEmpty()) {
            std::fprintf(stderr, "bench_commands: %s: %s\n", qPrintable(what), qPrintable(error));
            ok = false;
        }
    };

    // Rounds interleave the baseline and the engine, so that a change of
    // background load (the machine may be shared) hits both alike; the table
    // shows the minimum (least disturbed) and the median of the rounds.
    const QString script = breakdown && !engineOnly ? guardScript() : QString();
    if (breakdown && !engineOnly && script.isEmpty())
        print(QStringLiteral("(guard script not found in the engine source: row skipped)"));
    QList<Phase> xargsRuns, guardRuns, executorRuns, engineRuns, fileRuns;
    RunFigures lastRun;
    qint64 events = 0;
    qint64 succeeded = 0;
    for (int round = 1; round <= repeat; ++round) {
        QStringList line;
        if (!engineOnly) {
            xargsRuns.append(runXargs(input, trueCommand));
            check(QStringLiteral("xargs"), xargsRuns.last().error);
            line << QStringLiteral("xargs %1 s").arg(fixed(xargsRuns.last().seconds, 3));
        }

        const QString statePath = dir.filePath(QStringLiteral("state-%1.db").arg(round));
        Phase engine;
        const double cpu0 = cpuSeconds();
        lastRun = runContract(contract, statePath, kConcurrency);
        engine.cpu = cpuSeconds() - cpu0;
        engine.seconds = (lastRun.constructMs + lastRun.runMs) / 1000.0;
        engine.error = lastRun.error;
        check(QStringLiteral("engine run"), engine.error);
        events = countEvents(statePath, lastRun.runId, &succeeded);
        if (succeeded != count)
            check(QStringLiteral("engine run"),
                  QStringLiteral("%1 of %2 nodes succeeded").arg(succeeded).arg(count));
        engineRuns.append(engine);
        line << QStringLiteral("engine %1 s").arg(fixed(engine.seconds, 3));

        if (!script.isEmpty()) {
            guardRuns.append(runXargs(
                input, QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"), script,
                                   QStringLiteral("vouch-guard"), QStringLiteral("true")}));
            check(QStringLiteral("xargs guard"), guardRuns.last().error);
            line << QStringLiteral("xargs guard %1 s").arg(fixed(guardRuns.last().seconds, 3));
        }
        if (breakdown && !engineOnly) {
            const QString logs = dir.filePath(QStringLiteral("executor-logs-%1").arg(round));
            executorRuns.append(runExecutors(count, logs));
            check(QStringLiteral("CommandExecutor"), executorRuns.last().error);
            line << QStringLiteral("CommandExecutor %1 s")
                        .arg(fixed(executorRuns.last().seconds, 3));
        }
        if (breakdown && !engineOnly) {
            const QString files = dir.filePath(QStringLiteral("files-%1").arg(round));
            fileRuns.append(createLogFiles(count, files));
            check(QStringLiteral("log files"), fileRuns.last().error);
            line << QStringLiteral("files %1 s").arg(fixed(fileRuns.last().seconds, 3));
        }
        print(QStringLiteral("round %1/%2: %3; load %4")
                  .arg(round)
                  .arg(repeat)
                  .arg(line.join(QStringLiteral(", ")), loadAverage()));
    }

    const Summary xargs = summarize(xargsRuns);
    const Summary engine = summarize(engineRuns);
    print(QString());
    Table table({QStringLiteral("what (2 at a time)"), QStringLiteral("min s"),
                 QStringLiteral("median s"), QStringLiteral("ms/node (min)"),
                 QStringLiteral("CPU s (median)"), QStringLiteral("vs xargs (min)"),
                 QStringLiteral("vs xargs (median)")});
    const auto row = [&](const QString &label, const QList<Phase> &runs) {
        if (runs.isEmpty())
            return;
        const Summary s = summarize(runs);
        const auto vs = [](double a, double b) {
            return b > 0 ? fixed(a / b, 2) : QStringLiteral("-");
        };
        table.add({label, fixed(s.min, 3), fixed(s.median, 3), perNodeMs(s.min, count),
                   fixed(s.cpu, 2), vs(s.min, xargs.min), vs(s.median, xargs.median)});
    };
    row(QStringLiteral("xargs -P2 -n1 true"), xargsRuns);
    row(QStringLiteral("xargs -P2 -n1 sh guard -> true"), guardRuns);
    row(QStringLiteral("CommandExecutor only"), executorRuns);
    row(QStringLiteral("engine: RunThread (full)"), engineRuns);
    row(QStringLiteral("log files an eager log would create (saved)"), fileRuns);
    table.print();
    print(QString());
    print(QStringLiteral("engine:  %1 rounds; last: construct %2 ms, run %3 ms; %4 transitions "
                         "persisted (%5 events in the store, %6 nodes succeeded) in %7 flushes")
              .arg(repeat)
              .arg(fixed(lastRun.constructMs, 1), fixed(lastRun.runMs, 1),
                   grouped(lastRun.announced), grouped(events), grouped(succeeded),
                   grouped(lastRun.batches)));
    if (!engineOnly && xargs.min > 0) {
        const double best = engine.min / xargs.min;
        const double typical = engine.median / xargs.median;
        print(QStringLiteral("RESULT bench_commands: engine %1 s, xargs %2 s (min of %3 rounds), "
                             "ratio %4 (median ratio %5; CPU-time ratio %6) (target <= 1.10: %7)")
                  .arg(fixed(engine.min, 3), fixed(xargs.min, 3))
                  .arg(repeat)
                  .arg(fixed(best, 2), fixed(typical, 2),
                       xargs.cpu > 0 ? fixed(engine.cpu / xargs.cpu, 2) : QStringLiteral("-"),
                       best <= 1.10 ? QStringLiteral("met") : QStringLiteral("missed")));
    }
    print(QStringLiteral("load:    %1 (1/5/15 min) at end").arg(loadAverage()));
    return ok ? 0 : 1;
}
