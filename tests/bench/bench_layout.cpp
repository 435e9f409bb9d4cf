// bench_layout: the layered layout of the graph view.
//
// Lays out a contract's graph, or a generated 10,000-node / 15,000-edge
// layered DAG (layers of 100; each node needs one node of the layer before
// near its own place, plus extra needs, 70% from the layer before and 30%
// from two to four layers back), five times, and prints the median and the
// spread of the layout time, the crossings and the bounds. Target: <= 100 ms
// for the generated graph on a Release build. Figures only: never pass/fail.

#include "ui/graph/layeredlayout.h"

#include "engine/contract/contractloader.h"
#include "engine/graph/graph.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QStringList>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>

using namespace vouch;

namespace {

constexpr char kUsage[] =
    "usage: bench_layout [--runs N] [--sweeps N] [--nodes N --edges M] [CONTRACT]\n"
    "  CONTRACT   lay out this contract's graph instead of a generated one\n"
    "  --nodes N  generated nodes (default 10000)\n"
    "  --edges M  generated edges (default 15000)\n"
    "  --runs N   timed runs, median reported (default 5)\n"
    "  --sweeps N crossing-reduction sweeps (default: LayoutOptions')";

// splitmix64: the same graph on every machine and standard library.
class Rng
{
public:
    explicit Rng(std::uint64_t seed)
        : m_state(seed)
    {}
    int below(int bound)
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return int((z ^ (z >> 31)) % std::uint64_t(bound));
    }

private:
    std::uint64_t m_state;
};

engine::Graph layeredGraph(int count, int edges, int width = 100)
{
    Rng rng(20261123);
    QList<engine::Graph::NodeSpec> nodes;
    nodes.reserve(count);
    const auto id = [](int i) { return QStringLiteral("n%1").arg(i, 6, 10, QLatin1Char('0')); };
    const auto near = [&](int node, int back) {
        const int slot = std::clamp(node % width + rng.below(17) - 8, 0, width - 1);
        return (node / width - back) * width + slot;
    };
    int made = 0;
    for (int i = 0; i < count; ++i) {
        engine::Graph::NodeSpec spec;
        spec.id = id(i);
        if (i >= width) {
            spec.needs.append(id(near(i, 1)));
            ++made;
        }
        nodes.append(spec);
    }
    const int maxEdges = std::max(made, edges);
    for (int attempts = 0; made < maxEdges && attempts < 100 * maxEdges; ++attempts) {
        const int node = width + rng.below(std::max(1, count - width));
        if (node >= count)
            break;
        const int layer = node / width;
        const int back = rng.below(10) < 7 ? 1 : std::min(layer, 2 + rng.below(3));
        const QString need = id(near(node, back));
        if (!nodes[node].needs.contains(need)) {
            nodes[node].needs.append(need);
            ++made;
        }
    }
    return engine::Graph::fromSpecs(nodes);
}

void print(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    int runs = 5;
    int nodes = 10000;
    int edges = 15000;
    ui::LayoutOptions options;
    QString contractPath;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &arg = args.at(i);
        const auto number = [&](int &value, int least = 1) {
            bool ok = false;
            value = i + 1 < args.size() ? args.at(++i).toInt(&ok) : 0;
            return ok && value >= least;
        };
        bool ok = true;
        if (arg == QLatin1String("--runs"))
            ok = number(runs);
        else if (arg == QLatin1String("--sweeps"))
            ok = number(options.crossingSweeps, 0);
        else if (arg == QLatin1String("--nodes"))
            ok = number(nodes);
        else if (arg == QLatin1String("--edges"))
            ok = number(edges);
        else if (arg.startsWith(QLatin1Char('-')) || !contractPath.isEmpty())
            ok = false;
        else
            contractPath = arg;
        if (!ok) {
            std::fprintf(stderr, "%s\n", kUsage);
            return 2;
        }
    }

    engine::Graph graph;
    QString what;
    if (!contractPath.isEmpty()) {
        const engine::LoadResult loaded = engine::ContractLoader::loadFile(contractPath);
        if (!loaded.ok()) {
            for (const engine::Diagnostic &diagnostic : loaded.diagnostics)
                std::fprintf(stderr, "%s\n", qPrintable(diagnostic.format()));
            return 2;
        }
        graph = engine::Graph::fromContract(*loaded.contract);
        what = contractPath;
    } else {
        graph = layeredGraph(nodes, edges);
        what = QStringLiteral("generated layered DAG");
    }

    print(QStringLiteral("== bench_layout (%1 build, Qt %2)")
              .arg(QStringLiteral(VOUCH_BUILD_TYPE), QLatin1String(qVersion())));
    print(QStringLiteral("graph:     %1: %2 nodes, %3 edges%4")
              .arg(what)
              .arg(graph.size())
              .arg(graph.edgeCount())
              .arg(graph.isAcyclic() ? QString() : QStringLiteral(" (has cycles)")));

    // Wall and CPU time: on a shared, loaded machine CPU time is the figure
    // to trust (the layout is single-threaded).
    QList<double> times;
    QList<double> cpuTimes;
    ui::Layout layout;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timespec cpuStart{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpuStart);
        timer.start();
        layout = ui::layeredLayout(graph, options);
        times.append(double(timer.nsecsElapsed()) / 1e6);
        timespec cpuEnd{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpuEnd);
        cpuTimes.append(double(cpuEnd.tv_sec - cpuStart.tv_sec) * 1e3 +
                        double(cpuEnd.tv_nsec - cpuStart.tv_nsec) / 1e6);
    }
    QList<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    std::sort(cpuTimes.begin(), cpuTimes.end());

    qsizetype virtualNodes = 0;
    for (const ui::EdgeRoute &route : std::as_const(layout.edges)) {
        if (route.from != route.to)
            virtualNodes += (route.points.size() - 2) / 2;
    }
    QStringList each;
    for (double t : std::as_const(times))
        each << QString::number(t, 'f', 1);
    print(QStringLiteral("layout:    median %1 ms over %2 runs (min %3, max %4; runs: %5)")
              .arg(QString::number(sorted.at(sorted.size() / 2), 'f', 1))
              .arg(runs)
              .arg(QString::number(sorted.first(), 'f', 1), QString::number(sorted.last(), 'f', 1),
                   each.join(QLatin1String(", "))));
    print(QStringLiteral("cpu:       median %1 ms (min %2)")
              .arg(QString::number(cpuTimes.at(cpuTimes.size() / 2), 'f', 1),
                   QString::number(cpuTimes.first(), 'f', 1)));
    print(
        QStringLiteral("layers:    %1, virtual nodes %2").arg(layout.layerCount).arg(virtualNodes));
    print(QStringLiteral("crossings: %1 (%2 sweeps)")
              .arg(layout.crossings)
              .arg(options.crossingSweeps));
    print(QStringLiteral("bounds:    %1 x %2 px")
              .arg(layout.bounds.width(), 0, 'f', 0)
              .arg(layout.bounds.height(), 0, 'f', 0));
    return 0;
}
