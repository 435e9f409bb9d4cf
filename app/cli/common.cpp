#include "app/cli/common.h"

#include "engine/demo/demowarehouse.h"
#include "engine/graph/graph.h"
#include "engine/interop/loadcontract.h"
#include "engine/store/statesettings.h"
#include "engine/store/statestore.h"
#include "engine/util/clock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QStandardPaths>
#include <QTextStream>
#include <QTimeZone>

#include <algorithm>

namespace vouch::cli {

using namespace vouch::engine;

Args parseArgs(const QStringList &args, const QStringList &valueOptions,
               const QStringList &flagOptions)
{
    Args result;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a.startsWith(QLatin1String("--")) && a.size() > 2) {
            QString name = a.mid(2);
            QString value;
            const qsizetype eq = name.indexOf(QLatin1Char('='));
            if (eq >= 0) {
                value = name.mid(eq + 1);
                name = name.left(eq);
            }
            if (valueOptions.contains(name)) {
                if (eq < 0) {
                    if (i + 1 >= args.size()) {
                        result.error = QStringLiteral("option --%1 needs a value").arg(name);
                        return result;
                    }
                    value = args.at(++i);
                }
                result.options.insert(name, value);
                result.lists[name].append(value);
            } else if (flagOptions.contains(name) && eq < 0) {
                result.flags.insert(name);
            } else {
                result.error = QStringLiteral("unknown option --%1").arg(name);
                return result;
            }
        } else {
            result.positional << a;
        }
    }
    return result;
}

void printDiagnostics(const Diagnostics &diagnostics, QTextStream &err)
{
    for (const Diagnostic &d : diagnostics)
        err << d.format() << '\n';
}

int countErrors(const Diagnostics &diagnostics)
{
    return int(std::count_if(diagnostics.cbegin(), diagnostics.cend(), [](const Diagnostic &d) {
        return d.severity == Diagnostic::Severity::Error;
    }));
}

ContractPtr loadContract(const QString &path, QTextStream &err)
{
    const LoadResult result = loadContractFile(path);
    printDiagnostics(result.diagnostics, err);
    return result.contract;
}

QString glyph(NodeState state)
{
    switch (state) {
    case NodeState::Succeeded:
        return QStringLiteral("✔");
    case NodeState::Warned:
        return QStringLiteral("⚠");
    case NodeState::Failed:
        return QStringLiteral("✖");
    case NodeState::UpstreamFailed:
        return QStringLiteral("⊘");
    case NodeState::Cancelled:
        return QStringLiteral("■");
    case NodeState::Interrupted:
        return QStringLiteral("↯");
    case NodeState::Skipped:
        return QStringLiteral("↷");
    case NodeState::Running:
        return QStringLiteral("▶");
    case NodeState::Retrying:
        return QStringLiteral("↻");
    case NodeState::Queued:
    case NodeState::Pending:
        return QStringLiteral("·");
    }
    return QStringLiteral("·");
}

QString demoContractPath()
{
    return demo::contractPath();
}

QString defaultDemoDir()
{
    return demo::defaultDirectory();
}

QString defaultStatePath()
{
    const QString fromEnv = qEnvironmentVariable("VOUCH_STATE");
    if (!fromEnv.isEmpty())
        return fromEnv;
    // Team mode: the settings' state: block names the shared server.
    QString ignored;
    if (const auto settings = loadStateSettings(&ignored); settings && !settings->url.isEmpty())
        return settings->url;
    return StateStore::defaultPath();
}

std::optional<LatestRun> openLatestRun(const QString &command, const QString &statePath,
                                       const QString &file, QTextStream &err, StoreAccess access)
{
    LatestRun t;
    if (!StateStore::isServerUrl(statePath) && !QFileInfo::exists(statePath)) {
        err << "vouch " << command << ": no state store at " << statePath
            << "; run a contract first (vouch run FILE)\n";
        return std::nullopt;
    }
    QString error;
    t.store = access == StoreAccess::ReadWhereUnwritable && !StateStore::canWrite(statePath)
                  ? StateStore::openReadOnly(statePath, &error)
                  : StateStore::open(statePath, &error);
    if (!t.store) {
        err << "vouch " << command << ": " << error << '\n';
        return std::nullopt;
    }
    if (!file.isEmpty()) {
        t.contract = loadContract(file, err);
        if (!t.contract)
            return std::nullopt;
    }
    const auto run = t.store->latestRun(t.contract ? t.contract->report.id : QString());
    if (!run) {
        err << "vouch " << command << ": no runs recorded in " << statePath << '\n';
        return std::nullopt;
    }
    t.run = *run;
    followRunClock(t.run);
    if (!t.contract) {
        // The contract the run ran, as recorded, not the file as it is now.
        QString ran;
        for (const AttemptRecord &a : t.store->attempts(run->id)) {
            if (!a.contractSha256.isEmpty())
                ran = a.contractSha256;
        }
        if (const auto text = ran.isEmpty() ? std::nullopt : t.store->contractText(ran)) {
            const LoadResult loaded = loadContractText(*text, run->contractPath,
                                                       QFileInfo(run->contractPath).absolutePath());
            if (loaded.ok()) {
                auto contract = std::make_shared<Contract>(*loaded.contract);
                contract->filePath = run->contractPath;
                t.contract = contract;
                return t;
            }
        }
        QString ignored;
        QTextStream sink(&ignored);
        t.contract = loadContract(run->contractPath, sink);
        if (!t.contract) {
            err << "vouch " << command << ": the contract of the latest run (" << run->contractPath
                << ") cannot be loaded; give it as FILE\n";
            return std::nullopt;
        }
    }
    return t;
}

bool takeClockOption(QStringList &args, const QString &command, QTextStream &err)
{
    QString given;
    QString source;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--now")) {
            if (i + 1 >= args.size()) {
                err << "vouch " << command << ": option --now needs a value such as "
                    << "2026-11-30T06:00:00Z\n";
                return false;
            }
            given = args.at(i + 1);
            args.remove(i, 2);
            source = QStringLiteral("--now");
            --i;
        } else if (a.startsWith(QLatin1String("--now="))) {
            given = a.mid(6);
            args.remove(i);
            source = QStringLiteral("--now");
            --i;
        }
    }
    if (source.isEmpty() && qEnvironmentVariableIsSet("VOUCH_NOW") &&
        !qEnvironmentVariable("VOUCH_NOW").isEmpty()) {
        given = qEnvironmentVariable("VOUCH_NOW");
        source = QStringLiteral("VOUCH_NOW");
    }
    if (source.isEmpty())
        return true;
    QString error;
    const auto at = parseInstant(given, &error);
    if (!at) {
        err << "vouch " << command << ": " << source << ": " << error << '\n';
        return false;
    }
    setProcessClock(Clock::pinned(*at));
    return true;
}

void followRunClock(const RunRecord &run)
{
    if (!processClock().isPinned() && run.pinnedClock.isValid())
        setProcessClock(Clock::pinned(run.pinnedClock));
}

void printAssessment(const Contract &contract, const Assessment &assessment, QTextStream &out)
{
    static const QMap<QString, QString> words{
        {QStringLiteral("safe"), QStringLiteral("safe")},
        {QStringLiteral("caveat"), QStringLiteral("publish with caveat")},
        {QStringLiteral("held"), QStringLiteral("HELD")},
        {QStringLiteral("blocked"), QStringLiteral("NOT SAFE (blocks the report)")},
        {QStringLiteral("running"), QStringLiteral("still running")}};
    const Verdict &v = assessment.verdict;
    const QTimeZone zone(contract.report.timezone);
    out << "\nSections\n";
    for (const SectionVerdict &s : v.sections) {
        out << "  " << s.name << ": " << words.value(toString(s.status));
        if (!s.decidedBy.isEmpty())
            out << " (decided by " << s.decidedBy << ": " << s.decision << ")";
        out << '\n';
        for (const Finding &f : s.findings)
            out << "    " << glyph(f.state) << ' ' << f.nodeId << ": " << f.cause << '\n';
        if (!s.fallback.isEmpty())
            out << "    fallback: " << s.fallback << '\n';
    }
    QList<AlertRecord> open;
    for (const AlertRecord &a : assessment.alerts) {
        if (a.state != AlertState::Resolved)
            open << a;
    }
    if (!open.isEmpty()) {
        out << "\nAlerts\n";
        for (const AlertRecord &a : open) {
            const QJsonObject d = a.details;
            out << "  [" << toString(a.severity).toUpper() << "] " << a.headline << '\n';
            auto list = [&](const char *key) {
                QStringList names;
                for (const QJsonValue &v : d.value(QLatin1String(key)).toArray())
                    names << v.toString();
                return names.join(QStringLiteral(", "));
            };
            if (!list("blocked").isEmpty())
                out << "      not safe: " << list("blocked") << '\n';
            if (!list("held").isEmpty())
                out << "      hold: " << list("held") << '\n';
            if (!list("caveat").isEmpty())
                out << "      caveat: " << list("caveat") << '\n';
            if (!list("can_publish").isEmpty())
                out << "      can publish: " << list("can_publish") << '\n';
            for (const QJsonValue &f : d.value(QStringLiteral("fallbacks")).toArray())
                out << "      fallback ("
                    << f.toObject().value(QStringLiteral("section")).toString()
                    << "): " << f.toObject().value(QStringLiteral("text")).toString() << '\n';
            out << "      owners: " << list("owners") << "; root cause: " << a.rootNode << "; "
                << toString(a.state) << " since "
                << a.updatedAt.toTimeZone(zone).toString(QStringLiteral("ddd HH:mm")) << '\n';
        }
    }
    out << "\nReport " << contract.report.name << ": " << toString(v.status);
    if (v.published && v.status == ReportStatus::Complete)
        out << " (published)";
    if (v.deadline.isValid())
        out << "; publish by "
            << v.deadline.toTimeZone(zone).toString(QStringLiteral("ddd d MMM HH:mm t"));
    if (v.projected.isValid())
        out << "; forecast " << v.projected.toTimeZone(zone).toString(QStringLiteral("ddd HH:mm"));
    out << '\n';
    if (!v.decisionNeeded.isEmpty())
        out << "decision needed: " << v.decisionNeeded << '\n';
}

QJsonObject assessmentJson(const Assessment &assessment)
{
    auto time = [](const QDateTime &t) {
        return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
    };
    QJsonArray sections;
    for (const SectionVerdict &s : assessment.verdict.sections) {
        QJsonArray findings;
        for (const Finding &f : s.findings)
            findings.append(QJsonObject{{QStringLiteral("node"), f.nodeId},
                                        {QStringLiteral("state"), toString(f.state)},
                                        {QStringLiteral("cause"), f.cause}});
        QJsonObject o{{QStringLiteral("id"), s.id},
                      {QStringLiteral("name"), s.name},
                      {QStringLiteral("status"), toString(s.status)},
                      {QStringLiteral("policy"), toString(s.policy)},
                      {QStringLiteral("findings"), findings}};
        if (!s.fallback.isEmpty())
            o.insert(QStringLiteral("fallback"), s.fallback);
        if (!s.caveat.isEmpty())
            o.insert(QStringLiteral("caveat"), s.caveat);
        sections.append(o);
    }
    QJsonArray alerts;
    for (const AlertRecord &a : assessment.alerts) {
        alerts.append(QJsonObject{{QStringLiteral("id"), double(a.id)},
                                  {QStringLiteral("root_node"), a.rootNode},
                                  {QStringLiteral("state"), toString(a.state)},
                                  {QStringLiteral("severity"), toString(a.severity)},
                                  {QStringLiteral("headline"), a.headline},
                                  {QStringLiteral("details"), a.details},
                                  {QStringLiteral("opened_at"), time(a.openedAt)},
                                  {QStringLiteral("updated_at"), time(a.updatedAt)}});
    }
    return QJsonObject{
        {QStringLiteral("report"), assessment.run.reportId},
        {QStringLiteral("period"), assessment.run.period},
        {QStringLiteral("status"), toString(assessment.verdict.status)},
        {QStringLiteral("published"), assessment.verdict.published},
        {QStringLiteral("run_id"), double(assessment.run.id)},
        {QStringLiteral("attempt"), assessment.run.latestAttempt},
        {QStringLiteral("deadline"), time(assessment.verdict.deadline)},
        {QStringLiteral("forecast"), time(assessment.verdict.projected)},
        {QStringLiteral("sections"), sections},
        {QStringLiteral("alerts"), alerts},
        {QStringLiteral("decision_needed"), assessment.verdict.decisionNeeded.isEmpty()
                                                ? QJsonValue()
                                                : QJsonValue(assessment.verdict.decisionNeeded)}};
}

} // namespace vouch::cli
