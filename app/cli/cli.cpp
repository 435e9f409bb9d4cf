#include "app/cli/cli.h"

#include "app/cli/alertcommands.h"
#include "app/cli/common.h"
#include "app/cli/interopcommands.h"
#include "app/cli/runcommands.h"
#include "app/cli/teamcommands.h"
#include "app/cli/trustcommands.h"
#include "engine/demo/demowarehouse.h"
#include "engine/graph/graph.h"
#include "engine/graph/selector.h"
#include "engine/interop/loadcontract.h"
#include "engine/util/clock.h"

#include <QDir>
#include <QTextStream>

#include <csignal>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

const char *kUsage = R"(usage: vouch COMMAND [ARGS]

  validate FILE...              check contracts; errors as FILE:LINE:COL: error: ...
  run FILE [--state DB] [--period P] [--concurrency N] [--no-wait] [--progress all|brief]
                                run the reporting path headless; progress, then the verdict
  status [FILE] [--state DB] [--json | --follow]
                                the latest run: report, sections, nodes; --follow: live
  rerun [SELECTOR] [--downstream] [--failed-only] [--dry-run] --reason TEXT [--state DB] [FILE]
                                a controlled rerun: a new attempt of the latest run
                                (team store: a request the runner executes)
  cancel --reason TEXT [--state postgres://...] [FILE]
                                ask the executor of the latest run to cancel it
  serve FILE... [--state DB]    run contracts on their schedules; the team runner
  team init --state postgres://... [--viewer U]... [--operator U]... [--approver U]...
            [--runner U]...     create the team store's roles and grants
  impact NODE [FILE]            what a failure of NODE means for each section
  approve [--section S] --caveat TEXT... [--state DB] [FILE]
                                approve publication with caveats (approvers only)
  hold [--section S] --reason TEXT [--state DB] [FILE]
                                hold publication (approvers only)
  audit [verify] [--state DB]   the decision log; verify its hash chain
  audit anchor [--state DB] [--to FILE] [--to-warehouse] [--to-webhook CHANNEL] [FILE]
                                publish the log's head outside the store
  audit verify [--anchor FILE] [--from-warehouse [FILE]]
                                also check the log against its anchors
  alerts [FILE] [--state DB] [--json]
                                alerts of the latest run and their delivery to each channel
  alerts deliver [FILE] [--state DB] [--for 60s]
                                send what the outbox holds, retrying for up to --for
  secret set NAME | delete NAME | list
                                secrets in the OS keychain (set reads the value from stdin)
  select EXPR FILE              node ids chosen by a dbt-style selector, in run order
  import dbt MANIFEST [--select EXPR] [-o FILE] [--project-dir D] [--profiles-dir D] [--target T]
                                a contract from a dbt project's manifest.json
  observe dbt --manifest M --run-results R [--sources S] [--state DB] [--contract FILE]
                                record a run that dbt executed as a Vouch run
  demo --headless [--report weekly|month-end] [--scenario S] [--dir D] [--wait]
                                make the Brightside demo warehouse (if needed) and run the weekly
                                report or the month-end close pack as of the latest Monday 06:00
                                (London), or --now
  demo init DIR [--scenario S] [--now ISO]
                                write the demo warehouse with a planted fault
  demo ingest SOURCE [--dir D] [--contract FILE] [--to CONNECTION]
                                load one demo source into the warehouse
  help                          this text
  version                       the Vouch version

Every command that judges time (run, status, rerun, cancel, alerts, approve,
hold, serve, demo, observe) takes --now ISO (e.g. --now 2026-11-30T08:00:00Z),
or reads $VOUCH_NOW: deadlines, freshness, forecasts and the times recorded
are judged by that clock, advancing from the instant given. Without it, the
wall clock; a run judged under such a clock (the demo's replayed Monday) is
judged at that clock again by later commands.

Without a command, vouch opens the desktop app.
)";

// ------------------------------------------------------------------ validate

int validate(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args, {}, {});
    if (!a.error.isEmpty() || a.positional.isEmpty()) {
        err << "vouch validate: "
            << (a.error.isEmpty() ? QStringLiteral("give a contract file") : a.error)
            << "\nusage: vouch validate FILE...\n";
        return BadInput;
    }
    int exit = Ok;
    for (const QString &file : a.positional) {
        const LoadResult result = loadContractFile(file);
        printDiagnostics(result.diagnostics, err);
        if (!result.ok()) {
            const int n = countErrors(result.diagnostics);
            err << file << ": " << n << (n == 1 ? " error" : " errors") << '\n';
            exit = BadInput;
            continue;
        }
        const Contract &c = *result.contract;
        out << file << ": valid: " << c.nodes.size() << " nodes, " << c.report.sections.size()
            << " sections, " << c.edgeCount() << " edges\n";
    }
    return exit;
}

// ------------------------------------------------------------------ select

int select(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args, {}, {});
    if (!a.error.isEmpty() || a.positional.size() != 2) {
        err << "vouch select: "
            << (a.error.isEmpty() ? QStringLiteral("give an expression and a contract file")
                                  : a.error)
            << "\nusage: vouch select EXPR FILE   (e.g. vouch select '+mart_weekly_revenue_bridge' "
               "contract.yaml)\n";
        return BadInput;
    }
    const QString expression = a.positional.at(0);
    const LoadResult result = loadContractFile(a.positional.at(1));
    printDiagnostics(result.diagnostics, err);
    if (!result.ok())
        return BadInput;
    const Graph graph = Graph::fromContract(*result.contract);
    ParseError error;
    const auto selected = Selector::select(graph, expression, &error);
    if (!selected) {
        err << "vouch select: error: " << error.message << '\n'
            << "  " << expression << '\n'
            << "  " << QString(error.offset, QLatin1Char(' ')) << "^\n";
        return BadInput;
    }
    for (int index : *selected)
        out << graph.id(index) << '\n';
    return Ok;
}

// ------------------------------------------------------------------ demo

int demoInit(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args, {QStringLiteral("scenario")}, {});
    if (!a.error.isEmpty() || a.positional.size() != 1) {
        err << "vouch demo init: "
            << (a.error.isEmpty() ? QStringLiteral("give a directory") : a.error)
            << "\nusage: vouch demo init DIR [--scenario S] [--now ISO]\n";
        return BadInput;
    }
    demo::InitOptions options;
    options.dir = a.positional.first();
    options.scenario = a.options.value(QStringLiteral("scenario"), QStringLiteral("all-green"));
    options.now = clockNow();
    options.coverCloseMonth = true;
    const QString error = demo::initWarehouse(options);
    if (!error.isEmpty()) {
        err << "vouch demo init: " << error << '\n';
        return BadInput;
    }
    out << "demo warehouse (scenario " << options.scenario << ") written to "
        << QDir(options.dir).absolutePath() << '\n';
    return Ok;
}

int demoIngest(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(
        args, {QStringLiteral("dir"), QStringLiteral("to"), QStringLiteral("contract")}, {});
    const QString dir = a.options.value(QStringLiteral("dir"), qEnvironmentVariable("VOUCH_DATA"));
    const QString to = a.options.value(QStringLiteral("to"));
    // A contract's command nodes get VOUCH_CONTRACT: the load goes where the
    // contract's queries read.
    const QString contractFile =
        a.options.value(QStringLiteral("contract"), qEnvironmentVariable("VOUCH_CONTRACT"));
    const char *usage = "\nusage: vouch demo ingest SOURCE [--dir D] [--contract FILE] [--to "
                        "CONNECTION]   sources: ";
    if (!a.error.isEmpty() || a.positional.size() != 1 || dir.isEmpty() ||
        (!to.isEmpty() && contractFile.isEmpty())) {
        err << "vouch demo ingest: "
            << (!a.error.isEmpty() ? a.error
                : dir.isEmpty()    ? QStringLiteral("give --dir or set VOUCH_DATA")
                : a.positional.size() != 1
                    ? QStringLiteral("give one source")
                    : QStringLiteral("--to names a connection of a contract: give --contract FILE"))
            << usage << demo::sources().join(QStringLiteral(", ")) << '\n';
        return BadInput;
    }
    std::optional<Connection> target;
    if (!contractFile.isEmpty()) {
        const ContractPtr contract = loadContract(contractFile, err);
        if (!contract)
            return BadInput;
        const QString name = to.isEmpty() ? QStringLiteral("warehouse") : to;
        if (contract->connections.contains(name)) {
            target = contract->connections.value(name);
        } else if (!to.isEmpty()) {
            err << "vouch demo ingest: " << contractFile << " has no connection '" << to
                << "'; it has: "
                << QStringList(contract->connections.keys()).join(QStringLiteral(", ")) << '\n';
            return BadInput;
        }
    }
    const QString error = demo::ingest(dir, a.positional.first(), target);
    if (!error.isEmpty()) {
        err << "vouch demo ingest: " << error << '\n';
        return 1;
    }
    out << "ingested " << a.positional.first() << '\n';
    return Ok;
}

int demo(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("init"))
        return demoInit(args.mid(1), out, err);
    if (sub == QLatin1String("ingest"))
        return demoIngest(args.mid(1), out, err);
    if (sub == QLatin1String("scenarios")) {
        out << demo::scenarios().join(QLatin1Char('\n')) << '\n';
        return Ok;
    }
    return demoHeadlessCommand(args, out, err);
}

} // namespace

bool isHeadlessCommand(const QStringList &args)
{
    if (args.isEmpty())
        return false;
    if (args.first() == QLatin1String("demo"))
        return args.contains(QStringLiteral("--headless")) ||
               args.value(1) == QLatin1String("init") || args.value(1) == QLatin1String("ingest") ||
               args.value(1) == QLatin1String("scenarios");
    return true;
}

int run(const QStringList &args, QTextStream &out, QTextStream &err)
{
    // A reader that goes away (`vouch run … | head -1`) must not kill Vouch
    // with SIGPIPE halfway through a run, leaving the attempt unfinished:
    // with SIGPIPE ignored, writes to the closed pipe fail (EPIPE), output
    // is best effort, and the work runs to its end. Commands Vouch starts get
    // the default disposition back (CommandExecutor resets every signal).
    std::signal(SIGPIPE, SIG_IGN);
    const QString command = args.value(0);
    QStringList rest = args.mid(1);
    int exit = BadInput;
    // Every command that judges time takes --now (and $VOUCH_NOW): one clock
    // for the whole process, set before anything reads it.
    static const QStringList judgesTime = {QStringLiteral("run"),     QStringLiteral("status"),
                                           QStringLiteral("rerun"),   QStringLiteral("alerts"),
                                           QStringLiteral("approve"), QStringLiteral("hold"),
                                           QStringLiteral("serve"),   QStringLiteral("demo"),
                                           QStringLiteral("observe"), QStringLiteral("cancel")};
    if (judgesTime.contains(command) && !takeClockOption(rest, command, err)) {
        err.flush();
        return BadInput;
    }
    if (command == QLatin1String("validate"))
        exit = validate(rest, out, err);
    else if (command == QLatin1String("select"))
        exit = select(rest, out, err);
    else if (command == QLatin1String("run"))
        exit = runCommand(rest, out, err);
    else if (command == QLatin1String("status"))
        exit = statusCommand(rest, out, err);
    else if (command == QLatin1String("rerun"))
        exit = rerunCommand(rest, out, err);
    else if (command == QLatin1String("cancel"))
        exit = cancelCommand(rest, out, err);
    else if (command == QLatin1String("team"))
        exit = teamCommand(rest, out, err);
    else if (command == QLatin1String("impact"))
        exit = impactCommand(rest, out, err);
    else if (command == QLatin1String("approve"))
        exit = approveCommand(rest, out, err);
    else if (command == QLatin1String("hold"))
        exit = holdCommand(rest, out, err);
    else if (command == QLatin1String("audit"))
        exit = auditCommand(rest, out, err);
    else if (command == QLatin1String("alerts"))
        exit = alertsCommand(rest, out, err);
    else if (command == QLatin1String("secret"))
        exit = secretCommand(rest, out, err);
    else if (command == QLatin1String("serve"))
        exit = serveCommand(rest, out, err);
    else if (command == QLatin1String("demo"))
        exit = demo(rest, out, err);
    else if (command == QLatin1String("import"))
        exit = importCommand(rest, out, err);
    else if (command == QLatin1String("observe"))
        exit = observeCommand(rest, out, err);
    else if (command == QLatin1String("version") || command == QLatin1String("--version"))
        out << "vouch " << VOUCH_VERSION << '\n', exit = Ok;
    else if (command == QLatin1String("help") || command == QLatin1String("--help") ||
             command == QLatin1String("-h"))
        out << kUsage, exit = Ok;
    else
        err << "vouch: unknown command '" << command << "'\n\n" << kUsage;
    out.flush();
    err.flush();
    return exit;
}

} // namespace vouch::cli
