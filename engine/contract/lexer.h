#pragma once

// The scanning shared by the contract's small parsers (cron, weeklytime,
// duration, threshold, template): a cursor over a QStringView and the
// character classes they use. Offsets are into the whole text, so a
// ParseError's offset points at the character the message is about. Header
// only; no allocation, no state beyond the position.

#include "engine/contract/parseerror.h"

#include <QChar>
#include <QString>
#include <QStringView>

#include <optional>

namespace vouch::engine::lex {

inline bool isAsciiDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

inline bool isAsciiLetter(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z');
}

// Letters, digits and '_'.
inline bool isWordChar(QChar c)
{
    return isAsciiLetter(c) || isAsciiDigit(c) || c == u'_';
}

inline bool isSpace(QChar c)
{
    return c.isSpace();
}

inline bool isNotSpace(QChar c)
{
    return !c.isSpace();
}

// Records the problem (when `error` is given) and returns nullopt, so that a
// parser can `return fail(error, offset, message);` from any std::optional.
inline std::nullopt_t fail(ParseError *error, qsizetype offset, const QString &message)
{
    if (error)
        *error = ParseError{int(offset), message};
    return std::nullopt;
}

// A position in `text`, moving forward within [begin, end). Reads past the
// end give QChar(), which no character class above accepts.
class Lexer
{
public:
    explicit Lexer(QStringView text)
        : Lexer(text, 0, text.size())
    {}
    Lexer(QStringView text, qsizetype begin, qsizetype end)
        : m_text(text)
        , m_pos(begin)
        , m_end(end)
    {}

    // Leaves out white space at both ends of the range.
    void trim()
    {
        skipSpaces();
        while (m_end > m_pos && m_text[m_end - 1].isSpace())
            --m_end;
    }

    qsizetype pos() const { return m_pos; }
    qsizetype end() const { return m_end; }
    void setPos(qsizetype pos) { m_pos = pos; }
    bool atEnd() const { return m_pos >= m_end; }

    // The character `ahead` places on, or QChar() past the end.
    QChar peek(qsizetype ahead = 0) const
    {
        return m_pos + ahead < m_end ? m_text[m_pos + ahead] : QChar();
    }
    bool at(QChar c) const { return !atEnd() && m_text[m_pos] == c; }
    void advance(qsizetype count = 1) { m_pos += count; }

    // Moves past `c` when it is next; says whether it was.
    bool expect(QChar c)
    {
        if (!at(c))
            return false;
        ++m_pos;
        return true;
    }

    void skipSpaces() { takeWhile(isSpace); }

    // The run of characters from here that `accept` takes, without moving.
    template<typename Accept>
    QStringView peekWhile(Accept accept) const
    {
        qsizetype end = m_pos;
        while (end < m_end && accept(m_text[end]))
            ++end;
        return m_text.sliced(m_pos, end - m_pos);
    }

    // The same run, moving past it.
    template<typename Accept>
    QStringView takeWhile(Accept accept)
    {
        const QStringView run = peekWhile(accept);
        m_pos += run.size();
        return run;
    }

    QStringView takeDigits() { return takeWhile(isAsciiDigit); }
    QStringView takeLetters() { return takeWhile(isAsciiLetter); }

    // What is left of the range.
    QStringView rest() const { return m_text.sliced(m_pos, m_end - m_pos); }
    // Any part of the text, by offsets.
    QStringView slice(qsizetype from, qsizetype to) const { return m_text.sliced(from, to - from); }

private:
    QStringView m_text;
    qsizetype m_pos;
    qsizetype m_end;
};

} // namespace vouch::engine::lex
