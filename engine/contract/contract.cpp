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
