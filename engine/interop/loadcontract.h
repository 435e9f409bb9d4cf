#pragma once

// Loading a contract with everything above contract/ wired in: today the dbt
// expansion of `include: {dbt: …}` (dbtinclude.h). The bare ContractLoader
// (contract/contractloader.h) knows nothing of dbt and refuses an include it
// cannot expand; the app, the command line and the tests load contracts
// through these. Same guarantees as the loader: stateless, any thread.

#include "engine/contract/contractloader.h"

#include <QByteArray>
#include <QString>

namespace vouch::engine {

// The loader's options with every expander this engine has.
ContractLoader::Options contractLoadOptions();

LoadResult loadContractFile(const QString &path);
// `fileName` is used in diagnostics; `baseDir` resolves `sql_file:` and the
// include's relative paths.
LoadResult loadContractText(const QByteArray &text, const QString &fileName,
                            const QString &baseDir);

} // namespace vouch::engine
