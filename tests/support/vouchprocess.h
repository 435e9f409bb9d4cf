#pragma once

// The one way the tests run the built `vouch` binary (VOUCH_BINARY): to its
// end while this thread's event loop keeps running (so that an in-process
// test server, say, still answers), or started in the background.

#include <QEventLoop>
#include <QProcess>
#include <QTimer>

#include <memory>

namespace vouch::test {

struct VouchResult
{
    int exitCode = -1; // -1: it did not start, or was killed after the timeout
    QString out;
    QString err;
    bool crashed = false;  // it died of a signal (or was killed after the timeout)
    bool timedOut = false; // killed after the timeout; `out` and `err` hold what it wrote
};

struct VouchOptions
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QByteArray input; // written to its stdin, which is then closed
    QString workingDirectory;
    int timeoutMs = 120000;
};

// `program ARGS` (a wrapper such as runuser, or the binary itself), to its end.
inline VouchResult runProgram(const QString &program, const QStringList &args,
                              const VouchOptions &options = {})
{
    QProcess p;
    p.setProcessEnvironment(options.env);
    if (!options.workingDirectory.isEmpty())
        p.setWorkingDirectory(options.workingDirectory);
    p.start(program, args);
    if (!p.waitForStarted())
        return {};
    p.write(options.input);
    p.closeWriteChannel();
    QEventLoop loop;
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(options.timeoutMs, &loop, &QEventLoop::quit);
    if (p.state() != QProcess::NotRunning)
        loop.exec();
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
        return {-1, QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError()), true, true};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError()), p.exitStatus() == QProcess::CrashExit};
}

// `vouch ARGS`, to its end.
inline VouchResult runVouch(const QStringList &args, const VouchOptions &options = {})
{
    return runProgram(QStringLiteral(VOUCH_BINARY), args, options);
}

inline VouchResult runVouchBinary(const QStringList &args, const QProcessEnvironment &env,
                                  const QByteArray &input = {}, int timeoutMs = 120000)
{
    VouchOptions options;
    options.env = env;
    options.input = input;
    options.timeoutMs = timeoutMs;
    return runVouch(args, options);
}

// `vouch ARGS` started in the background (the caller waits, reads or kills).
inline std::unique_ptr<QProcess> startVouch(const QStringList &args,
                                            const VouchOptions &options = {})
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(options.env);
    if (!options.workingDirectory.isEmpty())
        p->setWorkingDirectory(options.workingDirectory);
    p->start(QStringLiteral(VOUCH_BINARY), args);
    return p;
}

} // namespace vouch::test
