#include "engine/contract/weeklytime.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::engine;

namespace {

QDateTime utc(const QString &iso)
{
    QDateTime result = QDateTime::fromString(iso, Qt::ISODate);
    Q_ASSERT(result.isValid());
    return result.toUTC();
}

QString local(const QDateTime &dateTime, const QTimeZone &zone)
{
    return dateTime.toTimeZone(zone).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

class TestWeeklyTime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void toString_data();
    void toString();
    void roundTripsEveryDay();
    void resolveWallClock_data();
    void resolveWallClock();
    void nextAtOrAfter_data();
    void nextAtOrAfter();
    void nextAtOrAfterSweep_data();
    void nextAtOrAfterSweep();
    void invalidInputs();
};

void TestWeeklyTime::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("day");
    QTest::addColumn<int>("minute");

    QTest::newRow("monday noon") << "MON 12:00" << 1 << 12 * 60;
    QTest::newRow("lower case") << "mon 12:00" << 1 << 12 * 60;
    QTest::newRow("mixed case") << "Fri 09:05" << 5 << 9 * 60 + 5;
    QTest::newRow("tuesday") << "TUE 07:30" << 2 << 7 * 60 + 30;
    QTest::newRow("wednesday") << "WED 00:00" << 3 << 0;
    QTest::newRow("thursday") << "THU 13:45" << 4 << 13 * 60 + 45;
    QTest::newRow("saturday") << "SAT 18:00" << 6 << 18 * 60;
    QTest::newRow("last minute of the week") << "SUN 23:59" << 7 << 1439;
    QTest::newRow("many spaces") << "  FRI    09:05  " << 5 << 9 * 60 + 5;
    QTest::newRow("tab") << "WED\t08:30" << 3 << 8 * 60 + 30;
    QTest::newRow("single-digit hour") << "TUE 9:00" << 2 << 9 * 60;
}

void TestWeeklyTime::parseValid()
{
    QFETCH(QString, text);
    QFETCH(int, day);
    QFETCH(int, minute);

    ParseError error;
    const std::optional<WeeklyTime> time = WeeklyTime::parse(text, &error);
    QVERIFY2(time, qPrintable(error.message));
    QCOMPARE(time->dayOfWeek, day);
    QCOMPARE(time->minuteOfDay, minute);
}

void TestWeeklyTime::parseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("offset");

    QTest::newRow("empty") << ""
                           << "empty weekly time; write a day and a time, e.g. MON 12:00" << 0;
    QTest::newRow("typo in day") << "MOM 12:00"
                                 << "unknown day 'MOM'; use MON, TUE, WED, THU, FRI, SAT or SUN"
                                 << 0;
    QTest::newRow("typo in day after spaces") << "  MOM 12:00"
                                              << "unknown day 'MOM'" << 2;
    QTest::newRow("full day name") << "MONDAY 12:00"
                                   << "unknown day 'MONDAY'" << 0;
    QTest::newRow("time first") << "12:00 MON"
                                << "expected a day (MON, TUE" << 0;
    QTest::newRow("day only") << "MON"
                              << "expected a time HH:MM after the day" << 3;
    QTest::newRow("day and spaces") << "MON   "
                                    << "expected a time HH:MM after the day" << 3;
    QTest::newRow("hour only") << "MON 12"
                               << "expected a time HH:MM after the day" << 6;
    QTest::newRow("no colon") << "MON 1200"
                              << "expected a time HH:MM after the day" << 4;
    QTest::newRow("dot instead of colon") << "MON 12.00"
                                          << "expected a time HH:MM" << 6;
    QTest::newRow("word instead of time") << "MON noon"
                                          << "expected a time HH:MM" << 4;
    QTest::newRow("no space") << "MON12:00"
                              << "expected a space between the day and the time" << 3;
    QTest::newRow("hour out of range") << "MON 24:00"
                                       << "hour 24 out of range 00-23" << 4;
    QTest::newRow("minute out of range") << "MON 12:60"
                                         << "minute 60 out of range 00-59" << 7;
    QTest::newRow("one-digit minutes") << "MON 12:5"
                                       << "expected two-digit minutes" << 7;
    QTest::newRow("three-digit minutes") << "MON 12:000"
                                         << "expected two-digit minutes" << 7;
    QTest::newRow("trailing zone") << "MON 12:00 UTC"
                                   << "unexpected 'UTC' after the time; write e.g. MON 12:00" << 10;
    QTest::newRow("seconds") << "MON 12:00:00"
                             << "unexpected ':00' after the time" << 9;
    QTest::newRow("am/pm") << "MON 12:00pm"
                           << "unexpected 'pm'" << 9;
}

void TestWeeklyTime::parseInvalid()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QFETCH(int, offset);

    ParseError error;
    const std::optional<WeeklyTime> time = WeeklyTime::parse(text, &error);
    QVERIFY2(!time, qPrintable(time ? time->toString() : QString()));
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QCOMPARE(error.offset, offset);
}

void TestWeeklyTime::toString_data()
{
    QTest::addColumn<int>("day");
    QTest::addColumn<int>("minute");
    QTest::addColumn<QString>("text");

    QTest::newRow("monday noon") << 1 << 720 << "MON 12:00";
    QTest::newRow("sunday early") << 7 << 5 << "SUN 00:05";
    QTest::newRow("friday late") << 5 << 1439 << "FRI 23:59";
}

void TestWeeklyTime::toString()
{
    QFETCH(int, day);
    QFETCH(int, minute);
    QFETCH(QString, text);
    QCOMPARE((WeeklyTime{day, minute}.toString()), text);
}

void TestWeeklyTime::roundTripsEveryDay()
{
    for (int day = 1; day <= 7; ++day) {
        for (int minute = 0; minute < 1440; minute += 7) {
            const WeeklyTime time{day, minute};
            const std::optional<WeeklyTime> parsed = WeeklyTime::parse(time.toString());
            QVERIFY2(parsed, qPrintable(time.toString()));
            QCOMPARE(*parsed, time);
        }
    }
}

void TestWeeklyTime::resolveWallClock_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QDate>("date");
    QTest::addColumn<int>("minute");
    QTest::addColumn<QString>("expectedUtc");

    // London springs forward at 01:00 GMT on 2026-03-29 and falls back at 02:00
    // BST on 2026-10-25.
    QTest::newRow("london before the gap")
        << QByteArray("Europe/London") << QDate(2026, 3, 29) << 59 << "2026-03-29T00:59:00Z";
    QTest::newRow("london start of the gap")
        << QByteArray("Europe/London") << QDate(2026, 3, 29) << 60 << "2026-03-29T01:00:00Z";
    QTest::newRow("london inside the gap")
        << QByteArray("Europe/London") << QDate(2026, 3, 29) << 90 << "2026-03-29T01:00:00Z";
    QTest::newRow("london end of the gap")
        << QByteArray("Europe/London") << QDate(2026, 3, 29) << 120 << "2026-03-29T01:00:00Z";
    QTest::newRow("london after the gap")
        << QByteArray("Europe/London") << QDate(2026, 3, 29) << 121 << "2026-03-29T01:01:00Z";
    QTest::newRow("london overlap takes the first")
        << QByteArray("Europe/London") << QDate(2026, 10, 25) << 90 << "2026-10-25T00:30:00Z";
    QTest::newRow("london after the overlap")
        << QByteArray("Europe/London") << QDate(2026, 10, 25) << 120 << "2026-10-25T02:00:00Z";
    QTest::newRow("new york gap") << QByteArray("America/New_York") << QDate(2026, 3, 8) << 150
                                  << "2026-03-08T07:00:00Z";
    QTest::newRow("new york overlap")
        << QByteArray("America/New_York") << QDate(2026, 11, 1) << 90 << "2026-11-01T05:30:00Z";
    QTest::newRow("sydney gap") << QByteArray("Australia/Sydney") << QDate(2026, 10, 4) << 150
                                << "2026-10-03T16:00:00Z";
    QTest::newRow("sydney overlap")
        << QByteArray("Australia/Sydney") << QDate(2026, 4, 5) << 150 << "2026-04-04T15:30:00Z";
    QTest::newRow("kolkata half-hour offset")
        << QByteArray("Asia/Kolkata") << QDate(2026, 5, 1) << 9 * 60 << "2026-05-01T03:30:00Z";
    QTest::newRow("utc") << QByteArray("UTC") << QDate(2026, 1, 1) << 0 << "2026-01-01T00:00:00Z";
    // Samoa skipped 2011-12-30 entirely: every wall time that day resolves to
    // the first instant of 2011-12-31.
    QTest::newRow("samoa skipped day")
        << QByteArray("Pacific/Apia") << QDate(2011, 12, 30) << 12 * 60 << "2011-12-30T10:00:00Z";
}

void TestWeeklyTime::resolveWallClock()
{
    QFETCH(QByteArray, zone);
    QFETCH(QDate, date);
    QFETCH(int, minute);
    QFETCH(QString, expectedUtc);

    const QTimeZone tz(zone);
    QVERIFY2(tz.isValid(), zone.constData());
    const QDateTime result = vouch::engine::resolveWallClock(date, minute, tz);
    QVERIFY(result.isValid());
    QCOMPARE(result.toUTC(), utc(expectedUtc));
}

void TestWeeklyTime::nextAtOrAfter_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("weekly");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("expectedUtc");
    QTest::addColumn<QString>("expectedLocal");

    const QByteArray london("Europe/London");
    const QByteArray newYork("America/New_York");
    const QByteArray sydney("Australia/Sydney");
    const QByteArray kolkata("Asia/Kolkata");

    QTest::newRow("later this week") << london << "MON 12:00"
                                     << "2026-03-25T00:00:00Z"
                                     << "2026-03-30T11:00:00Z"
                                     << "2026-03-30 12:00";
    QTest::newRow("exactly at the time") << london << "MON 12:00"
                                         << "2026-03-30T11:00:00Z"
                                         << "2026-03-30T11:00:00Z"
                                         << "2026-03-30 12:00";
    QTest::newRow("a second late is next week") << london << "MON 12:00"
                                                << "2026-03-30T11:00:01Z"
                                                << "2026-04-06T11:00:00Z"
                                                << "2026-04-06 12:00";
    QTest::newRow("same day later") << london << "MON 12:00"
                                    << "2026-03-30T08:00:00Z"
                                    << "2026-03-30T11:00:00Z"
                                    << "2026-03-30 12:00";
    QTest::newRow("winter time") << london << "MON 12:00"
                                 << "2026-01-01T00:00:00Z"
                                 << "2026-01-05T12:00:00Z"
                                 << "2026-01-05 12:00";
    QTest::newRow("london gap moves to the end") << london << "SUN 01:30"
                                                 << "2026-03-28T12:00:00Z"
                                                 << "2026-03-29T01:00:00Z"
                                                 << "2026-03-29 02:00";
    QTest::newRow("london gap start") << london << "SUN 01:00"
                                      << "2026-03-28T12:00:00Z"
                                      << "2026-03-29T01:00:00Z"
                                      << "2026-03-29 02:00";
    QTest::newRow("london just before the gap") << london << "SUN 00:59"
                                                << "2026-03-28T12:00:00Z"
                                                << "2026-03-29T00:59:00Z"
                                                << "2026-03-29 00:59";
    QTest::newRow("london overlap first") << london << "SUN 01:30"
                                          << "2026-10-24T12:00:00Z"
                                          << "2026-10-25T00:30:00Z"
                                          << "2026-10-25 01:30";
    // From inside the overlap, after the first 01:30: the repeated 01:30 GMT does
    // not count, the next occurrence is a week later.
    QTest::newRow("london overlap second pass is skipped") << london << "SUN 01:30"
                                                           << "2026-10-25T00:45:00Z"
                                                           << "2026-11-01T01:30:00Z"
                                                           << "2026-11-01 01:30";
    QTest::newRow("new york gap") << newYork << "SUN 02:30"
                                  << "2026-03-07T12:00:00Z"
                                  << "2026-03-08T07:00:00Z"
                                  << "2026-03-08 03:00";
    QTest::newRow("new york overlap") << newYork << "SUN 01:30"
                                      << "2026-10-31T12:00:00Z"
                                      << "2026-11-01T05:30:00Z"
                                      << "2026-11-01 01:30";
    QTest::newRow("new york from local time") << newYork << "FRI 17:00"
                                              << "2026-05-01T16:59:00-04:00"
                                              << "2026-05-01T21:00:00Z"
                                              << "2026-05-01 17:00";
    QTest::newRow("sydney gap") << sydney << "SUN 02:30"
                                << "2026-10-01T00:00:00Z"
                                << "2026-10-03T16:00:00Z"
                                << "2026-10-04 03:00";
    QTest::newRow("sydney overlap") << sydney << "SUN 02:30"
                                    << "2026-04-01T00:00:00Z"
                                    << "2026-04-04T15:30:00Z"
                                    << "2026-04-05 02:30";
    // 23:00 UTC on Sunday is already Monday 09:00 in Sydney.
    QTest::newRow("sydney date differs from utc") << sydney << "MON 09:00"
                                                  << "2026-06-07T23:00:00Z"
                                                  << "2026-06-07T23:00:00Z"
                                                  << "2026-06-08 09:00";
    QTest::newRow("sydney date differs, just missed") << sydney << "MON 08:59"
                                                      << "2026-06-07T23:00:00Z"
                                                      << "2026-06-14T22:59:00Z"
                                                      << "2026-06-15 08:59";
    QTest::newRow("sydney date differs, still ahead") << sydney << "MON 10:00"
                                                      << "2026-06-07T23:00:00Z"
                                                      << "2026-06-08T00:00:00Z"
                                                      << "2026-06-08 10:00";
    QTest::newRow("kolkata same day") << kolkata << "FRI 09:00"
                                      << "2026-05-01T00:00:00Z"
                                      << "2026-05-01T03:30:00Z"
                                      << "2026-05-01 09:00";
    QTest::newRow("kolkata passed") << kolkata << "FRI 05:00"
                                    << "2026-05-01T00:00:00Z"
                                    << "2026-05-07T23:30:00Z"
                                    << "2026-05-08 05:00";
}

void TestWeeklyTime::nextAtOrAfter()
{
    QFETCH(QByteArray, zone);
    QFETCH(QString, weekly);
    QFETCH(QString, from);
    QFETCH(QString, expectedUtc);
    QFETCH(QString, expectedLocal);

    const QTimeZone tz(zone);
    QVERIFY2(tz.isValid(), zone.constData());
    const std::optional<WeeklyTime> time = WeeklyTime::parse(weekly);
    QVERIFY(time);
    const QDateTime start = QDateTime::fromString(from, Qt::ISODate);
    QVERIFY(start.isValid());

    const QDateTime next = time->nextAtOrAfter(start, tz);
    QVERIFY(next.isValid());
    QCOMPARE(next.toUTC(), utc(expectedUtc));
    QCOMPARE(local(next, tz), expectedLocal);
    QVERIFY(next >= start);
}

void TestWeeklyTime::nextAtOrAfterSweep_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::newRow("london") << QByteArray("Europe/London");
    QTest::newRow("new york") << QByteArray("America/New_York");
    QTest::newRow("sydney") << QByteArray("Australia/Sydney");
    QTest::newRow("kolkata") << QByteArray("Asia/Kolkata");
}

// Over a whole year, every five hours: the answer is never before `from`, at
// most a week later, on the right day, at the right wall time unless that
// wall time fell into a gap, and there is no earlier occurrence in between.
void TestWeeklyTime::nextAtOrAfterSweep()
{
    QFETCH(QByteArray, zone);
    const QTimeZone tz(zone);
    QVERIFY(tz.isValid());

    const QList<WeeklyTime> times{{1, 6 * 60}, {7, 90}, {7, 150}, {3, 23 * 60 + 59}, {6, 0}};
    const QDateTime end = utc(QStringLiteral("2027-01-01T00:00:00Z"));
    for (QDateTime from = utc(QStringLiteral("2026-01-01T00:00:00Z")); from < end;
         from = from.addSecs(5 * 3600)) {
        for (const WeeklyTime &time : times) {
            const QDateTime next = time.nextAtOrAfter(from, tz);
            QVERIFY(next.isValid());
            QVERIFY(next >= from);
            QVERIFY(next < from.addDays(7).addSecs(2 * 3600));
            const QDateTime wall = next.toTimeZone(tz);
            QCOMPARE(wall.date().dayOfWeek(), time.dayOfWeek);
            const int wallMinute = wall.time().hour() * 60 + wall.time().minute();
            if (wallMinute != time.minuteOfDay) {
                // Only a gap can move the time, and only forward to its end.
                QVERIFY2(tz.isDaylightTime(next) && !tz.isDaylightTime(next.addSecs(-1)),
                         qPrintable(time.toString() + QStringLiteral(" -> ") + local(next, tz)));
                QVERIFY(wallMinute > time.minuteOfDay);
            }
        }
    }
}

void TestWeeklyTime::invalidInputs()
{
    const WeeklyTime time{1, 720};
    QVERIFY(!time.nextAtOrAfter(QDateTime(), QTimeZone("Europe/London")).isValid());
    QVERIFY(
        !time.nextAtOrAfter(utc(QStringLiteral("2026-01-01T00:00:00Z")), QTimeZone("Not/A_Zone"))
             .isValid());
}

VOUCH_TEST_GUILESS_MAIN(TestWeeklyTime)
#include "tst_weeklytime.moc"
