#pragma once

// Runs the built `vouch` binary to its end while this thread's event loop
// keeps running (so that an in-process test server, say, still answers).

#include <QEventLoop>
#include <QProcess>
#include <QTimer>

namespace vouch::test {

struct VouchResult
{
    int exitCode = -1; // -1: it did not start, or was killed after the timeout
    QString out;
    QString err;
};

inline VouchResult runVouchBinary(const QStringList &args, const QProcessEnvironment &env,
                                  const QByteArray &input = {}, int timeoutMs = 120000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(VOUCH_BINARY), args);
    if (!p.waitForStarted())
        return {};
    p.write(input);
    p.closeWriteChannel();
    QEventLoop loop;
    QObject::connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (p.state() != QProcess::NotRunning)
        loop.exec();
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace vouch::test
