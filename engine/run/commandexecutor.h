#pragma once

#include <QMetaType>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>
#include <optional>

class QProcess;
class QTimer;

namespace vouch::engine {

class CappedLog;
class Reaper;

// What to run for one attempt of a `command` node.
struct CommandSpec
{
    QStringList argv;                // program + args (no shell), or empty when `shell` is used
    QString shell;                   // run with /bin/sh -c
    QProcessEnvironment environment; // full environment for the child; empty = the engine's
    QString workingDirectory;        // empty = inherit
    std::optional<std::chrono::milliseconds> timeout;
    std::chrono::milliseconds killGrace{5000}; // SIGTERM, then SIGKILL after this
    QString logPath;                           // per-attempt log file; parent dirs created
    qint64 maxLogBytes = 10 * 1024 * 1024;     // cap: keep head and tail (<= 0: no cap)
};

struct CommandResult
{
    enum class Outcome
    {
        Succeeded,
        Failed,
        TimedOut,
        Cancelled,
        FailedToStart
    };
    Outcome outcome = Outcome::Failed;
    int exitCode = -1;      // when the process exited normally
    int signal = 0;         // terminating signal if killed
    QString message;        // for people: "exit code 3: <last non-empty output line>", ...
    qint64 bytesLogged = 0; // bytes of output the command produced (before capping)
    QString logPath;
};

QString toString(CommandResult::Outcome outcome);

// Runs one command as a real child process in its own process group.
//
// Lives on the thread that created it (the scheduler thread) and never blocks
// it; start() and destruction happen on that thread. An argv command is
// exec'd directly (the program found in the child's PATH), a shell string
// runs under `/bin/sh -c`; either way the child is the direct child of the
// engine, leads its own process group (pgid = its pid) and has stdin on
// /dev/null and default signal dispositions. Timeout and cancel signal the
// whole group: SIGTERM, then SIGKILL after killGrace. Whatever is left in the
// group when the command ends is killed too.
//
// Nothing outlives a killed engine: the child gets SIGKILL when the thread
// that started it dies (PR_SET_PDEATHSIG), and before it execs it lists its
// group with that thread's Reaper (reaper.h), which kills every listed group
// when the engine dies. The group leaves the list once it has been killed.
//
// Output (stdout and stderr merged) streams to spec.logPath through a
// CappedLog and to output(). finished() is emitted exactly once per start(),
// never from the destructor.
class CommandExecutor : public QObject
{
    Q_OBJECT
public:
    explicit CommandExecutor(CommandSpec spec, QObject *parent = nullptr);
    ~CommandExecutor() override; // kills the whole group (SIGKILL) if still running, waits briefly

    void start();  // asynchronous; call once
    void cancel(); // SIGTERM to the group, SIGKILL after killGrace; finished(Cancelled)
    qint64 processGroup() const { return m_processGroup; } // pgid while running, 0 otherwise
    bool isRunning() const { return m_running; }

    const CommandSpec &spec() const { return m_spec; }

Q_SIGNALS:
    void started(qint64 processGroup);
    void output(const QByteArray &chunk); // live log tail for the UI (may be coalesced)
    void finished(const vouch::engine::CommandResult &result); // exactly once

private:
    enum class Stop
    {
        None,
        TimedOut,
        Cancelled
    };

    QString preflight(QString *program) const;
    QString displayName() const;
    void readOutput();
    void onProcessFinished(int exitCode, bool crashed);
    void onStartFailed(const QString &reason);
    void requestStop(Stop reason);
    void signalGroup(int signal);
    void releaseReaperSlot();
    void complete(CommandResult result);
    QString withLastOutput(const QString &message, const QString &separator) const;

    CommandSpec m_spec;
    QProcess *m_process = nullptr;
    QTimer *m_timeoutTimer = nullptr;
    QTimer *m_killTimer = nullptr;
    std::unique_ptr<CappedLog> m_log;
    std::shared_ptr<Reaper> m_reaper; // the starting thread's, while the group is listed
    qint64 m_reaperSlot = -1;
    qint64 m_pid = 0;
    qint64 m_processGroup = 0;
    Stop m_stop = Stop::None;
    bool m_startCalled = false;
    bool m_inStart = false;
    bool m_running = false;
    bool m_done = false;
};

// Kills a process group left behind by a dead engine (used at restart for
// interrupted nodes). Returns true if something was signalled. Refuses
// processGroup <= 1, which kill(2) would read as "our own group" or "everyone".
bool killProcessGroup(qint64 processGroup, int signal);

} // namespace vouch::engine

Q_DECLARE_METATYPE(vouch::engine::CommandResult)
