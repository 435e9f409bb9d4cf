// Secrets against a real Secret Service: this test runs inside its own D-Bus
// session with a fresh GNOME Keyring (tests/support/run-with-keyring.sh).
// vouch secret set / list / delete through the real binary; a contract's
// keychain:NAME references resolved at send time; and, after a run that
// delivered alerts with those secrets, none of them is in the logs, the
// state store, the outputs, the status JSON or the stored payloads. Without
// a Secret Service, a clear error and no plain-text fallback.

#include "support/contracts.h"
#include "support/httprecorder.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using vouch::test::HttpRecorder;

namespace {

const char *const kContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: margin, name: Contribution margin, needs: [chk_costs], on_failure: caveat, owner: finance-lead}
connections:
  wh: {driver: sqlite, database: "@WAREHOUSE@"}
nodes:
  - {id: load, kind: command, run: ["sh", "-c", "env; echo loaded"]}
  - id: chk_costs
    kind: check
    needs: [load]
    connection: wh
    value: "select missing from costs"
    warn_if: "> 0"
    impact: "SKU cost mapping failed for {value} products."
alerting:
  channels:
    team_slack: {type: slack, url: "keychain:slack_url"}
    oncall: {type: pagerduty, routing_key: "keychain:pd_key", url: "@PD_URL@"}
  routes:
    - to: [team_slack, oncall]
)";

using Result = vouch::test::VouchResult;

Result runVouch(const QStringList &args, const QByteArray &input = {},
                const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    return vouch::test::runVouchBinary(args, env, input);
}

} // namespace

class TestKeyringSecrets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void setListDelete()
    {
        Result r = runVouch(
            {QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("warehouse_pw")},
            "hunter2-not-echoed\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(!r.out.contains(QStringLiteral("hunter2")));
        QVERIFY(!r.err.contains(QStringLiteral("hunter2")));
        r = runVouch({QStringLiteral("secret"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.split(QLatin1Char('\n')).contains(QStringLiteral("warehouse_pw")),
                 qPrintable(r.out));
        QVERIFY(!r.out.contains(QStringLiteral("hunter2")));
        // It is really in the Secret Service, under Vouch's service name.
        QProcess lookup;
        lookup.start(QStringLiteral("secret-tool"),
                     {QStringLiteral("lookup"), QStringLiteral("user"),
                      QStringLiteral("warehouse_pw"), QStringLiteral("server"),
                      QStringLiteral("io.github.vouch.Vouch")});
        if (lookup.waitForStarted() && lookup.waitForFinished(30000))
            QCOMPARE(QString::fromUtf8(lookup.readAllStandardOutput()).trimmed(),
                     QStringLiteral("hunter2-not-echoed"));
        r = runVouch(
            {QStringLiteral("secret"), QStringLiteral("delete"), QStringLiteral("warehouse_pw")});
        QCOMPARE(r.exitCode, 0);
        r = runVouch({QStringLiteral("secret"), QStringLiteral("list")});
        QVERIFY(!r.out.contains(QStringLiteral("warehouse_pw")));
        r = runVouch(
            {QStringLiteral("secret"), QStringLiteral("delete"), QStringLiteral("warehouse_pw")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("no entry 'warehouse_pw'")), qPrintable(r.err));
        r = runVouch({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("bad name!")},
                     "x");
        QCOMPARE(r.exitCode, 2);
        r = runVouch({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("empty")},
                     "");
        QCOMPARE(r.exitCode, 2);
    }

    void secretsNeverLeak()
    {
        HttpRecorder server;
        QVERIFY(server.listen());
        // Secret values: a token in the Slack URL's path, and a routing key.
        const QString slackToken = QStringLiteral("T0K3N-c0ffee-5ecret");
        const QString slackUrl = server.url(QStringLiteral("/services/") + slackToken);
        const QString routingKey = QStringLiteral("R0UT1NG-K3Y-deadbeef");
        QVERIFY(
            runVouch({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("slack_url")},
                     slackUrl.toUtf8())
                .exitCode == 0);
        QVERIFY(
            runVouch({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("pd_key")},
                     routingKey.toUtf8())
                .exitCode == 0);

        QTemporaryDir dir;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("wh"));
            db.setDatabaseName(dir.filePath(QStringLiteral("wh.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE costs (missing INTEGER)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO costs VALUES (14)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("wh"));
        QFile f(dir.filePath(QStringLiteral("c.yaml")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(kContract)
                    .replace("@WAREHOUSE@", dir.filePath(QStringLiteral("wh.db")).toUtf8())
                    .replace("@PD_URL@", server.url(QStringLiteral("/pd")).toUtf8()));
        f.close();
        const QString state = dir.filePath(QStringLiteral("state.db"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VOUCH_NOW"), QStringLiteral("2026-11-30T08:00:00Z"));

        QStringList outputs;
        Result r = runVouch({QStringLiteral("run"), dir.filePath(QStringLiteral("c.yaml")),
                             QStringLiteral("--state"), state, QStringLiteral("--period"),
                             QStringLiteral("2026-W48")},
                            {}, env);
        QVERIFY2(r.exitCode == 10, qPrintable(r.out + r.err));
        outputs << r.out << r.err;
        QVERIFY2(r.out.contains(QStringLiteral("2 delivered")), qPrintable(r.out));
        // The service got the real values.
        QCOMPARE(server.requestsTo(QStringLiteral("/services/") + slackToken).size(), 1);
        const auto pd = server.requestsTo(QStringLiteral("/pd"));
        QCOMPARE(pd.size(), 1);
        QCOMPARE(QJsonDocument::fromJson(pd.first().body)
                     .object()
                     .value(QStringLiteral("routing_key"))
                     .toString(),
                 routingKey);

        for (const QStringList &args :
             {QStringList{QStringLiteral("status"), QStringLiteral("--json"),
                          QStringLiteral("--state"), state},
              QStringList{QStringLiteral("alerts"), QStringLiteral("--json"),
                          QStringLiteral("--state"), state},
              QStringList{QStringLiteral("alerts"), QStringLiteral("--state"), state},
              QStringList{QStringLiteral("secret"), QStringLiteral("list")}}) {
            r = runVouch(args, {}, env);
            outputs << r.out << r.err;
        }
        // Now look everywhere Vouch writes.
        QByteArrayList haystacks;
        for (const QString &o : outputs)
            haystacks << o.toUtf8();
        QDirIterator it(dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        int files = 0;
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.fileName().endsWith(QLatin1String("c.yaml")) ||
                !file.open(QIODevice::ReadOnly))
                continue;
            haystacks << file.readAll();
            ++files;
        }
        QVERIFY(files >= 2); // the store (and its WAL), the run's logs
        for (const QByteArray &h : std::as_const(haystacks)) {
            QVERIFY(!h.contains(slackToken.toUtf8()));
            QVERIFY(!h.contains(routingKey.toUtf8()));
        }
        // The stored payloads (what a preview shows) have no secret either.
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("st"));
        db.setDatabaseName(state);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT payload, target, routing_key FROM deliveries")));
        int rows = 0;
        while (q.next()) {
            ++rows;
            for (int i = 0; i < 3; ++i) {
                QVERIFY(!q.value(i).toString().contains(slackToken));
                QVERIFY(!q.value(i).toString().contains(routingKey));
            }
        }
        QCOMPARE(rows, 2);
    }

    void noSecretServiceIsAClearError()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=/nonexistent/bus"));
        const Result r = runVouch(
            {QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("x")}, "value", env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("no Secret Service is available")),
                 qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("never keeps secrets in plain text")));
        // And nothing was written in plain text instead.
        QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            if (file.open(QIODevice::ReadOnly))
                QVERIFY2(!file.readAll().contains("value\n") ||
                             file.fileName().contains(QLatin1String("keyrings")),
                         qPrintable(file.fileName()));
        }
    }
};

VOUCH_TEST_GUILESS_MAIN(TestKeyringSecrets)
#include "tst_keyring_secrets.moc"
