#pragma once

#include <QString>

#include <memory>
#include <mutex>
#include <vector>

#include <sys/types.h>

namespace vouch::engine {

// Kills the process groups of a thread's commands when that thread (or the
// whole engine) dies, so that no grandchild of a command outlives a killed
// engine.
//
// One per thread that starts commands, created lazily by forCurrentThread()
// and owned by a thread_local: it is started from, and lives exactly as long
// as, the thread that forks the commands, which is also the thread whose end
// PR_SET_PDEATHSIG reports to the commands themselves.
//
// The registry is a memfd of fixed-width slots, one per running command: the
// command's child process writes its own pid (= its process group) into its
// slot before it execs (writeSlot(), async-signal-safe), the executor blanks
// the slot once the command ended and its group was killed (release()).
// Nothing is sent to the watcher while commands come and go; it reads the
// registry only when it has to act.
//
// The watcher is one long-lived `/bin/sh` in its own process group, with
// PR_SET_PDEATHSIG = SIGHUP, blocked reading a pipe whose write end only the
// engine holds. On SIGHUP (the thread died) or end of file (the process
// died, or the thread_local was destroyed) it SIGKILLs every group in the
// registry and exits. It ignores SIGINT, SIGQUIT and SIGTERM: only the
// engine's death ends it. If it is killed anyway, the next acquire() starts
// a new one on the same registry.
class Reaper
{
public:
    static constexpr int SlotSize = 12; // 11 digits or blanks, '\n'

    // The calling thread's reaper (started if needed), or nullptr and *error.
    static std::shared_ptr<Reaper> forCurrentThread(QString *error);

    ~Reaper(); // end of file to the watcher (it kills what is still listed), reaps it
    Reaper(const Reaper &) = delete;
    Reaper &operator=(const Reaper &) = delete;

    // A free slot (its offset in the registry), with the watcher running; -1
    // and *error if the watcher cannot be (re)started.
    off_t acquire(QString *error);
    // Blanks the slot: call once the group is dead (killed, or never started).
    void release(off_t slot);

    // The registry's fd: close-on-exec, so a command no longer has it once it
    // runs.
    int registry() const { return m_registry; }
    // In the forked child, before exec: async-signal-safe.
    static void writeSlot(int registry, off_t slot, pid_t processGroup) noexcept;
    // In a forked child, before exec (async-signal-safe), for the watcher and
    // for every command: all signals back to their default action (ignored
    // ones would survive exec) and, on Linux, `deathSignal` when the thread
    // that forked it dies. False when that parent, `engine`, is gone already
    // (it died before the death signal took effect).
    static bool resetChildSignals(pid_t engine, int deathSignal) noexcept;
    // In the forked child, last before exec: no signal blocked any more (the
    // forking thread blocks them all around the fork).
    static void unblockSignals() noexcept;

private:
    Reaper() = default;
    bool ensureWatcher(QString *error);
    bool startWatcher(QString *error);
    void stopWatcher();

    std::mutex m_mutex; // executors normally stay on one thread; be safe anyway
    int m_registry = -1;
    int m_wake = -1; // write end of the watcher's stdin; closing it is end of file
    pid_t m_watcher = 0;
    std::vector<off_t> m_free;
    off_t m_end = 0; // registry size in bytes
};

} // namespace vouch::engine
