#include "engine/run/commandexecutor.h"

#include "engine/run/cappedlog.h"
#include "engine/run/reaper.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QStringTokenizer>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace vouch::engine {

namespace {

// A shell-string command runs under the user's own shell; argv commands are
// exec'd directly, with no shell in between.
const QString ShellProgram = QStringLiteral("/bin/sh");
const QString DefaultPath =
    QStringLiteral("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

QString signalName(int signal)
{
    if (const char *abbrev = ::sigabbrev_np(signal))
        return QStringLiteral("SIG") + QString::fromLatin1(abbrev);
    return QStringLiteral("signal %1").arg(signal);
}

QString formatDuration(std::chrono::milliseconds duration)
{
    const qint64 ms = duration.count();
    if (ms < 1000)
        return QStringLiteral("%1ms").arg(ms);
    if (ms % 1000 != 0)
        return QStringLiteral("%1s").arg(double(ms) / 1000.0);
    const qint64 seconds = ms / 1000;
    QString text;
    if (seconds >= 3600)
        text += QStringLiteral("%1h").arg(seconds / 3600);
    if (seconds % 3600 >= 60)
        text += QStringLiteral("%1m").arg(seconds % 3600 / 60);
    if (seconds % 60 != 0)
        text += QStringLiteral("%1s").arg(seconds % 60);
    return text;
}

// execve's verdict on one candidate path, as an errno (0 = would run). Raw
// system calls: the PATH walk runs once per command start, on the scheduler
// thread, between one command's end and the next one's start.
int checkExecutable(const QByteArray &path)
{
    if (::access(path.constData(), F_OK) != 0)
        return ENOENT;
    struct stat info = {};
    if (::stat(path.constData(), &info) != 0 || S_ISDIR(info.st_mode) ||
        ::access(path.constData(), X_OK) != 0)
        return EACCES;
    return 0;
}

// An executable text file with neither `#!` nor a binary format's magic:
// execve refuses it (ENOEXEC); a shell runs it.
bool isShellScriptWithoutInterpreter(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char head[4];
    ssize_t got = 0;
    do {
        got = ::read(fd, head, sizeof head);
    } while (got < 0 && errno == EINTR);
    ::close(fd);
    if (got <= 0)
        return false;
    const QByteArrayView view(head, got);
    if (view.startsWith("#!") || view == QByteArrayView("\x7f"
                                                        "ELF",
                                                        4))
        return false;
    return !view.contains('\0');
}

} // namespace

QString toString(CommandResult::Outcome outcome)
{
    switch (outcome) {
    case CommandResult::Outcome::Succeeded:
        return QStringLiteral("succeeded");
    case CommandResult::Outcome::Failed:
        return QStringLiteral("failed");
    case CommandResult::Outcome::TimedOut:
        return QStringLiteral("timed_out");
    case CommandResult::Outcome::Cancelled:
        return QStringLiteral("cancelled");
    case CommandResult::Outcome::FailedToStart:
        return QStringLiteral("failed_to_start");
    }
    return {};
}

CommandExecutor::CommandExecutor(CommandSpec spec, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
    , m_timeoutTimer(new QTimer(this))
    , m_killTimer(new QTimer(this))
{
    qRegisterMetaType<vouch::engine::CommandResult>();
    if (m_spec.environment.isEmpty())
        m_spec.environment = QProcessEnvironment::systemEnvironment();
    m_timeoutTimer->setSingleShot(true);
    m_killTimer->setSingleShot(true);
    connect(m_timeoutTimer, &QTimer::timeout, this, [this] { requestStop(Stop::TimedOut); });
    connect(m_killTimer, &QTimer::timeout, this, [this] { signalGroup(SIGKILL); });
}

CommandExecutor::~CommandExecutor()
{
    if (m_process) {
        // No signal leaves a half-destroyed executor.
        disconnect(m_process, nullptr, this, nullptr);
        if (m_process->state() != QProcess::NotRunning) {
            signalGroup(SIGKILL);
            m_process->waitForFinished(2000);
        }
        signalGroup(SIGKILL); // leftovers of a command that ended on its own
        delete m_process;
        m_process = nullptr;
    }
    releaseReaperSlot();
}

QString CommandExecutor::displayName() const
{
    return m_spec.argv.isEmpty() ? ShellProgram : m_spec.argv.first();
}

// What execve would say, checked before starting so that a missing program is
// FailedToStart with errno's words. On success *program is what to exec: the
// program found in the *child's* PATH (QProcess would search the engine's),
// or the path as given when it contains a slash (relative to the working
// directory, as execve after chdir reads it).
QString CommandExecutor::preflight(QString *program) const
{
    if (m_spec.argv.isEmpty() && m_spec.shell.isEmpty())
        return QStringLiteral("nothing to run");
    if (!m_spec.argv.isEmpty() && m_spec.argv.first().isEmpty())
        return QStringLiteral("empty program name");
    const QString workingDirectory =
        m_spec.workingDirectory.isEmpty() ? QDir::currentPath() : m_spec.workingDirectory;
    if (!QFileInfo(workingDirectory).isDir())
        return QStringLiteral("working directory %1 does not exist").arg(workingDirectory);
    if (m_spec.argv.isEmpty()) {
        *program = ShellProgram;
        return {};
    }

    const QString name = m_spec.argv.first();
    int error = ENOENT;
    if (name.contains(QLatin1Char('/'))) {
        error = checkExecutable(QFile::encodeName(QDir(workingDirectory).absoluteFilePath(name)));
        *program = name;
    } else {
        // As execvp would: the child's PATH (the shells' default if unset).
        const QString path = m_spec.environment.value(QStringLiteral("PATH"), DefaultPath);
        const QByteArray encodedName = QFile::encodeName(name);
        const QDir base(workingDirectory);
        QByteArray candidate;
        for (const QStringView entry : QStringTokenizer(path, QLatin1Char(':'))) {
            const bool absolute = entry.startsWith(QLatin1Char('/'));
            candidate = absolute ? QFile::encodeName(entry.toString())
                                 : QFile::encodeName(base.absoluteFilePath(entry.toString()));
            if (!candidate.endsWith('/'))
                candidate += '/';
            candidate += encodedName;
            const int verdict = checkExecutable(candidate);
            if (verdict == 0) {
                error = 0;
                *program = QFile::decodeName(candidate);
                break;
            }
            if (verdict == EACCES)
                error = EACCES;
        }
    }
    return error == 0 ? QString() : errnoText(error);
}

void CommandExecutor::start()
{
    Q_ASSERT(!m_startCalled);
    if (m_startCalled)
        return;
    m_startCalled = true;
    m_inStart = true;
    const auto leaveStart = qScopeGuard([this] { m_inStart = false; });

    CommandResult result;
    result.logPath = m_spec.logPath;
    if (m_stop == Stop::Cancelled) {
        result.outcome = CommandResult::Outcome::Cancelled;
        result.message = QStringLiteral("cancelled before it started");
        complete(result);
        return;
    }
    QString program;
    if (const QString error = preflight(&program); !error.isEmpty()) {
        onStartFailed(error);
        return;
    }
    // This thread's reaper: it kills the command's group, grandchildren
    // included, if the engine dies while the command runs.
    QString reaperError;
    m_reaper = Reaper::forCurrentThread(&reaperError);
    if (m_reaper)
        m_reaperSlot = m_reaper->acquire(&reaperError);
    if (m_reaperSlot < 0) {
        m_reaper.reset();
        onStartFailed(QStringLiteral("cannot start the process reaper: %1").arg(reaperError));
        return;
    }
    m_log = std::make_unique<CappedLog>(m_spec.logPath, m_spec.maxLogBytes);
    if (!m_log->open()) {
        onStartFailed(m_log->errorString());
        return;
    }

    m_process = new QProcess(this);
    m_process->setProgram(program);
    const QString workingDirectory =
        m_spec.workingDirectory.isEmpty() ? QDir::currentPath() : m_spec.workingDirectory;
    if (m_spec.argv.isEmpty()) {
        m_process->setArguments({QStringLiteral("-c"), m_spec.shell});
    } else if (isShellScriptWithoutInterpreter(QDir(workingDirectory).absoluteFilePath(program))) {
        // As execvp does when execve says ENOEXEC: a script without `#!`
        // runs under /bin/sh.
        m_process->setProgram(ShellProgram);
        m_process->setArguments(QStringList{program} + m_spec.argv.mid(1));
    } else {
        m_process->setArguments(m_spec.argv.mid(1));
    }
    m_process->setProcessEnvironment(m_spec.environment);
    if (!m_spec.workingDirectory.isEmpty())
        m_process->setWorkingDirectory(m_spec.workingDirectory);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_process->setStandardInputFile(QProcess::nullDevice());

    const pid_t engine = ::getpid();
    const int registry = m_reaper->registry();
    const off_t slot = off_t(m_reaperSlot);
    // Runs in the forked child before exec: async-signal-safe calls only. The
    // engine's thread blocks all signals around the fork (see below), so none
    // of the engine's handlers can run here; a signal sent meanwhile (cancel)
    // stays pending until the mask is cleared, and then acts by default.
    m_process->setChildProcessModifier([engine, registry, slot] {
        ::setpgid(0, 0);
        // The command gets the default signals and dies with the engine's
        // thread that started it (the scheduler's).
        if (!Reaper::resetChildSignals(engine, SIGKILL))
            ::_exit(128 + SIGKILL);
        // Listed before the command can start anything: from here on the
        // reaper kills this group if the engine dies.
        Reaper::writeSlot(registry, slot, ::getpid());
        Reaper::unblockSignals();
    });

    connect(m_process, &QProcess::readyReadStandardOutput, this, &CommandExecutor::readOutput);
    connect(m_process, &QProcess::started, this, [this] {
        if (m_processGroup == 0) { // in case QProcess reports it from inside start()
            m_pid = m_process->processId();
            m_processGroup = m_pid;
        }
        Q_EMIT started(m_processGroup);
    });
    connect(m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) {
                onProcessFinished(exitCode, status == QProcess::CrashExit);
            });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onStartFailed(m_process->errorString());
    });

    m_running = true;
    {
        sigset_t all;
        sigset_t previous;
        ::sigfillset(&all);
        ::pthread_sigmask(SIG_BLOCK, &all, &previous);
        m_process->start();
        ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    }
    if (m_done)
        return; // failed to start
    m_pid = m_process->processId();
    if (m_pid > 1) {
        // Also set from this side, so the group exists when start() returns
        // whatever the child's progress (the shells' classic race).
        ::setpgid(pid_t(m_pid), pid_t(m_pid));
        m_processGroup = m_pid;
    }
    if (m_spec.timeout)
        m_timeoutTimer->start(*m_spec.timeout);
}

void CommandExecutor::cancel()
{
    if (m_done)
        return;
    if (!m_startCalled) {
        m_stop = Stop::Cancelled; // start() reports it
        return;
    }
    requestStop(Stop::Cancelled);
}

void CommandExecutor::requestStop(Stop reason)
{
    if (!m_running || m_stop != Stop::None)
        return; // the first reason wins; the grace timer already runs
    m_stop = reason;
    m_timeoutTimer->stop();
    signalGroup(SIGTERM);
    m_killTimer->start(m_spec.killGrace);
}

void CommandExecutor::signalGroup(int signal)
{
    if (m_processGroup <= 1)
        return;
    if (::kill(-pid_t(m_processGroup), signal) != 0 && errno == ESRCH && m_running && m_pid > 1)
        ::kill(pid_t(m_pid), signal); // not yet in its own group
}

void CommandExecutor::readOutput()
{
    const QByteArray chunk = m_process->readAllStandardOutput();
    if (chunk.isEmpty())
        return;
    m_log->append(chunk);
    Q_EMIT output(chunk);
}

QString CommandExecutor::withLastOutput(const QString &message, const QString &separator) const
{
    const QString line = m_log ? m_log->lastLine() : QString();
    return line.isEmpty() ? message : message + separator + line;
}

void CommandExecutor::onProcessFinished(int exitCode, bool crashed)
{
    if (m_done)
        return;
    readOutput();
    m_timeoutTimer->stop();
    m_killTimer->stop();
    // A node's processes end with the node: kill what the command left behind.
    // The command itself is reaped: its pid may be anyone's now, so only the
    // group is signalled (signalGroup() falls back to the pid while running).
    m_running = false;
    signalGroup(SIGKILL);
    releaseReaperSlot();

    CommandResult result;
    result.logPath = m_spec.logPath;
    // On a crash QProcess reports the terminating signal as the exit code.
    if (crashed)
        result.signal = exitCode;
    else
        result.exitCode = exitCode;

    const QString ending = crashed ? QStringLiteral("killed by %1").arg(signalName(exitCode))
                                   : QStringLiteral("exit code %1").arg(exitCode);
    switch (m_stop) {
    case Stop::TimedOut:
        result.outcome = CommandResult::Outcome::TimedOut;
        result.message = withLastOutput(
            QStringLiteral("timed out after %1; process group killed")
                .arg(formatDuration(m_spec.timeout.value_or(std::chrono::milliseconds(0)))),
            QStringLiteral("; last output: "));
        break;
    case Stop::Cancelled:
        result.outcome = CommandResult::Outcome::Cancelled;
        result.message = withLastOutput(QStringLiteral("cancelled; process group killed"),
                                        QStringLiteral("; last output: "));
        break;
    case Stop::None:
        if (!crashed && exitCode == 0) {
            result.outcome = CommandResult::Outcome::Succeeded;
            result.message = ending;
        } else {
            result.outcome = CommandResult::Outcome::Failed;
            result.message = withLastOutput(ending, QStringLiteral(": "));
        }
        break;
    }
    result.bytesLogged = m_log->totalBytes();
    if (!m_log->finish())
        result.message += QStringLiteral(" (log incomplete: %1)").arg(m_log->errorString());
    complete(result);
}

void CommandExecutor::onStartFailed(const QString &reason)
{
    if (m_done)
        return;
    m_timeoutTimer->stop();
    m_killTimer->stop();
    releaseReaperSlot(); // a child that failed to exec is gone, and started nothing
    CommandResult result;
    result.outcome = CommandResult::Outcome::FailedToStart;
    result.message = QStringLiteral("could not start '%1': %2").arg(displayName(), reason);
    result.logPath = m_spec.logPath;
    if (m_log)
        m_log->finish();
    complete(result);
}

// Only once the group is dead (or never existed): a listed group is one the
// reaper would kill, so a group id must not stay listed once it can be reused.
void CommandExecutor::releaseReaperSlot()
{
    if (m_reaper && m_reaperSlot >= 0)
        m_reaper->release(off_t(m_reaperSlot));
    m_reaperSlot = -1;
    m_reaper.reset();
}

void CommandExecutor::complete(CommandResult result)
{
    Q_ASSERT(!m_done);
    m_done = true;
    m_running = false;
    m_processGroup = 0;
    if (m_inStart) {
        // start() is asynchronous: the caller hears of the end from the event loop.
        QMetaObject::invokeMethod(
            this, [this, result] { Q_EMIT finished(result); }, Qt::QueuedConnection);
        return;
    }
    Q_EMIT finished(result);
}

bool killProcessGroup(qint64 processGroup, int signal)
{
    if (processGroup <= 1)
        return false;
    return ::kill(-pid_t(processGroup), signal) == 0;
}

} // namespace vouch::engine
