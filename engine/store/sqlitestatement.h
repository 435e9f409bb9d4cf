#pragma once

#include <QByteArrayView>
#include <QString>
#include <QVariant>

struct sqlite3;
struct sqlite3_stmt;

class QSqlDatabase;

namespace vouch::engine {

// One prepared statement on a Qt SQLite connection's own handle, bound and
// stepped through SQLite's C API (and, for the state store's big reads, its
// rows read without a QVariant per value). For the state store's hot path (two
// statements per persisted transition): QSqlQuery's positional bindValue()
// builds a placeholder name and looks it up for every value, which was 40 %
// of `vouch run`'s time on 100,000 nodes. Same connection, so the same
// transaction as every QSqlQuery on it. Parameters are bound, never spliced.
class SqliteStatement
{
public:
    SqliteStatement() = default;
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    // The handle behind `db` (QSQLITE only); false with errorString() set.
    bool prepare(const QSqlDatabase &db, const QString &sql);
    bool isPrepared() const { return m_stmt != nullptr; }

    // Index from 0, as QSqlQuery::bindValue(int); null, integers, doubles,
    // strings and byte arrays, as the QSQLITE driver maps them.
    void bind(int index, const QVariant &value);
    // Steps to the end and resets for the next use; false with errorString().
    bool exec();

    // Reading: next() steps to the next row; false at the end or on an error
    // (then errorString() is set), and the statement is reset either way, so
    // that no read snapshot is kept open. Columns count from 0, as
    // QSqlQuery::value(int); a NULL reads as 0 or a null QString.
    bool next();
    bool isNull(int column) const;
    qint64 int64At(int column) const;
    double doubleAt(int column) const;
    QString textAt(int column) const;
    // The column's UTF-8 bytes, valid until the next step.
    QByteArrayView utf8At(int column) const;
    QString errorString() const { return m_error; }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    QString m_error;
};

} // namespace vouch::engine
