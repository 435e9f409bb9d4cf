#pragma once

// The dbt stand-in (tests/support/dbt-standin/dbt; this machine has no dbt):
// where it is, and what its invocations were. It appends each invocation's
// arguments as one line to the file named by DBT_STANDIN_CALLS.

#include <QFile>
#include <QString>
#include <QStringList>

namespace vouch::test {

inline const QString &dbtStandin()
{
    static const QString path = QStringLiteral(VOUCH_SOURCE_DIR "/tests/support/dbt-standin/dbt");
    return path;
}

// One line per invocation: its arguments.
inline QStringList dbtCalls(const QString &callsFile)
{
    QFile f(callsFile);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

// The `--select` arguments of one invocation.
inline QStringList dbtSelection(const QString &call)
{
    const QStringList args = call.split(u' ');
    QStringList out;
    for (int i = args.indexOf(QStringLiteral("--select")) + 1;
         i > 0 && i < args.size() && !args.at(i).startsWith(QLatin1String("--")); ++i)
        out << args.at(i);
    return out;
}

} // namespace vouch::test
