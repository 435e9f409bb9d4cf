// `vouch` asks glibc for a huge-page heap by re-executing itself once with
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (engine/util/hugepages.h), where the
// kernel's transparent huge pages are `madvise`. What a user would notice if
// it went wrong: a command that a run starts finding a C library tunable it
// never set, a tunable of their own lost, or VOUCH_HUGEPAGES=0 ignored.
//
// Seen from a real run: a command node (through /bin/sh) copies the
// environment `vouch` was started with (/proc/$PPID/environ: the block of
// its last execve, which setenv does not change) and its own environment.
// Real processes throughout; where the kernel or C library rules the re-exec
// out, the tests check that nothing was changed instead.

#include "tests/support/contracts.h"
#include "tests/support/vouchprocess.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

#include <gnu/libc-version.h>

namespace {

// What the kernel and C library here allow: the re-execution happens only
// where both hold.
bool hugePagesApply()
{
    QFile f(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"));
    if (!f.open(QIODevice::ReadOnly) || !f.readAll().contains("[madvise]"))
        return false;
    const QList<QByteArray> version = QByteArray(gnu_get_libc_version()).split('.');
    return version.size() >= 2 &&
           (version[0].toInt() > 2 || (version[0].toInt() == 2 && version[1].toInt() >= 35));
}

struct Environments
{
    QMap<QString, QString> vouch;   // what vouch was (last) executed with
    QMap<QString, QString> command; // what the command it ran was given
};

QMap<QString, QString> readEnvironment(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QMap<QString, QString> vars;
    for (const QByteArray &entry : f.readAll().split('\0')) {
        const qsizetype eq = entry.indexOf('=');
        if (eq > 0)
            vars.insert(QString::fromLocal8Bit(entry.left(eq)),
                        QString::fromLocal8Bit(entry.mid(eq + 1)));
    }
    return vars;
}

// Runs a one-node contract under `env` and returns both environments.
Environments runWith(const QTemporaryDir &dir, const QProcessEnvironment &env)
{
    const QString parentFile = dir.filePath(QStringLiteral("vouch.env"));
    const QString childFile = dir.filePath(QStringLiteral("command.env"));
    QFile::remove(parentFile);
    QFile::remove(childFile);
    const QByteArray contract = QByteArray(VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: revenue, name: Revenue, needs: [look], on_failure: block}
nodes:
  - id: look
    kind: command
    run: "cat /proc/$PPID/environ > ')") +
                                parentFile.toLocal8Bit() + "' && env -0 > '" +
                                childFile.toLocal8Bit() + "'\"\n";
    const QString path = dir.filePath(QStringLiteral("contract.yaml"));
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(contract) < 0)
        return {};
    out.close();
    vouch::test::VouchOptions options;
    options.env = env;
    const vouch::test::VouchResult r =
        vouch::test::runVouch({QStringLiteral("run"), path, QStringLiteral("--state"),
                               dir.filePath(QStringLiteral("state.db")), QStringLiteral("--now"),
                               QStringLiteral("2026-11-30T06:00:00Z")},
                              options);
    if (r.exitCode != 0)
        qWarning("vouch run exited %d:\n%s%s", r.exitCode, qPrintable(r.out), qPrintable(r.err));
    return {readEnvironment(parentFile), readEnvironment(childFile)};
}

QProcessEnvironment baseEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("GLIBC_TUNABLES"));
    env.remove(QStringLiteral("VOUCH_HUGEPAGES"));
    return env;
}

const QString kTunables = QStringLiteral("GLIBC_TUNABLES");
const QString kMarker = QStringLiteral("VOUCH_HUGEPAGES_REEXEC");

} // namespace

class TestHugePages : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }

    // No tunable set: vouch runs with the huge-page heap; its commands get
    // the environment exactly as the user gave it.
    void heapAskedForCommandsUntouched()
    {
        const Environments e = runWith(m_dir, baseEnvironment());
        QVERIFY2(!e.command.isEmpty(), "the command node did not run");
        if (hugePagesApply()) {
            QCOMPARE(e.vouch.value(kTunables), QStringLiteral("glibc.malloc.hugetlb=1"));
            QCOMPARE(e.vouch.value(kMarker), QStringLiteral("-")); // it was unset
        } else {
            QVERIFY(!e.vouch.contains(kTunables));
        }
        QVERIFY(!e.command.contains(kTunables));
        QVERIFY(!e.command.contains(kMarker));
    }

    // A tunable of the user's own is kept: added to for vouch, given back
    // unchanged to the commands.
    void usersTunableKept()
    {
        QProcessEnvironment env = baseEnvironment();
        env.insert(kTunables, QStringLiteral("glibc.malloc.perturb=0"));
        const Environments e = runWith(m_dir, env);
        QVERIFY2(!e.command.isEmpty(), "the command node did not run");
        // (The dynamic loader cuts the block's copy of a tunable list at its
        // first ':' as it parses it, so the marker, which holds the user's
        // value, is what shows that vouch was re-executed.)
        if (hugePagesApply())
            QCOMPARE(e.vouch.value(kMarker), QStringLiteral("=glibc.malloc.perturb=0"));
        QCOMPARE(e.command.value(kTunables), QStringLiteral("glibc.malloc.perturb=0"));
        QVERIFY(!e.command.contains(kMarker));
    }

    // The user's own hugetlb setting (here: off) wins, and nothing is re-run.
    void usersHugeTlbWins()
    {
        QProcessEnvironment env = baseEnvironment();
        env.insert(kTunables, QStringLiteral("glibc.malloc.hugetlb=0"));
        const Environments e = runWith(m_dir, env);
        QVERIFY2(!e.command.isEmpty(), "the command node did not run");
        QCOMPARE(e.vouch.value(kTunables), QStringLiteral("glibc.malloc.hugetlb=0"));
        QVERIFY(!e.vouch.contains(kMarker));
        QCOMPARE(e.command.value(kTunables), QStringLiteral("glibc.malloc.hugetlb=0"));
    }

    void optOut()
    {
        QProcessEnvironment env = baseEnvironment();
        env.insert(QStringLiteral("VOUCH_HUGEPAGES"), QStringLiteral("0"));
        const Environments e = runWith(m_dir, env);
        QVERIFY2(!e.command.isEmpty(), "the command node did not run");
        QVERIFY(!e.vouch.contains(kTunables));
        QVERIFY(!e.vouch.contains(kMarker));
        QVERIFY(!e.command.contains(kTunables));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestHugePages)
#include "tst_hugepages.moc"
