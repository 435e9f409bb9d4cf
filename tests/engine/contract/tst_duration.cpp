#include "engine/contract/duration.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::engine;
using namespace std::chrono_literals;

class TestDuration : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void format_data();
    void format();
    void roundTrip_data();
    void roundTrip();
    void errorIsOptional();
};

void TestDuration::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("seconds");

    QTest::newRow("seconds") << "30s" << qint64(30);
    QTest::newRow("minutes") << "10m" << qint64(600);
    QTest::newRow("hours") << "6h" << qint64(6 * 3600);
    QTest::newRow("days") << "2d" << qint64(2 * 86400);
    QTest::newRow("weeks") << "1w" << qint64(7 * 86400);
    QTest::newRow("zero") << "0s" << qint64(0);
    QTest::newRow("zero minutes") << "0m" << qint64(0);
    QTest::newRow("leading zero") << "010m" << qint64(600);
    QTest::newRow("more than a unit") << "90s" << qint64(90);
    QTest::newRow("hours and minutes") << "1h30m" << qint64(5400);
    QTest::newRow("every unit") << "1w2d3h4m5s" << qint64(7 * 86400 + 2 * 86400 + 3 * 3600 + 245);
    QTest::newRow("skipping units") << "1d30s" << qint64(86400 + 30);
    QTest::newRow("surrounding spaces") << "  15m\t" << qint64(900);
    QTest::newRow("spaces between parts") << "1h 30m" << qint64(5400);
    QTest::newRow("many spaces between parts") << "2d   12h" << qint64(2 * 86400 + 12 * 3600);
    QTest::newRow("near the maximum") << "5200w" << qint64(5200) * 7 * 86400;
    QTest::newRow("exactly the maximum") << "36500d" << qint64(36500) * 86400;
}

void TestDuration::parseValid()
{
    QFETCH(QString, text);
    QFETCH(qint64, seconds);

    ParseError error;
    const std::optional<Duration> duration = parseDuration(text, &error);
    QVERIFY2(duration, qPrintable(error.message));
    QCOMPARE(duration->count(), seconds);
}

void TestDuration::parseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("offset");

    QTest::newRow("empty") << ""
                           << "empty duration; write e.g. 30s, 10m, 6h or 2d" << 0;
    QTest::newRow("only spaces") << "   "
                                 << "empty duration" << 3;
    QTest::newRow("bare number") << "30"
                                 << "missing unit; write e.g. 30s, 10m, 6h or 2d" << 2;
    QTest::newRow("bare zero") << "0"
                               << "missing unit" << 1;
    QTest::newRow("bare number after a part") << "1h30"
                                              << "missing unit" << 4;
    QTest::newRow("space before the unit") << "10 m"
                                           << "missing unit" << 2;
    QTest::newRow("unknown unit") << "10x"
                                  << "unknown duration unit 'x'; use s, m, h, d or w" << 2;
    QTest::newRow("word unit") << "10min"
                               << "unknown duration unit 'min'" << 2;
    QTest::newRow("milliseconds") << "500ms"
                                  << "unknown duration unit 'ms'" << 3;
    QTest::newRow("upper-case unit") << "10M"
                                     << "unknown duration unit 'M'" << 2;
    QTest::newRow("years") << "1y"
                           << "unknown duration unit 'y'" << 1;
    QTest::newRow("unknown unit after a part") << "1h5q"
                                               << "unknown duration unit 'q'" << 3;
    QTest::newRow("negative") << "-5m"
                              << "a duration cannot be negative" << 0;
    QTest::newRow("negative after spaces") << "  -5m"
                                           << "cannot be negative" << 2;
    QTest::newRow("negative part") << "1h-5m"
                                   << "cannot be negative" << 2;
    QTest::newRow("plus sign") << "+5m"
                               << "expected a number at '+'" << 0;
    QTest::newRow("unit without number") << "h"
                                         << "expected a number at 'h'" << 0;
    QTest::newRow("trailing garbage") << "1h30m!"
                                      << "expected a number at '!'" << 5;
    QTest::newRow("fraction") << "1.5h"
                              << "whole numbers; combine units instead, e.g. 1h30m" << 1;
    QTest::newRow("comma fraction") << "1,5h"
                                    << "whole numbers" << 1;
    QTest::newRow("repeated unit") << "1h1h"
                                   << "unit 'h' appears twice" << 3;
    QTest::newRow("repeated unit later") << "1h30m10m"
                                         << "unit 'm' appears twice" << 7;
    QTest::newRow("ascending units")
        << "30m1h"
        << "unit 'h' after 'm'; write units from largest to smallest (w, d, h, m, s)" << 4;
    QTest::newRow("seconds before days") << "5s2d"
                                         << "unit 'd' after 's'" << 3;
    QTest::newRow("too long") << "5300w"
                              << "duration too long; the maximum is 100 years" << 0;
    QTest::newRow("too long after spaces") << " 36501d"
                                           << "duration too long" << 1;
    QTest::newRow("too long by a second") << "36500d1s"
                                          << "duration too long" << 6;
    QTest::newRow("huge number") << "99999999999999999999999s"
                                 << "duration too long" << 0;
}

void TestDuration::parseInvalid()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QFETCH(int, offset);

    ParseError error;
    const std::optional<Duration> duration = parseDuration(text, &error);
    QVERIFY2(!duration, qPrintable(QString::number(duration.value_or(0s).count())));
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QCOMPARE(error.offset, offset);
    QVERIFY2(!error.message.front().isUpper(), qPrintable(error.message));
}

void TestDuration::format_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");

    QTest::newRow("zero") << qint64(0) << "0s";
    QTest::newRow("seconds") << qint64(59) << "59s";
    QTest::newRow("one minute") << qint64(60) << "1m";
    QTest::newRow("minute and a half") << qint64(90) << "1m30s";
    QTest::newRow("hour and a half") << qint64(5400) << "1h30m";
    QTest::newRow("hour") << qint64(3600) << "1h";
    QTest::newRow("day and a second") << qint64(86401) << "1d1s";
    QTest::newRow("week as days") << qint64(7 * 86400) << "7d";
    QTest::newRow("everything") << qint64(2 * 86400 + 3 * 3600 + 4 * 60 + 5) << "2d3h4m5s";
    QTest::newRow("negative") << qint64(-90) << "-1m30s";
}

void TestDuration::format()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(formatDuration(Duration{seconds}), text);
}

void TestDuration::roundTrip_data()
{
    QTest::addColumn<qint64>("seconds");
    for (const qint64 seconds :
         {qint64(0), qint64(1), qint64(61), qint64(3599), qint64(3601), qint64(86399),
          qint64(90061), qint64(7 * 86400 + 1), qint64(36500) * 86400}) {
        QTest::addRow("%lld", seconds) << seconds;
    }
}

void TestDuration::roundTrip()
{
    QFETCH(qint64, seconds);
    const QString text = formatDuration(Duration{seconds});
    ParseError error;
    const std::optional<Duration> parsed = parseDuration(text, &error);
    QVERIFY2(parsed, qPrintable(text + QStringLiteral(": ") + error.message));
    QCOMPARE(parsed->count(), seconds);
}

void TestDuration::errorIsOptional()
{
    QVERIFY(!parseDuration(u"10x"));
    QCOMPARE(parseDuration(u"10m"), std::optional<Duration>(10min));
}

VOUCH_TEST_GUILESS_MAIN(TestDuration)
#include "tst_duration.moc"
