// Reporting calendars: period keys of every cadence, business days and
// holidays (a real iCalendar file read with libical), and deadlines in
// business terms, resolved in the report's time zone across both DST changes.

#include "engine/calendar/completeness.h"
#include "engine/contract/businesscalendar.h"
#include "engine/contract/deadline.h"
#include "engine/contract/period.h"
#include "support/testguard.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;

namespace {

const QTimeZone kLondon("Europe/London");

QString ukHolidays()
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/uk-bank-holidays.ics");
}

BusinessCalendar ukCalendar()
{
    BusinessCalendar calendar;
    QString error;
    const bool ok = calendar.addHolidaysFromIcs(ukHolidays(), &error);
    if (!ok)
        qFatal("%s", qPrintable(error));
    return calendar;
}

QString utcText(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm'Z'"));
}

QString write(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(text);
    return file.fileName();
}

} // namespace

class TestCalendar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void periodKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("cadence");
        QTest::addColumn<QDate>("start");
        QTest::addColumn<QDate>("end");
        QTest::newRow("day") << "2026-12-02"
                             << "day" << QDate(2026, 12, 2) << QDate(2026, 12, 3);
        QTest::newRow("leap day") << "2028-02-29"
                                  << "day" << QDate(2028, 2, 29) << QDate(2028, 3, 1);
        QTest::newRow("week") << "2026-W48"
                              << "week" << QDate(2026, 11, 23) << QDate(2026, 11, 30);
        QTest::newRow("week 53") << "2026-W53"
                                 << "week" << QDate(2026, 12, 28) << QDate(2027, 1, 4);
        QTest::newRow("week 1 starts in the old year")
            << "2025-W01"
            << "week" << QDate(2024, 12, 30) << QDate(2025, 1, 6);
        QTest::newRow("month") << "2026-11"
                               << "month" << QDate(2026, 11, 1) << QDate(2026, 12, 1);
        QTest::newRow("February of a leap year")
            << "2028-02"
            << "month" << QDate(2028, 2, 1) << QDate(2028, 3, 1);
        QTest::newRow("quarter") << "2026-Q4"
                                 << "quarter" << QDate(2026, 10, 1) << QDate(2027, 1, 1);
    }
    void periodKeys()
    {
        QFETCH(QString, key);
        QFETCH(QString, cadence);
        QFETCH(QDate, start);
        QFETCH(QDate, end);
        ParseError error;
        const auto period = Period::parse(key, &error);
        QVERIFY2(period, qPrintable(error.message));
        QCOMPARE(toString(period->cadence), cadence);
        QCOMPARE(period->start, start);
        QCOMPARE(period->end, end);
        QCOMPARE(period->key(), key);
        // Every day of the period belongs to it; the days around do not.
        for (QDate d = start; d < end; d = d.addDays(1))
            QCOMPARE(Period::containing(d, period->cadence), *period);
        QCOMPARE(Period::containing(start.addDays(-1), period->cadence).next(), *period);
        QCOMPARE(Period::containing(end, period->cadence).previous(), *period);
    }

    void badPeriodKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("message");
        QTest::newRow("two-digit year") << "26-11" << 0 << "four-digit year";
        QTest::newRow("no week 53 in 2027") << "2027-W53" << 6 << "ISO weeks 01 to 52";
        QTest::newRow("one-digit week") << "2026-W8" << 6 << "two-digit week";
        QTest::newRow("29 February of a common year")
            << "2027-02-29" << 8 << "February 2027 has no day 29";
        QTest::newRow("month 13") << "2026-13" << 5 << "month 13 out of range";
        QTest::newRow("quarter 5") << "2026-Q5" << 6 << "Q1, Q2, Q3 or Q4";
        QTest::newRow("trailing") << "2026-11x" << 7 << "unexpected 'x'";
    }
    void badPeriodKeys()
    {
        QFETCH(QString, key);
        QFETCH(int, offset);
        QFETCH(QString, message);
        ParseError error;
        QVERIFY(!Period::parse(key, &error));
        QVERIFY2(error.message.contains(message), qPrintable(error.message));
        QCOMPARE(error.offset, offset);
    }

    void workdays_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<int>>("days");
        QTest::newRow("weekdays") << "MON-FRI" << QList<int>{1, 2, 3, 4, 5};
        QTest::newRow("wraps past Sunday") << "SUN-THU" << QList<int>{1, 2, 3, 4, 7};
        QTest::newRow("list, any case") << "mon, Wed,FRI" << QList<int>{1, 3, 5};
        QTest::newRow("every day") << "MON-SUN" << QList<int>{1, 2, 3, 4, 5, 6, 7};
    }
    void workdays()
    {
        QFETCH(QString, text);
        QFETCH(QList<int>, days);
        ParseError error;
        const auto mask = BusinessCalendar::parseWorkdays(text, &error);
        QVERIFY2(mask, qPrintable(error.message));
        BusinessCalendar calendar;
        calendar.setWorkdays(*mask);
        QList<int> working;
        for (QDate d(2026, 11, 30); d < QDate(2026, 12, 7); d = d.addDays(1)) {
            if (calendar.isBusinessDay(d))
                working << d.dayOfWeek();
        }
        QCOMPARE(working, days);
    }

    void badWorkdays()
    {
        ParseError error;
        QVERIFY(!BusinessCalendar::parseWorkdays(u"MON-FRY", &error));
        QCOMPARE(error.offset, 4);
        QVERIFY2(error.message.contains(QStringLiteral("MON-FRI")), qPrintable(error.message));
        QVERIFY(!BusinessCalendar::parseWorkdays(u"MON;TUE", &error));
        QVERIFY2(error.message.contains(QStringLiteral("unexpected ';TUE'")),
                 qPrintable(error.message));
    }

    // The demo's bank holiday file, as gov.uk publishes England and Wales'.
    void holidaysFromAnIcsFile()
    {
        const BusinessCalendar calendar = ukCalendar();
        QCOMPARE(calendar.holidays().size(), 16);
        QCOMPARE(calendar.holidayName(QDate(2026, 12, 28)), QStringLiteral("Boxing Day"));
        QVERIFY(!calendar.isBusinessDay(QDate(2026, 12, 28))); // a Monday
        QVERIFY(!calendar.isBusinessDay(QDate(2026, 12, 26))); // a Saturday
        QVERIFY(calendar.isBusinessDay(QDate(2026, 12, 29)));
        QCOMPARE(calendar.businessDayOnOrAfter(QDate(2026, 12, 25)), QDate(2026, 12, 29));
        QCOMPARE(calendar.businessDaysIn(QDate(2026, 12, 21), QDate(2027, 1, 4)).size(), 7);
    }

    void yearlyRulesAndMultiDayEvents()
    {
        QTemporaryDir dir;
        const QString path = write(dir, QStringLiteral("office.ics"), R"(BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:xmas@test
DTSTART;VALUE=DATE:20261224
DTEND;VALUE=DATE:20261225
RRULE:FREQ=YEARLY
SUMMARY:Christmas Eve (office closed)
END:VEVENT
BEGIN:VEVENT
UID:shutdown@test
DTSTART;VALUE=DATE:20270802
DTEND;VALUE=DATE:20270807
SUMMARY:Summer shutdown
END:VEVENT
END:VCALENDAR
)");
        BusinessCalendar calendar;
        QString error;
        QVERIFY2(calendar.addHolidaysFromIcs(path, &error, QDate(2030, 12, 31)), qPrintable(error));
        for (int year = 2026; year <= 2030; ++year)
            QCOMPARE(calendar.holidayName(QDate(year, 12, 24)),
                     QStringLiteral("Christmas Eve (office closed)"));
        QVERIFY(!calendar.holidays().contains(QDate(2031, 12, 24)));
        QCOMPARE(calendar.businessDaysIn(QDate(2027, 8, 2), QDate(2027, 8, 9)),
                 QList<QDate>{QDate(2027, 8, 9)}.mid(1)); // the whole week is off
        QCOMPARE(calendar.businessDayOnOrAfter(QDate(2027, 8, 2)), QDate(2027, 8, 9));
    }

    void unreadableCalendarsSayWhatToDo_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("not iCalendar")
            << QByteArray("date,name\n2026-12-25,Christmas\n") << "not an iCalendar file";
        QTest::newRow("no events")
            << QByteArray("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
            << "holds no events";
        QTest::newRow("event without a date")
            << QByteArray("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Some day\r\n"
                          "END:VEVENT\r\nEND:VCALENDAR\r\n")
            << "event 1 (Some day) has no valid DTSTART";
    }
    void unreadableCalendarsSayWhatToDo()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString path = write(dir, QStringLiteral("holidays.ics"), text);
        BusinessCalendar calendar;
        QString error;
        QVERIFY(!calendar.addHolidaysFromIcs(path, &error));
        QVERIFY2(error.startsWith(path + QStringLiteral(": ")) && error.contains(message),
                 qPrintable(error));
        QVERIFY(!calendar.addHolidaysFromIcs(dir.filePath(QStringLiteral("missing.ics")), &error));
        QVERIFY2(error.contains(QStringLiteral("check the path")), qPrintable(error));
    }

    // "Every business day of November has orders", said the way a user reads it.
    void completenessOfAPeriod()
    {
        const BusinessCalendar calendar = ukCalendar();
        const Period november = *Period::parse(u"2026-11");
        QSet<QDate> present;
        for (QDate d = november.start; d < november.end; d = d.addDays(1))
            present.insert(d);
        Completeness c = completenessOver(november, calendar, present);
        QVERIFY(c.complete());
        QCOMPARE(c.expected.size(), 21);
        QCOMPARE(c.describe(QStringLiteral("orders")),
                 QStringLiteral("orders loaded for every business day (21)"));

        present.remove(QDate(2026, 11, 27));
        present.remove(QDate(2026, 11, 28)); // a Saturday: not expected
        c = completenessOver(november, calendar, present);
        QCOMPARE(c.missing, QList<QDate>{QDate(2026, 11, 27)});
        QCOMPARE(c.describe(QStringLiteral("orders")),
                 QStringLiteral("no orders loaded for 27 Nov"));

        for (int day : {2, 9, 16, 23, 24, 25, 26})
            present.remove(QDate(2026, 11, day));
        c = completenessOver(november, calendar, present);
        QCOMPARE(c.describe(QStringLiteral("orders")),
                 QStringLiteral("no orders loaded for 8 of 21 business days: 2, 9, 16, 23, 24 "
                                "and 25 Nov and 2 more"));

        // A period still running is judged up to today; bank holidays are not expected.
        const Period december = *Period::parse(u"2026-12");
        c = completenessOver(december, calendar, {QDate(2026, 12, 21), QDate(2026, 12, 22)},
                             QDate(2026, 12, 29));
        QCOMPARE(c.expected.size(), 19); // 1-29 December less weekends, 25 and 28
        QCOMPARE(c.missing.size(), 17);
        QCOMPARE(listOfDays({QDate(2026, 12, 31), QDate(2027, 1, 4)}),
                 QStringLiteral("31 Dec 2026 and 4 Jan 2027"));
        QCOMPARE(listOfDays({QDate(2026, 11, 30), QDate(2026, 12, 1)}),
                 QStringLiteral("30 Nov and 1 Dec"));
    }

    void deadlineForms_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<QString>("period");
        QTest::addColumn<QString>("workdays");
        QTest::addColumn<QString>("due");
        // Month-end close: the third business day after the month.
        QTest::newRow("BD3 after November") << "BD3 17:00"
                                            << "2026-11"
                                            << "MON-FRI"
                                            << "2026-12-03 17:00Z";
        QTest::newRow("BD3 after December: New Year and a weekend first") << "BD3 17:00"
                                                                          << "2026-12"
                                                                          << "MON-FRI"
                                                                          << "2027-01-06 17:00Z";
        QTest::newRow("BD1 after March is in British Summer Time") << "BD1 09:00"
                                                                   << "2027-03"
                                                                   << "MON-FRI"
                                                                   << "2027-04-01 08:00Z";
        QTest::newRow("+2d after February of a leap year") << "+2d 12:00"
                                                           << "2028-02"
                                                           << "MON-FRI"
                                                           << "2028-03-02 12:00Z";
        QTest::newRow("+2d landing on a Saturday moves to Monday") << "+2d 12:00"
                                                                   << "2026-12-03"
                                                                   << "MON-FRI"
                                                                   << "2026-12-07 12:00Z";
        // LAST-BD: the last business day of the next period.
        QTest::newRow("LAST-BD of a month that ends on a Sunday") << "LAST-BD 12:00"
                                                                  << "2026-12"
                                                                  << "MON-FRI"
                                                                  << "2027-01-29 12:00Z";
        QTest::newRow("LAST-BD of a quarter") << "LAST-BD 16:00"
                                              << "2026-Q3"
                                              << "MON-FRI"
                                              << "2026-12-31 16:00Z";
        // A bank holiday Monday moves the weekly deadline to Tuesday.
        QTest::newRow("MON 12:00 after the spring bank holiday week") << "MON 12:00"
                                                                      << "2026-W21"
                                                                      << "MON-FRI"
                                                                      << "2026-05-26 11:00Z";
        QTest::newRow("MON 12:00 in an ordinary week") << "MON 12:00"
                                                       << "2026-W48"
                                                       << "MON-FRI"
                                                       << "2026-11-30 12:00Z";
        // A weekday the contract names stays, even when it is not a workday.
        QTest::newRow("SAT 10:00 stays on Saturday") << "SAT 10:00"
                                                     << "2026-W48"
                                                     << "MON-FRI"
                                                     << "2026-12-05 10:00Z";
        // The daily flash: 08:00 on the next business day.
        QTest::newRow("08:00 after a Friday before a bank holiday Monday") << "08:00"
                                                                           << "2026-08-28"
                                                                           << "MON-FRI"
                                                                           << "2026-09-01 07:00Z";
        QTest::newRow("08:00 after a Tuesday") << "08:00"
                                               << "2026-12-01"
                                               << "MON-FRI"
                                               << "2026-12-02 08:00Z";
        // DST: a daily report due at 01:30 London, every day of the week.
        QTest::newRow("01:30 the night the clocks go forward: the first minute after the jump")
            << "+1d 01:30"
            << "2027-03-27"
            << "MON-SUN"
            << "2027-03-28 01:00Z";
        QTest::newRow("01:30 the night the clocks go back: the first of the two")
            << "+1d 01:30"
            << "2026-10-24"
            << "MON-SUN"
            << "2026-10-25 00:30Z";
        QTest::newRow("01:30 the night after the clocks go back") << "+1d 01:30"
                                                                  << "2026-10-25"
                                                                  << "MON-SUN"
                                                                  << "2026-10-26 01:30Z";
    }
    void deadlineForms()
    {
        QFETCH(QString, rule);
        QFETCH(QString, period);
        QFETCH(QString, workdays);
        QFETCH(QString, due);
        ParseError error;
        const auto parsed = DeadlineRule::parse(rule, &error);
        QVERIFY2(parsed, qPrintable(error.message));
        QCOMPARE(parsed->toString(), rule);
        QCOMPARE(DeadlineRule::parse(parsed->toString()), parsed);
        BusinessCalendar calendar = ukCalendar();
        calendar.setWorkdays(*BusinessCalendar::parseWorkdays(workdays));
        const auto p = Period::parse(period);
        QVERIFY(p);
        QCOMPARE(utcText(parsed->dueFor(*p, calendar, kLondon)), due);
    }

    void badDeadlines_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("message");
        QTest::newRow("space after BD") << "BD 3 17:00" << 0 << "did you mean 'BD3'";
        QTest::newRow("BD0") << "BD0 17:00" << 2 << "business day 0 out of range";
        QTest::newRow("BD without a time") << "BD3" << 3 << "a space and a time after 'BD3'";
        QTest::newRow("days without d") << "+2 12:00" << 2 << "did you mean '+2d'";
        QTest::newRow("LAST without -BD") << "LAST 12:00" << 0 << "did you mean 'LAST-BD HH:MM'";
        QTest::newRow("hour 25") << "25:00" << 0 << "hour 25 out of range";
        QTest::newRow("unknown day") << "MOO 12:00" << 0 << "unknown day 'MOO'";
        QTest::newRow("trailing words") << "BD3 17:00 sharp" << 10 << "unexpected 'sharp'";
        QTest::newRow("empty") << "  " << 2 << "empty deadline";
    }
    void badDeadlines()
    {
        QFETCH(QString, rule);
        QFETCH(int, offset);
        QFETCH(QString, message);
        ParseError error;
        QVERIFY(!DeadlineRule::parse(rule, &error));
        QVERIFY2(error.message.contains(message), qPrintable(error.message));
        QCOMPARE(error.offset, offset);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestCalendar)
#include "tst_calendar.moc"
