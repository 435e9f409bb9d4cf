// impact, approve, hold and audit: what a failure means, and the decisions
// people make about publication, on the record.

#include "app/cli/trustcommands.h"

#include "app/cli/runcommands.h"
#include "engine/alert/dispatcher.h"
#include "engine/control/recorddecision.h"
#include "engine/graph/graph.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "engine/trust/auditanchor.h"
#include "engine/trust/auditlog.h"
#include "engine/util/clock.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimeZone>
#include <QUrl>

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
    const QString section = a.options.value(QStringLiteral("section"));
    DecisionRequest request;
    request.runId = target->run.id;
    request.kind = kind;
    for (const QString &text : a.lists.value(textOption))
        request.texts.append({section, text});
    // Team mode: the identity is the database user, which the server checks.
    const DecisionOutcome outcome = recordDecision(*target->store, contract, request);
    if (!outcome.assessment)
        return BadInput;
    if (outcome.needsText) {
        err << "vouch " << command << ": give --" << textOption << " TEXT";
        if (kind == Decision::Kind::Approve) {
            // Pre-filled from the findings: the caveats the contract suggests.
            err << "; suggested from the findings:\n";
            for (const SectionVerdict &s : outcome.assessment->verdict.sections) {
                if (!s.caveat.isEmpty() && (section.isEmpty() || section == s.id))
                    err << "  --section " << s.id << " --caveat \"" << s.caveat << "\"\n";
            }
        } else {
            err << '\n';
        }
        return BadInput;
    }
    if (!outcome.decision.ok) {
        err << "vouch " << command << ": " << outcome.decision.message << '\n';
        return outcome.decision.notAllowed ? NotAllowed : BadInput;
    }
    out << outcome.decision.message << '\n';
    if (!outcome.publicationError.isEmpty())
        err << "vouch: " << outcome.publicationError << '\n';
    printAssessment(contract, *outcome.assessment, out);
    return outcome.assessment->verdict.exitCode;
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
    const Args a = parseArgs(
        args,
        {QStringLiteral("state"), QStringLiteral("to"), QStringLiteral("anchor"),
         QStringLiteral("to-webhook")},
        {QStringLiteral("json"), QStringLiteral("to-warehouse"), QStringLiteral("from-warehouse")});
    const QString sub = a.positional.value(0);
    const bool verify = sub == QLatin1String("verify");
    const bool anchor = sub == QLatin1String("anchor");
    const bool toFile = a.options.contains(QStringLiteral("to"));
    const bool toWarehouse = a.flags.contains(QStringLiteral("to-warehouse"));
    const QStringList webhooks = a.lists.value(QStringLiteral("to-webhook"));
    const bool fromWarehouse = a.flags.contains(QStringLiteral("from-warehouse"));
    const bool fromFile = a.options.contains(QStringLiteral("anchor"));
    QString problem = a.error;
    if (problem.isEmpty() && !a.positional.isEmpty() && !verify && !anchor)
        problem = QStringLiteral("unexpected argument '%1'").arg(sub);
    else if (problem.isEmpty() && a.positional.size() > ((verify || anchor) ? 2 : 1))
        problem = QStringLiteral("give at most one contract file");
    else if (problem.isEmpty() && anchor && !toFile && !toWarehouse && webhooks.isEmpty())
        problem = QStringLiteral("say where to anchor: --to FILE, --to-warehouse and/or "
                                 "--to-webhook CHANNEL");
    else if (problem.isEmpty() && !anchor && (toFile || toWarehouse || !webhooks.isEmpty()))
        problem =
            QStringLiteral("--to, --to-warehouse and --to-webhook belong to `vouch audit anchor`");
    else if (problem.isEmpty() && !verify && (fromFile || fromWarehouse))
        problem = QStringLiteral("--anchor and --from-warehouse belong to `vouch audit verify`");
    else if (problem.isEmpty() && a.positional.size() == 2 && !toWarehouse && !fromWarehouse &&
             webhooks.isEmpty())
        problem = QStringLiteral("a contract file is only read with --to-warehouse, "
                                 "--to-webhook or --from-warehouse");
    if (!problem.isEmpty()) {
        err << "vouch audit: " << problem
            << "\nusage: vouch audit [--state DB] [--json]\n"
               "       vouch audit verify [--state DB] [--anchor FILE] [--from-warehouse "
               "[CONTRACT]]\n"
               "       vouch audit anchor [--state DB] [--to FILE] [--to-warehouse] "
               "[--to-webhook CHANNEL]... [CONTRACT]\n";
        return BadInput;
    }
    const QString statePath = a.options.value(QStringLiteral("state"), defaultStatePath());
    if (!StateStore::isServerUrl(statePath) && !QFileInfo::exists(statePath)) {
        err << "vouch audit: no state store at " << statePath << '\n';
        return BadInput;
    }
    const QString command = anchor   ? QStringLiteral("audit anchor")
                            : verify ? QStringLiteral("audit verify")
                                     : QStringLiteral("audit");
    // An anchor file is read before the store: a missing or malformed one is
    // the user's to fix, whatever the log says.
    std::optional<AuditAnchor> fileAnchor;
    if (fromFile) {
        QString error;
        fileAnchor = readAnchorFile(a.options.value(QStringLiteral("anchor")), &error);
        if (!fileAnchor) {
            err << "vouch audit verify: " << error << '\n';
            return BadInput;
        }
    }
    // Reading the log needs no write: an archived copy, a read-only mount or
    // another user's store is verified as it is, byte for byte. The warehouse
    // modes need the contract (of the latest run, or FILE) for its publish
    // connection.
    std::unique_ptr<StateStore> store;
    ContractPtr contract;
    std::optional<RunContext> context;
    if (toWarehouse || fromWarehouse || !webhooks.isEmpty()) {
        auto target = openLatestRun(command, statePath, a.positional.value(1), err,
                                    StoreAccess::ReadWhereUnwritable);
        if (!target)
            return BadInput;
        store = std::move(target->store);
        contract = target->contract;
        context = contextForPeriod(target->run.period, QDateTime());
        if (!context) {
            err << "vouch " << command << ": the latest run's period '" << target->run.period
                << "' is not a period key\n";
            return BadInput;
        }
    } else {
        QString error;
        store = StateStore::openReadOnly(statePath, &error);
        if (!store) {
            err << "vouch " << command << ": " << error << '\n';
            return BadInput;
        }
    }
    AuditLog log(*store);
    if (anchor) {
        // The store as a person finds it again; a server URL without its password.
        const QString where = StateStore::isServerUrl(statePath)
                                  ? QUrl(statePath).toString(QUrl::RemovePassword)
                                  : QFileInfo(statePath).absoluteFilePath();
        QString error;
        // Real time, like the log it anchors: when the head was published,
        // not the pinned clock of the run a contract came from.
        const auto head = auditHead(log, where, wallNow(), &error);
        if (!head) {
            err << "vouch audit anchor: " << statePath << ": " << error << '\n';
            return BadInput;
        }
        // Anchoring a log that no longer verifies would vouch for the tampering.
        const AuditVerification v = log.verify();
        if (!v.ok) {
            err << "vouch audit anchor: " << statePath
                << ": the audit log was tampered with: " << v.problem << "; nothing was anchored\n";
            return 1;
        }
        int exit = Ok;
        if (toFile) {
            const QString path = a.options.value(QStringLiteral("to"));
            if (const QString e = writeAnchorFile(*head, path); !e.isEmpty()) {
                err << "vouch audit anchor: " << e << '\n';
                exit = BadInput;
            } else {
                out << "anchored entry " << head->seq << " (" << head->hash << ") to " << path
                    << '\n';
            }
        }
        if (toWarehouse) {
            if (const QString e = writeWarehouseAnchor(*contract, *head, *context); !e.isEmpty()) {
                err << "vouch audit anchor: the warehouse of " << contract->report.id << ": " << e
                    << '\n';
                exit = BadInput;
            } else {
                out << "anchored entry " << head->seq << " (" << head->hash
                    << ") to vouch_audit_anchor in the warehouse of " << contract->report.id
                    << '\n';
            }
        }
        for (const QString &name : webhooks) {
            const auto it = contract->alerting.channels.constFind(name);
            if (it == contract->alerting.channels.constEnd() ||
                it->type != AlertChannel::Type::Webhook) {
                err << "vouch audit anchor: the contract of " << contract->report.id
                    << " has no webhook channel '" << name
                    << "'; give one of its alerting channels of type webhook\n";
                exit = BadInput;
                continue;
            }
            // The dispatcher's request, signature and redaction, sent once.
            Delivery delivery;
            delivery.eventSeq = head->seq;
            delivery.channel = name;
            delivery.reportId = contract->report.id;
            delivery.service = AlertChannel::Type::Webhook;
            delivery.target = it->url;
            delivery.signingSecret = it->signingSecret;
            AuditAnchor sent = *head;
            sent.reportId = contract->report.id;
            delivery.payload = QJsonDocument(toJson(sent)).toJson(QJsonDocument::Compact);
            if (const QString e = postOnce(delivery); !e.isEmpty()) {
                err << "vouch audit anchor: " << e << '\n';
                exit = 1;
            } else {
                out << "anchored entry " << head->seq << " (" << head->hash << ") to webhook "
                    << name << '\n';
            }
        }
        return exit;
    }
    if (verify) {
        const AuditVerification v = log.verify();
        if (!v.ok) {
            err << "vouch audit verify: " << statePath
                << ": the audit log was tampered with: " << v.problem << '\n';
            return 1;
        }
        // The chain holds; now whether it is the chain that was anchored.
        QList<std::pair<QString, AuditAnchor>> anchors;
        if (fileAnchor)
            anchors.append(
                {QStringLiteral("anchor file ") + a.options.value(QStringLiteral("anchor")),
                 *fileAnchor});
        if (fromWarehouse) {
            QString error;
            const auto stored = readWarehouseAnchors(*contract, *context, &error);
            if (!stored) {
                err << "vouch audit verify: the warehouse of " << contract->report.id << ": "
                    << error << '\n';
                return BadInput;
            }
            if (stored->isEmpty()) {
                err << "vouch audit verify: the warehouse of " << contract->report.id
                    << " holds no anchor; run `vouch audit anchor --to-warehouse` first\n";
                return BadInput;
            }
            for (const AuditAnchor &w : *stored)
                anchors.append({QStringLiteral("the warehouse anchor of %1 at %2")
                                    .arg(w.reportId, w.anchoredAt.toString(Qt::ISODate)),
                                w});
        }
        for (const auto &[name, an] : anchors) {
            if (const QString d = checkAnchor(log, an); !d.isEmpty()) {
                err << "vouch audit verify: " << statePath << ": the audit log does not match "
                    << name << " (entry " << an.seq << ", anchored "
                    << an.anchoredAt.toString(Qt::ISODate) << "): " << d << '\n';
                return 1;
            }
        }
        out << statePath << ": audit log intact: " << v.entries << " entries, hash chain verified";
        if (!anchors.isEmpty())
            out << ", matches " << anchors.size() << (anchors.size() == 1 ? " anchor" : " anchors");
        out << '\n';
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
