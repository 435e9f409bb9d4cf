#include "engine/contract/cron.h"
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

class TestCron : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void text_data();
    void text();
    void nextAfter_data();
    void nextAfter();
    void impossibleSchedules_data();
    void impossibleSchedules();
    void mondaysAcrossAYear();
    void springForwardDay();
    void fallBackDay();
    void agreesWithMatches_data();
    void agreesWithMatches();
    void defaultConstructed();
};

void TestCron::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDate>("date");
    QTest::addColumn<int>("hour");
    QTest::addColumn<int>("minute");
    QTest::addColumn<bool>("matches");

    // 2026-03-30 is a Monday, 2026-03-29 a Sunday, 2026-01-13 a Tuesday.
    const QDate monday(2026, 3, 30);
    const QDate sunday(2026, 3, 29);

    QTest::newRow("every minute") << "* * * * *" << monday << 13 << 37 << true;
    QTest::newRow("monday 06:00") << "0 6 * * MON" << monday << 6 << 0 << true;
    QTest::newRow("monday 06:01") << "0 6 * * MON" << monday << 6 << 1 << false;
    QTest::newRow("tuesday 06:00") << "0 6 * * MON" << monday.addDays(1) << 6 << 0 << false;
    QTest::newRow("lower-case day") << "0 6 * * mon" << monday << 6 << 0 << true;
    QTest::newRow("numeric monday") << "0 6 * * 1" << monday << 6 << 0 << true;
    QTest::newRow("step matches") << "*/15 * * * *" << monday << 0 << 45 << true;
    QTest::newRow("step skips") << "*/15 * * * *" << monday << 0 << 50 << false;
    QTest::newRow("range step matches") << "0-30/10 * * * *" << monday << 0 << 20 << true;
    QTest::newRow("range step off-step") << "0-30/10 * * * *" << monday << 0 << 25 << false;
    QTest::newRow("range step past end") << "0-30/10 * * * *" << monday << 0 << 40 << false;
    QTest::newRow("offset range step") << "5-59/20 * * * *" << monday << 0 << 45 << true;
    QTest::newRow("list matches") << "5,10,15 * * * *" << monday << 0 << 10 << true;
    QTest::newRow("list skips") << "5,10,15 * * * *" << monday << 0 << 11 << false;
    QTest::newRow("list of ranges") << "0 1-3,20-22 * * *" << monday << 21 << 0 << true;
    QTest::newRow("working hours") << "0 9-17 * * 1-5" << QDate(2026, 5, 1) << 17 << 0 << true;
    QTest::newRow("working hours saturday")
        << "0 9-17 * * 1-5" << QDate(2026, 5, 2) << 9 << 0 << false;
    QTest::newRow("month name") << "0 0 1 JAN *" << QDate(2026, 1, 1) << 0 << 0 << true;
    QTest::newRow("month name other month")
        << "0 0 1 JAN *" << QDate(2026, 2, 1) << 0 << 0 << false;
    QTest::newRow("month range by name")
        << "0 0 * jan-mar *" << QDate(2026, 3, 15) << 0 << 0 << true;
    QTest::newRow("month range by name outside")
        << "0 0 * jan-mar *" << QDate(2026, 4, 1) << 0 << 0 << false;
    QTest::newRow("sunday as 0") << "0 0 * * 0" << sunday << 0 << 0 << true;
    QTest::newRow("sunday as 7") << "0 0 * * 7" << sunday << 0 << 0 << true;
    QTest::newRow("sunday by name") << "0 0 * * SUN" << sunday << 0 << 0 << true;
    QTest::newRow("7 is not monday") << "0 0 * * 7" << monday << 0 << 0 << false;
    QTest::newRow("mon-sun includes sunday") << "0 0 * * MON-SUN" << sunday << 0 << 0 << true;
    QTest::newRow("mon-sun includes wednesday")
        << "0 0 * * MON-SUN" << QDate(2026, 4, 1) << 0 << 0 << true;
    QTest::newRow("5-7 includes sunday") << "0 0 * * 5-7" << sunday << 0 << 0 << true;
    QTest::newRow("5-7 excludes monday") << "0 0 * * 5-7" << monday << 0 << 0 << false;
    QTest::newRow("step over week") << "0 0 * * */2" << QDate(2026, 4, 1) << 0 << 0 << false;
    QTest::newRow("step over week sunday") << "0 0 * * */2" << sunday << 0 << 0 << true;
    // Both day fields restricted: either may match (Vixie cron).
    QTest::newRow("dom or dow: dom") << "0 0 13 * FRI" << QDate(2026, 1, 13) << 0 << 0 << true;
    QTest::newRow("dom or dow: dow") << "0 0 13 * FRI" << QDate(2026, 1, 16) << 0 << 0 << true;
    QTest::newRow("dom or dow: neither") << "0 0 13 * FRI" << QDate(2026, 1, 14) << 0 << 0 << false;
    // A field starting with '*' is unrestricted, so both must match.
    QTest::newRow("star step dom and dow: both")
        << "0 0 */2 * MON" << QDate(2026, 3, 23) << 0 << 0 << true;
    QTest::newRow("star step dom and dow: even monday")
        << "0 0 */2 * MON" << monday << 0 << 0 << false;
    QTest::newRow("star step dom and dow: odd wednesday")
        << "0 0 */2 * MON" << QDate(2026, 3, 25) << 0 << 0 << false;
    QTest::newRow("dom only") << "0 0 1 * *" << QDate(2026, 4, 1) << 0 << 0 << true;
    QTest::newRow("dom only other day") << "0 0 1 * *" << QDate(2026, 4, 2) << 0 << 0 << false;
    QTest::newRow("last minute of the year")
        << "59 23 31 12 *" << QDate(2026, 12, 31) << 23 << 59 << true;
    QTest::newRow("step larger than range") << "*/90 * * * *" << monday << 0 << 0 << true;
    QTest::newRow("step larger than range skips") << "*/90 * * * *" << monday << 0 << 30 << false;
    QTest::newRow("surrounding spaces") << "  0   6  *  *  MON  " << monday << 6 << 0 << true;
    QTest::newRow("tabs") << "0\t6\t*\t*\tMON" << monday << 6 << 0 << true;
    QTest::newRow("@hourly") << "@hourly" << monday << 5 << 0 << true;
    QTest::newRow("@hourly off the hour") << "@hourly" << monday << 5 << 1 << false;
    QTest::newRow("@daily") << "@daily" << monday << 0 << 0 << true;
    QTest::newRow("@daily at one") << "@daily" << monday << 1 << 0 << false;
    QTest::newRow("@midnight") << "@midnight" << monday << 0 << 0 << true;
    QTest::newRow("@weekly sunday") << "@weekly" << sunday << 0 << 0 << true;
    QTest::newRow("@weekly monday") << "@weekly" << monday << 0 << 0 << false;
    QTest::newRow("@monthly") << "@monthly" << QDate(2026, 4, 1) << 0 << 0 << true;
    QTest::newRow("@monthly second") << "@monthly" << QDate(2026, 4, 2) << 0 << 0 << false;
    QTest::newRow("@yearly") << "@yearly" << QDate(2026, 1, 1) << 0 << 0 << true;
    QTest::newRow("@yearly february") << "@yearly" << QDate(2026, 2, 1) << 0 << 0 << false;
    QTest::newRow("@annually") << "@annually" << QDate(2027, 1, 1) << 0 << 0 << true;
    QTest::newRow("macro any case") << "@Daily" << monday << 0 << 0 << true;
}

void TestCron::parseValid()
{
    QFETCH(QString, text);
    QFETCH(QDate, date);
    QFETCH(int, hour);
    QFETCH(int, minute);
    QFETCH(bool, matches);

    ParseError error;
    const std::optional<CronSchedule> schedule = CronSchedule::parse(text, &error);
    QVERIFY2(schedule, qPrintable(error.message));
    QCOMPARE(schedule->matches(date, hour, minute), matches);
}

void TestCron::parseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("offset");

    QTest::newRow("empty") << ""
                           << "empty cron expression; write 5 fields" << 0;
    QTest::newRow("four fields") << "* * * *"
                                 << "cron expression needs 5 fields (minute hour day-of-month "
                                    "month day-of-week), found 4"
                                 << 7;
    QTest::newRow("six fields") << "0 * * * * 2026"
                                << "needs 5 fields" << 10;
    QTest::newRow("one field") << "daily"
                               << "found 1" << 5;
    QTest::newRow("minute out of range") << "61 * * * *"
                                         << "minute 61 out of range 0-59" << 0;
    QTest::newRow("minute out of range after spaces") << "  61 * * * *"
                                                      << "minute 61" << 2;
    QTest::newRow("huge minute") << "99999 * * * *"
                                 << "minute 99999 out of range 0-59" << 0;
    QTest::newRow("hour out of range") << "0 24 * * *"
                                       << "hour 24 out of range 0-23" << 2;
    QTest::newRow("day 0") << "0 0 0 * *"
                           << "day-of-month 0 out of range 1-31" << 4;
    QTest::newRow("day 32") << "0 0 32 * *"
                            << "day-of-month 32 out of range 1-31" << 4;
    QTest::newRow("month 13") << "0 0 * 13 *"
                              << "month 13 out of range 1-12" << 6;
    QTest::newRow("month 0") << "0 0 * 0 *"
                             << "month 0 out of range 1-12" << 6;
    QTest::newRow("weekday 8") << "0 0 * * 8"
                               << "day-of-week 8 out of range 0-7" << 8;
    QTest::newRow("range end out of range") << "0-60 * * * *"
                                            << "minute 60 out of range" << 2;
    QTest::newRow("list item out of range") << "0 1,2,25 * * *"
                                            << "hour 25 out of range" << 6;
    QTest::newRow("unknown day") << "0 0 * * MOM"
                                 << "unknown day 'MOM'; use MON, TUE, WED, THU, FRI, SAT or SUN"
                                 << 8;
    QTest::newRow("full day name") << "0 0 * * MONDAY"
                                   << "unknown day 'MONDAY'" << 8;
    QTest::newRow("unknown month") << "0 0 * JAM *"
                                   << "unknown month 'JAM'; use JAN, FEB, MAR, APR, MAY, JUN, "
                                      "JUL, AUG, SEP, OCT, NOV or DEC"
                                   << 6;
    QTest::newRow("name in minute field")
        << "x * * * *"
        << "expected a number in the minute field, found 'x'" << 0;
    QTest::newRow("day name in hour field")
        << "0 MON * * *"
        << "expected a number in the hour field, found 'MON'" << 2;
    QTest::newRow("month name in day field")
        << "0 0 JAN * *"
        << "expected a number in the day-of-month field, found 'JAN'" << 4;
    QTest::newRow("zero step") << "*/0 * * * *"
                               << "a step must be at least 1" << 2;
    QTest::newRow("missing step") << "*/ * * * *"
                                  << "expected a step number after '/'" << 2;
    QTest::newRow("step on a single value") << "5/15 * * * *"
                                            << "a step needs '*' or a range before it" << 1;
    QTest::newRow("backwards range") << "30-10 * * * *"
                                     << "range 30-10 in the minute field goes backwards" << 0;
    QTest::newRow("backwards day range") << "0 0 * * FRI-MON"
                                         << "range FRI-MON in the day-of-week field goes "
                                            "backwards"
                                         << 8;
    QTest::newRow("empty list item") << "1,,2 * * * *"
                                     << "empty list item in the minute field" << 2;
    QTest::newRow("trailing comma") << "0 1, * * *"
                                    << "empty list item in the hour field" << 4;
    QTest::newRow("leading comma") << "0 0 ,1 * *"
                                   << "empty list item in the day-of-month field" << 4;
    QTest::newRow("quartz question mark") << "0 0 ? * MON"
                                          << "unexpected '?' in the day-of-month field" << 4;
    QTest::newRow("unfinished range") << "1- * * * *"
                                      << "expected a value at the end of the minute field" << 2;
    QTest::newRow("junk after number") << "1x * * * *"
                                       << "unexpected 'x' in the minute field" << 1;
    QTest::newRow("last-day L") << "0 0 L * *"
                                << "expected a number in the day-of-month field" << 4;
    QTest::newRow("unknown macro") << "@reboot"
                                   << "unknown cron macro '@reboot'; use @hourly, @daily, "
                                      "@weekly, @monthly or @yearly"
                                   << 0;
    QTest::newRow("macro with extra") << "@daily 5"
                                      << "unexpected '5' after @daily" << 7;
    QTest::newRow("unknown macro after spaces") << "  @often"
                                                << "unknown cron macro '@often'" << 2;
}

void TestCron::parseInvalid()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QFETCH(int, offset);

    ParseError error;
    const std::optional<CronSchedule> schedule = CronSchedule::parse(text, &error);
    QVERIFY2(!schedule, qPrintable(text));
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QCOMPARE(error.offset, offset);
    QVERIFY2(!error.message.front().isUpper(), qPrintable(error.message));
}

void TestCron::text_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("text");
    QTest::newRow("plain") << "0 6 * * MON"
                           << "0 6 * * MON";
    QTest::newRow("trimmed") << "  0 6 * * MON \n"
                             << "0 6 * * MON";
    QTest::newRow("macro kept") << " @daily "
                                << "@daily";
}

void TestCron::text()
{
    QFETCH(QString, input);
    QFETCH(QString, text);
    const std::optional<CronSchedule> schedule = CronSchedule::parse(input);
    QVERIFY(schedule);
    QCOMPARE(schedule->text(), text);
}

void TestCron::nextAfter_data()
{
    QTest::addColumn<QByteArray>("zone");
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("after");
    QTest::addColumn<QString>("expectedUtc");
    QTest::addColumn<QString>("expectedLocal");

    const QByteArray london("Europe/London");
    const QByteArray newYork("America/New_York");
    const QByteArray sydney("Australia/Sydney");
    const QByteArray kolkata("Asia/Kolkata");
    const QByteArray utcZone("UTC");

    QTest::newRow("next monday in summer time") << london << "0 6 * * MON"
                                                << "2026-03-25T00:00:00Z"
                                                << "2026-03-30T05:00:00Z"
                                                << "2026-03-30 06:00";
    QTest::newRow("strictly after") << london << "0 6 * * MON"
                                    << "2026-03-30T05:00:00Z"
                                    << "2026-04-06T05:00:00Z"
                                    << "2026-04-06 06:00";
    QTest::newRow("a second before") << london << "0 6 * * MON"
                                     << "2026-03-30T04:59:59Z"
                                     << "2026-03-30T05:00:00Z"
                                     << "2026-03-30 06:00";
    QTest::newRow("every minute") << london << "* * * * *"
                                  << "2026-06-01T10:15:30Z"
                                  << "2026-06-01T10:16:00Z"
                                  << "2026-06-01 11:16";
    QTest::newRow("every minute at a minute") << london << "* * * * *"
                                              << "2026-06-01T10:15:00Z"
                                              << "2026-06-01T10:16:00Z"
                                              << "2026-06-01 11:16";
    QTest::newRow("rolls over the year") << utcZone << "59 23 31 12 *"
                                         << "2026-12-31T23:59:00Z"
                                         << "2027-12-31T23:59:00Z"
                                         << "2027-12-31 23:59";
    QTest::newRow("leap day") << utcZone << "0 0 29 2 *"
                              << "2026-01-01T00:00:00Z"
                              << "2028-02-29T00:00:00Z"
                              << "2028-02-29 00:00";
    QTest::newRow("yearly") << london << "@yearly"
                            << "2026-06-01T00:00:00Z"
                            << "2027-01-01T00:00:00Z"
                            << "2027-01-01 00:00";
    QTest::newRow("dom or dow") << london << "0 0 13 * FRI"
                                << "2026-01-01T00:00:00Z"
                                << "2026-01-02T00:00:00Z"
                                << "2026-01-02 00:00";
    // London springs forward 01:00 -> 02:00 on 2026-03-29.
    QTest::newRow("gap fires at the end of the gap") << london << "30 1 * * *"
                                                     << "2026-03-28T12:00:00Z"
                                                     << "2026-03-29T01:00:00Z"
                                                     << "2026-03-29 02:00";
    QTest::newRow("gap fires once") << london << "30 1 * * *"
                                    << "2026-03-29T01:00:00Z"
                                    << "2026-03-30T00:30:00Z"
                                    << "2026-03-30 01:30";
    QTest::newRow("minutes in the gap collapse") << london << "*/15 1 * * *"
                                                 << "2026-03-29T00:50:00Z"
                                                 << "2026-03-29T01:00:00Z"
                                                 << "2026-03-29 02:00";
    QTest::newRow("minutes in the gap collapse once") << london << "*/15 1 * * *"
                                                      << "2026-03-29T01:00:00Z"
                                                      << "2026-03-30T00:00:00Z"
                                                      << "2026-03-30 01:00";
    QTest::newRow("hourly over the gap") << london << "0 * * * *"
                                         << "2026-03-29T00:30:00Z"
                                         << "2026-03-29T01:00:00Z"
                                         << "2026-03-29 02:00";
    QTest::newRow("hourly after the gap") << london << "0 * * * *"
                                          << "2026-03-29T01:00:00Z"
                                          << "2026-03-29T02:00:00Z"
                                          << "2026-03-29 03:00";
    // London falls back 02:00 -> 01:00 on 2026-10-25: 01:xx happens twice.
    QTest::newRow("overlap fires on the first pass") << london << "30 1 * * *"
                                                     << "2026-10-24T12:00:00Z"
                                                     << "2026-10-25T00:30:00Z"
                                                     << "2026-10-25 01:30";
    QTest::newRow("overlap does not fire on the second pass") << london << "30 1 * * *"
                                                              << "2026-10-25T00:30:00Z"
                                                              << "2026-10-26T01:30:00Z"
                                                              << "2026-10-26 01:30";
    QTest::newRow("from the second pass") << london << "45 1 * * *"
                                          << "2026-10-25T01:30:00Z"
                                          << "2026-10-26T01:45:00Z"
                                          << "2026-10-26 01:45";
    QTest::newRow("hourly skips the repeated hour") << london << "0 * * * *"
                                                    << "2026-10-25T00:00:00Z"
                                                    << "2026-10-25T02:00:00Z"
                                                    << "2026-10-25 02:00";
    QTest::newRow("new york gap") << newYork << "30 2 * * *"
                                  << "2026-03-07T12:00:00Z"
                                  << "2026-03-08T07:00:00Z"
                                  << "2026-03-08 03:00";
    QTest::newRow("new york overlap") << newYork << "0 1 * * SUN"
                                      << "2026-10-31T00:00:00Z"
                                      << "2026-11-01T05:00:00Z"
                                      << "2026-11-01 01:00";
    QTest::newRow("new york overlap next") << newYork << "0 1 * * SUN"
                                           << "2026-11-01T05:00:00Z"
                                           << "2026-11-08T06:00:00Z"
                                           << "2026-11-08 01:00";
    QTest::newRow("sydney gap") << sydney << "30 2 * * *"
                                << "2026-10-03T00:00:00Z"
                                << "2026-10-03T16:00:00Z"
                                << "2026-10-04 03:00";
    QTest::newRow("sydney overlap") << sydney << "30 2 * * *"
                                    << "2026-04-04T12:00:00Z"
                                    << "2026-04-04T15:30:00Z"
                                    << "2026-04-05 02:30";
    QTest::newRow("sydney overlap once") << sydney << "30 2 * * *"
                                         << "2026-04-04T15:30:00Z"
                                         << "2026-04-05T16:30:00Z"
                                         << "2026-04-06 02:30";
    QTest::newRow("kolkata weekdays over a weekend") << kolkata << "0 9 * * 1-5"
                                                     << "2026-05-01T04:00:00Z"
                                                     << "2026-05-04T03:30:00Z"
                                                     << "2026-05-04 09:00";
    QTest::newRow("kolkata half hour") << kolkata << "30 * * * *"
                                       << "2026-04-30T23:59:00Z"
                                       << "2026-05-01T00:00:00Z"
                                       << "2026-05-01 05:30";
}

void TestCron::nextAfter()
{
    QFETCH(QByteArray, zone);
    QFETCH(QString, cron);
    QFETCH(QString, after);
    QFETCH(QString, expectedUtc);
    QFETCH(QString, expectedLocal);

    const QTimeZone tz(zone);
    QVERIFY2(tz.isValid(), zone.constData());
    ParseError error;
    const std::optional<CronSchedule> schedule = CronSchedule::parse(cron, &error);
    QVERIFY2(schedule, qPrintable(error.message));

    const QDateTime start = utc(after);
    const QDateTime next = schedule->nextAfter(start, tz);
    QVERIFY(next.isValid());
    QCOMPARE(next.toUTC(), utc(expectedUtc));
    QCOMPARE(local(next, tz), expectedLocal);
    QVERIFY(next > start);
}

void TestCron::impossibleSchedules_data()
{
    QTest::addColumn<QString>("cron");
    QTest::newRow("february 31") << "0 0 31 2 *";
    QTest::newRow("february 30") << "0 0 30 2 *";
    QTest::newRow("april 31") << "0 0 31 4 *";
    QTest::newRow("november 31 by name") << "0 12 31 NOV *";
}

void TestCron::impossibleSchedules()
{
    QFETCH(QString, cron);
    const std::optional<CronSchedule> schedule = CronSchedule::parse(cron);
    QVERIFY(schedule);
    const QDateTime next = schedule->nextAfter(utc(QStringLiteral("2026-01-01T00:00:00Z")),
                                               QTimeZone("Europe/London"));
    QVERIFY(!next.isValid());
}

void TestCron::mondaysAcrossAYear()
{
    const QTimeZone london("Europe/London");
    const std::optional<CronSchedule> schedule = CronSchedule::parse(u"0 6 * * MON");
    QVERIFY(schedule);

    QList<QDateTime> fires;
    QDateTime at = QDateTime(QDate(2026, 1, 1), QTime(0, 0), london);
    while (true) {
        at = schedule->nextAfter(at, london);
        QVERIFY(at.isValid());
        if (at.toTimeZone(london).date().year() > 2026)
            break;
        fires.append(at);
    }

    QCOMPARE(fires.size(), 52); // 2026 starts on a Thursday: 52 Mondays
    QCOMPARE(local(fires.first(), london), QStringLiteral("2026-01-05 06:00"));
    QCOMPARE(local(fires.last(), london), QStringLiteral("2026-12-28 06:00"));
    for (int i = 0; i < fires.size(); ++i) {
        const QDateTime wall = fires[i].toTimeZone(london);
        QCOMPARE(wall.date().dayOfWeek(), int(Qt::Monday));
        QCOMPARE(wall.time(), QTime(6, 0));
        if (i > 0)
            QCOMPARE(fires[i - 1].toTimeZone(london).date().daysTo(wall.date()), qint64(7));
    }
    // 06:00 local is 06:00 UTC in winter and 05:00 UTC in summer.
    QCOMPARE(fires[11].toUTC().time(), QTime(6, 0)); // 2026-03-23
    QCOMPARE(fires[12].toUTC().time(), QTime(5, 0)); // 2026-03-30
}

void TestCron::springForwardDay()
{
    const QTimeZone london("Europe/London");
    const std::optional<CronSchedule> schedule = CronSchedule::parse(u"*/30 * * * *");
    QVERIFY(schedule);

    QList<QDateTime> fires;
    QDateTime at = utc(QStringLiteral("2026-03-28T23:59:00Z"));
    const QDateTime end = utc(QStringLiteral("2026-03-29T23:00:00Z")); // midnight BST
    while ((at = schedule->nextAfter(at, london)) < end)
        fires.append(at);

    // 48 half-hours of wall time; 01:00 and 01:30 do not exist and collapse
    // into 02:00 BST, which fires once.
    QCOMPARE(fires.size(), 46);
    QCOMPARE(local(fires[1], london), QStringLiteral("2026-03-29 00:30"));
    QCOMPARE(local(fires[2], london), QStringLiteral("2026-03-29 02:00"));
    QCOMPARE(local(fires[3], london), QStringLiteral("2026-03-29 02:30"));
    QCOMPARE(fires[2].secsTo(fires[3]), qint64(1800));
    for (int i = 1; i < fires.size(); ++i)
        QVERIFY(fires[i - 1] < fires[i]);
}

void TestCron::fallBackDay()
{
    const QTimeZone london("Europe/London");
    const std::optional<CronSchedule> schedule = CronSchedule::parse(u"*/30 * * * *");
    QVERIFY(schedule);

    QList<QDateTime> fires;
    QDateTime at = utc(QStringLiteral("2026-10-24T22:59:00Z")); // 23:59 BST
    const QDateTime end = utc(QStringLiteral("2026-10-26T00:00:00Z"));
    while ((at = schedule->nextAfter(at, london)) < end)
        fires.append(at);

    // 48 wall-clock half-hours over 25 real hours: each fires once.
    QCOMPARE(fires.size(), 48);
    QCOMPARE(local(fires[2], london), QStringLiteral("2026-10-25 01:00"));
    QCOMPARE(local(fires[3], london), QStringLiteral("2026-10-25 01:30"));
    QCOMPARE(local(fires[4], london), QStringLiteral("2026-10-25 02:00"));
    QCOMPARE(fires[3].secsTo(fires[4]), qint64(5400)); // the repeated hour is skipped
    for (int i = 1; i < fires.size(); ++i)
        QVERIFY(fires[i - 1] < fires[i]);
}

void TestCron::agreesWithMatches_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("after");

    QTest::newRow("every minute") << "* * * * *"
                                  << "2026-02-27T23:58:30Z";
    QTest::newRow("quarter hours") << "*/15 * * * *"
                                   << "2026-02-27T23:58:00Z";
    QTest::newRow("working hours") << "0,30 9-17 * * MON-FRI"
                                   << "2026-02-27T17:31:00Z";
    QTest::newRow("odd list") << "7,53 3,22 * * *"
                              << "2026-02-27T22:53:00Z";
    QTest::newRow("month end") << "0 12 28-31 * *"
                               << "2026-02-28T12:00:00Z";
    QTest::newRow("dom or dow") << "15 4 1,15 * SAT"
                                << "2026-02-27T00:00:00Z";
    QTest::newRow("star step and dow") << "0 0 */2 * TUE"
                                       << "2026-02-27T00:00:00Z";
}

// In UTC there is no DST, so nextAfter must agree with a brute-force scan of
// matches() minute by minute.
void TestCron::agreesWithMatches()
{
    QFETCH(QString, cron);
    QFETCH(QString, after);
    const QTimeZone zone = QTimeZone::utc();
    const std::optional<CronSchedule> schedule = CronSchedule::parse(cron);
    QVERIFY(schedule);

    QDateTime at = utc(after);
    for (int fire = 0; fire < 40; ++fire) {
        QDateTime expected = at.addSecs(60 - at.time().second());
        for (int i = 0; i < 60 * 24 * 40; ++i) {
            if (schedule->matches(expected.date(), expected.time().hour(),
                                  expected.time().minute()))
                break;
            expected = expected.addSecs(60);
        }
        const QDateTime next = schedule->nextAfter(at, zone);
        QCOMPARE(next.toUTC(), expected);
        at = next;
    }
}

void TestCron::defaultConstructed()
{
    const CronSchedule schedule;
    QVERIFY(!schedule.nextAfter(utc(QStringLiteral("2026-01-01T00:00:00Z")), QTimeZone::utc())
                 .isValid());
    QVERIFY(!schedule.matches(QDate(2026, 1, 1), 0, 0));
}

VOUCH_TEST_GUILESS_MAIN(TestCron)
#include "tst_cron.moc"
