// Publication decisions through the real binary: only approvers decide,
// refusals change nothing, decisions are in the hash-chained audit log and in
// the warehouse's vouch_publication table, and tampering is detected.

#include "support/contracts.h"
#include "support/demofixture.h"
#include "support/testguard.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kNow = vouch::test::DemoFixture::now();

using Result = vouch::test::VouchResult;
using Fixture = vouch::test::DemoFixture;
using vouch::test::login;

} // namespace

class TestPublication : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void approveRefuseHoldAndAudit()
    {
        Fixture f;
        Result r = f.run({QStringLiteral("run"), f.contract(), QStringLiteral("--state"), f.state(),
                          QStringLiteral("--period"), QStringLiteral("2026-W48"),
                          QStringLiteral("--no-wait")});
        QVERIFY2(r.exitCode == 10, qPrintable(r.out + r.err));
        QCOMPARE(f.status().value(QStringLiteral("status")).toString(), QStringLiteral("caveated"));

        // Another contract than the one the run ran (the shipped one) is
        // refused with exit 4, and nothing is recorded.
        const QString demoContract =
            QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml");
        r = f.run({QStringLiteral("approve"), QStringLiteral("--caveat"),
                   QStringLiteral("margin excludes 14 SKUs"), QStringLiteral("--state"), f.state(),
                   demoContract});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains(QStringLiteral("is not the contract that weekly_operating_report "
                                               "ran for 2026-W48")),
                 qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("nothing was recorded")));
        r = f.run({QStringLiteral("audit"), QStringLiteral("--state"), f.state()});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.trimmed().isEmpty());
        QCOMPARE(f.status().value(QStringLiteral("status")).toString(), QStringLiteral("caveated"));

        // Without a caveat, approve suggests the caveats the findings call for.
        r = f.run({QStringLiteral("approve"), QStringLiteral("--state"), f.state(), f.contract()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral(
                     "--section contribution_margin --caveat \"Contribution margin is "
                     "provisional")),
                 qPrintable(r.err));

        // The approver approves with a caveat for the margin section.
        r = f.run({QStringLiteral("approve"), QStringLiteral("--section"),
                   QStringLiteral("contribution_margin"), QStringLiteral("--caveat"),
                   QStringLiteral("Margin excludes 14 SKUs without a cost."),
                   QStringLiteral("--state"), f.state(), f.contract()});
        QVERIFY2(r.exitCode == 10, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("approved with caveats by ") + login()));
        QCOMPARE(f.status().value(QStringLiteral("status")).toString(),
                 QStringLiteral("published_with_caveats"));

        // On the record: the audit log has the decision, by the OS login.
        r = f.run({QStringLiteral("audit"), QStringLiteral("--state"), f.state()});
        QVERIFY(r.out.contains(QStringLiteral("  ") + login() +
                               QStringLiteral("  approve  weekly_operating_report 2026-W48")));
        QVERIFY(r.out.contains(QStringLiteral("Margin excludes 14 SKUs without a cost.")));
        r = f.run({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--state"),
                   f.state()});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("audit log intact: 1 entries")));

        // And in the warehouse, for the BI dashboard.
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("wh"));
            db.setDatabaseName(f.dir.filePath(QStringLiteral("warehouse.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral(
                "select status, caveats, decided_by, sources, sections from vouch_publication "
                "where report_id = 'weekly_operating_report' and period = '2026-W48'")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("published_with_caveats"));
            QVERIFY(q.value(1).toString().contains(
                QStringLiteral("Margin excludes 14 SKUs without a cost.")));
            QCOMPARE(q.value(2).toString(), login());
            QVERIFY(
                q.value(3).toString().contains(QStringLiteral("\"id\":\"src_shopify_orders\"")));
            QVERIFY(q.value(4).toString().contains(QStringLiteral("\"status\":\"caveat\"")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("wh"));

        // A hold by an approver wins over the earlier approval.
        r = f.run({QStringLiteral("hold"), QStringLiteral("--reason"),
                   QStringLiteral("CFO wants margin re-checked"), QStringLiteral("--state"),
                   f.state(), f.contract()});
        QVERIFY2(r.exitCode == 20, qPrintable(r.out + r.err));
        QCOMPARE(f.status().value(QStringLiteral("status")).toString(), QStringLiteral("held"));

        // Someone edits the first decision behind Vouch's back.
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(f.state());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(!q.exec(
                QStringLiteral("update audit_log set who = 'analytics-lead' where seq = 1")));
            QVERIFY(q.exec(QStringLiteral("drop trigger audit_no_update")));
            QVERIFY(q.exec(
                QStringLiteral("update audit_log set who = 'analytics-lead' where seq = 1")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        r = f.run({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--state"),
                   f.state()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("entry 1 was changed after it was written")),
                 qPrintable(r.err));
    }

    // The approver list comes from the contract the run ran, never from the
    // file on the command line: a copy with this login added is refused, and
    // the verdict of the real contract does not move. The contract the run
    // ran is recorded (its digest and text) with the attempt.
    void forgedApproverListIsRefused()
    {
        Fixture f;
        const QString shipped = f.dir.filePath(QStringLiteral("contract/contract-shipped.yaml"));
        {
            QFile in(f.contract());
            QVERIFY(in.open(QIODevice::ReadOnly));
            QByteArray text = in.readAll();
            text.replace("approvers: [analytics-lead, " + login().toUtf8() + "]",
                         "approvers: [analytics-lead]");
            QFile out(shipped);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(text);
        }
        Result r = f.run({QStringLiteral("run"), shipped, QStringLiteral("--state"), f.state(),
                          QStringLiteral("--period"), QStringLiteral("2026-W48"),
                          QStringLiteral("--no-wait")});
        QVERIFY2(r.exitCode == 10, qPrintable(r.out + r.err));

        // The real contract: this login is no approver.
        r = f.run({QStringLiteral("approve"), QStringLiteral("--caveat"), QStringLiteral("x"),
                   QStringLiteral("--state"), f.state(), shipped});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains(QStringLiteral("is not an approver")), qPrintable(r.err));
        // Without FILE: the contract the run ran, as recorded.
        r = f.run({QStringLiteral("approve"), QStringLiteral("--caveat"), QStringLiteral("x"),
                   QStringLiteral("--state"), f.state()});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains(QStringLiteral("is not an approver")), qPrintable(r.err));

        // The forgery: a copy that names this login.
        r = f.run({QStringLiteral("approve"), QStringLiteral("--caveat"), QStringLiteral("x"),
                   QStringLiteral("--state"), f.state(), f.contract()});
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.err.contains(QStringLiteral("is not the contract that")), qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("nothing was recorded")));
        r = f.run({QStringLiteral("audit"), QStringLiteral("--state"), f.state()});
        QVERIFY(r.out.trimmed().isEmpty());
        r = f.run({QStringLiteral("status"), QStringLiteral("--json"), QStringLiteral("--state"),
                   f.state(), shipped});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8())
                     .object()
                     .value(QStringLiteral("status"))
                     .toString(),
                 QStringLiteral("caveated"));
    }

    // The audit log is the one source of decisions: a row put into the
    // decisions table by hand, or an audit entry flipped from hold to
    // approve, changes no verdict (and verify reports the flip).
    void decisionsOutsideTheAuditChainChangeNothing()
    {
        Fixture f;
        Result r = f.run({QStringLiteral("run"), f.contract(), QStringLiteral("--state"), f.state(),
                          QStringLiteral("--period"), QStringLiteral("2026-W48"),
                          QStringLiteral("--no-wait")});
        QCOMPARE(r.exitCode, 10);
        r = f.run({QStringLiteral("hold"), QStringLiteral("--reason"), QStringLiteral("wait"),
                   QStringLiteral("--state"), f.state(), f.contract()});
        QCOMPARE(f.status().value(QStringLiteral("status")).toString(), QStringLiteral("held"));
        // What someone with write access to the file does, statement by
        // statement; the number of rows each one changed.
        const auto forge = [&f](const QStringList &statements) {
            QList<int> changed;
            {
                QSqlDatabase db =
                    QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("forger"));
                db.setDatabaseName(f.state());
                if (db.open()) {
                    for (const QString &sql : statements) {
                        QSqlQuery q(db);
                        changed << (q.exec(sql) ? q.numRowsAffected() : -1);
                    }
                }
            }
            QSqlDatabase::removeDatabase(QStringLiteral("forger"));
            return changed;
        };
        QCOMPARE(forge({QStringLiteral(
                     "INSERT INTO decisions (run_id, attempt, kind, section, text, who, at) "
                     "VALUES (1, 1, 'approve', NULL, 'forged', 'analytics-lead', 1)")}),
                 QList<int>{1});
        QCOMPARE(f.status().value(QStringLiteral("status")).toString(), QStringLiteral("held"));
        // The append-only triggers are what an attacker drops first; then a
        // hold becomes an approval.
        QCOMPARE(forge({QStringLiteral("DROP TRIGGER audit_no_update"),
                        QStringLiteral("DROP TRIGGER audit_no_delete"),
                        QStringLiteral("UPDATE audit_log SET action = 'approve', details = "
                                       "replace(details, '\"reasons\"', '\"caveats\"') WHERE "
                                       "action = 'hold'")})
                     .last(),
                 1);
        QVERIFY(f.status().value(QStringLiteral("status")).toString() !=
                QStringLiteral("published_with_caveats"));
        r = f.run({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--state"),
                   f.state()});
        QCOMPARE(r.exitCode, 1);
    }

    // A decision rests on the findings it was made on: an approval does not
    // carry over to a rerun whose findings differ (a decision is needed
    // again), and a hold outlives a green rerun until an approver releases it.
    void decisionsDoNotOutliveTheirFindings()
    {
        QTemporaryDir dir;
        const QString contract = dir.filePath(QStringLiteral("c.yaml"));
        const QString okT = dir.filePath(QStringLiteral("t.ok"));
        const QString okH = dir.filePath(QStringLiteral("h.ok"));
        {
            QFile f(contract);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QStringLiteral(VOUCH_TEST_WEEKLY_REPORT R"(  approvers: [%1]
  sections:
    - {id: trend, name: Trend, needs: [t], on_failure: caveat}
    - {id: headcount, name: Headcount, needs: [h], on_failure: hold}
nodes:
  - {id: t, kind: command, run: ["test", "-e", "%2"]}
  - {id: h, kind: command, run: ["test", "-e", "%3"]}
)")
                        .arg(login(), okT, okH)
                        .toUtf8());
        }
        const auto touch = [](const QString &path) {
            QFile f(path);
            return f.open(QIODevice::WriteOnly);
        };
        QVERIFY(touch(okH));
        const QString state = dir.filePath(QStringLiteral("state.db"));
        const auto vouch = [&](QStringList args) {
            args << QStringLiteral("--state") << state << QStringLiteral("--now") << kNow;
            return vouch::test::runVouch(args);
        };
        const auto status = [&] {
            const Result r = vouch({QStringLiteral("status"), QStringLiteral("--json"), contract});
            return QJsonDocument::fromJson(r.out.toUtf8()).object();
        };
        Result r = vouch({QStringLiteral("run"), contract, QStringLiteral("--period"),
                          QStringLiteral("2026-W48")});
        QCOMPARE(r.exitCode, 10); // trend caveated
        r = vouch({QStringLiteral("approve"), QStringLiteral("--section"), QStringLiteral("trend"),
                   QStringLiteral("--caveat"), QStringLiteral("trend is provisional"), contract});
        QVERIFY2(r.exitCode == 10 || r.exitCode == 0, qPrintable(r.out + r.err));
        QCOMPARE(status().value(QStringLiteral("status")).toString(),
                 QStringLiteral("published_with_caveats"));

        // Headcount newly fails in a rerun: the approval was not made on that.
        QFile::remove(okH);
        r = vouch({QStringLiteral("rerun"), QStringLiteral("h"), QStringLiteral("--reason"),
                   QStringLiteral("reload"), contract});
        QJsonObject s = status();
        QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("partial"));
        QVERIFY2(
            s.value(QStringLiteral("decision_needed"))
                .toString()
                .startsWith(QStringLiteral("findings changed since %1 approved at ").arg(login())),
            qPrintable(s.value(QStringLiteral("decision_needed")).toString()));
        r = vouch({QStringLiteral("status"), contract});
        QVERIFY2(r.out.contains(QStringLiteral("decision needed: findings changed since")),
                 qPrintable(r.out));

        // A hold, then everything fixed and rerun: still held.
        r = vouch({QStringLiteral("hold"), QStringLiteral("--reason"),
                   QStringLiteral("headcount under review"), contract});
        QCOMPARE(status().value(QStringLiteral("status")).toString(), QStringLiteral("held"));
        QVERIFY(touch(okT));
        QVERIFY(touch(okH));
        r = vouch({QStringLiteral("rerun"), QStringLiteral("--failed-only"),
                   QStringLiteral("--reason"), QStringLiteral("fixed"), contract});
        QCOMPARE(status().value(QStringLiteral("status")).toString(), QStringLiteral("held"));
        // An approver releases it.
        r = vouch({QStringLiteral("approve"), QStringLiteral("--caveat"),
                   QStringLiteral("released: headcount reviewed"), contract});
        QVERIFY2(r.out.contains(QStringLiteral("approved with caveats")),
                 qPrintable(r.out + r.err));
        QCOMPARE(status().value(QStringLiteral("status")).toString(), QStringLiteral("complete"));
    }

    void completeReportsNeedNoApproval()
    {
        Fixture f;
        Result r = f.run({QStringLiteral("demo"), QStringLiteral("init"), f.dir.path(),
                          QStringLiteral("--now"), kNow});
        QCOMPARE(r.exitCode, 0);
        r = f.run({QStringLiteral("run"), f.contract(), QStringLiteral("--state"), f.state(),
                   QStringLiteral("--period"), QStringLiteral("2026-W48")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("complete (published)")));
        r = f.run({QStringLiteral("approve"), QStringLiteral("--caveat"), QStringLiteral("x"),
                   QStringLiteral("--state"), f.state(), f.contract()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("publishes on its own")));
    }

    // A failure that no section needs and that the publish step does not need
    // (an exploratory model) leaves the verdict to the sections: complete,
    // exit 0, with a low alert saying that nothing depends on it. Without an
    // alert template the headline is still a sentence, not the raw cause.
    void unneededFailureLeavesTheVerdictToTheSections()
    {
        QTemporaryDir dir;
        const QString contract = dir.filePath(QStringLiteral("c.yaml"));
        {
            QFile f(contract);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(VOUCH_TEST_WEEKLY_REPORT
                    R"(  sections: [{id: revenue, name: Revenue, needs: [mart], on_failure: hold}]
nodes:
  - {id: mart, kind: command, run: ["true"]}
  - {id: explore_cohorts, kind: command, run: ["false"], needs: [mart]}
  - {id: publish, kind: publish, needs: [mart]}
)");
        }
        const QString state = dir.filePath(QStringLiteral("state.db"));
        const auto vouch = [](const QStringList &args) { return vouch::test::runVouch(args); };
        Result r = vouch({QStringLiteral("run"), contract, QStringLiteral("--state"), state,
                          QStringLiteral("--period"), QStringLiteral("2026-W48"),
                          QStringLiteral("--now"), kNow});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("Report Weekly report: complete")),
                 qPrintable(r.out));
        r = vouch({QStringLiteral("alerts"), contract, QStringLiteral("--state"), state,
                   QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray alerts = QJsonDocument::fromJson(r.out.toUtf8())
                                      .object()
                                      .value(QStringLiteral("alerts"))
                                      .toArray();
        QCOMPARE(alerts.size(), 1);
        const QJsonObject alert = alerts.first().toObject();
        QCOMPARE(alert.value(QStringLiteral("severity")).toString(), QStringLiteral("low"));
        QCOMPARE(alert.value(QStringLiteral("headline")).toString(),
                 QStringLiteral("explore_cohorts failed (exit code 1); no section depends on it, "
                                "so every section keeps its verdict."));
    }

    void impactInBusinessWords()
    {
        const Result r = Fixture().run(
            {QStringLiteral("impact"), QStringLiteral("src_shopify_orders"),
             QStringLiteral(VOUCH_SOURCE_DIR "/resources/demo/brightside/contract.yaml")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QStringLiteral("Revenue: block the report")));
        QVERIFY(r.out.contains(QStringLiteral("Contribution margin: publish with a caveat")));
        QVERIFY(r.out.contains(QStringLiteral("can still publish: Cash bridge")));
        QVERIFY(r.out.contains(QStringLiteral("the report: not safe to publish")));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestPublication)
#include "tst_publication.moc"
