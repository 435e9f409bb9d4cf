#include "app/cli/statusjson.h"

#include "engine/store/statestore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

// A time as `vouch status --json` has always written it.
QJsonValue jsonTime(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

// The same text QJsonDocument writes for one value, by asking it: for what
// the fast paths below do not cover.
void appendByQt(QByteArray &json, const QJsonValue &value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    json.append(QByteArrayView(array).sliced(1, array.size() - 2)); // without [ and ]
}

// A JSON string: printable ASCII other than " and \ is written as it is, as
// Qt does; anything else is escaped (or encoded) by Qt.
void appendString(QByteArray &json, QStringView text)
{
    const bool plain = std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.unicode() >= 0x20 && c.unicode() < 0x80 && c != u'"' && c != u'\\';
    });
    if (!plain) {
        appendByQt(json, QJsonValue(text.toString()));
        return;
    }
    json.append('"');
    const qsizetype at = json.size();
    json.resize(at + text.size());
    char *out = json.data() + at;
    for (QChar c : text)
        *out++ = char(c.unicode());
    json.append('"');
}

void appendDigits(char *&out, int value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        out[i] = char('0' + value % 10);
        value /= 10;
    }
    out += width;
}

// toUTC().toString(Qt::ISODateWithMs) of a time from 1970 to 9999, without
// QDateTime's formatting (two per node); other times are left to Qt.
void appendTime(QByteArray &json, const QDateTime &time)
{
    if (!time.isValid()) {
        json.append("null");
        return;
    }
    const qint64 ms = time.toMSecsSinceEpoch();
    constexpr qint64 kMsPerDay = 86'400'000;
    constexpr qint64 kYear10000 = 253'402'300'800'000; // 10000-01-01T00:00:00Z
    if (ms < 0 || ms >= kYear10000) {
        appendByQt(json, jsonTime(time));
        return;
    }
    // Days since the epoch to a civil date (Howard Hinnant's algorithm).
    const qint64 z = ms / kMsPerDay + 719468;
    const qint64 era = z / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const int year = int(yoe + era * 400 + (month <= 2 ? 1 : 0));
    const qint64 inDay = ms % kMsPerDay;

    char text[32];
    char *out = text;
    *out++ = '"';
    appendDigits(out, year, 4);
    *out++ = '-';
    appendDigits(out, month, 2);
    *out++ = '-';
    appendDigits(out, day, 2);
    *out++ = 'T';
    appendDigits(out, int(inDay / 3'600'000), 2);
    *out++ = ':';
    appendDigits(out, int(inDay / 60'000 % 60), 2);
    *out++ = ':';
    appendDigits(out, int(inDay / 1000 % 60), 2);
    *out++ = '.';
    appendDigits(out, int(inDay % 1000), 3);
    *out++ = 'Z';
    *out++ = '"';
    json.append(text, out - text);
}

// One node's object at depth 2, keys in QJsonObject's (sorted) order.
void appendNode(QByteArray &json, const QString &id, const NodeRunRecord &r)
{
    constexpr char kKey[] = "            \""; // depth 3
    const auto key = [&](const char *name) {
        json.append(kKey);
        json.append(name);
        json.append("\": ");
    };
    json.append("        {\n");
    if (r.ageSeconds) {
        key("age_seconds");
        appendByQt(json, QJsonValue(double(*r.ageSeconds)));
        json.append(",\n");
    }
    key("attempt");
    json.append(QByteArray::number(r.attempt));
    json.append(",\n");
    key("finished_at");
    appendTime(json, r.finishedAt);
    json.append(",\n");
    if (r.freshness != Freshness::Unknown) {
        key("freshness");
        appendString(json, toString(r.freshness));
        json.append(",\n");
    }
    key("id");
    appendString(json, id);
    json.append(",\n");
    if (!r.message.isEmpty()) {
        key("message");
        appendString(json, r.message);
        json.append(",\n");
    }
    key("started_at");
    appendTime(json, r.startedAt);
    json.append(",\n");
    key("state");
    appendString(json, toString(r.state));
    if (r.value) {
        json.append(",\n");
        key("value");
        appendByQt(json, QJsonValue(*r.value));
    }
    json.append("\n        }");
}

} // namespace

QByteArray statusJson(QJsonObject assessment, const QList<StatusNode> &nodes)
{
    // Qt writes the document with an empty "nodes" array in its place among
    // the sorted keys, at depth 1: a line no string value can contain (a
    // newline in a string is written as \n), so it is found only there.
    assessment.insert(QStringLiteral("nodes"), QJsonArray());
    QByteArray outer = QJsonDocument(assessment).toJson(QJsonDocument::Indented);
    if (nodes.isEmpty())
        return outer;
    static constexpr char kEmpty[] = "\n    \"nodes\": [\n    ]";
    const qsizetype at = outer.indexOf(kEmpty);
    Q_ASSERT(at >= 0);
    const qsizetype head = at + qsizetype(sizeof("\n    \"nodes\": [\n")) - 1;

    QByteArray json;
    json.reserve(outer.size() + nodes.size() * 190);
    json.append(QByteArrayView(outer).first(head));
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        appendNode(json, *nodes.at(i).id, *nodes.at(i).record);
        json.append(i + 1 < nodes.size() ? ",\n" : "\n");
    }
    json.append(QByteArrayView(outer).sliced(head)); // "    ]" and the rest
    return json;
}

} // namespace vouch::cli
