#include "engine/store/teamroles.h"

#include "engine/store/statestore.h"
#include "engine/store/storesql.h"

#include <QSqlDriver>

namespace vouch::engine {

namespace {

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

} // namespace

QStringList teamRoles()
{
    return {QStringLiteral("viewer"), QStringLiteral("operator"), QStringLiteral("approver"),
            QStringLiteral("runner")};
}

TeamSetup setUpTeamRoles(StateStore &store, const QList<TeamMember> &members)
{
    QSqlDatabase db = QSqlDatabase::database(store.connectionName(), false);
    const auto failed = [&](const QString &what, const QSqlError &e) {
        db.rollback();
        TeamSetup result;
        result.refused = e.nativeErrorCode() == QLatin1String("42501");
        result.error = what + QStringLiteral(": ") + e.text().trimmed();
        return result;
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
    for (const QString &role : teamRoles()) {
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
    for (const TeamMember &member : members) {
        if (const QSqlError e = ensureRole(member.user, true); e.isValid())
            return failed(QStringLiteral("cannot create the user %1").arg(member.user), e);
        if (!q.exec(QStringLiteral("GRANT vouch_%1 TO %2")
                        .arg(member.role,
                             db.driver()->escapeIdentifier(member.user, QSqlDriver::TableName))))
            return failed(QStringLiteral("cannot make %1 a %2").arg(member.user, member.role),
                          q.lastError());
    }
    if (!db.commit())
        return failed(QStringLiteral("cannot commit"), db.lastError());
    TeamSetup result;
    result.ok = true;
    return result;
}

} // namespace vouch::engine
