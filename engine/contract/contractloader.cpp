#include "engine/contract/contractloader.h"

#include "engine/contract/loader/loaderstate.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <QCryptographicHash>
#include <QFileInfo>

#include <algorithm>
#include <istream>
#include <streambuf>

namespace vouch::engine {

namespace loader {

std::shared_ptr<Contract> ContractBuilder::build(const YNode &root)
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
    YNode reportNode, nodesNode;
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
            if (!e.value.IsNull() &&
                m_w.expectMap(e.value, QStringLiteral("'connections'"), e.keyPos))
                readConnections(e.value, *contract, e.keyPos);
        } else if (e.key == QLatin1String("pools")) {
            if (!e.value.IsNull() && m_w.expectMap(e.value, QStringLiteral("'pools'"), e.keyPos))
                readPools(e.value, *contract, e.keyPos);
        } else if (e.key == QLatin1String("alerting")) {
            if (!e.value.IsNull() && m_w.expectMap(e.value, QStringLiteral("'alerting'"), e.keyPos))
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
    splitSql(*contract);
    crossCheck(*contract);
    crossCheckAlerting(*contract);
    return contract;
}

} // namespace loader

using namespace loader;

namespace {

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

// Reads a QByteArray in place: the parser streams the text without a copy.
class ByteArrayBuffer : public std::streambuf
{
public:
    explicit ByteArrayBuffer(const QByteArray &bytes)
    {
        char *begin = const_cast<char *>(bytes.constData());
        setg(begin, begin, begin + bytes.size());
    }
};

} // namespace

LoadResult ContractLoader::loadFile(const QString &path, const Options &options)
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
    // Read what stat() saw and one byte more, then, if the file grew since,
    // the rest up to one byte past the limit. (One read of the limit would
    // allocate 16 MiB for any contract.)
    QByteArray bytes = file.read(info.size() + 1);
    if (bytes.size() > info.size())
        bytes += file.read(kMaxFileBytes + 1 - bytes.size());
    if (bytes.size() > kMaxFileBytes)
        return fail(QStringLiteral("file is larger than 16 MiB; a contract may be at most 16 MiB"));
    return load(bytes, path, info.absolutePath(), options, info.absoluteFilePath());
}

LoadResult ContractLoader::loadText(const QByteArray &text, const QString &fileName,
                                    const QString &baseDir, const Options &options)
{
    return load(text, fileName, baseDir, options, QString());
}

LoadResult ContractLoader::load(const QByteArray &text, const QString &fileName,
                                const QString &baseDir, const Options &options,
                                const QString &filePath)
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
    // so yaml-cpp reads the first document into the tree, then the same
    // parser is asked, once, whether anything follows it: one pass, no DOM.
    // Plain YAML (almost every contract) is read by libyaml, ten times as
    // fast; anything else, and every error, by yaml-cpp, whose reading and
    // messages are the specification.
    auto tree = std::make_unique<YamlTree>();
    std::optional<YAML::Mark> trailing;
    try {
        if (!readPlainYaml(text, *tree)) {
            tree = std::make_unique<YamlTree>();
            ByteArrayBuffer buffer(text);
            std::istream stream(&buffer);
            YAML::Parser parser(stream);
            parser.HandleNextDocument(tree->builder());
            FirstEventMark second;
            if (parser.HandleNextDocument(second))
                trailing = second.mark.value_or(YAML::Mark());
        }
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
    const YNode root = tree->root();
    if (!root.IsDefined() || root.IsNull())
        return fail(1, 1, QStringLiteral("the contract is empty; start with `vouch: 1`"));

    Walker walker(fileName, baseDir, text);
    try {
        ContractBuilder builder(walker, options.expandInclude);
        auto contract = builder.build(root);
        std::stable_sort(walker.diagnostics.begin(), walker.diagnostics.end());
        result.diagnostics = walker.diagnostics;
        if (contract && !hasErrors(result.diagnostics)) {
            contract->filePath = filePath;
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
