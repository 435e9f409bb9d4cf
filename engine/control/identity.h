#pragma once

// Who is acting: the one answer to "whose name goes on the record" for the
// app, the command line and `vouch serve`.

#include <QString>

namespace vouch::engine {

class StateStore;

enum class Acting
{
    // A publication decision, a request or an acknowledgement: a permission
    // is checked against it, so the environment cannot change it.
    Decision,
    // The person an attempt is recorded for: $VOUCH_USER may name them (a
    // label on the record, not a permission), else the OS login.
    Attempt,
};

// Who is acting. On a team store (PostgreSQL) it is the database user the
// store connects as, which the server itself checks; otherwise (no store, or
// SQLite) the OS login, as described for `what`.
QString whoIsActing(Acting what, const StateStore *store = nullptr);

// The same before a store is open: for a postgres:// URL the user it names
// (else $PGUSER, else the OS login); otherwise as whoIsActing(what).
QString whoIsActing(Acting what, const QString &statePath);

// The OS login of this process (never the environment); "uid-N" when the
// user database has no name for it.
QString osLogin();

} // namespace vouch::engine
