// The Brightside month-end close pack, headless through the real binary and
// a real SQLite warehouse under a pinned clock: it closes November on the
// second business day of December, publishes when every day is loaded, and
// fails on the month-end-gap scenario with an alert that names the lost day.
// The weekly pack in the same warehouse does not see that fault.

#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

// Wednesday 2 December 2026, 06:00 in London: the close's second business day.
const QString kCloseMorning = QStringLiteral("2026-12-02T06:00:00Z");
const QString kMonthEnd =
    QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/month-end.yaml");

using Result = vouch::test::VouchResult;

Result runVouch(const QStringList &args)
{
    vouch::test::VouchOptions options;
    options.timeoutMs = 240000;
    return vouch::test::runVouch(args, options);
}

Result demo(const QString &dir, const QString &report, const QString &scenario, const QString &now)
{
    return runVouch({QStringLiteral("demo"), QStringLiteral("--headless"),
                     QStringLiteral("--report"), report, QStringLiteral("--scenario"), scenario,
                     QStringLiteral("--dir"), dir, QStringLiteral("--now"), now});
}

QJsonObject status(const QString &dir, const QString &contract)
{
    const Result r = runVouch({QStringLiteral("status"), contract, QStringLiteral("--json"),
                               QStringLiteral("--state"), dir + QStringLiteral("/state.db")});
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

QStringList openHeadlines(const QJsonObject &status)
{
    QStringList headlines;
    for (const QJsonValue &v : status.value(QStringLiteral("alerts")).toArray()) {
        if (v.toObject().value(QStringLiteral("state")).toString() != QLatin1String("resolved"))
            headlines << v.toObject().value(QStringLiteral("headline")).toString();
    }
    return headlines;
}

QString sectionStatuses(const QJsonObject &status)
{
    QStringList out;
    for (const QJsonValue &v : status.value(QStringLiteral("sections")).toArray())
        out << v.toObject().value(QStringLiteral("id")).toString() + QLatin1Char('=') +
                   v.toObject().value(QStringLiteral("status")).toString();
    return out.join(QLatin1Char(','));
}

QString why(const Result &r)
{
    return QStringLiteral("exit %1\nstderr: %2\nstdout tail: %3")
        .arg(r.exitCode)
        .arg(r.err.right(600), r.out.right(1200));
}

} // namespace

class TestDemoMonthEnd : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void allGreenPublishes()
    {
        QTemporaryDir dir;
        const Result r = demo(dir.path(), QStringLiteral("month-end"), QStringLiteral("all-green"),
                              kCloseMorning);
        QVERIFY2(r.exitCode == 0, qPrintable(why(r)));
        QVERIFY2(r.out.contains(QStringLiteral("Report Month-End Close Pack: complete")),
                 qPrintable(why(r)));
        const QJsonObject s = status(dir.path(), kMonthEnd);
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
        QCOMPARE(s.value(QStringLiteral("period")).toString(), QStringLiteral("2026-11"));
        QCOMPARE(sectionStatuses(s),
                 QStringLiteral("revenue=safe,gross_margin=safe,cash=safe,ar_ageing=safe"));
        QVERIFY2(openHeadlines(s).isEmpty(), qPrintable(openHeadlines(s).join(u'\n')));
    }

    void monthEndGapFails()
    {
        QTemporaryDir dir;
        const Result r = demo(dir.path(), QStringLiteral("month-end"),
                              QStringLiteral("month-end-gap"), kCloseMorning);
        QVERIFY2(r.exitCode == 30, qPrintable(why(r)));
        QVERIFY2(r.out.contains(QStringLiteral("Report Month-End Close Pack: failed")),
                 qPrintable(why(r)));
        const QJsonObject s = status(dir.path(), kMonthEnd);
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(s.value(QStringLiteral("period")).toString(), QStringLiteral("2026-11"));
        QCOMPARE(sectionStatuses(s),
                 QStringLiteral("revenue=blocked,gross_margin=safe,cash=safe,ar_ageing=safe"));
        // Tuesday 10 November, the month's second Tuesday, was never loaded.
        const QString alert = QStringLiteral(
            "Revenue is not safe for the month-end close because no Shopify orders were loaded "
            "for 2026-11-10 although Stripe took payments that day");
        const QStringList headlines = openHeadlines(s);
        QVERIFY2(std::any_of(headlines.cbegin(), headlines.cend(),
                             [&](const QString &h) { return h.contains(alert); }),
                 qPrintable(headlines.join(u'\n')));
        QVERIFY(r.out.contains(alert));
        // The deadline is the third UK business day: Thursday 3 December, 17:00.
        QVERIFY2(r.out.contains(QStringLiteral("Thu 3 Dec 17:00")) ||
                     r.out.contains(QStringLiteral("Thu 03 Dec 17:00")),
                 qPrintable(why(r)));
    }

    // The weekly pack reads the same warehouse and does not see the lost
    // day of an earlier month.
    void weeklyPackIgnoresTheGap()
    {
        QTemporaryDir dir;
        const Result r = demo(dir.path(), QStringLiteral("weekly"), QStringLiteral("month-end-gap"),
                              QStringLiteral("2026-11-30T06:00:00Z"));
        QVERIFY2(r.exitCode == 0, qPrintable(why(r)));
        QVERIFY(
            r.out.contains(QStringLiteral("Report Weekly Operating Performance Report: complete")));
    }

    // On the demo's Monday the pack closes the month before; the warehouse
    // holds that whole month (October 2026 begins before the eight weeks of
    // the weekly data), so every day of it is loaded.
    void mondayClockClosesTheWholePreviousMonth()
    {
        QTemporaryDir dir;
        const Result weekly =
            demo(dir.path(), QStringLiteral("weekly"), QStringLiteral("all-green"),
                 QStringLiteral("2026-11-30T06:00:00Z"));
        QVERIFY2(weekly.exitCode == 0, qPrintable(why(weekly)));
        const Result r = runVouch({QStringLiteral("demo"), QStringLiteral("--headless"),
                                   QStringLiteral("--report"), QStringLiteral("month-end"),
                                   QStringLiteral("--dir"), dir.path(), QStringLiteral("--now"),
                                   QStringLiteral("2026-11-30T06:00:00Z")});
        QVERIFY2(r.exitCode == 0, qPrintable(why(r)));
        const QJsonObject s = status(dir.path(), kMonthEnd);
        QCOMPARE(s.value(QStringLiteral("period")).toString(), QStringLiteral("2026-10"));
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    }

    void unknownReportIsRefused()
    {
        QTemporaryDir dir;
        const Result r = runVouch({QStringLiteral("demo"), QStringLiteral("--headless"),
                                   QStringLiteral("--report"), QStringLiteral("monthly"),
                                   QStringLiteral("--dir"), dir.path()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("unknown report \"monthly\"")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("--report month-end")), qPrintable(r.err));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestDemoMonthEnd)
#include "tst_demomonthend.moc"
