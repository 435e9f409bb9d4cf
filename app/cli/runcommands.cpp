#include "app/cli/runcommands.h"
#include "app/cli/progress.h"

#include "app/cli/alertcommands.h"
#include "app/cli/statusjson.h"

#include "engine/calendar/reportcalendar.h"
#include "engine/control/attemptrunner.h"
#include "engine/control/identity.h"
#include "engine/demo/demowarehouse.h"
#include "engine/graph/graph.h"
#include "engine/run/commandexecutor.h"
#include "engine/run/rerunplan.h"
#include "engine/store/statestore.h"
#include "engine/store/storewatcher.h"
#include "engine/trust/assessment.h"
#include "engine/trust/auditlog.h"
#include "engine/util/clock.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QSysInfo>
#include <QTextStream>
#include <QThread>
#include <QTimeZone>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <functional>

#include <sys/socket.h>

#include <unistd.h>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

int g_interruptPipe[2] = {-1, -1};

void onInterrupt(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_interruptPipe[0], &byte, 1);
}

// Turns SIGINT and SIGTERM into a call on the event loop while it lives.
class InterruptGuard
{
public:
    explicit InterruptGuard(std::function<void()> handler)
    {
        if (g_interruptPipe[0] < 0 && ::socketpair(AF_UNIX, SOCK_STREAM, 0, g_interruptPipe) != 0)
            return;
        m_notifier = std::make_unique<QSocketNotifier>(g_interruptPipe[1], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, [handler] {
            char buffer[16];
            [[maybe_unused]] const auto n = ::read(g_interruptPipe[1], buffer, sizeof buffer);
            handler();
        });
        m_oldInt = std::signal(SIGINT, onInterrupt);
        m_oldTerm = std::signal(SIGTERM, onInterrupt);
    }
    ~InterruptGuard()
    {
        if (!m_notifier)
            return;
        std::signal(SIGINT, m_oldInt);
        std::signal(SIGTERM, m_oldTerm);
    }
    InterruptGuard(const InterruptGuard &) = delete;
    InterruptGuard &operator=(const InterruptGuard &) = delete;

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
    void (*m_oldInt)(int) = SIG_DFL;
    void (*m_oldTerm)(int) = SIG_DFL;
};

// Writes UTF-8 text a piece at a time, each cut after a newline (never
// inside a character): the stream converts what it is given to UTF-16 in one
// block, which for 100,000 nodes' JSON was twice its size again in memory.
void writeInPieces(QTextStream &out, const QByteArray &utf8)
{
    constexpr qsizetype kPiece = 1 << 20;
    qsizetype from = 0;
    while (from < utf8.size()) {
        qsizetype to = std::min(utf8.size(), from + kPiece);
        if (to < utf8.size()) {
            const qsizetype before = utf8.lastIndexOf('\n', to - 1);
            const qsizetype after = before >= from ? before : utf8.indexOf('\n', to);
            to = after < 0 ? utf8.size() : after + 1;
        }
        out << QString::fromUtf8(utf8.constData() + from, to - from);
        from = to;
    }
}

struct AttemptRequest
{
    ContractPtr contract;
    RunContext context;
    RunOptions options;
    bool quiet = false;
    ProgressMode progress = ProgressMode::All;
};

// Runs one attempt (engine/control's AttemptRunner: lease, recovery, run,
// assessment, publication record, deliveries), printing progress as nodes
// end, then the verdict. Returns the exit code.
int executeAttempt(AttemptRequest request, QTextStream &out, QTextStream &err)
{
    const Contract &contract = *request.contract;
    const int nodes =
        request.options.nodes.isEmpty() ? contract.nodes.size() : request.options.nodes.size();
    ProgressPrinter progress(out, request.progress, nodes);
    AttemptSpec spec;
    spec.contract = request.contract;
    spec.context = request.context;
    spec.options = request.options;
    // Each due delivery is tried once, after the verdict is printed.
    spec.deliver = [&](StateStore &store, const Assessment &assessment) {
        progress.finish();
        printAssessment(contract, assessment, out);
        deliverAlerts(store, contract, out);
    };
    AttemptRunner runner(spec);
    QObject::connect(&runner, &AttemptRunner::prepared, [&](const QStringList &interrupted) {
        if (!interrupted.isEmpty())
            out << "marked " << interrupted.size() << " node(s) interrupted by an earlier crash: "
                << interrupted.join(QStringLiteral(", ")) << '\n';
    });
    QObject::connect(&runner, &AttemptRunner::runStarted, [&](qint64 id, int a) {
        out << contract.report.name << ", period " << request.context.period << ", run " << id
            << " attempt " << a << '\n';
        out.flush();
    });
    QObject::connect(&runner, &AttemptRunner::transitionsCommitted,
                     [&](const QList<Transition> &batch) {
                         if (!request.quiet)
                             progress.print(batch);
                     });
    // Ctrl-C or SIGTERM cancel the run: process groups are killed, the
    // store records the nodes as cancelled, and the verdict is printed.
    InterruptGuard interrupts([&runner, &err] {
        err << "vouch: cancelling the run\n";
        err.flush();
        runner.cancelRun();
    });
    const AttemptOutcome outcome = runner.runToEnd();
    progress.finish();
    using Status = AttemptOutcome::Status;
    switch (outcome.status) {
    case Status::Finished:
        break;
    case Status::LeaseHeld:
        err << "vouch: " << contract.report.id << " for " << request.context.period
            << " is being run by " << outcome.holder << "; wait for it, or cancel it there\n";
        return BadInput;
    case Status::RunVanished:
        err << "vouch: the run vanished from " << request.options.statePath << '\n';
        return BadInput;
    default:
        err << "vouch: " << outcome.error << '\n';
        return BadInput;
    }
    if (!outcome.pinError.isEmpty())
        err << "vouch: " << outcome.pinError << '\n';
    if (!outcome.publicationError.isEmpty())
        err << "vouch: " << outcome.publicationError << '\n';
    return outcome.assessment->verdict.exitCode;
}

std::optional<int> parseConcurrency(const Args &a, QTextStream &err)
{
    if (!a.options.contains(QStringLiteral("concurrency")))
        return 0;
    bool ok = false;
    const int n = a.options.value(QStringLiteral("concurrency")).toInt(&ok);
    if (!ok || n < 1 || n > 1024) {
        err << "vouch: --concurrency must be a whole number from 1 to 1024\n";
        return std::nullopt;
    }
    return n;
}

// --progress all|brief (default: all on a terminal, brief otherwise).
bool parseProgress(const Args &a, const QString &command, AttemptRequest &request, QTextStream &err)
{
    const auto mode =
        progressMode(a.options.value(QStringLiteral("progress")), ::isatty(STDOUT_FILENO) != 0);
    if (!mode) {
        err << "vouch " << command << ": --progress is 'all' (a line per node) or 'brief' "
            << "(failures in full, successes a few lines a second); found '"
            << a.options.value(QStringLiteral("progress")) << "'\n";
        return false;
    }
    request.progress = *mode;
    return true;
}

// Writes a request and its audit entry. 0, or the exit code of a refusal
// (NotAllowed when the server refused this user) after saying why.
int writeRequest(StateStore &store, RequestRecord &r, const QString &command, QTextStream &err)
{
    r.id = store.addRequest(r);
    if (r.id == 0) {
        if (store.lastErrorRefused()) {
            err << "vouch " << command << ": the state store refused it: " << r.who
                << " may not request " << r.kind
                << "s (an operator needs the vouch_operator role); nothing was recorded\n";
            return NotAllowed;
        }
        err << "vouch " << command << ": " << store.lastError() << '\n';
        return BadInput;
    }
    AuditLog audit(store);
    QString error;
    if (!audit.append(r.who, QStringLiteral("request-") + r.kind, r.reportId, r.period, r.runId,
                      QJsonObject{{QStringLiteral("request"), r.id},
                                  {QStringLiteral("selector"), r.selector},
                                  {QStringLiteral("downstream"), r.downstream},
                                  {QStringLiteral("failed_only"), r.failedOnly},
                                  {QStringLiteral("reason"), r.reason}},
                      &error)) {
        err << "vouch " << command << ": " << error << '\n';
        return audit.lastErrorRefused() ? NotAllowed : BadInput;
    }
    return 0;
}

} // namespace

// ------------------------------------------------------------------ run

int runCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args,
                             {QStringLiteral("state"), QStringLiteral("period"),
                              QStringLiteral("concurrency"), QStringLiteral("progress")},
                             {QStringLiteral("no-wait"), QStringLiteral("quiet")});
    if (!a.error.isEmpty() || a.positional.size() != 1) {
        err << "vouch run: "
            << (a.error.isEmpty() ? QStringLiteral("give one contract file") : a.error)
            << "\nusage: vouch run FILE [--state DB] [--period KEY] [--concurrency N] "
               "[--no-wait] [--progress all|brief]\n";
        return BadInput;
    }
    const auto concurrency = parseConcurrency(a, err);
    if (!concurrency)
        return BadInput;
    AttemptRequest request;
    request.contract = loadContract(a.positional.first(), err);
    if (!request.contract)
        return BadInput;
    if (a.options.contains(QStringLiteral("period"))) {
        QString periodError;
        const auto period = reportPeriod(request.contract->report,
                                         a.options.value(QStringLiteral("period")), &periodError);
        if (!period) {
            err << "vouch run: --period " << periodError << '\n';
            return BadInput;
        }
        request.context = contextFor(*period, QDateTime());
    } else {
        request.context = contextForReport(request.contract->report, clockNow());
    }
    request.context.vouchExecutable = QCoreApplication::applicationFilePath();
    request.options.statePath = a.options.value(QStringLiteral("state"), defaultStatePath());
    request.options.concurrency = *concurrency;
    request.options.who = whoIsActing(Acting::Attempt);
    request.options.reason = QStringLiteral("run");
    request.options.waitForLateSources = !a.flags.contains(QStringLiteral("no-wait"));
    request.quiet = a.flags.contains(QStringLiteral("quiet"));
    if (!parseProgress(a, QStringLiteral("run"), request, err))
        return BadInput;
    return executeAttempt(request, out, err);
}

// ------------------------------------------------------------------ status

namespace {

// `vouch status --follow`: every transition of the report as it is recorded,
// by whoever executes it, and the requests and executors around them; from
// the whole history, then live, until interrupted.
int followCommand(const QString &statePath, const QString &file, QTextStream &out, QTextStream &err)
{
    auto target = openLatestRun(QStringLiteral("status"), statePath, file, err);
    if (!target)
        return BadInput;
    const QString reportId = target->contract->report.id;
    StoreWatcher watcher(statePath, reportId);
    QHash<QString, QString> requestStates;
    QString executor;
    const auto showRequests = [&] {
        for (const RequestRecord &r : target->store->requests(reportId)) {
            const QString key = QString::number(r.id);
            if (requestStates.value(key) == r.state)
                continue;
            requestStates.insert(key, r.state);
            out << "request #" << r.id << ' ' << r.kind << ' '
                << (r.selector.isEmpty() ? QStringLiteral("-") : r.selector) << " by " << r.who
                << " (" << r.reason << "): " << r.state;
            if (!r.handledBy.isEmpty())
                out << " by " << describeHolder(r.handledBy);
            if (r.attempt > 0)
                out << " as attempt " << r.attempt;
            if (!r.outcome.isEmpty())
                out << ": " << r.outcome;
            out << '\n';
        }
        out.flush();
    };
    const auto showExecutor = [&] {
        const auto run = target->store->latestRun(reportId);
        const QString holder =
            run ? target->store->leaseHolder(leaseKey(reportId, run->period)) : QString();
        if (holder == executor)
            return;
        executor = holder;
        out << "executing: "
            << (holder.isEmpty() ? QStringLiteral("nobody") : describeHolder(holder)) << '\n';
        out.flush();
    };
    QObject::connect(&watcher, &StoreWatcher::eventsArrived, [&](const QList<EventRecord> &events) {
        for (const EventRecord &e : events) {
            out << "event " << e.seq << " run " << e.runId << " attempt " << e.attempt << ' '
                << e.nodeId << ' ' << toString(e.state);
            if (!e.message.isEmpty())
                out << "  " << e.message;
            out << '\n';
        }
        out.flush();
    });
    QObject::connect(&watcher, &StoreWatcher::requestsChanged, showRequests);
    QObject::connect(&watcher, &StoreWatcher::leasesChanged, showExecutor);
    QObject::connect(&watcher, &StoreWatcher::connectionLost, [&](const QString &why) {
        err << "vouch status: lost the connection to the state store (" << why
            << "); reconnecting\n";
        err.flush();
    });
    QObject::connect(&watcher, &StoreWatcher::reconnected, [&] {
        // The control connection died with it: open a new one.
        QString ignored;
        if (auto store = StateStore::open(statePath, &ignored))
            target->store = std::move(store);
        err << "vouch status: reconnected; caught up from the event table\n";
        err.flush();
    });
    out << "following " << reportId << " in " << target->store->path() << " (Ctrl-C to stop)\n";
    out.flush();
    QString error;
    if (!watcher.start(&error)) {
        err << "vouch status: " << error << '\n';
        return BadInput;
    }
    showExecutor();
    showRequests();
    QEventLoop loop;
    InterruptGuard interrupts([&loop] { loop.quit(); });
    loop.exec();
    return Ok;
}

} // namespace

int statusCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args, {QStringLiteral("state")},
                             {QStringLiteral("json"), QStringLiteral("follow")});
    if (!a.error.isEmpty() || a.positional.size() > 1) {
        err << "vouch status: "
            << (a.error.isEmpty() ? QStringLiteral("give at most one contract file") : a.error)
            << "\nusage: vouch status [FILE] [--state DB] [--json | --follow]\n";
        return BadInput;
    }
    if (a.flags.contains(QStringLiteral("follow")))
        return followCommand(a.options.value(QStringLiteral("state"), defaultStatePath()),
                             a.positional.value(0), out, err);
    // Status only needs to write to recover a dead run: a store this user
    // cannot write (an archive, a read-only mount, another user's file) is
    // still read.
    auto target = openLatestRun(QStringLiteral("status"),
                                a.options.value(QStringLiteral("state"), defaultStatePath()),
                                a.positional.value(0), err, StoreAccess::ReadWhereUnwritable);
    if (!target)
        return BadInput;
    auto &store = target->store;
    const ContractPtr contract = target->contract;
    const RunRecord *run = &target->run;
    // A run whose runner died is not running: say so, once, in the store.
    if (!store->isReadOnly())
        recoverIfIdle(*store, run->reportId, run->period);
    const QList<NodeRunRecord> rows = store->nodeRuns(run->id);
    if (store->isReadOnly() && std::any_of(rows.cbegin(), rows.cend(), [](const NodeRunRecord &r) {
            return r.state == NodeState::Queued || r.state == NodeState::Running ||
                   r.state == NodeState::Retrying;
        }))
        err << "vouch status: note: " << store->path() << " is read-only here, so nodes "
            << "shown running are as recorded; if their runner died, a `vouch status` with "
               "write access marks them interrupted\n";
    const Graph graph = Graph::fromContract(*contract);
    const auto assessment = assess(*store, *contract, graph, run->id, clockNow(), rows);
    if (!assessment)
        return BadInput;
    const QList<int> order = graph.topologicalOrder();
    // Each node's row by index, one hash lookup per row; a node sharing
    // another's id (an invalid contract) shows that id's row too.
    const NodeRunRecord none;
    std::vector<const NodeRunRecord *> rowAt(graph.size(), nullptr);
    for (const NodeRunRecord &r : rows) {
        const int index = graph.indexOf(r.nodeId);
        if (index >= 0)
            rowAt[index] = &r;
    }
    const auto recordOf = [&](int index) -> const NodeRunRecord & {
        const NodeRunRecord *r = rowAt[index];
        if (!r) {
            const int first = graph.indexOf(graph.id(index));
            r = first == index ? nullptr : rowAt[first];
        }
        return r ? *r : none;
    };
    if (a.flags.contains(QStringLiteral("json"))) {
        QByteArray json;
        {
            QList<StatusNode> jsonNodes;
            jsonNodes.reserve(order.size());
            for (int index : order)
                jsonNodes.append({&graph.id(index), &recordOf(index)});
            json = statusJson(assessmentJson(*assessment), jsonNodes);
        } // the JSON objects are freed before the text is written
        writeInPieces(out, json);
        return assessment->verdict.exitCode;
    }
    out << contract->report.name << ", period " << run->period << ", run " << run->id << " attempt "
        << run->latestAttempt << '\n';
    for (int index : order) {
        const NodeRunRecord &r = recordOf(index);
        out << "  " << glyph(r.state) << ' ' << toString(r.state).leftJustified(16)
            << graph.id(index);
        if (r.attempt > 0 && r.attempt != run->latestAttempt)
            out << " [attempt " << r.attempt << ']';
        if (!r.message.isEmpty())
            out << "  " << r.message;
        out << '\n';
    }
    printAssessment(*contract, *assessment, out);
    return assessment->verdict.exitCode;
}

// ------------------------------------------------------------------ rerun

namespace {

// A team request this workstation did not take: wait a moment for someone
// to claim it, then say who did, or that it waits and why. A runner that is
// starting (or renewing a lapsed lease) claims within its first poll.
void reportUnclaimedRequest(StateStore &store, const RequestRecord &r, bool mayNotExecute,
                            QTextStream &out)
{
    const QString claimError = store.lastError();
    const int waitMs = std::min(5, leaseSeconds()) * 1000;
    std::optional<RequestRecord> now = store.request(r.id);
    for (int waited = 0; now && now->state == QLatin1String("pending") && waited < waitMs;
         waited += 200) {
        QThread::msleep(200);
        now = store.request(r.id);
    }
    out << "rerun requested as #" << r.id << " by " << r.who << "; ";
    if (now && now->state != QLatin1String("pending")) {
        out << (now->handledBy.isEmpty() ? QStringLiteral("someone")
                                         : describeHolder(now->handledBy))
            << " took it (" << now->state << "; vouch status --follow shows it)\n";
        return;
    }
    out << "it is pending: no runner is serving " << r.reportId;
    if (const auto last = store.lease(runnerKey(r.reportId)); last && !last->holder.isEmpty())
        out << " (the last one, " << describeHolder(last->holder) << ", let its lease expire at "
            << last->expiresAt.toUTC().toString(Qt::ISODate) << ')';
    if (mayNotExecute)
        out << ", and " << (r.who.isEmpty() ? QStringLiteral("this user") : r.who)
            << " may not execute it itself";
    else if (!claimError.isEmpty())
        out << ", and this workstation could not take it (" << claimError << ')';
    out << ". A runner executes it once one starts: vouch serve CONTRACT --state "
        << "postgres://RUNNER@HOST:PORT/DB, as a user with the vouch_runner role (docs/team.md)\n";
}

} // namespace

int rerunCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args,
                             {QStringLiteral("state"), QStringLiteral("reason"),
                              QStringLiteral("concurrency"), QStringLiteral("progress")},
                             {QStringLiteral("downstream"), QStringLiteral("failed-only"),
                              QStringLiteral("dry-run"), QStringLiteral("no-wait")});
    auto usage = [&](const QString &problem) {
        err << "vouch rerun: " << problem
            << "\nusage: vouch rerun [SELECTOR] [--downstream] [--failed-only] [--dry-run] "
               "--reason TEXT "
               "[--state DB] [FILE]\n";
        return BadInput;
    };
    if (!a.error.isEmpty())
        return usage(a.error);
    QString selector, file;
    QStringList positional = a.positional;
    if (!positional.isEmpty()) {
        const QString last = positional.last();
        if ((last.endsWith(QLatin1String(".yaml")) || last.endsWith(QLatin1String(".yml"))) &&
            QFileInfo(last).isFile())
            file = positional.takeLast();
    }
    if (positional.size() > 1)
        return usage(QStringLiteral("give one selector (quote it when it has spaces)"));
    selector = positional.value(0);
    if (selector.isEmpty() && !a.flags.contains(QStringLiteral("failed-only")))
        return usage(QStringLiteral("say what to rerun: a selector, --failed-only, or both"));
    const bool dryRun = a.flags.contains(QStringLiteral("dry-run"));
    const QString reason = a.options.value(QStringLiteral("reason")).trimmed();
    if (reason.isEmpty() && !dryRun)
        return usage(QStringLiteral("a rerun needs --reason TEXT (it is recorded with your name)"));
    const auto concurrency = parseConcurrency(a, err);
    if (!concurrency)
        return BadInput;

    const QString statePath = a.options.value(QStringLiteral("state"), defaultStatePath());
    auto target = openLatestRun(QStringLiteral("rerun"), statePath, file, err);
    if (!target)
        return BadInput;
    auto &store = target->store;
    const ContractPtr contract = target->contract;
    const RunRecord *run = &target->run;
    // Team mode: a request with identity and reason, which the runner (or
    // whoever holds the run's lease) executes; this workstation executes it
    // itself only when no runner serves the report and nobody runs it now.
    std::optional<RequestRecord> teamRequest;
    if (store->isPostgres() && !dryRun) {
        RequestRecord r;
        r.reportId = run->reportId;
        r.period = run->period;
        r.runId = run->id;
        r.kind = QStringLiteral("rerun");
        r.selector = selector;
        r.downstream = a.flags.contains(QStringLiteral("downstream"));
        r.failedOnly = a.flags.contains(QStringLiteral("failed-only"));
        r.who = whoIsActing(Acting::Decision, store.get());
        r.reason = reason;
        if (const int refused = writeRequest(*store, r, QStringLiteral("rerun"), err))
            return refused;
        const QString runner = store->leaseHolder(runnerKey(run->reportId));
        const QString executing = store->leaseHolder(leaseKey(run->reportId, run->period));
        if (!runner.isEmpty() || !executing.isEmpty()) {
            out << "rerun requested as #" << r.id << " by " << r.who << "; "
                << describeHolder(executing.isEmpty() ? runner : executing)
                << " will execute it (vouch status --follow shows it)\n";
            return Ok;
        }
        if (!store->claimRequest(r.id, myHolder())) {
            // Another process claimed it, or this user may not execute (an
            // operator's grants stop at requests): say which, from the store.
            reportUnclaimedRequest(*store, r, store->lastErrorRefused(), out);
            return Ok;
        }
        teamRequest = r;
    }
    // Interrupted nodes count as not succeeded: recover them before planning.
    if (const QString holder = recoverIfIdle(*store, run->reportId, run->period);
        !holder.isEmpty()) {
        err << "vouch rerun: " << run->reportId << " for " << run->period << " is being run by "
            << holder << "; wait for it, or cancel it there\n";
        return BadInput;
    }
    const Graph graph = Graph::fromContract(*contract);
    RerunRequest rerun;
    rerun.selector = selector;
    rerun.downstream = a.flags.contains(QStringLiteral("downstream"));
    rerun.failedOnly = a.flags.contains(QStringLiteral("failed-only"));
    const RerunPlan plan = planRerunOf(*store, graph, run->id, rerun);
    if (!plan.error.isEmpty()) {
        err << "vouch rerun: " << plan.error << '\n';
        return BadInput;
    }
    if (dryRun) {
        out << "Rerun of " << run->reportId << " " << run->period << " (run " << run->id
            << ") would run " << plan.items.size() << " of " << graph.size()
            << " nodes, as attempt " << run->latestAttempt + 1 << ":\n";
        for (const RerunPlan::Item &item : plan.items)
            out << "  " << graph.id(item.index) << "  (" << item.why << ")\n";
        out << "Nothing else runs; every other node keeps its latest state.\n";
        return Ok;
    }
    store.reset(); // the attempt opens its own connection under the lease
    AttemptRequest request;
    request.contract = contract;
    const auto ctx = contextForPeriod(run->period, QDateTime());
    if (!ctx) {
        err << "vouch rerun: the run's period '" << run->period << "' is not a period key\n";
        return BadInput;
    }
    request.context = *ctx;
    request.context.vouchExecutable = QCoreApplication::applicationFilePath();
    if (!qEnvironmentVariableIsEmpty("VOUCH_DATA"))
        request.context.env.insert(QStringLiteral("VOUCH_DATA"),
                                   qEnvironmentVariable("VOUCH_DATA"));
    request.options.statePath = statePath;
    request.options.concurrency = *concurrency;
    request.options.who = whoIsActing(Acting::Attempt);
    request.options.reason = reason;
    request.options.nodes = plan.ids(graph);
    request.options.waitForLateSources = !a.flags.contains(QStringLiteral("no-wait"));
    if (!parseProgress(a, QStringLiteral("rerun"), request, err))
        return BadInput;
    if (!teamRequest)
        return executeAttempt(request, out, err);
    const RequestRecord &r = *teamRequest;
    request.options.who = r.who;
    request.options.reason = QStringLiteral("%1 (request #%2)").arg(reason).arg(r.id);
    const int code = executeAttempt(request, out, err);
    QString error;
    if (auto done = StateStore::open(statePath, &error)) {
        const auto latest = done->findRun(r.reportId, r.period);
        done->finishRequest(r.id, QStringLiteral("done"), latest ? latest->latestAttempt : 0,
                            QStringLiteral("executed by the workstation; exit %1").arg(code));
        AuditLog(*done).append(whoIsActing(Acting::Decision, done.get()),
                               QStringLiteral("request-done"), r.reportId, r.period, r.runId,
                               QJsonObject{{QStringLiteral("request"), r.id},
                                           {QStringLiteral("kind"), r.kind},
                                           {QStringLiteral("executor"), myHolder()},
                                           {QStringLiteral("exit"), code}});
    }
    return code;
}

// ------------------------------------------------------------------ cancel

int cancelCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(args, {QStringLiteral("state"), QStringLiteral("reason")}, {});
    const QString reason = a.options.value(QStringLiteral("reason")).trimmed();
    if (!a.error.isEmpty() || a.positional.size() > 1 || reason.isEmpty()) {
        err << "vouch cancel: "
            << (!a.error.isEmpty()        ? a.error
                : a.positional.size() > 1 ? QStringLiteral("give at most one contract file")
                                          : QStringLiteral("a cancel needs --reason TEXT"))
            << "\nusage: vouch cancel --reason TEXT [--state postgres://...] [FILE]\n";
        return BadInput;
    }
    auto target = openLatestRun(QStringLiteral("cancel"),
                                a.options.value(QStringLiteral("state"), defaultStatePath()),
                                a.positional.value(0), err);
    if (!target)
        return BadInput;
    if (!target->store->isPostgres()) {
        err << "vouch cancel: a request to cancel needs a team store (--state postgres://...); "
               "on this machine, stop the run with Ctrl-C\n";
        return BadInput;
    }
    RequestRecord r;
    r.reportId = target->run.reportId;
    r.period = target->run.period;
    r.runId = target->run.id;
    r.kind = QStringLiteral("cancel");
    r.who = whoIsActing(Acting::Decision, target->store.get());
    r.reason = reason;
    if (const int refused = writeRequest(*target->store, r, QStringLiteral("cancel"), err))
        return refused;
    out << "cancel requested as #" << r.id << " by " << r.who << '\n';
    return Ok;
}

// ------------------------------------------------------------------ demo

namespace {
// A demo warehouse made for another Monday would look stale or odd today.
bool replayIsStale(const QString &dir, const QDateTime &now)
{
    QFile marker(dir + QStringLiteral("/replay-now"));
    const QByteArray stamp = now.toString(Qt::ISODate).toUtf8();
    const bool same = marker.open(QIODevice::ReadOnly) && marker.readAll().trimmed() == stamp;
    marker.close();
    if (!same) {
        QDir().mkpath(dir);
        if (marker.open(QIODevice::WriteOnly))
            marker.write(stamp);
    }
    return !same;
}
} // namespace

int demoHeadlessCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a =
        parseArgs(args,
                  {QStringLiteral("scenario"), QStringLiteral("dir"), QStringLiteral("concurrency"),
                   QStringLiteral("progress"), QStringLiteral("report")},
                  {QStringLiteral("headless"), QStringLiteral("wait")});
    if (!a.error.isEmpty() || !a.positional.isEmpty()) {
        err << "vouch demo: "
            << (a.error.isEmpty() ? QStringLiteral("unexpected argument ") + a.positional.first()
                                  : a.error)
            << "\nusage: vouch demo --headless [--report weekly|month-end] [--scenario S] [--dir "
               "D] "
               "[--wait] [--now ISO]\n";
        return BadInput;
    }
    // Which of the demo's reports: the weekly pack or the month-end close pack.
    const QString report = a.options.value(QStringLiteral("report"), QStringLiteral("weekly"));
    QStringList reportKeys;
    for (const demo::DemoReport &r : demo::reports())
        reportKeys << r.key;
    if (!reportKeys.contains(report)) {
        err << "vouch demo: unknown report \"" << report << "\"; give --report "
            << reportKeys.join(QStringLiteral(" or --report ")) << '\n';
        return BadInput;
    }
    const bool weekly = report == QLatin1String("weekly");
    const auto concurrency = parseConcurrency(a, err);
    if (!concurrency)
        return BadInput;
    // Without --now the demo replays the latest Monday 06:00 in London; either
    // way the whole run is stamped and judged by that pinned clock, and the
    // store remembers it for `vouch status` and the app.
    const bool nowGiven = processClock().isPinned();
    const QDateTime now = nowGiven ? clockNow() : demo::replayNow(wallNow());
    setProcessClock(Clock::pinned(now));
    const QString dir =
        QDir(a.options.value(QStringLiteral("dir"), defaultDemoDir())).absolutePath();
    const QString statePath = dir + QStringLiteral("/state.db");
    const bool fresh = !QFileInfo::exists(dir + QStringLiteral("/landing.db"));
    const bool otherMonday = replayIsStale(dir, now); // records this Monday for next time
    if (fresh || otherMonday || a.options.contains(QStringLiteral("scenario")) || nowGiven) {
        demo::InitOptions options;
        options.dir = dir;
        options.scenario = a.options.value(QStringLiteral("scenario"), QStringLiteral("all-green"));
        options.now = now;
        options.coverCloseMonth = true; // the month-end pack reads the same warehouse
        const QString initError = demo::initWarehouse(options);
        if (!initError.isEmpty()) {
            err << "vouch demo: " << initError << '\n';
            return BadInput;
        }
        // A new warehouse starts a new history.
        for (const QString &f :
             {statePath, statePath + QStringLiteral("-wal"), statePath + QStringLiteral("-shm")})
            QFile::remove(f);
        QDir(dir + QStringLiteral("/logs")).removeRecursively();
        out << "demo warehouse (scenario " << options.scenario << ") written to " << dir << '\n';
    }
    AttemptRequest request;
    request.contract =
        loadContract(weekly ? demoContractPath() : demo::reportContractPath(report), err);
    if (!request.contract)
        return BadInput;
    if (weekly) {
        const demo::Period period = demo::reportingPeriod(now);
        const auto ctx = contextForPeriod(period.isoWeek, now);
        if (!ctx)
            return BadInput;
        request.context = *ctx;
    } else {
        // The month-end pack closes the last complete month before the
        // demo's clock, by its own calendar.
        request.context = contextForReport(request.contract->report, now);
    }
    request.context.env.insert(QStringLiteral("VOUCH_DATA"), dir);
    request.context.vouchExecutable = QCoreApplication::applicationFilePath();
    request.options.statePath = statePath;
    request.options.concurrency = *concurrency;
    request.options.who = whoIsActing(Acting::Attempt);
    request.options.reason = QStringLiteral("demo");
    // The demo's orders source waits until Monday 10:00 for a late load; the
    // demo shows the outcome now unless asked to wait like a real Monday.
    request.options.waitForLateSources = a.flags.contains(QStringLiteral("wait"));
    if (!parseProgress(a, QStringLiteral("demo"), request, err))
        return BadInput;
    out << "warehouse: " << dir << "\nstate: " << statePath << "\n";
    return executeAttempt(request, out, err);
}

} // namespace vouch::cli
