#pragma once

namespace vouch::engine {

// SQLCancel(statement) through the ODBC driver manager that Qt's QODBC
// plugin loaded (unixODBC's libodbc), found at run time so that the engine
// needs no ODBC headers to build. ODBC allows it from another thread than
// the one executing the statement. False when no driver manager is loaded.
bool odbcCancel(void *statement);

} // namespace vouch::engine
