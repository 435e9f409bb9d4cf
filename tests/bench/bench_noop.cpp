// bench_noop: the engine's own cost, with nothing to run.
//
// A generated 100,000-node layered DAG of `noop` nodes (~150,000 edges), every
// transition persisted to a fresh state store. Targets: wall time <= 3 s and
// peak resident memory <= 300 MB. Also: transitions persisted (counted in the
// store afterwards), the cost per persisted transition, and a split into
// graph build, scheduler run and the store's share (the same number of
// transitions replayed through StateStore in the scheduler's batch size,
// measured from outside the scheduler).

#include "benchsupport.h"

#include "engine/graph/graph.h"

#include <QCoreApplication>

using namespace vouch;
using namespace vouch::bench;

namespace {

constexpr char kUsage[] = "usage: bench_noop [--quick] [--dir DIR] [--nodes N]\n"
                          "  --quick    10,000 nodes instead of 100,000 (smoke run)\n"
                          "  --dir DIR  put the state store under DIR (default: $TMPDIR or /tmp)\n"
                          "  --nodes N  N nodes";

// The scheduler's flush batch (kFlushBatch in engine/run/scheduler.cpp).
constexpr int kSchedulerBatch = 2000;

QString mib(qint64 kib)
{
    return fixed(double(kib) / 1024.0, 1);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Args args = parseArgs(argc, argv, kUsage);
    int count = args.quick ? 10000 : 100000;
    for (int i = 0; i < args.flags.size(); ++i) {
        if (args.flags[i] == QLatin1String("--nodes") && i + 1 < args.flags.size()) {
            count = args.flags[++i].toInt();
        } else {
            std::fprintf(stderr, "bench_noop: unknown argument %s\n%s\n", qPrintable(args.flags[i]),
                         kUsage);
            return 2;
        }
    }
    if (count <= 0) {
        std::fprintf(stderr, "bench_noop: --nodes needs a positive number\n");
        return 2;
    }

    printMachine("bench_noop", args.quick);
    const auto workDir = workDirectory(args);
    QTemporaryDir &dir = *workDir;
    const qint64 rssStart = procStatusKiB("VmRSS");

    const Stopwatch generate;
    const auto contract = layeredContract(count, engine::NodeKind::Noop);
    const double generateMs = generate.ms();
    const qint64 rssContract = procStatusKiB("VmRSS");

    // The graph the scheduler builds in its constructor, built once more on
    // its own to show its share.
    double graphMs = 0;
    int edges = 0;
    {
        const Stopwatch watch;
        const engine::Graph graph = engine::Graph::fromContract(*contract);
        graphMs = watch.ms();
        edges = graph.edgeCount();
    }
    print(QStringLiteral("DAG:     %1 noop nodes, %2 edges, layers of %3, seed %4")
              .arg(grouped(count), grouped(edges))
              .arg(kLayerWidth)
              .arg(kSeed));

    const QString statePath = dir.filePath(QStringLiteral("state.db"));
    const double cpu0 = cpuSeconds();
    const RunFigures run = runContract(contract, statePath, 2);
    const double cpu = cpuSeconds() - cpu0;
    const qint64 peakKiB = procStatusKiB("VmHWM"); // before anything else allocates
    bool ok = run.error.isEmpty();
    if (!ok)
        std::fprintf(stderr, "bench_noop: run failed: %s\n", qPrintable(run.error));
    qint64 succeeded = 0;
    const qint64 events = countEvents(statePath, run.runId, &succeeded);
    if (succeeded != count) {
        std::fprintf(stderr, "bench_noop: %lld of %d nodes succeeded\n",
                     static_cast<long long>(succeeded), count);
        ok = false;
    }

    // The store's share: the same number of transitions, shaped like the
    // run's, through record() + flush() in the scheduler's batch size, into
    // an attempt that records every node id as its selection (as the
    // scheduler's does) and, to show what that costs, into one with none.
    const auto replay = [&](const QString &name, const QStringList &selection) {
        double seconds = -1;
        StoreFixture f = openFreshStore(dir.filePath(name), selection);
        QString error = f.error;
        if (f.store) {
            const auto transitions = sampleTransitions(f.runId, f.attempt, int(events), false);
            seconds = persist(*f.store, transitions, kSchedulerBatch, &error);
        }
        if (seconds < 0)
            std::fprintf(stderr, "bench_noop: store replay failed: %s\n", qPrintable(error));
        return seconds;
    };
    QStringList allIds;
    allIds.reserve(count);
    for (const engine::Node &node : contract->nodes)
        allIds.append(node.id);
    const double storeSeconds = replay(QStringLiteral("replay.db"), allIds);
    const double storeSecondsNoSelection = replay(QStringLiteral("replay-empty.db"), {});

    const double totalMs = run.constructMs + run.runMs;
    const double usPerTransition = events > 0 ? totalMs * 1000.0 / double(events) : 0;
    print(QString());
    Table table({QStringLiteral("measure"), QStringLiteral("value"), QStringLiteral("unit"),
                 QStringLiteral("note")});
    table.add({QStringLiteral("contract generated in C++"), fixed(generateMs, 1),
               QStringLiteral("ms"), QStringLiteral("not counted below")});
    table.add({QStringLiteral("Graph::fromContract alone"), fixed(graphMs, 1), QStringLiteral("ms"),
               QStringLiteral("done again inside construction")});
    table.add({QStringLiteral("RunThread + Scheduler construction"), fixed(run.constructMs, 1),
               QStringLiteral("ms"), QStringLiteral("builds the Graph")});
    table.add({QStringLiteral("run: start() to finished()"), fixed(run.runMs, 1),
               QStringLiteral("ms"), QStringLiteral("opens the store, walks, persists")});
    if (storeSeconds >= 0)
        table.add({QStringLiteral("  store share (replayed)"), fixed(storeSeconds * 1000.0, 1),
                   QStringLiteral("ms"),
                   QStringLiteral("%1 transitions, batches of %2")
                       .arg(grouped(events))
                       .arg(kSchedulerBatch)});
    if (storeSecondsNoSelection >= 0)
        table.add({QStringLiteral("  same, attempt without selection"),
                   fixed(storeSecondsNoSelection * 1000.0, 1), QStringLiteral("ms"),
                   QStringLiteral("diagnostic: cost of the stored selection")});
    table.add({QStringLiteral("wall: construction + run"), fixed(totalMs, 1), QStringLiteral("ms"),
               QStringLiteral("target <= 3000 ms")});
    table.add({QStringLiteral("CPU (user + sys), both threads"), fixed(cpu * 1000.0, 1),
               QStringLiteral("ms"), QString()});
    table.add({QStringLiteral("peak RSS (VmHWM)"), mib(peakKiB), QStringLiteral("MiB"),
               QStringLiteral("target <= 300 MB; contract alone +%1 MiB")
                   .arg(mib(rssContract - rssStart))});
    table.add({QStringLiteral("transitions announced"), grouped(run.announced), QString(),
               QStringLiteral("in %1 flushes").arg(grouped(run.batches))});
    table.add({QStringLiteral("transitions persisted (events)"), grouped(events), QString(),
               QStringLiteral("%1 nodes succeeded").arg(grouped(succeeded))});
    table.add({QStringLiteral("cost per persisted transition"), fixed(usPerTransition, 2),
               QStringLiteral("us"), QStringLiteral("wall / events")});
    table.print();
    print(QString());
    const double peakMB = double(peakKiB) * 1024.0 / 1e6;
    print(QStringLiteral("RESULT bench_noop: wall %1 s (target <= 3 s: %2), peak RSS %3 MB "
                         "(target <= 300 MB: %4), %5 transitions persisted, %6 us/transition")
              .arg(fixed(totalMs / 1000.0, 3),
                   totalMs <= 3000.0 ? QStringLiteral("met") : QStringLiteral("missed"),
                   fixed(peakMB, 1),
                   peakMB <= 300.0 ? QStringLiteral("met") : QStringLiteral("missed"),
                   grouped(events), fixed(usPerTransition, 2)));
    print(QStringLiteral("load:    %1 (1/5/15 min) at end").arg(loadAverage()));
    return ok ? 0 : 1;
}
