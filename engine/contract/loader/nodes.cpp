// `nodes:`: each node, its kind's keys and requirements, sql_file, wait.
#include "engine/contract/loader/loaderstate.h"
#include "engine/contract/sqlscript.h"

#include "engine/util/suggest.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace vouch::engine::loader {

void ContractBuilder::readNodes(const YNode &list, Contract &c, SourcePos pos)
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
    c.nodes.reserve(c.nodes.size() + qsizetype(list.size()));
    m_nodeExtras.reserve(m_nodeExtras.size() + qsizetype(list.size()));
    int index = 0;
    for (const YNode &item : list) {
        ++index;
        if (m_w.full())
            return;
        const SourcePos itemPos = Walker::posOf(item, pos);
        if (!m_w.expectMap(item, QStringLiteral("node #%1").arg(index), itemPos))
            continue;
        readNode(item, c, itemPos, index);
    }
}

void ContractBuilder::readNode(const YNode &map, Contract &c, SourcePos itemPos, int index)
{
    Node node;
    NodeExtra extra;
    node.pos = itemPos;
    // First pass: id and kind decide which keys are allowed.
    QString where = QStringLiteral("node #%1").arg(index);
    YNode idNode = map["id"];
    YNode kindNode = map["kind"];
    if (idNode.IsDefined() && idNode.IsScalar()) {
        node.id = qs(idNode.Scalar());
        extra.idPos = Walker::posOf(idNode, itemPos);
        where = QStringLiteral("node '%1'").arg(node.id);
    }
    std::optional<NodeKind> kind;
    bool dbt = false;
    if (kindNode.IsDefined() && kindNode.IsScalar()) {
        kind = nodeKindFromString(qs(kindNode.Scalar()));
        if (!kind && qs(kindNode.Scalar()) == kDbtKind) {
            kind = NodeKind::Command;
            dbt = true;
        }
        if (!kind) {
            const QString k = qs(kindNode.Scalar());
            const QString hint = closestMatch(k, contractKindNames());
            m_w.error(Walker::posOf(kindNode, itemPos),
                      QStringLiteral("unknown kind '%1' in %2; %3")
                          .arg(k, where,
                               hint.isEmpty()
                                   ? QStringLiteral("use one of: %1")
                                         .arg(contractKindNames().join(QStringLiteral(", ")))
                                   : QStringLiteral("did you mean '%1'?").arg(hint)));
        }
    }
    const QString kindName = dbt ? kDbtKind : kind ? toString(*kind) : QString();
    if (dbt)
        node.dbt = DbtResource();
    const NodeKeys &keys = dbt ? dbtNodeKeys() : nodeKeys(kind);
    const QStringList &allowed = keys.allowed;

    bool sawId = false, sawKind = false;
    std::optional<YNode> runNode;
    NodeEntries byKey;
    // Keys of another kind get a precise message rather than "unknown key".
    for (const auto &e : m_w.entries(map, keys.accepted, where, itemPos)) {
        if (!allowed.contains(e.key)) {
            m_w.error(
                e.keyPos,
                QStringLiteral("'%1' is not used by %2 nodes (%3)").arg(e.key, kindName, where));
            continue;
        }
        byKey.append(e);
    }
    if (const Walker::Entry *e = findEntry(byKey, QLatin1StringView("id"))) {
        sawId = true;
        if (auto id = m_w.identifier(*e, QStringLiteral("node")))
            node.id = *id;
        else
            node.id.clear();
    }
    if (const Walker::Entry *e = findEntry(byKey, QLatin1StringView("kind"))) {
        sawKind = true;
        if (!kindNode.IsScalar())
            m_w.text(*e, where);
    }
    if (!sawId)
        m_w.error(itemPos, QStringLiteral("%1 is missing required key 'id'").arg(where));
    if (!sawKind)
        m_w.error(itemPos, QStringLiteral("%1 is missing required key 'kind' (one of: %2)")
                               .arg(where, contractKindNames().join(QStringLiteral(", "))));
    if (kind)
        node.kind = *kind;

    for (const Walker::Entry &e : std::as_const(byKey)) {
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
        } else if (dbt && kDbtNodeKeys.contains(k) && k != QLatin1String("env")) {
            readDbtKey(e, node, where);
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
                        extra.sql.append(
                            {stmt, p, m_w.textLine(p), QString(), QString(), QString()});
                }
            } else if (auto t = m_w.text(e, where)) {
                extra.sql.append({*t, vp, m_w.textLine(vp), QString(), QString(), QString()});
            }
        } else if (k == QLatin1String("sql_file")) {
            // After every key (readSqlFileEntry).
            continue;
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
        } else if (k == QLatin1String("complete_over")) {
            if (auto t = m_w.text(e, where); t && *t != QLatin1String("period"))
                m_w.error(vp, QStringLiteral("'complete_over' in %1 must be 'period' (every "
                                             "business day of the period has rows), found '%2'")
                                  .arg(where, *t));
        } else if (k == QLatin1String("date_column")) {
            if (auto t = m_w.text(e, where)) {
                static const QRegularExpression column(
                    QStringLiteral("^([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)?)\\.([A-"
                                   "Za-z_][A-Za-z0-9_]*)$"));
                const auto m = column.match(*t);
                if (m.hasMatch()) {
                    node.dateTable = m.captured(1);
                    node.dateColumn = m.captured(2);
                } else {
                    m_w.error(vp, QStringLiteral("'date_column' in %1 must be TABLE.COLUMN (or "
                                                 "SCHEMA.TABLE.COLUMN) in plain letters, digits "
                                                 "and '_', e.g. raw_orders.created_at; found '%2'")
                                      .arg(where, *t));
                }
            }
        } else if (k == QLatin1String("complete_what")) {
            node.completeWhat = m_w.text(e, where).value_or(QString());
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

    if (const Walker::Entry *e = findEntry(byKey, QLatin1StringView("sql_file")))
        readSqlFileEntry(*e, extra, where);

    if (dbt)
        checkDbtNode(node, byKey, itemPos, where);
    else if (kind)
        checkKindRequirements(node, byKey, itemPos, where);

    m_nodeExtras.append(std::move(extra));
    c.nodes.append(std::move(node));
}

void ContractBuilder::readRun(const Walker::Entry &e, Node &node, const QString &where)
{
    if (e.value.IsSequence()) {
        auto items = m_w.textList(e, where);
        if (!items)
            return;
        for (const auto &[arg, p] : *items)
            node.argv.append(arg);
        if (node.argv.isEmpty())
            m_w.error(
                Walker::posOf(e.value, e.keyPos),
                QStringLiteral("'run' in %1 is an empty list; name the program to run").arg(where));
    } else if (auto t = m_w.text(e, where)) {
        node.shell = *t;
        if (t->trimmed().isEmpty())
            m_w.error(Walker::posOf(e.value, e.keyPos),
                      QStringLiteral("'run' in %1 is empty; give a command").arg(where));
    }
}

void ContractBuilder::readSqlFileEntry(const Walker::Entry &e, NodeExtra &extra,
                                       const QString &where)
{
    const SourcePos vp = Walker::posOf(e.value, e.keyPos);
    if (!e.value.IsMap()) {
        if (auto t = m_w.text(e, where)) {
            if (auto file = readSqlFile(*t, vp, where))
                extra.sql.append(*file);
        }
        return;
    }
    // `sql_file: {default: x.sql, mysql: mysql/x.sql}`: the file for the
    // dialect of the node's connection, else `default`, chosen in
    // splitSql() once the connection is known. Every file is read, so that
    // a missing variant is found whatever the connection.
    const QString what = QStringLiteral("'sql_file' in %1").arg(where);
    bool sawDefault = false;
    for (const auto &v : m_w.entries(e.value, kSqlFileKeys, what, e.keyPos)) {
        auto t = m_w.text(v, what);
        if (!t)
            continue;
        if (v.key == QLatin1String("default"))
            sawDefault = true;
        if (auto file = readSqlFile(*t, Walker::posOf(v.value, v.keyPos), where)) {
            file->variant = v.key;
            extra.sql.append(*file);
        }
    }
    if (!sawDefault)
        m_w.error(vp, QStringLiteral("%1 needs a 'default' file, for dialects it does not name "
                                     "(e.g. sql_file: {default: models/x.sql, sqlite: "
                                     "models/sqlite/x.sql})")
                          .arg(what));
}

std::optional<SqlSource> ContractBuilder::readSqlFile(const QString &relative, SourcePos pos,
                                                      const QString &where)
{
    const QString path = m_w.resolvePath(relative);
    QFile f(path);
    if (!QFileInfo(path).isFile()) {
        m_w.error(pos, QStringLiteral("sql_file '%1' for %2 not found (looked for %3)")
                           .arg(relative, where, path));
        return std::nullopt;
    }
    if (f.size() > ContractLoader::kMaxFileBytes) {
        m_w.error(
            pos, QStringLiteral("sql_file '%1' for %2 is larger than 16 MiB").arg(relative, where));
        return std::nullopt;
    }
    if (!f.open(QIODevice::ReadOnly)) {
        m_w.error(pos, QStringLiteral("cannot read sql_file '%1' for %2: %3")
                           .arg(relative, where, f.errorString()));
        return std::nullopt;
    }
    const QByteArray bytes = f.readAll();
    if (firstInvalidUtf8(bytes)) {
        m_w.error(
            pos,
            QStringLiteral("sql_file '%1' for %2 is not valid UTF-8 text").arg(relative, where));
        return std::nullopt;
    }
    return SqlSource{QString::fromUtf8(bytes), pos, 1, relative, path, QString()};
}

void ContractBuilder::splitSql(Contract &c)
{
    for (int i = 0; i < c.nodes.size() && i < m_nodeExtras.size(); ++i) {
        NodeExtra &extra = m_nodeExtras[i];
        if (extra.sql.isEmpty())
            continue;
        Node &node = c.nodes[i];
        const auto conn = c.connections.constFind(node.connection);
        const Connection::Dialect dialect =
            conn == c.connections.cend() ? Connection::Dialect::Generic : conn->dialect;
        const QString where = QStringLiteral("node '%1'").arg(node.id);
        // Of per-dialect files, the dialect's own, else the default.
        const QString dialectName = toString(dialect);
        const auto chosen = [&](const SqlSource &source) {
            if (source.variant.isEmpty())
                return true;
            const bool own =
                std::any_of(extra.sql.cbegin(), extra.sql.cend(),
                            [&](const SqlSource &s) { return s.variant == dialectName; });
            return own ? source.variant == dialectName : source.variant == QLatin1String("default");
        };
        for (const SqlSource &source : std::as_const(extra.sql)) {
            if (!chosen(source))
                continue;
            if (!source.path.isEmpty())
                node.sqlFile = source.path;
            const SqlSplit split = splitSqlScript(source.text, dialect);
            if (!split.error.isEmpty()) {
                if (source.file.isEmpty())
                    m_w.error({source.firstLine + split.errorLine - 1, 1},
                              QStringLiteral("the sql of %1 cannot be split into statements "
                                             "(%2 dialect): %3")
                                  .arg(where, toString(dialect), split.error));
                else
                    m_w.errorInFile(
                        QDir::cleanPath(QFileInfo(m_w.file()).dir().filePath(source.file)),
                        split.errorLine,
                        QStringLiteral("sql_file of %1 cannot be split into "
                                       "statements (%2 dialect): %3")
                            .arg(where, toString(dialect), split.error));
                continue;
            }
            if (split.statements.isEmpty()) {
                m_w.error(source.pos,
                          source.file.isEmpty()
                              ? QStringLiteral("the sql of %1 has no statements").arg(where)
                              : QStringLiteral("sql_file '%1' for %2 has no statements")
                                    .arg(source.file, where));
                continue;
            }
            for (const SqlStatement &s : split.statements) {
                node.statements.append(s.text);
                node.statementLines.append(source.firstLine + s.line - 1);
            }
        }
        extra.sql.clear();
    }
}

void ContractBuilder::readWait(const Walker::Entry &e, Node &node, const QString &where)
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
        m_w.error(pos,
                  QStringLiteral("%1 needs 'every' (how often to look again, e.g. 5m)").arg(what));
    const bool hasUntil = e.value["until"].IsDefined();
    const bool hasUpTo = e.value["up_to"].IsDefined();
    if (hasUntil == hasUpTo)
        m_w.error(pos, QStringLiteral("%1 needs exactly one limit: 'until: \"MON 10:00\"' or "
                                      "'up_to: 2h'")
                           .arg(what));
    node.wait = wait;
}

void ContractBuilder::readDbtKey(const Walker::Entry &e, Node &node, const QString &where)
{
    DbtResource &dbt = *node.dbt;
    const QString &k = e.key;
    if (k == QLatin1String("threads")) {
        dbt.threads = m_w.integer(e, where, 1, 1024).value_or(0);
        return;
    }
    const std::optional<QString> text = m_w.text(e, where);
    if (!text)
        return;
    const SourcePos vp = Walker::posOf(e.value, e.keyPos);
    if (k == QLatin1String("unique_id")) {
        dbt.uniqueId = *text;
        dbt.resourceType = DbtResource::typeOf(*text);
        if (dbt.resourceType.isEmpty())
            m_w.error(vp, QStringLiteral("'unique_id: %1' in %2 is not the unique id of a dbt "
                                         "model, seed, snapshot or test; write it as dbt's "
                                         "manifest does, e.g. model.shop.orders")
                              .arg(*text, where));
    } else if (k == QLatin1String("select")) {
        dbt.select = *text;
        if (text->trimmed().isEmpty() || text->contains(QLatin1Char(' ')))
            m_w.error(vp, QStringLiteral("'select' in %1 must be one dbt selector that picks "
                                         "this resource alone, without spaces")
                              .arg(where));
    } else if (k == QLatin1String("program")) {
        dbt.program = *text;
    } else if (k == QLatin1String("target")) {
        dbt.target = *text;
    } else if (k == QLatin1String("project_dir") || k == QLatin1String("profiles_dir")) {
        m_w.checkEnvRefs(*text, vp, where);
        const QString path = text->contains(QLatin1String("${")) ? *text : m_w.resolvePath(*text);
        (k == QLatin1String("project_dir") ? dbt.projectDir : dbt.profilesDir) = path;
    }
}

// A dbt node is a command node that also says which dbt resource it is: its
// `argv` is what it runs alone (the scheduler runs ready dbt nodes together).
const Walker::Entry *ContractBuilder::findEntry(const NodeEntries &entries, QLatin1StringView key)
{
    for (const Walker::Entry &e : entries) {
        if (e.key == key)
            return &e;
    }
    return nullptr;
}

void ContractBuilder::checkDbtNode(Node &node, const NodeEntries &keys, SourcePos pos,
                                   const QString &where)
{
    DbtResource &dbt = *node.dbt;
    if (!findEntry(keys, QLatin1StringView("unique_id"))) {
        m_w.error(pos, QStringLiteral("%1 is missing required key 'unique_id' (the dbt "
                                      "resource, as the manifest names it: model.shop.orders)")
                           .arg(where));
        return;
    }
    if (dbt.resourceType.isEmpty())
        return;
    if (dbt.select.isEmpty())
        dbt.select = DbtResource::selectorFor(dbt.uniqueId);
    if (dbt.program.isEmpty())
        dbt.program = QStringLiteral("dbt");
    node.argv = dbt.commandFor({dbt.select});
    node.workingDir = dbt.projectDir;
}

void ContractBuilder::checkKindRequirements(const Node &node, const NodeEntries &keys,
                                            SourcePos pos, const QString &where)
{
    auto has = [&](const char *k) { return findEntry(keys, QLatin1StringView(k)) != nullptr; };
    // The value of a key; undefined when the node has none (posOf() falls back).
    auto valueOf = [&](const char *k) {
        const Walker::Entry *e = findEntry(keys, QLatin1StringView(k));
        return e ? e->value : YNode();
    };
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
            m_w.error(pos, QStringLiteral("%1 needs 'warn_after' and/or 'error_after'").arg(where));
        if (has("complete_over") != has("date_column"))
            m_w.error(pos, has("complete_over")
                               ? QStringLiteral("%1 has 'complete_over' but no 'date_column': "
                                                "name the column that carries each row's date, "
                                                "e.g. date_column: raw_orders.created_at")
                                     .arg(where)
                               : QStringLiteral("%1 has 'date_column' but no 'complete_over: "
                                                "period'")
                                     .arg(where));
        if (has("complete_over") && has("path"))
            m_w.error(pos, QStringLiteral("%1: 'complete_over' needs a 'loaded_at' query on a "
                                          "connection, not a 'path'")
                               .arg(where));
        if (node.warnAfter && node.errorAfter && *node.warnAfter >= *node.errorAfter)
            m_w.error(
                Walker::posOf(valueOf("warn_after"), pos),
                QStringLiteral("'warn_after' (%1) must be shorter than 'error_after' (%2) in %3")
                    .arg(formatDuration(*node.warnAfter), formatDuration(*node.errorAfter), where));
        break;
    case NodeKind::Check:
        need("connection", QStringLiteral("the connection the queries run on"));
        need("value", QStringLiteral("a query returning one number"));
        if (!has("warn_if") && !has("error_if"))
            m_w.error(pos, QStringLiteral("%1 needs 'warn_if' and/or 'error_if'").arg(where));
        for (const auto &[key, th] :
             {std::pair{"warn_if", node.warnIf}, std::pair{"error_if", node.errorIf}}) {
            if (th && th->needsReference() && !has("reference"))
                m_w.error(Walker::posOf(valueOf(key), pos),
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

} // namespace vouch::engine::loader
