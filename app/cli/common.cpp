#include "app/cli/common.h"

#include "engine/contract/contractloader.h"
#include "engine/graph/graph.h"
#include "engine/store/statestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextStream>

#include <algorithm>

#include <pwd.h>
#include <unistd.h>

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
    const LoadResult result = ContractLoader::loadFile(path);
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

QString currentUser()
{
    const QString fromEnv = qEnvironmentVariable("VOUCH_USER");
    if (!fromEnv.isEmpty())
        return fromEnv;
    if (const passwd *pw = getpwuid(getuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return qEnvironmentVariable("USER", QStringLiteral("unknown"));
}

QString demoContractPath()
{
    const QString fromEnv = qEnvironmentVariable("VOUCH_DEMO_CONTRACT");
    if (!fromEnv.isEmpty())
        return fromEnv;
    const QString appDir = QCoreApplication::applicationDirPath();
    const QStringList candidates = {
        appDir + QStringLiteral("/../share/vouch/demo/brightside/contract.yaml"),
        QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml"),
    };
    for (const QString &c : candidates) {
        if (QFileInfo::exists(c))
            return QDir::cleanPath(c);
    }
    return candidates.last();
}

QString defaultDemoDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/demo");
}

QString defaultStatePath()
{
    const QString fromEnv = qEnvironmentVariable("VOUCH_STATE");
    return fromEnv.isEmpty() ? StateStore::defaultPath() : fromEnv;
}

ReportVerdict computeVerdict(const Contract &contract, const QHash<QString, NodeRunRecord> &nodes)
{
    const Graph graph = Graph::fromContract(contract);
    ReportVerdict verdict;
    bool blocked = false, held = false, caveated = false, running = false;
    for (const Section &section : contract.report.sections) {
        SectionVerdict sv;
        sv.id = section.id;
        sv.name = section.name;
        QStringList failed, warned;
        bool sectionRunning = false;
        for (int index : graph.upstream(graph.sectionNeeds(section.id))) {
            const QString id = graph.id(index);
            const NodeRunRecord r = nodes.value(id);
            if (r.state == NodeState::Warned)
                warned << id;
            else if (r.state == NodeState::Pending || r.state == NodeState::Queued ||
                     r.state == NodeState::Running || r.state == NodeState::Retrying)
                sectionRunning = true;
            else if (!isPassing(r.state) && r.state != NodeState::UpstreamFailed)
                failed << id; // upstream_failed nodes are consequences, not causes
        }
        sv.status = QStringLiteral("safe");
        if (!failed.isEmpty()) {
            switch (section.onFailure) {
            case FailurePolicy::Block:
                sv.status = QStringLiteral("blocked");
                blocked = true;
                break;
            case FailurePolicy::Hold:
                sv.status = QStringLiteral("held");
                held = true;
                break;
            case FailurePolicy::Caveat:
                sv.status = QStringLiteral("caveat");
                caveated = true;
                break;
            }
        } else if (sectionRunning) {
            sv.status = QStringLiteral("running");
            running = true;
        } else if (!warned.isEmpty()) {
            sv.status = QStringLiteral("caveat");
            caveated = true;
        }
        for (const QString &id : failed + warned) {
            const NodeRunRecord r = nodes.value(id);
            const Node *node = contract.node(id);
            QString why = r.message;
            if (node && node->impact) {
                QMap<QString, QString> values{
                    {QStringLiteral("node"), id},
                    {QStringLiteral("section"), section.name},
                    {QStringLiteral("report"), contract.report.name},
                    {QStringLiteral("owner"), node->owner},
                    {QStringLiteral("deadline"), contract.report.publishBy.toString()}};
                if (r.value)
                    values.insert(QStringLiteral("value"), QString::number(*r.value, 'g', 12));
                if (r.reference)
                    values.insert(QStringLiteral("reference"),
                                  QString::number(*r.reference, 'g', 12));
                if (r.ageSeconds)
                    values.insert(QStringLiteral("age"), formatDuration(Duration(*r.ageSeconds)));
                const std::optional<Threshold> &fired =
                    r.state == NodeState::Failed && node->errorIf ? node->errorIf : node->warnIf;
                if (fired)
                    values.insert(QStringLiteral("threshold"), fired->text);
                why = node->impact->render(values);
            }
            sv.findings << QStringLiteral("%1 %2: %3").arg(glyph(r.state), id, why);
        }
        if (!failed.isEmpty() || !warned.isEmpty())
            sv.fallback = section.fallback;
        verdict.sections.append(sv);
    }
    if (blocked) {
        verdict.status = QStringLiteral("failed");
        verdict.exitCode = Failed;
    } else if (running) {
        verdict.status = QStringLiteral("running");
        verdict.exitCode = Ok;
    } else if (held) {
        verdict.status = QStringLiteral("partial");
        verdict.exitCode = Partial;
    } else if (caveated) {
        verdict.status = QStringLiteral("caveated");
        verdict.exitCode = Caveated;
    } else {
        verdict.status = QStringLiteral("complete");
        verdict.exitCode = Ok;
    }
    // Something failed outside every section's path still counts.
    if (verdict.exitCode == Ok && !running) {
        for (const NodeRunRecord &r : nodes) {
            if (r.state == NodeState::Failed || r.state == NodeState::Interrupted ||
                r.state == NodeState::Cancelled) {
                verdict.status = QStringLiteral("failed");
                verdict.exitCode = Failed;
                break;
            }
        }
    }
    return verdict;
}

void printVerdict(const Contract &contract, const ReportVerdict &verdict, QTextStream &out)
{
    static const QMap<QString, QString> words{
        {QStringLiteral("safe"), QStringLiteral("safe")},
        {QStringLiteral("caveat"), QStringLiteral("publish with caveat")},
        {QStringLiteral("held"), QStringLiteral("HELD")},
        {QStringLiteral("blocked"), QStringLiteral("NOT SAFE (blocks the report)")},
        {QStringLiteral("running"), QStringLiteral("still running")}};
    out << "\nSections\n";
    for (const SectionVerdict &s : verdict.sections) {
        out << "  " << s.name << ": " << words.value(s.status, s.status) << '\n';
        for (const QString &f : s.findings)
            out << "    " << f << '\n';
        if (!s.fallback.isEmpty())
            out << "    fallback: " << s.fallback << '\n';
    }
    out << "\nReport " << contract.report.name << ": " << verdict.status << '\n';
}

} // namespace vouch::cli
