#pragma once

// A contract's `include: {dbt: {manifest, select, project_dir, …}}` block:
// the same expansion as `vouch import dbt` (dbtimport.h), done each time the
// contract is loaded, so the contract follows the dbt project without a
// re-import. The contract loader reads the block's keys and merges what this
// returns; everything about dbt stays here. Pure function of the files it
// reads; any thread (the app loads contracts on a worker).

#include "engine/contract/contract.h"
#include "engine/contract/diagnostic.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

namespace vouch::engine::dbt {

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

struct Expansion
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

// `contractFile` and `at` position the diagnostics (the `include:` entry).
Expansion expandInclude(const IncludeSpec &spec, const QString &contractFile, SourcePos at);

} // namespace vouch::engine::dbt
