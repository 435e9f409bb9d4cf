// Team mode end to end through the real binary, on the real PostgreSQL
// server of the PostgreSQL fixture (tests/support/): a runner (`vouch serve`) and two
// workstations watching (`vouch status --follow`); a rerun requested by one
// is executed by the runner and seen by both; an approver's decision is
// recorded and a viewer's refused by the database's grants; a SIGKILLed
// runner is taken over by a second one after its lease expires.

#include "engine/store/statestore.h"

#include "support/pgtest.h"
#include "support/vouchprocess.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace vouch::engine;
using namespace vouch::test;

namespace {

std::unique_ptr<QProcess> startVouch(const QTemporaryDir &dir, const QStringList &args)
{
    VouchOptions options;
    options.env = teamEnvironment(dir);
    return vouch::test::startVouch(args, options);
}

struct Result
{
    int code = -1;
    QString out; // stdout and stderr
    QString err; // stderr alone
};

Result runVouch(const QTemporaryDir &dir, const QStringList &args)
{
    VouchOptions options;
    options.env = teamEnvironment(dir);
    const VouchResult v = vouch::test::runVouch(args, options);
    Result r;
    if (v.timedOut)
        return r; // as if it wrote nothing
    r.code = v.exitCode;
    r.err = v.err;
    r.out = v.out + v.err;
    return r;
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// "seq node state" per event of the report, from the store.
QStringList eventLines(StateStore &store, const QString &reportId)
{
    QStringList lines;
    for (const EventRecord &e : store.eventsSince(0, reportId))
        lines << QStringLiteral("event %1 run %2 attempt %3 %4 %5")
                     .arg(e.seq)
                     .arg(e.runId)
                     .arg(e.attempt)
                     .arg(e.nodeId, toString(e.state));
    return lines;
}

QStringList followedLines(const QString &output)
{
    QStringList lines;
    for (const QString &line : output.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("event ")))
            lines << line.section(QStringLiteral("  "), 0, 0);
    }
    return lines;
}

void stop(QProcess &p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(p.processId()), SIGTERM);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
    }
}

bool allSettled(StateStore &store, const QString &reportId, int attempts)
{
    const auto run = store.latestRun(reportId);
    if (!run || run->latestAttempt < attempts)
        return false;
    const QList<AttemptRecord> all = store.attempts(run->id);
    return !all.isEmpty() && all.last().finishedAt.isValid();
}

} // namespace

class TestTeam : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runnerAndTwoWatchers()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString url = pgFreshDatabase(QStringLiteral("team"));
        const QString viewer = QStringLiteral("vouch_t_viewer");
        const QString op = QStringLiteral("vouch_t_operator");
        const QString approver = QStringLiteral("vouch_t_approver");
        const QString runner = QStringLiteral("vouch_t_runner");
        Result init = runVouch(
            dir, {QStringLiteral("team"), QStringLiteral("init"), QStringLiteral("--state"), url,
                  QStringLiteral("--viewer"), viewer, QStringLiteral("--operator"), op,
                  QStringLiteral("--approver"), approver, QStringLiteral("--runner"), runner});
        QVERIFY2(init.code == 0, qPrintable(init.out));
        // Qt's own warnings (a grant formatted without its placeholder) are
        // noise a user cannot act on.
        QVERIFY2(!init.err.contains(QLatin1String("QString::arg")), qPrintable(init.err));

        const QString contract = dir.filePath(QStringLiteral("c.yaml"));
        // The viewer is named an approver on purpose: the contract lets it
        // through, so the refusal below is the database's own.
        writeFile(contract, QStringLiteral(R"(vouch: 1
report:
  id: teamweekly
  name: Team weekly
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  approvers: [%1, %2]
  sections:
    - {id: main, name: Main, needs: [c], on_failure: hold}
    - {id: extra, name: Extra, needs: [d], on_failure: caveat}
nodes:
  - {id: a, kind: command, run: [sleep, "1"]}
  - {id: b, kind: noop, needs: [a]}
  - {id: c, kind: noop, needs: [b]}
  - {id: d, kind: command, run: ["false"]}
)")
                                .arg(approver, viewer)
                                .toUtf8());

        QString error;
        auto admin = StateStore::open(url, &error);
        QVERIFY2(admin, qPrintable(error));

        auto serve = startVouch(dir, {QStringLiteral("serve"), contract, QStringLiteral("--state"),
                                      pgUrlAs(url, runner), QStringLiteral("--log"),
                                      dir.filePath(QStringLiteral("serve.log"))});
        QTRY_VERIFY_WITH_TIMEOUT(admin->latestRun(QStringLiteral("teamweekly")).has_value(), 60000);
        // Two workstations watch: a viewer and an operator.
        auto watchViewer =
            startVouch(dir, {QStringLiteral("status"), contract, QStringLiteral("--follow"),
                             QStringLiteral("--state"), pgUrlAs(url, viewer)});
        auto watchOperator =
            startVouch(dir, {QStringLiteral("status"), contract, QStringLiteral("--follow"),
                             QStringLiteral("--state"), pgUrlAs(url, op)});
        QString viewerOut, operatorOut;
        const auto pump = [&] {
            viewerOut += QString::fromUtf8(watchViewer->readAllStandardOutput());
            operatorOut += QString::fromUtf8(watchOperator->readAllStandardOutput());
        };
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(*admin, QStringLiteral("teamweekly"), 1), 120000);

        // The operator asks for a rerun; the runner executes it.
        Result rerun = runVouch(dir, {QStringLiteral("rerun"), QStringLiteral("b"),
                                      QStringLiteral("--downstream"), QStringLiteral("--reason"),
                                      QStringLiteral("late orders file"), QStringLiteral("--state"),
                                      pgUrlAs(url, op), contract});
        QVERIFY2(rerun.code == 0, qPrintable(rerun.out));
        QVERIFY2(rerun.out.contains(QLatin1String("rerun requested as #")), qPrintable(rerun.out));
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(*admin, QStringLiteral("teamweekly"), 2), 120000);
        const auto requests = admin->requests(QStringLiteral("teamweekly"));
        QCOMPARE(requests.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(admin->request(requests[0].id)->state, QStringLiteral("done"),
                                  60000);
        const RequestRecord done = *admin->request(requests[0].id);
        QCOMPARE(done.who, op);
        QVERIFY2(done.handledBy.startsWith(QLatin1String("runner@")), qPrintable(done.handledBy));
        QCOMPARE(done.attempt, 2);
        const auto run = admin->latestRun(QStringLiteral("teamweekly"));
        QCOMPARE(admin->attempts(run->id).at(1).who, op);

        // Both watchers saw every transition, in order, once.
        const QStringList expected = eventLines(*admin, QStringLiteral("teamweekly"));
        QVERIFY(expected.size() >= 10);
        QTRY_VERIFY_WITH_TIMEOUT((pump(), followedLines(viewerOut) == expected), 30000);
        QTRY_VERIFY_WITH_TIMEOUT((pump(), followedLines(operatorOut) == expected), 30000);
        // ... and the request, with who asked and who executed it.
        QTRY_VERIFY_WITH_TIMEOUT(
            (pump(),
             viewerOut.contains(QStringLiteral("request #%1 rerun b by %2 (late orders file): done")
                                    .arg(done.id)
                                    .arg(op))),
            30000);
        QVERIFY2(viewerOut.contains(QLatin1String("executing: runner on ")), qPrintable(viewerOut));

        // An approver's decision is recorded; a viewer's is refused by the
        // database, and nothing changes.
        Result approve = runVouch(dir, {QStringLiteral("approve"), QStringLiteral("--section"),
                                        QStringLiteral("extra"), QStringLiteral("--caveat"),
                                        QStringLiteral("d is down"), QStringLiteral("--state"),
                                        pgUrlAs(url, approver), contract});
        // The exit code is the report's status (caveated: 10); 4 would be a refusal.
        QVERIFY2(approve.out.contains(QLatin1String("approved with caveats by vouch_t_approver")),
                 qPrintable(approve.out));
        const auto countDecisions = [&] {
            QSqlQuery q(QSqlDatabase::database(admin->connectionName(), false));
            q.exec(QStringLiteral(
                "SELECT count(*), max(who) FROM audit_log WHERE action = 'approve'"));
            q.next();
            return std::make_pair(q.value(0).toInt(), q.value(1).toString());
        };
        const auto before = countDecisions();
        QVERIFY(before.first >= 1);
        QCOMPARE(before.second, approver);
        Result refused = runVouch(dir, {QStringLiteral("approve"), QStringLiteral("--section"),
                                        QStringLiteral("extra"), QStringLiteral("--caveat"),
                                        QStringLiteral("sneaky"), QStringLiteral("--state"),
                                        pgUrlAs(url, viewer), contract});
        QCOMPARE(refused.code, 4);
        QVERIFY2(refused.out.contains(QLatin1String("refused")), qPrintable(refused.out));
        QCOMPARE(countDecisions(), before);
        // A viewer cannot request a rerun either.
        Result viewerRerun = runVouch(
            dir, {QStringLiteral("rerun"), QStringLiteral("b"), QStringLiteral("--reason"),
                  QStringLiteral("x"), QStringLiteral("--state"), pgUrlAs(url, viewer), contract});
        QCOMPARE(viewerRerun.code, 4);
        QCOMPARE(admin->requests(QStringLiteral("teamweekly")).size(), 1);

        stop(*watchViewer);
        stop(*watchOperator);
        stop(*serve);
    }

    // No runner serves the report: an operator's rerun is recorded and waits.
    // The operator is told so, and how to start a runner, not that a runner
    // took it.
    // On a team store nobody writes the audit log directly: an operator can
    // neither insert an entry in an approver's name nor move audit_sequence
    // to fake a deletion, and the server's vouch_audit_append() records the
    // session's user, whatever the client says, with a chain that verifies.
    void auditForgeryIsRefusedByTheServer()
    {
        QTemporaryDir dir;
        const QString url = pgFreshDatabase(QStringLiteral("forge"));
        const QString op = QStringLiteral("vouch_f_operator");
        const QString approver = QStringLiteral("vouch_f_approver");
        const QString runner = QStringLiteral("vouch_f_runner");
        const Result init = runVouch(
            dir, {QStringLiteral("team"), QStringLiteral("init"), QStringLiteral("--state"), url,
                  QStringLiteral("--operator"), op, QStringLiteral("--approver"), approver,
                  QStringLiteral("--runner"), runner});
        QVERIFY2(init.code == 0, qPrintable(init.out + init.err));
        for (const QString &user : {op, runner, approver}) {
            QString error;
            auto store = StateStore::open(pgUrlAs(url, user), &error);
            QVERIFY2(store, qPrintable(error));
            QSqlQuery q(QSqlDatabase::database(store->connectionName(), false));
            QVERIFY2(!q.exec(QStringLiteral(
                         "INSERT INTO audit_log (seq, at, who, action, report_id, period, "
                         "run_id, details, prev_hash, hash) VALUES (1, 0, 'lee', 'approve', "
                         "'weekly', '2026-W48', NULL, '{}', '', '')")),
                     qPrintable(user));
            QCOMPARE(q.lastError().nativeErrorCode(), QStringLiteral("42501"));
            QVERIFY2(!q.exec(QStringLiteral("UPDATE audit_sequence SET seq = seq + 5")),
                     qPrintable(user));
            QCOMPARE(q.lastError().nativeErrorCode(), QStringLiteral("42501"));
            // The one way in: the server names the writer.
            QVERIFY2(q.exec(QStringLiteral("SELECT entry_who FROM vouch_audit_append('note', "
                                           "'weekly', '2026-W48', NULL, '{}')")) &&
                         q.next(),
                     qPrintable(q.lastError().text()));
            QCOMPARE(q.value(0).toString(), user);
        }
        const Result verify = runVouch(dir, {QStringLiteral("audit"), QStringLiteral("verify"),
                                             QStringLiteral("--state"), pgUrlAs(url, op)});
        QVERIFY2(verify.code == 0, qPrintable(verify.out + verify.err));
        QVERIFY2(verify.out.contains(QStringLiteral("intact")), qPrintable(verify.out));
    }

    void operatorRerunWithoutRunnerSaysPending()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString url = pgFreshDatabase(QStringLiteral("norunner"));
        const QString op = QStringLiteral("vouch_n_operator");
        const QString runner = QStringLiteral("vouch_n_runner");
        const Result init = runVouch(
            dir, {QStringLiteral("team"), QStringLiteral("init"), QStringLiteral("--state"), url,
                  QStringLiteral("--operator"), op, QStringLiteral("--runner"), runner});
        QVERIFY2(init.code == 0, qPrintable(init.out));
        QVERIFY2(!init.err.contains(QLatin1String("QString::arg")), qPrintable(init.err));
        const QString contract = dir.filePath(QStringLiteral("c.yaml"));
        writeFile(contract, QByteArrayLiteral(R"(vouch: 1
report:
  id: norunner
  name: No runner
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections: [{id: main, name: Main, needs: [b], on_failure: hold}]
nodes:
  - {id: a, kind: noop}
  - {id: b, kind: noop, needs: [a]}
)"));
        // A run made by a workstation with the runner role; then nobody serves.
        const Result run = runVouch(dir, {QStringLiteral("run"), contract,
                                          QStringLiteral("--state"), pgUrlAs(url, runner)});
        QVERIFY2(run.code == 0, qPrintable(run.out));

        const Result rerun = runVouch(dir, {QStringLiteral("rerun"), QStringLiteral("b"),
                                            QStringLiteral("--reason"), QStringLiteral("late file"),
                                            QStringLiteral("--state"), pgUrlAs(url, op), contract});
        QVERIFY2(rerun.code == 0, qPrintable(rerun.out));
        QVERIFY2(!rerun.out.contains(QLatin1String("took it")), qPrintable(rerun.out));
        QVERIFY2(rerun.out.contains(QLatin1String("it is pending: no runner is serving norunner")),
                 qPrintable(rerun.out));
        QVERIFY2(rerun.out.contains(QLatin1String("vouch_n_operator may not execute it")),
                 qPrintable(rerun.out));
        QVERIFY2(rerun.out.contains(QLatin1String("vouch serve")), qPrintable(rerun.out));

        QString error;
        auto admin = StateStore::open(url, &error);
        QVERIFY2(admin, qPrintable(error));
        const auto requests = admin->requests(QStringLiteral("norunner"));
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests[0].state, QStringLiteral("pending"));
        QCOMPARE(requests[0].who, op);
    }

    void killedRunnerIsTakenOver()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString url = pgFreshDatabase(QStringLiteral("takeover"));
        const QString contract = dir.filePath(QStringLiteral("c.yaml"));
        const QString marker = dir.filePath(QStringLiteral("slow-started"));
        // `slow` hangs the first time (until its runner dies) and passes after.
        writeFile(contract, QStringLiteral(R"(vouch: 1
report:
  id: takeover
  name: Takeover
  timezone: Europe/London
  schedule: "0 6 * * MON"
  publish_by: "MON 12:00"
  sections: [{id: all, name: All, needs: [c], on_failure: hold}]
nodes:
  - {id: a, kind: command, run: [sleep, "0.2"]}
  - {id: slow, kind: command, needs: [a], run: [sh, -c, "if [ -f '%1' ]; then exit 0; fi; touch '%1'; sleep 120"]}
  - {id: side, kind: noop, needs: [a]}
  - {id: c, kind: noop, needs: [slow, side]}
)")
                                .arg(marker)
                                .toUtf8());
        QString error;
        auto admin = StateStore::open(url, &error);
        QVERIFY2(admin, qPrintable(error));
        const auto serveArgs = [&](const QString &log) {
            return QStringList{QStringLiteral("serve"),   contract,
                               QStringLiteral("--state"), url,
                               QStringLiteral("--log"),   dir.filePath(log)};
        };
        auto first = startVouch(dir, serveArgs(QStringLiteral("first.log")));
        const auto slowState = [&]() -> QString {
            const auto run = admin->latestRun(QStringLiteral("takeover"));
            if (!run)
                return QString();
            for (const NodeRunRecord &r : admin->nodeRuns(run->id)) {
                if (r.nodeId == QLatin1String("slow"))
                    return toString(r.state);
            }
            return QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(slowState(), QStringLiteral("running"), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 30000);
        ::kill(pid_t(first->processId()), SIGKILL);
        QVERIFY(first->waitForFinished(30000));

        auto second = startVouch(dir, serveArgs(QStringLiteral("second.log")));
        QTRY_VERIFY_WITH_TIMEOUT(allSettled(*admin, QStringLiteral("takeover"), 2), 120000);
        const auto run = admin->latestRun(QStringLiteral("takeover"));
        QHash<QString, QString> latest;
        for (const NodeRunRecord &r : admin->nodeRuns(run->id))
            latest.insert(r.nodeId, toString(r.state));
        QCOMPARE(latest.value(QStringLiteral("slow")), QStringLiteral("succeeded"));
        QCOMPARE(latest.value(QStringLiteral("c")), QStringLiteral("succeeded"));
        QCOMPARE(latest.value(QStringLiteral("a")), QStringLiteral("succeeded"));
        const QList<AttemptRecord> attempts = admin->attempts(run->id);
        QCOMPARE(attempts.size(), 2);
        QVERIFY2(attempts[1].reason.contains(QLatin1String("taken over")),
                 qPrintable(attempts[1].reason));

        // Every node's transitions per attempt, in order, none lost or twice.
        QHash<QString, QStringList> perNode;
        qint64 lastSeq = 0;
        for (const EventRecord &e : admin->events(run->id)) {
            QVERIFY(e.seq > lastSeq);
            lastSeq = e.seq;
            if (e.state != NodeState::Pending) // the attempt's plan, before it starts
                perNode[QStringLiteral("%1/%2").arg(e.attempt).arg(e.nodeId)] << toString(e.state);
        }
        const QStringList slow1 = perNode.value(QStringLiteral("1/slow"));
        const QStringList slow2 = perNode.value(QStringLiteral("2/slow"));
        QVERIFY2(slow1.contains(QStringLiteral("running")) &&
                     slow1.last() == QLatin1String("interrupted") &&
                     slow1.count(QStringLiteral("interrupted")) == 1,
                 qPrintable(slow1.join(QLatin1Char(','))));
        QVERIFY2(slow2.contains(QStringLiteral("running")) &&
                     slow2.last() == QLatin1String("succeeded") &&
                     slow2.count(QStringLiteral("succeeded")) == 1,
                 qPrintable(slow2.join(QLatin1Char(','))));
        QCOMPARE(perNode.value(QStringLiteral("1/a")).last(), QStringLiteral("succeeded"));
        QVERIFY(!perNode.contains(QStringLiteral("2/a"))); // passed: not run again
        QCOMPARE(perNode.value(QStringLiteral("2/c")).last(), QStringLiteral("succeeded"));
        for (auto it = perNode.cbegin(); it != perNode.cend(); ++it) {
            const QStringList &states = it.value();
            for (int i = 1; i < states.size(); ++i)
                QVERIFY2(states[i] != states[i - 1],
                         qPrintable(it.key() + QLatin1Char(' ') + states.join(QLatin1Char(','))));
        }
        stop(*second);
    }
};

VOUCH_PG_TEST_MAIN(TestTeam)
#include "tst_team.moc"
