#include "engine/interop/dbtwrite.h"

#include "engine/interop/loadcontract.h"

namespace vouch::engine::dbt {

WrittenContract composeContract(const Import &import, const Manifest &manifest,
                                const ImportOptions &options, const QString &baseDir,
                                qint64 maxBytes)
{
    WrittenContract w;
    w.yaml = toYaml(import, manifest, options);
    w.fullBytes = w.yaml.size();
    if (w.fullBytes > std::min(maxBytes, ContractLoader::kMaxFileBytes)) {
        w.yaml = toIncludeYaml(import, manifest, options, baseDir);
        w.included = true;
    }
    return w;
}

void checkContract(WrittenContract *written, const QString &fileName, const QString &baseDir)
{
    written->check = loadContractText(written->yaml, fileName, baseDir);
}

} // namespace vouch::engine::dbt
