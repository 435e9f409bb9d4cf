// Opening a state store: the SQLite file (read-write or read-only), the
// PostgreSQL server, the schema version and the migrations.

#include "engine/store/statesettings.h"
#include "engine/store/storeprivate.h"
#include "engine/util/clock.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

#include <unistd.h>

namespace vouch::engine {

using namespace storedetail;

namespace {

// Any constant: the advisory lock that serialises migrations on a server.
constexpr qint64 kMigrationLock = 0x766f756368; // "vouch"

// SQLite would only notice a foreign file at the first query; checking the
// header first also guarantees we never write to it. Empty when it is fine
// (or empty, or missing: a new store).
QString checkSqliteHeader(const QString &file)
{
    const QFileInfo info(file);
    if (!info.exists() || info.size() == 0)
        return {};
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("cannot read state store %1: %2").arg(file, f.errorString());
    if (f.read(16) != QByteArray("SQLite format 3\0", 16))
        return QStringLiteral("%1 is not a Vouch state store (not an SQLite database)").arg(file);
    return {};
}

bool writableByMe(const QString &path)
{
    return ::access(QFile::encodeName(path).constData(), W_OK) == 0;
}

} // namespace

int StateStore::Private::schemaVersion()
{
    QSqlQuery q = query();
    // pg_tables lists every table, whatever this user may read.
    const QString tables =
        pg ? QStringLiteral("SELECT count(*), count(*) FILTER (WHERE tablename = 'schema_version') "
                            "FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")
           : QStringLiteral("SELECT count(*), coalesce(sum(name = 'schema_version'), 0) FROM "
                            "sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'");
    if (!q.exec(tables) || !q.next()) {
        const QSqlError error = q.lastError();
        if (!pg && error.nativeErrorCode() == QLatin1String("26")) // SQLITE_NOTADB
            lastError =
                QStringLiteral("%1 is not a Vouch state store (not an SQLite database)").arg(path);
        else
            fail(QStringLiteral("cannot read the schema"), error);
        return -1;
    }
    const int count = q.value(0).toInt();
    const bool versioned = q.value(1).toInt() > 0;
    q.finish();
    if (!versioned) {
        if (count == 0)
            return 0;
        lastError = (pg ? QStringLiteral("%1 is not a Vouch state store (a database with tables "
                                         "but without a schema_version table)")
                        : QStringLiteral("%1 is not a Vouch state store (an SQLite database "
                                         "without a schema_version table)"))
                        .arg(path);
        return -1;
    }
    if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_version")) ||
        !q.next()) {
        fail(QStringLiteral("cannot read the schema version"), q.lastError());
        return -1;
    }
    return q.value(0).toInt();
}

int StateStore::Private::checkedSchemaVersion()
{
    const int version = schemaVersion();
    if (version <= kSchemaVersion)
        return version;
    // A store from a newer Vouch is left as it is, with what to do.
    lastError = QStringLiteral("state store %1 was written by a newer Vouch (schema %2; this Vouch "
                               "reads up to %3); upgrade Vouch%4")
                    .arg(path)
                    .arg(version)
                    .arg(kSchemaVersion)
                    .arg(pg ? QString() : QStringLiteral(" or use another --state file"));
    return -1;
}

bool StateStore::Private::migrate(int from)
{
    for (int version = from + 1; version <= kSchemaVersion; ++version) {
        const QString what = QStringLiteral("cannot migrate to schema %1").arg(version);
        if (!begin(what))
            return false;
        // PostgreSQL takes no lock for reading the version: the advisory
        // lock makes a second process wait here until the first commits.
        if (pg) {
            QSqlQuery lock = query();
            if (!exec(lock, QStringLiteral("SELECT pg_advisory_xact_lock(?)"), {kMigrationLock},
                      what)) {
                lock.finish();
                rollback();
                return false;
            }
        }
        // Another process may have migrated while we waited for the lock.
        const int current = schemaVersion();
        if (current < 0) {
            rollback();
            return false;
        }
        if (current >= version) {
            if (!commit(what))
                return false;
            continue;
        }
        for (const char *statement : *(pg ? pgMigrations() : sqliteMigrations())[version - 1]) {
            if (!statement)
                break;
            if (!exec(QString::fromUtf8(statement), what)) {
                rollback();
                return false;
            }
        }
        QSqlQuery q = query();
        if (!exec(q,
                  QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"),
                  {version, nowMs()}, what)) {
            rollback();
            return false;
        }
        if (!commit(what))
            return false;
    }
    return true;
}

std::optional<StateStore::ServerAddress> StateStore::parseServerUrl(const QString &url,
                                                                    QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!isServerUrl(url))
        return refuse(QStringLiteral("not a postgres:// URL"));
    const QUrl u(url, QUrl::StrictMode);
    // Never echo the URL itself: it may carry a password.
    if (!u.isValid() || u.host().isEmpty())
        return refuse(QStringLiteral("the state URL is not valid; write it as "
                                     "postgres://USER@HOST:PORT/DATABASE"));
    ServerAddress a;
    a.user = u.userName(QUrl::FullyDecoded);
    a.password = u.password(QUrl::FullyDecoded);
    a.host = u.host();
    a.port = u.port(5432);
    a.database = u.path(QUrl::FullyDecoded).mid(1);
    if (a.database.isEmpty() || a.database.contains(QLatin1Char('/')))
        return refuse(QStringLiteral("the state URL names no database; write it as "
                                     "postgres://USER@HOST:PORT/DATABASE"));
    const QUrlQuery query(u);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (key == QLatin1String("sslmode"))
            a.sslMode = value;
        else
            return refuse(QStringLiteral("the state URL has an unknown option '%1' (known: "
                                         "sslmode)")
                              .arg(key));
    }
    return a;
}

bool StateStore::isServerUrl(const QString &path)
{
    return path.startsWith(QLatin1String("postgres://")) ||
           path.startsWith(QLatin1String("postgresql://"));
}

QString StateStore::ServerAddress::display() const
{
    return QStringLiteral("postgres://%1%2:%3/%4")
        .arg(user.isEmpty() ? QString() : user + QLatin1Char('@'), host)
        .arg(port)
        .arg(database);
}

std::unique_ptr<StateStore> StateStore::openServer(const ServerAddress &address, QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return nullptr;
    };
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return refuse(QStringLiteral("cannot use %1: Qt's PostgreSQL driver (QPSQL) is not "
                                     "installed (Debian: libqt6sql6-psql)")
                          .arg(address.display()));
    std::unique_ptr<StateStore> store(new StateStore);
    Private &p = *store->d;
    p.pg = true;
    p.path = address.display();
    p.connectionName =
        QStringLiteral("vouch-state-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    p.db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), p.connectionName);
    p.db.setHostName(address.host);
    p.db.setPort(address.port);
    p.db.setDatabaseName(address.database);
    if (!address.user.isEmpty())
        p.db.setUserName(address.user);
    if (!address.password.isEmpty())
        p.db.setPassword(address.password);
    QStringList options{QStringLiteral("connect_timeout=10"),
                        QStringLiteral("application_name=vouch")};
    if (!address.sslMode.isEmpty())
        options.append(QStringLiteral("sslmode=") + address.sslMode);
    p.db.setConnectOptions(options.join(QLatin1Char(';')));
    if (!p.db.open()) {
        // libpq's message names host, port and user, never the password.
        const QString why = p.db.lastError().text();
        return refuse(
            QStringLiteral("cannot connect to the state store %1: %2").arg(p.path, why.trimmed()));
    }
    {
        QSqlQuery q = p.query();
        if (!q.exec(
                QStringLiteral("SELECT session_user::text, current_setting('server_version_num')"
                               "::integer")) ||
            !q.next())
            return refuse(p.describe(QStringLiteral("cannot read the session"), q.lastError()));
        p.user = q.value(0).toString();
        if (q.value(1).toInt() < 110000)
            return refuse(QStringLiteral("state store %1: PostgreSQL %2 is too old; Vouch needs "
                                         "11 or newer")
                              .arg(p.path, q.value(1).toString()));
    }
    if (!p.exec(QStringLiteral("SET client_min_messages = warning"),
                QStringLiteral("cannot configure")))
        return refuse(p.lastError);
    const int version = p.checkedSchemaVersion();
    if (version < 0)
        return refuse(p.lastError);
    if (version < kSchemaVersion && !p.migrate(version))
        return refuse(p.lastError);
    return store;
}

std::unique_ptr<StateStore> StateStore::open(const QString &path, QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return nullptr;
    };
    if (isServerUrl(path)) {
        auto address = parseServerUrl(path, error);
        if (!address)
            return nullptr;
        if (address->password.isEmpty()) {
            // The URL carries no password: the store settings' one, if any
            // (keychain:NAME or ${ENV}); else libpq's PGPASSWORD or ~/.pgpass.
            const auto password = statePassword(error);
            if (!password)
                return nullptr;
            address->password = *password;
        }
        return openServer(*address, error);
    }

    const QFileInfo info(path);
    const QString file = info.absoluteFilePath();
    if (info.isDir())
        return refuse(QStringLiteral("state store %1 is a directory, not a file").arg(file));
    if (!QDir().mkpath(info.absolutePath()))
        return refuse(QStringLiteral("cannot create the directory %1 for the state store %2")
                          .arg(info.absolutePath(), file));
    if (const QString problem = checkSqliteHeader(file); !problem.isEmpty())
        return refuse(problem);

    std::unique_ptr<StateStore> store(new StateStore);
    Private &p = *store->d;
    p.path = file;
    p.connectionName =
        QStringLiteral("vouch-state-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    p.db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), p.connectionName);
    p.db.setDatabaseName(file);
    p.db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!p.db.open())
        return refuse(p.describe(QStringLiteral("cannot open"), p.db.lastError()));

    // Only connection-local settings before the version check, so that a
    // store from a newer Vouch is left byte for byte as it was.
    if (!p.exec(QStringLiteral("PRAGMA busy_timeout = 5000"), QStringLiteral("cannot configure")) ||
        !p.exec(QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("cannot configure")))
        return refuse(p.lastError);
    const int version = p.checkedSchemaVersion();
    if (version < 0)
        return refuse(p.lastError);

    {
        // Switching a new file to WAL needs it to itself for a moment; when
        // several parts of the app open a new store at once, the others wait.
        QSqlQuery q = p.query();
        bool switched = false;
        for (int attempt = 0; attempt < 200 && !switched; ++attempt) {
            switched = q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) && q.next();
            const QSqlError e = q.lastError();
            if (!switched && e.nativeErrorCode() != QLatin1String("5") &&
                e.nativeErrorCode() != QLatin1String("6") &&
                !e.databaseText().contains(QLatin1String("locked")))
                break; // not SQLITE_BUSY or SQLITE_LOCKED
            if (!switched)
                QThread::msleep(50);
        }
        if (!switched)
            return refuse(p.describe(QStringLiteral("cannot switch to WAL"), q.lastError()));
        if (q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            return refuse(QStringLiteral("state store %1: cannot switch to WAL (journal mode "
                                         "stays %2); is it on a network file system?")
                              .arg(file, q.value(0).toString()));
    }
    if (!p.exec(QStringLiteral("PRAGMA synchronous = NORMAL"),
                QStringLiteral("cannot configure")) ||
        !p.migrate(version))
        return refuse(p.lastError);
    return store;
}

bool StateStore::canWrite(const QString &path)
{
    if (isServerUrl(path))
        return true;
    const QFileInfo info(path);
    // A missing file is created by open(), in a directory it may create.
    if (!info.exists())
        return true;
    return writableByMe(info.absoluteFilePath()) && writableByMe(info.absolutePath());
}

std::unique_ptr<StateStore> StateStore::openReadOnly(const QString &path, QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return nullptr;
    };
    if (isServerUrl(path))
        return open(path, error);
    const QFileInfo info(path);
    const QString file = info.absoluteFilePath();
    if (info.isDir())
        return refuse(QStringLiteral("state store %1 is a directory, not a file").arg(file));
    if (!info.exists())
        return refuse(QStringLiteral("no state store at %1").arg(file));
    if (const QString problem = checkSqliteHeader(file); !problem.isEmpty())
        return refuse(problem);

    std::unique_ptr<StateStore> store(new StateStore);
    Private &p = *store->d;
    p.path = file;
    p.readOnly = true;
    p.connectionName =
        QStringLiteral("vouch-state-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    // A WAL store read through mode=ro still needs its -shm, which SQLite
    // creates beside the file: impossible in a directory this user cannot
    // write, and a file of ours in another user's directory would lock its
    // owner out. Without a -wal nobody is writing, so the file is read as
    // immutable (no locks, no -shm); with one, through the writer's -shm.
    // A store this user may write is opened as usual but query_only: a
    // read-only connection could not remove the -wal and -shm it made.
    const bool writable = canWrite(file);
    const QFileInfo wal(file + QStringLiteral("-wal"));
    const bool immutable = !writable && !(wal.exists() && wal.size() > 0);
    QUrl uri = QUrl::fromLocalFile(file);
    uri.setQuery(writable    ? QStringLiteral("mode=rw")
                 : immutable ? QStringLiteral("mode=ro&immutable=1")
                             : QStringLiteral("mode=ro"));
    p.db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), p.connectionName);
    p.db.setDatabaseName(uri.toString(QUrl::FullyEncoded));
    p.db.setConnectOptions(writable ? QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_BUSY_TIMEOUT=5000")
                                    : QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI;"
                                                     "QSQLITE_BUSY_TIMEOUT=5000"));
    if (!p.db.open())
        return refuse(p.describe(QStringLiteral("cannot open read-only"), p.db.lastError()));
    if (writable && !p.exec(QStringLiteral("PRAGMA query_only = ON"),
                            QStringLiteral("cannot make the connection read-only")))
        return refuse(p.lastError);
    const int version = p.checkedSchemaVersion();
    if (version < 0)
        return refuse(p.lastError);
    if (version == 0)
        return refuse(QStringLiteral("state store %1 holds no runs yet (no Vouch schema); run a "
                                     "contract first (vouch run FILE)")
                          .arg(file));
    if (version < kSchemaVersion)
        return refuse(
            QStringLiteral("state store %1 was written by an older Vouch (schema %2; this "
                           "Vouch reads schema %3) and is only read here, so it is not "
                           "upgraded; upgrade it once with write access (`vouch status "
                           "--state FILE` by a user who may write the file and its "
                           "directory, or on a writable copy), or read it with the Vouch "
                           "that wrote it")
                .arg(file)
                .arg(version)
                .arg(kSchemaVersion));
    return store;
}

QString StateStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/state.db");
}

} // namespace vouch::engine
