#pragma once

// What Vouch reads from a dbt `manifest.json` (schema v1 to v12, and later
// versions read as v12 with a warning): the resources that become a reporting
// path, and a tally of everything else so that nothing is dropped silently.
// Reading streams over the memory-mapped file (interop/jsonpull.h), keeping
// only the fields below. Stateless functions; any thread.

#include "engine/contract/diagnostic.h"

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace vouch::engine::dbt {

// The highest manifest schema this Vouch was written against.
constexpr int kKnownManifestSchema = 12;

// One model, seed, snapshot, test, operation, analysis (from `nodes`), source
// or exposure.
struct Resource
{
    QString uniqueId; // e.g. model.jaffle_shop.customers
    QString resourceType;
    QString name;
    QString packageName;
    QString description;
    QString owner; // meta.owner or config.meta.owner
    QStringList tags;
    QStringList fqn;
    QStringList dependsOn; // depends_on.nodes: unique ids of nodes and sources
    QString version;       // versioned models
    QString materialized;
    QString relationName;
    bool enabled = true;
    qint64 offset = 0; // byte offset of the resource in the file, for diagnostics

    // tests
    QString severity; // ERROR or WARN
    QString warnIf;   // e.g. "!= 0"
    QString errorIf;
    QString failCalc;     // e.g. count(*)
    QString compiledCode; // kept for tests only
    QString rawCode;      // kept for tests only

    // sources
    QString sourceName;
    QString loadedAtField;
    QString loadedAtQuery;
    QString freshnessFilter;
    std::optional<qint64> warnAfterSeconds;
    std::optional<qint64> errorAfterSeconds;
    QString freshnessProblem; // a freshness period Vouch cannot read, said in words

    // exposures
    QString label;
    QString exposureType; // dashboard, notebook, analysis, ml, application
    QString maturity;     // low, medium, high
    QString url;
    QString ownerEmail;
};

// Manifest content with no counterpart in a contract, by top-level key.
struct Unmapped
{
    QString what;      // e.g. "metrics", "unit_tests", "macros"
    int count = 0;     // entries in that map
    QStringList names; // their unique ids, when a person would look for them by name
};

struct Manifest
{
    QString path;
    int schemaVersion = 0;
    QString dbtVersion;
    QString projectName; // metadata.project_name (v10+), else the root package
    QString adapterType;
    QString invocationId;
    QList<Resource> nodes;
    QList<Resource> sources;
    QList<Resource> exposures;
    QList<Unmapped> unmapped;

    const Resource *find(const QString &uniqueId) const;
};

struct ManifestResult
{
    std::optional<Manifest> manifest; // empty when diagnostics hold an error
    Diagnostics diagnostics;
};

// Reads a manifest file. Errors (unreadable, not JSON, truncated, not a dbt
// manifest, unknown schema) and warnings name the file, and the node where
// one is concerned.
ManifestResult readManifest(const QString &path);
// The same over bytes in memory; `fileName` is used in diagnostics.
ManifestResult parseManifest(QByteArrayView bytes, const QString &fileName);

} // namespace vouch::engine::dbt
