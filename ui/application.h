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

} // namespace vouch::ui
