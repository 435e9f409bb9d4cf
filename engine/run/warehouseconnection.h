#pragma once

// Opening a warehouse connection (SQLite, PostgreSQL, MySQL/MariaDB, ODBC)
// for one node on the calling thread, with errors a person can act on, and
// cancelling its running statement on the server from another thread.

#include "engine/contract/contract.h"

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <mutex>

class QSqlDatabase;
class QSqlError;
class QSqlQuery;

namespace vouch::engine {

struct RunContext;

// A handle another thread uses to stop what a node's connection is running
// on the server: PostgreSQL pg_cancel_backend, MySQL KILL QUERY, ODBC
// SQLCancel. The worker arms it while a statement runs; cancel() (from any
// thread) stops that statement and any later one of the node. Thread-safe.
class StatementCanceller
{
public:
    void cancel();
    bool cancelled() const;

    // Worker side: `how` stops the statement now running; cleared by disarm().
    void arm(std::function<void()> how);
    void disarm();

private:
    mutable std::mutex m_mutex;
    std::function<void()> m_how;
    bool m_cancelled = false;
};
using CancellerPtr = std::shared_ptr<StatementCanceller>;

// cancel() on a thread of Qt's global pool: stopping a statement opens a
// connection of its own, which the scheduler's thread must not wait for.
void cancelInBackground(CancellerPtr canceller);

// One QSqlDatabase connection for one node, removed when the node ends.
class ScopedDatabase
{
public:
    ScopedDatabase(const Connection &connection, const RunContext &context);
    ~ScopedDatabase();
    ScopedDatabase(const ScopedDatabase &) = delete;
    ScopedDatabase &operator=(const ScopedDatabase &) = delete;

    QSqlDatabase db() const;
    QString error() const { return m_error; } // what to do; never a secret

    // Runs `query` (prepared and bound) so that `canceller` can stop it on
    // the server.
    bool exec(QSqlQuery &query, const CancellerPtr &canceller);
    // Runs `sql` unprepared (PostgreSQL and MySQL, whose cancel needs no
    // statement handle), so that `canceller` can stop it on the server.
    bool execDirect(QSqlQuery &query, const QString &sql, const CancellerPtr &canceller);

    // The engine's error text for people: first line, secrets redacted, and
    // a lost connection said as such.
    QString describe(const QSqlError &error) const;

private:
    void open(const Connection &connection, const RunContext &context);
    // Runs `run` with `canceller` armed: SQLCancel on `odbcStatement` when
    // given, else the server-side cancel of this session.
    bool cancellable(const CancellerPtr &canceller, void *odbcStatement,
                     const std::function<bool()> &run);
    QString explainOpenError(const Connection &connection, const QString &user,
                             const QSqlError &error) const;

    QString m_name;
    QString m_error;
    Connection m_connection;
    QStringList m_secrets;          // resolved, to redact from error texts
    std::function<void()> m_cancel; // how to stop this session's statement
    bool m_cancelled = false;       // the last statement was cancelled
};

} // namespace vouch::engine
