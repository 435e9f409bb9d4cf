#pragma once

// A contract's `include: {dbt: {manifest, select, project_dir, …}}` block:
// the same expansion as `vouch import dbt` (dbtimport.h), done each time the
// contract is loaded, so the contract follows the dbt project without a
// re-import. The contract loader reads the block's keys and merges what this
// returns (contract/include.h); everything about dbt stays here, and
// interop/loadcontract.h hands this function to the loader. Pure function of
// the files it reads; any thread (the app loads contracts on a worker).

#include "engine/contract/contract.h"
#include "engine/contract/diagnostic.h"
#include "engine/contract/include.h"

#include <QString>

namespace vouch::engine::dbt {

// The neutral types live in contract/ (the loader reads the block and merges
// the result); these names are kept for interop's callers.
using IncludeSpec = engine::IncludeSpec;
using Expansion = engine::IncludeExpansion;

// `contractFile` and `at` position the diagnostics (the `include:` entry).
Expansion expandInclude(const IncludeSpec &spec, const QString &contractFile, SourcePos at);

} // namespace vouch::engine::dbt
