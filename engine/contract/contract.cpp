#include "engine/contract/contract.h"

#include <algorithm>

namespace vouch::engine {

namespace {
struct KindName
{
    NodeKind kind;
    const char *name;
};
constexpr KindName kKindNames[] = {
    {NodeKind::Command, "command"},     {NodeKind::Sql, "sql"},
    {NodeKind::Freshness, "freshness"}, {NodeKind::Check, "check"},
    {NodeKind::Publish, "publish"},     {NodeKind::Noop, "noop"},
};
} // namespace

QString toString(NodeKind kind)
{
    for (const auto &entry : kKindNames) {
        if (entry.kind == kind)
            return QString::fromLatin1(entry.name);
    }
    Q_UNREACHABLE();
}

std::optional<NodeKind> nodeKindFromString(const QString &text)
{
    for (const auto &entry : kKindNames) {
        if (text == QLatin1String(entry.name))
            return entry.kind;
    }
    return std::nullopt;
}

QStringList nodeKindNames()
{
    QStringList names;
    for (const auto &entry : kKindNames)
        names << QString::fromLatin1(entry.name);
    return names;
}

QString DbtResource::typeOf(const QString &uniqueId)
{
    const QString type = uniqueId.section(QLatin1Char('.'), 0, 0);
    static const QStringList kTypes = {QStringLiteral("model"), QStringLiteral("seed"),
                                       QStringLiteral("snapshot"), QStringLiteral("test")};
    return kTypes.contains(type) && uniqueId.count(QLatin1Char('.')) >= 2 ? type : QString();
}

QString DbtResource::selectorFor(const QString &uniqueId)
{
    const QString type = typeOf(uniqueId);
    if (type.isEmpty())
        return {};
    const QStringList parts = uniqueId.split(QLatin1Char('.'));
    QString name = parts.at(2);
    // model.shop.orders.v2 is version 2 of orders: dbt selects it as orders.v2.
    if (type == QLatin1String("model") && parts.size() == 4)
        name += QLatin1Char('.') + parts.at(3);
    return name;
}

QString DbtResource::batchKey() const
{
    return QStringList{program, projectDir, profilesDir, target, QString::number(threads)}.join(
        QChar(0x1f));
}

QStringList DbtResource::commandFor(const QStringList &selectors) const
{
    QStringList argv = {program, QStringLiteral("build"), QStringLiteral("--select")};
    argv += selectors;
    // dbt >= 1.5: the tests of a selected model are not added; a test runs
    // when it is selected itself, so each runs once.
    argv << QStringLiteral("--indirect-selection") << QStringLiteral("empty");
    if (!projectDir.isEmpty())
        argv << QStringLiteral("--project-dir") << projectDir;
    if (!profilesDir.isEmpty())
        argv << QStringLiteral("--profiles-dir") << profilesDir;
    if (!target.isEmpty())
        argv << QStringLiteral("--target") << target;
    if (threads > 0)
        argv << QStringLiteral("--threads") << QString::number(threads);
    return argv;
}

QString toString(AlertChannel::Type type)
{
    switch (type) {
    case AlertChannel::Type::Slack:
        return QStringLiteral("slack");
    case AlertChannel::Type::Teams:
        return QStringLiteral("teams");
    case AlertChannel::Type::PagerDuty:
        return QStringLiteral("pagerduty");
    case AlertChannel::Type::Webhook:
        return QStringLiteral("webhook");
    }
    Q_UNREACHABLE();
}

namespace {
struct DialectName
{
    Connection::Dialect dialect;
    const char *name;
};
constexpr DialectName kDialects[] = {
    {Connection::Dialect::Snowflake, "snowflake"},   {Connection::Dialect::SqlServer, "sqlserver"},
    {Connection::Dialect::Databricks, "databricks"}, {Connection::Dialect::Redshift, "redshift"},
    {Connection::Dialect::Postgres, "postgres"},     {Connection::Dialect::Mysql, "mysql"},
    {Connection::Dialect::Sqlite, "sqlite"},         {Connection::Dialect::Generic, "generic"},
};
} // namespace

QString toString(Connection::Driver driver)
{
    switch (driver) {
    case Connection::Driver::Sqlite:
        return QStringLiteral("sqlite");
    case Connection::Driver::Postgres:
        return QStringLiteral("postgres");
    case Connection::Driver::Mysql:
        return QStringLiteral("mysql");
    case Connection::Driver::Odbc:
        return QStringLiteral("odbc");
    }
    Q_UNREACHABLE();
}

QString toString(Connection::Dialect dialect)
{
    for (const DialectName &d : kDialects) {
        if (d.dialect == dialect)
            return QString::fromLatin1(d.name);
    }
    Q_UNREACHABLE();
}

std::optional<Connection::Dialect> dialectFromString(const QString &name)
{
    for (const DialectName &d : kDialects) {
        if (name == QLatin1String(d.name))
            return d.dialect;
    }
    return std::nullopt;
}

QStringList dialectNames()
{
    QStringList names;
    for (const DialectName &d : kDialects)
        names << QString::fromLatin1(d.name);
    return names;
}

QString toString(FailurePolicy policy)
{
    switch (policy) {
    case FailurePolicy::Block:
        return QStringLiteral("block");
    case FailurePolicy::Hold:
        return QStringLiteral("hold");
    case FailurePolicy::Caveat:
        return QStringLiteral("caveat");
    }
    Q_UNREACHABLE();
}

const Node *Contract::node(const QString &id) const
{
    auto it = std::find_if(nodes.cbegin(), nodes.cend(), [&](const Node &n) { return n.id == id; });
    return it == nodes.cend() ? nullptr : &*it;
}

const Section *Contract::section(const QString &id) const
{
    const auto &sections = report.sections;
    auto it = std::find_if(sections.cbegin(), sections.cend(),
                           [&](const Section &s) { return s.id == id; });
    return it == sections.cend() ? nullptr : &*it;
}

int Contract::edgeCount() const
{
    int edges = 0;
    for (const Node &n : nodes)
        edges += int(n.needs.size());
    return edges;
}

} // namespace vouch::engine
