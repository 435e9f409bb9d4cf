#pragma once

// A contract's `include:` block as the loader reads it, and what expanding it
// yields. The loader (contractloader.h) reads the block's keys and merges the
// expansion; the expansion itself (dbt's manifest, selection and import) lives
// one level up, in interop/dbtinclude.h, and reaches the loader as an
// IncludeExpander in ContractLoader::Options. engine/interop/loadcontract.h
// wires the two together; contract/ never includes interop/.

#include "engine/contract/contract.h"
#include "engine/contract/diagnostic.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>

namespace vouch::engine {

// `include: {dbt: {manifest, select, project_dir, …}}`; dbt is the only kind.
struct IncludeSpec
{
    QString manifest;    // absolute path; empty: <projectDir>/target/manifest.json
    QString select;      // our selection syntax, as `vouch import dbt --select`
    QString projectDir;  // absolute; --project-dir for dbt and the nodes' working directory
    QString profilesDir; // absolute; --profiles-dir for dbt
    QString target;      // --target for dbt
    QString program;     // the dbt executable; empty: dbt
    QString connection;  // where checks and freshness queries run; empty: warehouse
};

struct IncludeExpansion
{
    bool ok = false;
    QString manifestPath; // the file read, for messages
    QList<Node> nodes;    // positioned at the include
    // From exposures, or one section for the whole project when there is
    // none; used only when the contract lists no section of its own.
    QList<Section> sections;
    QMap<QString, Connection> connections; // added when the contract lacks one of that name
    QHash<QString, QString> uniqueIdOf;    // node id -> dbt unique id, for messages
    // Errors and warnings, positioned at the include in the contract file and
    // naming the manifest (and the dbt node where one is concerned). Import
    // warnings beyond a handful are summed up in one line.
    Diagnostics diagnostics;
};

// Expands an include; `contractFile` and `at` (the `include:` entry) position
// the diagnostics. Must be callable from any thread (contracts load on workers).
using IncludeExpander = std::function<IncludeExpansion(const IncludeSpec &spec,
                                                       const QString &contractFile, SourcePos at)>;

} // namespace vouch::engine
