#pragma once

#include "engine/contract/contract.h"
#include "engine/contract/diagnostic.h"
#include "engine/contract/include.h"

#include <QByteArray>
#include <QString>

namespace vouch::engine {

// Reads a contract file into an immutable Contract, or explains every problem
// as a Diagnostic with file, line and column. Stateless and thread-safe: may
// run on any thread. Hostile input (huge files, invalid UTF-8, deep nesting,
// alias bombs) is refused with a clear diagnostic in bounded time and memory.
struct LoadResult
{
    ContractPtr contract; // null when diagnostics contain an error
    Diagnostics diagnostics;

    bool ok() const { return contract != nullptr; }
};

class ContractLoader
{
public:
    static constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;
    static constexpr int kMaxNesting = 256;
    static constexpr int kMaxDiagnostics = 200;

    struct Options
    {
        // Expands `include:`. Without one, a contract with an include is
        // refused with an error (its nodes are never silently missing).
        // engine/interop/loadcontract.h loads with dbt's expansion wired in.
        IncludeExpander expandInclude;
    };

    static LoadResult loadFile(const QString &path, const Options &options = {});
    // `fileName` is used in diagnostics; `baseDir` resolves `sql_file:` paths.
    static LoadResult loadText(const QByteArray &text, const QString &fileName,
                               const QString &baseDir, const Options &options = {});

private:
    // Both of the above: `filePath` becomes the contract's filePath.
    static LoadResult load(const QByteArray &text, const QString &fileName, const QString &baseDir,
                           const Options &options, const QString &filePath);
};

} // namespace vouch::engine
