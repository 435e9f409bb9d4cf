#include "engine/interop/dbtobserve.h"

#include "engine/contract/contract.h"
#include "engine/interop/artifactread.h"
#include "engine/store/statestore.h"
#include "engine/util/clock.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace vouch::engine::dbt {

using interop::JsonPull;

namespace {

constexpr int kKnownRunResultsSchema = 6;
constexpr int kKnownSourcesSchema = 3;

// dbt writes microseconds and either `Z` or `+00:00`; Qt wants milliseconds.
QDateTime parseTime(const QString &text)
{
    if (text.isEmpty())
        return {};
    static const QRegularExpression fraction(QStringLiteral("(\\.\\d{3})\\d+"));
    QString t = text;
    t.replace(fraction, QStringLiteral("\\1"));
    if (!t.endsWith(u'Z') &&
        !QRegularExpression(QStringLiteral("[+-]\\d\\d:?\\d\\d$")).match(t).hasMatch())
        t += u'Z'; // dbt's times are UTC
    QDateTime at = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!at.isValid())
        at = QDateTime::fromString(t, Qt::ISODate);
    return at.isValid() ? at.toUTC() : QDateTime();
}

// Reads the object at `j`: the members `fields` names as text (see
// readScalarText), the others skipped.
bool readTextMembers(JsonPull &j,
                     std::initializer_list<std::pair<std::string_view, QString *>> fields)
{
    if (!j.beginObject())
        return false;
    std::string_view key;
    while (j.nextKey(&key)) {
        const auto field = std::find_if(fields.begin(), fields.end(),
                                        [key](const auto &f) { return f.first == key; });
        if (field != fields.end())
            j.readScalarText(field->second);
        else
            j.skipValue();
    }
    return j.ok();
}

bool readTiming(JsonPull &j, NodeResult *r)
{
    if (j.peek() != JsonPull::Type::Array)
        return j.skipValue();
    j.beginArray();
    while (j.nextElement()) {
        if (j.peek() != JsonPull::Type::Object) {
            j.skipValue();
            continue;
        }
        QString started, completed;
        readTextMembers(j, {{"started_at", &started}, {"completed_at", &completed}});
        const QDateTime s = parseTime(started);
        const QDateTime c = parseTime(completed);
        if (s.isValid() && (!r->startedAt.isValid() || s < r->startedAt))
            r->startedAt = s;
        if (c.isValid() && (!r->finishedAt.isValid() || c > r->finishedAt))
            r->finishedAt = c;
    }
    return j.ok();
}

bool readResult(JsonPull &j, NodeResult *r)
{
    if (!j.beginObject())
        return false;
    QString error, maxLoadedAt;
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "unique_id") {
            j.readString(&r->uniqueId);
        } else if (key == "status") {
            j.readScalarText(&r->status);
        } else if (key == "timing") {
            readTiming(j, r);
        } else if (key == "execution_time") {
            r->executionTime = j.readOptionalNumber().value_or(0);
        } else if (key == "failures") {
            r->failures = j.readOptionalNumber();
        } else if (key == "message") {
            j.readScalarText(&r->message);
        } else if (key == "error") {
            j.readScalarText(&error);
        } else if (key == "max_loaded_at") {
            j.readScalarText(&maxLoadedAt);
        } else if (key == "max_loaded_at_time_ago_in_s") {
            r->ageSeconds = j.readOptionalNumber();
        } else if (key == "node" && j.peek() == JsonPull::Type::Object) {
            // run-results v1 kept the unique id inside the node.
            j.beginObject();
            std::string_view k;
            while (j.nextKey(&k)) {
                if (k == "unique_id" && r->uniqueId.isEmpty())
                    j.readString(&r->uniqueId);
                else
                    j.skipValue();
            }
        } else {
            j.skipValue();
        }
    }
    if (r->message.isEmpty())
        r->message = error;
    r->maxLoadedAt = parseTime(maxLoadedAt);
    return j.ok();
}

} // namespace

std::optional<ObservedState> stateOf(const QString &status, RunResults::Kind kind)
{
    const QString s = status.toLower().trimmed();
    const bool sources = kind == RunResults::Kind::Sources;
    if (s == QLatin1String("success") || s == QLatin1String("pass") || s == QLatin1String("no-op"))
        return ObservedState{NodeState::Succeeded, sources ? Freshness::Fresh : Freshness::Unknown};
    if (s == QLatin1String("warn") || s == QLatin1String("partial success"))
        return ObservedState{NodeState::Warned,
                             sources ? Freshness::StaleWarn : Freshness::Unknown};
    if (s == QLatin1String("error") || s == QLatin1String("fail"))
        return ObservedState{NodeState::Failed,
                             sources ? Freshness::StaleError : Freshness::Unknown};
    if (s == QLatin1String("runtime error") || s == QLatin1String("runtimeerror") ||
        s == QLatin1String("runtime_error"))
        return ObservedState{NodeState::Failed, Freshness::Unknown};
    if (s == QLatin1String("skipped") || s == QLatin1String("skip"))
        return ObservedState{NodeState::Skipped, Freshness::Unknown};
    return std::nullopt;
}

QString observedPeriod(const Report &report, const QDateTime &at)
{
    const QTimeZone zone(report.timezone);
    const QDate day = zone.isValid() ? at.toTimeZone(zone).date() : at.toUTC().date();
    return Period::containing(day, report.cadence).key();
}

RunResultsResult parseRunResults(QByteArrayView bytes, const QString &fileName)
{
    RunResultsResult result;
    JsonPull j(bytes.data(), bytes.data() + bytes.size());
    auto error = [&](qint64 offset, const QString &message) {
        result.diagnostics.append(interop::jsonError(j, fileName, offset, message));
        return result;
    };
    if (bytes.isEmpty())
        return error(-1, QStringLiteral("the file is empty; expected dbt's run_results.json or "
                                        "sources.json"));
    if (j.peek() != JsonPull::Type::Object)
        return error(j.offset(), QStringLiteral("not dbt run results: the file is not a JSON "
                                                "object"));
    RunResults r;
    r.path = fileName;
    QString schemaUrl, generatedAt;
    bool sawResults = false;
    j.beginObject();
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "metadata" && j.peek() == JsonPull::Type::Object) {
            j.beginObject();
            std::string_view k;
            while (j.nextKey(&k)) {
                if (k == "dbt_schema_version")
                    j.readString(&schemaUrl);
                else if (k == "generated_at")
                    j.readScalarText(&generatedAt);
                else if (k == "invocation_id")
                    j.readScalarText(&r.invocationId);
                else
                    j.skipValue();
            }
        } else if (key == "args" && j.peek() == JsonPull::Type::Object) {
            readTextMembers(j, {{"which", &r.command}});
        } else if (key == "results") {
            sawResults = true;
            if (!j.beginArray())
                break;
            while (j.nextElement()) {
                NodeResult n;
                const qint64 offset = j.offset();
                if (!readResult(j, &n))
                    break;
                if (n.uniqueId.isEmpty()) {
                    return error(offset, QStringLiteral("a result has no 'unique_id'; the file "
                                                        "is damaged"));
                }
                r.results.append(n);
            }
        } else {
            j.skipValue();
        }
    }
    if (!interop::finishDocument(j))
        return error(j.errorOffset(), QStringLiteral("not valid JSON: %1").arg(j.error()));
    static const QRegularExpression schema(
        QStringLiteral("/(run-results|sources)/v(\\d+)(\\.json)?$"));
    const auto match = schema.match(schemaUrl);
    if (!match.hasMatch())
        return error(0, schemaUrl.isEmpty()
                            ? QStringLiteral("not dbt run results: no metadata.dbt_schema_version")
                            : QStringLiteral("not dbt run results or source freshness results: "
                                             "its schema is '%1'")
                                  .arg(schemaUrl));
    r.kind = match.captured(1) == QLatin1String("sources") ? RunResults::Kind::Sources
                                                           : RunResults::Kind::RunResults;
    r.schemaVersion = match.captured(2).toInt();
    const int known =
        r.kind == RunResults::Kind::Sources ? kKnownSourcesSchema : kKnownRunResultsSchema;
    if (r.schemaVersion < 1)
        return error(0, QStringLiteral("unknown schema version in '%1'").arg(schemaUrl));
    if (r.schemaVersion > known)
        result.diagnostics.append({Diagnostic::Severity::Warning, fileName, 0, 0,
                                   QStringLiteral("schema v%1 is newer than this Vouch knows "
                                                  "(v%2); reading it as v%2")
                                       .arg(r.schemaVersion)
                                       .arg(known)});
    if (!sawResults)
        return error(0, QStringLiteral("not dbt run results: it has no 'results'"));
    r.generatedAt = parseTime(generatedAt);
    if (r.kind == RunResults::Kind::Sources && r.command.isEmpty())
        r.command = QStringLiteral("source freshness");
    result.results = std::move(r);
    return result;
}

RunResultsResult readRunResults(const QString &path)
{
    QFile file(path);
    if (const QString problem = interop::openJsonFile(
            file, QStringLiteral("give dbt's target/run_results.json or target/sources.json"),
            QStringLiteral("give the JSON file"));
        !problem.isEmpty())
        return interop::unreadableArtifact<RunResultsResult>(path, problem);
    const QByteArray bytes = file.readAll();
    return parseRunResults(bytes, path);
}

ObserveResult record(StateStore &store, const ObserveRequest &request)
{
    Q_ASSERT(request.contract);
    const Contract &contract = *request.contract;
    ObserveResult result;
    if (request.artifacts.isEmpty()) {
        result.error = QStringLiteral("nothing to observe");
        return result;
    }
    const RunResults &first = request.artifacts.first();
    const QDateTime when = first.generatedAt.isValid() ? first.generatedAt : clockNow();
    result.period =
        request.period.isEmpty() ? observedPeriod(contract.report, when) : request.period;

    QStringList invocations;
    for (const RunResults &a : request.artifacts) {
        if (!a.invocationId.isEmpty())
            invocations << QStringLiteral("%1 %2").arg(a.command, a.invocationId);
    }
    const QString reason = QStringLiteral("observed dbt invocation %1")
                               .arg(invocations.isEmpty() ? QStringLiteral("(no invocation id)")
                                                          : invocations.join(QStringLiteral(", ")));

    qint64 runId = 0;
    if (const auto existing = store.findRun(contract.report.id, result.period)) {
        runId = existing->id;
        if (!invocations.isEmpty()) {
            for (const AttemptRecord &a : store.attempts(runId)) {
                if (a.reason == reason) {
                    result.runId = runId;
                    result.attempt = a.attempt;
                    result.alreadyRecorded = true;
                    return result;
                }
            }
        }
    } else {
        runId = store.createRun(contract.report.id, result.period, contract.filePath);
    }
    if (runId <= 0) {
        result.error = store.lastError();
        return result;
    }
    const bool firstAttempt = store.attempts(runId).isEmpty();

    // What each result means for which node. A later artifact (sources.json
    // after run_results.json) overrides an earlier one for the same node.
    struct Observed
    {
        const NodeResult *result;
        ObservedState state;
        RunResults::Kind kind;
    };
    QHash<QString, Observed> byNode;
    QStringList order;
    QStringList foreign;
    for (const RunResults &a : request.artifacts) {
        for (const NodeResult &r : a.results) {
            const QString id = request.idOf.value(r.uniqueId);
            if (id.isEmpty() || !contract.node(id)) {
                foreign << r.uniqueId;
                continue;
            }
            auto state = stateOf(r.status, a.kind);
            if (!state) {
                result.diagnostics.append(
                    {Diagnostic::Severity::Warning, a.path, 0, 0,
                     QStringLiteral("node %1 has status '%2', which this Vouch does not know; "
                                    "recorded as failed")
                         .arg(r.uniqueId, r.status)});
                state = ObservedState{NodeState::Failed, Freshness::Unknown};
            }
            if (!byNode.contains(id))
                order << id;
            byNode.insert(id, Observed{&r, *state, a.kind});
        }
    }
    if (!foreign.isEmpty())
        result.diagnostics.append(
            {Diagnostic::Severity::Warning, first.path, 0, 0,
             QStringLiteral("%1 result(s) for resources with no node in contract '%2' (not "
                            "recorded): %3")
                 .arg(foreign.size())
                 .arg(contract.report.id,
                      QStringList(foreign.mid(0, 5)).join(QStringLiteral(", ")) +
                          (foreign.size() > 5 ? QStringLiteral(", ...") : QString()))});

    QStringList selection = order;
    QStringList untouched;
    if (firstAttempt) {
        for (const Node &n : contract.nodes) {
            if (!byNode.contains(n.id))
                untouched << n.id;
        }
        selection += untouched;
    }
    const int attempt = store.beginAttempt(runId, request.who, reason, selection,
                                           contract.sourceSha256, contract.sourceText);
    if (attempt <= 0) {
        result.error = store.lastError();
        return result;
    }
    result.runId = runId;
    result.attempt = attempt;

    for (const QString &id : std::as_const(order)) {
        const Observed &o = byNode.value(id);
        const NodeResult &r = *o.result;
        QDateTime end = r.finishedAt.isValid() ? r.finishedAt : when;
        QDateTime start = r.startedAt;
        if (!start.isValid() && r.executionTime > 0)
            start = end.addMSecs(-qint64(r.executionTime * 1000));
        if (start.isValid() && start > end)
            start = end;
        if (start.isValid() && o.state.state != NodeState::Skipped) {
            Transition running = makeTransition(runId, attempt, id, NodeState::Running, start);
            running.tries = 1;
            store.record(running);
        }
        Transition t = makeTransition(runId, attempt, id, o.state.state, end);
        t.tries = o.state.state == NodeState::Skipped ? 0 : 1;
        t.freshness = o.state.freshness;
        t.message = r.message.trimmed();
        if (t.message.isEmpty())
            t.message = QStringLiteral("dbt: %1").arg(r.status);
        t.value = r.failures;
        if (r.ageSeconds) {
            t.ageSeconds = qint64(*r.ageSeconds);
            t.value = *r.ageSeconds;
        }
        t.observedAt = r.maxLoadedAt;
        store.record(t);
        result.states.insert(id, t.state);
    }
    for (const QString &id : std::as_const(untouched)) {
        Transition t = makeTransition(runId, attempt, id, NodeState::Skipped, when);
        t.message = QStringLiteral("not part of this dbt invocation (%1)")
                        .arg(first.command.isEmpty() ? QStringLiteral("dbt") : first.command);
        store.record(t);
        result.states.insert(id, t.state);
    }
    QString error;
    if (!store.flush(&error)) {
        result.error = error;
        return result;
    }
    store.finishAttempt(runId, attempt);
    return result;
}

} // namespace vouch::engine::dbt
