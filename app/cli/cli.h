#pragma once

#include <QStringList>

class QTextStream;

namespace vouch::cli {

// True when the arguments name a headless command (validate, select, demo
// init, ...); otherwise the executable starts the GUI.
bool isHeadlessCommand(const QStringList &args);

// Runs one headless command. `args` excludes the program name. Output goes to
// `out`, problems to `err`. Returns the process exit code (see DESIGN.md).
int run(const QStringList &args, QTextStream &out, QTextStream &err);

} // namespace vouch::cli
