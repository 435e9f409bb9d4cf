// Guards on the raw bytes, before yaml-cpp sees them.
#include "engine/contract/loader/loaderstate.h"

namespace vouch::engine {

namespace loader {

// Returns the position of the first byte that is not valid UTF-8, if any.
std::optional<TextPos> firstInvalidUtf8(const QByteArray &bytes)
{
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.constData());
    const qsizetype n = bytes.size();
    TextPos pos;
    for (qsizetype i = 0; i < n;) {
        const unsigned char c = p[i];
        int extra = 0;
        char32_t cp = 0;
        if (c < 0x80) {
            if (c == 0)
                return pos; // NUL is never text
            ++i;
            if (c == '\n') {
                ++pos.line;
                pos.column = 1;
            } else {
                ++pos.column;
            }
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return pos;
        }
        for (int k = 1; k <= extra; ++k) {
            if (i + k >= n || (p[i + k] & 0xC0) != 0x80)
                return pos;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        const bool overlong = (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
        if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return pos;
        i += extra + 1;
        ++pos.column;
    }
    return std::nullopt;
}

// Estimates YAML nesting depth without parsing: flow brackets outside quotes
// and comments, plus block indentation and compact "- - -" sequences. An
// estimate is enough: it only has to stop absurd input before yaml-cpp sees it.
std::optional<TextPos> firstTooDeep(const QByteArray &bytes, int limit)
{
    int flowDepth = 0;
    TextPos pos;
    bool lineStart = true;
    int indent = 0;
    int dashes = 0;
    char quote = 0;
    bool comment = false;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes.at(i);
        if (c == '\n') {
            ++pos.line;
            pos.column = 1;
            lineStart = true;
            indent = 0;
            dashes = 0;
            comment = false;
            if (quote == '\'')
                quote = '\''; // single-quoted scalars may span lines
            continue;
        }
        if (comment) {
            ++pos.column;
            continue;
        }
        if (quote) {
            if (c == quote && !(quote == '"' && i > 0 && bytes.at(i - 1) == '\\'))
                quote = 0;
            ++pos.column;
            continue;
        }
        if (lineStart) {
            if (c == ' ') {
                ++indent;
            } else if (c == '-' && i + 1 < bytes.size() && bytes.at(i + 1) == ' ') {
                ++dashes;
            } else if (c != ' ' && c != '\t') {
                lineStart = false;
            }
            if (indent / 2 + dashes + flowDepth > limit)
                return pos;
        }
        switch (c) {
        case '#':
            if (i == 0 || bytes.at(i - 1) == ' ' || bytes.at(i - 1) == '\t')
                comment = true;
            break;
        case '"':
        case '\'':
            quote = c;
            break;
        case '[':
        case '{':
            if (++flowDepth + indent / 2 + dashes > limit)
                return pos;
            break;
        case ']':
        case '}':
            flowDepth = std::max(0, flowDepth - 1);
            break;
        default:
            break;
        }
        ++pos.column;
    }
    return std::nullopt;
}

} // namespace loader

} // namespace vouch::engine
