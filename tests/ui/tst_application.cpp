// The desktop app's logging: one rotating file with the command line
// (engine/util/log.h), which receives the engine's lines and Qt's own
// messages (qWarning from Qt or from us) once startLogging() has run;
// $VOUCH_LOG_LEVEL raises or lowers the level.

#include "ui/application.h"

#include "engine/util/log.h"
#include "support/testguard.h"

#include <QFile>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch;

namespace {

QString readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestApplication : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theLogFileIsTheCommandLines()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCOMPARE(engine::log::defaultLogFile(),
                 engine::log::defaultLogDirectory() + QStringLiteral("/serve.log"));
    }

    void qtMessagesReachTheLogFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("logs/vouch.log"));
        qunsetenv("VOUCH_LOG_LEVEL");
        ui::startLogging(path);
        engine::log::info(QStringLiteral("an engine line"));
        qWarning("a Qt warning");
        qDebug("a debug line below the level");
        QLoggingCategory category("vouch.test");
        qCWarning(category, "a categorised warning");
        const QString text = readAll(path);
        QVERIFY2(text.contains(QStringLiteral(" info an engine line")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(" warning a Qt warning")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(" warning vouch.test: a categorised warning")),
                 qPrintable(text));
        QVERIFY2(!text.contains(QStringLiteral("below the level")), qPrintable(text));
    }

    void theLevelComesFromTheEnvironment()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("vouch.log"));
        qputenv("VOUCH_LOG_LEVEL", "debug");
        ui::startLogging(path); // twice: the handler is not chained to itself
        qDebug("a debug line");
        engine::log::debug(QStringLiteral("an engine debug line"));
        qunsetenv("VOUCH_LOG_LEVEL");
        const QString text = readAll(path);
        QVERIFY2(text.contains(QStringLiteral(" debug a debug line")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral(" debug an engine debug line")), qPrintable(text));
        QCOMPARE(text.count(QStringLiteral("a debug line")), 1);
    }
};

VOUCH_TEST_MAIN(TestApplication)
#include "tst_application.moc"
