#pragma once

#include "engine/graph/nodestate.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QString>
#include <QTextStream>

#include <optional>

namespace vouch::cli {

// How `vouch run`, `rerun` and `demo --headless` print nodes as they end.
enum class ProgressMode
{
    All,   // a line for every node (the default on a terminal)
    Brief, // successes throttled to a few lines a second; everything else in full
};

// The mode --progress asks for, or the default for where stdout goes; an
// unknown value gives nullopt (the caller says so).
std::optional<ProgressMode> progressMode(const QString &option, bool stdoutIsTerminal);

// Prints committed transitions: every failure, warning, retry, wait and
// cancellation as it happens; in Brief mode, for an attempt of more than
// kAllLinesUpTo nodes, at most kBriefLinesPerSecond
// successes a second, the rest counted and summarised once the second is
// over ("✔ 1,234 more succeeded (4,000 of 10,000 done)") and at the end.
class ProgressPrinter
{
public:
    static constexpr int kBriefLinesPerSecond = 20;
    static constexpr int kAllLinesUpTo = 100; // a smaller attempt never floods: every line

    ProgressPrinter(QTextStream &out, ProgressMode mode, int nodes);

    void print(const QList<engine::Transition> &batch);
    // The last summary of unprinted successes, if any; call once at the end.
    void finish();

private:
    void printLine(const engine::Transition &t);
    void summarise();

    QTextStream &m_out;
    ProgressMode m_mode;
    int m_nodes;
    int m_done = 0;
    int m_unprinted = 0; // successes not printed since the last summary
    int m_printedInWindow = 0;
    QElapsedTimer m_window; // pacing of output only; never judges the run
    QHash<QString, QDateTime> m_started;
};

} // namespace vouch::cli
