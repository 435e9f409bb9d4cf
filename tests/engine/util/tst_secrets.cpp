// Redaction of resolved secrets from error texts: services echo what they
// were sent, so every part of a secret that could identify it must go, while
// the rest of the message stays readable.

#include "engine/util/secrets.h"
#include "support/testguard.h"

#include <QTest>

using vouch::engine::redactSecrets;

class TestSecrets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redaction_data()
    {
        QTest::addColumn<QStringList>("secrets");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");

        const QString hook =
            QStringLiteral("https://alice:pa55word@hooks.example.com/hooks/T0KEN5ecret9x?sig="
                           "Qs1gnatur3&v=1#fr4gment");
        QTest::newRow("the whole URL")
            << QStringList{hook} << QStringLiteral("posting to %1 failed").arg(hook)
            << QStringLiteral("posting to [redacted] failed");
        QTest::newRow("an echoed path and query")
            << QStringList{hook}
            << QStringLiteral("Cannot POST /hooks/T0KEN5ecret9x?sig=Qs1gnatur3&v=1")
            << QStringLiteral("Cannot POST /hooks/[redacted]?sig=[redacted]&v=1");
        QTest::newRow("JSON-escaped slashes")
            << QStringList{hook} << QStringLiteral(R"({"error":"no route \/hooks\/T0KEN5ecret9x"})")
            << QStringLiteral(R"({"error":"no route \/hooks\/[redacted]"})");
        QTest::newRow("user name, password and fragment")
            << QStringList{hook} << QStringLiteral("user alice, password pa55word, at fr4gment")
            << QStringLiteral("user [redacted], password [redacted], at [redacted]");
        const QString encoded = QStringLiteral("https://example.com/h/T0K%2BEN%2F5ecret");
        QTest::newRow("percent-encoded, as written and decoded")
            << QStringList{encoded} << QStringLiteral("no hook T0K%2BEN%2F5ecret (T0K+EN/5ecret)")
            << QStringLiteral("no hook [redacted] ([redacted])");
        QTest::newRow("a bare query")
            << QStringList{QStringLiteral("https://example.com/h?T0KEN5ecret")}
            << QStringLiteral("bad query T0KEN5ecret") << QStringLiteral("bad query [redacted]");
        QTest::newRow("routing key and signing secret, whole")
            << QStringList{QStringLiteral("R0UT1NGKEY"), QStringLiteral("s1gn")}
            << QStringLiteral("key R0UT1NGKEY unknown; s1gn")
            << QStringLiteral("key [redacted] unknown; [redacted]");
        QTest::newRow("short path segments stay")
            << QStringList{QStringLiteral("https://example.com/api/v2/hooks")}
            << QStringLiteral("Cannot POST /api/v2/hooks")
            << QStringLiteral("Cannot POST /api/v2/hooks");
        QTest::newRow("no secrets")
            << QStringList{} << QStringLiteral("HTTP 404") << QStringLiteral("HTTP 404");
        QTest::newRow("an empty secret changes nothing")
            << QStringList{QString()} << QStringLiteral("HTTP 404") << QStringLiteral("HTTP 404");
    }

    void redaction()
    {
        QFETCH(QStringList, secrets);
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(redactSecrets(text, secrets), expected);
    }
};

VOUCH_TEST_GUILESS_MAIN(TestSecrets)
#include "tst_secrets.moc"
