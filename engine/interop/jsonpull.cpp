#include "engine/interop/jsonpull.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cstring>

namespace vouch::engine::interop {

QString openJsonFile(QFile &file, const QString &missingHint, const QString &directoryHint)
{
    const QFileInfo info(file.fileName());
    if (!info.exists())
        return QStringLiteral("no such file; %1").arg(missingHint);
    if (info.isDir())
        return QStringLiteral("is a directory; %1").arg(directoryHint);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read: %1").arg(file.errorString());
    return {};
}

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

void appendUtf8(std::string *out, char32_t cp)
{
    if (cp < 0x80) {
        out->push_back(char(cp));
    } else if (cp < 0x800) {
        out->push_back(char(0xC0 | (cp >> 6)));
        out->push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out->push_back(char(0xE0 | (cp >> 12)));
        out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out->push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out->push_back(char(0xF0 | (cp >> 18)));
        out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out->push_back(char(0x80 | (cp & 0x3F)));
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

JsonPull::JsonPull(const char *begin, const char *end)
    : m_begin(begin)
    , m_end(end)
    , m_pos(begin)
{
    // A UTF-8 byte order mark is allowed before the document.
    if (m_end - m_pos >= 3 && std::memcmp(m_pos, "\xEF\xBB\xBF", 3) == 0)
        m_pos += 3;
}

bool JsonPull::fail(const QString &message)
{
    if (m_error.isEmpty()) {
        m_error = message;
        m_errorOffset = m_pos - m_begin;
    }
    return false;
}

std::pair<int, int> JsonPull::lineColumn(qint64 offset) const
{
    offset = std::clamp<qint64>(offset, 0, m_end - m_begin);
    int line = 1;
    const char *lineStart = m_begin;
    for (const char *p = m_begin; p < m_begin + offset;) {
        const void *nl = std::memchr(p, '\n', size_t(m_begin + offset - p));
        if (!nl)
            break;
        ++line;
        p = static_cast<const char *>(nl) + 1;
        lineStart = p;
    }
    return {line, int(std::min<qint64>(m_begin + offset - lineStart, 1 << 30)) + 1};
}

void JsonPull::skipSpace()
{
    while (m_pos < m_end && isSpace(*m_pos))
        ++m_pos;
}

bool JsonPull::atEnd()
{
    skipSpace();
    return m_pos >= m_end;
}

JsonPull::Type JsonPull::peek()
{
    if (!ok())
        return Type::Invalid;
    skipSpace();
    if (m_pos >= m_end)
        return Type::End;
    switch (*m_pos) {
    case '{':
        return Type::Object;
    case '[':
        return Type::Array;
    case '"':
        return Type::String;
    case 't':
    case 'f':
        return Type::Bool;
    case 'n':
        return Type::Null;
    default:
        if (*m_pos == '-' || (*m_pos >= '0' && *m_pos <= '9'))
            return Type::Number;
        return Type::Invalid;
    }
}

bool JsonPull::expect(char c, const char *what)
{
    if (!ok())
        return false;
    skipSpace();
    if (m_pos >= m_end)
        return fail(QStringLiteral("unexpected end of file (the file is truncated?); expected %1")
                        .arg(QLatin1String(what)));
    if (*m_pos != c)
        return fail(QStringLiteral("expected %1, found '%2'")
                        .arg(QLatin1String(what), QString::fromLatin1(m_pos, 1)));
    ++m_pos;
    return true;
}

bool JsonPull::beginObject()
{
    if (!expect('{', "'{' (an object)"))
        return false;
    if (m_first.size() >= size_t(kMaxDepth))
        return fail(QStringLiteral("JSON nested deeper than %1 levels").arg(kMaxDepth));
    m_first.push_back('1');
    return true;
}

bool JsonPull::beginArray()
{
    if (!expect('[', "'[' (a list)"))
        return false;
    if (m_first.size() >= size_t(kMaxDepth))
        return fail(QStringLiteral("JSON nested deeper than %1 levels").arg(kMaxDepth));
    m_first.push_back('1');
    return true;
}

bool JsonPull::nextKey(std::string_view *key)
{
    if (!ok() || m_first.empty())
        return false;
    skipSpace();
    if (m_pos >= m_end)
        return fail(QStringLiteral("unexpected end of file inside an object (the file is "
                                   "truncated?)"));
    if (*m_pos == '}') {
        ++m_pos;
        m_first.pop_back();
        return false;
    }
    if (m_first.back() == '1')
        m_first.back() = '0';
    else if (!expect(',', "',' or '}'"))
        return false;
    skipSpace();
    const char *start = nullptr;
    const char *stop = nullptr;
    bool escaped = false;
    if (m_pos >= m_end || *m_pos != '"')
        return expect('"', "a key in quotes");
    if (!scanString(&start, &stop, &escaped))
        return false;
    if (escaped) {
        m_keyBuffer.clear();
        if (!decode(start, stop, &m_keyBuffer))
            return false;
        *key = m_keyBuffer;
    } else {
        *key = std::string_view(start, size_t(stop - start));
    }
    return expect(':', "':' after a key");
}

bool JsonPull::nextElement()
{
    if (!ok() || m_first.empty())
        return false;
    skipSpace();
    if (m_pos >= m_end)
        return fail(QStringLiteral("unexpected end of file inside a list (the file is "
                                   "truncated?)"));
    if (*m_pos == ']') {
        ++m_pos;
        m_first.pop_back();
        return false;
    }
    if (m_first.back() == '1') {
        m_first.back() = '0';
        return true;
    }
    return expect(',', "',' or ']'");
}

// On entry m_pos is at the opening quote; on success it is past the closing one.
bool JsonPull::scanString(const char **start, const char **stop, bool *escaped)
{
    ++m_pos;
    *start = m_pos;
    *escaped = false;
    for (;;) {
        const void *q = std::memchr(m_pos, '"', size_t(m_end - m_pos));
        if (!q) {
            m_pos = m_end;
            return fail(QStringLiteral("unexpected end of file inside a string (the file is "
                                       "truncated?)"));
        }
        const char *quote = static_cast<const char *>(q);
        // The quote is escaped when an odd number of backslashes precede it.
        const char *b = quote;
        while (b > *start && b[-1] == '\\')
            --b;
        if ((quote - b) % 2 == 1) {
            *escaped = true;
            m_pos = quote + 1;
            continue;
        }
        if (!*escaped && std::memchr(*start, '\\', size_t(quote - *start)))
            *escaped = true;
        *stop = quote;
        m_pos = quote + 1;
        return true;
    }
}

bool JsonPull::decode(const char *p, const char *stop, std::string *out)
{
    out->reserve(out->size() + size_t(stop - p));
    while (p < stop) {
        const char *bs = static_cast<const char *>(std::memchr(p, '\\', size_t(stop - p)));
        if (!bs) {
            out->append(p, size_t(stop - p));
            break;
        }
        out->append(p, size_t(bs - p));
        p = bs + 1;
        if (p >= stop)
            return fail(QStringLiteral("bad escape at the end of a string"));
        const char c = *p++;
        switch (c) {
        case '"':
        case '\\':
        case '/':
            out->push_back(c);
            break;
        case 'b':
            out->push_back('\b');
            break;
        case 'f':
            out->push_back('\f');
            break;
        case 'n':
            out->push_back('\n');
            break;
        case 'r':
            out->push_back('\r');
            break;
        case 't':
            out->push_back('\t');
            break;
        case 'u': {
            auto hex4 = [&](char32_t *v) {
                if (stop - p < 4)
                    return false;
                *v = 0;
                for (int i = 0; i < 4; ++i) {
                    const int h = hexValue(p[i]);
                    if (h < 0)
                        return false;
                    *v = (*v << 4) | char32_t(h);
                }
                p += 4;
                return true;
            };
            char32_t cp = 0;
            if (!hex4(&cp))
                return fail(QStringLiteral("bad \\u escape in a string"));
            if (cp >= 0xD800 && cp < 0xDC00 && stop - p >= 6 && p[0] == '\\' && p[1] == 'u') {
                const char *save = p;
                p += 2;
                char32_t low = 0;
                if (hex4(&low) && low >= 0xDC00 && low < 0xE000)
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                else
                    p = save;
            }
            if (cp >= 0xD800 && cp < 0xE000)
                cp = 0xFFFD; // a lone surrogate
            appendUtf8(out, cp);
            break;
        }
        default:
            return fail(QStringLiteral("bad escape '\\%1' in a string").arg(QLatin1Char(c)));
        }
    }
    return true;
}

bool JsonPull::readString(QString *out)
{
    const Type t = peek();
    if (t == Type::Null) {
        out->clear();
        return skipLiteral();
    }
    if (t != Type::String)
        return t == Type::End ? fail(QStringLiteral("unexpected end of file; expected a string"))
                              : fail(QStringLiteral("expected a string"));
    const char *start = nullptr;
    const char *stop = nullptr;
    bool escaped = false;
    if (!scanString(&start, &stop, &escaped))
        return false;
    if (!escaped) {
        *out = QString::fromUtf8(start, stop - start);
        return true;
    }
    std::string decoded;
    if (!decode(start, stop, &decoded))
        return false;
    *out = QString::fromStdString(decoded);
    return true;
}

bool JsonPull::readScalarText(QString *out)
{
    const Type t = peek();
    if (t == Type::String || t == Type::Null)
        return readString(out);
    if (t == Type::Number || t == Type::Bool) {
        const char *start = m_pos;
        if (!(t == Type::Number ? skipNumber() : skipLiteral()))
            return false;
        *out = QString::fromLatin1(start, m_pos - start);
        return true;
    }
    return fail(QStringLiteral("expected a text or a number"));
}

bool JsonPull::skipNumber()
{
    const char *start = m_pos;
    while (m_pos < m_end && (std::strchr("0123456789+-.eE", *m_pos) != nullptr && *m_pos != '\0'))
        ++m_pos;
    if (m_pos == start)
        return fail(QStringLiteral("expected a number"));
    return true;
}

bool JsonPull::readNumber(double *out)
{
    if (peek() != Type::Number)
        return fail(QStringLiteral("expected a number"));
    const char *start = m_pos;
    if (!skipNumber())
        return false;
    bool ok = false;
    *out = QByteArray::fromRawData(start, m_pos - start).toDouble(&ok);
    if (!ok)
        return fail(
            QStringLiteral("bad number '%1'").arg(QString::fromLatin1(start, m_pos - start)));
    return true;
}

std::optional<double> JsonPull::readOptionalNumber()
{
    if (peek() == Type::Null) {
        skipLiteral();
        return std::nullopt;
    }
    double v = 0;
    if (!readNumber(&v))
        return std::nullopt;
    return v;
}

bool JsonPull::skipLiteral()
{
    for (const char *word : {"true", "false", "null"}) {
        const size_t n = std::strlen(word);
        if (size_t(m_end - m_pos) >= n && std::memcmp(m_pos, word, n) == 0) {
            m_pos += n;
            return true;
        }
    }
    if (size_t(m_end - m_pos) < 5)
        return fail(QStringLiteral("unexpected end of file (the file is truncated?)"));
    return fail(QStringLiteral("expected true, false or null"));
}

bool JsonPull::readBool(bool *out)
{
    const Type t = peek();
    if (t == Type::Null) {
        *out = false;
        return skipLiteral();
    }
    if (t != Type::Bool)
        return fail(QStringLiteral("expected true or false"));
    *out = *m_pos == 't';
    return skipLiteral();
}

bool JsonPull::readStringList(QStringList *out)
{
    out->clear();
    const Type t = peek();
    if (t == Type::Null)
        return skipLiteral();
    if (t == Type::String) { // dbt sometimes writes a single tag as a string
        QString s;
        if (!readString(&s))
            return false;
        out->append(s);
        return true;
    }
    if (!beginArray())
        return false;
    while (nextElement()) {
        QString s;
        if (!readScalarText(&s))
            return false;
        out->append(s);
    }
    return ok();
}

bool JsonPull::skipValue()
{
    return skipAt(int(m_first.size()));
}

bool JsonPull::skipAt(int depth)
{
    switch (peek()) {
    case Type::Object:
    case Type::Array:
        if (depth >= kMaxDepth)
            return fail(QStringLiteral("JSON nested deeper than %1 levels").arg(kMaxDepth));
        return skipContainer(depth + 1);
    case Type::String: {
        const char *a = nullptr;
        const char *b = nullptr;
        bool escaped = false;
        return scanString(&a, &b, &escaped);
    }
    case Type::Number:
        return skipNumber();
    case Type::Bool:
    case Type::Null:
        return skipLiteral();
    case Type::End:
        return fail(QStringLiteral("unexpected end of file; expected a value (the file is "
                                   "truncated?)"));
    case Type::Invalid:
        return ok() ? fail(QStringLiteral("expected a value, found '%1'")
                               .arg(QString::fromLatin1(m_pos, 1)))
                    : false;
    }
    return false;
}

// Skips an object or array without the key bookkeeping of nextKey().
bool JsonPull::skipContainer(int depth)
{
    const bool object = *m_pos == '{';
    const char close = object ? '}' : ']';
    ++m_pos;
    skipSpace();
    if (m_pos < m_end && *m_pos == close) {
        ++m_pos;
        return true;
    }
    for (;;) {
        if (object) {
            skipSpace();
            if (m_pos >= m_end || *m_pos != '"')
                return expect('"', "a key in quotes");
            const char *a = nullptr;
            const char *b = nullptr;
            bool escaped = false;
            if (!scanString(&a, &b, &escaped) || !expect(':', "':' after a key"))
                return false;
        }
        if (!skipAt(depth))
            return false;
        skipSpace();
        if (m_pos >= m_end)
            return fail(QStringLiteral("unexpected end of file inside %1 (the file is truncated?)")
                            .arg(object ? QStringLiteral("an object") : QStringLiteral("a list")));
        if (*m_pos == close) {
            ++m_pos;
            return true;
        }
        if (*m_pos != ',')
            return fail(QStringLiteral("expected ',' or '%1', found '%2'")
                            .arg(QString(QLatin1Char(close)), QString::fromLatin1(m_pos, 1)));
        ++m_pos;
    }
}

} // namespace vouch::engine::interop
