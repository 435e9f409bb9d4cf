#pragma once

// Turns a dbt manifest (dbtmanifest.h) into a reporting path: models, seeds,
// snapshots and data tests become dbt nodes (Node::dbt; the scheduler runs
// the ready ones of a project in one `dbt build`, and dbt judges the tests
// with their own severity); sources become `freshness` nodes (when dbt knows
// how to measure them) or `noop` source nodes; exposures become report
// sections. Everything with no counterpart is listed (Import::unmapped) and
// warned about.
//
// The same expansion serves `vouch import dbt` (written out as YAML by
// toYaml()) and a contract's `include: {dbt: …}` block (merged by the
// contract loader). Pure functions of their input; any thread.

#include "engine/contract/contract.h"
#include "engine/contract/diagnostic.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>

namespace vouch::engine::dbt {

struct Manifest;

struct ImportOptions
{
    QString select;      // our selection syntax, e.g. +exposure:weekly_operating_report
    QString projectDir;  // --project-dir for dbt
    QString profilesDir; // --profiles-dir for dbt
    QString target;      // --target for dbt
    QString dbt = QStringLiteral("dbt");
    QString connection = QStringLiteral("warehouse"); // where checks and freshness queries run
    // The report, for `vouch import` (an include uses the contract's own report).
    QString reportId;
    QString reportName;
    QString timezone = QStringLiteral("UTC");
    QString schedule = QStringLiteral("0 6 * * MON");
    QString publishBy = QStringLiteral("MON 12:00");
};

struct Import
{
    // Nodes, sections (from exposures, or one section for the whole project
    // when there is none) and, when checks or freshness need it, the
    // connection. Null when diagnostics hold an error.
    std::shared_ptr<Contract> contract;
    // dbt unique id -> contract node id (or section id for exposures), for
    // every resource that has a counterpart, before selection.
    QHash<QString, QString> idOf;
    // One line per thing with no counterpart, for the contract's comment block.
    QStringList unmapped;
    Diagnostics diagnostics;     // errors and warnings, naming the file and the dbt node
    bool defaultSection = false; // the section was made up because there is no exposure

    bool ok() const { return contract != nullptr; }
};

Import importManifest(const Manifest &manifest, const ImportOptions &options);

// The contract as YAML that `vouch validate` accepts, with the unmapped
// resources in a comment block at the top.
QByteArray toYaml(const Import &import, const Manifest &manifest, const ImportOptions &options);

// The same contract when it is too large for one file (the loader's
// kMaxFileBytes): the report and its sections, and an `include: {dbt: …}`
// block that expands the manifest with the same options on every load.
// `baseDir` is the contract's directory (the include's paths are relative to
// it).
QByteArray toIncludeYaml(const Import &import, const Manifest &manifest,
                         const ImportOptions &options, const QString &baseDir);

// The contract node id a dbt resource gets, before collisions are resolved.
QString nodeIdFor(const QString &resourceType, const QString &name, const QString &sourceName,
                  const QString &version);

} // namespace vouch::engine::dbt
