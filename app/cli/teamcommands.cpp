// `vouch team init`: the roles of a team store and the grants that the
// database itself enforces, so that a modified client gets no further than
// its role allows.
//
//   vouch_viewer    reads everything (status, --follow, history, audit)
//   vouch_operator  + requests reruns and cancels (requests, audit_log)
//   vouch_approver  + records publication decisions (decisions, audit_log)
//   vouch_runner    + executes runs (every table; `vouch serve`, or a
//                     workstation that executes when no runner serves)
//
// Identity is the database user; the store's triggers also refuse a request
// or a decision written in another user's name.

#include "app/cli/teamcommands.h"

#include "app/cli/common.h"
#include "engine/store/statestore.h"

#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTextStream>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

const QStringList kRoles = {QStringLiteral("viewer"), QStringLiteral("operator"),
                            QStringLiteral("approver"), QStringLiteral("runner")};

// The grants, with %1 the quoted schema where one names it. Fixed text: only
// role and schema names vary, and those are checked and quoted as identifiers
// (PostgreSQL cannot bind an identifier).
const char *const kGrants[] = {
    "REVOKE ALL ON ALL TABLES IN SCHEMA %1 FROM PUBLIC",
    "GRANT vouch_viewer TO vouch_operator, vouch_approver, vouch_runner",
    "GRANT USAGE ON SCHEMA %1 TO vouch_viewer",
    "GRANT SELECT ON ALL TABLES IN SCHEMA %1 TO vouch_viewer",
    "GRANT INSERT ON requests TO vouch_operator",
    "GRANT USAGE ON SEQUENCE requests_id_seq TO vouch_operator",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %1 TO vouch_runner",
    // The audit log is written only through vouch_audit_append() (schema 8),
    // which takes `who` from the session and computes the chain itself.
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log, audit_sequence FROM vouch_operator, "
    "vouch_approver, vouch_runner",
    "GRANT EXECUTE ON FUNCTION vouch_audit_append(text, text, text, bigint, text) TO "
    "vouch_operator, vouch_approver, vouch_runner",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %1 TO vouch_runner",
    "GRANT CREATE ON SCHEMA %1 TO vouch_runner",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA %1 GRANT SELECT ON TABLES TO vouch_viewer",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA %1 GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "
    "vouch_runner",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA %1 GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "
    "vouch_runner",
};

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
    QSqlDatabase db = QSqlDatabase::database(store->connectionName(), false);
    const auto failed = [&](const QString &what, const QSqlError &e) {
        err << "vouch team init: " << what << ": " << e.text().trimmed() << '\n';
        db.rollback();
        return e.nativeErrorCode() == QLatin1String("42501") ? NotAllowed : BadInput;
    };
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT current_schema()")) || !q.next())
        return failed(QStringLiteral("cannot read the schema"), q.lastError());
    const QString schema =
        db.driver()->escapeIdentifier(q.value(0).toString(), QSqlDriver::TableName);
    q.finish();
    if (!db.transaction())
        return failed(QStringLiteral("cannot start a transaction"), db.lastError());
    // Role names are cluster-wide; a second init (or another database's) finds them.
    const auto ensureRole = [&](const QString &name, bool login) {
        QSqlQuery exists(db);
        exists.prepare(QStringLiteral("SELECT 1 FROM pg_roles WHERE rolname = ?"));
        exists.addBindValue(name);
        if (!exists.exec())
            return exists.lastError();
        if (exists.next())
            return QSqlError();
        exists.finish();
        QSqlQuery create(db);
        if (!create.exec(QStringLiteral("CREATE ROLE %1 %2")
                             .arg(db.driver()->escapeIdentifier(name, QSqlDriver::TableName),
                                  login ? QStringLiteral("LOGIN") : QStringLiteral("NOLOGIN"))))
            return create.lastError();
        return QSqlError();
    };
    for (const QString &role : kRoles) {
        if (const QSqlError e = ensureRole(QStringLiteral("vouch_") + role, false); e.isValid())
            return failed(QStringLiteral("cannot create the role vouch_%1").arg(role), e);
    }
    for (const char *grant : kGrants) {
        // Only the grants that name the schema take it: QString::arg on text
        // without a placeholder warns (once per grant, on every init).
        QString sql = QString::fromLatin1(grant);
        if (sql.contains(QLatin1String("%1")))
            sql = sql.arg(schema);
        if (!q.exec(sql))
            return failed(QStringLiteral("cannot grant (%1)").arg(sql), q.lastError());
    }
    int users = 0;
    for (const QString &role : kRoles) {
        for (const QString &user : a.lists.value(role)) {
            if (const QSqlError e = ensureRole(user, true); e.isValid())
                return failed(QStringLiteral("cannot create the user %1").arg(user), e);
            if (!q.exec(QStringLiteral("GRANT vouch_%1 TO %2")
                            .arg(role, db.driver()->escapeIdentifier(user, QSqlDriver::TableName))))
                return failed(QStringLiteral("cannot make %1 a %2").arg(user, role), q.lastError());
            out << "  " << user << ": " << role << '\n';
            ++users;
        }
    }
    if (!db.commit())
        return failed(QStringLiteral("cannot commit"), db.lastError());
    out << "team store " << store->path() << " ready: roles vouch_viewer, vouch_operator, "
        << "vouch_approver, vouch_runner";
    if (users > 0)
        out << "; " << users << " user(s) granted (set their passwords with ALTER ROLE ... "
            << "PASSWORD, or use your server's authentication)";
    out << '\n';
    return Ok;
}

} // namespace vouch::cli
