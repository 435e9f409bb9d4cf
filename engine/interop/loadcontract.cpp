#include "engine/interop/loadcontract.h"

#include "engine/interop/dbtinclude.h"

namespace vouch::engine {

ContractLoader::Options contractLoadOptions()
{
    ContractLoader::Options options;
    options.expandInclude = &dbt::expandInclude;
    return options;
}

LoadResult loadContractFile(const QString &path)
{
    return ContractLoader::loadFile(path, contractLoadOptions());
}

LoadResult loadContractText(const QByteArray &text, const QString &fileName, const QString &baseDir)
{
    return ContractLoader::loadText(text, fileName, baseDir, contractLoadOptions());
}

} // namespace vouch::engine
