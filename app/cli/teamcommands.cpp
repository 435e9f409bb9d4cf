// `vouch team init`: the roles of a team store and the grants that the
// database itself enforces (engine/store/teamroles.h says which).

#include "app/cli/teamcommands.h"

#include "app/cli/common.h"
#include "engine/store/statestore.h"
#include "engine/store/teamroles.h"

#include <QRegularExpression>
#include <QTextStream>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

const QStringList kRoles = teamRoles();

bool validRoleName(const QString &name)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z_][a-z0-9_.-]{0,62}$"));
    return pattern.match(name).hasMatch();
}

} // namespace

int teamCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const auto usage = [&](const QString &problem) {
        err << "vouch team: " << problem
            << "\nusage: vouch team init --state postgres://ADMIN@HOST:PORT/DB [--viewer USER]... "
               "[--operator USER]... [--approver USER]... [--runner USER]...\n";
        return BadInput;
    };
    if (args.value(0) != QLatin1String("init"))
        return usage(QStringLiteral("the only team command is init"));
    const Args a =
        parseArgs(args.mid(1), QStringList{QStringLiteral("state")} + kRoles, QStringList());
    if (!a.error.isEmpty() || !a.positional.isEmpty())
        return usage(a.error.isEmpty()
                         ? QStringLiteral("unexpected argument ") + a.positional.first()
                         : a.error);
    const QString statePath = a.options.value(QStringLiteral("state"), defaultStatePath());
    if (!StateStore::isServerUrl(statePath))
        return usage(QStringLiteral("team mode needs a PostgreSQL store: --state "
                                    "postgres://USER@HOST:PORT/DB"));
    for (const QString &role : kRoles) {
        for (const QString &user : a.lists.value(role)) {
            if (!validRoleName(user))
                return usage(QStringLiteral("'%1' is not a database user name Vouch accepts "
                                            "(lower-case letters, digits, _ . -)")
                                 .arg(user));
            // The group roles are vouch_viewer … vouch_runner; a login user
            // of the same name would be made a member of itself.
            if (user.startsWith(QLatin1String("vouch_")) &&
                kRoles.contains(user.mid(int(qstrlen("vouch_")))))
                return usage(QStringLiteral("'%1' is the name of one of Vouch's group roles; give "
                                            "the login user another name (e.g. --%2 report%2)")
                                 .arg(user, role));
        }
    }
    // Opening migrates: the tables exist before they are granted.
    QString error;
    auto store = StateStore::open(statePath, &error);
    if (!store) {
        err << "vouch team init: " << error << '\n';
        return BadInput;
    }
    QList<TeamMember> members;
    for (const QString &role : kRoles) {
        for (const QString &user : a.lists.value(role))
            members.append({user, role});
    }
    const TeamSetup setup = setUpTeamRoles(*store, members);
    if (!setup.ok) {
        err << "vouch team init: " << setup.error << '\n';
        return setup.refused ? NotAllowed : BadInput;
    }
    for (const TeamMember &member : members)
        out << "  " << member.user << ": " << member.role << '\n';
    const qsizetype users = members.size();
    out << "team store " << store->path() << " ready: roles vouch_viewer, vouch_operator, "
        << "vouch_approver, vouch_runner";
    if (users > 0)
        out << "; " << users << " user(s) granted (set their passwords with ALTER ROLE ... "
            << "PASSWORD, or use your server's authentication)";
    out << '\n';
    return Ok;
}

} // namespace vouch::cli
