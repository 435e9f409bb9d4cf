// A report's calendar as contracts write it (report.period, report.calendar,
// skip_holidays, publish_by and escalation in the deadline forms), loaded
// by the real loader, and what the runner does with it: which period a run
// reports on, when it is due, when the schedule fires, and which periods a
// runner owes after downtime. Every instant is given; nothing reads the
// wall clock.

#include "engine/calendar/reportcalendar.h"
#include "engine/contract/contractloader.h"
#include "support/testguard.h"

#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;

namespace {

QString ukHolidays()
{
    return QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/uk-bank-holidays.ics");
}

// A contract whose report block ends with `extra` (indented two spaces).
QByteArray contractWith(const QByteArray &extra)
{
    return QByteArray(R"(vouch: 1
report:
  id: flash
  name: Daily flash
  timezone: Europe/London
  schedule: "0 6 * * *"
  publish_by: "08:00"
  sections: [{id: all, name: All, needs: [a], on_failure: hold}]
)") + extra +
           QByteArray(R"(
nodes:
  - {id: a, kind: noop}
)");
}

LoadResult load(const QByteArray &text)
{
    return ContractLoader::loadText(text, QStringLiteral("flash.yaml"), QDir::tempPath());
}

Report reportOf(const QByteArray &extra)
{
    const LoadResult r = load(contractWith(extra));
    if (!r.ok()) {
        QStringList lines;
        for (const Diagnostic &d : r.diagnostics)
            lines << d.format();
        qFatal("%s", qPrintable(lines.join(QLatin1Char('\n'))));
    }
    return r.contract->report;
}

QDateTime utc(const char *text)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(text), Qt::ISODate);
    t.setTimeZone(QTimeZone::utc());
    return t;
}

QString utcText(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm'Z'"));
}

QStringList keysOf(const QList<OwedRun> &owed)
{
    QStringList keys;
    for (const OwedRun &o : owed)
        keys << o.period.key();
    return keys;
}

} // namespace

class TestReportCalendar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aWeeklyReportKeepsItsMeaning()
    {
        const LoadResult loaded = load(QByteArray(R"(vouch: 1
report:
  id: weekly
  name: Weekly
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections: [{id: all, name: All, needs: [a], on_failure: hold}]
nodes:
  - {id: a, kind: noop}
)"));
        QVERIFY(loaded.ok());
        const Report &weekly = loaded.contract->report;
        QCOMPARE(toString(weekly.cadence), QStringLiteral("week"));
        QCOMPARE(weekly.skipHolidays, false);
        QCOMPARE(weekly.publishBy.toString(), QStringLiteral("MON 12:00"));
        // Monday 05:59 London: the week before last is the one still owed;
        // after 06:00 too, the week that ended last night.
        QCOMPARE(periodDueAt(weekly, utc("2026-11-30T05:59:00")).key(), QStringLiteral("2026-W48"));
        QCOMPARE(utcText(deadlineOf(weekly, *Period::parse(u"2026-W48"))),
                 QStringLiteral("2026-11-30 12:00Z"));
    }

    void theCalendarKeysAreRead()
    {
        const Report r = reportOf(QByteArray("  period: day\n  skip_holidays: true\n"
                                             "  calendar:\n    workdays: MON-FRI\n"
                                             "    holidays: [2026-12-24]\n    holidays_file: ") +
                                  ukHolidays().toUtf8() + "\n");
        QCOMPARE(toString(r.cadence), QStringLiteral("day"));
        QVERIFY(r.skipHolidays);
        QVERIFY(!r.calendar.isBusinessDay(QDate(2026, 12, 24))); // listed
        QVERIFY(!r.calendar.isBusinessDay(QDate(2026, 12, 28))); // from the .ics
        QVERIFY(!r.calendar.isBusinessDay(QDate(2026, 12, 26))); // a Saturday
        QVERIFY(r.calendar.isBusinessDay(QDate(2026, 12, 29)));
        QCOMPARE(r.publishBy.toString(), QStringLiteral("08:00"));
    }

    void mistakesAreNamedWithTheirPlace_data()
    {
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        // Lines: the report block has 8 lines; `extra` starts on line 9.
        QTest::newRow("period misspelt")
            << QByteArray("  period: monthly\n") << 9
            << "unknown period 'monthly' in 'report'; did you mean 'month'?";
        QTest::newRow("period unknown") << QByteArray("  period: fortnight\n") << 9
                                        << "unknown period 'fortnight' in 'report'; use day";
        QTest::newRow("skip_holidays not a boolean")
            << QByteArray("  skip_holidays: yes\n") << 9
            << "'skip_holidays' in 'report' must be true or false, found 'yes'";
        QTest::newRow("workdays") << QByteArray("  calendar: {workdays: MON-FRY}\n") << 9
                                  << "bad workdays 'MON-FRY' in 'calendar'";
        QTest::newRow("holiday not a date")
            << QByteArray("  calendar:\n    holidays: [2026-12-25, 25/12/2026]\n") << 10
            << "bad holiday '25/12/2026' in 'calendar': write a date such as 2026-12-25";
        QTest::newRow("holidays file missing")
            << QByteArray("  calendar:\n    holidays_file: no-such-holidays.ics\n") << 10
            << "no-such-holidays.ics";
        QTest::newRow("calendar key misspelt")
            << QByteArray("  calendar: {holiday: [2026-12-25]}\n") << 9
            << "did you mean 'holidays'?";
        QTest::newRow("escalation in business days, misspelt")
            << QByteArray("  escalation:\n    - {at: \"BD 2 12:00\", notify: [lead]}\n") << 10
            << "did you mean 'BD2'";
    }

    void mistakesAreNamedWithTheirPlace()
    {
        QFETCH(QByteArray, extra);
        QFETCH(int, line);
        QFETCH(QString, message);
        const LoadResult r = load(contractWith(extra));
        QVERIFY(!r.ok());
        QStringList all;
        bool found = false;
        for (const Diagnostic &d : r.diagnostics) {
            all << d.format();
            found = found || (d.line == line && d.file == QLatin1String("flash.yaml") &&
                              d.message.contains(message));
        }
        QVERIFY2(found, qPrintable(all.join(QLatin1Char('\n'))));
    }

    void completenessIsAskedForPlainly_data()
    {
        QTest::addColumn<QByteArray>("node");
        QTest::addColumn<QString>("message");
        const QByteArray head = "  - id: src\n    kind: freshness\n    connection: w\n"
                                "    loaded_at: \"select 1\"\n    error_after: 26h\n";
        QTest::newRow("no date column")
            << head + "    complete_over: period\n"
            << "has 'complete_over' but no 'date_column': name the column";
        QTest::newRow("not the period") << head + "    complete_over: month\n    date_column: o.d\n"
                                        << "'complete_over' in node 'src' must be 'period'";
        QTest::newRow("a column that is not a plain name")
            << head + "    complete_over: period\n    date_column: \"o.d; drop table o\"\n"
            << "'date_column' in node 'src' must be TABLE.COLUMN";
        QTest::newRow("a file source")
            << QByteArray("  - id: src\n    kind: freshness\n    path: /tmp/x\n"
                          "    error_after: 26h\n    complete_over: period\n"
                          "    date_column: o.d\n")
            << "'complete_over' needs a 'loaded_at' query";
    }

    void completenessIsAskedForPlainly()
    {
        QFETCH(QByteArray, node);
        QFETCH(QString, message);
        QByteArray text = contractWith("");
        text.replace("nodes:\n  - {id: a, kind: noop}\n",
                     "connections:\n  w: {driver: sqlite, database: w.db}\nnodes:\n"
                     "  - {id: a, kind: noop, needs: [src]}\n" +
                         node);
        const LoadResult r = load(text);
        QVERIFY(!r.ok());
        QStringList all;
        for (const Diagnostic &d : r.diagnostics)
            all << d.format();
        QVERIFY2(all.join(QLatin1Char('\n')).contains(message), qPrintable(all.join(u'\n')));
    }

    void whichPeriodARunReportsOn_data()
    {
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QString>("at");
        QTest::addColumn<QString>("period");
        const QByteArray holidays =
            QByteArray("  calendar: {holidays_file: ") + ukHolidays().toUtf8() + "}\n";
        QTest::newRow("daily: yesterday") << QByteArray("  period: day\n") << "2026-11-30T06:00:00Z"
                                          << "2026-11-29";
        QTest::newRow("daily, business days only: Monday reports Friday")
            << QByteArray("  period: day\n  skip_holidays: true\n") + holidays
            << "2026-11-30T06:00:00Z"
            << "2026-11-27";
        QTest::newRow("daily, business days only: after Christmas and a bank holiday Monday")
            << QByteArray("  period: day\n  skip_holidays: true\n") + holidays
            << "2026-12-29T06:00:00Z"
            << "2026-12-24";
        QTest::newRow("daily just after midnight London in summer")
            << QByteArray("  period: day\n") << "2026-07-01T23:30:00Z"
            << "2026-07-01";
        QTest::newRow("monthly on the second")
            << QByteArray("  period: month\n") << "2026-12-02T06:00:00Z"
            << "2026-11";
        QTest::newRow("monthly on New Year's Day")
            << QByteArray("  period: month\n") << "2027-01-01T00:30:00Z"
            << "2026-12";
        QTest::newRow("monthly: March 2028 follows a leap February")
            << QByteArray("  period: month\n") << "2028-03-01T06:00:00Z"
            << "2028-02";
        QTest::newRow("quarterly") << QByteArray("  period: quarter\n") << "2027-01-05T06:00:00Z"
                                   << "2026-Q4";
        QTest::newRow("weekly at the turn of the ISO year")
            << QByteArray("  period: week\n") << "2027-01-03T23:59:00Z"
            << "2026-W52";
    }

    void whichPeriodARunReportsOn()
    {
        QFETCH(QByteArray, extra);
        QFETCH(QString, at);
        QFETCH(QString, period);
        const Report r = reportOf(extra);
        QCOMPARE(periodDueAt(r, QDateTime::fromString(at, Qt::ISODate)).key(), period);
    }

    void aPeriodOfAnotherCadenceIsRefused()
    {
        const Report r = reportOf("  period: month\n");
        QString error;
        QVERIFY(reportPeriod(r, QStringLiteral("2026-11"), &error));
        QVERIFY(!reportPeriod(r, QStringLiteral("2026-W47"), &error));
        QCOMPARE(error,
                 QStringLiteral("'2026-W47' is a week, but report 'flash' is monthly: give a "
                                "month such as 2026-11"));
        QVERIFY(!reportPeriod(r, QStringLiteral("2026-13"), &error));
        QVERIFY2(error.startsWith(QLatin1String("'2026-13' is not a period (")) &&
                     error.endsWith(QLatin1String("report 'flash' is monthly: give a month such "
                                                  "as 2026-11")),
                 qPrintable(error));
    }

    void deadlinesInBusinessTerms_data()
    {
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QString>("period");
        QTest::addColumn<QString>("due");
        const QByteArray uk =
            QByteArray("  calendar: {holidays_file: ") + ukHolidays().toUtf8() + "}\n";
        // The month-end close: the third business day after the month.
        QTest::newRow("BD3 after November") << QByteArray("  period: month\n") + uk << "2026-11"
                                            << "2026-12-03 17:00Z";
        // New Year's Day (a Friday) and a weekend come first.
        QTest::newRow("BD3 after December, UK holidays")
            << QByteArray("  period: month\n") + uk << "2026-12"
            << "2027-01-06 17:00Z";
        // Easter: Good Friday 26 March 2027 and Easter Monday 29 March.
        QTest::newRow("BD3 after March 2027 is in summer time, after Easter Monday")
            << QByteArray("  period: month\n") + uk << "2027-03"
            << "2027-04-05 16:00Z";
        // A daily flash due at 08:00 on the next business day; Christmas Eve's
        // is due after Christmas, the weekend and the bank holiday Monday.
        QTest::newRow("daily 08:00 after Christmas Eve")
            << QByteArray("  period: day\n") + uk << "2026-12-24"
            << "2026-12-29 08:00Z";
        QTest::newRow("the last business day of the next month")
            << QByteArray("  period: month\n") + uk << "2027-01"
            << "2027-02-26 17:00Z";
        QTest::newRow("quarter, calendar days")
            << QByteArray("  period: quarter\n") + uk << "2026-Q3"
            << "2026-10-02 11:00Z";
    }

    void deadlinesInBusinessTerms()
    {
        QFETCH(QByteArray, extra);
        QFETCH(QString, period);
        QFETCH(QString, due);
        QByteArray text = contractWith(extra);
        if (QTest::currentDataTag() == QLatin1String("daily 08:00 after Christmas Eve"))
            ; // publish_by "08:00" as written
        else if (QByteArray(QTest::currentDataTag()).contains("last business day"))
            text.replace("publish_by: \"08:00\"", "publish_by: \"LAST-BD 17:00\"");
        else if (QByteArray(QTest::currentDataTag()).contains("calendar days"))
            text.replace("publish_by: \"08:00\"", "publish_by: \"+2d 12:00\"");
        else
            text.replace("publish_by: \"08:00\"", "publish_by: \"BD3 17:00\"");
        const LoadResult r = load(text);
        QVERIFY(r.ok());
        const auto p = reportPeriod(r.contract->report, period);
        QVERIFY(p);
        QCOMPARE(utcText(deadlineOf(r.contract->report, *p)), due);
    }

    void escalationFollowsTheCalendar()
    {
        const Report r = reportOf(QByteArray("  period: month\n  calendar: {holidays_file: ") +
                                  ukHolidays().toUtf8() +
                                  "}\n  escalation:\n    - {at: \"BD2 12:00\", if: not_safe, "
                                  "notify: [finance-lead]}\n");
        QCOMPARE(r.escalation.size(), 1);
        QCOMPARE(utcText(escalationDue(r, r.escalation.first(), *Period::parse(u"2026-12"))),
                 QStringLiteral("2027-01-05 12:00Z"));
    }

    void theScheduleSkipsHolidays()
    {
        const Report r = reportOf(QByteArray("  period: day\n  skip_holidays: true\n"
                                             "  calendar: {holidays_file: ") +
                                  ukHolidays().toUtf8() + "}\n");
        // Christmas Day, the weekend and the Boxing Day holiday: Tuesday next.
        QCOMPARE(utcText(nextFire(r, utc("2026-12-24T07:00:00"))),
                 QStringLiteral("2026-12-29 06:00Z"));
        QVERIFY(!firesOn(r, utc("2026-12-25T06:00:00")));
        QVERIFY(firesOn(r, utc("2026-12-29T06:00:00")));
        // Without skip_holidays, every day fires.
        const Report every = reportOf("  period: day\n");
        QCOMPARE(utcText(nextFire(every, utc("2026-12-24T07:00:00"))),
                 QStringLiteral("2026-12-25 06:00Z"));
    }

    void aDailyReportAcrossTheClockChangesRunsOnce_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QStringList>("fires");
        QTest::addColumn<QString>("period");
        QTest::addColumn<QString>("due");
        // 01:30 happens twice on 25 October 2026: the first, in summer time.
        QTest::newRow("clocks go back")
            << "2026-10-24T02:00:00Z" << QStringList{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"}
            << "2026-10-24"
            << "2026-10-25 08:00Z";
        // 01:30 does not happen on 28 March 2027: the first minute after.
        QTest::newRow("clocks go forward")
            << "2027-03-27T02:00:00Z" << QStringList{"2027-03-28T01:00:00Z", "2027-03-29T00:30:00Z"}
            << "2027-03-27"
            << "2027-03-28 07:00Z";
    }

    void aDailyReportAcrossTheClockChangesRunsOnce()
    {
        QFETCH(QString, from);
        QFETCH(QStringList, fires);
        QFETCH(QString, period);
        QFETCH(QString, due);
        QByteArray text = contractWith("  period: day\n  calendar: {workdays: MON-SUN}\n");
        text.replace("schedule: \"0 6 * * *\"", "schedule: \"30 1 * * *\"");
        const LoadResult loaded = load(text);
        QVERIFY(loaded.ok());
        const Report &r = loaded.contract->report;
        QList<QDateTime> expected;
        for (const QString &f : fires)
            expected << QDateTime::fromString(f, Qt::ISODate);
        QList<QDateTime> seen;
        QDateTime cursor = QDateTime::fromString(from, Qt::ISODate);
        for (qsizetype i = 0; i < expected.size(); ++i)
            seen << (cursor = nextFire(r, cursor));
        QCOMPARE(seen, expected);
        // A runner that looks again a minute after the night's run (its run
        // has ended) does not find the repeated 01:30 either.
        QCOMPARE(nextFire(r, expected.first().addSecs(60)), expected.last());
        QCOMPARE(nextFire(r, expected.first().addSecs(3600)), expected.last());
        // The night's run reports the day before, once, due 08:00 local.
        const Period p = periodDueAt(r, expected.first());
        QCOMPARE(p.key(), period);
        QCOMPARE(utcText(deadlineOf(r, p)), due);
        // A runner down over the night owes that day and the next, once each.
        const auto owed =
            runsOwed(r, Period::containing(p.start.addDays(-1), Cadence::Day), expected.last());
        QCOMPARE(keysOf(owed), (QStringList{period, p.start.addDays(1).toString(Qt::ISODate)}));
    }

    void aRunnerOwesEachMissedPeriodOnce()
    {
        const QByteArray uk =
            QByteArray("  calendar: {holidays_file: ") + ukHolidays().toUtf8() + "}\n";
        // Down from Thursday 26 November 07:00 to Tuesday 1 December 07:00.
        const Report daily = reportOf("  period: day\n" + uk);
        const auto owed = runsOwed(daily, Period::parse(u"2026-11-26"), utc("2026-12-01T07:00:00"));
        QCOMPARE(keysOf(owed),
                 (QStringList{"2026-11-27", "2026-11-28", "2026-11-29", "2026-11-30"}));
        QCOMPARE(utcText(owed.first().firedAt), QStringLiteral("2026-11-28 06:00Z"));
        // Business days only: Friday's run and Monday's.
        const Report business = reportOf("  period: day\n  skip_holidays: true\n" + uk);
        QCOMPARE(
            keysOf(runsOwed(business, Period::parse(u"2026-11-26"), utc("2026-12-01T07:00:00"))),
            (QStringList{"2026-11-27", "2026-11-30"}));
        // A new store owes only the latest.
        QCOMPARE(keysOf(runsOwed(daily, std::nullopt, utc("2026-12-01T07:00:00"))),
                 QStringList{"2026-11-30"});
        // A schedule that fires hourly owes a month once.
        QByteArray hourly = contractWith("  period: month\n");
        hourly.replace("schedule: \"0 6 * * *\"", "schedule: \"0 * * * *\"");
        const LoadResult monthly = load(hourly);
        QVERIFY(monthly.ok());
        QCOMPARE(keysOf(runsOwed(monthly.contract->report, Period::parse(u"2026-10"),
                                 utc("2026-12-02T07:00:00"))),
                 QStringList{"2026-11"});
    }
};

VOUCH_TEST_GUILESS_MAIN(TestReportCalendar)
#include "tst_reportcalendar.moc"
