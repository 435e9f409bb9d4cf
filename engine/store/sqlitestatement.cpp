#include "engine/store/sqlitestatement.h"

#include <QSqlDatabase>
#include <QSqlDriver>

#include <sqlite3.h>

namespace vouch::engine {

SqliteStatement::~SqliteStatement()
{
    if (m_stmt)
        sqlite3_finalize(m_stmt);
}

bool SqliteStatement::prepare(const QSqlDatabase &db, const QString &sql)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0) {
        m_error = QStringLiteral("not an SQLite connection");
        return false;
    }
    m_db = *static_cast<sqlite3 *const *>(handle.constData());
    if (!m_db) {
        m_error = QStringLiteral("the SQLite connection is closed");
        return false;
    }
    const QByteArray text = sql.toUtf8();
    if (sqlite3_prepare_v3(m_db, text.constData(), int(text.size()), SQLITE_PREPARE_PERSISTENT,
                           &m_stmt, nullptr) != SQLITE_OK) {
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
        m_stmt = nullptr;
        return false;
    }
    return true;
}

void SqliteStatement::bind(int index, const QVariant &value)
{
    const int at = index + 1;
    if (value.isNull()) {
        sqlite3_bind_null(m_stmt, at);
        return;
    }
    switch (value.metaType().id()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::ULong:
    case QMetaType::ULongLong:
        sqlite3_bind_int64(m_stmt, at, value.toLongLong());
        return;
    case QMetaType::Double:
    case QMetaType::Float:
        sqlite3_bind_double(m_stmt, at, value.toDouble());
        return;
    case QMetaType::QByteArray: {
        const QByteArray bytes = value.toByteArray();
        sqlite3_bind_blob(m_stmt, at, bytes.constData(), int(bytes.size()), SQLITE_TRANSIENT);
        return;
    }
    default: {
        const QByteArray text = value.toString().toUtf8();
        sqlite3_bind_text(m_stmt, at, text.constData(), int(text.size()), SQLITE_TRANSIENT);
        return;
    }
    }
}

bool SqliteStatement::exec()
{
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(m_stmt);
    const bool ok = rc == SQLITE_DONE;
    if (!ok)
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    return ok;
}

bool SqliteStatement::next()
{
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        m_error = QString::fromUtf8(sqlite3_errmsg(m_db));
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    return false;
}

bool SqliteStatement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

qint64 SqliteStatement::int64At(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double SqliteStatement::doubleAt(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

QByteArrayView SqliteStatement::utf8At(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return QByteArrayView(text, sqlite3_column_bytes(m_stmt, column));
}

QString SqliteStatement::textAt(int column) const
{
    if (isNull(column))
        return QString();
    const QByteArrayView text = utf8At(column);
    // Qt's driver reads text as UTF-16 and so gives "" (not null) for empty text.
    return text.isEmpty() ? QStringLiteral("") : QString::fromUtf8(text);
}

} // namespace vouch::engine
