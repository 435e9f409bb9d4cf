#pragma once

// What `vouch import dbt` writes, checked before it is written: the contract
// as YAML (dbtimport.h, toYaml) loaded back exactly as `vouch validate` loads
// it. A project too large for one contract file (the loader refuses files over
// ContractLoader::kMaxFileBytes) gets the small form instead: the report and
// its sections with an `include: {dbt: …}` block (toIncludeYaml), which the
// loader expands from the manifest on every load. Either way the import never
// hands out a contract its own loader refuses. Reads the manifest again for
// the include form; any thread.

#include "engine/contract/contractloader.h"
#include "engine/interop/dbtimport.h"

#include <QByteArray>
#include <QString>

namespace vouch::engine::dbt {

struct WrittenContract
{
    QByteArray yaml;       // what to write
    bool included = false; // the include form (the full one was too large)
    qint64 fullBytes = 0;  // the size of the full contract
    LoadResult check;      // `yaml` loaded back; its diagnostics when it fails
    bool ok() const { return check.ok(); }
};

// The text to write: the full contract, or the include form when the full
// one is over `maxBytes` (the loader's limit; never more). `baseDir` is the
// contract's directory. `check` is left empty: the import and the manifest
// can be freed before checkContract() loads the text back.
WrittenContract composeContract(const Import &import, const Manifest &manifest,
                                const ImportOptions &options, const QString &baseDir,
                                qint64 maxBytes = ContractLoader::kMaxFileBytes);

// Loads `written->yaml` back as `vouch validate` would (the include form
// reads the manifest again) into `written->check`. `fileName` names the
// contract in diagnostics.
void checkContract(WrittenContract *written, const QString &fileName, const QString &baseDir);

} // namespace vouch::engine::dbt
