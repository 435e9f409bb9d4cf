// bench_pgstore: transitions per second through StateStore::record() + flush()
// on a PostgreSQL server, for a 10,000-node run (4 transitions a node, like a
// command node: queued, running, running with a process group, succeeded), by
// batch size (transitions per flush). Prints figures; asserts nothing.
//   bench_pgstore postgres://USER@HOST:PORT/DB [--nodes N]
// DB must exist; each batch size writes a new run into it.

#include "engine/store/statestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <cstdio>

using namespace vouch::engine;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2 || !StateStore::isServerUrl(args.at(1))) {
        std::fprintf(stderr, "usage: bench_pgstore postgres://USER@HOST:PORT/DB [--nodes N]\n");
        return 2;
    }
    const int nodes = args.indexOf(QStringLiteral("--nodes")) > 0
                          ? args.value(args.indexOf(QStringLiteral("--nodes")) + 1).toInt()
                          : 10000;
    QString error;
    auto store = StateStore::open(args.at(1), &error);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    QTextStream out(stdout);
    out << "bench_pgstore: " << nodes << "-node run, " << nodes * 4
        << " transitions per batch size\n";
    out << "batch  transitions/s  ms total\n";
    for (int batch : {50, 200, 1000, 5000}) {
        const qint64 run = store->createRun(
            QStringLiteral("bench"),
            QStringLiteral("B%1-%2").arg(batch).arg(QDateTime::currentMSecsSinceEpoch()),
            QString());
        const int attempt =
            store->beginAttempt(run, QStringLiteral("bench"), QStringLiteral("b"), {});
        QElapsedTimer timer;
        timer.start();
        int recorded = 0;
        for (int n = 0; n < nodes; ++n) {
            const QString id = QStringLiteral("node_%1").arg(n);
            for (NodeState state : {NodeState::Queued, NodeState::Running, NodeState::Running,
                                    NodeState::Succeeded}) {
                Transition t;
                t.runId = run;
                t.attempt = attempt;
                t.nodeId = id;
                t.state = state;
                t.at = QDateTime::currentDateTimeUtc();
                t.processGroup = state == NodeState::Running ? 1000 + n : 0;
                store->record(t);
                if (++recorded % batch == 0 && !store->flush(&error)) {
                    std::fprintf(stderr, "%s\n", qPrintable(error));
                    return 1;
                }
            }
        }
        if (!store->flush(&error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        const qint64 ms = std::max<qint64>(1, timer.elapsed());
        out << QString::number(batch).leftJustified(7)
            << QString::number(recorded * 1000 / ms).leftJustified(15) << ms << '\n';
        out.flush();
    }
    return 0;
}
