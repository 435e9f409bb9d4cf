// Anchoring the audit log through the real binary: the head of the chain
// published to a file or to the warehouse catches what the chain alone cannot,
// a chain recomputed from an edited entry and entries cut off the end together
// with the sequence record.

#include "support/demofixture.h"
#include "support/httprecorder.h"
#include "support/testguard.h"
#include "support/vouchprocess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kNow = vouch::test::DemoFixture::now();

using Result = vouch::test::VouchResult;
using vouch::test::login;

// The exit code, the error output and the end of the output, for a mismatch.
QString outcome(const Result &r)
{
    return QStringLiteral("exit %1; %2 … %3").arg(r.exitCode).arg(r.err, r.out.right(1200));
}

class Fixture : public vouch::test::DemoFixture
{
public:
    // Runs the demo and records two decisions: an approval, then a hold.
    void runAndDecide() const
    {
        Result r = run({QStringLiteral("run"), contract(), QStringLiteral("--state"), state(),
                        QStringLiteral("--period"), QStringLiteral("2026-W48"),
                        QStringLiteral("--no-wait")});
        QVERIFY2(r.exitCode == 10, qPrintable(outcome(r)));
        r = run({QStringLiteral("approve"), QStringLiteral("--section"),
                 QStringLiteral("contribution_margin"), QStringLiteral("--caveat"),
                 QStringLiteral("Margin excludes 14 SKUs without a cost."),
                 QStringLiteral("--state"), state(), contract()});
        QVERIFY2(r.exitCode == 10, qPrintable(outcome(r)));
        r = run({QStringLiteral("hold"), QStringLiteral("--reason"),
                 QStringLiteral("CFO wants margin re-checked"), QStringLiteral("--state"), state(),
                 contract()});
        QVERIFY2(r.exitCode == 20, qPrintable(outcome(r)));
    }

    Result verify(const QStringList &extra = {}) const
    {
        return run(QStringList{QStringLiteral("audit"), QStringLiteral("verify"),
                               QStringLiteral("--state"), state()} +
                   extra);
    }
};

void addField(QByteArray &out, const QByteArray &bytes)
{
    out += QByteArray::number(bytes.size()) + ':' + bytes + ',';
}

// The entry hash exactly as engine/trust/auditlog.h documents it.
QString entryHash(const QSqlQuery &q, const QString &prevHash)
{
    QByteArray canonical;
    addField(canonical, "vouch-audit-1");
    addField(canonical, QByteArray::number(q.value(0).toLongLong()));
    addField(canonical, QByteArray::number(q.value(1).toLongLong()));
    for (int column = 2; column <= 5; ++column)
        addField(canonical, q.value(column).toString().toUtf8());
    addField(canonical,
             q.value(6).isNull() ? QByteArray() : QByteArray::number(q.value(6).toLongLong()));
    addField(canonical, q.value(7).toString().toUtf8());
    addField(canonical, prevHash.toUtf8());
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex());
}

// What someone with write access to the store alone can do: turn the
// approval's caveat into another text and recompute every hash from there,
// so the chain is valid again.
bool rewriteChain(const QString &state)
{
    bool ok = false;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("rw"));
        db.setDatabaseName(state);
        if (!db.open())
            return false;
        QSqlQuery q(db);
        ok = q.exec(QStringLiteral("DROP TRIGGER audit_no_update")) &&
             q.exec(QStringLiteral("UPDATE audit_log SET details = replace(details, 'Margin "
                                   "excludes 14 SKUs', 'Margin is final') WHERE action = "
                                   "'approve'")) &&
             q.exec(QStringLiteral("SELECT seq, at, who, action, report_id, period, run_id, "
                                   "details FROM audit_log ORDER BY seq"));
        QString prev(64, QLatin1Char('0'));
        QList<std::pair<qint64, std::pair<QString, QString>>> hashes;
        while (ok && q.next()) {
            const QString hash = entryHash(q, prev);
            hashes.append({q.value(0).toLongLong(), {prev, hash}});
            prev = hash;
        }
        for (const auto &[seq, h] : hashes) {
            QSqlQuery u(db);
            u.prepare(QStringLiteral("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?"));
            u.addBindValue(h.first);
            u.addBindValue(h.second);
            u.addBindValue(seq);
            ok = ok && u.exec();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("rw"));
    return ok;
}

// The other thing store access allows: delete the newest entry and lower
// SQLite's record of the highest seq issued, so nothing looks missing.
bool cutTheEnd(const QString &state)
{
    bool ok = false;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("rw"));
        db.setDatabaseName(state);
        if (!db.open())
            return false;
        QSqlQuery q(db);
        ok = q.exec(QStringLiteral("DROP TRIGGER audit_no_delete")) &&
             q.exec(QStringLiteral("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM "
                                   "audit_log)")) &&
             q.exec(QStringLiteral("UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM "
                                   "audit_log) WHERE name = 'audit_log'"));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("rw"));
    return ok;
}

} // namespace

class TestAuditAnchor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fileAnchorCatchesARewrittenChain()
    {
        Fixture f;
        f.runAndDecide();
        if (QTest::currentTestFailed())
            return;
        const QString anchor = f.dir.filePath(QStringLiteral("anchor.json"));
        Result r = f.run({QStringLiteral("audit"), QStringLiteral("anchor"),
                          QStringLiteral("--state"), f.state(), QStringLiteral("--to"), anchor});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("anchored entry 2 (")), qPrintable(r.out));
        {
            QFile file(anchor);
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
            QCOMPARE(json.value(QStringLiteral("seq")).toInteger(), 2);
            QCOMPARE(json.value(QStringLiteral("entries")).toInteger(), 2);
            QCOMPARE(json.value(QStringLiteral("hash")).toString().size(), 64);
            QCOMPARE(json.value(QStringLiteral("store")).toString(),
                     QFileInfo(f.state()).absoluteFilePath());
        }
        r = f.verify({QStringLiteral("--anchor"), anchor});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("audit log intact: 2 entries, hash chain verified, "
                                              "matches 1 anchor")));

        QVERIFY(rewriteChain(f.state()));
        // The chain alone cannot tell: this is the documented limit.
        r = f.verify();
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("audit log intact: 2 entries")));
        r = f.run({QStringLiteral("audit"), QStringLiteral("--state"), f.state()});
        QVERIFY(r.out.contains(QStringLiteral("Margin is final")));
        // The anchor can.
        r = f.verify({QStringLiteral("--anchor"), anchor});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("does not match anchor file ") + anchor),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("entry 2 has hash")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("the chain was rewritten at or before entry 2")),
                 qPrintable(r.err));
    }

    void fileAnchorCatchesEntriesCutOffTheEnd()
    {
        Fixture f;
        f.runAndDecide();
        if (QTest::currentTestFailed())
            return;
        const QString anchor = f.dir.filePath(QStringLiteral("anchor.json"));
        Result r = f.run({QStringLiteral("audit"), QStringLiteral("anchor"),
                          QStringLiteral("--state"), f.state(), QStringLiteral("--to"), anchor});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));

        // The hold disappears, and with it the record that it was ever issued.
        QVERIFY(cutTheEnd(f.state()));
        r = f.verify();
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("audit log intact: 1 entries")));
        r = f.verify({QStringLiteral("--anchor"), anchor});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(anchor), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("the log ends at entry 1, but entry 2 was "
                                               "anchored: entries were deleted from the end")),
                 qPrintable(r.err));
    }

    void laterEntriesStillMatchAnOlderAnchor()
    {
        Fixture f;
        f.runAndDecide();
        if (QTest::currentTestFailed())
            return;
        const QString anchor = f.dir.filePath(QStringLiteral("anchor.json"));
        Result r = f.run({QStringLiteral("audit"), QStringLiteral("anchor"),
                          QStringLiteral("--state"), f.state(), QStringLiteral("--to"), anchor});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        // An approval after the anchor grows the log; the anchor still holds.
        r = f.run({QStringLiteral("approve"), QStringLiteral("--section"),
                   QStringLiteral("contribution_margin"), QStringLiteral("--caveat"),
                   QStringLiteral("Re-checked."), QStringLiteral("--state"), f.state(),
                   f.contract()});
        QVERIFY2(r.exitCode == 20 || r.exitCode == 10, qPrintable(r.out + r.err));
        r = f.verify({QStringLiteral("--anchor"), anchor});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("3 entries, hash chain verified, matches 1 anchor")));
    }

    void badAnchorFilesAreNamed()
    {
        Fixture f;
        f.runAndDecide();
        if (QTest::currentTestFailed())
            return;
        const QString missing = f.dir.filePath(QStringLiteral("nowhere.json"));
        Result r = f.verify({QStringLiteral("--anchor"), missing});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("cannot read anchor file ") + missing),
                 qPrintable(r.err));

        const QString malformed = f.dir.filePath(QStringLiteral("malformed.json"));
        {
            QFile file(malformed);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(R"({"format":"vouch-audit-anchor-1","seq":2,"hash":"abc"})");
        }
        r = f.verify({QStringLiteral("--anchor"), malformed});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("anchor file ") + malformed +
                                QStringLiteral(" is malformed: \"hash\" is not 64 lowercase hex")),
                 qPrintable(r.err));

        {
            QFile file(malformed);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("not json");
        }
        r = f.verify({QStringLiteral("--anchor"), malformed});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral(" is malformed: it is not JSON")),
                 qPrintable(r.err));

        // A symbolic link at --to is refused, and what it points to is untouched.
        const QString target = f.dir.filePath(QStringLiteral("precious.txt"));
        {
            QFile file(target);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("keep me");
        }
        const QString link = f.dir.filePath(QStringLiteral("link.json"));
        QVERIFY(QFile::link(target, link));
        r = f.run({QStringLiteral("audit"), QStringLiteral("anchor"), QStringLiteral("--state"),
                   f.state(), QStringLiteral("--to"), link});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("refusing to write anchor file ") + link +
                                QStringLiteral(": it is a symbolic link")),
                 qPrintable(r.err));
        QFile file(target);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("keep me"));
        QVERIFY(QFileInfo(link).isSymLink());

        // anchor says where to.
        r = f.run({QStringLiteral("audit"), QStringLiteral("anchor"), QStringLiteral("--state"),
                   f.state()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("say where to anchor")));
    }

    void warehouseAnchorCatchesARewrittenChain()
    {
        Fixture f;
        f.runAndDecide();
        if (QTest::currentTestFailed())
            return;
        const QString anchor = f.dir.filePath(QStringLiteral("anchor.json"));
        // Both at once.
        Result r =
            f.run({QStringLiteral("audit"), QStringLiteral("anchor"), QStringLiteral("--state"),
                   f.state(), QStringLiteral("--to"), anchor, QStringLiteral("--to-warehouse")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(QFileInfo::exists(anchor));
        QVERIFY(r.out.contains(
            QStringLiteral("to vouch_audit_anchor in the warehouse of weekly_operating_report")));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("wh"));
            db.setDatabaseName(f.dir.filePath(QStringLiteral("warehouse.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("select report_id, seq, entries, length(hash) from "
                                          "vouch_audit_anchor")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("weekly_operating_report"));
            QCOMPARE(q.value(1).toLongLong(), 2);
            QCOMPARE(q.value(2).toLongLong(), 2);
            QCOMPARE(q.value(3).toInt(), 64);
            QVERIFY(!q.next());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("wh"));
        r = f.verify({QStringLiteral("--from-warehouse")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("matches 1 anchor")));

        QVERIFY(rewriteChain(f.state()));
        QCOMPARE(f.verify().exitCode, 0);
        r = f.verify({QStringLiteral("--from-warehouse"), f.contract()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral(
                     "does not match the warehouse anchor of weekly_operating_report")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("entry 2 has hash")), qPrintable(r.err));
    }

    // The anchor goes to a webhook channel of the contract exactly as alerts
    // do: JSON, signed with the channel's secret, the URL a secret reference.
    void webhookAnchorIsSignedAndFailuresAreNamed()
    {
        Fixture f;
        {
            QFile file(f.contract());
            QVERIFY(file.open(QIODevice::ReadWrite));
            QByteArray text = file.readAll();
            QVERIFY(text.contains("  channels:\n"));
            text.replace("  channels:\n", "  channels:\n    audit_hook: { type: webhook, url: "
                                          "\"${T_HOOK}\", signing_secret: \"${T_SIGN}\" }\n");
            file.resize(0);
            file.write(text);
        }
        f.runAndDecide();
        if (QTest::currentTestFailed())
            return;
        vouch::test::HttpRecorder server;
        QVERIFY(server.listen());
        const QString token = QStringLiteral("T0KENabcdef");
        QProcessEnvironment env = f.env();
        env.insert(QStringLiteral("T_HOOK"), server.url(QStringLiteral("/anchor/") + token));
        env.insert(QStringLiteral("T_SIGN"), QStringLiteral("s1gn1ng"));
        const QStringList anchor{QStringLiteral("audit"),        QStringLiteral("anchor"),
                                 QStringLiteral("--state"),      f.state(),
                                 QStringLiteral("--to-webhook"), QStringLiteral("audit_hook")};
        vouch::test::VouchResult r = vouch::test::runVouchBinary(anchor, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains(QStringLiteral("to webhook audit_hook")));
        const QList<vouch::test::HttpRequest> hooks =
            server.requestsTo(QStringLiteral("/anchor/") + token);
        QCOMPARE(hooks.size(), 1);
        const vouch::test::HttpRequest &h = hooks.first();
        QCOMPARE(h.method, QByteArray("POST"));
        QCOMPARE(h.headers.value("x-vouch-signature"),
                 "sha256=" +
                     QMessageAuthenticationCode::hash(h.body, "s1gn1ng", QCryptographicHash::Sha256)
                         .toHex());
        const QJsonObject json = QJsonDocument::fromJson(h.body).object();
        QCOMPARE(json.value(QStringLiteral("format")).toString(),
                 QStringLiteral("vouch-audit-anchor-1"));
        QCOMPARE(json.value(QStringLiteral("seq")).toInteger(), 2);
        QCOMPARE(json.value(QStringLiteral("report_id")).toString(),
                 QStringLiteral("weekly_operating_report"));
        QCOMPARE(json.value(QStringLiteral("hash")).toString().size(), 64);

        // The service refuses: exit 1, the channel named, no part of its URL.
        server.script(QStringLiteral("/anchor/") + token,
                      {vouch::test::HttpAction::echo(404, "Cannot POST {path}")});
        r = vouch::test::runVouchBinary(anchor, env);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("channel 'audit_hook': the service answered HTTP "
                                               "404")),
                 qPrintable(r.err));
        QVERIFY2(!r.err.contains(token), qPrintable(r.err));

        // Only webhook channels take anchors.
        r = vouch::test::runVouchBinary(
            {QStringLiteral("audit"), QStringLiteral("anchor"), QStringLiteral("--state"),
             f.state(), QStringLiteral("--to-webhook"), QStringLiteral("finance_slack")},
            env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("has no webhook channel 'finance_slack'")),
                 qPrintable(r.err));
    }

    // Anchoring a log that does not verify would vouch for the tampering.
    void aBrokenChainIsNotAnchored()
    {
        Fixture f;
        f.runAndDecide();
        if (QTest::currentTestFailed())
            return;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(f.state());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DROP TRIGGER audit_no_update")));
            QVERIFY(q.exec(QStringLiteral("UPDATE audit_log SET who = 'someone' WHERE seq = 1")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        const QString anchor = f.dir.filePath(QStringLiteral("anchor.json"));
        const Result r =
            f.run({QStringLiteral("audit"), QStringLiteral("anchor"), QStringLiteral("--state"),
                   f.state(), QStringLiteral("--to"), anchor, QStringLiteral("--to-warehouse")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("the audit log was tampered with: entry 1 was "
                                               "changed after it was written")),
                 qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("nothing was anchored")));
        QVERIFY(!QFileInfo::exists(anchor));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("wh"));
            db.setDatabaseName(f.dir.filePath(QStringLiteral("warehouse.db")));
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(!q.exec(QStringLiteral("select count(*) from vouch_audit_anchor")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("wh"));
    }

    void warehouseWithoutAnchorIsNamed()
    {
        Fixture f;
        f.runAndDecide();
        if (QTest::currentTestFailed())
            return;
        const Result r = f.verify({QStringLiteral("--from-warehouse")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("the warehouse of weekly_operating_report")),
                 qPrintable(r.err));
    }
};

VOUCH_TEST_GUILESS_MAIN(TestAuditAnchor)
#include "tst_auditanchor.moc"
