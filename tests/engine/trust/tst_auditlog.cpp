#include "engine/store/statestore.h"
#include "engine/trust/auditlog.h"
#include "support/testguard.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace vouch::engine;

namespace {

const QString kReport = QStringLiteral("weekly_operating_report");

// A plain connection to the file, for what an attacker with the file could
// do (drop the triggers, edit rows). Closed and removed on destruction.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(QUuid::createUuid().toString())
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        db.open();
    }
    ~RawDb()
    {
        QSqlDatabase::database(m_name, false).close();
        QSqlDatabase::removeDatabase(m_name);
    }

    // The first column of the first row; an invalid QVariant on error.
    QVariant value(const QString &sql, const QVariantList &values = {})
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        q.prepare(sql);
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values.at(i));
        if (!q.exec() || !q.next())
            return QVariant();
        return q.value(0);
    }
    bool exec(const QString &sql, const QVariantList &values = {}, QString *error = nullptr)
    {
        QSqlQuery q(QSqlDatabase::database(m_name, false));
        bool ok = q.prepare(sql);
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values.at(i));
        ok = ok && q.exec();
        if (error)
            *error = q.lastError().text();
        return ok;
    }

    // Recomputes the hash of one row from its stored contents, as a forger
    // who knows the (public) format would.
    bool forge(qint64 seq);

private:
    QString m_name;
};

// The documented format, written out independently of the implementation.
QByteArray netstring(const QByteArray &bytes)
{
    return QByteArray::number(bytes.size()) + ':' + bytes + ',';
}

QString documentedHash(qint64 seq, qint64 atMs, const QString &who, const QString &action,
                       const QString &reportId, const QString &period, const QVariant &runId,
                       const QString &details, const QString &prevHash)
{
    const QByteArray canonical =
        netstring("vouch-audit-1") + netstring(QByteArray::number(seq)) +
        netstring(QByteArray::number(atMs)) + netstring(who.toUtf8()) + netstring(action.toUtf8()) +
        netstring(reportId.toUtf8()) + netstring(period.toUtf8()) +
        netstring(runId.isNull() ? QByteArray() : QByteArray::number(runId.toLongLong())) +
        netstring(details.toUtf8()) + netstring(prevHash.toUtf8());
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex());
}

bool RawDb::forge(qint64 seq)
{
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    q.prepare(QStringLiteral("SELECT at, who, action, report_id, period, run_id, details, "
                             "prev_hash FROM audit_log WHERE seq = ?"));
    q.bindValue(0, seq);
    if (!q.exec() || !q.next())
        return false;
    const QString hash =
        documentedHash(seq, q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                       q.value(3).toString(), q.value(4).toString(), q.value(5),
                       q.value(6).toString(), q.value(7).toString());
    q.finish();
    return exec(QStringLiteral("UPDATE audit_log SET hash = ? WHERE seq = ?"), {hash, seq});
}

// The child side of the two-process test: appends `count` entries as `who`.
int childAppend(const QStringList &args)
{
    if (args.size() != 3)
        return 2;
    QString error;
    auto store = StateStore::open(args.at(0), &error);
    if (!store) {
        qWarning("child: %s", qPrintable(error));
        return 1;
    }
    AuditLog log(*store);
    const int count = args.at(2).toInt();
    for (int i = 0; i < count; ++i) {
        if (!log.append(args.at(1), QStringLiteral("rerun"), kReport, QStringLiteral("2026-W48"), 0,
                        {{QStringLiteral("i"), i}}, &error)) {
            qWarning("child: %s", qPrintable(error));
            return 1;
        }
    }
    return 0;
}

} // namespace

class TestAuditLog : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("a%1/state.db").arg(++m_counter)); }

    std::unique_ptr<StateStore> openStore(const QString &path)
    {
        QString error;
        auto store = StateStore::open(path, &error);
        if (!store)
            qWarning("%s", qPrintable(error));
        return store;
    }

    // Five entries, seq 1 to 5, the even ones about run 7.
    static void appendFive(AuditLog &log)
    {
        for (int i = 1; i <= 5; ++i) {
            QString error;
            const auto entry = log.append(
                QStringLiteral("user%1").arg(i), QStringLiteral("approve"), kReport,
                QStringLiteral("2026-W48"), i % 2 == 0 ? 7 : 0,
                {{QStringLiteral("caveat"), QStringLiteral("caveat %1").arg(i)}}, &error);
            QVERIFY2(entry, qPrintable(error));
            QCOMPARE(entry->seq, qint64(i));
        }
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void appendAndReadBack_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("period");
        QTest::addColumn<qint64>("runId");
        QTest::addColumn<QJsonObject>("details");

        QTest::newRow("no details, no run")
            << QStringLiteral("analytics-lead") << QStringLiteral("hold")
            << QStringLiteral("2026-W48") << qint64(0) << QJsonObject();
        QTest::newRow("flat details")
            << QStringLiteral("analytics-lead") << QStringLiteral("approve")
            << QStringLiteral("2026-W48") << qint64(3)
            << QJsonObject{{QStringLiteral("caveat"), QStringLiteral("SKU costs estimated")},
                           {QStringLiteral("attempt"), 2}};
        QTest::newRow("nested and unicode")
            << QStringLiteral("Zoë Ødegård 日本") << QStringLiteral("approve")
            << QStringLiteral("2026-W48") << qint64(12)
            << QJsonObject{{QStringLiteral("section"), QStringLiteral("Umsatz – Überblick 📈")},
                           {QStringLiteral("caveats"),
                            QJsonArray{QStringLiteral("quote \" backslash \\ tab \t newline \n"),
                                       QStringLiteral("control \x01 end")}},
                           {QStringLiteral("numbers"),
                            QJsonObject{{QStringLiteral("big"), qint64(1234567890123)},
                                        {QStringLiteral("fraction"), 0.1},
                                        {QStringLiteral("negative"), -42}}},
                           {QStringLiteral("deep"),
                            QJsonObject{{QStringLiteral("ключ"),
                                         QJsonObject{{QStringLiteral("null"), QJsonValue()},
                                                     {QStringLiteral("yes"), true}}}}}};
    }

    void appendAndReadBack()
    {
        QFETCH(QString, who);
        QFETCH(QString, action);
        QFETCH(QString, period);
        QFETCH(qint64, runId);
        QFETCH(QJsonObject, details);

        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QString error;
        const auto entry = log.append(who, action, kReport, period, runId, details, &error);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QVERIFY2(entry, qPrintable(error));
        QVERIFY(log.lastError().isEmpty());
        QCOMPARE(entry->seq, qint64(1));
        QVERIFY(entry->at.toMSecsSinceEpoch() >= before && entry->at.toMSecsSinceEpoch() <= after);
        QCOMPARE(entry->at.timeSpec(), Qt::UTC);
        QCOMPARE(entry->who, who);
        QCOMPARE(entry->action, action);
        QCOMPARE(entry->reportId, kReport);
        QCOMPARE(entry->period, period);
        QCOMPARE(entry->runId, runId);
        QCOMPARE(entry->details, details);
        QCOMPARE(entry->prevHash, AuditLog::genesisHash());
        QCOMPARE(entry->prevHash, QString(64, QLatin1Char('0')));
        QCOMPARE(entry->hash.size(), 64);

        const QList<AuditEntry> read = log.entries();
        QVERIFY(log.lastError().isEmpty());
        QCOMPARE(read.size(), 1);
        const AuditEntry &e = read.first();
        QCOMPARE(e.seq, entry->seq);
        QCOMPARE(e.at, entry->at);
        QCOMPARE(e.who, who);
        QCOMPARE(e.action, action);
        QCOMPARE(e.reportId, kReport);
        QCOMPARE(e.period, period);
        QCOMPARE(e.runId, runId);
        QCOMPARE(e.details, details);
        QCOMPARE(e.prevHash, entry->prevHash);
        QCOMPARE(e.hash, entry->hash);

        RawDb raw(store->path());
        QCOMPARE(raw.value(QStringLiteral("SELECT run_id IS NULL FROM audit_log")).toBool(),
                 runId == 0);

        const AuditVerification v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entries, qint64(1));
        QCOMPARE(v.firstBadSeq, qint64(0));
        QVERIFY(v.problem.isEmpty());
    }

    // Text that UTF-8 cannot carry is stored (and hashed) as it reads back.
    void textIsHashedAsStored()
    {
        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        const QString broken = QStringLiteral("lone ") + QChar(0xD800) + QStringLiteral(" half");
        QString error;
        const auto entry =
            log.append(broken, QStringLiteral("hold"), kReport, QStringLiteral("2026-W48"), 0,
                       {{QStringLiteral("reason"), broken}}, &error);
        QVERIFY2(entry, qPrintable(error));
        const AuditEntry read = log.entries().value(0);
        QCOMPARE(read.who, entry->who);
        QCOMPARE(read.details, entry->details);
        QCOMPARE(read.hash, entry->hash);
        const AuditVerification v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
    }

    // The hash is exactly the documented one, and details are stored as
    // compact JSON with sorted keys whatever the order they were built in.
    void hashFollowsTheDocumentedFormat()
    {
        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);

        QJsonObject inner;
        inner.insert(QStringLiteral("b"), true);
        inner.insert(QStringLiteral("a"), QStringLiteral("é"));
        QJsonObject details;
        details.insert(QStringLiteral("zeta"), 1);
        details.insert(QStringLiteral("alpha"), inner);
        QJsonObject reordered;
        reordered.insert(
            QStringLiteral("alpha"),
            QJsonObject{{QStringLiteral("a"), QStringLiteral("é")}, {QStringLiteral("b"), true}});
        reordered.insert(QStringLiteral("zeta"), 1);

        QString error;
        const auto first = log.append(QStringLiteral("lead"), QStringLiteral("approve"), kReport,
                                      QStringLiteral("2026-W48"), 5, details, &error);
        QVERIFY2(first, qPrintable(error));
        const auto second = log.append(QStringLiteral("lead"), QStringLiteral("hold"), kReport,
                                       QStringLiteral("2026-W48"), 0, reordered, &error);
        QVERIFY2(second, qPrintable(error));

        RawDb raw(store->path());
        const QString canonical = QStringLiteral(R"({"alpha":{"a":"é","b":true},"zeta":1})");
        QCOMPARE(
            raw.value(QStringLiteral("SELECT details FROM audit_log WHERE seq = 1")).toString(),
            canonical);
        QCOMPARE(
            raw.value(QStringLiteral("SELECT details FROM audit_log WHERE seq = 2")).toString(),
            canonical);

        QCOMPARE(first->hash,
                 documentedHash(1, first->at.toMSecsSinceEpoch(), QStringLiteral("lead"),
                                QStringLiteral("approve"), kReport, QStringLiteral("2026-W48"),
                                qint64(5), canonical, QString(64, QLatin1Char('0'))));
        QCOMPARE(second->hash,
                 documentedHash(2, second->at.toMSecsSinceEpoch(), QStringLiteral("lead"),
                                QStringLiteral("hold"), kReport, QStringLiteral("2026-W48"),
                                QVariant(), canonical, first->hash));
    }

    void hashesChain()
    {
        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        appendFive(log);
        const QList<AuditEntry> entries = log.entries();
        QCOMPARE(entries.size(), 5);
        QSet<QString> hashes;
        QString prev = AuditLog::genesisHash();
        for (int i = 0; i < entries.size(); ++i) {
            const AuditEntry &e = entries.at(i);
            QCOMPARE(e.seq, qint64(i + 1));
            QCOMPARE(e.prevHash, prev);
            QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(e.hash).hasMatch(),
                     qPrintable(e.hash));
            if (i > 0)
                QVERIFY(e.at >= entries.at(i - 1).at);
            hashes.insert(e.hash);
            prev = e.hash;
        }
        QCOMPARE(hashes.size(), 5);
    }

    void verifyIntactLog()
    {
        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        AuditVerification v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entries, qint64(0));

        appendFive(log);
        v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entries, qint64(5));
        QCOMPARE(v.firstBadSeq, qint64(0));

        // A reopened store verifies the same chain.
        const QString path = store->path();
        store.reset();
        store = openStore(path);
        QVERIFY(store);
        v = AuditLog(*store).verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entries, qint64(5));
    }

    void entriesOfOneReportAndPeriod()
    {
        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        const QString other = QStringLiteral("monthly_cash_report");
        QVERIFY(log.append(QStringLiteral("a"), QStringLiteral("approve"), kReport,
                           QStringLiteral("2026-W47"), 1, {}));
        QVERIFY(log.append(QStringLiteral("b"), QStringLiteral("hold"), other,
                           QStringLiteral("2026-11"), 2, {}));
        QVERIFY(log.append(QStringLiteral("c"), QStringLiteral("rerun"), kReport,
                           QStringLiteral("2026-W48"), 3, {}));
        QVERIFY(log.append(QStringLiteral("d"), QStringLiteral("approve"), kReport,
                           QStringLiteral("2026-W48"), 3, {}));

        const auto whos = [](const QList<AuditEntry> &entries) {
            QStringList list;
            for (const AuditEntry &e : entries)
                list.append(e.who);
            return list;
        };
        QCOMPARE(whos(log.entries()), QStringList({"a", "b", "c", "d"}));
        QCOMPARE(whos(log.entries(kReport)), QStringList({"a", "c", "d"}));
        QCOMPARE(whos(log.entries(kReport, QStringLiteral("2026-W48"))), QStringList({"c", "d"}));
        QCOMPARE(whos(log.entries(other)), QStringList({"b"}));
        QCOMPARE(whos(log.entries(QStringLiteral("nope"))), QStringList());
        QVERIFY(log.lastError().isEmpty());
    }

    // Normal SQL cannot change or remove an entry.
    void triggersRefuseEdits_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("update") << QStringLiteral(
            "UPDATE audit_log SET who = 'mallory' WHERE seq = 2");
        QTest::newRow("delete") << QStringLiteral("DELETE FROM audit_log WHERE seq = 2");
        QTest::newRow("delete all") << QStringLiteral("DELETE FROM audit_log");
    }

    void triggersRefuseEdits()
    {
        QFETCH(QString, sql);
        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        appendFive(log);

        QSqlQuery q(QSqlDatabase::database(store->connectionName(), false));
        QVERIFY(!q.exec(sql));
        QVERIFY2(q.lastError().text().contains(QLatin1String("the audit log is append-only")),
                 qPrintable(q.lastError().text()));
        q.finish();

        RawDb raw(store->path());
        QString error;
        QVERIFY(!raw.exec(sql, {}, &error));
        QVERIFY2(error.contains(QLatin1String("the audit log is append-only")), qPrintable(error));

        const AuditVerification v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entries, qint64(5));
        QCOMPARE(log.entries().at(1).who, QStringLiteral("user2"));
    }

    // An attacker with the file drops the triggers and edits the log.
    void tamperingIsDetected_data()
    {
        QTest::addColumn<QStringList>("statements");
        QTest::addColumn<qint64>("forge"); // seq whose hash is then recomputed; 0: none
        QTest::addColumn<qint64>("entries");
        QTest::addColumn<qint64>("firstBadSeq");
        QTest::addColumn<QString>("problem");

        const auto changed = [](int seq) {
            return QStringLiteral("entry %1 was changed after it was written (its hash does not "
                                  "match its contents)")
                .arg(seq);
        };
        QTest::newRow("who of entry 2")
            << QStringList{QStringLiteral("UPDATE audit_log SET who = 'mallory' WHERE seq = 2")}
            << qint64(0) << qint64(5) << qint64(2) << changed(2);
        QTest::newRow("details of entry 3")
            << QStringList{QStringLiteral(
                   R"(UPDATE audit_log SET details = '{"caveat":"none"}' WHERE seq = 3)")}
            << qint64(0) << qint64(5) << qint64(3) << changed(3);
        QTest::newRow("time of entry 4")
            << QStringList{QStringLiteral("UPDATE audit_log SET at = at - 1 WHERE seq = 4")}
            << qint64(0) << qint64(5) << qint64(4) << changed(4);
        QTest::newRow("run of entry 2 removed")
            << QStringList{QStringLiteral("UPDATE audit_log SET run_id = NULL WHERE seq = 2")}
            << qint64(0) << qint64(5) << qint64(2) << changed(2);
        QTest::newRow("run of entry 1 added")
            << QStringList{QStringLiteral("UPDATE audit_log SET run_id = 0 WHERE seq = 1")}
            << qint64(0) << qint64(5) << qint64(1) << changed(1);
        QTest::newRow("prev_hash of entry 5")
            << QStringList{QStringLiteral("UPDATE audit_log SET prev_hash = "
                                          "(SELECT hash FROM audit_log WHERE seq = 3) "
                                          "WHERE seq = 5")}
            << qint64(0) << qint64(5) << qint64(5) << changed(5);
        QTest::newRow("middle entry deleted")
            << QStringList{QStringLiteral("DELETE FROM audit_log WHERE seq = 3")} << qint64(0)
            << qint64(4) << qint64(3)
            << QStringLiteral("entry 3 is missing (seq jumps from 2 to 4)");
        QTest::newRow("two middle entries deleted")
            << QStringList{QStringLiteral("DELETE FROM audit_log WHERE seq IN (2, 3)")} << qint64(0)
            << qint64(3) << qint64(2)
            << QStringLiteral("entries 2 to 3 are missing (seq jumps from 1 to 4)");
        QTest::newRow("first entry deleted")
            << QStringList{QStringLiteral("DELETE FROM audit_log WHERE seq = 1")} << qint64(0)
            << qint64(4) << qint64(1)
            << QStringLiteral("entry 1 is missing (the log starts at entry 2)");
        QTest::newRow("last entry deleted")
            << QStringList{QStringLiteral("DELETE FROM audit_log WHERE seq = 5")} << qint64(0)
            << qint64(4) << qint64(5)
            << QStringLiteral("the last entry was deleted (the log ends at entry 4, but entry 5 "
                              "was written)");
        QTest::newRow("last two entries deleted")
            << QStringList{QStringLiteral("DELETE FROM audit_log WHERE seq >= 4")} << qint64(0)
            << qint64(3) << qint64(4)
            << QStringLiteral("the last 2 entries were deleted (the log ends at entry 3, but "
                              "entry 5 was written)");
        QTest::newRow("every entry deleted")
            << QStringList{QStringLiteral("DELETE FROM audit_log")} << qint64(0) << qint64(0)
            << qint64(1)
            << QStringLiteral("the last 5 entries were deleted (the log is empty, but entry 5 "
                              "was written)");
        QTest::newRow("edited and re-hashed, next entry not fixed")
            << QStringList{QStringLiteral("UPDATE audit_log SET who = 'mallory' WHERE seq = 2")}
            << qint64(2) << qint64(5) << qint64(3)
            << QStringLiteral("entry 3 does not follow entry 2 (prev_hash mismatch)");
        QTest::newRow("first entry re-chained")
            << QStringList{QStringLiteral("UPDATE audit_log SET prev_hash = "
                                          "(SELECT hash FROM audit_log WHERE seq = 2) "
                                          "WHERE seq = 1")}
            << qint64(1) << qint64(5) << qint64(1)
            << QStringLiteral("entry 1 does not start the chain (its prev_hash is not %1)")
                   .arg(QString(64, QLatin1Char('0')));
        QTest::newRow("tail deleted, sequence record lowered too far")
            << QStringList{QStringLiteral("DELETE FROM audit_log WHERE seq = 5"),
                           QStringLiteral(
                               "UPDATE sqlite_sequence SET seq = 3 WHERE name = 'audit_log'")}
            << qint64(0) << qint64(4) << qint64(4)
            << QStringLiteral("SQLite's record of the last entry written was altered (it says 3, "
                              "but the log goes up to entry 4)");
    }

    void tamperingIsDetected()
    {
        QFETCH(QStringList, statements);
        QFETCH(qint64, forge);
        QFETCH(qint64, entries);
        QFETCH(qint64, firstBadSeq);
        QFETCH(QString, problem);

        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        appendFive(log);
        {
            RawDb raw(store->path());
            QString error;
            QVERIFY2(raw.exec(QStringLiteral("DROP TRIGGER audit_no_update"), {}, &error),
                     qPrintable(error));
            QVERIFY2(raw.exec(QStringLiteral("DROP TRIGGER audit_no_delete"), {}, &error),
                     qPrintable(error));
            for (const QString &sql : statements)
                QVERIFY2(raw.exec(sql, {}, &error), qPrintable(sql + QLatin1String(": ") + error));
            if (forge)
                QVERIFY(raw.forge(forge));
        }
        const AuditVerification v = log.verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.problem, problem);
        QCOMPARE(v.firstBadSeq, firstBadSeq);
        QCOMPARE(v.entries, entries);
        QVERIFY(log.lastError().isEmpty());
    }

    // A deleted tail stays visible once the log grows again: the next entry
    // gets the next seq ever issued, so the hole is in the middle now.
    void appendAfterTailDeletionKeepsTheGap()
    {
        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        appendFive(log);
        {
            RawDb raw(store->path());
            QVERIFY(raw.exec(QStringLiteral("DROP TRIGGER audit_no_delete")));
            QVERIFY(raw.exec(QStringLiteral("DELETE FROM audit_log WHERE seq = 5")));
        }
        QString error;
        const auto entry = log.append(QStringLiteral("lead"), QStringLiteral("approve"), kReport,
                                      QStringLiteral("2026-W48"), 0, {}, &error);
        QVERIFY2(entry, qPrintable(error));
        QCOMPARE(entry->seq, qint64(6));
        QCOMPARE(entry->prevHash, log.entries().at(3).hash);
        const AuditVerification v = log.verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.firstBadSeq, qint64(5));
        QCOMPARE(v.problem, QStringLiteral("entry 5 is missing (seq jumps from 4 to 6)"));
    }

    // The documented limits: without an outside anchor, someone who rewrites
    // the chain to its end, or deletes the tail and lowers SQLite's record of
    // it, leaves a log that verifies.
    void limitsOfTheChain_data()
    {
        QTest::addColumn<QStringList>("statements");
        QTest::addColumn<QList<qint64>>("forge");
        QTest::addColumn<qint64>("entries");

        QTest::newRow("tail deleted and sequence record lowered to match")
            << QStringList{QStringLiteral("DELETE FROM audit_log WHERE seq = 5"),
                           QStringLiteral(
                               "UPDATE sqlite_sequence SET seq = 4 WHERE name = 'audit_log'")}
            << QList<qint64>() << qint64(4);
        QTest::newRow("every hash recomputed from the edit to the end")
            << QStringList{QStringLiteral("UPDATE audit_log SET who = 'mallory' WHERE seq = 4")}
            << QList<qint64>{4, -5} << qint64(5);
    }

    void limitsOfTheChain()
    {
        QFETCH(QStringList, statements);
        QFETCH(QList<qint64>, forge);
        QFETCH(qint64, entries);

        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        appendFive(log);
        {
            RawDb raw(store->path());
            QVERIFY(raw.exec(QStringLiteral("DROP TRIGGER audit_no_update")));
            QVERIFY(raw.exec(QStringLiteral("DROP TRIGGER audit_no_delete")));
            for (const QString &sql : statements)
                QVERIFY2(raw.exec(sql), qPrintable(sql));
            // A negative seq: first re-link it to its predecessor, then re-hash it.
            for (qint64 seq : forge) {
                if (seq < 0) {
                    QVERIFY(raw.exec(QStringLiteral("UPDATE audit_log SET prev_hash = (SELECT "
                                                    "hash FROM audit_log WHERE seq = ?) "
                                                    "WHERE seq = ?"),
                                     {-seq - 1, -seq}));
                    seq = -seq;
                }
                QVERIFY(raw.forge(seq));
            }
        }
        const AuditVerification v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entries, entries);
    }

    void unreadableLogIsAnError()
    {
        auto store = openStore(freshPath());
        QVERIFY(store);
        AuditLog log(*store);
        appendFive(log);
        {
            RawDb raw(store->path());
            QVERIFY(raw.exec(QStringLiteral("DROP TABLE audit_log")));
        }
        QString error;
        QVERIFY(!log.append(QStringLiteral("lead"), QStringLiteral("approve"), kReport,
                            QStringLiteral("2026-W48"), 0, {}, &error));
        QVERIFY2(error.startsWith(QLatin1String("cannot append to the audit log: ")),
                 qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("audit_log")), qPrintable(error));
        QCOMPARE(log.lastError(), error);

        QVERIFY(log.entries().isEmpty());
        QVERIFY2(log.lastError().startsWith(QLatin1String("cannot read the audit log: ")),
                 qPrintable(log.lastError()));

        const AuditVerification v = log.verify();
        QVERIFY(!v.ok);
        QVERIFY2(v.problem.startsWith(QLatin1String("cannot read the audit log: ")),
                 qPrintable(v.problem));

        // Nothing failed left a transaction open on the store's connection.
        QSqlQuery q(QSqlDatabase::database(store->connectionName(), false));
        QVERIFY2(q.exec(QStringLiteral("BEGIN")), qPrintable(q.lastError().text()));
        QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
    }

    // Two connections to one file, appending alternately.
    void twoConnectionsAppendAlternately()
    {
        const QString path = freshPath();
        auto first = openStore(path);
        auto second = openStore(path);
        QVERIFY(first && second);
        AuditLog a(*first);
        AuditLog b(*second);
        for (int i = 0; i < 50; ++i) {
            QString error;
            QVERIFY2(a.append(QStringLiteral("a"), QStringLiteral("rerun"), kReport,
                              QStringLiteral("2026-W48"), 0, {{QStringLiteral("i"), i}}, &error),
                     qPrintable(error));
            QVERIFY2(b.append(QStringLiteral("b"), QStringLiteral("rerun"), kReport,
                              QStringLiteral("2026-W48"), 0, {{QStringLiteral("i"), i}}, &error),
                     qPrintable(error));
        }
        for (AuditLog *log : {&a, &b}) {
            const AuditVerification v = log->verify();
            QVERIFY2(v.ok, qPrintable(v.problem));
            QCOMPARE(v.entries, qint64(100));
        }
        const QList<AuditEntry> entries = a.entries();
        QCOMPARE(entries.size(), 100);
        for (int i = 0; i < 100; ++i) {
            QCOMPARE(entries.at(i).seq, qint64(i + 1));
            QCOMPARE(entries.at(i).who, i % 2 == 0 ? QStringLiteral("a") : QStringLiteral("b"));
        }
    }

    // A second process appends to the same file at the same time.
    void twoProcessesAppendTogether()
    {
        const QString path = freshPath();
        auto store = openStore(path);
        QVERIFY(store);
        AuditLog log(*store);
        const int count = 300;

        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        child.start(QCoreApplication::applicationFilePath(),
                    {QStringLiteral("--child-append"), path, QStringLiteral("child"),
                     QString::number(count)});
        QVERIFY(child.waitForStarted());
        for (int i = 0; i < count; ++i) {
            QString error;
            QVERIFY2(log.append(QStringLiteral("parent"), QStringLiteral("rerun"), kReport,
                                QStringLiteral("2026-W48"), 0, {{QStringLiteral("i"), i}}, &error),
                     qPrintable(error));
        }
        QVERIFY(child.waitForFinished(60000));
        QCOMPARE(child.exitStatus(), QProcess::NormalExit);
        QCOMPARE(child.exitCode(), 0);

        const AuditVerification v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.problem));
        QCOMPARE(v.entries, qint64(2 * count));
        int parent = 0;
        int fromChild = 0;
        bool interleaved = false;
        QString previous;
        for (const AuditEntry &e : log.entries()) {
            (e.who == QLatin1String("parent") ? parent : fromChild)++;
            interleaved = interleaved || (!previous.isEmpty() && previous != e.who);
            previous = e.who;
        }
        QCOMPARE(parent, count);
        QCOMPARE(fromChild, count);
        if (!interleaved)
            qInfo("the two processes did not happen to interleave this time");
    }
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() > 1 && args.at(1) == QLatin1String("--child-append"))
        return childAppend(args.mid(2));
    TestAuditLog test;
    QTEST_SET_MAIN_SOURCE_PATH
    return vouch::test::runGuarded(test, argc, argv);
}

#include "tst_auditlog.moc"
