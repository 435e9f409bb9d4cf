#include "engine/run/dbtbatch.h"

#include "engine/graph/graph.h"
#include "engine/run/cappedlog.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTimer>

namespace vouch::engine {

namespace {

// A log line longer than this is not one of dbt's events: it is cut, not kept.
constexpr qsizetype kMaxLine = 4 * 1024 * 1024;
constexpr int kHoldMs = 300;

QString when(const QString &ts)
{
    return ts.isEmpty() ? QString() : ts + u' ';
}

} // namespace

DbtBatch::DbtBatch(DbtBatchSpec spec, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
{
    qRegisterMetaType<vouch::engine::dbtrun::NodeResult>();
    DbtResource &p = m_spec.project;
    for (QString *text : {&p.program, &p.projectDir, &p.profilesDir, &p.target})
        *text = expandEnvironment(*text, m_spec.context);
    m_spec.environment.remove(QStringLiteral("VOUCH_NODE")); // the invocation is no one node
    for (const DbtBatchMember &m : std::as_const(m_spec.members)) {
        m_nodeOf.insert(m.uniqueId, m.nodeId);
        m_member.insert(m.nodeId, &m);
    }
}

DbtBatch::~DbtBatch()
{
    delete m_executor; // kills the group if it still runs
    for (const auto &log : std::as_const(m_logs))
        log->finish();
}

QString DbtBatch::keyOf(const Node &node)
{
    QString key = node.dbt ? node.dbt->batchKey() : QString();
    for (auto it = node.env.cbegin(); it != node.env.cend(); ++it)
        key += QChar(0x1e) + it.key() + u'=' + it.value();
    return key;
}

QStringList DbtBatch::argv() const
{
    QStringList selectors;
    for (const DbtBatchMember &m : m_spec.members)
        selectors << m.selector;
    QStringList argv = m_spec.project.commandFor(selectors);
    argv << QStringLiteral("--log-format") << QStringLiteral("json");
    return argv;
}

QString DbtBatch::runResultsPath() const
{
    const QString base =
        m_spec.project.projectDir.isEmpty() ? QDir::currentPath() : m_spec.project.projectDir;
    const QString target =
        m_spec.environment.value(QStringLiteral("DBT_TARGET_PATH"), QStringLiteral("target"));
    return QDir(QDir(base).absoluteFilePath(target)).filePath(QStringLiteral("run_results.json"));
}

void DbtBatch::start()
{
    CommandSpec spec;
    spec.argv = argv();
    m_commandLine = spec.argv.join(u' ');
    spec.environment = m_spec.environment;
    spec.workingDirectory = m_spec.project.projectDir;
    spec.killGrace = m_spec.killGrace;
    spec.logPath = m_spec.logPath;
    spec.maxLogBytes = m_spec.maxLogBytes;
    m_executor = new CommandExecutor(spec, this);
    connect(m_executor, &CommandExecutor::started, this, &DbtBatch::started);
    connect(m_executor, &CommandExecutor::output, this, &DbtBatch::onOutput);
    connect(m_executor, &CommandExecutor::finished, this, &DbtBatch::onProcessFinished);
    const QFileInfo earlier(runResultsPath());
    m_earlierResults = earlier.exists() ? earlier.lastModified() : QDateTime();
    m_executor->start();
}

void DbtBatch::cancel()
{
    m_stopping = true;
    if (m_executor)
        m_executor->cancel();
}

void DbtBatch::onOutput(const QByteArray &chunk)
{
    m_partial += chunk;
    qsizetype from = 0;
    for (qsizetype nl = m_partial.indexOf('\n'); nl >= 0; nl = m_partial.indexOf('\n', from)) {
        onLine(m_partial.mid(from, nl - from));
        from = nl + 1;
    }
    m_partial.remove(0, from);
    if (m_partial.size() > kMaxLine)
        m_partial.clear();
}

CappedLog *DbtBatch::logOf(const QString &nodeId)
{
    if (auto log = m_logs.value(nodeId))
        return log.get();
    const DbtBatchMember *member = m_member.value(nodeId);
    auto log =
        std::make_shared<CappedLog>(member ? member->logPath : QString(), m_spec.maxLogBytes);
    if (!log->open())
        log = std::make_shared<CappedLog>(QString(), m_spec.maxLogBytes); // counts, writes nothing
    log->append(QStringLiteral("[vouch: run by one dbt invocation of %1 node(s): %2; its whole "
                               "output is in %3]\n")
                    .arg(m_spec.members.size())
                    .arg(m_commandLine, m_spec.logPath)
                    .toUtf8());
    m_logs.insert(nodeId, log);
    return log.get();
}

void DbtBatch::onLine(const QByteArray &line)
{
    const std::optional<dbtrun::LogEvent> event = dbtrun::parseLogLine(line);
    if (!event) { // plain text (dbt before its logger is set up: usage errors)
        if (!line.trimmed().isEmpty())
            m_lastMessage = QString::fromUtf8(line).simplified().left(500);
        return;
    }
    if (m_invocationId.isEmpty())
        m_invocationId = event->invocationId;
    const QString nodeId = m_nodeOf.value(event->uniqueId);
    if (event->uniqueId.isEmpty() && !event->msg.trimmed().isEmpty()) {
        const QString text = event->msg.simplified().left(500);
        if (event->level == QLatin1String("error"))
            m_lastError = text;
        m_lastMessage = text;
    }
    if (!m_held.isEmpty() && nodeId != m_held)
        releaseHeld();
    if (nodeId.isEmpty())
        return;
    if (!event->msg.isEmpty()) {
        const QByteArray text = (when(event->name) + event->msg + u'\n').toUtf8();
        logOf(nodeId)->append(text);
        Q_EMIT output(nodeId, text);
    }
    if (m_done.contains(nodeId))
        return;
    if (event->kind == dbtrun::LogEvent::Kind::Started && !m_timers.contains(nodeId)) {
        const DbtBatchMember *member = m_member.value(nodeId);
        auto *timer = new QTimer(this);
        m_timers.insert(nodeId, timer);
        if (member->timeout) {
            timer->setSingleShot(true);
            connect(timer, &QTimer::timeout, this, [this, nodeId] {
                if (m_done.contains(nodeId) || m_held == nodeId || m_stopping)
                    return;
                m_timedOut = nodeId;
                cancel();
            });
            timer->start(std::chrono::duration_cast<std::chrono::milliseconds>(*member->timeout));
        }
        Q_EMIT nodeStarted(nodeId, logOf(nodeId)->path());
    } else if (event->kind == dbtrun::LogEvent::Kind::Finished) {
        const bool detailed = event->name == QLatin1String("NodeFinished");
        if (m_held == nodeId) {
            if (detailed && !event->result.message.isEmpty())
                m_heldResult.message = event->result.message;
            if (event->result.failures)
                m_heldResult.failures = event->result.failures;
            releaseHeld();
        } else if (detailed || event->result.verdict == dbtrun::NodeResult::Verdict::Skipped) {
            finishNode(nodeId, event->result);
        } else {
            // A result line (LogModelResult, LogTestResult, …) is followed at
            // once by NodeFinished, whose run_result has dbt's whole message,
            // when dbt writes its debug events: the end waits for the next
            // line about something else, or kHoldMs.
            m_held = nodeId;
            m_heldResult = event->result;
            QTimer::singleShot(kHoldMs, this, [this, nodeId] {
                if (m_held == nodeId)
                    releaseHeld();
            });
        }
    }
}

void DbtBatch::releaseHeld()
{
    if (!m_held.isEmpty())
        finishNode(std::exchange(m_held, {}), m_heldResult);
}

void DbtBatch::finishNode(const QString &nodeId, const dbtrun::NodeResult &result)
{
    m_done.insert(nodeId);
    if (QTimer *timer = m_timers.value(nodeId))
        timer->stop();
    Q_EMIT nodeFinished(nodeId, result);
}

void DbtBatch::onProcessFinished(const CommandResult &result)
{
    if (!m_partial.isEmpty())
        onLine(std::exchange(m_partial, {}));
    releaseHeld();
    for (QTimer *timer : std::as_const(m_timers))
        timer->stop();
    // run_results.json is the record of the invocation: it settles what the
    // log left open, if it is this invocation's (a file left by an earlier
    // one must not speak for this one).
    const QString path = runResultsPath();
    const QFileInfo info(path);
    if (info.exists() && result.outcome != CommandResult::Outcome::FailedToStart) {
        const dbtrun::RunResults record = dbtrun::readRunResults(path);
        const bool ours = !m_invocationId.isEmpty() ? record.invocationId == m_invocationId
                                                    : !m_earlierResults.isValid() ||
                                                          info.lastModified() != m_earlierResults;
        if (record.error.isEmpty() && ours) {
            for (const DbtBatchMember &m : std::as_const(m_spec.members)) {
                if (m_done.contains(m.nodeId))
                    continue;
                if (const auto it = record.results.constFind(m.uniqueId);
                    it != record.results.constEnd())
                    finishNode(m.nodeId, *it);
            }
        }
    }
    QStringList unreported;
    for (const DbtBatchMember &m : std::as_const(m_spec.members)) {
        if (!m_done.contains(m.nodeId))
            unreported << m.nodeId;
    }
    for (const auto &log : std::as_const(m_logs))
        log->finish();
    Q_EMIT finished(result, unreported);
}

QString DbtBatch::whyUnreported(const CommandResult &process, const QString &selector) const
{
    if (process.outcome == CommandResult::Outcome::FailedToStart)
        return process.message;
    if (process.outcome == CommandResult::Outcome::Succeeded)
        return QStringLiteral("dbt ended (exit code 0) without running it: does selector '%1' "
                              "pick it in the project?")
            .arg(selector);
    const QString said = lastMessage();
    return QStringLiteral("dbt ended before it reported this node (%1)%2")
        .arg(process.signal ? QStringLiteral("killed by signal %1").arg(process.signal)
                            : QStringLiteral("exit code %1").arg(process.exitCode),
             said.isEmpty() ? QString() : QStringLiteral(": ") + said);
}

QList<int> extendDbtBatch(const Graph &graph, const QSet<int> &seeds,
                          const std::function<bool(int)> &joins,
                          const std::function<bool(int)> &passed)
{
    QSet<int> in = seeds;
    QList<int> members;
    for (int i : graph.topologicalOrder()) {
        if (in.contains(i)) {
            members << i;
            continue;
        }
        bool ok = true;
        for (int up : graph.needs(i))
            ok = ok && (in.contains(up) || passed(up));
        if (ok && joins(i)) {
            in.insert(i);
            members << i;
        }
    }
    return members;
}

} // namespace vouch::engine
