#include "engine/run/cappedlog.h"
#include "engine/run/commandexecutor.h"
#include "support/testguard.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSaveFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cerrno>
#include <csignal>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace std::chrono_literals;
using vouch::engine::CappedLog;
using vouch::engine::CommandExecutor;
using vouch::engine::CommandResult;
using vouch::engine::CommandSpec;
using Outcome = vouch::engine::CommandResult::Outcome;

namespace {

constexpr int FinishTimeoutMs = 30000; // generous: the machine may be busy building
constexpr char OrphanChildMode[] = "--child-orphan";

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

struct ProcStat
{
    pid_t pid = 0;
    char state = '?';
    pid_t processGroup = 0;
};

QList<ProcStat> processesOfGroup(qint64 group)
{
    QList<ProcStat> found;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const pid_t pid = entry.toInt(&numeric);
        if (!numeric)
            continue;
        const QByteArray stat = readAll(QStringLiteral("/proc/%1/stat").arg(entry));
        // "pid (comm) S ppid pgrp ..."; comm may contain anything, even ") ".
        const qsizetype close = stat.lastIndexOf(')');
        if (close < 0)
            continue;
        const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
        if (fields.size() < 3 || fields.at(2).toLongLong() != group)
            continue;
        found.append(
            {pid, fields.at(0).isEmpty() ? '?' : fields.at(0).at(0), pid_t(fields.at(2).toInt())});
    }
    return found;
}

// True when no process of the group exists any more, the way the brief puts
// it: kill(-pgid, 0) fails with ESRCH. Dead members reparented to us (we are
// a child subreaper) are reaped first: a zombie still counts for kill().
// Only call it when no QProcess of this test has a child in that group.
bool groupIsGone(qint64 group)
{
    for (const ProcStat &process : processesOfGroup(group)) {
        if (process.state == 'Z')
            ::waitpid(process.pid, nullptr, WNOHANG);
    }
    return ::kill(-pid_t(group), 0) == -1 && errno == ESRCH;
}

int liveMembers(qint64 group)
{
    int count = 0;
    for (const ProcStat &process : processesOfGroup(group))
        count += process.state != 'Z' ? 1 : 0;
    return count;
}

// Fields of /proc/PID/stat after "(comm)": state, ppid, pgrp, ...
QList<QByteArray> statFields(pid_t pid, QByteArray *comm = nullptr)
{
    const QByteArray stat = readAll(QStringLiteral("/proc/%1/stat").arg(pid));
    const qsizetype open = stat.indexOf('(');
    const qsizetype close = stat.lastIndexOf(')');
    if (open < 0 || close < open)
        return {};
    if (comm)
        *comm = stat.mid(open + 1, close - open - 1);
    return stat.mid(close + 2).split(' ');
}

// The running (not zombie) process reaper of `parent`: its child whose
// command line starts with "vouch-reaper".
pid_t liveReaperOf(pid_t parent)
{
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool numeric = false;
        const pid_t pid = entry.toInt(&numeric);
        if (!numeric)
            continue;
        const QList<QByteArray> fields = statFields(pid);
        if (fields.size() < 2 || fields.at(1).toInt() != parent || fields.at(0) == "Z")
            continue;
        if (readAll(QStringLiteral("/proc/%1/cmdline").arg(pid)).startsWith("vouch-reaper"))
            return pid;
    }
    return 0;
}

// The re-exec'd child: an engine that runs one command and is then killed
// with SIGKILL by the test. With killReaperFirst, this thread's reaper is
// started by a first command and then killed: the next start must replace it.
int runOrphanChild(const QString &groupFile, bool killReaperFirst)
{
    if (killReaperFirst) {
        CommandSpec first;
        first.argv = QStringList{QStringLiteral("true")};
        CommandExecutor warmUp(first);
        bool done = false;
        QObject::connect(&warmUp, &CommandExecutor::finished, qApp, [&done] { done = true; });
        warmUp.start();
        while (!done)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        const pid_t reaper = liveReaperOf(::getpid());
        if (reaper <= 0)
            return 3;
        ::kill(reaper, SIGKILL);
        ::waitpid(reaper, nullptr, 0);
    }
    CommandSpec spec;
    spec.argv = QStringList{QStringLiteral("sh"), QStringLiteral("-c"),
                            QStringLiteral("sleep 300 & sleep 300")};
    CommandExecutor executor(spec);
    QObject::connect(&executor, &CommandExecutor::started, qApp, [&groupFile](qint64 group) {
        QSaveFile file(groupFile);
        if (file.open(QIODevice::WriteOnly)) {
            file.write(QByteArray::number(group));
            file.commit();
        }
    });
    QObject::connect(&executor, &CommandExecutor::finished, qApp,
                     [] { QCoreApplication::exit(1); });
    // Never outlive a broken test for long.
    QTimer::singleShot(120s, qApp, [] { QCoreApplication::exit(2); });
    executor.start();
    return QCoreApplication::exec();
}

} // namespace

class TestCommandExecutor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void outcomes_data();
    void outcomes();
    void environmentIsTheChilds();
    void workingDirectory();
    void scriptWithoutInterpreterLine();
    void missingWorkingDirectory();
    void symlinkAtTheLogPathIsRefused();
    void timeout();
    void cancel();
    void termIgnoringProcessIsKilledAfterGrace_data();
    void termIgnoringProcessIsKilledAfterGrace();
    void processTreeIsGone_data();
    void processTreeIsGone();
    void nothingOutlivesAKilledEngine_data();
    void nothingOutlivesAKilledEngine();
    void outputSignal();
    void logCapping();
    void destructorKillsTheGroup();
    void cancelBeforeStart();
    void killProcessGroupHelper();
    void finishedWorksQueued();

private:
    struct Finished
    {
        CommandResult result;
        QByteArray output;
        qint64 group = 0;
        int startedCount = 0;
    };
    CommandSpec spec(const QStringList &argv) const;
    CommandSpec shellSpec(const QString &shell) const;
    // Runs `spec` to its end; check QTest::currentTestFailed() afterwards.
    void run(const CommandSpec &spec, Finished &out,
             const std::function<void(CommandExecutor &)> &whileRunning = {});
    void verifyGroupGone(qint64 group);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestCommandExecutor::initTestCase()
{
    // Orphans of the commands are reparented to this process rather than to a
    // PID 1 that might not reap them, so that "the group is gone" is observable.
    QCOMPARE(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
}

void TestCommandExecutor::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestCommandExecutor::cleanup()
{
    m_dir.reset();
}

CommandSpec TestCommandExecutor::spec(const QStringList &argv) const
{
    CommandSpec s;
    s.argv = argv;
    s.environment = QProcessEnvironment::systemEnvironment();
    s.logPath = m_dir->filePath(QStringLiteral("logs/node.1.log"));
    return s;
}

CommandSpec TestCommandExecutor::shellSpec(const QString &shell) const
{
    CommandSpec s = spec({});
    s.shell = shell;
    return s;
}

void TestCommandExecutor::run(const CommandSpec &spec, Finished &out,
                              const std::function<void(CommandExecutor &)> &whileRunning)
{
    CommandExecutor executor(spec);
    QSignalSpy finished(&executor, &CommandExecutor::finished);
    connect(&executor, &CommandExecutor::output, this,
            [&out](const QByteArray &chunk) { out.output += chunk; });
    connect(&executor, &CommandExecutor::started, this, [&out](qint64 group) {
        out.group = group;
        ++out.startedCount;
    });
    QVERIFY(!executor.isRunning());
    executor.start();
    QCOMPARE(finished.count(), 0); // asynchronous, even when it cannot start
    if (whileRunning)
        whileRunning(executor);
    if (QTest::currentTestFailed())
        return;
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, FinishTimeoutMs);
    out.result = finished.at(0).at(0).value<CommandResult>();
    QVERIFY(!executor.isRunning());
    QCOMPARE(executor.processGroup(), 0);
    QCoreApplication::processEvents();
    QCOMPARE(finished.count(), 1); // exactly once
}

// A script without `#!` runs under /bin/sh, as it would from a shell or
// execvp; its arguments reach it.
void TestCommandExecutor::scriptWithoutInterpreterLine()
{
    const QString script = m_dir->filePath(QStringLiteral("load.sh"));
    QFile f(script);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("echo \"loaded $1\"\nexit 5\n");
    f.close();
    QVERIFY(f.setPermissions(f.permissions() | QFileDevice::ExeOwner));
    Finished out;
    run(spec({script, QStringLiteral("orders")}), out);
    QCOMPARE(toString(out.result.outcome), toString(Outcome::Failed));
    QCOMPARE(out.result.exitCode, 5);
    QCOMPARE(out.output, QByteArray("loaded orders\n"));
}

void TestCommandExecutor::verifyGroupGone(qint64 group)
{
    QVERIFY(group > 1);
    QTRY_VERIFY_WITH_TIMEOUT(groupIsGone(group), 10000);
}

void TestCommandExecutor::outcomes_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<QString>("shell");
    QTest::addColumn<Outcome>("outcome");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("signal");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QByteArray>("log"); // null: not checked

    const QString notExecutable = QStringLiteral(VOUCH_SOURCE_DIR "/CMakeLists.txt");

    QTest::newRow("exit 0") << QStringList{"sh", "-c", "echo hello"} << QString()
                            << Outcome::Succeeded << 0 << 0 << "exit code 0"
                            << QByteArray("hello\n");
    QTest::newRow("exit 3") << QStringList() << "echo first; echo '  last words  '; echo; exit 3"
                            << Outcome::Failed << 3 << 0 << "exit code 3: last words"
                            << QByteArray("first\n  last words  \n\n");
    QTest::newRow("exit 7, silent") << QStringList() << "exit 7" << Outcome::Failed << 7 << 0
                                    << "exit code 7" << QByteArray("");
    QTest::newRow("killed by SIGKILL")
        << QStringList() << "echo dying; kill -KILL $$; echo never" << Outcome::Failed << -1
        << int(SIGKILL) << "killed by SIGKILL: dying" << QByteArray("dying\n");
    QTest::newRow("killed by SIGTERM")
        << QStringList{"sh", "-c", "kill -TERM $$"} << QString() << Outcome::Failed << -1
        << int(SIGTERM) << "killed by SIGTERM" << QByteArray("");
    // The command starts with default signal dispositions (SIGINT included),
    // and its own end is reported: no shell in between turns a signal into
    // 128+N or an exit code of 128+N into a signal.
    QTest::newRow("killed by SIGINT")
        << QStringList{"sh", "-c", "kill -INT $$"} << QString() << Outcome::Failed << -1
        << int(SIGINT) << "killed by SIGINT" << QByteArray("");
    QTest::newRow("exit 130 is an exit code")
        << QStringList{"sh", "-c", "exit 130"} << QString() << Outcome::Failed << 130 << 0
        << "exit code 130" << QByteArray("");
    QTest::newRow("missing program")
        << QStringList{"vouch-no-such-program", "x"} << QString() << Outcome::FailedToStart << -1
        << 0 << "could not start 'vouch-no-such-program': No such file or directory"
        << QByteArray();
    QTest::newRow("missing program path")
        << QStringList{"/nonexistent/vouch-tool"} << QString() << Outcome::FailedToStart << -1 << 0
        << "could not start '/nonexistent/vouch-tool': No such file or directory" << QByteArray();
    QTest::newRow("not executable")
        << QStringList{notExecutable} << QString() << Outcome::FailedToStart << -1 << 0
        << QStringLiteral("could not start '%1': Permission denied").arg(notExecutable)
        << QByteArray();
    QTest::newRow("shell string with pipes")
        << QStringList() << "printf 'a\\nb\\nc\\n' | grep -v b | wc -l | tr -d ' '"
        << Outcome::Succeeded << 0 << 0 << "exit code 0" << QByteArray("2\n");
    QTest::newRow("shell string failing in a pipe")
        << QStringList() << "echo 'error: no rows' | cat; false | true; exit 4" << Outcome::Failed
        << 4 << 0 << "exit code 4: error: no rows" << QByteArray("error: no rows\n");
    QTest::newRow("arguments are not re-split or expanded")
        << QStringList{"printf", "%s|", "a b", "$HOME", "*", "'q'"} << QString()
        << Outcome::Succeeded << 0 << 0 << "exit code 0" << QByteArray("a b|$HOME|*|'q'|");
    // `echo` is also a shell builtin; argv runs the program (/bin/echo knows -e).
    QTest::newRow("program, not builtin")
        << QStringList{"echo", "-e", "a\\tb"} << QString() << Outcome::Succeeded << 0 << 0
        << "exit code 0" << QByteArray("a\tb\n");
    QTest::newRow("stderr merged")
        << QStringList() << "echo out; echo err >&2; exit 1" << Outcome::Failed << 1 << 0
        << "exit code 1: err" << QByteArray("out\nerr\n");
}

void TestCommandExecutor::outcomes()
{
    QFETCH(QStringList, argv);
    QFETCH(QString, shell);
    QFETCH(Outcome, outcome);
    QFETCH(int, exitCode);
    QFETCH(int, signal);
    QFETCH(QString, message);
    QFETCH(QByteArray, log);

    CommandSpec s = argv.isEmpty() ? shellSpec(shell) : spec(argv);
    Finished done;
    run(s, done);
    if (QTest::currentTestFailed())
        return;

    QCOMPARE(vouch::engine::toString(done.result.outcome), vouch::engine::toString(outcome));
    QCOMPARE(done.result.exitCode, exitCode);
    QCOMPARE(done.result.signal, signal);
    QCOMPARE(done.result.message, message);
    QCOMPARE(done.result.logPath, s.logPath);
    if (outcome == Outcome::FailedToStart) {
        QCOMPARE(done.startedCount, 0);
        return;
    }
    QCOMPARE(done.startedCount, 1);
    QVERIFY(done.group > 1);
    if (!log.isNull()) {
        QCOMPARE(readAll(s.logPath), log);
        QCOMPARE(done.output, log);
        QCOMPARE(done.result.bytesLogged, log.size());
    }
    verifyGroupGone(done.group);
}

void TestCommandExecutor::environmentIsTheChilds()
{
    CommandSpec s = spec({"sh", "-c", "printf '%s|%s' \"$VOUCH_TEST_VALUE\" \"${HOME-unset}\""});
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    environment.insert(QStringLiteral("VOUCH_TEST_VALUE"), QStringLiteral("hello world"));
    s.environment = environment; // no HOME: the engine's own environment does not leak
    Finished done;
    run(s, done);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::Succeeded));
    QCOMPARE(readAll(s.logPath), QByteArray("hello world|unset"));
}

void TestCommandExecutor::workingDirectory()
{
    const QString work = m_dir->filePath(QStringLiteral("work dir"));
    QVERIFY(QDir().mkpath(work));
    QFile script(work + QStringLiteral("/hello.sh"));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write("#!/bin/sh\npwd -P\n");
    script.close();
    QVERIFY(script.setPermissions(script.permissions() | QFileDevice::ExeOwner));

    // A relative program path is found in the working directory, as execve would.
    CommandSpec s = spec({"./hello.sh"});
    s.workingDirectory = work;
    Finished done;
    run(s, done);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::Succeeded));
    QCOMPARE(readAll(s.logPath), QFileInfo(work).canonicalFilePath().toUtf8() + '\n');
}

void TestCommandExecutor::missingWorkingDirectory()
{
    CommandSpec s = spec({"true"});
    s.workingDirectory = m_dir->filePath(QStringLiteral("nowhere"));
    Finished done;
    run(s, done);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::FailedToStart));
    QCOMPARE(done.result.message,
             QStringLiteral("could not start 'true': working directory %1 does not exist")
                 .arg(s.workingDirectory));
}

// A symbolic link planted at the (predictable) log path: the command does
// not run, its output overwrites nothing, and the message says what to do.
void TestCommandExecutor::symlinkAtTheLogPathIsRefused()
{
    const QString target = m_dir->filePath(QStringLiteral("precious.txt"));
    QFile precious(target);
    QVERIFY(precious.open(QIODevice::WriteOnly));
    precious.write("keep me\n");
    precious.close();
    const QString ran = m_dir->filePath(QStringLiteral("ran"));
    CommandSpec s = shellSpec(QStringLiteral("echo overwritten; touch '%1'").arg(ran));
    QVERIFY(QDir().mkpath(QFileInfo(s.logPath).absolutePath()));
    QVERIFY(QFile::link(target, s.logPath));
    Finished done;
    run(s, done);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::FailedToStart));
    QVERIFY2(
        done.result.message.contains(
            QStringLiteral("refusing to write log file %1: it is a symbolic link").arg(s.logPath)),
        qPrintable(done.result.message));
    QVERIFY2(done.result.message.contains(QStringLiteral("remove it")),
             qPrintable(done.result.message));
    QCOMPARE(readAll(target), QByteArray("keep me\n"));
    QVERIFY(!QFileInfo::exists(ran));
    QCOMPARE(done.startedCount, 0);
}

void TestCommandExecutor::timeout()
{
    CommandSpec s = shellSpec(QStringLiteral("echo waiting; sleep 100"));
    s.timeout = 300ms;
    Finished done;
    run(s, done);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::TimedOut));
    QCOMPARE(done.result.signal, int(SIGTERM)); // sh dies of TERM; no KILL needed
    QCOMPARE(done.result.message,
             QStringLiteral("timed out after 300ms; process group killed; last output: waiting"));
    QCOMPARE(readAll(s.logPath), QByteArray("waiting\n")); // no "Terminated" from a shell
    verifyGroupGone(done.group);
}

void TestCommandExecutor::cancel()
{
    Finished done;
    CommandSpec s = spec({"sleep", "100"});
    run(s, done, [&done](CommandExecutor &executor) {
        QVERIFY(executor.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(done.group > 1, FinishTimeoutMs);
        QCOMPARE(executor.processGroup(), done.group);
        QCOMPARE(::kill(-pid_t(done.group), 0), 0);
        // No shell in between: the group leader is the program itself, our child.
        QByteArray comm;
        QTRY_VERIFY_WITH_TIMEOUT((statFields(pid_t(done.group), &comm), comm == "sleep"),
                                 FinishTimeoutMs);
        QCOMPARE(statFields(pid_t(done.group)).value(1).toInt(), int(::getpid()));
        executor.cancel();
        executor.cancel(); // twice is harmless
    });
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::Cancelled));
    QCOMPARE(done.result.signal, int(SIGTERM));
    QCOMPARE(done.result.message, QStringLiteral("cancelled; process group killed"));
    verifyGroupGone(done.group);
}

void TestCommandExecutor::termIgnoringProcessIsKilledAfterGrace_data()
{
    QTest::addColumn<bool>("byTimeout");
    QTest::newRow("timeout") << true;
    QTest::newRow("cancel") << false;
}

void TestCommandExecutor::termIgnoringProcessIsKilledAfterGrace()
{
    QFETCH(bool, byTimeout);
    CommandSpec s = shellSpec(QStringLiteral("trap '' TERM; echo ready; sleep 100; echo ended"));
    s.killGrace = 500ms;
    if (byTimeout)
        s.timeout = 1500ms; // ample time for sh to set its trap first
    Finished done;
    run(s, done, [&](CommandExecutor &executor) {
        if (byTimeout)
            return;
        QTRY_VERIFY_WITH_TIMEOUT(done.output.contains("ready"), FinishTimeoutMs);
        executor.cancel();
    });
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(byTimeout ? Outcome::TimedOut : Outcome::Cancelled));
    QCOMPARE(done.result.signal, int(SIGKILL)); // TERM was ignored; KILL after the grace
    QVERIFY2(done.result.message.endsWith(QStringLiteral("; last output: ready")),
             qPrintable(done.result.message));
    verifyGroupGone(done.group);
}

void TestCommandExecutor::processTreeIsGone_data()
{
    QTest::addColumn<bool>("byTimeout");
    QTest::newRow("timeout") << true;
    QTest::newRow("cancel") << false;
}

void TestCommandExecutor::processTreeIsGone()
{
    QFETCH(bool, byTimeout);
    CommandSpec s = shellSpec(QStringLiteral("sleep 100 & sleep 100 & wait"));
    if (byTimeout)
        s.timeout = 500ms;
    Finished done;
    run(s, done, [&](CommandExecutor &executor) {
        if (byTimeout)
            return;
        // sh and two sleeps
        QTRY_VERIFY_WITH_TIMEOUT(done.group > 1 && liveMembers(done.group) >= 3, FinishTimeoutMs);
        executor.cancel();
    });
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(byTimeout ? Outcome::TimedOut : Outcome::Cancelled));
    verifyGroupGone(done.group);
}

void TestCommandExecutor::nothingOutlivesAKilledEngine_data()
{
    QTest::addColumn<bool>("killReaperFirst");
    QTest::newRow("reaper as started") << false;
    QTest::newRow("reaper killed and replaced") << true;
}

void TestCommandExecutor::nothingOutlivesAKilledEngine()
{
    QFETCH(bool, killReaperFirst);
    const QString groupFile = m_dir->filePath(QStringLiteral("pgid"));
    QProcess engine;
    engine.setProcessChannelMode(QProcess::ForwardedChannels);
    QStringList arguments{QString::fromLatin1(OrphanChildMode), groupFile};
    if (killReaperFirst)
        arguments << QStringLiteral("--kill-reaper-first");
    engine.start(QCoreApplication::applicationFilePath(), arguments);
    QVERIFY2(engine.waitForStarted(FinishTimeoutMs), qPrintable(engine.errorString()));

    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(groupFile), FinishTimeoutMs);
    const qint64 group = readAll(groupFile).toLongLong();
    QVERIFY(group > 1);
    // Whatever happens below, leave no sleeping processes behind.
    const auto cleanup = qScopeGuard([group] { vouch::engine::killProcessGroup(group, SIGKILL); });
    // sh (or the last sleep it became) and the background sleep: a grandchild
    // that PR_SET_PDEATHSIG alone would leave running.
    QTRY_VERIFY_WITH_TIMEOUT(liveMembers(group) >= 2, FinishTimeoutMs);
    const pid_t reaper = liveReaperOf(pid_t(engine.processId()));
    QVERIFY(reaper > 1);

    engine.kill(); // SIGKILL: the engine gets no chance to clean up
    QVERIFY(engine.waitForFinished(FinishTimeoutMs));
    QCOMPARE(engine.exitStatus(), QProcess::CrashExit);

    verifyGroupGone(group);
    // The reaper goes too (reparented to us, the subreaper: reap it).
    bool reaped = false;
    const auto reapedNow = [&reaped, reaper] {
        reaped = reaped || ::waitpid(reaper, nullptr, WNOHANG) == reaper;
        return reaped;
    };
    QTRY_VERIFY_WITH_TIMEOUT(reapedNow(), 10000);
}

void TestCommandExecutor::outputSignal()
{
    CommandSpec s = shellSpec(QStringLiteral("echo one; echo two >&2; sleep 0.1; echo three"));
    Finished done;
    run(s, done);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::Succeeded));
    QCOMPARE(done.output, QByteArray("one\ntwo\nthree\n"));
    QCOMPARE(readAll(s.logPath), done.output);
    QCOMPARE(done.result.bytesLogged, 14);
}

void TestCommandExecutor::logCapping()
{
    constexpr int Last = 700000; // about 4.8 MB of output
    QByteArray expected;
    expected.reserve(5'000'000);
    for (int i = 1; i <= Last; ++i)
        expected += QByteArray::number(i) + '\n';

    CommandSpec s = spec({"seq", "1", QString::number(Last)});
    s.maxLogBytes = 64 * 1024;
    Finished done;
    run(s, done);
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::Succeeded));
    QCOMPARE(done.result.bytesLogged, expected.size());
    QCOMPARE(done.output.size(), expected.size()); // the live signal is not capped

    const QByteArray log = readAll(s.logPath);
    const qint64 cut = expected.size() - s.maxLogBytes;
    const QByteArray marker = CappedLog::marker(cut);
    QCOMPARE(marker,
             "\n[vouch: " + QByteArray::number(cut) + " bytes cut from the middle of this log]\n");
    QVERIFY(log.size() <= s.maxLogBytes + marker.size());
    QVERIFY(log.startsWith("1\n2\n3\n"));
    QVERIFY(log.endsWith("699999\n700000\n"));
    QCOMPARE(log.count(marker), 1);
    QVERIFY(log == expected.left(s.maxLogBytes / 2) + marker + expected.right(s.maxLogBytes / 2));
}

void TestCommandExecutor::destructorKillsTheGroup()
{
    bool finishedEmitted = false;
    qint64 group = 0;
    {
        auto executor = std::make_unique<CommandExecutor>(
            shellSpec(QStringLiteral("sleep 100 & sleep 100; echo never")));
        connect(executor.get(), &CommandExecutor::finished, this,
                [&finishedEmitted] { finishedEmitted = true; });
        QSignalSpy started(executor.get(), &CommandExecutor::started);
        executor->start();
        QVERIFY(started.wait(FinishTimeoutMs));
        group = started.at(0).at(0).toLongLong();
        QTRY_VERIFY_WITH_TIMEOUT(liveMembers(group) >= 3, FinishTimeoutMs);
    }
    QCoreApplication::processEvents();
    QVERIFY(!finishedEmitted);
    verifyGroupGone(group);
    QVERIFY(readAll(m_dir->filePath(QStringLiteral("logs/node.1.log"))).isEmpty());
}

void TestCommandExecutor::cancelBeforeStart()
{
    CommandExecutor executor(spec({"sh", "-c", "exit 0"}));
    QSignalSpy started(&executor, &CommandExecutor::started);
    QSignalSpy finished(&executor, &CommandExecutor::finished);
    executor.cancel();
    executor.start();
    QCOMPARE(finished.count(), 0);
    QVERIFY(finished.wait(FinishTimeoutMs));
    QCOMPARE(vouch::engine::toString(finished.at(0).at(0).value<CommandResult>().outcome),
             vouch::engine::toString(Outcome::Cancelled));
    QCOMPARE(started.count(), 0);
}

void TestCommandExecutor::killProcessGroupHelper()
{
    QVERIFY(!vouch::engine::killProcessGroup(0, 0));  // would be our own group
    QVERIFY(!vouch::engine::killProcessGroup(1, 0));  // would be everyone
    QVERIFY(!vouch::engine::killProcessGroup(-5, 0)); // nonsense

    Finished done;
    qint64 group = 0;
    run(spec({"sleep", "100"}), done, [&](CommandExecutor &executor) {
        QTRY_VERIFY_WITH_TIMEOUT(executor.processGroup() > 1, FinishTimeoutMs);
        group = executor.processGroup();
        QTRY_VERIFY_WITH_TIMEOUT(liveMembers(group) >= 1, FinishTimeoutMs);
        QVERIFY(vouch::engine::killProcessGroup(group, SIGKILL)); // as after a restart
    });
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(vouch::engine::toString(done.result.outcome),
             vouch::engine::toString(Outcome::Failed));
    QCOMPARE(done.result.signal, int(SIGKILL));
    verifyGroupGone(group);
    QVERIFY(!vouch::engine::killProcessGroup(group, 0));
}

void TestCommandExecutor::finishedWorksQueued()
{
    CommandExecutor executor(spec({"sh", "-c", "exit 5"}));
    QVERIFY(QMetaType::fromName("vouch::engine::CommandResult").isValid());
    QList<CommandResult> results;
    connect(
        &executor, &CommandExecutor::finished, this,
        [&results](const CommandResult &result) { results.append(result); }, Qt::QueuedConnection);
    executor.start();
    QTRY_COMPARE_WITH_TIMEOUT(results.size(), 1, FinishTimeoutMs);
    QCOMPARE(results.first().exitCode, 5);
    QCOMPARE(results.first().message, QStringLiteral("exit code 5"));
}

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if ((argc == 3 || argc == 4) && qstrcmp(argv[1], OrphanChildMode) == 0)
        return runOrphanChild(QString::fromLocal8Bit(argv[2]), argc == 4);
    TestCommandExecutor test;
    return vouch::test::runGuarded(test, argc, argv);
}

#include "tst_commandexecutor.moc"
