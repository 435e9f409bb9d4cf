#pragma once

// The throwaway MariaDB server of the MySQL/MariaDB warehouse tests
// (tests/support/mariadb-fixture.sh, a ctest fixture): where it listens,
// statements as its admin, one fresh database per test, and a main() that
// skips (77) when there is no server.

#include "support/testguard.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QTest>
#include <QUuid>
#include <QVariant>

#include <cstdio>
#include <optional>

namespace vouch::test {

struct MariadbServer
{
    QString host;
    int port = 0;
    QString socket;
};

inline std::optional<MariadbServer> mariadbServer()
{
    QFile file(qEnvironmentVariable("VOUCH_TEST_MARIADB_FILE"));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QStringList parts =
        QString::fromUtf8(file.readAll()).trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (parts.size() != 3)
        return std::nullopt;
    return MariadbServer{parts.at(0), parts.at(1).toInt(), parts.at(2)};
}

// Runs `sql` as the server's admin (vouch_admin) on `database` (none when
// empty); `rows`, when given, receives the first column of every row.
inline bool mysqlAdminExec(const QString &sql, const QString &database = QString(),
                           QString *error = nullptr, QStringList *rows = nullptr)
{
    const auto server = mariadbServer();
    if (!server)
        return false;
    const QString name =
        QStringLiteral("myadmin-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), name);
        db.setHostName(server->host);
        db.setPort(server->port);
        db.setUserName(QStringLiteral("vouch_admin"));
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

// A new, empty database; returns its name.
inline QString mysqlFreshDatabase(const QString &prefix)
{
    const QString db =
        QStringLiteral("%1_%2").arg(prefix, QUuid::createUuid().toString(QUuid::Id128).left(12));
    QString error;
    if (!mysqlAdminExec(QStringLiteral("CREATE DATABASE %1").arg(db), QString(), &error))
        qWarning("cannot create database %s: %s", qPrintable(db), qPrintable(error));
    return db;
}

} // namespace vouch::test

// QTEST_GUILESS_MAIN, but 77 (ctest: skipped) without a server.
#define VOUCH_MYSQL_TEST_MAIN(TestObject)                                                          \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        QCoreApplication app(argc, argv);                                                          \
        if (!vouch::test::mariadbServer()) {                                                       \
            std::fprintf(stderr, "SKIP: no MariaDB test server (VOUCH_TEST_MARIADB_FILE)\n");      \
            return 77;                                                                             \
        }                                                                                          \
        TestObject tc;                                                                             \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return vouch::test::runGuarded(tc, argc, argv);                                            \
    }
