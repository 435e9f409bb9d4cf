#include "engine/contract/threshold.h"
#include "support/testguard.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace vouch::engine;

using Op = Threshold::Op;
using Measure = Threshold::Measure;

Q_DECLARE_METATYPE(Threshold::Op)
Q_DECLARE_METATYPE(Threshold::Measure)
Q_DECLARE_METATYPE(std::optional<double>)

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::optional<double> kNoReference = std::nullopt;

} // namespace

class TestThreshold : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void matches_data();
    void matches();
    void measured_data();
    void measured();
    void needsReference_data();
    void needsReference();
};

void TestThreshold::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Op>("op");
    QTest::addColumn<Measure>("measure");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    QTest::addColumn<bool>("percent");

    QTest::newRow(">0") << ">0" << Op::Gt << Measure::Value << 0.0 << 0.0 << false;
    QTest::newRow("> 0") << "> 0" << Op::Gt << Measure::Value << 0.0 << 0.0 << false;
    QTest::newRow(">=  5") << ">=  5" << Op::Ge << Measure::Value << 5.0 << 5.0 << false;
    QTest::newRow("<1") << "<1" << Op::Lt << Measure::Value << 1.0 << 1.0 << false;
    QTest::newRow("<= 1") << "<= 1" << Op::Le << Measure::Value << 1.0 << 1.0 << false;
    QTest::newRow("== 0") << "== 0" << Op::Eq << Measure::Value << 0.0 << 0.0 << false;
    QTest::newRow("= 0") << "= 0" << Op::Eq << Measure::Value << 0.0 << 0.0 << false;
    QTest::newRow("!= 0") << "!= 0" << Op::Ne << Measure::Value << 0.0 << 0.0 << false;
    QTest::newRow("!=0") << "!=0" << Op::Ne << Measure::Value << 0.0 << 0.0 << false;
    QTest::newRow("surrounding spaces")
        << "  > 3  " << Op::Gt << Measure::Value << 3.0 << 3.0 << false;
    QTest::newRow("negative") << "> -3" << Op::Gt << Measure::Value << -3.0 << -3.0 << false;
    QTest::newRow("explicit plus") << "> +2" << Op::Gt << Measure::Value << 2.0 << 2.0 << false;
    QTest::newRow("decimal") << "> 1.5" << Op::Gt << Measure::Value << 1.5 << 1.5 << false;
    QTest::newRow("negative decimal")
        << "< -0.25" << Op::Lt << Measure::Value << -0.25 << -0.25 << false;
    QTest::newRow("leading dot") << "> .5" << Op::Gt << Measure::Value << 0.5 << 0.5 << false;
    QTest::newRow("trailing dot") << "> 5." << Op::Gt << Measure::Value << 5.0 << 5.0 << false;
    QTest::newRow("exponent") << "> 1e3" << Op::Gt << Measure::Value << 1000.0 << 1000.0 << false;
    QTest::newRow("negative exponent")
        << "> 1.5E-2" << Op::Gt << Measure::Value << 0.015 << 0.015 << false;
    QTest::newRow("between") << "between 1 and 3" << Op::Between << Measure::Value << 1.0 << 3.0
                             << false;
    QTest::newRow("between tight")
        << "between 2 and 2" << Op::Between << Measure::Value << 2.0 << 2.0 << false;
    QTest::newRow("between negatives")
        << "between -3 and -1" << Op::Between << Measure::Value << -3.0 << -1.0 << false;
    QTest::newRow("between spaces")
        << "between   1   and   3" << Op::Between << Measure::Value << 1.0 << 3.0 << false;
    QTest::newRow("not between") << "not between 1 and 3" << Op::NotBetween << Measure::Value << 1.0
                                 << 3.0 << false;
    QTest::newRow("abs_diff percent")
        << "abs_diff > 0.5%" << Op::Gt << Measure::AbsDiff << 0.5 << 0.5 << true;
    QTest::newRow("abs_diff absolute")
        << "abs_diff > 100" << Op::Gt << Measure::AbsDiff << 100.0 << 100.0 << false;
    QTest::newRow("abs_diff no spaces")
        << "abs_diff>5%" << Op::Gt << Measure::AbsDiff << 5.0 << 5.0 << true;
    QTest::newRow("abs_diff many spaces")
        << "  abs_diff   >=   1%  " << Op::Ge << Measure::AbsDiff << 1.0 << 1.0 << true;
    QTest::newRow("abs_diff zero")
        << "abs_diff >= 0" << Op::Ge << Measure::AbsDiff << 0.0 << 0.0 << false;
    QTest::newRow("diff negative percent")
        << "diff < -2%" << Op::Lt << Measure::Diff << -2.0 << -2.0 << true;
    QTest::newRow("diff absolute")
        << "diff > 10" << Op::Gt << Measure::Diff << 10.0 << 10.0 << false;
    QTest::newRow("abs_diff between percent")
        << "abs_diff between 1% and 5%" << Op::Between << Measure::AbsDiff << 1.0 << 5.0 << true;
    QTest::newRow("diff not between percent")
        << "diff not between -1% and 1%" << Op::NotBetween << Measure::Diff << -1.0 << 1.0 << true;
}

void TestThreshold::parseValid()
{
    QFETCH(QString, text);
    QFETCH(Op, op);
    QFETCH(Measure, measure);
    QFETCH(double, low);
    QFETCH(double, high);
    QFETCH(bool, percent);

    ParseError error;
    const std::optional<Threshold> threshold = Threshold::parse(text, &error);
    QVERIFY2(threshold, qPrintable(error.message));
    QCOMPARE(threshold->op, op);
    QCOMPARE(threshold->measure, measure);
    QCOMPARE(threshold->low, low);
    QCOMPARE(threshold->high, high);
    QCOMPARE(threshold->percent, percent);
    QCOMPARE(threshold->text, text.trimmed());
}

void TestThreshold::parseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("offset");

    const QString expectedComparison =
        QStringLiteral("expected a comparison (>, >=, <, <=, ==, !=), 'between A and B' or "
                       "'abs_diff > N%'");

    QTest::newRow("empty") << ""
                           << "empty threshold; write e.g. '> 0'" << 0;
    QTest::newRow("bare number") << "5" << expectedComparison << 0;
    QTest::newRow("bare number after spaces") << "  5" << expectedComparison << 2;
    QTest::newRow("word") << "greater 5"
                          << "unknown word 'greater'; " + expectedComparison << 0;
    QTest::newRow("abs with space") << "abs diff > 1"
                                    << "did you mean abs_diff or diff?" << 0;
    QTest::newRow("measure without comparison") << "abs_diff" << expectedComparison << 8;
    QTest::newRow("measure with number") << "diff 5" << expectedComparison << 5;
    QTest::newRow("bang alone") << "!5" << expectedComparison << 0;
    QTest::newRow("missing number") << ">"
                                    << "expected a number after '>', e.g. '> 0'" << 1;
    QTest::newRow("missing number after spaces") << ">=   "
                                                 << "expected a number after '>='" << 2;
    QTest::newRow("word instead of number") << "> abc"
                                            << "expected a number after '>', found "
                                               "'abc'"
                                            << 2;
    QTest::newRow("double operator") << ">> 5"
                                     << "expected a number after '>', found '>'" << 1;
    QTest::newRow("reversed operator") << "=> 5"
                                       << "expected a number after '=', found '>'" << 1;
    QTest::newRow("percent on a value")
        << "> 5%"
        << "a percent threshold needs abs_diff or diff, e.g. 'abs_diff > 5%'" << 3;
    QTest::newRow("percent on a value no spaces") << ">5%"
                                                  << "needs abs_diff or diff" << 2;
    QTest::newRow("percent on a value between") << "between 1% and 3%"
                                                << "needs abs_diff or diff" << 9;
    QTest::newRow("trailing words") << "> 5 apples"
                                    << "unexpected 'apples' after the threshold" << 4;
    QTest::newRow("double percent") << "abs_diff > 5%%"
                                    << "unexpected '%' after the threshold" << 13;
    QTest::newRow("missing exponent digits") << "> 1e"
                                             << "expected digits after the exponent" << 4;
    QTest::newRow("number too large") << "> 1e999"
                                      << "number '1e999' is out of range" << 2;
    QTest::newRow("between reversed")
        << "between 3 and 1"
        << "'between' needs a lower bound not above the upper bound" << 8;
    QTest::newRow("not between reversed") << "not between 3 and 1"
                                          << "'between' needs a lower bound" << 12;
    QTest::newRow("between without and") << "between 1"
                                         << "expected 'and' and an upper bound" << 9;
    QTest::newRow("between with or") << "between 1 or 3"
                                     << "expected 'and' between the bounds" << 10;
    QTest::newRow("between without upper") << "between 1 and"
                                           << "expected a number after 'and', e.g. 'between 1 "
                                              "and 3'"
                                           << 13;
    QTest::newRow("between without lower") << "between and 3"
                                           << "expected a number after 'between', found 'and'" << 8;
    QTest::newRow("between trailing") << "between 1 and 3 and 5"
                                      << "unexpected 'and 5' after the threshold" << 16;
    QTest::newRow("not without between") << "not 1"
                                         << "expected 'between' after 'not'" << 4;
    QTest::newRow("mixed percent upper") << "abs_diff between 1% and 3"
                                         << "write '%' on both bounds or on neither" << 25;
    QTest::newRow("mixed percent lower") << "abs_diff between 1 and 3%"
                                         << "write '%' on both bounds or on neither" << 18;
    QTest::newRow("negative abs_diff") << "abs_diff > -1"
                                       << "abs_diff is never negative" << 11;
    QTest::newRow("negative abs_diff between") << "abs_diff between -1 and 1"
                                               << "abs_diff is never negative" << 17;
}

void TestThreshold::parseInvalid()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QFETCH(int, offset);

    ParseError error;
    const std::optional<Threshold> threshold = Threshold::parse(text, &error);
    QVERIFY2(!threshold, qPrintable(text));
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QCOMPARE(error.offset, offset);
    QVERIFY2(!error.message.front().isUpper(), qPrintable(error.message));
}

void TestThreshold::matches_data()
{
    QTest::addColumn<QString>("threshold");
    QTest::addColumn<double>("value");
    QTest::addColumn<std::optional<double>>("reference");
    QTest::addColumn<bool>("fires");

    const auto row = [](const char *name, const char *threshold, double value,
                        std::optional<double> reference, bool fires) {
        QTest::newRow(name) << QString::fromUtf8(threshold) << value << reference << fires;
    };

    row("gt above", "> 0", 1, kNoReference, true);
    row("gt equal", "> 0", 0, kNoReference, false);
    row("gt below", "> 0", -1, kNoReference, false);
    row("gt ignores reference", "> 0", 1, 100.0, true);
    row("ge equal", ">= 5", 5, kNoReference, true);
    row("ge below", ">= 5", 4.99, kNoReference, false);
    row("lt below", "< 1", 0.5, kNoReference, true);
    row("lt equal", "< 1", 1, kNoReference, false);
    row("le equal", "<= 1", 1, kNoReference, true);
    row("le above", "<= 1", 1.01, kNoReference, false);
    row("eq equal", "== 0", 0, kNoReference, true);
    row("eq different", "== 0", 0.1, kNoReference, false);
    row("single equals", "= 0", 0, kNoReference, true);
    row("ne equal", "!= 0", 0, kNoReference, false);
    row("ne different", "!= 0", 3, kNoReference, true);
    row("negative bound", "< -3", -4, kNoReference, true);
    row("between lower bound", "between 1 and 3", 1, kNoReference, true);
    row("between upper bound", "between 1 and 3", 3, kNoReference, true);
    row("between inside", "between 1 and 3", 2, kNoReference, true);
    row("between just below", "between 1 and 3", 0.99, kNoReference, false);
    row("between just above", "between 1 and 3", 3.01, kNoReference, false);
    row("not between below", "not between 1 and 3", 0, kNoReference, true);
    row("not between inside", "not between 1 and 3", 2, kNoReference, false);
    row("not between bound", "not between 1 and 3", 1, kNoReference, false);
    row("not between above", "not between 1 and 3", 4, kNoReference, true);
    row("infinite value", "> 1e9", kInfinity, kNoReference, true);
    row("nan never fires", "!= 0", kNaN, kNoReference, false);

    row("abs_diff percent over", "abs_diff > 0.5%", 100.6, 100.0, true);
    row("abs_diff percent under", "abs_diff > 0.5%", 100.4, 100.0, false);
    row("abs_diff percent over downward", "abs_diff > 0.5%", 99.4, 100.0, true);
    row("abs_diff percent negative reference", "abs_diff > 0.5%", -100.6, -100.0, true);
    row("abs_diff percent zero and zero", "abs_diff > 0.5%", 0, 0.0, false);
    row("abs_diff percent zero reference", "abs_diff > 0.5%", 1, 0.0, true);
    row("abs_diff percent zero reference negative", "abs_diff > 0.5%", -1, 0.0, true);
    row("abs_diff percent without reference", "abs_diff > 0.5%", 100, kNoReference, false);
    row("abs_diff percent nan reference", "abs_diff > 0.5%", 100, kNaN, false);
    row("abs_diff le zero and zero", "abs_diff <= 1%", 0, 0.0, true);
    row("abs_diff le zero reference", "abs_diff <= 1%", 1, 0.0, false);
    row("abs_diff absolute over", "abs_diff > 100", 1000, 850.0, true);
    row("abs_diff absolute under", "abs_diff > 100", 1000, 950.0, false);
    row("abs_diff absolute downward", "abs_diff > 100", 850, 1000.0, true);
    row("abs_diff absolute without reference", "abs_diff > 100", 1000, kNoReference, false);
    row("diff percent drop", "diff < -2%", 97, 100.0, true);
    row("diff percent small drop", "diff < -2%", 99, 100.0, false);
    row("diff percent rise", "diff < -2%", 103, 100.0, false);
    row("diff percent from zero down", "diff < -2%", -1, 0.0, true);
    row("diff percent from zero up", "diff < -2%", 1, 0.0, false);
    row("diff percent negative reference", "diff < -2%", -110, -100.0, true);
    row("diff absolute", "diff > 10", 15, 4.0, true);
    row("diff absolute equal", "diff > 10", 14, 4.0, false);
    row("abs_diff between percent", "abs_diff between 1% and 5%", 103, 100.0, true);
    row("abs_diff between percent outside", "abs_diff between 1% and 5%", 106, 100.0, false);
    row("diff not between percent", "diff not between -1% and 1%", 98, 100.0, true);
    row("diff not between percent inside", "diff not between -1% and 1%", 100.5, 100.0, false);
}

void TestThreshold::matches()
{
    QFETCH(QString, threshold);
    QFETCH(double, value);
    QFETCH(std::optional<double>, reference);
    QFETCH(bool, fires);

    ParseError error;
    const std::optional<Threshold> parsed = Threshold::parse(threshold, &error);
    QVERIFY2(parsed, qPrintable(error.message));
    QCOMPARE(parsed->matches(value, reference), fires);
}

void TestThreshold::measured_data()
{
    QTest::addColumn<QString>("threshold");
    QTest::addColumn<double>("value");
    QTest::addColumn<std::optional<double>>("reference");
    QTest::addColumn<std::optional<double>>("expected");

    const auto row = [](const char *name, const char *threshold, double value,
                        std::optional<double> reference, std::optional<double> expected) {
        QTest::newRow(name) << QString::fromUtf8(threshold) << value << reference << expected;
    };

    row("value", "> 0", 5, kNoReference, 5.0);
    row("value ignores reference", "> 0", 5, 3.0, 5.0);
    row("diff", "diff > 0", 5, 3.0, 2.0);
    row("diff negative", "diff > 0", 3, 5.0, -2.0);
    row("abs_diff", "abs_diff > 0", 3, 5.0, 2.0);
    row("diff percent", "diff > 0%", 90, 100.0, -10.0);
    row("abs_diff percent", "abs_diff > 0%", 90, 100.0, 10.0);
    row("percent of negative reference", "diff > 0%", 90, -100.0, 190.0);
    row("diff percent up from zero", "diff > 0%", 1, 0.0, kInfinity);
    row("diff percent down from zero", "diff > 0%", -1, 0.0, -kInfinity);
    row("abs_diff percent from zero", "abs_diff > 0%", -1, 0.0, kInfinity);
    row("percent zero and zero", "abs_diff > 0%", 0, 0.0, 0.0);
    row("no reference", "diff > 0", 5, kNoReference, std::nullopt);
    row("nan value", "> 0", kNaN, kNoReference, std::nullopt);
    row("nan reference", "diff > 0", 1, kNaN, std::nullopt);
}

void TestThreshold::measured()
{
    QFETCH(QString, threshold);
    QFETCH(double, value);
    QFETCH(std::optional<double>, reference);
    QFETCH(std::optional<double>, expected);

    const std::optional<Threshold> parsed = Threshold::parse(threshold);
    QVERIFY(parsed);
    const std::optional<double> result = parsed->measured(value, reference);
    QCOMPARE(result.has_value(), expected.has_value());
    if (expected)
        QCOMPARE(*result, *expected);
}

void TestThreshold::needsReference_data()
{
    QTest::addColumn<QString>("threshold");
    QTest::addColumn<bool>("needs");
    QTest::newRow("value") << "> 0" << false;
    QTest::newRow("between") << "between 1 and 2" << false;
    QTest::newRow("diff") << "diff > 0" << true;
    QTest::newRow("abs_diff") << "abs_diff > 1%" << true;
}

void TestThreshold::needsReference()
{
    QFETCH(QString, threshold);
    QFETCH(bool, needs);
    const std::optional<Threshold> parsed = Threshold::parse(threshold);
    QVERIFY(parsed);
    QCOMPARE(parsed->needsReference(), needs);
}

VOUCH_TEST_GUILESS_MAIN(TestThreshold)
#include "tst_threshold.moc"
