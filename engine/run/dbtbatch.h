#pragma once

#include "engine/contract/contract.h"
#include "engine/run/commandexecutor.h"
#include "engine/run/dbtlog.h"
#include "engine/run/warehouseexecutor.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QProcessEnvironment>
#include <QSet>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>

class QTimer;

namespace vouch::engine {

class CappedLog;

// One member of a dbt invocation: a contract node that is a dbt resource.
struct DbtBatchMember
{
    QString nodeId;
    QString uniqueId;
    QString selector;
    QString logPath;                 // the node's own log: dbt's lines about it
    std::optional<Duration> timeout; // counted from dbt's NodeStart
};

struct DbtBatchSpec
{
    DbtResource project; // program, project_dir, profiles_dir, target, threads
    QList<DbtBatchMember> members;
    QProcessEnvironment environment;
    RunContext context; // ${ENV} in the project's paths and target is expanded with it
    QString logPath;    // the whole invocation's output, as dbt wrote it
    qint64 maxLogBytes = 10 * 1024 * 1024;
    std::chrono::milliseconds killGrace{5000};
};

// Runs several dbt nodes of one project as ONE process:
//   dbt build --select S1 S2 … --indirect-selection empty --log-format json …
// dbt orders them by its own graph and runs up to --threads at once. Its
// structured log lines become per-node events as they arrive: nodeStarted on
// NodeStart, nodeFinished on NodeFinished / Log*Result / SkippingDetails.
// Each node's lines go to that node's log (a CappedLog each); the raw output
// to the invocation's log. When the process ends, target/run_results.json
// (of this invocation: its invocation_id is checked) supplies the result of
// any member the log did not report; finished() lists those still unknown.
// A member running past its timeout stops the whole process (SIGTERM to its
// group, SIGKILL after killGrace), as cancel() does.
class DbtBatch : public QObject
{
    Q_OBJECT
public:
    explicit DbtBatch(DbtBatchSpec spec, QObject *parent = nullptr);
    ~DbtBatch() override;

    // Nodes with equal keys run in one invocation: the same dbt, project,
    // profiles, target, threads and environment.
    static QString keyOf(const Node &node);
    // At most this many nodes in one invocation: their selectors are its
    // arguments, and the kernel caps a command line (ARG_MAX, ~2 MB here).
    static constexpr qsizetype kMaxNodes = 5000;

    void start();
    void cancel(); // the process group is stopped; finished() follows
    bool isStopping() const { return m_stopping; }
    qint64 processGroup() const { return m_executor ? m_executor->processGroup() : 0; }

    const DbtBatchSpec &spec() const { return m_spec; }
    QStringList argv() const;
    // The member whose timeout stopped the process; empty when none did.
    QString timedOut() const { return m_timedOut; }
    // dbt's last error line (else its last line) not about one node: why an
    // invocation ended early ("Encountered an error: …").
    QString lastMessage() const { return m_lastError.isEmpty() ? m_lastMessage : m_lastError; }
    // Why a member that dbt never reported did not run, for its message.
    QString whyUnreported(const CommandResult &process, const QString &selector) const;

Q_SIGNALS:
    void started(qint64 processGroup);
    void nodeStarted(const QString &nodeId, const QString &logPath);
    void nodeFinished(const QString &nodeId, const vouch::engine::dbtrun::NodeResult &result);
    void output(const QString &nodeId, const QByteArray &chunk);
    // `unreported`: members neither the log nor run_results.json gave an end.
    void finished(const vouch::engine::CommandResult &process, const QStringList &unreported);

private:
    void onOutput(const QByteArray &chunk);
    void onLine(const QByteArray &line);
    void onProcessFinished(const CommandResult &result);
    void finishNode(const QString &nodeId, const dbtrun::NodeResult &result);
    void releaseHeld();
    CappedLog *logOf(const QString &nodeId);
    QString runResultsPath() const;

    DbtBatchSpec m_spec;
    CommandExecutor *m_executor = nullptr;
    QHash<QString, QString> m_nodeOf; // unique id -> node id
    QHash<QString, const DbtBatchMember *> m_member;
    QHash<QString, std::shared_ptr<CappedLog>> m_logs;
    QHash<QString, QTimer *> m_timers;
    QSet<QString> m_done;
    QByteArray m_partial; // an incomplete last line
    QString m_invocationId;
    QString m_timedOut;
    QString m_held; // a node whose result line came, waiting for its NodeFinished
    dbtrun::NodeResult m_heldResult;
    QString m_lastError;
    QString m_lastMessage;
    // run_results.json as it was before dbt started (invalid: there was none),
    // to tell this invocation's file from one an earlier run left.
    QDateTime m_earlierResults;
    QString m_commandLine; // argv() as one line, for each node's log header
    bool m_stopping = false;
};

class Graph;

// The members of one invocation: `seeds` (ready nodes of one project), then,
// in topological order, every node that `joins` accepts whose needs are all
// seeds, members or `passed` (or about to pass: a ready source): dbt orders
// the stretch by its own graph, so one process runs it all. `joins` is asked
// only about nodes that would fit (it may refuse: another project, a full
// pool). Returns the members, seeds included, in topological order.
QList<int> extendDbtBatch(const Graph &graph, const QSet<int> &seeds,
                          const std::function<bool(int)> &joins,
                          const std::function<bool(int)> &passed);

} // namespace vouch::engine

Q_DECLARE_METATYPE(vouch::engine::dbtrun::NodeResult)
