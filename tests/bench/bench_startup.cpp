// bench_startup: how long the app takes to be ready on a store with a year
// of weekly runs of a large path.
//
//   bench_startup [--nodes 5000] [--runs 52]
//
// Writes a contract of N noop nodes and a state store with R weekly runs of
// it (every node persisted per run), then measures, in this process, from
// constructing the main window to "ready": the contract opened, the latest run
// loaded into the model and the graph laid out (target <= 1 s for 52 runs of a
// 5,000-node path). Prints figures; asserts nothing. Run under Xvfb or
// QT_QPA_PLATFORM=offscreen.

#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"
#include "ui/graph/graphview.h"
#include "ui/mainwindow.h"
#include "ui/model/runmodel.h"
#include "ui/runcontroller.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimeZone>

#include <cstdio>
#include <random>

using namespace vouch;

namespace {

QByteArray contractYaml(int nodes)
{
    QByteArray y =
        "vouch: 1\nreport:\n  id: startup\n  name: Start-up bench\n  timezone: Europe/London\n"
        "  schedule: \"0 6 * * MON\"\n  publish_by: \"MON 12:00\"\n"
        "  sections: [{id: all, name: All, needs: [n00000], on_failure: hold}]\nnodes:\n";
    std::mt19937 rng(52);
    const int width = 100;
    for (int i = 0; i < nodes; ++i) {
        y += "  - {id: n" + QByteArray::number(i).rightJustified(5, '0') + ", kind: noop";
        const int layer = i / width;
        if (layer > 0) {
            std::uniform_int_distribution<int> pick((layer - 1) * width, layer * width - 1);
            const int a = pick(rng), b = pick(rng);
            y += ", needs: [n" + QByteArray::number(a).rightJustified(5, '0');
            if (b != a)
                y += ", n" + QByteArray::number(b).rightJustified(5, '0');
            y += "]";
        }
        y += "}\n";
    }
    return y;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // keep the user's settings out of it
    int nodes = 5000;
    int runs = 52;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--nodes"))
            nodes = args.at(++i).toInt();
        else if (args.at(i) == QLatin1String("--runs"))
            runs = args.at(++i).toInt();
    }
    QTemporaryDir dir;
    const QString contractPath = dir.filePath(QStringLiteral("contract.yaml"));
    const QString statePath = dir.filePath(QStringLiteral("state.db"));
    {
        QFile f(contractPath);
        if (!f.open(QIODevice::WriteOnly))
            return 2;
        f.write(contractYaml(nodes));
    }
    QElapsedTimer seeding;
    seeding.start();
    {
        QString error;
        auto store = engine::StateStore::open(statePath, &error);
        if (!store) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
        QStringList ids;
        for (int i = 0; i < nodes; ++i)
            ids << QStringLiteral("n%1").arg(i, 5, 10, QLatin1Char('0'));
        QDate monday(2025, 12, 1);
        for (int r = 0; r < runs; ++r, monday = monday.addDays(7)) {
            int year = 0;
            const int week = monday.weekNumber(&year);
            const QString period =
                QStringLiteral("%1-W%2").arg(year).arg(week, 2, 10, QLatin1Char('0'));
            const qint64 runId = store->createRun(QStringLiteral("startup"), period, contractPath);
            const int attempt =
                store->beginAttempt(runId, QStringLiteral("bench"), QStringLiteral("seed"), ids);
            const QDateTime start(monday.addDays(7), QTime(6, 0), QTimeZone::utc());
            for (int i = 0; i < nodes; ++i) {
                engine::Transition t;
                t.runId = runId;
                t.attempt = attempt;
                t.nodeId = ids.at(i);
                t.state = engine::NodeState::Running;
                t.at = start.addMSecs(i * 10);
                store->record(t);
                t.state = engine::NodeState::Succeeded;
                t.at = start.addMSecs(i * 10 + 5);
                store->record(t);
                if (store->pending() >= 4000)
                    store->flush();
            }
            store->flush();
            store->finishAttempt(runId, attempt);
        }
    }
    const double seedMs = double(seeding.nsecsElapsed()) / 1e6;

    QElapsedTimer ready;
    ready.start();
    ui::MainWindow window;
    window.resize(1600, 1000);
    window.show();
    QSignalSpy loaded(window.controller(), &ui::RunController::runLoaded);
    QSignalSpy laidOut(window.graphView(), &ui::GraphView::layoutReady);
    window.controller()->openContract(contractPath, statePath);
    const bool gotRun = loaded.count() > 0 || loaded.wait(60000);
    const double runLoadedMs = double(ready.nsecsElapsed()) / 1e6;
    const bool gotLayout =
        window.graphView()->isLayoutReady() || laidOut.count() > 0 || laidOut.wait(60000);
    app.processEvents();
    const double readyMs = double(ready.nsecsElapsed()) / 1e6;

    std::printf("== bench_startup (%s build)\n", VOUCH_BUILD_TYPE);
    std::printf("store: %d weekly runs of a %d-node path (%d node rows), seeded in %.0f ms\n", runs,
                nodes, runs * nodes, seedMs);
    std::printf("%-46s %9.1f ms %s\n", "window shown to latest run loaded in the model",
                runLoadedMs, gotRun ? "" : "(did not load)");
    std::printf("%-46s %9.1f ms   target <= 1000 ms %s\n", "window shown to graph laid out (ready)",
                readyMs, gotLayout ? "" : "(no layout)");
    return gotRun && gotLayout ? 0 : 1;
}
