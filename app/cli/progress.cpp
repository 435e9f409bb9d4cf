#include "app/cli/progress.h"

#include "app/cli/common.h"
#include "engine/contract/duration.h"

#include <QLocale>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

QString formatMs(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1s").arg(double(ms) / 1000.0, 0, 'f', 1);
    return formatDuration(Duration(ms / 1000));
}

} // namespace

std::optional<ProgressMode> progressMode(const QString &option, bool stdoutIsTerminal)
{
    if (option.isEmpty())
        return stdoutIsTerminal ? ProgressMode::All : ProgressMode::Brief;
    if (option == QLatin1String("all"))
        return ProgressMode::All;
    if (option == QLatin1String("brief"))
        return ProgressMode::Brief;
    return std::nullopt;
}

ProgressPrinter::ProgressPrinter(QTextStream &out, ProgressMode mode, int nodes)
    : m_out(out)
    , m_mode(nodes > kAllLinesUpTo ? mode : ProgressMode::All)
    , m_nodes(nodes)
{
    m_window.start();
}

void ProgressPrinter::print(const QList<Transition> &batch)
{
    for (const Transition &t : batch) {
        if (t.state == NodeState::Running) {
            if (!m_started.contains(t.nodeId))
                m_started.insert(t.nodeId, t.at);
            if (t.waiting)
                m_out << "  " << glyph(t.state) << ' '
                      << QStringLiteral("waiting").leftJustified(16) << t.nodeId << "  "
                      << t.message.mid(9) << '\n';
            continue;
        }
        if (!isTerminal(t.state) && t.state != NodeState::Retrying)
            continue;
        if (isTerminal(t.state))
            ++m_done;
        if (m_mode == ProgressMode::Brief && t.state == NodeState::Succeeded) {
            if (m_window.elapsed() >= 1000) {
                summarise();
                m_window.restart();
                m_printedInWindow = 0;
            }
            if (m_printedInWindow >= kBriefLinesPerSecond) {
                ++m_unprinted;
                m_started.remove(t.nodeId);
                continue;
            }
            ++m_printedInWindow;
        }
        printLine(t);
    }
    m_out.flush();
}

void ProgressPrinter::finish()
{
    summarise();
    m_out.flush();
}

void ProgressPrinter::printLine(const Transition &t)
{
    m_out << "  " << glyph(t.state) << ' ' << toString(t.state).leftJustified(16) << t.nodeId;
    const auto started = m_started.constFind(t.nodeId);
    if (started != m_started.cend() && isTerminal(t.state))
        m_out << " (" << formatMs(started->msecsTo(t.at)) << ')';
    if (!t.message.isEmpty())
        m_out << "  " << t.message;
    m_out << '\n';
    if (isTerminal(t.state))
        m_started.remove(t.nodeId);
}

void ProgressPrinter::summarise()
{
    if (m_unprinted == 0)
        return;
    const QLocale english(QLocale::English); // 1,234: the CLI speaks English
    m_out << "  " << glyph(NodeState::Succeeded) << " … " << english.toString(m_unprinted)
          << " more succeeded (" << english.toString(m_done) << " of " << english.toString(m_nodes)
          << " done)\n";
    m_unprinted = 0;
}

} // namespace vouch::cli
