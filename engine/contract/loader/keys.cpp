// The contract language's vocabulary: the keys each part of a file may use,
// in the order "expected one of: ..." lists them.
#include "engine/contract/loader/loaderstate.h"

namespace vouch::engine::loader {

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
    QStringLiteral("id"),          QStringLiteral("name"),         QStringLiteral("timezone"),
    QStringLiteral("schedule"),    QStringLiteral("publish_by"),   QStringLiteral("owners"),
    QStringLiteral("approvers"),   QStringLiteral("escalation"),   QStringLiteral("sections"),
    QStringLiteral("description"), QStringLiteral("alert"),        QStringLiteral("period"),
    QStringLiteral("calendar"),    QStringLiteral("skip_holidays")};
const QStringList kCalendarKeys = {QStringLiteral("workdays"), QStringLiteral("holidays"),
                                   QStringLiteral("holidays_file")};
const QStringList kOwnerKeys = {QStringLiteral("business"), QStringLiteral("technical")};
const QStringList kEscalationKeys = {QStringLiteral("at"), QStringLiteral("if"),
                                     QStringLiteral("notify")};
const QStringList kSectionKeys = {
    QStringLiteral("id"),      QStringLiteral("name"),       QStringLiteral("needs"),
    QStringLiteral("sources"), QStringLiteral("on_failure"), QStringLiteral("fallback"),
    QStringLiteral("owner"),   QStringLiteral("caveat"),     QStringLiteral("alert")};
const QStringList kConnectionKeys = {QStringLiteral("driver"),
                                     QStringLiteral("dialect"),
                                     QStringLiteral("database"),
                                     QStringLiteral("dsn"),
                                     QStringLiteral("connection_string"),
                                     QStringLiteral("host"),
                                     QStringLiteral("port"),
                                     QStringLiteral("user"),
                                     QStringLiteral("password"),
                                     QStringLiteral("options")};
const QStringList kCommonNodeKeys = {
    QStringLiteral("id"),          QStringLiteral("kind"),    QStringLiteral("needs"),
    QStringLiteral("description"), QStringLiteral("owner"),   QStringLiteral("tags"),
    QStringLiteral("group"),       QStringLiteral("retries"), QStringLiteral("retry_delay"),
    QStringLiteral("timeout"),     QStringLiteral("pool"),    QStringLiteral("impact")};
const QStringList kDbtNodeKeys = {QStringLiteral("unique_id"),    QStringLiteral("select"),
                                  QStringLiteral("program"),      QStringLiteral("project_dir"),
                                  QStringLiteral("profiles_dir"), QStringLiteral("target"),
                                  QStringLiteral("threads"),      QStringLiteral("env")};
const QString kDbtKind = QStringLiteral("dbt");
const QStringList kSqlFileKeys = QStringList{QStringLiteral("default")} + dialectNames();
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
        return {QStringLiteral("connection"),    QStringLiteral("loaded_at"),
                QStringLiteral("path"),          QStringLiteral("warn_after"),
                QStringLiteral("error_after"),   QStringLiteral("wait"),
                QStringLiteral("complete_over"), QStringLiteral("date_column"),
                QStringLiteral("complete_what")};
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
    all += kDbtNodeKeys;
    all.removeDuplicates();
    return all;
}

QStringList contractKindNames()
{
    return nodeKindNames() << kDbtKind;
}

const NodeKeys &nodeKeys(std::optional<NodeKind> kind)
{
    // Built once: a contract of 100,000 nodes asks 100,000 times.
    static const QHash<int, NodeKeys> table = [] {
        QHash<int, NodeKeys> t;
        auto make = [](std::optional<NodeKind> k) {
            NodeKeys keys;
            keys.allowed = kCommonNodeKeys;
            keys.allowed += k ? kindKeys(*k) : allKindKeys();
            keys.accepted = keys.allowed + allKindKeys();
            keys.accepted.removeDuplicates();
            return keys;
        };
        t.insert(-1, make(std::nullopt));
        for (const QString &name : nodeKindNames()) {
            const NodeKind k = *nodeKindFromString(name);
            t.insert(int(k), make(k));
        }
        return t;
    }();
    return *table.constFind(kind ? int(*kind) : -1);
}

const NodeKeys &dbtNodeKeys()
{
    static const NodeKeys keys = [] {
        NodeKeys k;
        k.allowed = kCommonNodeKeys + kDbtNodeKeys;
        k.accepted = k.allowed + allKindKeys();
        k.accepted.removeDuplicates();
        return k;
    }();
    return keys;
}

} // namespace vouch::engine::loader
