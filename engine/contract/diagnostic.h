#pragma once

#include <QList>
#include <QString>

namespace vouch::engine {

// One problem found in a contract, reported as `FILE:LINE:COL: error: message`.
struct Diagnostic
{
    enum class Severity
    {
        Error,
        Warning
    };
    Severity severity = Severity::Error;
    QString file;
    int line = 0;   // 1-based; 0 when the problem has no position (e.g. unreadable file)
    int column = 0; // 1-based
    QString message;

    QString format() const;
    friend bool operator<(const Diagnostic &a, const Diagnostic &b);
};

using Diagnostics = QList<Diagnostic>;

bool hasErrors(const Diagnostics &diagnostics);

} // namespace vouch::engine
