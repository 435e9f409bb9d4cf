#include "app/cli/cli.h"

#include "engine/contract/contractloader.h"
#include "engine/demo/demowarehouse.h"
#include "engine/graph/graph.h"
#include "engine/graph/selector.h"
#include "engine/run/pathrunner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextStream>

#include <algorithm>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

enum Exit
{
    Ok = 0,
    Caveated = 10,
    Partial = 20,
    Failed = 30,
    BadInput = 2
};

const char *kUsage = R"(usage: vouch COMMAND [ARGS]

  validate FILE...              check contracts; errors as FILE:LINE:COL: error: ...
  select EXPR FILE              node ids chosen by a dbt-style selector, in run order
  demo --headless [--scenario S] [--dir D] [--now ISO]
                                make the Brightside demo warehouse and run its path
  demo init DIR [--scenario S] [--now ISO]
                                write the demo warehouse with a planted fault
  demo ingest SOURCE [--dir D]  load one demo source into the warehouse
  help                          this text
  version                       the Vouch version

Without a command, vouch opens the desktop app.
)";

struct Args
{
    QStringList positional;
    QMap<QString, QString> options; // --name value
    QSet<QString> flags;            // --name
    QString error;
};

// Options that take a value; everything else starting with -- is a flag.
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
        const LoadResult result = ContractLoader::loadFile(file);
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
    const LoadResult result = ContractLoader::loadFile(a.positional.at(1));
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

std::optional<QDateTime> parseNow(const Args &a, QTextStream &err)
{
    if (!a.options.contains(QStringLiteral("now")))
        return QDateTime::currentDateTimeUtc();
    QDateTime now = QDateTime::fromString(a.options.value(QStringLiteral("now")), Qt::ISODate);
    if (!now.isValid()) {
        err << "vouch demo: --now must be an ISO date-time such as 2026-11-23T07:00:00Z\n";
        return std::nullopt;
    }
    return now.toUTC();
}

int demoInit(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args, {QStringLiteral("scenario"), QStringLiteral("now")}, {});
    if (!a.error.isEmpty() || a.positional.size() != 1) {
        err << "vouch demo init: "
            << (a.error.isEmpty() ? QStringLiteral("give a directory") : a.error)
            << "\nusage: vouch demo init DIR [--scenario S] [--now ISO]\n";
        return BadInput;
    }
    const auto now = parseNow(a, err);
    if (!now)
        return BadInput;
    demo::InitOptions options;
    options.dir = a.positional.first();
    options.scenario = a.options.value(QStringLiteral("scenario"), QStringLiteral("all-green"));
    options.now = *now;
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
    const Args a = parseArgs(args, {QStringLiteral("dir")}, {});
    const QString dir = a.options.value(QStringLiteral("dir"), qEnvironmentVariable("VOUCH_DATA"));
    if (!a.error.isEmpty() || a.positional.size() != 1 || dir.isEmpty()) {
        err << "vouch demo ingest: "
            << (!a.error.isEmpty() ? a.error
                : dir.isEmpty()    ? QStringLiteral("give --dir or set VOUCH_DATA")
                                   : QStringLiteral("give one source"))
            << "\nusage: vouch demo ingest SOURCE [--dir D]   sources: "
            << demo::sources().join(QStringLiteral(", ")) << '\n';
        return BadInput;
    }
    const QString error = demo::ingest(dir, a.positional.first());
    if (!error.isEmpty()) {
        err << "vouch demo ingest: " << error << '\n';
        return 1;
    }
    out << "ingested " << a.positional.first() << '\n';
    return Ok;
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
    default:
        return QStringLiteral("·");
    }
}

// A first reading of what the outcomes mean for each section. The trust layer
// (issue 4) owns verdicts; this keeps the headless demo honest until then.
int summarize(const Contract &contract, const QList<NodeOutcome> &outcomes, QTextStream &out)
{
    const Graph graph = Graph::fromContract(contract);
    QHash<QString, NodeOutcome> byId;
    for (const NodeOutcome &o : outcomes)
        byId.insert(o.id, o);
    bool blocked = false, held = false, caveated = false;
    out << "\nSections\n";
    for (const Section &section : contract.report.sections) {
        QStringList failed, warned;
        for (int index : graph.upstream(graph.sectionNeeds(section.id))) {
            const NodeOutcome &o = byId.value(graph.id(index));
            if (o.state == NodeState::Failed)
                failed << o.id;
            else if (o.state == NodeState::Warned)
                warned << o.id;
        }
        QString verdict = QStringLiteral("safe");
        if (!failed.isEmpty()) {
            switch (section.onFailure) {
            case FailurePolicy::Block:
                verdict = QStringLiteral("NOT SAFE (blocks the report)");
                blocked = true;
                break;
            case FailurePolicy::Hold:
                verdict = QStringLiteral("HELD");
                held = true;
                break;
            case FailurePolicy::Caveat:
                verdict = QStringLiteral("publish with caveat");
                caveated = true;
                break;
            }
        } else if (!warned.isEmpty()) {
            verdict = QStringLiteral("publish with caveat");
            caveated = true;
        }
        out << "  " << section.name << ": " << verdict << '\n';
        for (const QString &id : failed + warned) {
            const NodeOutcome &o = byId.value(id);
            const Node *node = contract.node(id);
            QString why = o.message;
            if (node && node->impact) {
                QMap<QString, QString> values{{QStringLiteral("node"), id},
                                              {QStringLiteral("section"), section.name},
                                              {QStringLiteral("report"), contract.report.name},
                                              {QStringLiteral("owner"), node->owner}};
                if (o.value)
                    values.insert(QStringLiteral("value"), QString::number(*o.value, 'g', 12));
                if (o.reference)
                    values.insert(QStringLiteral("reference"),
                                  QString::number(*o.reference, 'g', 12));
                if (o.ageSeconds)
                    values.insert(QStringLiteral("age"), formatDuration(Duration(*o.ageSeconds)));
                why = node->impact->render(values);
            }
            out << "    " << glyph(o.state) << ' ' << id << ": " << why << '\n';
        }
        if ((!failed.isEmpty() || !warned.isEmpty()) && !section.fallback.isEmpty())
            out << "    fallback: " << section.fallback << '\n';
    }
    const int exit = blocked ? Failed : held ? Partial : caveated ? Caveated : Ok;
    static const QMap<int, QString> status{{Ok, QStringLiteral("complete")},
                                           {Caveated, QStringLiteral("caveated")},
                                           {Partial, QStringLiteral("partial")},
                                           {Failed, QStringLiteral("failed")}};
    out << "\nReport " << contract.report.name << ": " << status.value(exit) << '\n';
    return exit;
}

int demoHeadless(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a =
        parseArgs(args, {QStringLiteral("scenario"), QStringLiteral("dir"), QStringLiteral("now")},
                  {QStringLiteral("headless")});
    if (!a.error.isEmpty() || !a.positional.isEmpty()) {
        err << "vouch demo: "
            << (a.error.isEmpty() ? QStringLiteral("unexpected argument ") + a.positional.first()
                                  : a.error)
            << "\nusage: vouch demo --headless [--scenario S] [--dir D] [--now ISO]\n";
        return BadInput;
    }
    const auto now = parseNow(a, err);
    if (!now)
        return BadInput;
    demo::InitOptions options;
    options.dir = a.options.value(QStringLiteral("dir"), defaultDemoDir());
    options.scenario = a.options.value(QStringLiteral("scenario"), QStringLiteral("all-green"));
    options.now = *now;
    const QString initError = demo::initWarehouse(options);
    if (!initError.isEmpty()) {
        err << "vouch demo: " << initError << '\n';
        return BadInput;
    }
    const QString contractPath = demoContractPath();
    const LoadResult loaded = ContractLoader::loadFile(contractPath);
    printDiagnostics(loaded.diagnostics, err);
    if (!loaded.ok())
        return BadInput;
    const Contract &contract = *loaded.contract;
    RunContext context = contextForLastCompleteWeek(*now, QTimeZone(contract.report.timezone));
    context.env.insert(QStringLiteral("VOUCH_DATA"), QDir(options.dir).absolutePath());
    context.vouchExecutable = QCoreApplication::applicationFilePath();
    out << contract.report.name << ", period " << context.period << " ("
        << context.periodStart.toString(Qt::ISODate) << " to "
        << context.periodEndExclusive.addDays(-1).toString(Qt::ISODate) << "), scenario "
        << options.scenario << '\n'
        << "warehouse: " << QDir(options.dir).absolutePath() << "\n\n";
    out.flush();
    PathRunner runner(loaded.contract, context);
    const auto outcomes = runner.run([&](const NodeOutcome &o) {
        out << "  " << glyph(o.state) << ' ' << toString(o.state).leftJustified(16) << o.id;
        if (!o.message.isEmpty())
            out << "  " << o.message;
        out << '\n';
        out.flush();
    });
    return summarize(contract, outcomes, out);
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
    return demoHeadless(args, out, err);
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
    const QString command = args.value(0);
    const QStringList rest = args.mid(1);
    int exit = BadInput;
    if (command == QLatin1String("validate"))
        exit = validate(rest, out, err);
    else if (command == QLatin1String("select"))
        exit = select(rest, out, err);
    else if (command == QLatin1String("demo"))
        exit = demo(rest, out, err);
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
