#pragma once

// Internal to the contract loader (contractloader.cpp and loader/*.cpp); not
// part of the engine's API. The loader reads a file in three stages:
//   1. raw-text guards (rawtext.cpp): size, UTF-8 and nesting, before yaml-cpp;
//   2. the walker (walker.cpp): typed reads of one YAML entry, each problem a
//      Diagnostic at its line and column;
//   3. the builder (ContractBuilder), one .cpp per section of the file:
//      connections.cpp (connections, pools, secrets), alerting.cpp,
//      nodes.cpp, report.cpp (report, escalation, sections), include.cpp and
//      crossrefs.cpp (names, sources, cycles), run by build() in
//      contractloader.cpp.

#include "engine/contract/contract.h"
#include "engine/contract/contractloader.h"
#include "engine/contract/diagnostic.h"
#include "engine/contract/include.h"
#include "engine/contract/loader/yamltree.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <utility>

class QRegularExpression;

namespace vouch::engine::loader {

// ---------------------------------------------------------------- raw text

struct TextPos
{
    int line = 1;
    int column = 1;
};

// Returns the position of the first byte that is not valid UTF-8, if any.
std::optional<TextPos> firstInvalidUtf8(const QByteArray &bytes);

// Estimates YAML nesting depth without parsing: flow brackets outside quotes
// and comments, plus block indentation and compact "- - -" sequences. An
// estimate is enough: it only has to stop absurd input before yaml-cpp sees it.
std::optional<TextPos> firstTooDeep(const QByteArray &bytes, int limit);

// ---------------------------------------------------------------- the fast parse

// Reads `text` with libyaml into `tree` when it is one document of the plain
// YAML contracts are written in, exactly as yaml-cpp would read it (types,
// marks, order). False when anything is outside that or wrong: then `tree`
// is to be thrown away and yaml-cpp reads the text (fastyaml.cpp).
bool readPlainYaml(const QByteArray &text, YamlTree &tree);

// ---------------------------------------------------------------- the walker

const QRegularExpression &identifierPattern();

// A longer id would validate and then fail at run time, when its log file
// cannot be created (kMaxIdLength, contract.h). Every id and name shares the
// limit so that one rule describes them all.
// Empty when `id` is short enough; otherwise what is wrong, naming the first
// characters of the id (the whole of it would swamp the message).
QString idLengthProblem(const QString &id, const QString &what);

const QRegularExpression &envPattern();

QString qs(std::string_view s);

QString describeType(const YNode &n);

class Walker
{
public:
    Walker(const QString &fileName, const QString &baseDir, const QByteArray &text)
        : m_file(fileName)
        , m_baseDir(baseDir)
        , m_text(text)
    {}

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

    static SourcePos posOf(const YNode &n, SourcePos fallback = {})
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
    SourcePos inside(SourcePos pos, int offset) const;
    // The line of a scalar's first line of text: the next line for a block
    // scalar (`|`, `>`), else its own.
    int textLine(SourcePos pos) const;
    // A problem inside another file (an sql_file), at its line.
    void errorInFile(const QString &file, int line, const QString &message);

    // A mapping's entries, with unknown and duplicate keys reported.
    struct Entry
    {
        QString key;
        YNode keyNode;
        YNode value;
        SourcePos keyPos;
    };

    QList<Entry> entries(const YNode &map, const QStringList &allowed, const QString &where,
                         SourcePos fallback);
    void unknownKey(SourcePos pos, const QString &key, const QStringList &allowed,
                    const QString &where);
    bool expectMap(const YNode &n, const QString &what, SourcePos pos);

    std::optional<QString> text(const Entry &e, const QString &where);
    std::optional<QString> identifier(const Entry &e, const QString &where);
    std::optional<int> integer(const Entry &e, const QString &where, int min, int max);
    // A list of text items with their positions; a single scalar is refused
    // so that `needs: a, b` is not silently one odd name.
    std::optional<QList<std::pair<QString, SourcePos>>> textList(const Entry &e,
                                                                 const QString &where);
    std::optional<Duration> duration(const Entry &e, const QString &where, bool allowZero = false);
    std::optional<WeeklyTime> weeklyTime(const Entry &e, const QString &where);
    std::optional<DeadlineRule> deadline(const Entry &e, const QString &where);
    std::optional<bool> boolean(const Entry &e, const QString &where);
    std::optional<Threshold> threshold(const Entry &e, const QString &where);
    std::optional<Template> templ(const Entry &e, const QString &where);

    // `${NAME}` references must be well formed; secrets may only be references.
    bool checkEnvRefs(const QString &value, SourcePos pos, const QString &what);

    QString resolvePath(const QString &relative) const;

    QString file() const { return m_file; }

private:
    void add(Diagnostic::Severity severity, SourcePos pos, const QString &message);

    QString m_file;
    QString m_baseDir;
    QByteArray m_text; // shared, not copied; split into lines only when inside() needs them
    mutable std::optional<QStringList> m_lines;
};

// ---------------------------------------------------------------- keys (keys.cpp)

// The keys each part of a contract may use.
extern const QStringList kTopKeys;
extern const QStringList kIncludeKeys;
extern const QStringList kDbtIncludeKeys;
extern const QStringList kAlertingKeys;
extern const QStringList kChannelKeys;
extern const QStringList kRouteKeys;
extern const QStringList kRouteWhenKeys;
extern const QStringList kDeliveryKeys;
extern const QStringList kReportKeys;
extern const QStringList kOwnerKeys;
extern const QStringList kCalendarKeys;
extern const QStringList kEscalationKeys;
extern const QStringList kSectionKeys;
extern const QStringList kConnectionKeys;
extern const QStringList kCommonNodeKeys;
extern const QStringList kWaitKeys;
extern const QStringList kSqlFileKeys; // `sql_file: {default: …, DIALECT: …}`
// `kind: dbt` (a command node that is a dbt resource: DbtResource) and its keys.
extern const QStringList kDbtNodeKeys;
extern const QString kDbtKind;
// The kinds a contract may write: nodeKindNames() and `dbt`.
QStringList contractKindNames();
// The keys a node of `kind` takes besides kCommonNodeKeys, and those of all kinds.
QStringList kindKeys(NodeKind kind);
QStringList allKindKeys();
// The keys a node of `kind` (nullopt: a kind not known) may use, and those
// accepted so that another kind's key gets a precise message: kCommonNodeKeys
// and kindKeys(kind) (all kinds' when not known), then the other kinds' keys.
struct NodeKeys
{
    QStringList allowed;
    QStringList accepted;
};
const NodeKeys &nodeKeys(std::optional<NodeKind> kind);
const NodeKeys &dbtNodeKeys(); // kind: dbt

// ---------------------------------------------------------------- the builder

// A node's SQL as written (`sql:` text, or a `sql_file:`'s contents), split
// into statements once the node's connection, and so its dialect, is known.
struct SqlSource
{
    QString text;
    SourcePos pos;     // of the `sql:` text or the `sql_file:` value in the contract
    int firstLine = 1; // the contract line of the text's first line; 1 in a file
    QString file;      // the `sql_file:` as written; empty for `sql:`
    QString path;      // the file's absolute path
    QString variant;   // in `sql_file: {default: …, mysql: …}`, its key
};

struct NodeExtra
{
    SourcePos idPos;
    QList<std::pair<QString, SourcePos>> needs;
    SourcePos connectionPos;
    SourcePos poolPos;
    QList<SqlSource> sql;
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
    ContractBuilder(Walker &w, const IncludeExpander &expandInclude)
        : m_w(w)
        , m_expandInclude(expandInclude)
    {}

    std::shared_ptr<Contract> build(const YNode &root);

private:
    // connections.cpp
    void readConnections(const YNode &map, Contract &c, SourcePos pos);
    std::optional<ValueRef> secret(const Walker::Entry &e, const QString &where);
    void checkDriverKeys(Connection &conn, const QMap<QString, SourcePos> &given,
                         std::optional<SourcePos> dialectPos, const QString &where);
    void readConnectionString(const QString &text, SourcePos pos, const QString &where);
    void readPools(const YNode &map, Contract &c, SourcePos pos);

    // alerting.cpp
    void readAlerting(const YNode &map, Contract &c, SourcePos pos);
    void readChannels(const YNode &map, Contract &c, SourcePos pos);
    static bool isReference(const QString &text);
    static QString referenceText(const ValueRef &ref);
    void readRoutes(const Walker::Entry &e, Contract &c);
    void crossCheckAlerting(const Contract &c);

    // nodes.cpp
    void readNodes(const YNode &list, Contract &c, SourcePos pos);
    void readNode(const YNode &map, Contract &c, SourcePos itemPos, int index);
    void readRun(const Walker::Entry &e, Node &node, const QString &where);
    // One `sql_file:` value, or each file of its per-dialect form.
    void readSqlFileEntry(const Walker::Entry &e, NodeExtra &extra, const QString &where);
    std::optional<SqlSource> readSqlFile(const QString &relative, SourcePos pos,
                                         const QString &where);
    // Splits every node's SQL by its connection's dialect (sqlscript.h),
    // choosing a per-dialect sql_file by it.
    void splitSql(Contract &c);
    void readWait(const Walker::Entry &e, Node &node, const QString &where);
    void readDbtKey(const Walker::Entry &e, Node &node, const QString &where);
    // A node's entries in file order, each key once (Walker::entries()): a
    // handful, searched in order; a hash of them per node cost more than the
    // search (100,000 nodes).
    using NodeEntries = QList<Walker::Entry>;
    static const Walker::Entry *findEntry(const NodeEntries &entries, QLatin1StringView key);
    void checkDbtNode(Node &node, const NodeEntries &keys, SourcePos pos, const QString &where);
    void checkKindRequirements(const Node &node, const NodeEntries &keys, SourcePos pos,
                               const QString &where);

    // report.cpp
    void readReport(const YNode &map, Contract &c, SourcePos pos);
    void readEscalation(const Walker::Entry &e, Report &r);
    void readCalendar(const Walker::Entry &e, Report &r);
    void readSections(const YNode &list, Report &r, SourcePos pos);

    // include.cpp
    void readInclude(const Walker::Entry &e);
    std::optional<QString> includePath(const QString &value, SourcePos pos, const QString &what);
    void mergeInclude(Contract &c);

    // crossrefs.cpp
    void crossCheck(const Contract &c);
    void reportCycles(const Contract &c, const QList<QList<int>> &needs);

    struct NameRef
    {
        QString name;
        SourcePos pos;
        QString who;
    };

    struct PendingInclude
    {
        IncludeSpec spec;
        SourcePos pos;
        bool broken = false; // the block itself has errors: nothing is expanded
    };

    Walker &m_w;
    const IncludeExpander &m_expandInclude; // may be empty: an include is then an error
    QList<NameRef> m_channelRefs;
    QList<NameRef> m_sectionRefs;
    std::optional<PendingInclude> m_include;
    bool m_includeFailed = false; // names the include would define are not checked
    QList<NodeExtra> m_nodeExtras;
    QList<SectionExtra> m_sectionExtras;
};

} // namespace vouch::engine::loader
