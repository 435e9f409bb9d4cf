// `vouch status --json`'s text (app/cli/statusjson.*) against what
// QJsonDocument writes for the same nodes built as QJsonObjects, as the
// command did before: byte for byte, including strings Qt escapes, text
// outside ASCII, numbers, times outside the fast path and empty node lists.

#include "app/cli/statusjson.h"

#include "engine/store/statestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

Q_DECLARE_METATYPE(vouch::engine::NodeRunRecord)

using namespace vouch;
using namespace vouch::engine;

namespace {

QJsonValue timeValue(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

// The text as the command built it before statusJson().
QByteArray byQt(QJsonObject doc, const QStringList &ids, const QList<NodeRunRecord> &rows)
{
    QJsonArray nodes;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const NodeRunRecord &r = rows.at(i);
        QJsonObject o{{QStringLiteral("id"), ids.at(i)},
                      {QStringLiteral("state"), toString(r.state)},
                      {QStringLiteral("attempt"), r.attempt},
                      {QStringLiteral("started_at"), timeValue(r.startedAt)},
                      {QStringLiteral("finished_at"), timeValue(r.finishedAt)}};
        if (r.value)
            o.insert(QStringLiteral("value"), *r.value);
        if (r.freshness != Freshness::Unknown)
            o.insert(QStringLiteral("freshness"), toString(r.freshness));
        if (r.ageSeconds)
            o.insert(QStringLiteral("age_seconds"), double(*r.ageSeconds));
        if (!r.message.isEmpty())
            o.insert(QStringLiteral("message"), r.message);
        nodes.append(o);
    }
    doc.insert(QStringLiteral("nodes"), nodes);
    return QJsonDocument(doc).toJson(QJsonDocument::Indented);
}

QByteArray byWriter(const QJsonObject &doc, const QStringList &ids,
                    const QList<NodeRunRecord> &rows)
{
    QList<cli::StatusNode> nodes;
    for (qsizetype i = 0; i < ids.size(); ++i)
        nodes.append({&ids.at(i), &rows.at(i)});
    return cli::statusJson(doc, nodes);
}

// An assessment-like object with the keys around "nodes" and nested values.
QJsonObject assessment()
{
    return QJsonObject{
        {QStringLiteral("report"), QStringLiteral("weekly")},
        {QStringLiteral("period"), QStringLiteral("2026-W48")},
        {QStringLiteral("status"), QStringLiteral("caveated")},
        {QStringLiteral("published"), false},
        {QStringLiteral("run_id"), 3.0},
        {QStringLiteral("forecast"), QJsonValue()},
        {QStringLiteral("sections"),
         QJsonArray{QJsonObject{
             {QStringLiteral("id"), QStringLiteral("s")},
             {QStringLiteral("findings"), QJsonArray()},
             {QStringLiteral("caveat"), QStringLiteral("\"nodes\": [\n    ] is only text here")}}}},
        {QStringLiteral("alerts"), QJsonArray()},
        {QStringLiteral("decision_needed"), QJsonValue()}};
}

} // namespace

class TestStatusJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameTextAsQt_data()
    {
        QTest::addColumn<QStringList>("ids");
        QTest::addColumn<QList<NodeRunRecord>>("rows");

        QTest::newRow("no nodes") << QStringList() << QList<NodeRunRecord>();

        NodeRunRecord plain;
        plain.state = NodeState::Succeeded;
        plain.attempt = 2;
        plain.startedAt = QDateTime::fromMSecsSinceEpoch(1'796'016'000'123, Qt::UTC);
        plain.finishedAt = QDateTime::fromMSecsSinceEpoch(1'796'016'001'000, Qt::UTC);
        NodeRunRecord pending; // no times, attempt 0
        QTest::newRow("plain") << QStringList{QStringLiteral("a"), QStringLiteral("b")}
                               << QList<NodeRunRecord>{plain, pending};

        NodeRunRecord full = plain;
        full.state = NodeState::Warned;
        full.freshness = Freshness::StaleWarn;
        full.ageSeconds = 93'784;
        full.value = 0.1 + 0.2;
        full.message = QStringLiteral("tab\there \"quoted\" back\\slash\nnew line \x01 ctl");
        NodeRunRecord unicode = plain;
        unicode.state = NodeState::Failed;
        unicode.value = 1e21;
        unicode.ageSeconds = 0;
        unicode.message = QStringLiteral("Zürich → 東京 🙂 ") + QChar(0xd800) + u'x';
        NodeRunRecord integral = plain;
        integral.value = -42.0;
        integral.message = QStringLiteral("  ~ all printable ASCII / ok ");
        QTest::newRow("every field, escapes, unicode, numbers")
            << QStringList{QStringLiteral("n1"), QStringLiteral("nœud"), QStringLiteral("n\"3")}
            << QList<NodeRunRecord>{full, unicode, integral};

        // Times: the epoch, leap days, the last millisecond of a year, a
        // local-time QDateTime, and times before 1970 or past 9999 (Qt's).
        QStringList ids;
        QList<NodeRunRecord> rows;
        const QList<QDateTime> times{
            QDateTime::fromMSecsSinceEpoch(0, Qt::UTC),
            QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), Qt::UTC),
            QDateTime(QDate(2000, 2, 29), QTime(0, 0), Qt::UTC),
            QDateTime(QDate(2100, 3, 1), QTime(12, 0, 0, 5), Qt::UTC),
            QDateTime(QDate(2026, 12, 31), QTime(23, 59, 59, 999), Qt::UTC),
            QDateTime(QDate(2026, 7, 1), QTime(9, 30), QTimeZone("Europe/London")),
            QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC),
            QDateTime(QDate(1969, 12, 31), QTime(23, 59, 59, 999), Qt::UTC),
            QDateTime(QDate(1066, 10, 14), QTime(9, 0), Qt::UTC),
            QDateTime(QDate(12345, 1, 1), QTime(0, 0), Qt::UTC),
        };
        for (const QDateTime &t : times) {
            NodeRunRecord r;
            r.startedAt = t;
            r.finishedAt = t.addMSecs(1);
            ids << QStringLiteral("t%1").arg(ids.size());
            rows << r;
        }
        QTest::newRow("times") << ids << rows;
    }

    void sameTextAsQt()
    {
        QFETCH(QStringList, ids);
        QFETCH(QList<NodeRunRecord>, rows);
        const QByteArray expected = byQt(assessment(), ids, rows);
        const QByteArray actual = byWriter(assessment(), ids, rows);
        QCOMPARE(actual, expected);
    }
};

QTEST_GUILESS_MAIN(TestStatusJson)
#include "tst_statusjson.moc"
