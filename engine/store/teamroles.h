#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace vouch::engine {

class StateStore;

// The roles of a team store on PostgreSQL and the grants that the database
// itself enforces (`vouch team init`), so that a modified client gets no
// further than its role allows:
//
//   vouch_viewer    reads everything (status, --follow, history, audit)
//   vouch_operator  + requests reruns and cancels (requests, audit_log)
//   vouch_approver  + records publication decisions (decisions, audit_log)
//   vouch_runner    + executes runs (every table; `vouch serve`, or a
//                     workstation that executes when no runner serves)
//
// Identity is the database user; the store's triggers also refuse a request
// or a decision written in another user's name.

// viewer, operator, approver, runner: the group role of each is vouch_<role>.
QStringList teamRoles();

struct TeamMember
{
    QString user; // a database login, created when missing
    QString role; // one of teamRoles()
};

struct TeamSetup
{
    bool ok = false;
    bool refused = false; // the database refused this user (42501), not a fault
    QString error;        // what failed and the server's words
};

// Creates the group roles (when missing), grants them the store's tables and
// makes each member a member of its role, in one transaction. The store is
// open (so migrated) on PostgreSQL, by an administrator.
TeamSetup setUpTeamRoles(StateStore &store, const QList<TeamMember> &members);

} // namespace vouch::engine
