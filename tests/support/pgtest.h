#pragma once

// The throwaway PostgreSQL server of the team-mode tests (tests/support/pg-fixture.sh,
// a ctest fixture): its admin URL, one fresh database per test, and a main()
// that skips (77) when there is no server.

#include "support/testguard.h"

#include <QFile>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include <cstdio>

namespace vouch::test {

inline QString pgAdminUrl()
{
    QFile file(qEnvironmentVariable("VOUCH_TEST_PG_FILE"));
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromUtf8(file.readAll()).trimmed();
}

// Runs `sql` as the cluster's superuser on `database` ("postgres" by
// default); `rows` gets the first column of what it returns.
inline bool pgAdminExec(const QString &sql, const QString &database = QStringLiteral("postgres"),
                        QString *error = nullptr, QStringList *rows = nullptr)
{
    const QUrl url(pgAdminUrl());
    const QString name =
        QStringLiteral("pgadmin-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(url.host());
        db.setPort(url.port());
        db.setUserName(url.userName());
        db.setDatabaseName(database);
        if (db.open()) {
            QSqlQuery q(db);
            ok = q.exec(sql);
            if (!ok && error)
                *error = q.lastError().text();
            while (ok && rows && q.next())
                rows->append(q.value(0).toString());
        } else if (error) {
            *error = db.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

// A new, empty database; returns its URL as `user` (the admin when empty).
inline QString pgFreshDatabase(const QString &prefix, QString *name = nullptr)
{
    const QString db =
        QStringLiteral("%1_%2").arg(prefix, QUuid::createUuid().toString(QUuid::Id128).left(12));
    QString error;
    if (!pgAdminExec(QStringLiteral("CREATE DATABASE %1").arg(db), QStringLiteral("postgres"),
                     &error))
        qWarning("cannot create database %s: %s", qPrintable(db), qPrintable(error));
    if (name)
        *name = db;
    QUrl url(pgAdminUrl());
    url.setPath(QLatin1Char('/') + db);
    return url.toString();
}

inline QString pgUrlAs(const QString &url, const QString &user)
{
    QUrl u(url);
    u.setUserName(user);
    return u.toString();
}

// The environment of a `vouch` of team mode in `dir`: short leases (3 s),
// no settings file, data and state under `dir`, and neither a store nor a
// user from the environment.
inline QProcessEnvironment teamEnvironment(const QTemporaryDir &dir)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("VOUCH_LEASE_SECONDS"), QStringLiteral("3"));
    env.insert(QStringLiteral("VOUCH_SETTINGS"), dir.filePath(QStringLiteral("none.yaml")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_STATE_HOME"), dir.filePath(QStringLiteral("state")));
    env.remove(QStringLiteral("VOUCH_STATE"));
    env.remove(QStringLiteral("VOUCH_USER"));
    return env;
}

} // namespace vouch::test

// QTEST_GUILESS_MAIN, but 77 (ctest: skipped) without a server.
#define VOUCH_PG_TEST_MAIN(TestObject)                                                             \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        QCoreApplication app(argc, argv);                                                          \
        if (vouch::test::pgAdminUrl().isEmpty()) {                                                 \
            std::fprintf(stderr, "SKIP: no PostgreSQL test server (VOUCH_TEST_PG_FILE)\n");        \
            return 77;                                                                             \
        }                                                                                          \
        app.setAttribute(Qt::AA_Use96Dpi, true);                                                   \
        TestObject tc;                                                                             \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return vouch::test::runGuarded(tc, argc, argv);                                            \
    }
