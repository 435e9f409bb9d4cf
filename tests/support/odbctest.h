#pragma once

// unixODBC for the ODBC warehouse tests, never the system's own setup: an
// odbcinst.ini naming Debian's PostgreSQL (odbc-postgresql) and SQLite
// (libsqliteodbc) drivers and an odbc.ini of data sources, both in a
// temporary directory that ODBCSYSINI and ODBCINI point at. /etc is not read
// or written.

#include <QDir>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

#include <cstdio>

namespace vouch::test {

// The driver library `file` (psqlodbcw.so, libsqlite3odbc.so) where Debian
// installs it, or empty.
inline QString odbcDriverLibrary(const QString &file)
{
    for (const QString &dir : QDir(QStringLiteral("/usr/lib")).entryList(QDir::Dirs)) {
        const QString path = QStringLiteral("/usr/lib/%1/odbc/%2").arg(dir, file);
        if (QFile::exists(path))
            return path;
    }
    return QString();
}

// For main(): 77 (ctest: skipped), after saying why, when Debian's
// PostgreSQL or SQLite ODBC driver is not installed; 0 when both are.
inline int skipWithoutOdbcDrivers()
{
    if (!odbcDriverLibrary(QStringLiteral("psqlodbcw.so")).isEmpty() &&
        !odbcDriverLibrary(QStringLiteral("libsqlite3odbc.so")).isEmpty())
        return 0;
    std::fprintf(stderr, "SKIP: odbc-postgresql or libsqliteodbc is not installed\n");
    return 77;
}

class OdbcSetup
{
public:
    // Drivers "Vouch PostgreSQL" and "Vouch SQLite"; `dataSources` is the
    // text of odbc.ini.
    bool write(const QString &dataSources)
    {
        const QString pg = odbcDriverLibrary(QStringLiteral("psqlodbcw.so"));
        const QString sqlite = odbcDriverLibrary(QStringLiteral("libsqlite3odbc.so"));
        if (pg.isEmpty() || sqlite.isEmpty() || !m_dir.isValid())
            return false;
        QFile drivers(m_dir.filePath(QStringLiteral("odbcinst.ini")));
        QFile sources(m_dir.filePath(QStringLiteral("odbc.ini")));
        if (!drivers.open(QIODevice::WriteOnly) || !sources.open(QIODevice::WriteOnly))
            return false;
        drivers.write(QStringLiteral("[Vouch PostgreSQL]\nDriver=%1\n\n[Vouch SQLite]\nDriver=%2\n")
                          .arg(pg, sqlite)
                          .toUtf8());
        sources.write(dataSources.toUtf8());
        qputenv("ODBCSYSINI", m_dir.path().toUtf8());
        qputenv("ODBCINI", sources.fileName().toUtf8());
        return true;
    }
    QString path(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
};

} // namespace vouch::test
