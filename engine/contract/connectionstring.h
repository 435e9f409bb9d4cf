#pragma once

// ODBC connection strings (`Driver={…};Server=…;PWD=keychain:NAME`): read by
// the loader to refuse secrets written in clear, and by the executor to put
// the resolved secrets in at connect time. Values may be braced
// (`{a;b}`, with `}}` for a literal brace), as ODBC's SQLDriverConnect reads.

#include <QList>
#include <QString>

#include <optional>

namespace vouch::engine {

struct OdbcAttribute
{
    QString key;
    QString value;          // unbraced
    qsizetype keyStart = 0; // offsets in the text, for positioned errors
    qsizetype valueStart = 0;
};

// The attributes in order; nullopt with `*errorAt` (offset) and `*error` on a
// malformed string (an unclosed brace, an attribute without '=').
std::optional<QList<OdbcAttribute>> parseOdbcConnectionString(const QString &text,
                                                              qsizetype *errorAt, QString *error);

// A key whose value is a credential (PWD, Password, Auth_AccessToken,
// PRIV_KEY_FILE_PWD, …): its value must be a reference, never clear text.
bool isOdbcSecretKey(const QString &key);

// `keychain:NAME` or `${NAME}`, the whole value.
bool isSecretReference(const QString &value);

// The value as an attribute value: braced when it holds ';', '{', '}' or
// surrounding spaces.
QString odbcQuote(const QString &value);

} // namespace vouch::engine
