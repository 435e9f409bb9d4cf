#pragma once

// Every test executable's main (VOUCH_TEST_MAIN, VOUCH_TEST_GUILESS_MAIN):
// an unexpected qCritical or qFatal, or an error-level line on the engine's
// logger, fails the test function that caused it, instead of scrolling past
// in the log. A test that means to provoke one says so first:
//
//     vouch::test::expectError(QRegularExpression("cannot open"));
//
// An expectation is used up by the first message it matches.
//
// The handler is installed between QTest::qInit() (where Qt Test installs
// its own) and qRun(), and forwards every message to Qt Test's, so the log
// still shows it.

#include "engine/util/log.h"

#include <QList>
#include <QMutex>
#include <QRegularExpression>
#include <QTest>

namespace vouch::test {

namespace guard {

inline QMutex &mutex()
{
    static QMutex m;
    return m;
}

inline QList<QRegularExpression> &expected()
{
    static QList<QRegularExpression> list;
    return list;
}

inline QtMessageHandler &forward()
{
    static QtMessageHandler handler = nullptr;
    return handler;
}

// True when `message` was expected (and uses the expectation up).
inline bool consume(const QString &message)
{
    QMutexLocker lock(&mutex());
    QList<QRegularExpression> &list = expected();
    for (qsizetype i = 0; i < list.size(); ++i) {
        if (list.at(i).match(message).hasMatch()) {
            list.removeAt(i);
            return true;
        }
    }
    return false;
}

inline void unexpected(const char *what, const QString &message, const char *file, int line)
{
    const QByteArray text = QByteArray("unexpected ") + what + ": " + message.toUtf8();
    QTest::qFail(text.constData(), file ? file : __FILE__, file ? line : __LINE__);
}

inline void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if ((type == QtCriticalMsg || type == QtFatalMsg) && !consume(message))
        unexpected(type == QtFatalMsg ? "qFatal" : "qCritical", message, context.file,
                   context.line);
    if (QtMessageHandler next = forward())
        next(type, context, message);
}

inline void engineError(const QString &message)
{
    if (!consume(message))
        unexpected("engine error", message, nullptr, 0);
}

} // namespace guard

// The next qCritical, qFatal or engine error matching `pattern` is expected.
inline void expectError(const QRegularExpression &pattern)
{
    QMutexLocker lock(&guard::mutex());
    guard::expected().append(pattern);
}

template<typename TestObject>
int runGuarded(TestObject &test, int argc, char **argv)
{
    QTest::qInit(&test, argc, argv);
    guard::forward() = qInstallMessageHandler(guard::handler);
    engine::log::setErrorObserver(guard::engineError);
    const int failures = QTest::qRun();
    engine::log::setErrorObserver(nullptr);
    qInstallMessageHandler(guard::forward());
    QTest::qCleanup();
    return failures;
}

} // namespace vouch::test

// QTEST_GUILESS_MAIN and QTEST_MAIN (Widgets), guarded as above.
#define VOUCH_TEST_GUILESS_MAIN(TestObject)                                                        \
    int main(int argc, char *argv[])                                                               \
    {                                                                                              \
        QTest::Internal::callInitMain<TestObject>();                                               \
        QCoreApplication app(argc, argv);                                                          \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                   \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        TestObject tc;                                                                             \
        return vouch::test::runGuarded(tc, argc, argv);                                            \
    }

#define VOUCH_TEST_MAIN(TestObject)                                                                \
    int main(int argc, char *argv[])                                                               \
    {                                                                                              \
        QTest::Internal::callInitMain<TestObject>();                                               \
        QApplication app(argc, argv);                                                              \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                   \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        TestObject tc;                                                                             \
        return vouch::test::runGuarded(tc, argc, argv);                                            \
    }
