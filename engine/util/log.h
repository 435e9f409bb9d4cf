#pragma once

#include <QString>

namespace vouch::engine::log {

// The engine's one named logger ("vouch"). Until initFile() is called it
// writes warnings and errors to stderr; after it, everything from `info` up
// goes to a rotating file (5 files of 5 MiB). Never pass a secret.
void initFile(const QString &path);
QString defaultLogDirectory();

void info(const QString &message);
void warn(const QString &message);
void error(const QString &message);

// Called with every error-level line, on the thread that logs it, besides
// writing it: the test suite fails a test on an error it did not expect
// (tests/support/testguard.h). Null to stop.
using ErrorObserver = void (*)(const QString &message);
void setErrorObserver(ErrorObserver observer);

} // namespace vouch::engine::log
