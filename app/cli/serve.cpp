// `vouch serve`: runs contracts on their cron schedules, in each report's
// time zone, one run per report and period at a time (a lease in the store).

#include "app/cli/common.h"
#include "app/cli/runcommands.h"
#include "engine/alert/dispatcher.h"
#include "engine/graph/graph.h"
#include "engine/run/rerunplan.h"
#include "engine/run/scheduler.h"
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

// The latest fire time of `schedule` at or before `now`, searching back
// 35 days (any schedule that fires at least monthly).
QDateTime lastFireAtOrBefore(const CronSchedule &schedule, const QDateTime &now,
                             const QTimeZone &zone)
{
    QDateTime cursor = now.addDays(-35);
    QDateTime last;
    for (int guard = 0; guard < 100000; ++guard) {
        const QDateTime next = schedule.nextAfter(cursor, zone);
        if (!next.isValid() || next > now)
            break;
        last = next;
        cursor = next;
    }
    return last;
}

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
        const QDateTime now = clockNow();
        const QDateTime last = lastFireAtOrBefore(m_contract->report.schedule, now, m_zone);
        if (last.isValid()) {
            const RunContext ctx = contextForLastCompleteWeek(last, m_zone);
            QString error;
            auto store = StateStore::open(m_statePath, &error);
            if (!store) {
                log::error(QStringLiteral("%1: %2").arg(m_contract->report.id, error));
            } else if (!store->findRun(m_contract->report.id, ctx.period)) {
                log::info(QStringLiteral("%1: the run for %2 (due %3) was missed; starting it now")
                              .arg(m_contract->report.id, ctx.period,
                                   last.toTimeZone(m_zone).toString(Qt::ISODate)));
                start(ctx);
                return;
            }
        }
        service();
        if (m_run)
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
        if (m_run) {
            for (const RequestRecord &r : pending) {
                if (r.kind != QLatin1String("cancel") || r.period != m_context.period ||
                    !m_control->claimRequest(r.id, myHolder()))
                    continue;
                log::info(QStringLiteral("%1: request #%2: cancel by %3 (%4)")
                              .arg(m_contract->report.id)
                              .arg(r.id)
                              .arg(r.who, r.reason));
                m_cancelRequests.append(r.id);
                m_run->cancelRun();
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
        const QString key = leaseKey(run->reportId, run->period);
        const auto lease = m_control->lease(key);
        QString holder;
        if (!takeLease(*m_control, key, &holder))
            return; // its executor is alive
        const QString previous = lease ? lease->holder : QStringLiteral("an unknown executor");
        log::warn(QStringLiteral("%1 %2: attempt %3 of run %4 lost its executor (%5); taking over")
                      .arg(run->reportId, run->period)
                      .arg(attempts.last().attempt)
                      .arg(run->id)
                      .arg(describeHolder(previous)));
        recoverInterrupted(*m_control, run->reportId, run->period);
        m_control->finishAttempt(run->id, attempts.last().attempt);
        QHash<QString, NodeState> latest;
        for (const NodeRunRecord &r : m_control->nodeRuns(run->id))
            latest.insert(r.nodeId, r.state);
        RerunRequest rerun;
        rerun.failedOnly = true;
        const Graph graph = Graph::fromContract(*m_contract);
        const RerunPlan plan = planRerun(graph, latest, rerun);
        m_control->releaseLease(key, myHolder());
        if (!plan.error.isEmpty() || plan.items.isEmpty())
            return;
        const auto ctx = contextForPeriod(run->period, QDateTime());
        if (!ctx)
            return;
        RunOptions options;
        options.nodes = plan.ids(graph);
        options.who = runnerWho();
        options.reason = QStringLiteral("taken over from %1 after its lease expired")
                             .arg(describeHolder(previous));
        start(*ctx, options);
    }

    QString runnerWho() const
    {
        const QString user =
            m_control && m_control->isPostgres() ? m_control->databaseUser() : currentUser();
        return QStringLiteral("vouch serve (%1)").arg(user);
    }

    void finishRequest(StateStore &store, const RequestRecord &r, const QString &state, int attempt,
                       const QString &outcome)
    {
        store.finishRequest(r.id, state, attempt, outcome);
        AuditLog audit(store);
        QString error;
        if (!audit.append(store.isPostgres() ? store.databaseUser() : currentUser(),
                          QStringLiteral("request-") + state, r.reportId, r.period, r.runId,
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
        const QString key = leaseKey(r.reportId, r.period);
        QString holder;
        if (!ctx || !takeLease(*m_control, key, &holder))
            return false; // someone executes it now; the request waits
        if (!m_control->claimRequest(r.id, myHolder())) {
            m_control->releaseLease(key, myHolder());
            return false;
        }
        recoverInterrupted(*m_control, r.reportId, r.period);
        QHash<QString, NodeState> latest;
        if (const auto run = m_control->findRun(r.reportId, r.period)) {
            for (const NodeRunRecord &n : m_control->nodeRuns(run->id))
                latest.insert(n.nodeId, n.state);
        }
        const Graph graph = Graph::fromContract(*m_contract);
        RerunRequest rerun;
        rerun.selector = r.selector;
        rerun.downstream = r.downstream;
        rerun.failedOnly = r.failedOnly;
        const RerunPlan plan = planRerun(graph, latest, rerun);
        m_control->releaseLease(key, myHolder());
        if (!plan.error.isEmpty()) {
            finishRequest(*m_control, r, QStringLiteral("refused"), 0, plan.error);
            return false;
        }
        log::info(QStringLiteral("%1 %2: request #%3: rerun of %4 node(s) for %5 (%6)")
                      .arg(r.reportId, r.period)
                      .arg(r.id)
                      .arg(plan.items.size())
                      .arg(r.who, r.reason));
        RunOptions options;
        options.nodes = plan.ids(graph);
        options.who = r.who;
        options.reason = QStringLiteral("%1 (request #%2)").arg(r.reason).arg(r.id);
        m_request = r;
        start(*ctx, options);
        return m_run != nullptr;
    }

    void watch()
    {
        if (m_run)
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

    void armNext()
    {
        const QDateTime now = clockNow();
        m_next = m_contract->report.schedule.nextAfter(now, m_zone);
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
        start(contextForLastCompleteWeek(m_next, m_zone));
    }

    void start(RunContext context, RunOptions options = {})
    {
        QString error;
        m_store = StateStore::open(m_statePath, &error);
        if (!m_store) {
            log::error(QStringLiteral("%1: %2").arg(m_contract->report.id, error));
            afterRun();
            return;
        }
        m_key = leaseKey(m_contract->report.id, context.period);
        QString holder;
        if (!takeLease(*m_store, m_key, &holder)) {
            log::warn(QStringLiteral("%1 %2: not started, %3 is running it")
                          .arg(m_contract->report.id, context.period, holder));
            m_store.reset();
            afterRun();
            return;
        }
        recoverInterrupted(*m_store, m_contract->report.id, context.period);
        context.vouchExecutable = QCoreApplication::applicationFilePath();
        if (!qEnvironmentVariableIsEmpty("VOUCH_DATA"))
            context.env.insert(QStringLiteral("VOUCH_DATA"), qEnvironmentVariable("VOUCH_DATA"));
        m_context = context;
        options.statePath = m_statePath;
        options.concurrency = m_concurrency;
        if (options.who.isEmpty())
            options.who = runnerWho();
        if (options.reason.isEmpty())
            options.reason =
                QStringLiteral("scheduled (%1)").arg(m_contract->report.schedule.text());
        m_run = std::make_unique<RunThread>(m_contract, context, options);
        m_renew.disconnect();
        connect(&m_renew, &QTimer::timeout, this,
                [this] { m_store->acquireLease(m_key, myHolder(), leaseSeconds()); });
        m_renew.start(std::max(1, leaseSeconds() / 3) * 1000);
        connect(m_run.get(), &RunThread::runStarted, this, [this](qint64 runId, int attempt) {
            log::info(QStringLiteral("%1: run %2 attempt %3 started")
                          .arg(m_contract->report.id)
                          .arg(runId)
                          .arg(attempt));
        });
        connect(
            m_run.get(), &RunThread::finished, this,
            [this](qint64 runId, int attempt, const QString &error) {
                m_renew.stop();
                QString outcome = error;
                if (!error.isEmpty()) {
                    log::error(QStringLiteral("%1: run failed to execute: %2")
                                   .arg(m_contract->report.id, error));
                } else {
                    const Graph graph = Graph::fromContract(*m_contract);
                    const auto assessment = assess(*m_store, *m_contract, graph, runId, clockNow());
                    if (assessment) {
                        outcome =
                            QStringLiteral("report %1").arg(toString(assessment->verdict.status));
                        log::info(QStringLiteral("%1: run %2 ended: %3")
                                      .arg(m_contract->report.id)
                                      .arg(runId)
                                      .arg(toString(assessment->verdict.status)));
                        for (const AlertRecord &alert : assessment->changed)
                            log::warn(QStringLiteral("%1: alert %2 [%3]: %4")
                                          .arg(m_contract->report.id, toString(alert.state),
                                               toString(alert.severity), alert.headline));
                        if (const QString e =
                                writePublication(*m_contract, graph, *assessment, m_context);
                            !e.isEmpty())
                            log::error(e);
                        enqueueAlerts();
                    }
                }
                if (m_request) {
                    finishRequest(*m_store, *m_request,
                                  error.isEmpty() ? QStringLiteral("done")
                                                  : QStringLiteral("failed"),
                                  attempt, outcome);
                    m_request.reset();
                }
                for (qint64 id : std::as_const(m_cancelRequests)) {
                    if (const auto r = m_store->request(id))
                        finishRequest(*m_store, *r, QStringLiteral("done"), attempt,
                                      QStringLiteral("attempt %1 cancelled").arg(attempt));
                }
                m_cancelRequests.clear();
                m_store->releaseLease(m_key, myHolder());
                m_store.reset();
                QTimer::singleShot(0, this, [this] {
                    m_run.reset();
                    afterRun();
                    service(); // requests that waited for this attempt
                });
            });
        m_run->start();
    }

    void afterRun()
    {
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
    QTimer m_renew;
    QTimer m_watch;
    QTimer m_tick;
    QDateTime m_next;
    std::unique_ptr<StateStore> m_control;  // requests, takeovers, the runner's presence
    std::optional<RequestRecord> m_request; // the request the current attempt carries out
    QList<qint64> m_cancelRequests;
    RunContext m_context;
    QString m_key;
    std::unique_ptr<StateStore> m_store;
    std::unique_ptr<RunThread> m_run;
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
    const QString logPath = a.options.value(
        QStringLiteral("log"), log::defaultLogDirectory() + QStringLiteral("/serve.log"));
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
