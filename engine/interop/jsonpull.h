#pragma once

// A pull parser over JSON text in memory (usually a memory-mapped file): the
// caller walks the document and asks for the values it wants; everything
// else is skipped without building anything. dbt manifests reach hundreds of
// megabytes, and a DOM of them costs several times the file's size.
//
// Every call bounds its reads by the end of the buffer; a truncated or
// malformed document stops the walk with one error and its byte offset, and
// every later call returns false. Value type; not thread-safe.

#include <QString>
#include <QStringList>

class QFile;

#include <optional>
#include <string>
#include <string_view>

namespace vouch::engine::interop {

// Opens `file` (its name set) for reading a JSON artifact: empty on success,
// else what is wrong, in words for a diagnostic on that file; the hints say
// what to give instead when it is missing or is a directory.
QString openJsonFile(QFile &file, const QString &missingHint, const QString &directoryHint);

class JsonPull
{
public:
    enum class Type
    {
        Object,
        Array,
        String,
        Number,
        Bool,
        Null,
        End, // end of input
        Invalid
    };

    static constexpr int kMaxDepth = 512;

    JsonPull(const char *begin, const char *end);

    Type peek();

    // `{`, then one key per nextKey() call until it returns false at `}`.
    bool beginObject();
    // Reads the next key (escapes decoded) and the `:` after it; false at
    // the end of the object (consumed) or on an error.
    bool nextKey(std::string_view *key);
    // `[`, then nextElement() before each element until it returns false at `]`.
    bool beginArray();
    bool nextElement();

    // A string value; null reads as an empty string. Other types are an error.
    bool readString(QString *out);
    // A string, number or bool as text (dbt writes versions as either); null reads as empty.
    bool readScalarText(QString *out);
    bool readNumber(double *out); // null reads as nullopt through readOptionalNumber
    std::optional<double> readOptionalNumber();
    bool readBool(bool *out);
    // An array of strings (null reads as empty).
    bool readStringList(QStringList *out);
    bool skipValue();

    bool atEnd();
    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    qint64 errorOffset() const { return m_errorOffset; }
    qint64 offset() const { return m_pos - m_begin; }
    // 1-based line and column of a byte offset (for diagnostics).
    std::pair<int, int> lineColumn(qint64 offset) const;

    bool fail(const QString &message);

private:
    void skipSpace();
    bool expect(char c, const char *what);
    bool scanString(const char **start, const char **stop, bool *escaped);
    bool decode(const char *start, const char *stop, std::string *out);
    bool skipNumber();
    bool skipLiteral();
    bool skipContainer(int depth);
    bool skipAt(int depth);

    const char *m_begin;
    const char *m_end;
    const char *m_pos;
    // Per open container: has it produced an element yet (so the next needs a comma)?
    std::string m_first; // '1' when the next element is the first
    std::string m_keyBuffer;
    QString m_error;
    qint64 m_errorOffset = -1;
};

} // namespace vouch::engine::interop
