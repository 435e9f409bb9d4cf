// `vouch serve`: runs contracts on their cron schedules, in each report's
// time zone, one run per report and period at a time (a lease in the store).

#include "app/cli/common.h"
#include "app/cli/runcommands.h"
#include "engine/alert/dispatcher.h"
#include "engine/calendar/reportcalendar.h"
#include "engine/control/attemptrunner.h"
#include "engine/control/identity.h"
#include "engine/graph/graph.h"
#include "engine/run/rerunplan.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"
#include "engine/trust/auditlog.h"
#include "engine/util/clock.h"
#include "engine/util/log.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTimeZone>
#include <QTimer>

#include <csignal>
#include <memory>

#include <sys/socket.h>
#include <unistd.h>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

class ServeJob : public QObject
{
public:
    ServeJob(ContractPtr contract, QString statePath, int concurrency, bool once, QObject *parent)
        : QObject(parent)
        , m_contract(std::move(contract))
        , m_statePath(std::move(statePath))
        , m_concurrency(concurrency)
        , m_once(once)
        , m_zone(m_contract->report.timezone)
    {
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::VeryCoarseTimer);
        connect(&m_timer, &QTimer::timeout, this, &ServeJob::fire);
        // Escalation rules fire at their times: look at the latest run once a
        // minute while nothing is running.
        connect(&m_watch, &QTimer::timeout, this, &ServeJob::watch);
        m_watch.start(60 * 1000);
        // The runner's duties beyond the schedule: requests from workstations
        // and runs whose executor died. Woken by notifications on a server
        // store; the tick also notices leases that expired.
        connect(&m_tick, &QTimer::timeout, this, &ServeJob::service);
        m_tick.start(std::max(1, leaseSeconds() / 3) * 1000);
    }

    ~ServeJob() override
    {
        // Before m_alertStore, whose connection it uses.
        delete m_dispatcher;
    }

    std::function<void()> onIdle; // called when a --once job has nothing left to do

    void startUp()
    {
        startDelivery();
        QString openError;
        m_control = StateStore::open(m_statePath, &openError);
        if (!m_control) {
            log::error(QStringLiteral("%1: %2").arg(m_contract->report.id, openError));
        } else {
            m_control->acquireLease(runnerKey(m_contract->report.id), myHolder(), leaseSeconds());
            // PostgreSQL: a request written anywhere wakes the runner at once.
            m_control->onTableChanged(QStringLiteral("requests"), this, [this] { service(); });
        }
        queueMissedRuns();
        if (startOwed())
            return;
        service();
        if (m_runner)
            return;
        if (m_once) {
            finishOnce();
            return;
        }
        armNext();
    }

private:
    // Alert delivery while serving: a Dispatcher on a connection of its own
    // on this thread, so retries and Retry-After waits happen in this event
    // loop; each assessment enqueues what changed and pokes it.
    void startDelivery()
    {
        if (m_contract->alerting.channels.isEmpty())
            return;
        QString error;
        m_alertStore = StateStore::open(m_statePath, &error);
        if (!m_alertStore) {
            log::error(QStringLiteral("%1: alert delivery: %2").arg(m_contract->report.id, error));
            return;
        }
        m_dispatcher = new Dispatcher(*m_alertStore, this);
        connect(m_dispatcher, &Dispatcher::deliveryChanged, this, [this](const Delivery &d) {
            const QString what =
                QStringLiteral("%1: alert delivery %2 to %3: %4")
                    .arg(m_contract->report.id, d.key(), d.channel, toString(d.status));
            if (d.status == DeliveryStatus::Failed)
                log::error(QStringLiteral("%1 (%2)").arg(what, d.lastError));
            else if (d.status == DeliveryStatus::Pending)
                log::warn(QStringLiteral("%1, retrying at %2 (%3)")
                              .arg(what, d.nextAt.toString(Qt::ISODate), d.lastError));
            else
                log::info(what);
        });
        // Whatever an earlier runner assessed but did not send.
        enqueueAlerts();
        m_dispatcher->start();
    }

    void enqueueAlerts()
    {
        if (!m_dispatcher)
            return;
        Outbox &outbox = m_dispatcher->outbox();
        QString error;
        const int added = outbox.enqueue(*m_contract, &error);
        if (!error.isEmpty())
            log::error(QStringLiteral("%1: %2").arg(m_contract->report.id, error));
        if (added > 0)
            m_dispatcher->poke();
    }

    // Requests first (cancels of the running attempt, then reruns, oldest
    // first), then a run whose executor died: its lease expired (or its
    // process on this machine is gone) with its latest attempt unfinished.
    void service()
    {
        if (!m_control)
            return;
        m_control->acquireLease(runnerKey(m_contract->report.id), myHolder(), leaseSeconds());
        const QList<RequestRecord> pending =
            m_control->requests(m_contract->report.id, QStringLiteral("pending"));
        if (m_runner) {
            for (const RequestRecord &r : pending) {
                if (r.kind != QLatin1String("cancel") || r.period != m_context.period ||
                    !m_control->claimRequest(r.id, myHolder()))
                    continue;
                log::info(QStringLiteral("%1: request #%2: cancel by %3 (%4)")
                              .arg(m_contract->report.id)
                              .arg(r.id)
                              .arg(r.who, r.reason));
                m_cancelRequests.append(r.id);
                m_runner->cancelRun();
            }
            return;
        }
        for (const RequestRecord &r : pending) {
            if (r.kind == QLatin1String("cancel")) {
                if (m_control->claimRequest(r.id, myHolder()))
                    finishRequest(*m_control, r, QStringLiteral("refused"), 0,
                                  QStringLiteral("nothing was running"));
                continue;
            }
            if (startRerun(r))
                return;
        }
        const auto run = m_control->latestRun(m_contract->report.id);
        if (!run || run->latestAttempt == 0)
            return;
        const QList<AttemptRecord> attempts = m_control->attempts(run->id);
        if (attempts.isEmpty() || attempts.last().finishedAt.isValid())
            return;
        const auto lease = m_control->lease(leaseKey(run->reportId, run->period));
        const QString previous = lease ? lease->holder : QStringLiteral("an unknown executor");
        const auto ctx = contextForPeriod(run->period, QDateTime());
        if (!ctx)
            return;
        RunOptions options;
        options.who = runnerWho();
        options.reason = QStringLiteral("taken over from %1 after its lease expired")
                             .arg(describeHolder(previous));
        AttemptSpec spec = specFor(*ctx, options);
        RerunRequest rerun;
        rerun.failedOnly = true;
        spec.rerun = rerun;
        const int lost = attempts.last().attempt;
        spec.underLease = [run = *run, lost, previous](StateStore &store) {
            log::warn(
                QStringLiteral("%1 %2: attempt %3 of run %4 lost its executor (%5); taking over")
                    .arg(run.reportId, run.period)
                    .arg(lost)
                    .arg(run.id)
                    .arg(describeHolder(previous)));
            store.finishAttempt(run.id, lost);
            return true;
        };
        // Refused: its executor is alive, or nothing is left to run.
        if (begin(std::move(spec)))
            m_runner->launch();
    }

    QString runnerWho() const
    {
        return QStringLiteral("vouch serve (%1)")
            .arg(whoIsActing(Acting::Attempt, m_control.get()));
    }

    void finishRequest(StateStore &store, const RequestRecord &r, const QString &state, int attempt,
                       const QString &outcome)
    {
        store.finishRequest(r.id, state, attempt, outcome);
        AuditLog audit(store);
        QString error;
        if (!audit.append(whoIsActing(Acting::Attempt, &store), QStringLiteral("request-") + state,
                          r.reportId, r.period, r.runId,
                          QJsonObject{{QStringLiteral("request"), r.id},
                                      {QStringLiteral("kind"), r.kind},
                                      {QStringLiteral("requested_by"), r.who},
                                      {QStringLiteral("executor"), myHolder()},
                                      {QStringLiteral("attempt"), attempt},
                                      {QStringLiteral("outcome"), outcome}},
                          &error))
            log::error(QStringLiteral("%1: %2").arg(r.reportId, error));
    }

    bool startRerun(const RequestRecord &r)
    {
        const auto ctx = contextForPeriod(r.period, QDateTime());
        if (!ctx)
            return false;
        RunOptions options;
        options.who = r.who;
        options.reason = QStringLiteral("%1 (request #%2)").arg(r.reason).arg(r.id);
        AttemptSpec spec = specFor(*ctx, options);
        RerunRequest rerun;
        rerun.selector = r.selector;
        rerun.downstream = r.downstream;
        rerun.failedOnly = r.failedOnly;
        spec.rerun = rerun;
        spec.underLease = [id = r.id](StateStore &store) {
            return store.claimRequest(id, myHolder());
        };
        if (!begin(std::move(spec), &r))
            return false; // someone executes it now, or it was claimed: it waits
        log::info(QStringLiteral("%1 %2: request #%3: rerun of %4 node(s) for %5 (%6)")
                      .arg(r.reportId, r.period)
                      .arg(r.id)
                      .arg(m_runner->outcome().nodes.size())
                      .arg(r.who, r.reason));
        m_request = r;
        m_runner->launch();
        return true;
    }

    void watch()
    {
        if (m_runner)
            return;
        QString error;
        auto store = StateStore::open(m_statePath, &error);
        if (!store)
            return;
        const auto run = store->latestRun(m_contract->report.id);
        if (!run)
            return;
        const Graph graph = Graph::fromContract(*m_contract);
        if (const auto a = assess(*store, *m_contract, graph, run->id, clockNow())) {
            for (const AlertRecord &alert : a->changed)
                log::warn(QStringLiteral("%1: alert %2 [%3]: %4")
                              .arg(m_contract->report.id, toString(alert.state),
                                   toString(alert.severity), alert.headline));
            if (!a->changed.isEmpty())
                enqueueAlerts();
        }
    }

    // The periods whose scheduled runs fell while nothing served them: one
    // run each, oldest first (reportcalendar.h, runsOwed).
    void queueMissedRuns()
    {
        QString error;
        auto store = StateStore::open(m_statePath, &error);
        if (!store) {
            log::error(QStringLiteral("%1: %2").arg(m_contract->report.id, error));
            return;
        }
        std::optional<Period> lastServed;
        if (const auto latest = store->latestRun(m_contract->report.id))
            lastServed = Period::parse(latest->period);
        for (const OwedRun &owed : runsOwed(m_contract->report, lastServed, clockNow())) {
            if (!store->findRun(m_contract->report.id, owed.period.key()))
                m_owed.append(owed);
        }
    }

    // Starts the oldest owed run; false when none is left.
    bool startOwed()
    {
        if (m_owed.isEmpty())
            return false;
        const OwedRun owed = m_owed.takeFirst();
        log::info(QStringLiteral("%1: the run for %2 (due %3) was missed; starting it now")
                      .arg(m_contract->report.id, owed.period.key(),
                           owed.firedAt.toTimeZone(m_zone).toString(Qt::ISODate)));
        start(contextFor(owed.period, QDateTime()));
        return true;
    }

    void armNext()
    {
        const QDateTime now = clockNow();
        m_next = nextFire(m_contract->report, now);
        if (!m_next.isValid()) {
            log::warn(QStringLiteral("%1: schedule '%2' never fires again")
                          .arg(m_contract->report.id, m_contract->report.schedule.text()));
            return;
        }
        log::info(QStringLiteral("%1: next run at %2")
                      .arg(m_contract->report.id, m_next.toTimeZone(m_zone).toString(Qt::ISODate)));
        // Re-check at least hourly, so suspend/resume and clock changes
        // cannot make a run late by more than that.
        m_timer.start(int(std::clamp<qint64>(now.msecsTo(m_next), 0, 3600 * 1000)));
    }

    void fire()
    {
        const QDateTime now = clockNow();
        if (now < m_next) {
            armNext();
            return;
        }
        start(contextFor(periodDueAt(m_contract->report, m_next), QDateTime()));
    }

    // The attempt as this runner runs it: its environment, store and
    // concurrency, who and why, and its alert changes queued to the
    // dispatcher.
    AttemptSpec specFor(RunContext context, RunOptions options)
    {
        context.vouchExecutable = QCoreApplication::applicationFilePath();
        if (!qEnvironmentVariableIsEmpty("VOUCH_DATA"))
            context.env.insert(QStringLiteral("VOUCH_DATA"), qEnvironmentVariable("VOUCH_DATA"));
        options.statePath = m_statePath;
        options.concurrency = m_concurrency;
        if (options.who.isEmpty())
            options.who = runnerWho();
        if (options.reason.isEmpty())
            options.reason =
                QStringLiteral("scheduled (%1)").arg(m_contract->report.schedule.text());
        AttemptSpec spec;
        spec.contract = m_contract;
        spec.context = context;
        spec.options = options;
        spec.deliver = [this](StateStore &, const Assessment &assessment) {
            log::info(QStringLiteral("%1: run %2 ended: %3")
                          .arg(m_contract->report.id)
                          .arg(assessment.run.id)
                          .arg(toString(assessment.verdict.status)));
            for (const AlertRecord &alert : assessment.changed)
                log::warn(QStringLiteral("%1: alert %2 [%3]: %4")
                              .arg(m_contract->report.id, toString(alert.state),
                                   toString(alert.severity), alert.headline));
            enqueueAlerts();
        };
        return spec;
    }

    // A scheduled (or missed) run.
    void start(const RunContext &context)
    {
        if (begin(specFor(context, {})))
            m_runner->launch();
        else
            afterRun();
    }

    // Takes the lease and recovers (AttemptRunner::prepare); true when the
    // attempt is ready to launch. Otherwise says why, as fits: a request
    // (`request`) that someone else executes or claimed waits, and is
    // refused when its plan is; a takeover (`rerun` without a request) whose
    // executor is alive or that has nothing left to run is no news.
    bool begin(AttemptSpec spec, const RequestRecord *request = nullptr)
    {
        const bool takeover = spec.rerun && !request;
        m_context = spec.context;
        m_runner = std::make_unique<AttemptRunner>(std::move(spec));
        connect(m_runner.get(), &AttemptRunner::runStarted, this,
                [this](qint64 runId, int attempt) {
                    log::info(QStringLiteral("%1: run %2 attempt %3 started")
                                  .arg(m_contract->report.id)
                                  .arg(runId)
                                  .arg(attempt));
                });
        connect(m_runner.get(), &AttemptRunner::finished, this, &ServeJob::onFinished);
        if (m_runner->prepare())
            return true;
        const AttemptOutcome refused = m_runner->outcome();
        m_runner.reset();
        using Status = AttemptOutcome::Status;
        if (refused.status == Status::StoreUnavailable) {
            log::error(QStringLiteral("%1: %2").arg(m_contract->report.id, refused.error));
        } else if (refused.status == Status::LeaseHeld && !request && !takeover) {
            log::warn(QStringLiteral("%1 %2: not started, %3 is running it")
                          .arg(m_contract->report.id, m_context.period, refused.holder));
        } else if (refused.status == Status::PlanRefused && request && m_control) {
            finishRequest(*m_control, *request, QStringLiteral("refused"), 0, refused.error);
        }
        return false;
    }

    void onFinished(const AttemptOutcome &o)
    {
        using Status = AttemptOutcome::Status;
        QString outcome = o.error;
        if (o.status == Status::RunFailed || o.status == Status::StoreUnavailable)
            log::error(QStringLiteral("%1: run failed to execute: %2")
                           .arg(m_contract->report.id, o.error));
        if (o.assessment)
            outcome = QStringLiteral("report %1").arg(toString(o.assessment->verdict.status));
        if (!o.publicationError.isEmpty())
            log::error(o.publicationError);
        if (m_control) {
            if (m_request)
                finishRequest(*m_control, *m_request,
                              o.status == Status::RunFailed ? QStringLiteral("failed")
                                                            : QStringLiteral("done"),
                              o.attempt, outcome);
            for (qint64 id : std::as_const(m_cancelRequests)) {
                if (const auto r = m_control->request(id))
                    finishRequest(*m_control, *r, QStringLiteral("done"), o.attempt,
                                  QStringLiteral("attempt %1 cancelled").arg(o.attempt));
            }
        }
        m_request.reset();
        m_cancelRequests.clear();
        QTimer::singleShot(0, this, [this] {
            m_runner.reset();
            afterRun();
            service(); // requests that waited for this attempt
        });
    }

    void afterRun()
    {
        if (startOwed())
            return;
        if (m_once)
            finishOnce();
        else
            armNext();
    }

    void finishOnce()
    {
        // Like `vouch run`: each due delivery is tried once; retries wait for
        // the next `vouch serve` (or `vouch alerts deliver`).
        if (m_dispatcher)
            m_dispatcher->drain(int(m_contract->alerting.delivery.timeout.count() * 1000) + 2000,
                                false);
        if (onIdle)
            onIdle();
    }

    ContractPtr m_contract;
    QString m_statePath;
    int m_concurrency = 0;
    bool m_once = false;
    QTimeZone m_zone;
    QTimer m_timer;
    QTimer m_watch;
    QTimer m_tick;
    QDateTime m_next;
    QList<OwedRun> m_owed;                  // missed periods still to run, oldest first
    std::unique_ptr<StateStore> m_control;  // requests, takeovers, the runner's presence
    std::optional<RequestRecord> m_request; // the request the current attempt carries out
    QList<qint64> m_cancelRequests;
    RunContext m_context;                     // the current (or last) attempt's
    std::unique_ptr<AttemptRunner> m_runner;  // the attempt running now
    std::unique_ptr<StateStore> m_alertStore; // the dispatcher's connection
    Dispatcher *m_dispatcher = nullptr;       // a child; null without alert channels
};

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[0], &byte, 1);
}

} // namespace

int serveCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a = parseArgs(
        args, {QStringLiteral("state"), QStringLiteral("concurrency"), QStringLiteral("log")},
        {QStringLiteral("once")});
    if (!a.error.isEmpty() || a.positional.isEmpty()) {
        err << "vouch serve: "
            << (a.error.isEmpty() ? QStringLiteral("give at least one contract file") : a.error)
            << "\nusage: vouch serve FILE... [--state DB] [--concurrency N] [--log FILE] "
               "[--once]\n";
        return BadInput;
    }
    QList<ContractPtr> contracts;
    for (const QString &file : a.positional) {
        ContractPtr c = loadContract(file, err);
        if (!c)
            return BadInput;
        contracts << c;
    }
    const QString statePath = a.options.value(QStringLiteral("state"), defaultStatePath());
    setHolderRole(QStringLiteral("runner"));
    const QString logPath = a.options.value(QStringLiteral("log"), log::defaultLogFile());
    log::initFile(logPath);
    log::info(QStringLiteral("vouch serve started for %1 contract(s); state %2")
                  .arg(contracts.size())
                  .arg(statePath));
    out << "vouch serve: " << contracts.size() << " contract(s), state " << statePath << ", log "
        << logPath << '\n';
    out.flush();

    // SIGTERM (systemd stop) and SIGINT end the loop; running runs are
    // cancelled, which kills their process groups.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) == 0) {
        std::signal(SIGTERM, onSignal);
        std::signal(SIGINT, onSignal);
    }
    QSocketNotifier notifier(g_signalPipe[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, [] {
        log::info(QStringLiteral("vouch serve stopping"));
        QCoreApplication::quit();
    });

    const bool once = a.flags.contains(QStringLiteral("once"));
    const int concurrency = a.options.value(QStringLiteral("concurrency")).toInt();
    int idle = 0;
    QObject parent;
    for (const ContractPtr &c : contracts) {
        auto *job = new ServeJob(c, statePath, concurrency, once, &parent);
        job->onIdle = [&idle, &contracts] {
            if (++idle == contracts.size())
                QCoreApplication::quit();
        };
        QTimer::singleShot(0, job, &ServeJob::startUp);
    }
    QCoreApplication::exec();
    return Ok;
}

} // namespace vouch::cli
