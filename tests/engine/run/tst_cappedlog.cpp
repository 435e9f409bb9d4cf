#include "engine/run/cappedlog.h"
#include "support/testguard.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using vouch::engine::CappedLog;

namespace {

// Deterministic, non-repeating output so that any misplaced byte shows.
QByteArray sampleOutput(qint64 size)
{
    QByteArray data;
    data.reserve(size + 16);
    for (int line = 1; data.size() < size; ++line)
        data += "line " + QByteArray::number(line) + '\n';
    data.truncate(size);
    return data;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

// What a capped file must contain for `data` and `maxBytes`.
QByteArray expectedFile(const QByteArray &data, qint64 maxBytes)
{
    if (maxBytes <= 0 || data.size() <= maxBytes)
        return data;
    const qint64 tail = maxBytes / 2;
    const qint64 head = maxBytes - tail;
    return data.left(head) + CappedLog::marker(data.size() - head - tail) + data.right(tail);
}

} // namespace

class TestCappedLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void capping_data();
    void capping();
    void fileGrowsLiveUpToTheCap();
    void markerText();
    void createsParentDirectories();
    void withoutPathOnlyCounts();
    void unwritablePathIsAnError();
    void symlinkAtThePathIsRefused_data();
    void symlinkAtThePathIsRefused();
    void fifoAtThePathIsRefused();
    void previousRegularLogIsReplaced();
    void silentLogLeavesNoFile();
    void symlinkPlantedAfterOpenIsRefused();
    void finishIsIdempotent();
    void lastLine_data();
    void lastLine();
    void lastLineOfLongOutput();
};

void TestCappedLog::capping_data()
{
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("maxBytes");
    QTest::addColumn<int>("chunk");

    QTest::newRow("under the cap") << qint64(1000) << qint64(4096) << 100;
    QTest::newRow("exactly the cap") << qint64(4096) << qint64(4096) << 100;
    QTest::newRow("one byte over") << qint64(4097) << qint64(4096) << 100;
    QTest::newRow("far over, small chunks") << qint64(100000) << qint64(4096) << 7;
    QTest::newRow("far over, chunk > tail") << qint64(100000) << qint64(4096) << 5000;
    QTest::newRow("far over, one chunk") << qint64(100000) << qint64(4096) << 100000;
    QTest::newRow("odd cap") << qint64(5001) << qint64(1001) << 333;
    QTest::newRow("cap of one byte") << qint64(50) << qint64(1) << 3;
    QTest::newRow("no cap") << qint64(100000) << qint64(0) << 4096;
    QTest::newRow("64 KiB cap, 5 MB") << qint64(5'000'000) << qint64(64 * 1024) << 16384;
}

void TestCappedLog::capping()
{
    QFETCH(qint64, total);
    QFETCH(qint64, maxBytes);
    QFETCH(int, chunk);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("node.log"));
    const QByteArray data = sampleOutput(total);

    CappedLog log(path, maxBytes);
    QVERIFY2(log.open(), qPrintable(log.errorString()));
    for (qint64 at = 0; at < data.size(); at += chunk)
        log.append(data.mid(at, chunk));
    QVERIFY(log.finish());

    QCOMPARE(log.totalBytes(), total);
    const QByteArray expected = expectedFile(data, maxBytes);
    const QByteArray written = readAll(path);
    QCOMPARE(written.size(), expected.size());
    QVERIFY(written == expected);
    QCOMPARE(log.isCut(), maxBytes > 0 && total > maxBytes);
    if (log.isCut()) {
        QCOMPARE(log.cutBytes(), total - maxBytes);
        QVERIFY(written.size() <= maxBytes + CappedLog::marker(log.cutBytes()).size());
    }
}

void TestCappedLog::fileGrowsLiveUpToTheCap()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("live.log"));
    CappedLog log(path, 1000);
    QVERIFY(log.open());

    log.append(QByteArray(600, 'a'));
    QCOMPARE(readAll(path), QByteArray(600, 'a')); // visible before finish()
    log.append(QByteArray(600, 'b'));
    QCOMPARE(readAll(path), QByteArray(600, 'a') + QByteArray(400, 'b')); // stops at the cap
    log.append(QByteArray(600, 'c'));
    QCOMPARE(QFileInfo(path).size(), 1000);

    QVERIFY(log.finish());
    QCOMPARE(readAll(path), QByteArray(500, 'a') + CappedLog::marker(800) + QByteArray(500, 'c'));
}

void TestCappedLog::markerText()
{
    QCOMPARE(CappedLog::marker(1234),
             QByteArray("\n[vouch: 1234 bytes cut from the middle of this log]\n"));
}

void TestCappedLog::createsParentDirectories()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run/1/node.1.log"));
    CappedLog log(path, 100);
    QVERIFY2(log.open(), qPrintable(log.errorString()));
    log.append("hello\n");
    QVERIFY(log.finish());
    QCOMPARE(readAll(path), QByteArray("hello\n"));
}

void TestCappedLog::withoutPathOnlyCounts()
{
    CappedLog log(QString(), 10);
    QVERIFY(log.open());
    log.append("first line\nsecond line\nthird\n");
    QVERIFY(log.finish());
    QCOMPARE(log.totalBytes(), 29);
    QCOMPARE(log.lastLine(), QStringLiteral("third"));
}

void TestCappedLog::unwritablePathIsAnError()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile blocker(dir.filePath(QStringLiteral("file")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    // A directory cannot be made under a plain file.
    CappedLog log(dir.filePath(QStringLiteral("file/sub/node.log")), 100);
    QVERIFY(!log.open());
    QVERIFY2(log.errorString().contains(QStringLiteral("file/sub")), qPrintable(log.errorString()));
}

// The log path is predictable: a symbolic link planted there must not make
// the command's output overwrite (or create) the file it points to.
void TestCappedLog::symlinkAtThePathIsRefused_data()
{
    QTest::addColumn<bool>("targetExists");
    QTest::newRow("to an existing file") << true;
    QTest::newRow("dangling") << false;
}

void TestCappedLog::symlinkAtThePathIsRefused()
{
    QFETCH(bool, targetExists);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString target = dir.filePath(QStringLiteral("precious.txt"));
    if (targetExists)
        QVERIFY(writeFile(target, "keep me\n"));
    const QString path = dir.filePath(QStringLiteral("logs/1/1/node.1.log"));
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QVERIFY(QFile::link(target, path));

    CappedLog log(path, 100);
    QVERIFY(!log.open());
    log.append("overwritten\n");
    log.finish();
    QVERIFY2(log.errorString().contains(path) &&
                 log.errorString().contains(QStringLiteral("a symbolic link")) &&
                 log.errorString().contains(QStringLiteral("remove it")),
             qPrintable(log.errorString()));
    if (targetExists)
        QCOMPARE(readAll(target), QByteArray("keep me\n"));
    else
        QVERIFY(!QFileInfo::exists(target));
    QVERIFY(QFileInfo(path).isSymLink()); // left for the user to look at
}

void TestCappedLog::fifoAtThePathIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("node.1.log"));
    QCOMPARE(::mkfifo(QFile::encodeName(path).constData(), 0600), 0);
    CappedLog log(path, 100);
    QVERIFY(!log.open()); // and it does not block opening a FIFO nobody reads
    QVERIFY2(log.errorString().contains(QStringLiteral("not a regular file")),
             qPrintable(log.errorString()));
}

// Log names repeat when a store is recreated beside old logs: a regular file
// is replaced, as before.
void TestCappedLog::previousRegularLogIsReplaced()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("node.1.log"));
    QVERIFY(writeFile(path, "an older, longer run's output\n"));
    CappedLog log(path, 100);
    QVERIFY2(log.open(), qPrintable(log.errorString()));
    log.append("new\n");
    QVERIFY(log.finish());
    QCOMPARE(readAll(path), QByteArray("new\n"));
}

// The file is made by the first output: 10,000 silent commands create no
// inode. open() still checks the path and removes an older log of that name.
void TestCappedLog::silentLogLeavesNoFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run/1/node.1.log"));
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QVERIFY(writeFile(path, "a crashed attempt's output\n"));
    CappedLog log(path, 100);
    QVERIFY2(log.open(), qPrintable(log.errorString()));
    QVERIFY(!QFileInfo::exists(path));
    QVERIFY(log.finish());
    QVERIFY(!QFileInfo::exists(path));
    QCOMPARE(log.totalBytes(), 0);

    CappedLog speaks(path, 100);
    QVERIFY(speaks.open());
    QVERIFY(!QFileInfo::exists(path));
    speaks.append("first\n");
    QVERIFY(QFileInfo(path).isFile()); // live, before finish()
    QCOMPARE(readAll(path), QByteArray("first\n"));
    QVERIFY(speaks.finish());
}

// Between open() and the first output a symbolic link appears at the path:
// creating the file refuses it; the output is still counted, never written
// through the link, and finish() reports the refusal.
void TestCappedLog::symlinkPlantedAfterOpenIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString target = dir.filePath(QStringLiteral("precious.txt"));
    QVERIFY(writeFile(target, "keep me\n"));
    const QString path = dir.filePath(QStringLiteral("logs/1/1/node.1.log"));
    CappedLog log(path, 100);
    QVERIFY2(log.open(), qPrintable(log.errorString()));
    QVERIFY(QFile::link(target, path));
    log.append("overwritten\n");
    QVERIFY(!log.finish());
    QCOMPARE(log.totalBytes(), 12);
    QCOMPARE(log.lastLine(), QStringLiteral("overwritten"));
    QVERIFY2(log.errorString().contains(QStringLiteral("a symbolic link")),
             qPrintable(log.errorString()));
    QCOMPARE(readAll(target), QByteArray("keep me\n"));
}

void TestCappedLog::finishIsIdempotent()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("node.log"));
    {
        CappedLog log(path, 10);
        QVERIFY(log.open());
        log.append("0123456789abcdefghij");
        QVERIFY(log.finish());
        QVERIFY(log.finish());
        log.append("ignored after finish");
        QCOMPARE(log.totalBytes(), 20);
    } // the destructor must not write again
    QCOMPARE(readAll(path), QByteArray("01234") + CappedLog::marker(10) + "fghij");
}

void TestCappedLog::lastLine_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<QString>("expected");

    QTest::newRow("nothing") << QByteArray() << QString();
    QTest::newRow("only blanks") << QByteArray("\n  \n\t\n") << QString();
    QTest::newRow("no newline") << QByteArray("done") << QStringLiteral("done");
    QTest::newRow("trailing newline") << QByteArray("a\nb\n") << QStringLiteral("b");
    QTest::newRow("trailing blanks")
        << QByteArray("a\n  error: disk full  \n\n \n") << QStringLiteral("error: disk full");
    QTest::newRow("crlf") << QByteArray("a\r\nlast\r\n") << QStringLiteral("last");
    QTest::newRow("utf-8") << QByteArray("Umsatz fehlt für KW 48\n")
                           << QStringLiteral("Umsatz fehlt für KW 48");
    QTest::newRow("long line") << QByteArray(300, 'x') + '\n'
                               << QString(199, QLatin1Char('x')) + QChar(0x2026);
}

void TestCappedLog::lastLine()
{
    QFETCH(QByteArray, output);
    QFETCH(QString, expected);
    CappedLog log(QString(), 0);
    // Byte by byte as well as at once: chunk borders must not matter.
    log.append(output);
    QCOMPARE(log.lastLine(), expected);
    CappedLog bytewise(QString(), 0);
    for (char c : output)
        bytewise.append(QByteArray(1, c));
    QCOMPARE(bytewise.lastLine(), expected);
    QVERIFY(log.lastLine().size() <= 200);
}

void TestCappedLog::lastLineOfLongOutput()
{
    CappedLog log(QString(), 1024);
    log.append(sampleOutput(1'000'000));
    log.append("\nfinal words\n\n");
    QCOMPARE(log.lastLine(), QStringLiteral("final words"));
}

VOUCH_TEST_GUILESS_MAIN(TestCappedLog)
#include "tst_cappedlog.moc"
