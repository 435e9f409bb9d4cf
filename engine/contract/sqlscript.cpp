#include "engine/contract/sqlscript.h"

#include <QRegularExpression>

namespace vouch::engine {

namespace {

using Dialect = Connection::Dialect;

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

struct Rules
{
    bool dollarQuotes = false;     // $$ … $$, $tag$ … $tag$
    bool backslashEscapes = false; // 'it\'s'
    bool escapeStrings = false;    // E'it\'s' (PostgreSQL)
    bool hashComments = false;     // # to the end of the line
    bool backticks = false;        // `name`
    bool brackets = false;         // [name]
    bool nestedComments = false;   // /* /* */ */
    bool delimiterLines = false;   // DELIMITER //
    bool goBatches = false;        // GO, and `;` does not split
    bool triggers = false;         // CREATE TRIGGER … BEGIN …; END
};

Rules rulesFor(Dialect dialect)
{
    Rules r;
    switch (dialect) {
    case Dialect::Postgres:
    case Dialect::Redshift:
        r.dollarQuotes = r.escapeStrings = r.nestedComments = true;
        break;
    case Dialect::Snowflake:
        r.dollarQuotes = true;
        break;
    case Dialect::Mysql:
        r.backslashEscapes = r.hashComments = r.backticks = r.delimiterLines = true;
        break;
    case Dialect::Databricks:
        r.backslashEscapes = r.backticks = true;
        break;
    case Dialect::Sqlite:
        r.backticks = r.triggers = true;
        break;
    case Dialect::SqlServer:
        r.brackets = r.goBatches = true;
        break;
    case Dialect::Generic:
        break;
    }
    return r;
}

class Splitter
{
public:
    Splitter(const QString &script, Dialect dialect)
        : m_s(script)
        , m_rules(rulesFor(dialect))
        , m_delimiter(QStringLiteral(";"))
    {}

    SqlSplit run()
    {
        while (m_i < m_s.size() && m_result.error.isEmpty()) {
            if (m_lineStart && directiveLine())
                continue;
            code();
        }
        if (m_result.error.isEmpty())
            finish();
        if (!m_result.error.isEmpty())
            m_result.statements.clear();
        return std::move(m_result);
    }

private:
    QChar at(qsizetype i) const { return i < m_s.size() ? m_s.at(i) : QChar(); }

    // Appends s[m_i] to the statement and moves on, counting lines.
    void take()
    {
        const QChar c = m_s.at(m_i++);
        m_current.append(c);
        m_lineStart = c == QLatin1Char('\n');
        if (m_lineStart)
            ++m_line;
    }

    void fail(const QString &message, int line)
    {
        m_result.error = message;
        m_result.errorLine = line;
    }

    // The rest of the line from m_i, without its newline.
    QString restOfLine() const
    {
        const qsizetype end = m_s.indexOf(QLatin1Char('\n'), m_i);
        return m_s.mid(m_i, end < 0 ? -1 : end - m_i);
    }

    void skipLine()
    {
        const qsizetype end = m_s.indexOf(QLatin1Char('\n'), m_i);
        m_i = end < 0 ? m_s.size() : end + 1;
        if (end >= 0)
            ++m_line;
        m_lineStart = true;
    }

    // A client command on a line of its own: MySQL's DELIMITER, SQL Server's
    // GO. Returns true when the line was one (and is consumed).
    bool directiveLine()
    {
        if (!m_rules.delimiterLines && !m_rules.goBatches)
            return false;
        const QString line = restOfLine();
        if (m_rules.delimiterLines) {
            static const QRegularExpression delimiter(
                QStringLiteral("^\\s*delimiter(\\s+(\\S+))?\\s*$"),
                QRegularExpression::CaseInsensitiveOption);
            if (const auto m = delimiter.match(line); m.hasMatch()) {
                if (m.captured(2).isEmpty()) {
                    fail(QStringLiteral("DELIMITER needs the new statement end, e.g. "
                                        "'DELIMITER //'"),
                         m_line);
                    return true;
                }
                endStatement();
                m_delimiter = m.captured(2);
                skipLine();
                return true;
            }
        }
        if (m_rules.goBatches) {
            static const QRegularExpression go(QStringLiteral("^\\s*go(\\s+(\\S+))?\\s*(--.*)?$"),
                                               QRegularExpression::CaseInsensitiveOption);
            if (const auto m = go.match(line); m.hasMatch()) {
                if (!m.captured(2).isEmpty()) {
                    fail(QStringLiteral("'GO %1' runs a batch %1 times, which Vouch does not "
                                        "do; write the statements out, or loop in T-SQL")
                             .arg(m.captured(2)),
                         m_line);
                    return true;
                }
                endStatement();
                skipLine();
                return true;
            }
        }
        return false;
    }

    void noteCode()
    {
        if (m_startLine == 0)
            m_startLine = m_line;
    }

    // One step in code: a quote, a comment, a word, a statement's end, or a
    // character.
    void code()
    {
        const QChar c = m_s.at(m_i);
        const QChar next = at(m_i + 1);
        if (!m_rules.goBatches && m_s.mid(m_i, m_delimiter.size()) == m_delimiter &&
            m_blockDepth == 0) {
            m_i += m_delimiter.size();
            m_lineStart = false;
            endStatement();
            return;
        }
        if (c == QLatin1Char('-') && next == QLatin1Char('-')) {
            lineComment();
        } else if (c == QLatin1Char('#') && m_rules.hashComments) {
            lineComment();
        } else if (c == QLatin1Char('/') && next == QLatin1Char('*')) {
            blockComment();
        } else if (c == QLatin1Char('\'')) {
            const QChar before = m_i > 0 ? m_s.at(m_i - 1) : QChar();
            const QChar beforeThat = m_i > 1 ? m_s.at(m_i - 2) : QChar();
            const bool escapeString = m_rules.escapeStrings &&
                                      (before == QLatin1Char('E') || before == QLatin1Char('e')) &&
                                      !isWordChar(beforeThat);
            quoted(QLatin1Char('\''), m_rules.backslashEscapes || escapeString,
                   QStringLiteral("a string"));
        } else if (c == QLatin1Char('"')) {
            quoted(QLatin1Char('"'), m_rules.backslashEscapes, QStringLiteral("a quoted name"));
        } else if (c == QLatin1Char('`') && m_rules.backticks) {
            quoted(QLatin1Char('`'), false, QStringLiteral("a `quoted` name"));
        } else if (c == QLatin1Char('[') && m_rules.brackets) {
            quoted(QLatin1Char(']'), false, QStringLiteral("a [bracketed] name"));
        } else if (c == QLatin1Char('$') && m_rules.dollarQuotes && dollarQuote()) {
            return;
        } else if (isWordChar(c)) {
            word();
        } else {
            if (!c.isSpace())
                noteCode();
            take();
        }
    }

    void lineComment()
    {
        while (m_i < m_s.size() && m_s.at(m_i) != QLatin1Char('\n'))
            take();
    }

    void blockComment()
    {
        const int opened = m_line;
        int depth = 0;
        while (m_i < m_s.size()) {
            const QChar c = m_s.at(m_i);
            const QChar next = at(m_i + 1);
            if (c == QLatin1Char('/') && next == QLatin1Char('*') &&
                (depth == 0 || m_rules.nestedComments)) {
                take();
                take();
                ++depth;
            } else if (c == QLatin1Char('*') && next == QLatin1Char('/')) {
                take();
                take();
                if (--depth == 0) {
                    m_lineStart = false;
                    return;
                }
            } else {
                take();
            }
        }
        fail(QStringLiteral("a /* comment opened on line %1 is never closed with */").arg(opened),
             opened);
    }

    void quoted(QChar close, bool backslash, const QString &what)
    {
        noteCode();
        const int opened = m_line;
        take(); // the opening quote
        while (m_i < m_s.size()) {
            const QChar c = m_s.at(m_i);
            if (backslash && c == QLatin1Char('\\') && m_i + 1 < m_s.size()) {
                take();
                take();
                continue;
            }
            take();
            if (c == close) {
                // A doubled quote ('it''s', [a]]b]) stays inside.
                if (at(m_i) == close) {
                    take();
                    continue;
                }
                return;
            }
        }
        fail(QStringLiteral("%1 opened on line %2 with %3 is never closed")
                 .arg(what)
                 .arg(opened)
                 .arg(close == QLatin1Char(']') ? QStringLiteral("[") : QString(close)),
             opened);
    }

    // $$ … $$ or $tag$ … $tag$; false when the $ starts no such quote ($1).
    bool dollarQuote()
    {
        if (m_i > 0 && (isWordChar(m_s.at(m_i - 1)) || m_s.at(m_i - 1) == QLatin1Char('$')))
            return false;
        static const QRegularExpression opener(QStringLiteral("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$"));
        const auto m = opener.match(m_s, m_i, QRegularExpression::NormalMatch,
                                    QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return false;
        noteCode();
        const QString tag = m.captured(0);
        const int opened = m_line;
        for (qsizetype k = 0; k < tag.size(); ++k)
            take();
        const qsizetype close = m_s.indexOf(tag, m_i);
        if (close < 0) {
            fail(QStringLiteral("the %1 quote opened on line %2 is never closed with %1")
                     .arg(tag)
                     .arg(opened),
                 opened);
            return true;
        }
        while (m_i < close + tag.size())
            take();
        m_lineStart = false;
        return true;
    }

    // A word of code; in a SQLite trigger, BEGIN and CASE open a block that
    // END closes, and `;` inside the block does not end the statement.
    void word()
    {
        noteCode();
        const qsizetype start = m_i;
        while (m_i < m_s.size() && isWordChar(m_s.at(m_i)))
            take();
        if (!m_rules.triggers)
            return;
        const QString w = m_s.mid(start, m_i - start).toUpper();
        // CREATE [TEMP | TEMPORARY] TRIGGER
        if (m_lead == Lead::First) {
            m_lead = w == QLatin1String("CREATE") ? Lead::Create : Lead::Done;
        } else if (m_lead == Lead::Create) {
            if (w != QLatin1String("TEMP") && w != QLatin1String("TEMPORARY")) {
                m_trigger = w == QLatin1String("TRIGGER");
                m_lead = Lead::Done;
            }
        }
        if (!m_trigger)
            return;
        if (w == QLatin1String("BEGIN") || w == QLatin1String("CASE"))
            ++m_blockDepth;
        else if (w == QLatin1String("END") && m_blockDepth > 0)
            --m_blockDepth;
    }

    void endStatement()
    {
        const QString text = m_current.trimmed();
        if (m_startLine > 0 && !text.isEmpty())
            m_result.statements.append({text, m_startLine});
        m_current.clear();
        m_startLine = 0;
        m_lead = Lead::First;
        m_trigger = false;
        m_blockDepth = 0;
    }

    void finish()
    {
        if (m_blockDepth > 0) {
            fail(QStringLiteral("the trigger that starts on line %1 has a BEGIN without its END")
                     .arg(m_startLine),
                 m_startLine);
            return;
        }
        endStatement(); // a last piece of only comments is no statement
    }

    const QString &m_s;
    const Rules m_rules;
    QString m_delimiter;
    SqlSplit m_result;
    QString m_current;
    qsizetype m_i = 0;
    int m_line = 1;
    int m_startLine = 0; // where the current statement's code starts; 0 = none yet
    bool m_lineStart = true;
    enum class Lead
    {
        First,
        Create,
        Done
    } m_lead = Lead::First; // how far the statement's words read CREATE … TRIGGER
    bool m_trigger = false;
    int m_blockDepth = 0;
};

} // namespace

SqlSplit splitSqlScript(const QString &script, Connection::Dialect dialect)
{
    return Splitter(script, dialect).run();
}

} // namespace vouch::engine
