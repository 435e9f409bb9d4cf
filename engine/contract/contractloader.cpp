#include "engine/contract/contractloader.h"

#include "engine/interop/dbtinclude.h"
#include "engine/util/suggest.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <functional>
#include <sstream>

namespace vouch::engine {

namespace {

// ---------------------------------------------------------------- raw text

struct TextPos
{
    int line = 1;
    int column = 1;
};

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

// ---------------------------------------------------------------- the walker

const QRegularExpression &identifierPattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.\\-]*$"));
    return re;
}

// A longer id would validate and then fail at run time, when its log file
// cannot be created (kMaxIdLength, contract.h). Every id and name shares the
// limit so that one rule describes them all.
// Empty when `id` is short enough; otherwise what is wrong, naming the first
// characters of the id (the whole of it would swamp the message).
QString idLengthProblem(const QString &id, const QString &what)
{
    if (id.size() <= kMaxIdLength)
        return {};
    return QStringLiteral("%1 '%2…' is too long: %3 characters, at most %4 are allowed "
                          "(ids name log files); shorten it")
        .arg(what, id.left(40))
        .arg(id.size())
        .arg(kMaxIdLength);
}

const QRegularExpression &envPattern()
{
    static const QRegularExpression re(QStringLiteral("\\$\\{([^}]*)\\}"));
    return re;
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

QString describeType(const YAML::Node &n)
{
    switch (n.Type()) {
    case YAML::NodeType::Null:
        return QStringLiteral("nothing");
    case YAML::NodeType::Scalar:
        return QStringLiteral("text '%1'").arg(qs(n.Scalar()).left(40));
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Map:
        return QStringLiteral("a mapping");
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

class Walker
{
public:
    Walker(const QString &fileName, const QString &baseDir, const QByteArray &text)
        : m_file(fileName)
        , m_baseDir(baseDir)
    {
        m_lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    }

    Diagnostics diagnostics;

    void error(SourcePos pos, const QString &message)
    {
        add(Diagnostic::Severity::Error, pos, message);
    }
    void warning(SourcePos pos, const QString &message)
    {
        add(Diagnostic::Severity::Warning, pos, message);
    }

    bool full() const { return diagnostics.size() >= ContractLoader::kMaxDiagnostics; }

    static SourcePos posOf(const YAML::Node &n, SourcePos fallback = {})
    {
        if (!n.IsDefined())
            return fallback;
        const YAML::Mark mark = n.Mark();
        if (mark.is_null() || mark.line < 0)
            return fallback;
        return {mark.line + 1, mark.column + 1};
    }

    // Column of character `offset` inside a scalar that starts at `pos`,
    // skipping an opening quote when the scalar is quoted on its line.
    SourcePos inside(SourcePos pos, int offset) const
    {
        if (pos.line <= 0)
            return pos;
        const QString line = m_lines.value(pos.line - 1);
        const QChar first = pos.column - 1 < line.size() ? line.at(pos.column - 1) : QChar();
        const int quote = (first == QLatin1Char('"') || first == QLatin1Char('\'')) ? 1 : 0;
        return {pos.line, pos.column + quote + offset};
    }

    // A mapping's entries, with unknown and duplicate keys reported.
    struct Entry
    {
        QString key;
        YAML::Node keyNode;
        YAML::Node value;
        SourcePos keyPos;
    };

    QList<Entry> entries(const YAML::Node &map, const QStringList &allowed, const QString &where,
                         SourcePos fallback)
    {
        QList<Entry> result;
        QHash<QString, SourcePos> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            const SourcePos keyPos = posOf(it->first, fallback);
            if (!it->first.IsScalar()) {
                error(keyPos, QStringLiteral("keys in %1 must be text, found %2")
                                  .arg(where, describeType(it->first)));
                continue;
            }
            const QString key = qs(it->first.Scalar());
            if (seen.contains(key)) {
                error(keyPos, QStringLiteral("duplicate key '%1' in %2; first given at line %3")
                                  .arg(key, where)
                                  .arg(seen.value(key).line));
                continue;
            }
            seen.insert(key, keyPos);
            if (!allowed.contains(key)) {
                unknownKey(keyPos, key, allowed, where);
                continue;
            }
            result.append({key, it->first, it->second, keyPos});
        }
        return result;
    }

    void unknownKey(SourcePos pos, const QString &key, const QStringList &allowed,
                    const QString &where)
    {
        const QString suggestion = closestMatch(key, allowed);
        if (!suggestion.isEmpty())
            error(pos, QStringLiteral("unknown key '%1' in %2; did you mean '%3'?")
                           .arg(key, where, suggestion));
        else
            error(pos, QStringLiteral("unknown key '%1' in %2; expected one of: %3")
                           .arg(key, where, allowed.join(QStringLiteral(", "))));
    }

    bool expectMap(const YAML::Node &n, const QString &what, SourcePos pos)
    {
        if (n.IsMap())
            return true;
        error(posOf(n, pos), QStringLiteral("%1 must be a mapping (key: value), found %2")
                                 .arg(what, describeType(n)));
        return false;
    }

    std::optional<QString> text(const Entry &e, const QString &where)
    {
        if (e.value.IsScalar())
            return qs(e.value.Scalar());
        error(posOf(e.value, e.keyPos), QStringLiteral("'%1' in %2 must be text, found %3")
                                            .arg(e.key, where, describeType(e.value)));
        return std::nullopt;
    }

    std::optional<QString> identifier(const Entry &e, const QString &where)
    {
        auto t = text(e, where);
        if (!t)
            return std::nullopt;
        if (!identifierPattern().match(*t).hasMatch()) {
            error(posOf(e.value, e.keyPos),
                  QStringLiteral("'%1' is not a valid %2 id; use letters, digits, '_', '.' and "
                                 "'-', starting with a letter or '_'")
                      .arg(*t, where));
            return std::nullopt;
        }
        if (const QString problem = idLengthProblem(*t, QStringLiteral("%1 id").arg(where));
            !problem.isEmpty()) {
            error(posOf(e.value, e.keyPos), problem);
            return std::nullopt;
        }
        return t;
    }

    std::optional<int> integer(const Entry &e, const QString &where, int min, int max)
    {
        auto t = text(e, where);
        if (!t)
            return std::nullopt;
        bool ok = false;
        const qlonglong v = t->toLongLong(&ok);
        if (!ok) {
            error(posOf(e.value, e.keyPos),
                  QStringLiteral("'%1' in %2 must be a whole number, found '%3'")
                      .arg(e.key, where, *t));
            return std::nullopt;
        }
        if (v < min || v > max) {
            error(posOf(e.value, e.keyPos),
                  QStringLiteral("'%1' in %2 must be between %3 and %4, found %5")
                      .arg(e.key, where)
                      .arg(min)
                      .arg(max)
                      .arg(v));
            return std::nullopt;
        }
        return int(v);
    }

    // A list of text items with their positions; a single scalar is refused
    // so that `needs: a, b` is not silently one odd name.
    std::optional<QList<std::pair<QString, SourcePos>>> textList(const Entry &e,
                                                                 const QString &where)
    {
        if (e.value.IsNull())
            return QList<std::pair<QString, SourcePos>>{};
        if (!e.value.IsSequence()) {
            error(posOf(e.value, e.keyPos),
                  QStringLiteral("'%1' in %2 must be a list like [a, b], found %3")
                      .arg(e.key, where, describeType(e.value)));
            return std::nullopt;
        }
        QList<std::pair<QString, SourcePos>> items;
        for (const YAML::Node &item : e.value) {
            if (!item.IsScalar()) {
                error(posOf(item, e.keyPos),
                      QStringLiteral("items of '%1' in %2 must be text, found %3")
                          .arg(e.key, where, describeType(item)));
                continue;
            }
            items.append({qs(item.Scalar()), posOf(item, e.keyPos)});
        }
        return items;
    }

    std::optional<Duration> duration(const Entry &e, const QString &where, bool allowZero = false)
    {
        auto t = text(e, where);
        if (!t)
            return std::nullopt;
        ParseError pe;
        auto d = parseDuration(*t, &pe);
        const SourcePos pos = posOf(e.value, e.keyPos);
        if (!d) {
            error(inside(pos, pe.offset), QStringLiteral("bad duration '%1' for '%2' in %3: %4")
                                              .arg(*t, e.key, where, pe.message));
            return std::nullopt;
        }
        if (!allowZero && d->count() <= 0) {
            error(pos, QStringLiteral("'%1' in %2 must be longer than 0s").arg(e.key, where));
            return std::nullopt;
        }
        return d;
    }

    std::optional<WeeklyTime> weeklyTime(const Entry &e, const QString &where)
    {
        auto t = text(e, where);
        if (!t)
            return std::nullopt;
        ParseError pe;
        auto w = WeeklyTime::parse(*t, &pe);
        if (!w)
            error(inside(posOf(e.value, e.keyPos), pe.offset),
                  QStringLiteral("bad time '%1' for '%2' in %3: %4; write e.g. \"MON 12:00\"")
                      .arg(*t, e.key, where, pe.message));
        return w;
    }

    std::optional<Threshold> threshold(const Entry &e, const QString &where)
    {
        auto t = text(e, where);
        if (!t)
            return std::nullopt;
        ParseError pe;
        auto th = Threshold::parse(*t, &pe);
        if (!th)
            error(inside(posOf(e.value, e.keyPos), pe.offset),
                  QStringLiteral("bad threshold '%1' for '%2' in %3: %4")
                      .arg(*t, e.key, where, pe.message));
        return th;
    }

    std::optional<Template> templ(const Entry &e, const QString &where)
    {
        auto t = text(e, where);
        if (!t)
            return std::nullopt;
        ParseError pe;
        auto tpl = Template::parse(*t, &pe);
        if (!tpl)
            error(inside(posOf(e.value, e.keyPos), pe.offset),
                  QStringLiteral("bad template for '%1' in %2: %3").arg(e.key, where, pe.message));
        return tpl;
    }

    // `${NAME}` references must be well formed; secrets may only be references.
    bool checkEnvRefs(const QString &value, SourcePos pos, const QString &what)
    {
        const qsizetype open = value.indexOf(QStringLiteral("${"));
        if (open < 0)
            return true;
        auto it = envPattern().globalMatch(value);
        qsizetype consumed = 0;
        while (it.hasNext()) {
            const auto m = it.next();
            const QString name = m.captured(1);
            static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
            if (!envName.match(name).hasMatch()) {
                error(inside(pos, int(m.capturedStart())),
                      QStringLiteral("bad environment reference '${%1}' in %2; write ${NAME} with "
                                     "letters, digits and '_'")
                          .arg(name, what));
                return false;
            }
            consumed = m.capturedEnd();
        }
        if (value.indexOf(QStringLiteral("${"), consumed) >= 0) {
            error(inside(pos, int(value.indexOf(QStringLiteral("${"), consumed))),
                  QStringLiteral("unclosed '${' in %1").arg(what));
            return false;
        }
        return true;
    }

    QString resolvePath(const QString &relative) const
    {
        if (QDir::isAbsolutePath(relative))
            return QDir::cleanPath(relative);
        return QDir::cleanPath(QDir(m_baseDir).absoluteFilePath(relative));
    }

    QString file() const { return m_file; }

private:
    void add(Diagnostic::Severity severity, SourcePos pos, const QString &message)
    {
        if (full())
            return;
        diagnostics.append({severity, m_file, pos.line, pos.column, message});
        if (full())
            diagnostics.append({Diagnostic::Severity::Error, m_file, pos.line, pos.column,
                                QStringLiteral("too many problems; stopping here")});
    }

    QString m_file;
    QString m_baseDir;
    QStringList m_lines;
};

// ---------------------------------------------------------------- sections of the file

const QStringList kTopKeys = {QStringLiteral("vouch"),       QStringLiteral("report"),
                              QStringLiteral("connections"), QStringLiteral("pools"),
                              QStringLiteral("nodes"),       QStringLiteral("alerting"),
                              QStringLiteral("include")};
const QStringList kIncludeKeys = {QStringLiteral("dbt")};
const QStringList kDbtIncludeKeys = {QStringLiteral("manifest"),    QStringLiteral("select"),
                                     QStringLiteral("project_dir"), QStringLiteral("profiles_dir"),
                                     QStringLiteral("target"),      QStringLiteral("program"),
                                     QStringLiteral("connection")};
const QStringList kAlertingKeys = {QStringLiteral("channels"), QStringLiteral("routes"),
                                   QStringLiteral("owners"), QStringLiteral("delivery"),
                                   QStringLiteral("link")};
const QStringList kChannelKeys = {QStringLiteral("type"), QStringLiteral("url"),
                                  QStringLiteral("routing_key"), QStringLiteral("signing_secret")};
const QStringList kRouteKeys = {QStringLiteral("when"), QStringLiteral("to")};
const QStringList kRouteWhenKeys = {QStringLiteral("severity"), QStringLiteral("section"),
                                    QStringLiteral("owner")};
const QStringList kDeliveryKeys = {QStringLiteral("timeout"), QStringLiteral("first_retry"),
                                   QStringLiteral("max_retry"), QStringLiteral("give_up_after")};
const QStringList kReportKeys = {
    QStringLiteral("id"),          QStringLiteral("name"),       QStringLiteral("timezone"),
    QStringLiteral("schedule"),    QStringLiteral("publish_by"), QStringLiteral("owners"),
    QStringLiteral("approvers"),   QStringLiteral("escalation"), QStringLiteral("sections"),
    QStringLiteral("description"), QStringLiteral("alert")};
const QStringList kOwnerKeys = {QStringLiteral("business"), QStringLiteral("technical")};
const QStringList kEscalationKeys = {QStringLiteral("at"), QStringLiteral("if"),
                                     QStringLiteral("notify")};
const QStringList kSectionKeys = {
    QStringLiteral("id"),      QStringLiteral("name"),       QStringLiteral("needs"),
    QStringLiteral("sources"), QStringLiteral("on_failure"), QStringLiteral("fallback"),
    QStringLiteral("owner"),   QStringLiteral("caveat"),     QStringLiteral("alert")};
const QStringList kConnectionKeys = {QStringLiteral("driver"), QStringLiteral("database"),
                                     QStringLiteral("host"),   QStringLiteral("port"),
                                     QStringLiteral("user"),   QStringLiteral("password"),
                                     QStringLiteral("options")};
const QStringList kCommonNodeKeys = {
    QStringLiteral("id"),          QStringLiteral("kind"),    QStringLiteral("needs"),
    QStringLiteral("description"), QStringLiteral("owner"),   QStringLiteral("tags"),
    QStringLiteral("group"),       QStringLiteral("retries"), QStringLiteral("retry_delay"),
    QStringLiteral("timeout"),     QStringLiteral("pool"),    QStringLiteral("impact")};
const QStringList kWaitKeys = {QStringLiteral("every"), QStringLiteral("until"),
                               QStringLiteral("up_to")};

QStringList kindKeys(NodeKind kind)
{
    switch (kind) {
    case NodeKind::Command:
        return {QStringLiteral("run"), QStringLiteral("env"), QStringLiteral("working_dir")};
    case NodeKind::Sql:
        return {QStringLiteral("connection"), QStringLiteral("sql"), QStringLiteral("sql_file")};
    case NodeKind::Freshness:
        return {QStringLiteral("connection"),  QStringLiteral("loaded_at"),
                QStringLiteral("path"),        QStringLiteral("warn_after"),
                QStringLiteral("error_after"), QStringLiteral("wait")};
    case NodeKind::Check:
        return {QStringLiteral("connection"),   QStringLiteral("value"),
                QStringLiteral("reference"),    QStringLiteral("rows"),
                QStringLiteral("sample_limit"), QStringLiteral("warn_if"),
                QStringLiteral("error_if")};
    case NodeKind::Publish:
        return {QStringLiteral("connection")};
    case NodeKind::Noop:
        return {};
    }
    return {};
}

QStringList allKindKeys()
{
    QStringList all;
    for (const QString &k : nodeKindNames())
        all += kindKeys(*nodeKindFromString(k));
    all.removeDuplicates();
    return all;
}

struct NodeExtra
{
    SourcePos idPos;
    QList<std::pair<QString, SourcePos>> needs;
    SourcePos connectionPos;
    SourcePos poolPos;
};

struct SectionExtra
{
    QList<std::pair<QString, SourcePos>> needs;
    QList<std::pair<QString, SourcePos>> sources;
    SourcePos idPos;
};

class ContractBuilder
{
public:
    ContractBuilder(Walker &w)
        : m_w(w)
    {}

    std::shared_ptr<Contract> build(const YAML::Node &root)
    {
        auto contract = std::make_shared<Contract>();
        const SourcePos top{1, 1};
        if (!root.IsMap()) {
            m_w.error(Walker::posOf(root, top),
                      QStringLiteral("a contract is a mapping with 'vouch', 'report' and 'nodes'; "
                                     "found %1")
                          .arg(describeType(root)));
            return nullptr;
        }
        bool sawVersion = false, sawReport = false, sawNodes = false;
        YAML::Node reportNode, nodesNode, connectionsNode, poolsNode;
        SourcePos reportPos, nodesPos;
        for (const auto &e : m_w.entries(root, kTopKeys, QStringLiteral("the contract"), top)) {
            if (e.key == QLatin1String("vouch")) {
                sawVersion = true;
                auto t = m_w.text(e, QStringLiteral("the contract"));
                if (t && *t != QLatin1String("1"))
                    m_w.error(Walker::posOf(e.value, e.keyPos),
                              QStringLiteral("unsupported contract version '%1'; this Vouch reads "
                                             "version 1 (write `vouch: 1`)")
                                  .arg(*t));
            } else if (e.key == QLatin1String("report")) {
                sawReport = true;
                reportNode = e.value;
                reportPos = e.keyPos;
            } else if (e.key == QLatin1String("nodes")) {
                sawNodes = true;
                nodesNode = e.value;
                nodesPos = e.keyPos;
            } else if (e.key == QLatin1String("connections")) {
                connectionsNode = e.value;
                if (!e.value.IsNull() &&
                    m_w.expectMap(e.value, QStringLiteral("'connections'"), e.keyPos))
                    readConnections(e.value, *contract, e.keyPos);
            } else if (e.key == QLatin1String("pools")) {
                if (!e.value.IsNull() &&
                    m_w.expectMap(e.value, QStringLiteral("'pools'"), e.keyPos))
                    readPools(e.value, *contract, e.keyPos);
            } else if (e.key == QLatin1String("alerting")) {
                if (!e.value.IsNull() &&
                    m_w.expectMap(e.value, QStringLiteral("'alerting'"), e.keyPos))
                    readAlerting(e.value, *contract, e.keyPos);
            } else if (e.key == QLatin1String("include")) {
                readInclude(e);
            }
        }
        if (!sawVersion)
            m_w.error(top, QStringLiteral("missing 'vouch: 1' (the contract language version)"));
        if (!sawReport)
            m_w.error(top, QStringLiteral("missing required key 'report'"));
        // With an include, the nodes (and sections) may all come from it.
        if (!sawNodes && !m_include)
            m_w.error(top, QStringLiteral("missing required key 'nodes'"));

        if (sawNodes && !(m_include && nodesNode.IsNull()))
            readNodes(nodesNode, *contract, nodesPos);
        if (sawReport && m_w.expectMap(reportNode, QStringLiteral("'report'"), reportPos))
            readReport(reportNode, *contract, reportPos);

        // Included nodes join before the cross-checks, so that the
        // contract's own sections and nodes may name them.
        if (m_include)
            mergeInclude(*contract);
        crossCheck(*contract);
        crossCheckAlerting(*contract);
        return contract;
    }

private:
    // ------------------------------------------------------------ connections, pools

    void readConnections(const YAML::Node &map, Contract &c, SourcePos pos)
    {
        for (auto it = map.begin(); it != map.end(); ++it) {
            const SourcePos keyPos = Walker::posOf(it->first, pos);
            const QString name = it->first.IsScalar() ? qs(it->first.Scalar()) : QString();
            if (!identifierPattern().match(name).hasMatch()) {
                m_w.error(keyPos, QStringLiteral("'%1' is not a valid connection name").arg(name));
                continue;
            }
            if (const QString problem = idLengthProblem(name, QStringLiteral("connection name"));
                !problem.isEmpty()) {
                m_w.error(keyPos, problem);
                continue;
            }
            if (c.connections.contains(name)) {
                m_w.error(keyPos, QStringLiteral("duplicate connection '%1'").arg(name));
                continue;
            }
            const QString where = QStringLiteral("connection '%1'").arg(name);
            if (!m_w.expectMap(it->second, where, keyPos))
                continue;
            Connection conn;
            conn.name = name;
            conn.pos = keyPos;
            bool sawDriver = false;
            for (const auto &e : m_w.entries(it->second, kConnectionKeys, where, keyPos)) {
                if (e.key == QLatin1String("driver")) {
                    sawDriver = true;
                    auto t = m_w.text(e, where);
                    if (t == QStringLiteral("sqlite"))
                        conn.driver = Connection::Driver::Sqlite;
                    else if (t == QStringLiteral("postgres") || t == QStringLiteral("postgresql"))
                        conn.driver = Connection::Driver::Postgres;
                    else if (t)
                        m_w.error(
                            Walker::posOf(e.value, e.keyPos),
                            QStringLiteral("unknown driver '%1' in %2; use sqlite or postgres")
                                .arg(*t, where));
                } else if (e.key == QLatin1String("database")) {
                    if (auto t = m_w.text(e, where)) {
                        conn.database = *t;
                        const SourcePos vp = Walker::posOf(e.value, e.keyPos);
                        m_w.checkEnvRefs(*t, vp, where);
                        static const QRegularExpression urlWithPassword(
                            QStringLiteral("^[a-z]+://[^/@:]+:[^/@]+@"));
                        if (urlWithPassword.match(*t).hasMatch())
                            m_w.error(vp,
                                      QStringLiteral("%1 has a password written in its URL; use "
                                                     "'password: keychain:NAME' instead")
                                          .arg(where));
                    }
                } else if (e.key == QLatin1String("host")) {
                    if (auto t = m_w.text(e, where)) {
                        conn.host = *t;
                        m_w.checkEnvRefs(*t, Walker::posOf(e.value, e.keyPos), where);
                    }
                } else if (e.key == QLatin1String("port")) {
                    conn.port = m_w.integer(e, where, 1, 65535).value_or(0);
                } else if (e.key == QLatin1String("user")) {
                    if (auto t = m_w.text(e, where)) {
                        conn.user = *t;
                        m_w.checkEnvRefs(*t, Walker::posOf(e.value, e.keyPos), where);
                    }
                } else if (e.key == QLatin1String("password")) {
                    conn.password = secret(e, where);
                } else if (e.key == QLatin1String("options")) {
                    if (!m_w.expectMap(e.value, QStringLiteral("'options' in %1").arg(where),
                                       e.keyPos))
                        continue;
                    for (auto o = e.value.begin(); o != e.value.end(); ++o) {
                        const SourcePos op = Walker::posOf(o->first, e.keyPos);
                        if (!o->first.IsScalar() || !o->second.IsScalar()) {
                            m_w.error(op,
                                      QStringLiteral("options in %1 must be text key: value pairs")
                                          .arg(where));
                            continue;
                        }
                        const QString key = qs(o->first.Scalar());
                        if (key.contains(QLatin1String("password"), Qt::CaseInsensitive)) {
                            m_w.error(op, QStringLiteral("%1 sets a password in 'options'; use "
                                                         "'password: keychain:NAME' instead")
                                              .arg(where));
                            continue;
                        }
                        conn.options.insert(key, qs(o->second.Scalar()));
                    }
                }
            }
            if (!sawDriver)
                m_w.error(keyPos, QStringLiteral("%1 is missing required key 'driver' (sqlite or "
                                                 "postgres)")
                                      .arg(where));
            if (conn.database.isEmpty())
                m_w.error(keyPos,
                          QStringLiteral("%1 is missing required key 'database'").arg(where));
            c.connections.insert(name, conn);
        }
    }

    std::optional<ValueRef> secret(const Walker::Entry &e, const QString &where)
    {
        auto t = m_w.text(e, where);
        if (!t)
            return std::nullopt;
        const SourcePos vp = Walker::posOf(e.value, e.keyPos);
        static const QRegularExpression keychain(QStringLiteral("^keychain:([A-Za-z0-9_.\\-]+)$"));
        static const QRegularExpression env(QStringLiteral("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}$"));
        if (auto m = keychain.match(*t); m.hasMatch())
            return ValueRef{ValueRef::Kind::Keychain, m.captured(1)};
        if (auto m = env.match(*t); m.hasMatch())
            return ValueRef{ValueRef::Kind::Environment, m.captured(1)};
        // Never echo the value: it is probably the secret itself.
        m_w.error(vp, QStringLiteral("'%1' in %2 is written in clear; store it with `vouch secret "
                                     "set NAME` and write 'keychain:NAME', or write '${ENV_VAR}'")
                          .arg(e.key, where));
        return std::nullopt;
    }

    // ------------------------------------------------------------ alerting

    void readAlerting(const YAML::Node &map, Contract &c, SourcePos pos)
    {
        c.alerting.pos = pos;
        const QString where = QStringLiteral("'alerting'");
        for (const auto &e : m_w.entries(map, kAlertingKeys, where, pos)) {
            if (e.key == QLatin1String("channels")) {
                if (!e.value.IsNull() &&
                    m_w.expectMap(e.value, QStringLiteral("'channels'"), e.keyPos))
                    readChannels(e.value, c, e.keyPos);
            } else if (e.key == QLatin1String("routes")) {
                readRoutes(e, c);
            } else if (e.key == QLatin1String("owners")) {
                if (e.value.IsNull() ||
                    !m_w.expectMap(e.value, QStringLiteral("'owners'"), e.keyPos))
                    continue;
                for (auto it = e.value.begin(); it != e.value.end(); ++it) {
                    const SourcePos kp = Walker::posOf(it->first, e.keyPos);
                    const QString owner = it->first.IsScalar() ? qs(it->first.Scalar()) : QString();
                    const Walker::Entry item{owner, it->first, it->second, kp};
                    if (auto list = m_w.textList(item, QStringLiteral("alerting owners"))) {
                        QStringList to;
                        for (const auto &[name, p] : *list) {
                            to << name;
                            m_channelRefs.append(
                                {name, p, QStringLiteral("owner '%1'").arg(owner)});
                        }
                        c.alerting.owners.insert(owner, to);
                    }
                }
            } else if (e.key == QLatin1String("delivery")) {
                if (e.value.IsNull() ||
                    !m_w.expectMap(e.value, QStringLiteral("'delivery'"), e.keyPos))
                    continue;
                const QString dw = QStringLiteral("alerting delivery");
                DeliveryPolicy &d = c.alerting.delivery;
                for (const auto &f : m_w.entries(e.value, kDeliveryKeys, dw, e.keyPos)) {
                    const auto v = m_w.duration(f, dw);
                    if (!v)
                        continue;
                    if (f.key == QLatin1String("timeout"))
                        d.timeout = *v;
                    else if (f.key == QLatin1String("first_retry"))
                        d.firstRetry = *v;
                    else if (f.key == QLatin1String("max_retry"))
                        d.maxRetry = *v;
                    else
                        d.giveUpAfter = *v;
                }
            } else if (e.key == QLatin1String("link")) {
                if (auto t = m_w.text(e, where))
                    c.alerting.link = *t;
            }
        }
    }

    void readChannels(const YAML::Node &map, Contract &c, SourcePos pos)
    {
        static const QStringList types = {QStringLiteral("slack"), QStringLiteral("teams"),
                                          QStringLiteral("pagerduty"), QStringLiteral("webhook")};
        for (auto it = map.begin(); it != map.end(); ++it) {
            const SourcePos keyPos = Walker::posOf(it->first, pos);
            const QString name = it->first.IsScalar() ? qs(it->first.Scalar()) : QString();
            if (!identifierPattern().match(name).hasMatch()) {
                m_w.error(keyPos, QStringLiteral("'%1' is not a valid channel name").arg(name));
                continue;
            }
            if (const QString problem = idLengthProblem(name, QStringLiteral("channel name"));
                !problem.isEmpty()) {
                m_w.error(keyPos, problem);
                continue;
            }
            const QString where = QStringLiteral("channel '%1'").arg(name);
            if (!m_w.expectMap(it->second, where, keyPos))
                continue;
            AlertChannel ch;
            ch.name = name;
            ch.pos = keyPos;
            bool sawType = false, sawRoutingKey = false;
            SourcePos urlPos = keyPos;
            for (const auto &e : m_w.entries(it->second, kChannelKeys, where, keyPos)) {
                if (e.key == QLatin1String("type")) {
                    const auto t = m_w.text(e, where);
                    const qsizetype i = t ? types.indexOf(*t) : -1;
                    sawType = true; // an unknown type is its own error
                    if (i >= 0) {
                        ch.type = AlertChannel::Type(i);
                    } else if (t) {
                        m_w.error(Walker::posOf(e.value, e.keyPos),
                                  QStringLiteral("unknown channel type '%1' in %2; use slack, "
                                                 "teams, pagerduty or webhook")
                                      .arg(*t, where));
                    }
                } else if (e.key == QLatin1String("url")) {
                    urlPos = Walker::posOf(e.value, e.keyPos);
                    if (auto t = m_w.text(e, where))
                        ch.url = *t;
                } else if (e.key == QLatin1String("routing_key")) {
                    sawRoutingKey = true;
                    if (auto ref = secret(e, where))
                        ch.routingKey = referenceText(*ref);
                } else if (e.key == QLatin1String("signing_secret")) {
                    if (auto ref = secret(e, where))
                        ch.signingSecret = referenceText(*ref);
                }
            }
            if (!sawType) {
                m_w.error(keyPos, QStringLiteral("%1 is missing 'type' (slack, teams, pagerduty or "
                                                 "webhook)")
                                      .arg(where));
                continue;
            }
            const bool pagerDuty = ch.type == AlertChannel::Type::PagerDuty;
            if (pagerDuty && !sawRoutingKey)
                m_w.error(keyPos, QStringLiteral("%1 is missing 'routing_key' (write "
                                                 "'routing_key: keychain:NAME')")
                                      .arg(where));
            if (!pagerDuty && !ch.routingKey.isEmpty())
                m_w.error(
                    keyPos,
                    QStringLiteral("%1: only pagerduty channels take 'routing_key'").arg(where));
            if (ch.type != AlertChannel::Type::Webhook && !ch.signingSecret.isEmpty())
                m_w.error(
                    keyPos,
                    QStringLiteral("%1: only webhook channels take 'signing_secret'").arg(where));
            if (!pagerDuty && ch.url.isEmpty()) {
                m_w.error(keyPos, QStringLiteral("%1 is missing 'url' (write 'url: keychain:NAME' "
                                                 "or 'url: ${ENV_VAR}')")
                                      .arg(where));
            } else if (!ch.url.isEmpty() && !isReference(ch.url)) {
                // A Slack, Teams or webhook URL carries its own credential;
                // PagerDuty's events URL does not (its routing key does).
                if (!pagerDuty) {
                    m_w.error(urlPos,
                              QStringLiteral("the url of %1 is written in clear, and a webhook URL "
                                             "is a secret; store it with `vouch secret set NAME` "
                                             "and write 'url: keychain:NAME', or write "
                                             "'url: ${ENV_VAR}'")
                                  .arg(where));
                } else if (!ch.url.startsWith(QLatin1String("https://")) &&
                           !ch.url.startsWith(QLatin1String("http://"))) {
                    m_w.error(urlPos, QStringLiteral("the url of %1 must start with https:// "
                                                     "(PagerDuty's events endpoint)")
                                          .arg(where));
                }
            }
            c.alerting.channels.insert(name, ch);
        }
    }

    static bool isReference(const QString &text)
    {
        static const QRegularExpression ref(
            QStringLiteral("^(keychain:[A-Za-z0-9_.\\-]+|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\})$"));
        return ref.match(text).hasMatch();
    }

    static QString referenceText(const ValueRef &ref)
    {
        return ref.kind == ValueRef::Kind::Keychain ? QStringLiteral("keychain:") + ref.text
                                                    : QStringLiteral("${%1}").arg(ref.text);
    }

    void readRoutes(const Walker::Entry &e, Contract &c)
    {
        if (!e.value.IsSequence()) {
            m_w.error(Walker::posOf(e.value, e.keyPos),
                      QStringLiteral("'routes' must be a list of routes, found %1")
                          .arg(describeType(e.value)));
            return;
        }
        static const QStringList severities = {QStringLiteral("low"), QStringLiteral("medium"),
                                               QStringLiteral("high"), QStringLiteral("critical")};
        for (const YAML::Node &item : e.value) {
            const SourcePos ip = Walker::posOf(item, e.keyPos);
            const QString where = QStringLiteral("an alert route");
            if (!m_w.expectMap(item, where, ip))
                continue;
            AlertRoute route;
            route.pos = ip;
            bool sawTo = false;
            for (const auto &f : m_w.entries(item, kRouteKeys, where, ip)) {
                if (f.key == QLatin1String("to")) {
                    sawTo = true;
                    if (auto list = m_w.textList(f, where)) {
                        for (const auto &[name, p] : *list) {
                            route.to << name;
                            m_channelRefs.append({name, p, where});
                        }
                    }
                    continue;
                }
                if (f.value.IsNull() || !m_w.expectMap(f.value, QStringLiteral("'when'"), f.keyPos))
                    continue;
                for (const auto &g :
                     m_w.entries(f.value, kRouteWhenKeys, QStringLiteral("'when'"), f.keyPos)) {
                    auto list = m_w.textList(g, QStringLiteral("'when'"));
                    if (!list)
                        continue;
                    for (const auto &[value, p] : *list) {
                        if (g.key == QLatin1String("severity")) {
                            if (!severities.contains(value))
                                m_w.error(p, QStringLiteral("unknown severity '%1' in %2; use low, "
                                                            "medium, high or critical")
                                                 .arg(value, where));
                            route.severities << value;
                        } else if (g.key == QLatin1String("section")) {
                            route.sections << value;
                            m_sectionRefs.append({value, p, where});
                        } else {
                            route.owners << value;
                        }
                    }
                }
            }
            if (!sawTo)
                m_w.error(
                    ip, QStringLiteral("%1 is missing 'to' (the channels it goes to)").arg(where));
            c.alerting.routes.append(route);
        }
    }

    void crossCheckAlerting(const Contract &c)
    {
        const QStringList channels = c.alerting.channels.keys();
        for (const auto &ref : std::as_const(m_channelRefs)) {
            if (c.alerting.channels.contains(ref.name))
                continue;
            const QString hint = closestMatch(ref.name, channels);
            m_w.error(ref.pos,
                      QStringLiteral("%1 sends to unknown channel '%2'%3")
                          .arg(ref.who, ref.name,
                               hint.isEmpty() ? QStringLiteral("; declare it under "
                                                               "alerting.channels")
                                              : QStringLiteral("; did you mean '%1'?").arg(hint)));
        }
        QStringList sections;
        for (const Section &s : c.report.sections)
            sections << s.id;
        for (const auto &ref : std::as_const(m_sectionRefs)) {
            if (sections.contains(ref.name))
                continue;
            const QString hint = closestMatch(ref.name, sections);
            m_w.error(ref.pos,
                      QStringLiteral("%1 names unknown section '%2'%3")
                          .arg(ref.who, ref.name,
                               hint.isEmpty() ? QString()
                                              : QStringLiteral("; did you mean '%1'?").arg(hint)));
        }
    }

    struct NameRef
    {
        QString name;
        SourcePos pos;
        QString who;
    };
    QList<NameRef> m_channelRefs;
    QList<NameRef> m_sectionRefs;

    void readPools(const YAML::Node &map, Contract &c, SourcePos pos)
    {
        QStringList anyKey;
        for (auto it = map.begin(); it != map.end(); ++it) {
            const SourcePos keyPos = Walker::posOf(it->first, pos);
            const QString name = it->first.IsScalar() ? qs(it->first.Scalar()) : QString();
            if (!identifierPattern().match(name).hasMatch()) {
                m_w.error(keyPos, QStringLiteral("'%1' is not a valid pool name").arg(name));
                continue;
            }
            if (const QString problem = idLengthProblem(name, QStringLiteral("pool name"));
                !problem.isEmpty()) {
                m_w.error(keyPos, problem);
                continue;
            }
            Walker::Entry e{name, it->first, it->second, keyPos};
            if (auto slots = m_w.integer(e, QStringLiteral("'pools'"), 1, 1024))
                c.pools.insert(name, *slots);
        }
    }

    // ------------------------------------------------------------ nodes

    void readNodes(const YAML::Node &list, Contract &c, SourcePos pos)
    {
        if (!list.IsSequence()) {
            m_w.error(Walker::posOf(list, pos),
                      QStringLiteral("'nodes' must be a list of nodes (each item starting with "
                                     "'- id:'), found %1")
                          .arg(describeType(list)));
            return;
        }
        if (list.size() == 0 && !m_include)
            m_w.error(Walker::posOf(list, pos), QStringLiteral("'nodes' is empty; a reporting path "
                                                               "needs at least one node"));
        int index = 0;
        for (const YAML::Node &item : list) {
            ++index;
            if (m_w.full())
                return;
            const SourcePos itemPos = Walker::posOf(item, pos);
            if (!m_w.expectMap(item, QStringLiteral("node #%1").arg(index), itemPos))
                continue;
            readNode(item, c, itemPos, index);
        }
    }

    void readNode(const YAML::Node &map, Contract &c, SourcePos itemPos, int index)
    {
        Node node;
        NodeExtra extra;
        node.pos = itemPos;
        // First pass: id and kind decide which keys are allowed.
        QString where = QStringLiteral("node #%1").arg(index);
        YAML::Node idNode = map["id"];
        YAML::Node kindNode = map["kind"];
        if (idNode.IsDefined() && idNode.IsScalar()) {
            node.id = qs(idNode.Scalar());
            extra.idPos = Walker::posOf(idNode, itemPos);
            where = QStringLiteral("node '%1'").arg(node.id);
        }
        std::optional<NodeKind> kind;
        if (kindNode.IsDefined() && kindNode.IsScalar()) {
            kind = nodeKindFromString(qs(kindNode.Scalar()));
            if (!kind) {
                const QString k = qs(kindNode.Scalar());
                const QString hint = closestMatch(k, nodeKindNames());
                m_w.error(Walker::posOf(kindNode, itemPos),
                          QStringLiteral("unknown kind '%1' in %2; %3")
                              .arg(k, where,
                                   hint.isEmpty()
                                       ? QStringLiteral("use one of: %1")
                                             .arg(nodeKindNames().join(QStringLiteral(", ")))
                                       : QStringLiteral("did you mean '%1'?").arg(hint)));
            }
        }
        QStringList allowed = kCommonNodeKeys;
        allowed += kind ? kindKeys(*kind) : allKindKeys();

        bool sawId = false, sawKind = false;
        std::optional<YAML::Node> runNode;
        QHash<QString, Walker::Entry> byKey;
        QHash<QString, SourcePos> misplaced;
        // Keys of another kind get a precise message rather than "unknown key".
        QStringList acceptAll = allowed + allKindKeys();
        acceptAll.removeDuplicates();
        for (const auto &e : m_w.entries(map, acceptAll, where, itemPos)) {
            if (!allowed.contains(e.key)) {
                m_w.error(e.keyPos, QStringLiteral("'%1' is not used by %2 nodes (%3)")
                                        .arg(e.key, toString(*kind), where));
                continue;
            }
            byKey.insert(e.key, e);
        }
        if (byKey.contains(QStringLiteral("id"))) {
            sawId = true;
            if (auto id = m_w.identifier(byKey[QStringLiteral("id")], QStringLiteral("node")))
                node.id = *id;
            else
                node.id.clear();
        }
        if (byKey.contains(QStringLiteral("kind"))) {
            sawKind = true;
            if (!kindNode.IsScalar())
                m_w.text(byKey[QStringLiteral("kind")], where);
        }
        if (!sawId)
            m_w.error(itemPos, QStringLiteral("%1 is missing required key 'id'").arg(where));
        if (!sawKind)
            m_w.error(itemPos, QStringLiteral("%1 is missing required key 'kind' (one of: %2)")
                                   .arg(where, nodeKindNames().join(QStringLiteral(", "))));
        if (kind)
            node.kind = *kind;

        for (auto it = byKey.cbegin(); it != byKey.cend(); ++it) {
            const Walker::Entry &e = it.value();
            const QString &k = e.key;
            const SourcePos vp = Walker::posOf(e.value, e.keyPos);
            if (k == QLatin1String("needs")) {
                if (auto items = m_w.textList(e, where)) {
                    extra.needs = *items;
                    for (const auto &[name, p] : *items)
                        node.needs.append(name);
                }
            } else if (k == QLatin1String("description")) {
                node.description = m_w.text(e, where).value_or(QString());
            } else if (k == QLatin1String("owner")) {
                node.owner = m_w.text(e, where).value_or(QString());
            } else if (k == QLatin1String("group")) {
                if (auto g = m_w.identifier(e, QStringLiteral("group")))
                    node.group = *g;
            } else if (k == QLatin1String("tags")) {
                if (auto items = m_w.textList(e, where)) {
                    for (const auto &[tag, p] : *items)
                        node.tags.append(tag);
                }
            } else if (k == QLatin1String("retries")) {
                node.retries = m_w.integer(e, where, 0, 100).value_or(0);
            } else if (k == QLatin1String("retry_delay")) {
                node.retryDelay = m_w.duration(e, where, true).value_or(Duration{});
            } else if (k == QLatin1String("timeout")) {
                node.timeout = m_w.duration(e, where);
            } else if (k == QLatin1String("pool")) {
                node.pool = m_w.text(e, where).value_or(QString());
                extra.poolPos = vp;
            } else if (k == QLatin1String("impact")) {
                node.impact = m_w.templ(e, where);
            } else if (k == QLatin1String("run")) {
                runNode = e.value;
                readRun(e, node, where);
            } else if (k == QLatin1String("env")) {
                if (!m_w.expectMap(e.value, QStringLiteral("'env' in %1").arg(where), e.keyPos))
                    continue;
                for (auto o = e.value.begin(); o != e.value.end(); ++o) {
                    if (!o->first.IsScalar() || !(o->second.IsScalar() || o->second.IsNull())) {
                        m_w.error(Walker::posOf(o->first, e.keyPos),
                                  QStringLiteral("'env' in %1 must map names to text").arg(where));
                        continue;
                    }
                    const QString value = o->second.IsNull() ? QString() : qs(o->second.Scalar());
                    m_w.checkEnvRefs(value, Walker::posOf(o->second, e.keyPos), where);
                    node.env.insert(qs(o->first.Scalar()), value);
                }
            } else if (k == QLatin1String("working_dir")) {
                node.workingDir = m_w.text(e, where).value_or(QString());
            } else if (k == QLatin1String("connection")) {
                node.connection = m_w.text(e, where).value_or(QString());
                extra.connectionPos = vp;
            } else if (k == QLatin1String("sql")) {
                if (e.value.IsSequence()) {
                    if (auto items = m_w.textList(e, where)) {
                        for (const auto &[stmt, p] : *items)
                            node.statements += splitSqlStatements(stmt);
                    }
                } else if (auto t = m_w.text(e, where)) {
                    node.statements = splitSqlStatements(*t);
                }
            } else if (k == QLatin1String("sql_file")) {
                if (auto t = m_w.text(e, where))
                    readSqlFile(*t, vp, node, where);
            } else if (k == QLatin1String("loaded_at")) {
                node.loadedAt = m_w.text(e, where).value_or(QString());
            } else if (k == QLatin1String("path")) {
                if (auto t = m_w.text(e, where)) {
                    m_w.checkEnvRefs(*t, vp, where);
                    node.path = t->contains(QLatin1String("${")) ? *t : m_w.resolvePath(*t);
                }
            } else if (k == QLatin1String("warn_after")) {
                node.warnAfter = m_w.duration(e, where);
            } else if (k == QLatin1String("error_after")) {
                node.errorAfter = m_w.duration(e, where);
            } else if (k == QLatin1String("wait")) {
                readWait(e, node, where);
            } else if (k == QLatin1String("value")) {
                node.value = m_w.text(e, where).value_or(QString());
            } else if (k == QLatin1String("reference")) {
                node.reference = m_w.text(e, where).value_or(QString());
            } else if (k == QLatin1String("rows")) {
                node.rows = m_w.text(e, where).value_or(QString());
            } else if (k == QLatin1String("sample_limit")) {
                node.sampleLimit = m_w.integer(e, where, 1, 1000).value_or(10);
            } else if (k == QLatin1String("warn_if")) {
                node.warnIf = m_w.threshold(e, where);
            } else if (k == QLatin1String("error_if")) {
                node.errorIf = m_w.threshold(e, where);
            }
        }

        if (kind)
            checkKindRequirements(node, byKey, itemPos, where);

        m_nodeExtras.append(extra);
        c.nodes.append(node);
    }

    void readRun(const Walker::Entry &e, Node &node, const QString &where)
    {
        if (e.value.IsSequence()) {
            auto items = m_w.textList(e, where);
            if (!items)
                return;
            for (const auto &[arg, p] : *items)
                node.argv.append(arg);
            if (node.argv.isEmpty())
                m_w.error(Walker::posOf(e.value, e.keyPos),
                          QStringLiteral("'run' in %1 is an empty list; name the program to run")
                              .arg(where));
        } else if (auto t = m_w.text(e, where)) {
            node.shell = *t;
            if (t->trimmed().isEmpty())
                m_w.error(Walker::posOf(e.value, e.keyPos),
                          QStringLiteral("'run' in %1 is empty; give a command").arg(where));
        }
    }

    void readSqlFile(const QString &relative, SourcePos pos, Node &node, const QString &where)
    {
        const QString path = m_w.resolvePath(relative);
        node.sqlFile = path;
        QFile f(path);
        if (!QFileInfo(path).isFile()) {
            m_w.error(pos, QStringLiteral("sql_file '%1' for %2 not found (looked for %3)")
                               .arg(relative, where, path));
            return;
        }
        if (f.size() > ContractLoader::kMaxFileBytes) {
            m_w.error(
                pos,
                QStringLiteral("sql_file '%1' for %2 is larger than 16 MiB").arg(relative, where));
            return;
        }
        if (!f.open(QIODevice::ReadOnly)) {
            m_w.error(pos, QStringLiteral("cannot read sql_file '%1' for %2: %3")
                               .arg(relative, where, f.errorString()));
            return;
        }
        const QByteArray bytes = f.readAll();
        if (firstInvalidUtf8(bytes)) {
            m_w.error(pos, QStringLiteral("sql_file '%1' for %2 is not valid UTF-8 text")
                               .arg(relative, where));
            return;
        }
        node.statements = splitSqlStatements(QString::fromUtf8(bytes));
        if (node.statements.isEmpty())
            m_w.error(
                pos, QStringLiteral("sql_file '%1' for %2 has no statements").arg(relative, where));
    }

    void readWait(const Walker::Entry &e, Node &node, const QString &where)
    {
        const QString what = QStringLiteral("'wait' in %1").arg(where);
        if (!m_w.expectMap(e.value, what, e.keyPos))
            return;
        WaitPolicy wait;
        bool sawEvery = false;
        for (const auto &w : m_w.entries(e.value, kWaitKeys, what, e.keyPos)) {
            if (w.key == QLatin1String("every")) {
                sawEvery = true;
                wait.every = m_w.duration(w, what).value_or(Duration{});
            } else if (w.key == QLatin1String("until")) {
                wait.until = m_w.weeklyTime(w, what);
            } else if (w.key == QLatin1String("up_to")) {
                wait.upTo = m_w.duration(w, what);
            }
        }
        const SourcePos pos = Walker::posOf(e.value, e.keyPos);
        if (!sawEvery)
            m_w.error(
                pos,
                QStringLiteral("%1 needs 'every' (how often to look again, e.g. 5m)").arg(what));
        const bool hasUntil = e.value["until"].IsDefined();
        const bool hasUpTo = e.value["up_to"].IsDefined();
        if (hasUntil == hasUpTo)
            m_w.error(pos, QStringLiteral("%1 needs exactly one limit: 'until: \"MON 10:00\"' or "
                                          "'up_to: 2h'")
                               .arg(what));
        node.wait = wait;
    }

    void checkKindRequirements(const Node &node, const QHash<QString, Walker::Entry> &keys,
                               SourcePos pos, const QString &where)
    {
        auto has = [&](const char *k) { return keys.contains(QString::fromLatin1(k)); };
        auto need = [&](const char *k, const QString &hint) {
            if (!has(k))
                m_w.error(pos, QStringLiteral("%1 is missing required key '%2' (%3)")
                                   .arg(where, QString::fromLatin1(k), hint));
        };
        switch (node.kind) {
        case NodeKind::Command:
            need("run", QStringLiteral("a list [program, args...] or a shell string"));
            break;
        case NodeKind::Sql:
            need("connection", QStringLiteral("the name of a connection"));
            if (has("sql") == has("sql_file"))
                m_w.error(pos,
                          QStringLiteral("%1 needs exactly one of 'sql' or 'sql_file'").arg(where));
            break;
        case NodeKind::Freshness:
            if (has("loaded_at") == has("path"))
                m_w.error(pos, QStringLiteral("%1 needs exactly one of 'loaded_at' (a query) or "
                                              "'path' (a file)")
                                   .arg(where));
            if (has("loaded_at"))
                need("connection", QStringLiteral("the connection 'loaded_at' runs on"));
            if (!has("warn_after") && !has("error_after"))
                m_w.error(pos,
                          QStringLiteral("%1 needs 'warn_after' and/or 'error_after'").arg(where));
            if (node.warnAfter && node.errorAfter && *node.warnAfter >= *node.errorAfter)
                m_w.error(Walker::posOf(keys.value(QStringLiteral("warn_after")).value, pos),
                          QStringLiteral(
                              "'warn_after' (%1) must be shorter than 'error_after' (%2) in %3")
                              .arg(formatDuration(*node.warnAfter),
                                   formatDuration(*node.errorAfter), where));
            break;
        case NodeKind::Check:
            need("connection", QStringLiteral("the connection the queries run on"));
            need("value", QStringLiteral("a query returning one number"));
            if (!has("warn_if") && !has("error_if"))
                m_w.error(pos, QStringLiteral("%1 needs 'warn_if' and/or 'error_if'").arg(where));
            for (const auto &[key, th] :
                 {std::pair{"warn_if", node.warnIf}, std::pair{"error_if", node.errorIf}}) {
                if (th && th->needsReference() && !has("reference"))
                    m_w.error(Walker::posOf(keys.value(QString::fromLatin1(key)).value, pos),
                              QStringLiteral("'%1: %2' compares against a reference; add a "
                                             "'reference' query to %3")
                                  .arg(QString::fromLatin1(key), th->text, where));
            }
            break;
        case NodeKind::Publish:
        case NodeKind::Noop:
            break;
        }
    }

    // ------------------------------------------------------------ report

    void readReport(const YAML::Node &map, Contract &c, SourcePos pos)
    {
        Report &r = c.report;
        r.pos = Walker::posOf(map, pos);
        const QString where = QStringLiteral("'report'");
        QSet<QString> seen;
        YAML::Node sections;
        SourcePos sectionsPos;
        for (const auto &e : m_w.entries(map, kReportKeys, where, pos)) {
            seen.insert(e.key);
            const SourcePos vp = Walker::posOf(e.value, e.keyPos);
            if (e.key == QLatin1String("id")) {
                r.id = m_w.identifier(e, QStringLiteral("report")).value_or(QString());
            } else if (e.key == QLatin1String("name")) {
                r.name = m_w.text(e, where).value_or(QString());
            } else if (e.key == QLatin1String("timezone")) {
                if (auto t = m_w.text(e, where)) {
                    r.timezone = t->toUtf8();
                    if (!QTimeZone::isTimeZoneIdAvailable(r.timezone)) {
                        QStringList ids;
                        for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
                            ids << QString::fromUtf8(id);
                        const QString hint = closestMatch(*t, ids);
                        m_w.error(
                            vp, QStringLiteral("unknown time zone '%1'; %2")
                                    .arg(*t, hint.isEmpty()
                                                 ? QStringLiteral("use an IANA name such as "
                                                                  "Europe/London")
                                                 : QStringLiteral("did you mean '%1'?").arg(hint)));
                    }
                }
            } else if (e.key == QLatin1String("schedule")) {
                if (auto t = m_w.text(e, where)) {
                    ParseError pe;
                    if (auto cron = CronSchedule::parse(*t, &pe))
                        r.schedule = *cron;
                    else
                        m_w.error(m_w.inside(vp, pe.offset),
                                  QStringLiteral("bad schedule '%1': %2").arg(*t, pe.message));
                }
            } else if (e.key == QLatin1String("publish_by")) {
                if (auto w = m_w.weeklyTime(e, where))
                    r.publishBy = *w;
            } else if (e.key == QLatin1String("owners")) {
                const QString ow = QStringLiteral("'owners'");
                if (m_w.expectMap(e.value, ow, e.keyPos)) {
                    for (const auto &o : m_w.entries(e.value, kOwnerKeys, ow, e.keyPos)) {
                        const QString who = m_w.text(o, ow).value_or(QString());
                        (o.key == QLatin1String("business") ? r.businessOwner : r.technicalOwner) =
                            who;
                    }
                }
            } else if (e.key == QLatin1String("approvers")) {
                if (auto items = m_w.textList(e, where)) {
                    for (const auto &[who, p] : *items)
                        r.approvers.append(who);
                }
            } else if (e.key == QLatin1String("escalation")) {
                readEscalation(e, r);
            } else if (e.key == QLatin1String("alert")) {
                r.alert = m_w.templ(e, where);
            } else if (e.key == QLatin1String("sections")) {
                sections = e.value;
                sectionsPos = e.keyPos;
            }
        }
        for (const char *required :
             {"id", "name", "timezone", "schedule", "publish_by", "sections"}) {
            if (m_include && qstrcmp(required, "sections") == 0)
                continue; // the include's sections stand in
            if (!seen.contains(QString::fromLatin1(required)))
                m_w.error(r.pos, QStringLiteral("'report' is missing required key '%1'")
                                     .arg(QString::fromLatin1(required)));
        }
        if (seen.contains(QStringLiteral("sections")))
            readSections(sections, r, sectionsPos);
    }

    void readEscalation(const Walker::Entry &e, Report &r)
    {
        if (!e.value.IsSequence()) {
            m_w.error(Walker::posOf(e.value, e.keyPos),
                      QStringLiteral("'escalation' must be a list of rules, found %1")
                          .arg(describeType(e.value)));
            return;
        }
        for (const YAML::Node &item : e.value) {
            const SourcePos ip = Walker::posOf(item, e.keyPos);
            const QString where = QStringLiteral("an escalation rule");
            if (!m_w.expectMap(item, where, ip))
                continue;
            EscalationRule rule;
            rule.pos = ip;
            bool sawAt = false, sawNotify = false;
            for (const auto &f : m_w.entries(item, kEscalationKeys, where, ip)) {
                if (f.key == QLatin1String("at")) {
                    sawAt = true;
                    if (auto w = m_w.weeklyTime(f, where))
                        rule.at = *w;
                } else if (f.key == QLatin1String("if")) {
                    const auto t = m_w.text(f, where);
                    static const QStringList conditions = {
                        QStringLiteral("not_safe"), QStringLiteral("at_risk"),
                        QStringLiteral("late"), QStringLiteral("always")};
                    const qsizetype i = t ? conditions.indexOf(*t) : -1;
                    if (i >= 0)
                        rule.condition = EscalationRule::Condition(i);
                    else if (t)
                        m_w.error(Walker::posOf(f.value, f.keyPos),
                                  QStringLiteral("unknown escalation condition '%1'; use not_safe, "
                                                 "at_risk, late or always")
                                      .arg(*t));
                } else if (f.key == QLatin1String("notify")) {
                    sawNotify = true;
                    if (auto items = m_w.textList(f, where)) {
                        for (const auto &[who, p] : *items)
                            rule.notify.append(who);
                    }
                }
            }
            if (!sawAt)
                m_w.error(ip,
                          QStringLiteral("escalation rule is missing 'at' (e.g. \"MON 10:00\")"));
            if (!sawNotify)
                m_w.error(ip, QStringLiteral("escalation rule is missing 'notify' (who to tell)"));
            r.escalation.append(rule);
        }
    }

    void readSections(const YAML::Node &list, Report &r, SourcePos pos)
    {
        if (!list.IsSequence() || list.size() == 0) {
            m_w.error(
                Walker::posOf(list, pos),
                QStringLiteral("'sections' must be a non-empty list of report sections, found %1")
                    .arg(describeType(list)));
            return;
        }
        int index = 0;
        for (const YAML::Node &item : list) {
            ++index;
            const SourcePos ip = Walker::posOf(item, pos);
            QString where = QStringLiteral("section #%1").arg(index);
            if (!m_w.expectMap(item, where, ip))
                continue;
            if (item["id"].IsDefined() && item["id"].IsScalar())
                where = QStringLiteral("section '%1'").arg(qs(item["id"].Scalar()));
            Section s;
            SectionExtra extra;
            s.pos = ip;
            QSet<QString> seen;
            for (const auto &e : m_w.entries(item, kSectionKeys, where, ip)) {
                seen.insert(e.key);
                if (e.key == QLatin1String("id")) {
                    s.id = m_w.identifier(e, QStringLiteral("section")).value_or(QString());
                    extra.idPos = Walker::posOf(e.value, e.keyPos);
                } else if (e.key == QLatin1String("name")) {
                    s.name = m_w.text(e, where).value_or(QString());
                } else if (e.key == QLatin1String("needs")) {
                    if (auto items = m_w.textList(e, where)) {
                        extra.needs = *items;
                        for (const auto &[n, p] : *items)
                            s.needs.append(n);
                        if (items->isEmpty())
                            m_w.error(Walker::posOf(e.value, e.keyPos),
                                      QStringLiteral("%1 needs at least one node").arg(where));
                    }
                } else if (e.key == QLatin1String("sources")) {
                    if (auto items = m_w.textList(e, where)) {
                        extra.sources = *items;
                        for (const auto &[n, p] : *items)
                            s.sources.append(n);
                    }
                } else if (e.key == QLatin1String("on_failure")) {
                    const auto t = m_w.text(e, where);
                    if (t == QStringLiteral("block"))
                        s.onFailure = FailurePolicy::Block;
                    else if (t == QStringLiteral("hold"))
                        s.onFailure = FailurePolicy::Hold;
                    else if (t == QStringLiteral("caveat"))
                        s.onFailure = FailurePolicy::Caveat;
                    else if (t)
                        m_w.error(Walker::posOf(e.value, e.keyPos),
                                  QStringLiteral("unknown policy '%1' for 'on_failure' in %2; use "
                                                 "block, hold or caveat")
                                      .arg(*t, where));
                } else if (e.key == QLatin1String("fallback")) {
                    s.fallback = m_w.text(e, where).value_or(QString());
                } else if (e.key == QLatin1String("owner")) {
                    s.owner = m_w.text(e, where).value_or(QString());
                } else if (e.key == QLatin1String("caveat")) {
                    s.caveat = m_w.templ(e, where);
                } else if (e.key == QLatin1String("alert")) {
                    s.alert = m_w.templ(e, where);
                }
            }
            for (const char *required : {"id", "name", "needs", "on_failure"}) {
                if (!seen.contains(QString::fromLatin1(required)))
                    m_w.error(ip, QStringLiteral("%1 is missing required key '%2'")
                                      .arg(where, QString::fromLatin1(required)));
            }
            r.sections.append(s);
            m_sectionExtras.append(extra);
        }
    }

    // ------------------------------------------------------------ include

    // `include: {dbt: {manifest: …, select: …, project_dir: …}}`: the keys
    // are read here, the expansion is interop's (dbtinclude.h).
    void readInclude(const Walker::Entry &e)
    {
        m_include = PendingInclude{};
        m_include->pos = e.keyPos;
        const auto errorsSoFar = [&] {
            return std::count_if(
                m_w.diagnostics.cbegin(), m_w.diagnostics.cend(),
                [](const Diagnostic &d) { return d.severity == Diagnostic::Severity::Error; });
        };
        const auto before = errorsSoFar();
        if (!m_w.expectMap(e.value, QStringLiteral("'include'"), e.keyPos)) {
            m_include->broken = true;
            return;
        }
        const auto kinds =
            m_w.entries(e.value, kIncludeKeys, QStringLiteral("'include'"), e.keyPos);
        if (kinds.isEmpty() && errorsSoFar() == before)
            m_w.error(e.keyPos, QStringLiteral("'include' names nothing to include; write "
                                               "include: {dbt: {manifest: target/manifest.json}}"));
        for (const auto &kind : kinds) {
            const QString where = QStringLiteral("the dbt include");
            if (!m_w.expectMap(kind.value, QStringLiteral("'dbt' in 'include'"), kind.keyPos))
                continue;
            dbt::IncludeSpec &spec = m_include->spec;
            for (const auto &f : m_w.entries(kind.value, kDbtIncludeKeys, where, kind.keyPos)) {
                if (f.key == QLatin1String("connection")) {
                    spec.connection =
                        m_w.identifier(f, QStringLiteral("connection")).value_or(QString());
                    continue;
                }
                const auto t = m_w.text(f, where);
                if (!t)
                    continue;
                if (f.key == QLatin1String("select"))
                    spec.select = *t;
                else if (f.key == QLatin1String("target"))
                    spec.target = *t;
                else if (f.key == QLatin1String("program"))
                    spec.program = *t;
                else if (const auto path =
                             includePath(*t, Walker::posOf(f.value, f.keyPos),
                                         QStringLiteral("'%1' in the dbt include").arg(f.key)))
                    (f.key == QLatin1String("manifest")      ? spec.manifest
                     : f.key == QLatin1String("project_dir") ? spec.projectDir
                                                             : spec.profilesDir) = *path;
            }
        }
        m_include->broken = errorsSoFar() != before;
    }

    // A path of the include, relative to the contract; `${ENV}` is expanded
    // now, because the manifest is read now.
    std::optional<QString> includePath(const QString &value, SourcePos pos, const QString &what)
    {
        if (!m_w.checkEnvRefs(value, pos, what))
            return std::nullopt;
        QString expanded;
        qsizetype last = 0;
        auto it = envPattern().globalMatch(value);
        while (it.hasNext()) {
            const auto m = it.next();
            const QString name = m.captured(1);
            if (!qEnvironmentVariableIsSet(name.toUtf8().constData())) {
                m_w.error(
                    m_w.inside(pos, int(m.capturedStart())),
                    QStringLiteral("environment variable %1 (in %2) is not set").arg(name, what));
                return std::nullopt;
            }
            expanded += value.mid(last, m.capturedStart() - last) +
                        qEnvironmentVariable(name.toUtf8().constData());
            last = m.capturedEnd();
        }
        expanded += value.mid(last);
        if (expanded.trimmed().isEmpty()) {
            m_w.error(pos, QStringLiteral("%1 is empty; give a path").arg(what));
            return std::nullopt;
        }
        return m_w.resolvePath(expanded);
    }

    // The included nodes go first (they are upstream of the contract's own);
    // the include's sections only when the contract lists none; its
    // connection only when the contract has none of that name.
    void mergeInclude(Contract &c)
    {
        m_includeFailed = true; // until the expansion succeeds
        if (m_include->broken)
            return;
        const SourcePos at = m_include->pos;
        const dbt::Expansion x = dbt::expandInclude(m_include->spec, m_w.file(), at);
        for (const Diagnostic &d : x.diagnostics) {
            if (d.severity == Diagnostic::Severity::Error)
                m_w.error({d.line, d.column}, d.message);
            else
                m_w.warning({d.line, d.column}, d.message);
        }
        if (!x.ok)
            return;
        m_includeFailed = false;
        QHash<QString, int> own;
        for (int i = 0; i < c.nodes.size(); ++i) {
            if (!c.nodes.at(i).id.isEmpty() && !own.contains(c.nodes.at(i).id))
                own.insert(c.nodes.at(i).id, i);
        }
        QList<Node> nodes;
        QList<NodeExtra> extras;
        for (const Node &n : x.nodes) {
            if (const auto it = own.constFind(n.id); it != own.constEnd()) {
                m_w.error(m_nodeExtras.at(*it).idPos,
                          QStringLiteral("node '%1' is defined here and by the dbt include at "
                                         "line %2 (%3 in %4); rename this node, or leave that one "
                                         "out with the include's 'select'")
                              .arg(n.id)
                              .arg(at.line)
                              .arg(x.uniqueIdOf.value(n.id), x.manifestPath));
                continue;
            }
            NodeExtra extra;
            extra.idPos = extra.connectionPos = extra.poolPos = at;
            for (const QString &need : n.needs)
                extra.needs.append({need, at});
            nodes.append(n);
            extras.append(extra);
        }
        c.nodes = nodes + c.nodes;
        m_nodeExtras = extras + m_nodeExtras;
        if (c.report.sections.isEmpty()) {
            for (const Section &s : x.sections) {
                SectionExtra extra;
                extra.idPos = at;
                for (const QString &need : s.needs)
                    extra.needs.append({need, at});
                for (const QString &source : s.sources)
                    extra.sources.append({source, at});
                c.report.sections.append(s);
                m_sectionExtras.append(extra);
            }
        }
        for (const Connection &conn : x.connections) {
            if (!c.connections.contains(conn.name))
                c.connections.insert(conn.name, conn);
        }
    }

    // ------------------------------------------------------------ cross references

    void crossCheck(const Contract &c)
    {
        QHash<QString, int> ids;
        QStringList allIds;
        for (int i = 0; i < c.nodes.size(); ++i) {
            const Node &n = c.nodes.at(i);
            if (n.id.isEmpty())
                continue;
            if (ids.contains(n.id)) {
                m_w.error(m_nodeExtras.at(i).idPos,
                          QStringLiteral("duplicate node id '%1'; first defined at line %2")
                              .arg(n.id)
                              .arg(c.nodes.at(ids.value(n.id)).pos.line));
                continue;
            }
            ids.insert(n.id, i);
            allIds << n.id;
        }

        auto unknownNode = [&](const QString &name, SourcePos pos, const QString &who) {
            if (m_includeFailed)
                return; // the include's own error says why its nodes are missing
            const QString hint = closestMatch(name, allIds);
            m_w.error(pos,
                      QStringLiteral("%1 needs unknown node '%2'%3")
                          .arg(who, name,
                               hint.isEmpty() ? QString()
                                              : QStringLiteral("; did you mean '%1'?").arg(hint)));
        };

        // Edges by index, for the cycle search.
        QList<QList<int>> needs(c.nodes.size());
        for (int i = 0; i < c.nodes.size(); ++i) {
            const Node &n = c.nodes.at(i);
            const NodeExtra &extra = m_nodeExtras.at(i);
            const QString who = QStringLiteral("node '%1'").arg(n.id);
            QSet<QString> seenNeeds;
            for (const auto &[name, pos] : extra.needs) {
                if (seenNeeds.contains(name)) {
                    m_w.error(pos, QStringLiteral("%1 lists '%2' twice in 'needs'").arg(who, name));
                    continue;
                }
                seenNeeds.insert(name);
                if (name == n.id) {
                    m_w.error(pos, QStringLiteral("%1 needs itself; remove '%2' from its 'needs'")
                                       .arg(who, name));
                } else if (!ids.contains(name)) {
                    unknownNode(name, pos, who);
                } else {
                    needs[i].append(ids.value(name));
                }
            }
            if (!n.connection.isEmpty() && !c.connections.contains(n.connection)) {
                const QString hint = closestMatch(n.connection, c.connections.keys());
                m_w.error(extra.connectionPos,
                          QStringLiteral("%1 uses unknown connection '%2'; %3")
                              .arg(who, n.connection,
                                   hint.isEmpty()
                                       ? QStringLiteral("declare it under 'connections'")
                                       : QStringLiteral("did you mean '%1'?").arg(hint)));
            }
            if (!n.pool.isEmpty() && !c.pools.contains(n.pool)) {
                const QString hint = closestMatch(n.pool, c.pools.keys());
                m_w.error(extra.poolPos,
                          QStringLiteral("%1 uses unknown pool '%2'; %3")
                              .arg(who, n.pool,
                                   hint.isEmpty()
                                       ? QStringLiteral("declare it under 'pools'")
                                       : QStringLiteral("did you mean '%1'?").arg(hint)));
            }
        }
        reportCycles(c, needs);

        QHash<QString, int> sectionIds;
        for (int i = 0; i < c.report.sections.size(); ++i) {
            const Section &s = c.report.sections.at(i);
            const SectionExtra &extra = m_sectionExtras.at(i);
            const QString who = QStringLiteral("section '%1'").arg(s.id);
            if (!s.id.isEmpty()) {
                if (sectionIds.contains(s.id))
                    m_w.error(extra.idPos,
                              QStringLiteral("duplicate section id '%1'; first defined "
                                             "at line %2")
                                  .arg(s.id)
                                  .arg(c.report.sections.at(sectionIds.value(s.id)).pos.line));
                else
                    sectionIds.insert(s.id, i);
            }
            QList<int> roots;
            for (const auto &[name, pos] : extra.needs) {
                if (!ids.contains(name))
                    unknownNode(name, pos, who);
                else
                    roots.append(ids.value(name));
            }
            if (extra.sources.isEmpty())
                continue;
            // Sources must be upstream of (or among) the section's needs.
            QList<bool> upstream(c.nodes.size(), false);
            QList<int> stack = roots;
            while (!stack.isEmpty()) {
                const int at = stack.takeLast();
                if (upstream[at])
                    continue;
                upstream[at] = true;
                stack += needs.at(at);
            }
            for (const auto &[name, pos] : extra.sources) {
                if (!ids.contains(name) && m_includeFailed)
                    continue;
                if (!ids.contains(name))
                    m_w.error(pos, QStringLiteral("%1 lists unknown source '%2'%3")
                                       .arg(who, name,
                                            closestMatch(name, allIds).isEmpty()
                                                ? QString()
                                                : QStringLiteral("; did you mean '%1'?")
                                                      .arg(closestMatch(name, allIds))));
                else if (!upstream.at(ids.value(name)))
                    m_w.error(pos, QStringLiteral("%1 lists source '%2', which is not upstream of "
                                                  "its needs; add it to 'needs' or to the path")
                                       .arg(who, name));
            }
            // The contract people read and the path that runs must not drift
            // apart: a freshness source the section rests on but does not
            // declare is worth a warning.
            QSet<QString> declared;
            for (const auto &[name, pos] : extra.sources)
                declared.insert(name);
            for (int i = 0; i < c.nodes.size(); ++i) {
                const Node &n = c.nodes.at(i);
                if (upstream.at(i) && n.kind == NodeKind::Freshness && !declared.contains(n.id))
                    m_w.warning(extra.sources.first().second,
                                QStringLiteral("%1 depends on source '%2' but does not list it in "
                                               "'sources'")
                                    .arg(who, n.id));
            }
        }
    }

    // Every strongly connected component with more than one node is a cycle;
    // print one concrete loop through it, starting at its first node in the file.
    void reportCycles(const Contract &c, const QList<QList<int>> &needs)
    {
        const int n = int(c.nodes.size());
        QList<int> index(n, -1), low(n, 0), component(n, -1);
        QList<bool> onStack(n, false);
        QList<int> stack;
        int counter = 0, components = 0;
        // Iterative Tarjan: recursion would overflow on long chains.
        for (int start = 0; start < n; ++start) {
            if (index[start] >= 0)
                continue;
            QList<std::pair<int, int>> work{{start, 0}};
            while (!work.isEmpty()) {
                auto &[v, edge] = work.last();
                if (edge == 0 && index[v] < 0) {
                    index[v] = low[v] = counter++;
                    stack.append(v);
                    onStack[v] = true;
                }
                if (edge < needs[v].size()) {
                    const int w = needs[v][edge++];
                    if (index[w] < 0)
                        work.append({w, 0});
                    else if (onStack[w])
                        low[v] = std::min(low[v], index[w]);
                    continue;
                }
                if (low[v] == index[v]) {
                    int w;
                    do {
                        w = stack.takeLast();
                        onStack[w] = false;
                        component[w] = components;
                    } while (w != v);
                    ++components;
                }
                const int done = v;
                work.removeLast();
                if (!work.isEmpty())
                    low[work.last().first] = std::min(low[work.last().first], low[done]);
            }
        }
        QList<int> members(components, 0);
        for (int v = 0; v < n; ++v)
            ++members[component[v]];
        QSet<int> reported;
        for (int v = 0; v < n; ++v) {
            const int comp = component[v];
            if (members[comp] < 2 || reported.contains(comp))
                continue;
            reported.insert(comp);
            // Walk from v along needs inside the component until a node repeats.
            QList<int> path{v};
            QHash<int, int> at{{v, 0}};
            int cur = v;
            while (true) {
                int next = -1;
                for (int w : needs[cur]) {
                    if (component[w] == comp) {
                        next = w;
                        break;
                    }
                }
                if (at.contains(next)) {
                    path = path.mid(at.value(next));
                    path.append(next);
                    break;
                }
                at.insert(next, int(path.size()));
                path.append(next);
                cur = next;
            }
            // Print in the direction data flows is less natural for `needs`;
            // users read "a needs b needs c": a -> b -> c -> a.
            QStringList names;
            for (int p : path)
                names << c.nodes.at(p).id;
            m_w.error(
                c.nodes.at(path.first()).pos,
                QStringLiteral("dependency cycle: %1").arg(names.join(QStringLiteral(" -> "))));
        }
    }

    struct PendingInclude
    {
        dbt::IncludeSpec spec;
        SourcePos pos;
        bool broken = false; // the block itself has errors: nothing is expanded
    };

    Walker &m_w;
    std::optional<PendingInclude> m_include;
    bool m_includeFailed = false; // names the include would define are not checked
    QList<NodeExtra> m_nodeExtras;
    QList<SectionExtra> m_sectionExtras;
};

// Remembers where a document's first event is; ignores the rest.
class FirstEventMark : public YAML::EventHandler
{
public:
    std::optional<YAML::Mark> mark;
    void OnDocumentStart(const YAML::Mark &m) override { note(m); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &m, YAML::anchor_t) override { note(m); }
    void OnAlias(const YAML::Mark &m, YAML::anchor_t) override { note(m); }
    void OnScalar(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                  const std::string &) override
    {
        note(m);
    }
    void OnSequenceStart(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
    {
        note(m);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &m, const std::string &, YAML::anchor_t,
                    YAML::EmitterStyle::value) override
    {
        note(m);
    }
    void OnMapEnd() override {}

private:
    void note(const YAML::Mark &m)
    {
        if (!mark || (mark->is_null() && !m.is_null()))
            mark = m;
    }
};

} // namespace

QStringList splitSqlStatements(const QString &script)
{
    QStringList statements;
    QString current;
    enum class Mode
    {
        Code,
        Single,
        Double,
        LineComment,
        BlockComment
    } mode = Mode::Code;
    for (qsizetype i = 0; i < script.size(); ++i) {
        const QChar c = script.at(i);
        const QChar next = i + 1 < script.size() ? script.at(i + 1) : QChar();
        switch (mode) {
        case Mode::Code:
            if (c == QLatin1Char('\'')) {
                mode = Mode::Single;
            } else if (c == QLatin1Char('"')) {
                mode = Mode::Double;
            } else if (c == QLatin1Char('-') && next == QLatin1Char('-')) {
                mode = Mode::LineComment;
            } else if (c == QLatin1Char('/') && next == QLatin1Char('*')) {
                mode = Mode::BlockComment;
            } else if (c == QLatin1Char(';')) {
                if (!current.trimmed().isEmpty())
                    statements.append(current.trimmed());
                current.clear();
                continue;
            }
            break;
        case Mode::Single:
            if (c == QLatin1Char('\''))
                mode = Mode::Code;
            break;
        case Mode::Double:
            if (c == QLatin1Char('"'))
                mode = Mode::Code;
            break;
        case Mode::LineComment:
            if (c == QLatin1Char('\n'))
                mode = Mode::Code;
            break;
        case Mode::BlockComment:
            if (c == QLatin1Char('*') && next == QLatin1Char('/')) {
                current.append(c);
                current.append(next);
                ++i;
                mode = Mode::Code;
                continue;
            }
            break;
        }
        current.append(c);
    }
    // A trailing piece that is only comments is not a statement.
    QString rest = current.trimmed();
    if (!rest.isEmpty()) {
        static const QRegularExpression onlyComments(
            QStringLiteral("^(\\s*(--[^\\n]*(\\n|$)|/\\*.*?\\*/))*\\s*$"),
            QRegularExpression::DotMatchesEverythingOption);
        if (!onlyComments.match(rest).hasMatch())
            statements.append(rest);
    }
    return statements;
}

LoadResult ContractLoader::loadFile(const QString &path)
{
    LoadResult result;
    const QFileInfo info(path);
    auto fail = [&](const QString &message) {
        result.diagnostics.append({Diagnostic::Severity::Error, path, 0, 0, message});
        return result;
    };
    if (!info.exists())
        return fail(QStringLiteral("no such file; check the path"));
    if (info.isDir())
        return fail(QStringLiteral("is a directory; give the contract's .yaml file"));
    if (info.size() > kMaxFileBytes)
        return fail(QStringLiteral("file is %1 MiB; a contract may be at most 16 MiB (is this the "
                                   "right file?)")
                        .arg(info.size() / (1024 * 1024)));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read: %1").arg(file.errorString()));
    // Read at most one byte past the limit: the file may grow after stat().
    const QByteArray bytes = file.read(kMaxFileBytes + 1);
    if (bytes.size() > kMaxFileBytes)
        return fail(QStringLiteral("file is larger than 16 MiB; a contract may be at most 16 MiB"));
    result = loadText(bytes, path, info.absolutePath());
    if (result.contract) {
        auto contract = std::make_shared<Contract>(*result.contract);
        contract->filePath = info.absoluteFilePath();
        result.contract = contract;
    }
    return result;
}

LoadResult ContractLoader::loadText(const QByteArray &text, const QString &fileName,
                                    const QString &baseDir)
{
    LoadResult result;
    auto fail = [&](int line, int column, const QString &message) {
        result.diagnostics.append({Diagnostic::Severity::Error, fileName, line, column, message});
        return result;
    };
    if (text.size() > kMaxFileBytes)
        return fail(
            0, 0, QStringLiteral("input is larger than 16 MiB; a contract may be at most 16 MiB"));
    if (QString::fromLatin1(text).trimmed().isEmpty())
        return fail(1, 1,
                    QStringLiteral("the contract is empty; start with `vouch: 1`, then "
                                   "`report:` and `nodes:` (see docs/contract.md)"));
    if (auto bad = firstInvalidUtf8(text))
        return fail(bad->line, bad->column,
                    QStringLiteral("not valid UTF-8 text (a contract must be UTF-8; is this a "
                                   "binary file?)"));
    if (auto deep = firstTooDeep(text, kMaxNesting))
        return fail(deep->line, deep->column,
                    QStringLiteral("YAML nested deeper than %1 levels; a contract never needs that")
                        .arg(kMaxNesting));

    // YAML::LoadAll can loop forever on some malformed input (yaml-cpp 0.7),
    // so load the first document and ask the event parser, once, whether
    // anything follows it.
    YAML::Node root;
    std::optional<YAML::Mark> trailing;
    try {
        const std::string source = text.toStdString();
        root = YAML::Load(source);
        std::istringstream stream(source);
        YAML::Parser parser(stream);
        FirstEventMark first;
        parser.HandleNextDocument(first);
        FirstEventMark second;
        if (parser.HandleNextDocument(second))
            trailing = second.mark.value_or(YAML::Mark());
    } catch (const YAML::Exception &e) {
        const QString message = qs(e.msg);
        return fail(e.mark.is_null() ? 0 : e.mark.line + 1,
                    e.mark.is_null() ? 0 : e.mark.column + 1,
                    QStringLiteral("YAML syntax error: %1").arg(message));
    } catch (const std::exception &e) {
        return fail(0, 0,
                    QStringLiteral("cannot parse YAML: %1").arg(QString::fromLocal8Bit(e.what())));
    }
    if (trailing)
        return fail(
            trailing->is_null() ? 1 : trailing->line + 1,
            trailing->is_null() ? 1 : trailing->column + 1,
            QStringLiteral("a contract file holds one YAML document; found more after the "
                           "first (a second '---' document or stray text): split or remove it"));
    if (!root.IsDefined() || root.IsNull())
        return fail(1, 1, QStringLiteral("the contract is empty; start with `vouch: 1`"));

    Walker walker(fileName, baseDir, text);
    try {
        ContractBuilder builder(walker);
        auto contract = builder.build(root);
        std::stable_sort(walker.diagnostics.begin(), walker.diagnostics.end());
        result.diagnostics = walker.diagnostics;
        if (contract && !hasErrors(result.diagnostics)) {
            contract->sourceText = text;
            contract->sourceSha256 = QString::fromLatin1(
                QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex());
            result.contract = contract;
        }
    } catch (const YAML::Exception &e) {
        result.diagnostics = walker.diagnostics;
        result.diagnostics.append({Diagnostic::Severity::Error, fileName,
                                   e.mark.is_null() ? 0 : e.mark.line + 1,
                                   e.mark.is_null() ? 0 : e.mark.column + 1,
                                   QStringLiteral("cannot read this YAML: %1").arg(qs(e.msg))});
    }
    return result;
}

} // namespace vouch::engine
