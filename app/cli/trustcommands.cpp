// impact, approve, hold and audit: what a failure means, and the decisions
// people make about publication, on the record.

#include "app/cli/trustcommands.h"

#include "app/cli/runcommands.h"
#include "engine/graph/graph.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "engine/trust/auditlog.h"
#include "engine/util/clock.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimeZone>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

std::optional<LatestRun> openTarget(const QString &command, const Args &a, const QString &file,
                                    QTextStream &err)
{
    return openLatestRun(command, a.options.value(QStringLiteral("state"), defaultStatePath()),
                         file, err);
}

int decideCommand(Decision::Kind kind, const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString command =
        kind == Decision::Kind::Approve ? QStringLiteral("approve") : QStringLiteral("hold");
    const QString textOption =
        kind == Decision::Kind::Approve ? QStringLiteral("caveat") : QStringLiteral("reason");
    const Args a =
        parseArgs(args, {QStringLiteral("state"), QStringLiteral("section"), textOption}, {});
    if (!a.error.isEmpty() || a.positional.size() > 1) {
        err << "vouch " << command << ": "
            << (a.error.isEmpty() ? QStringLiteral("give at most one contract file") : a.error)
            << "\nusage: vouch " << command << " [--section S] --" << textOption << " TEXT"
            << (kind == Decision::Kind::Approve ? " [--caveat TEXT...]" : "")
            << " [--state DB] [FILE]\n";
        return BadInput;
    }
    auto target = openTarget(command, a, a.positional.value(0), err);
    if (!target)
        return BadInput;
    const Contract &contract = *target->contract;
    const Graph graph = Graph::fromContract(contract);
    const auto assessment = assess(*target->store, contract, graph, target->run.id, clockNow());
    if (!assessment)
        return BadInput;
    const QString section = a.options.value(QStringLiteral("section"));
    const QStringList texts = a.lists.value(textOption);
    if (texts.isEmpty()) {
        err << "vouch " << command << ": give --" << textOption << " TEXT";
        if (kind == Decision::Kind::Approve) {
            // Pre-filled from the findings: the caveats the contract suggests.
            err << "; suggested from the findings:\n";
            for (const SectionVerdict &s : assessment->verdict.sections) {
                if (!s.caveat.isEmpty() && (section.isEmpty() || section == s.id))
                    err << "  --section " << s.id << " --caveat \"" << s.caveat << "\"\n";
            }
        } else {
            err << '\n';
        }
        return BadInput;
    }
    QList<std::pair<QString, QString>> items;
    for (const QString &text : texts)
        items.append({section, text});
    // Team mode: the identity is the database user, which the server checks.
    const QString who = target->store->isPostgres() ? target->store->databaseUser() : osLogin();
    const DecisionResult result =
        decide(*target->store, contract, *assessment, kind, who, items, clockNow());
    if (!result.ok) {
        err << "vouch " << command << ": " << result.message << '\n';
        return result.notAllowed ? NotAllowed : BadInput;
    }
    out << result.message << '\n';
    const auto after = assess(*target->store, contract, graph, target->run.id, clockNow());
    if (after) {
        if (const QString e = writePublication(contract, graph, *after, QString()); !e.isEmpty())
            err << "vouch: " << e << '\n';
        printAssessment(contract, *after, out);
        return after->verdict.exitCode;
    }
    return Ok;
}

} // namespace

int impactCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args, {QStringLiteral("state")}, {});
    if (!a.error.isEmpty() || a.positional.isEmpty() || a.positional.size() > 2) {
        err << "vouch impact: " << (a.error.isEmpty() ? QStringLiteral("give a node id") : a.error)
            << "\nusage: vouch impact NODE [FILE]   (without FILE: the contract of the latest "
               "run)\n";
        return BadInput;
    }
    ContractPtr contract;
    if (a.positional.size() == 2) {
        contract = loadContract(a.positional.at(1), err);
    } else {
        auto target = openTarget(QStringLiteral("impact"), a, QString(), err);
        if (target)
            contract = target->contract;
    }
    if (!contract)
        return BadInput;
    const Graph graph = Graph::fromContract(*contract);
    const QString nodeId = a.positional.first();
    const Node *node = contract->node(nodeId);
    if (!node) {
        err << "vouch impact: unknown node '" << nodeId << "'\n";
        return BadInput;
    }
    const QList<ImpactItem> items = impactOf(*contract, graph, nodeId);
    out << "If " << nodeId << " fails";
    if (!node->owner.isEmpty())
        out << " (owner " << node->owner << ")";
    out << ":\n";
    QStringList safe;
    bool blocks = false;
    for (const Section &s : contract->report.sections) {
        const auto it = std::find_if(items.cbegin(), items.cend(),
                                     [&](const ImpactItem &i) { return i.sectionId == s.id; });
        if (it == items.cend()) {
            safe << s.name;
            continue;
        }
        blocks |= it->policy == FailurePolicy::Block;
        out << "  " << s.name << ": " << it->action;
        if (!s.fallback.isEmpty())
            out << "; fallback: " << s.fallback;
        out << '\n';
    }
    if (!safe.isEmpty())
        out << "  can still publish: " << safe.join(QStringLiteral(", ")) << '\n';
    out << "  the report: "
        << (blocks            ? "not safe to publish"
            : items.isEmpty() ? "unaffected"
                              : "publishable with a decision")
        << '\n';
    if (node->impact)
        out << "  what it means: " << node->impact->text() << '\n';
    return Ok;
}

int approveCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    return decideCommand(Decision::Kind::Approve, args, out, err);
}

int holdCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    return decideCommand(Decision::Kind::Hold, args, out, err);
}

int auditCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args, {QStringLiteral("state")}, {QStringLiteral("json")});
    const bool verify = a.positional.value(0) == QLatin1String("verify");
    if (!a.error.isEmpty() || a.positional.size() > 1 || (!a.positional.isEmpty() && !verify)) {
        err << "vouch audit: "
            << (a.error.isEmpty() ? QStringLiteral("unexpected argument") : a.error)
            << "\nusage: vouch audit [verify] [--state DB] [--json]\n";
        return BadInput;
    }
    const QString statePath = a.options.value(QStringLiteral("state"), defaultStatePath());
    if (!StateStore::isServerUrl(statePath) && !QFileInfo::exists(statePath)) {
        err << "vouch audit: no state store at " << statePath << '\n';
        return BadInput;
    }
    // Reading the log needs no write: an archived copy, a read-only mount or
    // another user's store is verified as it is, byte for byte.
    QString error;
    auto store = StateStore::openReadOnly(statePath, &error);
    if (!store) {
        err << "vouch audit: " << error << '\n';
        return BadInput;
    }
    AuditLog log(*store);
    if (verify) {
        const AuditVerification v = log.verify();
        if (!v.ok) {
            err << "vouch audit verify: " << statePath
                << ": the audit log was tampered with: " << v.problem << '\n';
            return 1;
        }
        out << statePath << ": audit log intact: " << v.entries
            << " entries, hash chain verified\n";
        return Ok;
    }
    for (const AuditEntry &e : log.entries()) {
        out << e.seq << "  " << e.at.toString(Qt::ISODate) << "  " << e.who << "  " << e.action
            << "  " << e.reportId << ' ' << e.period << "  "
            << QString::fromUtf8(QJsonDocument(e.details).toJson(QJsonDocument::Compact)) << '\n';
    }
    return Ok;
}

} // namespace vouch::cli
