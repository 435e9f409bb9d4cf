#pragma once

// What every engine benchmark shares: a generated layered DAG built directly
// in C++ (so generating it never dominates what is measured), a stopwatch,
// CPU time and peak memory from the kernel, a description of the machine and
// a plain-text table. Benchmarks print figures and ratios; they never decide
// pass or fail on time.

#include "engine/contract/contract.h"
#include "engine/run/runthread.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QStringList>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <cstdint>
#include <cstdio>
#include <memory>

#include <sys/resource.h>
#include <unistd.h>

namespace vouch::bench {

// ------------------------------------------------------------------ the DAG

// A small, fully specified generator (splitmix64), so the DAG is the same on
// every machine and standard library.
class Rng
{
public:
    explicit Rng(std::uint64_t seed)
        : m_state(seed)
    {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    int below(int bound) { return int(next() % std::uint64_t(bound)); }

private:
    std::uint64_t m_state;
};

constexpr std::uint64_t kSeed = 20261123;
constexpr int kLayerWidth = 100;

inline QString nodeId(int index)
{
    return QStringLiteral("n%1").arg(index, 6, 10, QLatin1Char('0'));
}

// `count` nodes in layers of `width`. Every node after the first layer needs
// 1, 2 or 3 distinct nodes of the layer before it (60% / 30% / 10%: about 1.5
// edges per node), like a reporting path where each model reads a few models
// of the stage before.
inline std::shared_ptr<const engine::Contract> layeredContract(int count, engine::NodeKind kind,
                                                               const QStringList &argv = {},
                                                               int width = kLayerWidth,
                                                               std::uint64_t seed = kSeed)
{
    auto contract = std::make_shared<engine::Contract>();
    contract->report.id = QStringLiteral("bench");
    contract->report.name = QStringLiteral("Engine benchmark");
    contract->report.timezone = QByteArrayLiteral("Europe/London");
    contract->nodes.reserve(count);
    Rng rng(seed);
    for (int i = 0; i < count; ++i) {
        engine::Node node;
        node.id = nodeId(i);
        node.kind = kind;
        node.argv = argv;
        const int layer = i / width;
        if (layer > 0) {
            const int roll = rng.below(10);
            const int wanted = roll < 6 ? 1 : roll < 9 ? 2 : 3;
            const int first = (layer - 1) * width;
            QList<int> picked;
            while (picked.size() < wanted) {
                const int up = first + rng.below(width);
                if (!picked.contains(up))
                    picked.append(up);
            }
            for (int up : picked)
                node.needs.append(nodeId(up));
        }
        contract->nodes.append(std::move(node));
    }
    return contract;
}

inline engine::RunContext benchContext()
{
    return *engine::contextForPeriod(QStringLiteral("2026-W47"), QDateTime());
}

// ------------------------------------------------------------------ running

struct RunFigures
{
    QString error;
    qint64 runId = 0;
    int attempt = 0;
    double constructMs = 0; // RunThread + Scheduler construction (builds the Graph)
    double runMs = 0;       // start() to finished()
    int batches = 0;        // transitionsCommitted() signals: one per store flush
    qint64 announced = 0;   // transitions announced (each persisted first)
};

// One attempt through the public API, as `vouch run` does it, on a fresh store.
inline RunFigures runContract(const std::shared_ptr<const engine::Contract> &contract,
                              const QString &statePath, int concurrency)
{
    RunFigures figures;
    engine::RunOptions options;
    options.concurrency = concurrency;
    options.statePath = statePath;
    options.who = QStringLiteral("bench");
    options.reason = QStringLiteral("benchmark");
    options.jitterSeed = 1;
    QElapsedTimer timer;
    timer.start();
    engine::RunThread thread(contract, benchContext(), options);
    figures.constructMs = double(timer.nsecsElapsed()) / 1e6;
    QObject::connect(&thread, &engine::RunThread::runStarted, [&](qint64 id, int attempt) {
        figures.runId = id;
        figures.attempt = attempt;
    });
    QObject::connect(&thread, &engine::RunThread::transitionsCommitted,
                     [&](const QList<engine::Transition> &batch) {
                         ++figures.batches;
                         figures.announced += batch.size();
                     });
    timer.restart();
    figures.error = thread.runToEnd();
    figures.runMs = double(timer.nsecsElapsed()) / 1e6;
    return figures;
}

// Rows in the store's event log for a run: what was really persisted.
inline qint64 countEvents(const QString &statePath, qint64 runId, qint64 *succeeded = nullptr)
{
    qint64 count = -1;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-count"));
        db.setDatabaseName(statePath);
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(
                QStringLiteral("SELECT count(*), coalesce(sum(state = 'succeeded'), 0) FROM events "
                               "WHERE run_id = ?"));
            q.addBindValue(runId);
            if (q.exec() && q.next()) {
                count = q.value(0).toLongLong();
                if (succeeded)
                    *succeeded = q.value(1).toLongLong();
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-count"));
    return count;
}

// ------------------------------------------------------------------ the store alone

// A fresh store with one run and one attempt to record transitions into.
struct StoreFixture
{
    std::unique_ptr<engine::StateStore> store;
    qint64 runId = 0;
    int attempt = 0;
    QString error;
};

// `selection` is recorded with the attempt, as the scheduler records every
// node id it runs.
inline StoreFixture openFreshStore(const QString &path, const QStringList &selection = {})
{
    StoreFixture f;
    f.store = engine::StateStore::open(path, &f.error);
    if (!f.store)
        return f;
    f.runId = f.store->createRun(QStringLiteral("bench"), QStringLiteral("2026-W47"), QString());
    f.attempt = f.runId > 0 ? f.store->beginAttempt(f.runId, QStringLiteral("bench"),
                                                    QStringLiteral("benchmark"), selection)
                            : 0;
    if (f.runId <= 0 || f.attempt <= 0)
        f.error = f.store->lastError();
    return f;
}

// Transitions shaped like the scheduler's. A noop node goes pending ->
// succeeded; a command node pending -> running (log path) -> running
// (process group) -> succeeded ("exit code 0").
inline QList<engine::Transition> sampleTransitions(qint64 runId, int attempt, int count,
                                                   bool command)
{
    using engine::NodeState;
    QList<engine::Transition> list;
    list.reserve(count);
    const int perNode = command ? 4 : 2;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < count; ++i) {
        const int node = i / perNode;
        const int step = i % perNode;
        engine::Transition t;
        t.runId = runId;
        t.attempt = attempt;
        t.nodeId = nodeId(node);
        t.at = now.addMSecs(i);
        t.tries = step == 0 ? 0 : 1;
        if (!command) {
            t.state = step == 0 ? NodeState::Pending : NodeState::Succeeded;
        } else {
            t.state = step == 0   ? NodeState::Pending
                      : step == 3 ? NodeState::Succeeded
                                  : NodeState::Running;
            if (step > 0)
                t.logPath = QStringLiteral("/tmp/vouch-bench/logs/1/1/%1.1.log").arg(t.nodeId);
            if (step == 2)
                t.processGroup = 100000 + node;
            if (step == 3)
                t.message = QStringLiteral("exit code 0");
        }
        list.append(std::move(t));
    }
    return list;
}

// record() every transition and flush() after each `batch` of them, as the
// scheduler does. Returns seconds, or -1 with *error set.
inline double persist(engine::StateStore &store, const QList<engine::Transition> &transitions,
                      int batch, QString *error)
{
    QElapsedTimer timer;
    timer.start();
    int inBatch = 0;
    for (const engine::Transition &t : transitions) {
        store.record(t);
        if (++inBatch == batch) {
            inBatch = 0;
            if (!store.flush(error))
                return -1;
        }
    }
    if (!store.flush(error))
        return -1;
    return double(timer.nsecsElapsed()) / 1e9;
}

// ------------------------------------------------------------------ measuring

class Stopwatch
{
public:
    Stopwatch() { m_timer.start(); }
    double seconds() const { return double(m_timer.nsecsElapsed()) / 1e9; }
    double ms() const { return double(m_timer.nsecsElapsed()) / 1e6; }

private:
    QElapsedTimer m_timer;
};

// User + system CPU seconds of this process and of its reaped children.
inline double cpuSeconds()
{
    const auto of = [](int who) {
        rusage usage{};
        ::getrusage(who, &usage);
        return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    };
    return of(RUSAGE_SELF) + of(RUSAGE_CHILDREN);
}

// A field of /proc/self/status in KiB (VmHWM = peak resident set), 0 if absent.
inline qint64 procStatusKiB(const char *field)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return 0;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

inline QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

// ------------------------------------------------------------------ reporting

inline void print(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

inline QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

inline QString grouped(qint64 value)
{
    QString digits = QString::number(value);
    for (int i = int(digits.size()) - 3; i > (value < 0 ? 1 : 0); i -= 3)
        digits.insert(i, QLatin1Char(','));
    return digits;
}

// A left-aligned first column, then right-aligned columns.
class Table
{
public:
    explicit Table(QStringList header) { m_rows.append(std::move(header)); }
    void add(QStringList row) { m_rows.append(std::move(row)); }
    void print() const
    {
        QList<int> widths;
        for (const QStringList &row : m_rows) {
            for (int c = 0; c < row.size(); ++c) {
                if (widths.size() <= c)
                    widths.append(0);
                widths[c] = std::max(widths[c], int(row[c].size()));
            }
        }
        for (int r = 0; r < m_rows.size(); ++r) {
            QString line;
            for (int c = 0; c < m_rows[r].size(); ++c) {
                const QString &cell = m_rows[r][c];
                line += c == 0 ? cell.leftJustified(widths[c])
                               : QStringLiteral("  ") + cell.rightJustified(widths[c]);
            }
            while (line.endsWith(QLatin1Char(' ')))
                line.chop(1);
            bench::print(line);
            if (r == 0) {
                int total = 0;
                for (int w : widths)
                    total += w + 2;
                bench::print(QString(total - 2, QLatin1Char('-')));
            }
        }
    }

private:
    QList<QStringList> m_rows;
};

inline QString firstMatch(const QString &path, const QString &pattern)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return QStringLiteral("?");
    const auto match =
        QRegularExpression(pattern, QRegularExpression::MultilineOption).match(file.readAll());
    return match.hasMatch() ? match.captured(1).trimmed() : QStringLiteral("?");
}

// The machine, so that figures are never quoted without it.
inline void printMachine(const char *benchmark, bool quick)
{
    const qint64 memKiB =
        firstMatch(QStringLiteral("/proc/meminfo"), QStringLiteral("^MemTotal:\\s*(\\d+)"))
            .toLongLong();
    print(QStringLiteral("== %1%2").arg(QLatin1String(benchmark),
                                        quick ? QStringLiteral(" (--quick)") : QString()));
    print(QStringLiteral("machine: %1 cores (nproc), %2, %3 GiB RAM")
              .arg(::sysconf(_SC_NPROCESSORS_ONLN))
              .arg(firstMatch(QStringLiteral("/proc/cpuinfo"),
                              QStringLiteral("^model name\\s*:\\s*(.*)$")))
              .arg(fixed(double(memKiB) / 1024.0 / 1024.0, 1)));
    print(QStringLiteral("system:  %1, kernel %2; g++ %3; %4 build; Qt %5")
              .arg(QSysInfo::prettyProductName(), QSysInfo::kernelVersion(),
                   QStringLiteral(__VERSION__), QStringLiteral(VOUCH_BUILD_TYPE),
                   QLatin1String(qVersion())));
    print(QStringLiteral("load:    %1 (1/5/15 min) at start").arg(loadAverage()));
}

struct Args
{
    bool quick = false;
    QString dir;       // --dir: where the state store and logs go (default: $TMPDIR)
    QStringList flags; // the other flags given
};

inline Args parseArgs(int argc, char **argv, const char *usage)
{
    Args args;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (arg == QLatin1String("--quick")) {
            args.quick = true;
        } else if (arg == QLatin1String("--dir") && i + 1 < argc) {
            args.dir = QString::fromLocal8Bit(argv[++i]);
        } else if (arg == QLatin1String("--help") || arg == QLatin1String("-h")) {
            std::printf("%s\n", usage);
            std::exit(0);
        } else {
            args.flags << arg;
        }
    }
    return args;
}

// A fresh directory for stores and logs, removed at exit: under --dir if
// given (e.g. /dev/shm to take the file system out), else the system's.
inline std::unique_ptr<QTemporaryDir> workDirectory(const Args &args)
{
    auto dir =
        args.dir.isEmpty()
            ? std::make_unique<QTemporaryDir>()
            : std::make_unique<QTemporaryDir>(args.dir + QStringLiteral("/vouch-bench-XXXXXX"));
    if (!dir->isValid()) {
        std::fprintf(stderr, "no temporary directory: %s\n", qPrintable(dir->errorString()));
        std::exit(1);
    }
    // VOUCH_BENCH_KEEP=1 leaves the files behind, to profile a command by hand.
    const bool keep = qEnvironmentVariableIntValue("VOUCH_BENCH_KEEP") == 1;
    dir->setAutoRemove(!keep);
    print(QStringLiteral("files:   %1%2")
              .arg(dir->path(), keep ? QStringLiteral(" (kept)") : QString()));
    return dir;
}

} // namespace vouch::bench
