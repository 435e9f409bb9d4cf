#pragma once

#include <QStringList>

namespace vouch::ui {

// `vouch FILE.yaml`: the arguments open a contract in the GUI.
bool isGuiCommand(const QStringList &args);

// Creates the QApplication and the main window; returns the exit code.
//   vouch                                   the last contract, or the welcome page
//   vouch FILE.yaml                         that contract
//   vouch demo [--scenario S] [--dir D]     the Brightside demo, run at once
// (`--select NODE` selects a node once the graph is laid out, for screenshots.)
int runApplication(int &argc, char **argv);

// Points the engine's logger (engine/util/log.h) at `path`, the rotating
// file `vouch serve` writes too, and forwards Qt's own messages (qWarning
// and the rest, from Qt or from us) to it as well as to the handler that
// was installed before. runApplication() calls it with
// engine::log::defaultLogFile().
void startLogging(const QString &path);

} // namespace vouch::ui
