#include "engine/contract/template.h"
#include "support/testguard.h"

#include <QTest>

using namespace vouch::engine;

using Values = QMap<QString, QString>;

class TestTemplate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void knownPlaceholders();
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void everyKnownPlaceholderParses();
    void renderIsRepeatable();
};

void TestTemplate::knownPlaceholders()
{
    QCOMPARE(Template::knownPlaceholders(),
             (QStringList{"value", "reference", "threshold", "node", "section", "report",
                          "deadline", "age", "owner", "count", "diff", "observed", "cause",
                          "publishable", "caveated", "held", "fallback", "samples"}));
}

void TestTemplate::parseValid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("placeholders");
    QTest::addColumn<Values>("values");
    QTest::addColumn<QString>("rendered");

    const Values values{
        {"value", "42"},           {"reference", "40"},  {"threshold", "abs_diff > 1%"},
        {"node", "revenue"},       {"section", "Sales"}, {"report", "Weekly KPIs"},
        {"deadline", "MON 12:00"}, {"age", "3h"},        {"count", "7"}};

    QTest::newRow("empty") << "" << QStringList{} << values << "";
    QTest::newRow("plain text") << "Revenue looks odd." << QStringList{} << values
                                << "Revenue looks odd.";
    QTest::newRow("single placeholder") << "{value}" << QStringList{"value"} << values << "42";
    QTest::newRow("sentence") << "Revenue is {value} against {reference} ({threshold})."
                              << QStringList{"value", "reference", "threshold"} << values
                              << "Revenue is 42 against 40 (abs_diff > 1%).";
    QTest::newRow("adjacent placeholders")
        << "{value}{reference}" << QStringList{"value", "reference"} << values << "4240";
    QTest::newRow("repeated placeholder")
        << "{node}: {value}, {node} again" << QStringList{"node", "value"} << values
        << "revenue: 42, revenue again";
    QTest::newRow("order of first use")
        << "{count} {age} {count} {report}" << QStringList{"count", "age", "report"} << values
        << "7 3h 7 Weekly KPIs";
    QTest::newRow("spaces inside braces")
        << "{ value } and {section  }" << QStringList{"value", "section"} << values
        << "42 and Sales";
    QTest::newRow("escaped braces") << "{{literal}}" << QStringList{} << values << "{literal}";
    QTest::newRow("escaped around placeholder")
        << "{{{value}}}" << QStringList{"value"} << values << "{42}";
    QTest::newRow("lone escaped close") << "a }} b" << QStringList{} << values << "a } b";
    QTest::newRow("missing value") << "Ask {owner} about {node}" << QStringList{"owner", "node"}
                                   << values << "Ask <owner> about revenue";
    QTest::newRow("no values at all")
        << "{value} vs {reference}" << QStringList{"value", "reference"} << Values{}
        << "<value> vs <reference>";
    QTest::newRow("empty value stays empty")
        << "[{owner}]" << QStringList{"owner"} << Values{{"owner", ""}} << "[]";
    QTest::newRow("values are not re-expanded")
        << "{value}" << QStringList{"value"} << Values{{"value", "{node}"}} << "{node}";
    QTest::newRow("unicode text") << "Écart de {value} €" << QStringList{"value"} << values
                                  << "Écart de 42 €";
    QTest::newRow("multiline") << "Line one {node}\nLine two {deadline}"
                               << QStringList{"node", "deadline"} << values
                               << "Line one revenue\nLine two MON 12:00";
}

void TestTemplate::parseValid()
{
    QFETCH(QString, text);
    QFETCH(QStringList, placeholders);
    QFETCH(Values, values);
    QFETCH(QString, rendered);

    ParseError error;
    const std::optional<Template> parsed = Template::parse(text, &error);
    QVERIFY2(parsed, qPrintable(error.message));
    QCOMPARE(parsed->text(), text);
    QCOMPARE(parsed->placeholders(), placeholders);
    QCOMPARE(parsed->render(values), rendered);
}

void TestTemplate::parseInvalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("offset");

    QTest::newRow("transposed letters")
        << "{vlaue}"
        << "unknown placeholder {vlaue}; did you mean {value}?" << 1;
    QTest::newRow("typo later in text") << "Total {refrence} today"
                                        << "unknown placeholder {refrence}; did you mean "
                                           "{reference}?"
                                        << 7;
    QTest::newRow("shell style") << "${VALUE}"
                                 << "did you mean {value}?" << 2;
    QTest::newRow("wrong case") << "Total {Value}"
                                << "did you mean {value}?" << 7;
    QTest::newRow("plural") << "{nodes}"
                            << "did you mean {node}?" << 1;
    QTest::newRow("missing letter") << "{ownr}"
                                    << "did you mean {owner}?" << 1;
    QTest::newRow("spaces then typo") << "{  vlaue }"
                                      << "did you mean {value}?" << 3;
    QTest::newRow("nothing close")
        << "{xyzzyq}"
        << "unknown placeholder {xyzzyq}; use {value}, {reference}, {threshold}, {node}, "
           "{section}, {report}, {deadline}, {age}, {owner}, {count}, {diff}, {observed}, "
           "{cause}, {publishable}, {caveated}, {held}, {fallback} or {samples}"
        << 1;
    QTest::newRow("unclosed") << "abc {value"
                              << "unclosed '{' in template" << 4;
    QTest::newRow("unclosed at end") << "abc {"
                                     << "unclosed '{' in template" << 4;
    QTest::newRow("nested open") << "{value {node}"
                                 << "unclosed '{' in template" << 0;
    QTest::newRow("empty placeholder") << "a {} b"
                                       << "empty placeholder {}" << 2;
    QTest::newRow("blank placeholder") << "{  }"
                                       << "empty placeholder {}" << 0;
    QTest::newRow("lone close") << "a } b"
                                << "unmatched '}' in template; write '}}' for a literal brace" << 2;
    QTest::newRow("extra close after placeholder") << "{value}}"
                                                   << "unmatched '}'" << 7;
    QTest::newRow("escaped open then close") << "{{value}"
                                             << "unmatched '}'" << 7;
    QTest::newRow("second placeholder bad") << "{value} {vale}"
                                            << "did you mean {value}?" << 9;
}

void TestTemplate::parseInvalid()
{
    QFETCH(QString, text);
    QFETCH(QString, message);
    QFETCH(int, offset);

    ParseError error;
    const std::optional<Template> parsed = Template::parse(text, &error);
    QVERIFY2(!parsed, qPrintable(text));
    QVERIFY2(error.message.contains(message), qPrintable(error.message));
    QCOMPARE(error.offset, offset);
    QVERIFY2(!error.message.front().isUpper(), qPrintable(error.message));
}

void TestTemplate::everyKnownPlaceholderParses()
{
    QString text;
    Values values;
    QString expected;
    for (const QString &name : Template::knownPlaceholders()) {
        text += u'{' + name + QStringLiteral("} ");
        values.insert(name, name.toUpper());
        expected += name.toUpper() + u' ';
    }
    ParseError error;
    const std::optional<Template> parsed = Template::parse(text, &error);
    QVERIFY2(parsed, qPrintable(error.message));
    QCOMPARE(parsed->placeholders(), Template::knownPlaceholders());
    QCOMPARE(parsed->render(values), expected);
}

void TestTemplate::renderIsRepeatable()
{
    const std::optional<Template> parsed = Template::parse(u"{value} of {count}");
    QVERIFY(parsed);
    QCOMPARE(parsed->render({{"value", "1"}, {"count", "2"}}), QStringLiteral("1 of 2"));
    QCOMPARE(parsed->render({{"value", "3"}}), QStringLiteral("3 of <count>"));
}

VOUCH_TEST_GUILESS_MAIN(TestTemplate)
#include "tst_template.moc"
