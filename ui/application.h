#pragma once

namespace vouch::ui {

// Creates the QApplication and the main window; returns the exit code.
int runApplication(int &argc, char **argv);

} // namespace vouch::ui
