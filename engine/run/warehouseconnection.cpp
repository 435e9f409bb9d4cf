#include "engine/run/warehouseconnection.h"

#include "engine/contract/connectionstring.h"
#include "engine/run/odbccancel.h"
#include "engine/run/warehouseexecutor.h"
#include "engine/util/secrets.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlResult>
#include <QThreadPool>
#include <QUuid>

namespace vouch::engine {

void StatementCanceller::cancel()
{
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
    if (m_how)
        m_how();
}

bool StatementCanceller::cancelled() const
{
    std::lock_guard lock(m_mutex);
    return m_cancelled;
}

void StatementCanceller::arm(std::function<void()> how)
{
    std::lock_guard lock(m_mutex);
    m_how = std::move(how);
}

void StatementCanceller::disarm()
{
    std::lock_guard lock(m_mutex);
    m_how = nullptr;
}

void cancelInBackground(CancellerPtr canceller)
{
    if (canceller)
        QThreadPool::globalInstance()->start([canceller] { canceller->cancel(); });
}

namespace {

QString qtDriver(Connection::Driver driver)
{
    switch (driver) {
    case Connection::Driver::Sqlite:
        return QStringLiteral("QSQLITE");
    case Connection::Driver::Postgres:
        return QStringLiteral("QPSQL");
    case Connection::Driver::Mysql:
        return QStringLiteral("QMYSQL");
    case Connection::Driver::Odbc:
        return QStringLiteral("QODBC");
    }
    Q_UNREACHABLE();
}

QString debianPackage(Connection::Driver driver)
{
    switch (driver) {
    case Connection::Driver::Sqlite:
        return QStringLiteral("libqt6sql6-sqlite");
    case Connection::Driver::Postgres:
        return QStringLiteral("libqt6sql6-psql");
    case Connection::Driver::Mysql:
        return QStringLiteral("libqt6sql6-mysql");
    case Connection::Driver::Odbc:
        return QStringLiteral("libqt6sql6-odbc");
    }
    Q_UNREACHABLE();
}

QString referenceText(const ValueRef &ref)
{
    return ref.kind == ValueRef::Kind::Keychain ? QStringLiteral("keychain:") + ref.text
                                                : QStringLiteral("${%1}").arg(ref.text);
}

// "connection 'warehouse' (contract.yaml:12)": which declaration to fix.
QString connectionWhere(const Connection &connection)
{
    if (connection.file.isEmpty() || connection.pos.line <= 0)
        return QStringLiteral("connection '%1'").arg(connection.name);
    return QStringLiteral("connection '%1' (%2:%3)")
        .arg(connection.name, connection.file)
        .arg(connection.pos.line);
}

bool mentions(const QString &text, const char *what)
{
    return text.contains(QLatin1String(what), Qt::CaseInsensitive);
}

} // namespace

ScopedDatabase::ScopedDatabase(const Connection &connection, const RunContext &context)
    : m_name(QStringLiteral("vouch-run-%1").arg(QUuid::createUuid().toString(QUuid::Id128)))
    , m_connection(connection)
{
    open(connection, context);
}

ScopedDatabase::~ScopedDatabase()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        if (db.isOpen())
            db.close();
    }
    if (QSqlDatabase::contains(m_name))
        QSqlDatabase::removeDatabase(m_name);
}

QSqlDatabase ScopedDatabase::db() const
{
    return QSqlDatabase::database(m_name, false);
}

void ScopedDatabase::open(const Connection &connection, const RunContext &context)
{
    const QString where = connectionWhere(connection);
    const QString driver = qtDriver(connection.driver);
    if (!QSqlDatabase::isDriverAvailable(driver)) {
        m_error = QStringLiteral("%1: Qt's %2 driver is not installed; install the %3 package")
                      .arg(where, driver, debianPackage(connection.driver));
        return;
    }
    const bool sqlite = connection.driver == Connection::Driver::Sqlite;
    const bool odbc = connection.driver == Connection::Driver::Odbc;
    QSqlDatabase db = QSqlDatabase::addDatabase(driver, m_name);
    QString password;
    if (connection.password) {
        // Resolved at use, never kept: keychain:NAME or ${ENV}.
        // ${ENV} from the run's environment first, as everywhere else.
        QString error;
        const ValueRef &ref = *connection.password;
        const auto resolved =
            ref.kind == ValueRef::Kind::Environment && context.env.contains(ref.text)
                ? std::optional<QString>(context.env.value(ref.text))
                : resolveSecret(referenceText(ref), &error);
        if (!resolved) {
            m_error = QStringLiteral("%1: %2").arg(where, error);
            return;
        }
        password = *resolved;
        m_secrets << password;
    }
    const QString user = expandEnvironment(connection.user, context);
    if (odbc) {
        QList<OdbcAttribute> attributes;
        if (!connection.dsn.isEmpty()) {
            attributes.append({QStringLiteral("DSN"), expandEnvironment(connection.dsn, context)});
        } else {
            qsizetype at = 0;
            QString problem;
            attributes = parseOdbcConnectionString(connection.connectionString, &at, &problem)
                             .value_or(QList<OdbcAttribute>());
            for (OdbcAttribute &a : attributes) {
                if (a.value.startsWith(QLatin1String("keychain:"))) {
                    QString error;
                    const auto secret = resolveSecret(a.value, &error);
                    if (!secret) {
                        m_error = QStringLiteral("%1: %2").arg(where, error);
                        return;
                    }
                    a.value = *secret;
                    m_secrets << a.value;
                } else {
                    const QString expanded = expandEnvironment(a.value, context);
                    if (isOdbcSecretKey(a.key) && expanded != a.value)
                        m_secrets << expanded;
                    a.value = expanded;
                }
            }
        }
        if (!user.isEmpty())
            attributes.append({QStringLiteral("UID"), user});
        if (!password.isEmpty())
            attributes.append({QStringLiteral("PWD"), password});
        // Qt's QODBC passes a string naming DRIVER= or SERVER= as it is and
        // puts "DSN=" in front of anything else: a data source goes first,
        // its "DSN=" left for Qt to add.
        QStringList parts;
        for (const OdbcAttribute &a : std::as_const(attributes))
            parts << a.key + QLatin1Char('=') + odbcQuote(a.value);
        QString text = parts.join(QLatin1Char(';'));
        if (!mentions(text, "DRIVER=") && !mentions(text, "SERVER=")) {
            for (qsizetype i = 0; i < attributes.size(); ++i) {
                if (attributes.at(i).key.compare(QLatin1String("DSN"), Qt::CaseInsensitive) != 0)
                    continue;
                parts.removeAt(i);
                parts.prepend(odbcQuote(attributes.at(i).value));
                break;
            }
            text = parts.join(QLatin1Char(';'));
        }
        db.setDatabaseName(text);
    } else {
        db.setDatabaseName(expandEnvironment(connection.database, context));
    }
    if (!sqlite && !odbc) {
        db.setHostName(expandEnvironment(connection.host, context));
        if (connection.port > 0)
            db.setPort(connection.port);
        db.setUserName(user);
        if (connection.password)
            db.setPassword(password);
    }
    QStringList options;
    for (auto it = connection.options.cbegin(); it != connection.options.cend(); ++it)
        options << QStringLiteral("%1=%2").arg(it.key(), expandEnvironment(it.value(), context));
    // Writers on one SQLite file queue up rather than fail at once.
    if (sqlite && !connection.options.contains(QStringLiteral("QSQLITE_BUSY_TIMEOUT")))
        options << QStringLiteral("QSQLITE_BUSY_TIMEOUT=60000");
    db.setConnectOptions(options.join(QLatin1Char(';')));
    if (sqlite && !QFileInfo::exists(db.databaseName())) {
        m_error =
            QStringLiteral("database file %1 of %2 does not exist").arg(db.databaseName(), where);
        return;
    }
    if (!db.open()) {
        m_error = explainOpenError(connection, user, db.lastError());
        return;
    }
    // How to stop this session's statement from another connection.
    if (connection.driver == Connection::Driver::Postgres ||
        connection.driver == Connection::Driver::Mysql) {
        const bool pg = connection.driver == Connection::Driver::Postgres;
        QSqlQuery q(db);
        if (q.exec(pg ? QStringLiteral("SELECT pg_backend_pid()")
                      : QStringLiteral("SELECT CONNECTION_ID()")) &&
            q.next()) {
            const qlonglong id = q.value(0).toLongLong();
            const RunContext ctx = context;
            m_cancel = [connection, ctx, id, pg] {
                ScopedDatabase other(connection, ctx);
                if (!other.error().isEmpty())
                    return;
                QSqlQuery kill(other.db());
                // An id the server gave, not user text; bound where the engine allows it.
                if (pg) {
                    kill.prepare(QStringLiteral("SELECT pg_cancel_backend(?)"));
                    kill.addBindValue(id);
                    kill.exec();
                } else {
                    kill.exec(QStringLiteral("KILL QUERY %1").arg(id));
                }
            };
        }
    }
}

QString ScopedDatabase::explainOpenError(const Connection &connection, const QString &user,
                                         const QSqlError &error) const
{
    const QString where = connectionWhere(connection);
    const QString text = redactSecrets(error.text(), m_secrets).simplified();
    if (connection.driver == Connection::Driver::Odbc) {
        static const QRegularExpression cantOpenLib(QStringLiteral("Can't open lib '([^']*)'"));
        QString driverName;
        if (connection.dsn.isEmpty()) {
            qsizetype at = 0;
            QString problem;
            for (const OdbcAttribute &a :
                 parseOdbcConnectionString(connection.connectionString, &at, &problem)
                     .value_or(QList<OdbcAttribute>())) {
                if (a.key.compare(QLatin1String("Driver"), Qt::CaseInsensitive) == 0)
                    driverName = a.value;
            }
        }
        if (const auto m = cantOpenLib.match(text); m.hasMatch()) {
            return QStringLiteral("%1: the ODBC driver '%2' is not installed: see odbcinst -q -d "
                                  "for the installed drivers (%3)")
                .arg(where, driverName.isEmpty() ? m.captured(1) : driverName, text);
        }
        if (mentions(text, "Data source name not found")) {
            if (!driverName.isEmpty())
                return QStringLiteral("%1: the ODBC driver '%2' is not installed: see odbcinst "
                                      "-q -d for the installed drivers")
                    .arg(where, driverName);
            return QStringLiteral("%1: the ODBC data source '%2' is not defined: see odbcinst -q "
                                  "-s for the data sources (unixODBC reads $ODBCINI, "
                                  "~/.odbc.ini and /etc/odbc.ini)")
                .arg(where, connection.dsn);
        }
    }
    static const QRegularExpression login(
        QStringLiteral("password authentication failed|Access denied for user|Login failed|"
                       "Incorrect username or password|authentication failed"),
        QRegularExpression::CaseInsensitiveOption);
    if (login.match(text).hasMatch()) {
        return QStringLiteral("%1 refused the login%2: check the user and the password (%3); "
                              "the server said: %4")
            .arg(where, user.isEmpty() ? QString() : QStringLiteral(" of user '%1'").arg(user),
                 connection.password ? referenceText(*connection.password)
                                     : QStringLiteral("no password is given"),
                 text);
    }
    if (connection.driver == Connection::Driver::Mysql && mentions(text, "Unknown database"))
        return QStringLiteral("%1: the server has no database '%2'; check 'database' (%3)")
            .arg(where, connection.database, text);
    return QStringLiteral("cannot open %1: %2").arg(where, text);
}

bool ScopedDatabase::exec(QSqlQuery &query, const CancellerPtr &canceller)
{
    void *statement = nullptr;
    if (m_connection.driver == Connection::Driver::Odbc && canceller) {
        // SQLCancel on this statement's handle, from the cancelling thread.
        const QVariant handle = query.result() ? query.result()->handle() : QVariant();
        statement = handle.isValid() ? *static_cast<void *const *>(handle.constData()) : nullptr;
    }
    return cancellable(canceller, statement, [&query] { return query.exec(); });
}

bool ScopedDatabase::execDirect(QSqlQuery &query, const QString &sql, const CancellerPtr &canceller)
{
    Q_ASSERT(m_connection.driver != Connection::Driver::Odbc);
    return cancellable(canceller, nullptr, [&query, &sql] { return query.exec(sql); });
}

bool ScopedDatabase::cancellable(const CancellerPtr &canceller, void *odbcStatement,
                                 const std::function<bool()> &run)
{
    if (!canceller)
        return run();
    if (canceller->cancelled())
        return false;
    if (odbcStatement)
        canceller->arm([odbcStatement] { odbcCancel(odbcStatement); });
    else if (m_cancel)
        canceller->arm(m_cancel);
    const bool ok = run();
    canceller->disarm();
    // MariaDB ends a killed SLEEP() early with a result, not an error.
    m_cancelled = canceller->cancelled();
    return ok && !m_cancelled;
}

QString ScopedDatabase::describe(const QSqlError &error) const
{
    if (m_cancelled)
        return QStringLiteral("the statement was cancelled on the server");
    const QString text = redactSecrets(error.text(), m_secrets);
    static const QRegularExpression lost(
        QStringLiteral("Lost connection|server has gone away|server closed the connection|"
                       "terminating connection|Communication link failure|no connection to the "
                       "server|connection (was )?(reset|refused)|08S01"),
        QRegularExpression::CaseInsensitiveOption);
    const QString first = text.section(QLatin1Char('\n'), 0, 0).trimmed();
    if (lost.match(text).hasMatch())
        return QStringLiteral("the connection to '%1' was lost: %2").arg(m_connection.name, first);
    return first;
}

} // namespace vouch::engine
