// bench_cli: the `vouch` binary end to end, as a user meets it.
//
//   bench_cli [--quick] [--dir DIR] [--repeat R] [--nodes N[,N...]]
//             [--vouch PATH] [--before PATH] [--commands N] [--commands-only]
//
// Writes a layered contract of N noop nodes as YAML (benchsupport.h's DAG:
// layers of 100, 1-3 needs per node, fixed seed; a report whose one section
// needs the last layer's last node), then runs the real binary on it:
//   vouch validate FILE
//   vouch run FILE --state S --now 2026-11-30T06:00:00Z   (a fresh store each time)
//   vouch status FILE --state S --json
// R times each (default 3), at 1,000, 10,000 and 100,000 nodes (--quick: the
// first two). For each it prints the minimum and median of wall time, the
// child's CPU time (user + sys) and the child's peak resident memory, all
// from wait4(), and the growth order between sizes: the exponent
// log10(t(10N) / t(N)), 1 for linear. With --before PATH (e.g. main's
// Release binary) the same runs with that binary are printed beside.
// Targets at 100,000 nodes: run <= 3 s and <= 300 MB, validate <= 1 s,
// status --json <= 1.5 s. Prints figures; asserts nothing (it exits 1 only
// when a command fails).
//
// --commands N (default 10,000; 0 skips it) is issue 16's command goal end to
// end: `vouch run` of a contract of N independent `command` nodes running
// [true] at --concurrency 2 (stdout to a file, not a terminal), against
// `xargs -P2 -n1 true` reading N lines from a file, in interleaved rounds
// (xargs, then each binary) so that a change of background load hits all of
// them. Wall and CPU time (user + sys, children included) per round; the
// ratios to xargs are of the minima and the median of the per-round ratios.
// Target: wall ratio <= 1.10.

#include "benchsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

#include <fcntl.h>
#include <sys/wait.h>

using namespace vouch;
using namespace vouch::bench;

namespace {

constexpr char kUsage[] =
    "usage: bench_cli [--quick] [--dir DIR] [--repeat R] [--nodes N[,N...]] [--vouch PATH] "
    "[--before PATH]\n"
    "  --quick        1,000 and 10,000 nodes only (smoke run)\n"
    "  --dir DIR      write contracts and stores under DIR (default: $TMPDIR or /tmp)\n"
    "  --repeat R     run each command R times (default 3)\n"
    "  --nodes LIST   sizes to run, comma separated (default 1000,10000,100000)\n"
    "  --vouch PATH   the binary to measure (default: this build's)\n"
    "  --before PATH  also measure this binary (e.g. main's) and print both\n"
    "  --commands N   vouch run of N `true` commands at --concurrency 2 against\n"
    "                 xargs -P2 -n1 true (default 10000, --quick 1000; 0 = skip)\n"
    "  --commands-only  only that comparison";

constexpr char kNow[] = "2026-11-30T06:00:00Z";

// A contract's head up to `nodes:`: one report whose one section needs `last`.
QByteArray yamlHead(const QByteArray &name, const QString &last)
{
    return "vouch: 1\n"
           "report:\n"
           "  id: bench\n"
           "  name: " +
           name +
           "\n"
           "  timezone: Europe/London\n"
           "  schedule: \"0 6 * * MON\"\n"
           "  publish_by: \"MON 12:00\"\n"
           "  sections:\n"
           "    - {id: last, name: Last node, needs: [" +
           last.toLatin1() +
           "], on_failure: hold}\n"
           "nodes:\n";
}

// The contract as a user writes it: block style, one key per line.
QByteArray layeredYaml(int count)
{
    const auto contract = layeredContract(count, engine::NodeKind::Noop);
    QByteArray y = yamlHead("CLI benchmark", nodeId(count - 1));
    y.reserve(qsizetype(count) * 64);
    for (const engine::Node &node : contract->nodes) {
        y += "  - id: " + node.id.toLatin1() + "\n    kind: noop\n";
        if (!node.needs.isEmpty())
            y += "    needs: [" + node.needs.join(QStringLiteral(", ")).toLatin1() + "]\n";
    }
    return y;
}

struct Sample
{
    double wall = 0; // seconds
    double cpu = 0;  // seconds, user + sys of the child
    double rssMiB = 0;
    int exitCode = -1;
};

// fork/exec with stdin from `input` (or /dev/null), stdout to `output` (or
// /dev/null) and stderr to /dev/null; wait4 gives the child's own CPU time
// (its reaped children included) and peak RSS.
Sample runChild(const QString &program, const QStringList &args, const QString &input = {},
                const QString &output = {})
{
    QList<QByteArray> storage{QFile::encodeName(program)};
    for (const QString &a : args)
        storage << a.toLocal8Bit();
    std::vector<char *> argv;
    for (QByteArray &s : storage)
        argv.push_back(s.data());
    argv.push_back(nullptr);
    const QByteArray in = input.isEmpty() ? QByteArray("/dev/null") : QFile::encodeName(input);
    const QByteArray out = output.isEmpty() ? QByteArray("/dev/null") : QFile::encodeName(output);

    Sample s;
    Stopwatch clock;
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int stdinFd = ::open(in.constData(), O_RDONLY);
        const int stdoutFd = ::open(out.constData(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int devnull = ::open("/dev/null", O_WRONLY);
        if (stdinFd < 0 || stdoutFd < 0 || devnull < 0)
            ::_exit(126);
        ::dup2(stdinFd, 0);
        ::dup2(stdoutFd, 1);
        ::dup2(devnull, 2);
        ::execvp(argv[0], argv.data());
        ::_exit(127);
    }
    if (pid < 0)
        return s;
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    s.wall = clock.seconds();
    s.cpu = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
            double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    s.rssMiB = double(usage.ru_maxrss) / 1024.0;
    s.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return s;
}

struct Figures
{
    double wallMin = 0, wallMedian = 0, cpuMin = 0, cpuMedian = 0, rssMiB = 0;
    int exitCode = 0;
};

Figures summarise(QList<Sample> samples)
{
    Figures f;
    if (samples.isEmpty())
        return f;
    auto median = [&](auto field) {
        QList<double> v;
        for (const Sample &s : samples)
            v << s.*field;
        std::sort(v.begin(), v.end());
        return v.size() % 2 ? v.at(v.size() / 2)
                            : (v.at(v.size() / 2 - 1) + v.at(v.size() / 2)) / 2.0;
    };
    auto minimum = [&](auto field) {
        double m = samples.first().*field;
        for (const Sample &s : samples)
            m = std::min(m, s.*field);
        return m;
    };
    f.wallMin = minimum(&Sample::wall);
    f.wallMedian = median(&Sample::wall);
    f.cpuMin = minimum(&Sample::cpu);
    f.cpuMedian = median(&Sample::cpu);
    for (const Sample &s : samples) {
        f.rssMiB = std::max(f.rssMiB, s.rssMiB);
        if (s.exitCode != 0)
            f.exitCode = s.exitCode;
    }
    return f;
}

const QStringList kCommands = {QStringLiteral("validate"), QStringLiteral("run"),
                               QStringLiteral("status --json")};

// Every command at one size with one binary: figures per command.
QList<Figures> measure(const QString &vouch, const QString &contract, const QString &storeBase,
                       int repeat)
{
    QList<QList<Sample>> samples(kCommands.size());
    for (int r = 0; r < repeat; ++r) {
        const QString store = QStringLiteral("%1-%2.db").arg(storeBase).arg(r);
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(store + suffix);
        samples[0] << runChild(vouch, {QStringLiteral("validate"), contract});
        samples[1] << runChild(vouch, {QStringLiteral("run"), contract, QStringLiteral("--state"),
                                       store, QStringLiteral("--now"), QLatin1String(kNow)});
        samples[2] << runChild(vouch, {QStringLiteral("status"), contract,
                                       QStringLiteral("--state"), store, QStringLiteral("--json")});
    }
    QList<Figures> result;
    for (const auto &s : samples)
        result << summarise(s);
    return result;
}

// N independent `command` nodes running [true], as a user writes them.
QByteArray commandsYaml(int count)
{
    QByteArray y = yamlHead("Commands benchmark", nodeId(count - 1));
    y.reserve(qsizetype(count) * 48);
    for (int i = 0; i < count; ++i)
        y += "  - id: " + nodeId(i).toLatin1() + "\n    kind: command\n    run: [true]\n";
    return y;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// Issue 16's command goal: vouch run of `count` `true` commands at
// --concurrency 2 against xargs -P2 -n1 true, interleaved rounds.
bool compareWithXargs(const QList<std::pair<QString, QString>> &binaries, const QString &dir,
                      int count, int repeat)
{
    const QString contract = QStringLiteral("%1/commands-%2.yaml").arg(dir).arg(count);
    const QString lines = QStringLiteral("%1/lines-%2.txt").arg(dir).arg(count);
    QByteArray numbers;
    for (int i = 1; i <= count; ++i)
        numbers += QByteArray::number(i) + '\n';
    if (!writeFile(contract, commandsYaml(count)) || !writeFile(lines, numbers)) {
        std::fprintf(stderr, "bench_cli: cannot write under %s\n", qPrintable(dir));
        return false;
    }
    print(QStringLiteral("\n%1 `true` commands at --concurrency 2 against xargs -P2 -n1 true: "
                         "%2 rounds, interleaved")
              .arg(grouped(count))
              .arg(repeat));
    QList<Sample> xargs;
    QList<QList<Sample>> runs(binaries.size());
    for (int r = 0; r < repeat; ++r) {
        xargs << runChild(QStringLiteral("xargs"),
                          {QStringLiteral("-P2"), QStringLiteral("-n1"), QStringLiteral("true")},
                          lines);
        QString line = QStringLiteral("round %1/%2: xargs %3 s (cpu %4)")
                           .arg(r + 1)
                           .arg(repeat)
                           .arg(fixed(xargs.last().wall, 3), fixed(xargs.last().cpu, 2));
        for (int b = 0; b < binaries.size(); ++b) {
            const QString store = QStringLiteral("%1/commands-%2-%3.db").arg(dir).arg(b).arg(r);
            const QString logs = QFileInfo(store).absolutePath() + QStringLiteral("/logs");
            for (const QString &suffix :
                 {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                QFile::remove(store + suffix);
            QDir(logs).removeRecursively();
            runs[b] << runChild(binaries[b].second,
                                {QStringLiteral("run"), contract, QStringLiteral("--state"), store,
                                 QStringLiteral("--concurrency"), QStringLiteral("2"),
                                 QStringLiteral("--now"), QLatin1String(kNow)},
                                {}, store + QStringLiteral(".out"));
            line += QStringLiteral(", %1 %2 s (cpu %3)")
                        .arg(binaries[b].first, fixed(runs[b].last().wall, 3),
                             fixed(runs[b].last().cpu, 2));
        }
        print(line + QStringLiteral("; load %1").arg(loadAverage()));
    }
    const Figures base = summarise(xargs);
    Table table({QStringLiteral("what"), QStringLiteral("wall min s"), QStringLiteral("wall med s"),
                 QStringLiteral("cpu min s"), QStringLiteral("cpu med s"),
                 QStringLiteral("wall ratio (min)"), QStringLiteral("wall ratio (med)"),
                 QStringLiteral("cpu ratio (med)"), QStringLiteral("exit")});
    table.add({QStringLiteral("xargs -P2 -n1 true"), fixed(base.wallMin, 3),
               fixed(base.wallMedian, 3), fixed(base.cpuMin, 2), fixed(base.cpuMedian, 2),
               QStringLiteral("1.00"), QStringLiteral("1.00"), QStringLiteral("1.00"),
               QString::number(base.exitCode)});
    bool ok = base.exitCode == 0;
    for (int b = 0; b < binaries.size(); ++b) {
        const Figures f = summarise(runs[b]);
        QList<Sample> ratios; // per round, against that round's xargs
        for (int r = 0; r < repeat; ++r)
            ratios << Sample{runs[b][r].wall / std::max(xargs[r].wall, 1e-9),
                             runs[b][r].cpu / std::max(xargs[r].cpu, 1e-9), 0, 0};
        const Figures ratio = summarise(ratios);
        table.add({QStringLiteral("vouch run (%1)").arg(binaries[b].first), fixed(f.wallMin, 3),
                   fixed(f.wallMedian, 3), fixed(f.cpuMin, 2), fixed(f.cpuMedian, 2),
                   fixed(f.wallMin / std::max(base.wallMin, 1e-9), 2), fixed(ratio.wallMedian, 2),
                   fixed(ratio.cpuMedian, 2), QString::number(f.exitCode)});
        ok = ok && f.exitCode == 0;
    }
    table.print();
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Args args = parseArgs(argc, argv, kUsage);
    int repeat = 3;
    QList<int> sizes;
    QString vouch = QStringLiteral(VOUCH_BINARY);
    QString before;
    int commands = args.quick ? 1000 : 10000;
    bool commandsOnly = false;
    for (int i = 0; i < args.flags.size(); ++i) {
        const QString &flag = args.flags[i];
        const bool hasValue = i + 1 < args.flags.size();
        if (flag == QLatin1String("--repeat") && hasValue) {
            repeat = args.flags[++i].toInt();
        } else if (flag == QLatin1String("--nodes") && hasValue) {
            for (const QString &n : args.flags[++i].split(QLatin1Char(',')))
                sizes << n.toInt();
        } else if (flag == QLatin1String("--vouch") && hasValue) {
            vouch = args.flags[++i];
        } else if (flag == QLatin1String("--before") && hasValue) {
            before = args.flags[++i];
        } else if (flag == QLatin1String("--commands") && hasValue) {
            commands = args.flags[++i].toInt();
        } else if (flag == QLatin1String("--commands-only")) {
            commandsOnly = true;
        } else {
            std::fprintf(stderr, "bench_cli: unknown argument %s\n%s\n", qPrintable(flag), kUsage);
            return 2;
        }
    }
    if (sizes.isEmpty())
        sizes = args.quick ? QList<int>{1000, 10000} : QList<int>{1000, 10000, 100000};
    if (commandsOnly)
        sizes.clear();
    if (repeat <= 0 || commands < 0 || (commandsOnly && commands == 0) ||
        std::any_of(sizes.cbegin(), sizes.cend(), [](int n) { return n <= 0; })) {
        std::fprintf(stderr, "bench_cli: --repeat, --nodes and --commands need positive "
                             "numbers\n");
        return 2;
    }
    QList<std::pair<QString, QString>> binaries{{QStringLiteral("after"), vouch}};
    if (!before.isEmpty())
        binaries.prepend({QStringLiteral("before"), before});
    for (const auto &[label, path] : binaries) {
        if (!QFileInfo(path).isExecutable()) {
            std::fprintf(stderr, "bench_cli: %s is not an executable (build the vouch target)\n",
                         qPrintable(path));
            return 2;
        }
    }

    printMachine("bench_cli", args.quick);
    for (const auto &[label, path] : binaries)
        print(QStringLiteral("%1: %2").arg(label, QFileInfo(path).absoluteFilePath()));
    print(QStringLiteral("repeat: %1 (min and median of each); run: a fresh store each time, "
                         "--now %2")
              .arg(repeat)
              .arg(QLatin1String(kNow)));
    const auto workDir = workDirectory(args);
    const QString dir = workDir->path();

    // figures[binary][size][command]
    QList<QList<QList<Figures>>> figures(binaries.size());
    bool failed = false;
    for (int n : sizes) {
        const QString contract = QStringLiteral("%1/contract-%2.yaml").arg(dir).arg(n);
        QFile file(contract);
        const QByteArray yaml = layeredYaml(n);
        if (!file.open(QIODevice::WriteOnly) || file.write(yaml) != yaml.size()) {
            std::fprintf(stderr, "bench_cli: cannot write %s\n", qPrintable(contract));
            return 2;
        }
        file.close();
        print(QStringLiteral("\n%1 nodes: %2 (%3 MB of YAML)")
                  .arg(grouped(n), contract, fixed(double(yaml.size()) / 1e6, 2)));
        for (int b = 0; b < binaries.size(); ++b) {
            figures[b] << measure(binaries[b].second, contract,
                                  QStringLiteral("%1/state-%2-%3").arg(dir).arg(n).arg(b), repeat);
        }
        Table table({QStringLiteral("command"), QStringLiteral("binary"),
                     QStringLiteral("wall min s"), QStringLiteral("wall med s"),
                     QStringLiteral("cpu min s"), QStringLiteral("cpu med s"),
                     QStringLiteral("peak MiB"), QStringLiteral("exit")});
        for (int c = 0; c < kCommands.size(); ++c) {
            for (int b = 0; b < binaries.size(); ++b) {
                const Figures &f = figures[b].last().at(c);
                failed = failed || f.exitCode != 0;
                table.add({kCommands[c], binaries[b].first, fixed(f.wallMin, 3),
                           fixed(f.wallMedian, 3), fixed(f.cpuMin, 3), fixed(f.cpuMedian, 3),
                           fixed(f.rssMiB, 1), QString::number(f.exitCode)});
            }
        }
        table.print();
    }

    if (sizes.size() > 1) {
        print(QStringLiteral("\ngrowth order: log10(t(large) / t(small)) / log10(large / small); "
                             "1 = linear"));
        Table growth({QStringLiteral("command"), QStringLiteral("binary"), QStringLiteral("sizes"),
                      QStringLiteral("cpu ratio"), QStringLiteral("cpu order"),
                      QStringLiteral("wall order"), QStringLiteral("memory ratio")});
        for (int c = 0; c < kCommands.size(); ++c) {
            for (int b = 0; b < binaries.size(); ++b) {
                for (int s = 1; s < sizes.size(); ++s) {
                    const Figures &small = figures[b].at(s - 1).at(c);
                    const Figures &large = figures[b].at(s).at(c);
                    const double scale = std::log10(double(sizes[s]) / double(sizes[s - 1]));
                    const auto order = [scale](double a, double z) {
                        return a > 0 && z > 0 ? fixed(std::log10(z / a) / scale, 2)
                                              : QStringLiteral("-");
                    };
                    growth.add(
                        {kCommands[c], binaries[b].first,
                         QStringLiteral("%1 -> %2").arg(grouped(sizes[s - 1]), grouped(sizes[s])),
                         fixed(large.cpuMedian / std::max(small.cpuMedian, 1e-9), 1),
                         order(small.cpuMedian, large.cpuMedian),
                         order(small.wallMedian, large.wallMedian),
                         fixed(large.rssMiB / std::max(small.rssMiB, 1e-9), 1)});
                }
            }
        }
        growth.print();
    }
    if (commands > 0)
        failed = !compareWithXargs(binaries, dir, commands, repeat) || failed;
    print(QStringLiteral("\nload:    %1 (1/5/15 min) at end").arg(loadAverage()));
    if (failed)
        print(QStringLiteral("some command exited non-zero (see 'exit'): the figures are not "
                             "of a successful run"));
    return failed ? 1 : 0;
}
