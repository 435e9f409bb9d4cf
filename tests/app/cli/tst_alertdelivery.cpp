// Alert delivery through the real binary to a real local HTTP server that
// injects faults: 500s, 429 with Retry-After, answers that never come
// (timeouts), slow answers, refused connections, and a SIGKILL of the
// delivering Vouch in the middle. Across all of it each (alert, change,
// channel) is acknowledged exactly once and none is lost; a channel that
// never recovers is given up on, visibly.

#include "support/contracts.h"
#include "support/httprecorder.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using vouch::test::HttpAction;
using vouch::test::HttpRecorder;
using vouch::test::HttpRequest;

namespace {

const QString kNow = QStringLiteral("2026-11-30T08:00:00Z");

const char *const kContractHead = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - id: margin
      name: Contribution margin
      needs: [chk_costs]
      on_failure: caveat
      owner: finance-lead
      fallback: "Use last week's category margin rates."
    - {id: revenue, name: Revenue, needs: [load], on_failure: block}
connections:
  wh: {driver: sqlite, database: "@WAREHOUSE@"}
nodes:
  - {id: load, kind: command, run: ["true"]}
  - id: chk_costs
    kind: check
    needs: [load]
    connection: wh
    value: "select missing from costs"
    warn_if: "> 0"
    impact: "SKU cost mapping failed for {value} products."
)";

const char *const kFaultyAlerting = R"(alerting:
  channels:
    team_slack: {type: slack, url: "${T_SLACK}"}
    team_teams: {type: teams, url: "${T_TEAMS}"}
    oncall: {type: pagerduty, routing_key: "${T_PD_KEY}", url: "${T_PD_URL}"}
    hook: {type: webhook, url: "${T_HOOK}", signing_secret: "${T_SIGN}"}
  routes:
    - to: [team_slack, team_teams, hook]
  owners:
    finance-lead: [oncall]
  delivery: {timeout: 2s, first_retry: 1s, max_retry: 2s, give_up_after: 10m}
  link: "https://vouch.example/alerts/{alert}"
)";

const char *const kDownAlerting = R"(alerting:
  channels:
    down: {type: webhook, url: "${T_DOWN}"}
    gone: {type: slack, url: "${T_GONE}"}
  routes:
    - when: {severity: [low, medium, high, critical], section: [margin]}
      to: [down, gone]
  delivery: {timeout: 1s, first_retry: 1s, max_retry: 1s, give_up_after: 3s}
)";

// Services whose answers echo the request: the webhook's path and query
// (its token), PagerDuty's body (its routing key).
const char *const kEchoAlerting = R"(alerting:
  channels:
    leaky: {type: webhook, url: "${T_LEAKY}"}
    oncall: {type: pagerduty, routing_key: "${T_PD_KEY}", url: "${T_PD_URL}"}
  routes:
    - to: [leaky, oncall]
  delivery: {timeout: 2s, first_retry: 1s, max_retry: 1s, give_up_after: 10m}
)";

QByteArray contractText(const QString &warehouse, const QByteArray &alerting)
{
    return QByteArray(kContractHead).replace("@WAREHOUSE@", warehouse.toUtf8()) + alerting;
}

using Result = vouch::test::VouchResult;

// Runs vouch while this thread's event loop keeps serving HTTP.
Result runVouch(const QStringList &args, const QProcessEnvironment &env)
{
    return vouch::test::runVouchBinary(args, env);
}

// Acknowledged (2xx) requests per delivery key.
QMap<QString, int> acknowledged(const QList<HttpRequest> &requests)
{
    QMap<QString, int> keys;
    for (const HttpRequest &r : requests) {
        if (r.answered && r.status >= 200 && r.status < 300)
            ++keys[QString::fromUtf8(r.headers.value("x-vouch-delivery"))];
    }
    return keys;
}

QString dump(const QList<HttpRequest> &requests)
{
    QStringList lines;
    for (const HttpRequest &r : requests)
        lines << QStringLiteral("%1 %2 %3 answered=%4 status=%5")
                     .arg(r.receivedMs % 100000)
                     .arg(r.path, QString::fromUtf8(r.headers.value("x-vouch-delivery")))
                     .arg(r.answered)
                     .arg(r.status);
    return lines.join(QLatin1Char('\n'));
}

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    return s.serverPort();
}

} // namespace

class TestAlertDelivery : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QProcessEnvironment m_env;

    void makeWarehouse(int missing)
    {
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("wh"));
            db.setDatabaseName(m_dir.filePath(QStringLiteral("wh.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS costs (missing INTEGER)")));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM costs")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO costs VALUES (%1)").arg(missing)));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("wh"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("VOUCH_NOW"), kNow);
        m_env.insert(QStringLiteral("VOUCH_USER"), QStringLiteral("data-eng"));
    }

    void everyChangeReachesEveryChannelOnceThroughFaults()
    {
        HttpRecorder server;
        QVERIFY(server.listen());
        HttpRecorder late; // nothing listens on its port at first: refused
        const quint16 latePort = freePort();
        const QString lateUrl = QStringLiteral("http://127.0.0.1:%1/hook").arg(latePort);

        server.script(
            QStringLiteral("/slack"),
            {HttpAction::respond(500), HttpAction::retryAfter(2), HttpAction::respond(200)});
        server.script(
            QStringLiteral("/teams"),
            {HttpAction::hang(4000), HttpAction::respond(200, 300), HttpAction::hang(20000)});
        server.script(QStringLiteral("/pd"),
                      {HttpAction::respond(502), HttpAction::respond(200, 200)});

        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("T_SLACK"), server.url(QStringLiteral("/slack")));
        env.insert(QStringLiteral("T_TEAMS"), server.url(QStringLiteral("/teams")));
        env.insert(QStringLiteral("T_PD_URL"), server.url(QStringLiteral("/pd")));
        env.insert(QStringLiteral("T_PD_KEY"), QStringLiteral("R0UT1NGKEY"));
        env.insert(QStringLiteral("T_HOOK"), lateUrl);
        env.insert(QStringLiteral("T_SIGN"), QStringLiteral("s1gn1ng"));

        makeWarehouse(14);
        const QString contract = m_dir.filePath(QStringLiteral("deliver.yaml"));
        QFile f(contract);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(contractText(m_dir.filePath(QStringLiteral("wh.db")), kFaultyAlerting));
        f.close();
        const QString state = m_dir.filePath(QStringLiteral("deliver.db"));

        // The run opens the alert and tries each channel once.
        Result r = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"), state,
                             QStringLiteral("--period"), QStringLiteral("2026-W48")},
                            env);
        QVERIFY2(r.exitCode == 10, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("Alert deliveries:")), qPrintable(r.out));

        // The cause is fixed; the rerun resolves the alert.
        makeWarehouse(0);
        r = runVouch({QStringLiteral("rerun"), QStringLiteral("chk_costs"),
                      QStringLiteral("--reason"), QStringLiteral("cost sheet fixed"),
                      QStringLiteral("--state"), state, contract},
                     env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

        // The webhook's server comes up; a deliverer is killed while Teams
        // holds its request; a second deliverer finishes the job.
        QVERIFY(late.listen(latePort));
        QProcess first;
        first.setProcessEnvironment(env);
        // Teams now holds every request without an answer: the deliverer is
        // killed while its first Teams request is in flight.
        server.script(QStringLiteral("/teams"), {HttpAction::hang(20000), HttpAction::hang(20000)});
        bool killed = false;
        server.onReceived = [&](int index) {
            if (server.requests().at(index).path == QLatin1String("/teams") && !killed &&
                first.state() == QProcess::Running) {
                first.kill(); // SIGKILL while the request is in flight
                killed = true;
            }
        };
        first.start(QStringLiteral(VOUCH_BINARY),
                    {QStringLiteral("alerts"), QStringLiteral("deliver"), QStringLiteral("--state"),
                     state, QStringLiteral("--for"), QStringLiteral("60s"), contract});
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(first.state() == QProcess::NotRunning, 90000);
        server.onReceived = nullptr;
        QVERIFY2(killed, qPrintable(QString::fromUtf8(first.readAllStandardOutput()) +
                                    dump(server.requests())));
        server.script(QStringLiteral("/teams"), {}); // the service is healthy again

        r = runVouch({QStringLiteral("alerts"), QStringLiteral("deliver"),
                      QStringLiteral("--state"), state, QStringLiteral("--for"),
                      QStringLiteral("60s"), contract},
                     env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

        // Exactly once per (alert, change, channel), and nothing missing.
        QList<HttpRequest> all = server.requests();
        all += late.requests();
        const QMap<QString, int> acks = acknowledged(all);
        for (auto it = acks.cbegin(); it != acks.cend(); ++it)
            QVERIFY2(it.value() == 1,
                     qPrintable(
                         QStringLiteral("%1 acknowledged %2 times").arg(it.key()).arg(it.value())));
        QSet<QString> channels;
        QSet<QString> changes;
        for (const QString &key : acks.keys()) {
            channels.insert(key.section(QLatin1Char('/'), 2));
            changes.insert(key.section(QLatin1Char('/'), 0, 1));
        }
        QCOMPARE(channels,
                 (QSet<QString>{QStringLiteral("team_slack"), QStringLiteral("team_teams"),
                                QStringLiteral("oncall"), QStringLiteral("hook")}));
        QCOMPARE(changes.size(), 2); // opened, then resolved
        QCOMPARE(acks.size(), 8);

        // Each service got its own shape.
        const auto lastOk = [](const QList<HttpRequest> &list) {
            QList<QJsonObject> bodies;
            for (const HttpRequest &r : list) {
                if (r.answered && r.status == 200)
                    bodies << QJsonDocument::fromJson(r.body).object();
            }
            return bodies;
        };
        const QList<QJsonObject> slack = lastOk(server.requestsTo(QStringLiteral("/slack")));
        QCOMPARE(slack.size(), 2);
        QVERIFY(slack.first().value(QStringLiteral("blocks")).toArray().size() >= 3);
        QVERIFY(QJsonDocument(slack.first())
                    .toJson()
                    .contains("SKU cost mapping failed for 14 products"));
        QVERIFY(QJsonDocument(slack.first())
                    .toJson()
                    .contains("Use last week's category margin rates."));
        QVERIFY(QJsonDocument(slack.last()).toJson().contains("Resolved"));

        const QList<QJsonObject> teams = lastOk(server.requestsTo(QStringLiteral("/teams")));
        QCOMPARE(teams.size(), 2);
        const QJsonObject attachment =
            teams.first().value(QStringLiteral("attachments")).toArray().first().toObject();
        QCOMPARE(attachment.value(QStringLiteral("contentType")).toString(),
                 QStringLiteral("application/vnd.microsoft.card.adaptive"));
        QCOMPARE(attachment.value(QStringLiteral("content"))
                     .toObject()
                     .value(QStringLiteral("type"))
                     .toString(),
                 QStringLiteral("AdaptiveCard"));

        const QList<QJsonObject> pd = lastOk(server.requestsTo(QStringLiteral("/pd")));
        QCOMPARE(pd.size(), 2);
        QCOMPARE(pd.at(0).value(QStringLiteral("event_action")).toString(),
                 QStringLiteral("trigger"));
        QCOMPARE(pd.at(1).value(QStringLiteral("event_action")).toString(),
                 QStringLiteral("resolve"));
        QCOMPARE(pd.at(0).value(QStringLiteral("routing_key")).toString(),
                 QStringLiteral("R0UT1NGKEY"));
        QCOMPARE(pd.at(1).value(QStringLiteral("dedup_key")),
                 pd.at(0).value(QStringLiteral("dedup_key")));
        QCOMPARE(pd.at(0)
                     .value(QStringLiteral("payload"))
                     .toObject()
                     .value(QStringLiteral("severity"))
                     .toString(),
                 QStringLiteral("warning"));

        const QList<HttpRequest> hooks = late.requestsTo(QStringLiteral("/hook"));
        QVERIFY(!hooks.isEmpty());
        for (const HttpRequest &h : hooks) {
            const QByteArray expected =
                "sha256=" +
                QMessageAuthenticationCode::hash(h.body, "s1gn1ng", QCryptographicHash::Sha256)
                    .toHex();
            QCOMPARE(h.headers.value("x-vouch-signature"), expected);
            QCOMPARE(
                QJsonDocument::fromJson(h.body).object().value(QStringLiteral("schema")).toString(),
                QStringLiteral("vouch.alert.v1"));
        }

        // The 429 was honoured: the retry came no sooner than Retry-After.
        const QList<HttpRequest> slackAll = server.requestsTo(QStringLiteral("/slack"));
        QVERIFY(slackAll.size() >= 3);
        QCOMPARE(slackAll.at(1).status, 429);
        QVERIFY2(
            slackAll.at(2).receivedMs - slackAll.at(1).receivedMs >= 1900,
            qPrintable(QString::number(slackAll.at(2).receivedMs - slackAll.at(1).receivedMs)));

        // vouch alerts says so, per channel.
        r = runVouch(
            {QStringLiteral("alerts"), QStringLiteral("--json"), QStringLiteral("--state"), state},
            env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        const QJsonArray alerts = QJsonDocument::fromJson(r.out.toUtf8())
                                      .object()
                                      .value(QStringLiteral("alerts"))
                                      .toArray();
        QCOMPARE(alerts.size(), 1);
        const QJsonArray deliveries =
            alerts.first().toObject().value(QStringLiteral("deliveries")).toArray();
        QCOMPARE(deliveries.size(), 8);
        for (const QJsonValue &d : deliveries)
            QCOMPARE(d.toObject().value(QStringLiteral("status")).toString(),
                     QStringLiteral("delivered"));

        // Delivering again sends nothing more.
        const qsizetype before = server.requests().size() + late.requests().size();
        r = runVouch({QStringLiteral("alerts"), QStringLiteral("deliver"),
                      QStringLiteral("--state"), state, QStringLiteral("--for"),
                      QStringLiteral("2s"), contract},
                     env);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(server.requests().size() + late.requests().size(), before);
    }

    void aChannelThatNeverRecoversIsGivenUpOnVisibly()
    {
        HttpRecorder server;
        QVERIFY(server.listen());
        QList<HttpAction> down;
        for (int i = 0; i < 50; ++i)
            down << HttpAction::respond(503);
        server.script(QStringLiteral("/down"), down);
        server.script(QStringLiteral("/gone"), {HttpAction::respond(404)});
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("T_DOWN"), server.url(QStringLiteral("/down")));
        env.insert(QStringLiteral("T_GONE"), server.url(QStringLiteral("/gone")));
        makeWarehouse(3);
        const QString contract = m_dir.filePath(QStringLiteral("down.yaml"));
        QFile f(contract);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(contractText(m_dir.filePath(QStringLiteral("wh.db")), kDownAlerting));
        f.close();
        const QString state = m_dir.filePath(QStringLiteral("down.db"));
        Result r = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"), state,
                             QStringLiteral("--period"), QStringLiteral("2026-W48")},
                            env);
        QVERIFY2(r.exitCode == 10, qPrintable(r.out + r.err));
        r = runVouch({QStringLiteral("alerts"), QStringLiteral("deliver"),
                      QStringLiteral("--state"), state, QStringLiteral("--for"),
                      QStringLiteral("20s"), contract},
                     env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QStringLiteral("down (webhook) open: failed — gave up after")),
                 qPrintable(r.out));
        r = runVouch({QStringLiteral("alerts"), QStringLiteral("--state"), state}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QStringLiteral("down (webhook) open: failed")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("gave up after")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("HTTP 503")), qPrintable(r.out));
        // A 404 will not heal by itself: failed at once, after one try.
        QVERIFY2(r.out.contains(QStringLiteral("gone (slack) open: failed")), qPrintable(r.out));
        QCOMPARE(server.requestsTo(QStringLiteral("/gone")).size(), 1);
        QVERIFY(server.requestsTo(QStringLiteral("/down")).size() >= 2);
        // The URL is a secret: no error shows it.
        QVERIFY(!r.out.contains(server.url(QStringLiteral("/down"))));
    }

    // A 404 that echoes the path ("Cannot POST /hooks/TOKEN") must not put
    // the webhook's token in the store or in `vouch alerts`; nor may an
    // answer echoing the request body show PagerDuty's routing key.
    void errorsNeverShowAnyPartOfASecret()
    {
        HttpRecorder server;
        QVERIFY(server.listen());
        const QString token = QStringLiteral("T0KEN5ecret9x");
        const QString signature = QStringLiteral("Qs1gnatur3");
        const QString routingKey = QStringLiteral("R0UT1NGKEY-echoed");
        const QString hookPath = QStringLiteral("/hooks/%1?sig=%2").arg(token, signature);
        server.script(hookPath, {HttpAction::echo(404, "Cannot POST {path}")});
        server.script(QStringLiteral("/pd"),
                      {HttpAction::echo(400, "Invalid event, you sent: {body}")});
        QProcessEnvironment env = m_env;
        env.insert(QStringLiteral("T_LEAKY"), server.url(hookPath));
        env.insert(QStringLiteral("T_PD_URL"), server.url(QStringLiteral("/pd")));
        env.insert(QStringLiteral("T_PD_KEY"), routingKey);
        makeWarehouse(3);
        const QString contract = m_dir.filePath(QStringLiteral("echo.yaml"));
        QFile f(contract);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(contractText(m_dir.filePath(QStringLiteral("wh.db")), kEchoAlerting));
        f.close();
        const QString state = m_dir.filePath(QStringLiteral("echo.db"));

        Result r = runVouch({QStringLiteral("run"), contract, QStringLiteral("--state"), state,
                             QStringLiteral("--period"), QStringLiteral("2026-W48")},
                            env);
        QVERIFY2(r.exitCode == 10, qPrintable(r.out + r.err));
        // The services did answer with the secrets in their text.
        QCOMPARE(server.requestsTo(hookPath).size(), 1);
        QCOMPARE(server.requestsTo(hookPath).first().status, 404);
        QCOMPARE(server.requestsTo(QStringLiteral("/pd")).size(), 1);
        QVERIFY(
            server.requestsTo(QStringLiteral("/pd")).first().body.contains(routingKey.toUtf8()));

        const QStringList secrets{token, signature, routingKey};
        const auto leaked = [&secrets](const QString &text) {
            QStringList found;
            for (const QString &secret : secrets) {
                if (text.contains(secret))
                    found << secret;
            }
            return found.join(QStringLiteral(", "));
        };

        QVERIFY2(leaked(r.out + r.err).isEmpty(), qPrintable(r.out + r.err));

        // The store.
        QStringList stored;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("echo"));
            db.setDatabaseName(state);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT channel, last_error FROM deliveries")));
            while (q.next())
                stored << q.value(0).toString() + QStringLiteral(": ") + q.value(1).toString();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("echo"));
        QCOMPARE(stored.size(), 2);
        const QString all = stored.join(QLatin1Char('\n'));
        QVERIFY2(leaked(all).isEmpty(), qPrintable(leaked(all) + QStringLiteral(" in\n") + all));
        // What the service said is still there, with the secrets cut out.
        QVERIFY2(all.contains(QStringLiteral("leaky: the service refused it (HTTP 404: Cannot "
                                             "POST /hooks/[redacted]?sig=[redacted])")),
                 qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("oncall: the service refused it (HTTP 400: Invalid "
                                             "event, you sent: ")),
                 qPrintable(all));

        // `vouch alerts`, as text and as JSON.
        r = runVouch({QStringLiteral("alerts"), QStringLiteral("--state"), state}, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QStringLiteral("leaky (webhook) open: failed")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("Cannot POST /hooks/[redacted]")),
                 qPrintable(r.out));
        QVERIFY2(leaked(r.out + r.err).isEmpty(), qPrintable(leaked(r.out + r.err)));
        r = runVouch(
            {QStringLiteral("alerts"), QStringLiteral("--json"), QStringLiteral("--state"), state},
            env);
        QVERIFY2(r.out.contains(QStringLiteral("Cannot POST /hooks/[redacted]")),
                 qPrintable(r.out));
        QVERIFY2(leaked(r.out + r.err).isEmpty(), qPrintable(leaked(r.out + r.err)));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestAlertDelivery)
#include "tst_alertdelivery.moc"
