#include "engine/run/reaper.h"

#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#endif

namespace vouch::engine {

namespace {

// The watcher. stdin: a pipe only the engine writes to (it never does), so
// `read` blocks until the engine closes it or dies. fd 3: the registry, one
// group per line, blanks for free slots. Only a real group (> 1) is killed:
// `kill -KILL -1` would mean everyone.
//  - `echo ready` tells the engine that the HUP trap is set: no command is
//    started before the watcher can act on it.
//  - SIGINT, SIGQUIT and SIGTERM are ignored: a terminal's Ctrl-C, or a
//    service manager stopping the engine gracefully, is the engine's business.
constexpr char WatcherScript[] = R"reaper(reap() {
    trap '' HUP
    while read -r group; do
        case $group in
        '' | *[!0-9]* | 0 | 1) ;;
        *) kill -KILL -"$group" ;;
        esac
    done <&3
    exit 0
}
trap '' INT QUIT TERM
trap reap HUP
echo ready
exec >/dev/null
while read -r line; do :; done
reap)reaper";

constexpr int ReadyTimeoutMs = 10000;
constexpr int StopTimeoutMs = 2000;

thread_local std::shared_ptr<Reaper> t_reaper;

QString errnoText(const char *what, int error)
{
    return QStringLiteral("%1: %2").arg(QString::fromLatin1(what),
                                        QString::fromLocal8Bit(std::strerror(error)));
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

// Blocks every signal on the calling thread while it lives, so that a fork
// child cannot run one of the engine's handlers before it resets them.
class BlockSignals
{
public:
    BlockSignals()
    {
        sigset_t all;
        ::sigfillset(&all);
        ::pthread_sigmask(SIG_BLOCK, &all, &m_old);
    }
    ~BlockSignals() { ::pthread_sigmask(SIG_SETMASK, &m_old, nullptr); }
    BlockSignals(const BlockSignals &) = delete;
    BlockSignals &operator=(const BlockSignals &) = delete;

private:
    sigset_t m_old;
};

} // namespace

std::shared_ptr<Reaper> Reaper::forCurrentThread(QString *error)
{
    if (!t_reaper) {
        std::shared_ptr<Reaper> reaper(new Reaper);
        reaper->m_registry = ::memfd_create("vouch-reaper-registry", MFD_CLOEXEC);
        if (reaper->m_registry < 0) {
            *error = errnoText("memfd_create", errno);
            return nullptr;
        }
        t_reaper = std::move(reaper);
    }
    return t_reaper;
}

Reaper::~Reaper()
{
    stopWatcher();
    closeFd(m_registry);
}

off_t Reaper::acquire(QString *error)
{
    const std::lock_guard lock(m_mutex);
    if (!ensureWatcher(error))
        return -1;
    if (!m_free.empty()) {
        const off_t slot = m_free.back();
        m_free.pop_back();
        return slot;
    }
    // A new slot is written blank first: the watcher must never read a hole.
    char blank[SlotSize];
    std::memset(blank, ' ', SlotSize);
    blank[SlotSize - 1] = '\n';
    if (::pwrite(m_registry, blank, SlotSize, m_end) != SlotSize) {
        *error = errnoText("cannot grow the process registry", errno);
        return -1;
    }
    const off_t slot = m_end;
    m_end += SlotSize;
    return slot;
}

void Reaper::release(off_t slot)
{
    if (slot < 0)
        return;
    const std::lock_guard lock(m_mutex);
    char blank[SlotSize];
    std::memset(blank, ' ', SlotSize);
    blank[SlotSize - 1] = '\n';
    [[maybe_unused]] const auto written = ::pwrite(m_registry, blank, SlotSize, slot);
    m_free.push_back(slot);
}

void Reaper::writeSlot(int registry, off_t slot, pid_t processGroup) noexcept
{
    if (registry < 0 || slot < 0 || processGroup <= 1)
        return;
    char line[SlotSize];
    for (char &c : line)
        c = ' ';
    line[SlotSize - 1] = '\n';
    unsigned long value = static_cast<unsigned long>(processGroup);
    for (int i = SlotSize - 2; i >= 0 && value != 0; --i) {
        line[i] = char('0' + value % 10);
        value /= 10;
    }
    [[maybe_unused]] const auto written = ::pwrite(registry, line, SlotSize, slot);
}

bool Reaper::resetChildSignals(pid_t engine, int deathSignal) noexcept
{
    struct sigaction standard = {};
    standard.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP)
            ::sigaction(sig, &standard, nullptr);
    }
#ifdef Q_OS_LINUX
    ::prctl(PR_SET_PDEATHSIG, deathSignal);
#else
    (void)deathSignal;
#endif
    return ::getppid() == engine;
}

void Reaper::unblockSignals() noexcept
{
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

bool Reaper::ensureWatcher(QString *error)
{
    if (m_watcher > 0) {
        // Still running? (Cheap, and it reaps a watcher somebody killed.)
        if (::waitpid(m_watcher, nullptr, WNOHANG) == 0)
            return true;
        m_watcher = 0;
        closeFd(m_wake);
    }
    return startWatcher(error);
}

bool Reaper::startWatcher(QString *error)
{
    int wake[2] = {-1, -1};
    int ready[2] = {-1, -1};
    if (::pipe2(wake, O_CLOEXEC) != 0) {
        *error = errnoText("pipe", errno);
        return false;
    }
    if (::pipe2(ready, O_CLOEXEC) != 0) {
        *error = errnoText("pipe", errno);
        closeFd(wake[0]);
        closeFd(wake[1]);
        return false;
    }
    int devNull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devNull < 0) {
        *error = errnoText("/dev/null", errno);
        for (int *fd : {&wake[0], &wake[1], &ready[0], &ready[1]})
            closeFd(*fd);
        return false;
    }

    // Everything the child needs is prepared here: after fork() it may only
    // make async-signal-safe calls.
    char shell[] = "/bin/sh";
    char name[] = "vouch-reaper";
    char dashC[] = "-c";
    char script[sizeof WatcherScript];
    std::memcpy(script, WatcherScript, sizeof WatcherScript);
    char *const argv[] = {name, dashC, script, name, nullptr};
    char path[] = "PATH=/usr/bin:/bin";
    char locale[] = "LC_ALL=C";
    char *const envp[] = {path, locale, nullptr};
    const pid_t engine = ::getpid();
    const int registry = m_registry;

    pid_t pid = -1;
    int forkError = 0;
    {
        const BlockSignals blocked;
        pid = ::fork();
        if (pid == 0) {
            // Move the fds out of the way of 0..3 first, then into place.
            const int in = ::fcntl(wake[0], F_DUPFD, 10);
            const int out = ::fcntl(ready[1], F_DUPFD, 10);
            const int err = ::fcntl(devNull, F_DUPFD, 10);
            const int reg = ::fcntl(registry, F_DUPFD, 10);
            if (in < 0 || out < 0 || err < 0 || reg < 0 || ::dup2(in, 0) < 0 ||
                ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0 || ::dup2(reg, 3) < 0)
                ::_exit(127);
            if (::close_range(4, ~0U, 0) != 0) {
                for (int fd = 4; fd < 4096; ++fd)
                    ::close(fd);
            }
            ::lseek(3, 0, SEEK_SET); // the offset is shared; the engine only pwrite()s
            ::setpgid(0, 0);         // out of the terminal's reach (Ctrl-C, hangup)
            [[maybe_unused]] const int cd = ::chdir("/");
            if (!Reaper::resetChildSignals(engine, SIGHUP))
                ::_exit(0); // its commands died too: none had been started yet
            Reaper::unblockSignals();
            ::execve(shell, argv, envp);
            ::_exit(127);
        }
        forkError = errno;
    }
    closeFd(wake[0]);
    closeFd(ready[1]);
    closeFd(devNull);
    if (pid < 0) {
        *error = errnoText("fork", forkError);
        closeFd(wake[1]);
        closeFd(ready[0]);
        return false;
    }
    ::setpgid(pid, pid); // from this side too; fails harmlessly once it exec'd

    // Wait for "ready": the HUP trap is set.
    char buffer[16];
    ssize_t got = -1;
    pollfd readable = {ready[0], POLLIN, 0};
    int polled = 0;
    do {
        polled = ::poll(&readable, 1, ReadyTimeoutMs);
    } while (polled < 0 && errno == EINTR);
    if (polled > 0) {
        do {
            got = ::read(ready[0], buffer, sizeof buffer);
        } while (got < 0 && errno == EINTR);
    }
    closeFd(ready[0]);
    if (got <= 0) {
        *error =
            polled == 0
                ? QStringLiteral("/bin/sh did not start within %1 s").arg(ReadyTimeoutMs / 1000)
                : QStringLiteral("/bin/sh exited at once");
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        closeFd(wake[1]);
        return false;
    }
    m_wake = wake[1];
    m_watcher = pid;
    return true;
}

void Reaper::stopWatcher()
{
    if (m_watcher <= 0) {
        closeFd(m_wake);
        return;
    }
    closeFd(m_wake); // end of file: kill what is listed (nothing, normally) and exit
    for (int waited = 0; waited < StopTimeoutMs; ++waited) {
        const pid_t done = ::waitpid(m_watcher, nullptr, WNOHANG);
        if (done != 0) { // exited, or not ours to reap any more
            m_watcher = 0;
            return;
        }
        ::usleep(1000);
    }
    ::kill(m_watcher, SIGKILL);
    ::waitpid(m_watcher, nullptr, 0);
    m_watcher = 0;
}

} // namespace vouch::engine
