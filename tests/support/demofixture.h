#pragma once

// The fixture of the publication and audit-anchor tests: the Brightside demo
// (scenario sku-cost-gap, Monday 2026-11-30 06:00 UTC) initialised in a
// temporary directory, its contract copied there with this machine's login
// among the approvers, and `vouch` run against it with that clock, that data
// directory and an environment that claims to be an approver (it cannot make
// anyone one).

#include "support/clock.h"
#include "support/demorun.h"
#include "support/vouchprocess.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <pwd.h>
#include <unistd.h>

namespace vouch::test {

// This machine's login: the identity `vouch approve` acts as.
inline QString login()
{
    const passwd *pw = getpwuid(getuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QString();
}

class DemoFixture
{
public:
    static QString now() { return QStringLiteral("2026-11-30T06:00:00Z"); }

    DemoFixture()
    {
        run(QStringList{QStringLiteral("demo"), QStringLiteral("init"), dir.path(),
                        QStringLiteral("--scenario"), QStringLiteral("sku-cost-gap")} +
            nowArgs(now()));
        // The demo contract, with this machine's login among the approvers.
        copyDemoContract(dir.path());
        QFile f(contract());
        f.open(QIODevice::ReadWrite);
        QByteArray text = f.readAll();
        text.replace("approvers: [analytics-lead]",
                     "approvers: [analytics-lead, " + login().toUtf8() + "]");
        f.resize(0);
        f.write(text);
    }

    QString contract() const { return dir.filePath(QStringLiteral("contract/contract.yaml")); }
    QString state() const { return dir.filePath(QStringLiteral("state.db")); }

    QProcessEnvironment env() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("VOUCH_DATA"), dir.path());
        pinNow(env, now());
        // The environment cannot make someone an approver.
        env.insert(QStringLiteral("VOUCH_USER"), QStringLiteral("analytics-lead"));
        return env;
    }

    VouchResult run(const QStringList &args) const
    {
        VouchOptions options;
        options.env = env();
        return runVouch(args, options);
    }

    QJsonObject status() const
    {
        const VouchResult r = run({QStringLiteral("status"), QStringLiteral("--json"),
                                   QStringLiteral("--state"), state()});
        return QJsonDocument::fromJson(r.out.toUtf8()).object();
    }

    QTemporaryDir dir;
};

} // namespace vouch::test
