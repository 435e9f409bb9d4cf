#pragma once

#include <QString>

namespace vouch::engine::log {

// The engine's one named logger ("vouch"), shared by the command line and
// the desktop app (which forwards Qt's own messages to it, see
// ui/application.h). Until initFile() is called it writes warnings and
// errors to stderr; after it, everything from `info` up (or from the level
// in $VOUCH_LOG_LEVEL: trace, debug, info, warning, error, off) goes to a
// rotating file (5 files of 5 MiB). Never pass a secret.
void initFile(const QString &path);
QString defaultLogDirectory();
// The rotating file both `vouch serve` and the desktop app write:
// defaultLogDirectory()/serve.log, on Linux
// ~/.local/share/vouch/vouch/logs/serve.log.
QString defaultLogFile();

enum class Level
{
    Debug,
    Info,
    Warning,
    Error,
};

void debug(const QString &message);
void info(const QString &message);
void warn(const QString &message);
void error(const QString &message);
// A line at `level` that the error observer below does not see: for
// messages that are reported elsewhere already (Qt's own qCritical).
void write(Level level, const QString &message);

// Called with every error-level line, on the thread that logs it, besides
// writing it: the test suite fails a test on an error it did not expect
// (tests/support/testguard.h). Null to stop.
using ErrorObserver = void (*)(const QString &message);
void setErrorObserver(ErrorObserver observer);

} // namespace vouch::engine::log
