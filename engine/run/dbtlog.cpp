#include "engine/run/dbtlog.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

namespace vouch::engine::dbtrun {

namespace {

// dbt colours the status words of its human lines (\u001b[32mOK\u001b[0m).
QString withoutEscapes(QString text)
{
    static const QRegularExpression escape(QStringLiteral("\\x1b\\[[0-9;]*[A-Za-z]"));
    return text.remove(escape);
}

std::optional<double> number(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble();
    return std::nullopt;
}

const QStringList kStartEvents = {QStringLiteral("NodeStart"), QStringLiteral("LogStartLine")};
const QStringList kEndEvents = {
    QStringLiteral("NodeFinished"),      QStringLiteral("LogModelResult"),
    QStringLiteral("LogTestResult"),     QStringLiteral("LogSeedResult"),
    QStringLiteral("LogSnapshotResult"), QStringLiteral("LogFreshnessResult"),
    QStringLiteral("SkippingDetails"),   QStringLiteral("LogNodeResult")};

} // namespace

NodeState stateOf(NodeResult::Verdict verdict)
{
    switch (verdict) {
    case NodeResult::Verdict::Succeeded:
        return NodeState::Succeeded;
    case NodeResult::Verdict::Warned:
        return NodeState::Warned;
    case NodeResult::Verdict::Failed:
    case NodeResult::Verdict::Error:
        return NodeState::Failed;
    case NodeResult::Verdict::Skipped:
        return NodeState::UpstreamFailed;
    }
    return NodeState::Failed;
}

std::optional<NodeResult::Verdict> verdictOf(const QString &status)
{
    const QString s = status.trimmed().toLower();
    if (s == QLatin1String("success") || s == QLatin1String("pass") ||
        s == QLatin1String("no-op") || s == QLatin1String("ok"))
        return NodeResult::Verdict::Succeeded;
    if (s == QLatin1String("warn") || s == QLatin1String("partial success"))
        return NodeResult::Verdict::Warned;
    if (s == QLatin1String("fail"))
        return NodeResult::Verdict::Failed;
    if (s == QLatin1String("error") || s == QLatin1String("runtime error"))
        return NodeResult::Verdict::Error;
    if (s == QLatin1String("skipped") || s == QLatin1String("skip"))
        return NodeResult::Verdict::Skipped;
    return std::nullopt;
}

std::optional<LogEvent> parseLogLine(const QByteArray &line)
{
    const QByteArray trimmed = line.trimmed();
    if (!trimmed.startsWith('{'))
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject root = doc.object();
    const QJsonObject info = root.value(QLatin1String("info")).toObject();
    const QJsonObject data = root.value(QLatin1String("data")).toObject();
    LogEvent event;
    event.name = info.value(QLatin1String("name")).toString();
    event.invocationId = info.value(QLatin1String("invocation_id")).toString();
    event.level = info.value(QLatin1String("level")).toString();
    event.msg = withoutEscapes(info.value(QLatin1String("msg")).toString());
    const QJsonObject nodeInfo = data.value(QLatin1String("node_info")).toObject();
    event.uniqueId = nodeInfo.value(QLatin1String("unique_id")).toString();
    if (event.uniqueId.isEmpty())
        return event;
    if (kStartEvents.contains(event.name)) {
        event.kind = LogEvent::Kind::Started;
        return event;
    }
    if (!kEndEvents.contains(event.name))
        return event;

    // The status: NodeFinished's run_result, else the node's status, else the
    // event's own (LogTestResult writes pass/fail/warn in data.status).
    const QJsonObject runResult = data.value(QLatin1String("run_result")).toObject();
    QStringList candidates = {runResult.value(QLatin1String("status")).toString(),
                              nodeInfo.value(QLatin1String("node_status")).toString(),
                              data.value(QLatin1String("status")).toString()};
    if (event.name == QLatin1String("SkippingDetails"))
        candidates.prepend(QStringLiteral("skipped"));
    for (const QString &status : std::as_const(candidates)) {
        if (const auto verdict = verdictOf(status)) {
            event.kind = LogEvent::Kind::Finished;
            event.result.verdict = *verdict;
            event.result.status = status.toLower();
            break;
        }
    }
    if (event.kind != LogEvent::Kind::Finished)
        return event; // "started", "compiling", …: not an end
    event.result.failures = number(runResult.value(QLatin1String("failures")));
    if (!event.result.failures)
        event.result.failures = number(data.value(QLatin1String("num_failures")));
    event.result.message = runResult.value(QLatin1String("message")).toString();
    if (event.result.message.isEmpty())
        event.result.message = event.msg.simplified();
    return event;
}

RunResults readRunResults(const QString &path)
{
    RunResults out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        out.error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return out;
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        out.error = QStringLiteral("%1 is not valid JSON: %2").arg(path, error.errorString());
        return out;
    }
    const QJsonObject root = doc.object();
    out.invocationId = root.value(QLatin1String("metadata"))
                           .toObject()
                           .value(QLatin1String("invocation_id"))
                           .toString();
    for (const QJsonValue &v : root.value(QLatin1String("results")).toArray()) {
        const QJsonObject r = v.toObject();
        const QString id = r.value(QLatin1String("unique_id")).toString();
        const QString status = r.value(QLatin1String("status")).toString();
        const auto verdict = verdictOf(status);
        if (id.isEmpty() || !verdict)
            continue;
        NodeResult result;
        result.verdict = *verdict;
        result.status = status.toLower();
        result.message = r.value(QLatin1String("message")).toString();
        result.failures = number(r.value(QLatin1String("failures")));
        out.results.insert(id, result);
    }
    return out;
}

} // namespace vouch::engine::dbtrun
