#include "engine/interop/dbtmanifest.h"

#include "engine/interop/artifactread.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

#include <string_view>

namespace vouch::engine::dbt {

using interop::JsonPull;

namespace {

QString qs(std::string_view v)
{
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

// `{count: 12, period: hour}`; null or a null count means "not set".
bool readFreshnessPeriod(JsonPull &j, std::optional<qint64> *seconds, QString *problem)
{
    if (j.peek() == JsonPull::Type::Null)
        return j.skipValue();
    if (!j.beginObject())
        return false;
    std::optional<double> count;
    QString period;
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "count")
            count = j.readOptionalNumber();
        else if (key == "period")
            j.readString(&period);
        else
            j.skipValue();
    }
    if (!j.ok() || !count)
        return j.ok();
    static const QHash<QString, qint64> units = {{QStringLiteral("minute"), 60},
                                                 {QStringLiteral("hour"), 3600},
                                                 {QStringLiteral("day"), 86400}};
    if (!units.contains(period) || *count <= 0) {
        *problem = QStringLiteral("freshness period '%1 %2' is not a positive count of minutes, "
                                  "hours or days")
                       .arg(*count)
                       .arg(period);
        return true;
    }
    *seconds = qint64(*count) * units.value(period);
    return true;
}

bool readFreshness(JsonPull &j, Resource *r)
{
    if (j.peek() == JsonPull::Type::Null)
        return j.skipValue();
    if (!j.beginObject())
        return false;
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "warn_after")
            readFreshnessPeriod(j, &r->warnAfterSeconds, &r->freshnessProblem);
        else if (key == "error_after")
            readFreshnessPeriod(j, &r->errorAfterSeconds, &r->freshnessProblem);
        else if (key == "filter")
            j.readString(&r->freshnessFilter);
        else
            j.skipValue();
    }
    return j.ok();
}

// meta: only `owner` matters (a name, or a list of names).
bool readMeta(JsonPull &j, QString *owner)
{
    if (j.peek() != JsonPull::Type::Object)
        return j.skipValue();
    j.beginObject();
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "owner" && j.peek() == JsonPull::Type::String) {
            j.readString(owner);
        } else if (key == "owner" && j.peek() == JsonPull::Type::Array) {
            QStringList owners;
            j.readStringList(&owners);
            *owner = owners.join(QStringLiteral(", "));
        } else {
            j.skipValue();
        }
    }
    return j.ok();
}

bool readDependsOn(JsonPull &j, QStringList *nodes)
{
    if (j.peek() != JsonPull::Type::Object)
        return j.skipValue();
    j.beginObject();
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "nodes")
            j.readStringList(nodes);
        else
            j.skipValue();
    }
    return j.ok();
}

bool readConfig(JsonPull &j, Resource *r, QString *configOwner, QStringList *configTags)
{
    if (j.peek() != JsonPull::Type::Object)
        return j.skipValue();
    j.beginObject();
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "enabled") {
            if (j.peek() == JsonPull::Type::Bool)
                j.readBool(&r->enabled);
            else
                j.skipValue();
        } else if (key == "severity") {
            j.readScalarText(&r->severity);
        } else if (key == "warn_if") {
            j.readScalarText(&r->warnIf);
        } else if (key == "error_if") {
            j.readScalarText(&r->errorIf);
        } else if (key == "fail_calc") {
            j.readScalarText(&r->failCalc);
        } else if (key == "materialized") {
            j.readScalarText(&r->materialized);
        } else if (key == "meta") {
            readMeta(j, configOwner);
        } else if (key == "tags") {
            j.readStringList(configTags);
        } else if (key == "loaded_at_field" && r->loadedAtField.isEmpty()) {
            j.readString(&r->loadedAtField);
        } else if (key == "loaded_at_query" && r->loadedAtQuery.isEmpty()) {
            j.readString(&r->loadedAtQuery);
        } else if (key == "freshness" && !r->warnAfterSeconds && !r->errorAfterSeconds) {
            readFreshness(j, r);
        } else {
            j.skipValue();
        }
    }
    return j.ok();
}

bool readOwnerObject(JsonPull &j, Resource *r)
{
    if (j.peek() != JsonPull::Type::Object)
        return j.skipValue();
    j.beginObject();
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "name")
            j.readString(&r->owner);
        else if (key == "email")
            j.readScalarText(&r->ownerEmail);
        else
            j.skipValue();
    }
    return j.ok();
}

// One entry of `nodes`, `sources` or `exposures`.
bool readResource(JsonPull &j, Resource *r)
{
    r->offset = j.offset();
    if (!j.beginObject())
        return false;
    QString database, schema, identifier, configOwner;
    QStringList configTags;
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "unique_id")
            j.readString(&r->uniqueId);
        else if (key == "resource_type")
            j.readString(&r->resourceType);
        else if (key == "name")
            j.readString(&r->name);
        else if (key == "package_name")
            j.readString(&r->packageName);
        else if (key == "description")
            j.readString(&r->description);
        else if (key == "tags")
            j.readStringList(&r->tags);
        else if (key == "fqn")
            j.readStringList(&r->fqn);
        else if (key == "meta")
            readMeta(j, &r->owner);
        else if (key == "config")
            readConfig(j, r, &configOwner, &configTags);
        else if (key == "depends_on")
            readDependsOn(j, &r->dependsOn);
        else if (key == "version")
            j.readScalarText(&r->version);
        else if (key == "relation_name")
            j.readString(&r->relationName);
        else if ((key == "compiled_code" || key == "compiled_sql" || key == "raw_code" ||
                  key == "raw_sql") &&
                 !r->resourceType.isEmpty() && r->resourceType != QLatin1String("test"))
            j.skipValue(); // only tests' SQL is used (dbt writes resource_type first)
        else if (key == "compiled_code" || key == "compiled_sql")
            j.readString(&r->compiledCode);
        else if (key == "raw_code" || key == "raw_sql")
            j.readString(&r->rawCode);
        else if (key == "source_name")
            j.readString(&r->sourceName);
        else if (key == "loaded_at_field")
            j.readString(&r->loadedAtField);
        else if (key == "loaded_at_query")
            j.readString(&r->loadedAtQuery);
        else if (key == "freshness")
            readFreshness(j, r);
        else if (key == "database")
            j.readScalarText(&database);
        else if (key == "schema")
            j.readScalarText(&schema);
        else if (key == "identifier")
            j.readScalarText(&identifier);
        else if (key == "label")
            j.readString(&r->label);
        else if (key == "type")
            j.readScalarText(&r->exposureType);
        else if (key == "maturity")
            j.readScalarText(&r->maturity);
        else if (key == "url")
            j.readString(&r->url);
        else if (key == "owner" && j.peek() == JsonPull::Type::Object)
            readOwnerObject(j, r);
        else
            j.skipValue();
    }
    if (r->owner.isEmpty())
        r->owner = configOwner;
    for (const QString &t : std::as_const(configTags)) {
        if (!r->tags.contains(t))
            r->tags.append(t);
    }
    // Old manifests have no relation_name for sources.
    if (r->relationName.isEmpty() && !schema.isEmpty() && !identifier.isEmpty())
        r->relationName = database.isEmpty() ? schema + u'.' + identifier
                                             : database + u'.' + schema + u'.' + identifier;
    return j.ok();
}

// A map of unique_id -> resource.
bool readResourceMap(JsonPull &j, QList<Resource> *into)
{
    if (!j.beginObject())
        return false;
    std::string_view key;
    while (j.nextKey(&key)) {
        Resource r;
        const QString id = qs(key);
        if (!readResource(j, &r))
            return false;
        if (r.uniqueId.isEmpty())
            r.uniqueId = id;
        // Only a test's SQL becomes part of the contract (a check's value);
        // a model's code can be most of the file, so it is not kept.
        if (r.resourceType != QLatin1String("test")) {
            r.compiledCode.clear();
            r.rawCode.clear();
        }
        into->append(std::move(r));
    }
    return j.ok();
}

// The keys of a map (and its size), without reading the values.
bool readKeys(JsonPull &j, Unmapped *u, bool keepNames)
{
    if (j.peek() == JsonPull::Type::Array) { // `selectors` and some old maps
        j.beginArray();
        while (j.nextElement()) {
            ++u->count;
            j.skipValue();
        }
        return j.ok();
    }
    if (j.peek() != JsonPull::Type::Object)
        return j.skipValue();
    j.beginObject();
    std::string_view key;
    while (j.nextKey(&key)) {
        ++u->count;
        if (keepNames)
            u->names.append(qs(key));
        j.skipValue();
    }
    return j.ok();
}

bool readMetadata(JsonPull &j, Manifest *m, QString *schemaUrl)
{
    if (!j.beginObject())
        return false;
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "dbt_schema_version")
            j.readString(schemaUrl);
        else if (key == "dbt_version")
            j.readScalarText(&m->dbtVersion);
        else if (key == "project_name")
            j.readString(&m->projectName);
        else if (key == "adapter_type")
            j.readString(&m->adapterType);
        else if (key == "invocation_id")
            j.readString(&m->invocationId);
        else
            j.skipValue();
    }
    return j.ok();
}

} // namespace

const Resource *Manifest::find(const QString &uniqueId) const
{
    for (const QList<Resource> *list : {&nodes, &sources, &exposures}) {
        for (const Resource &r : *list) {
            if (r.uniqueId == uniqueId)
                return &r;
        }
    }
    return nullptr;
}

ManifestResult parseManifest(QByteArrayView bytes, const QString &fileName)
{
    ManifestResult result;
    JsonPull j(bytes.data(), bytes.data() + bytes.size());
    auto error = [&](qint64 offset, const QString &message) {
        result.diagnostics.append(interop::jsonError(j, fileName, offset, message));
        return result;
    };
    if (bytes.isEmpty())
        return error(-1, QStringLiteral("the file is empty; expected a dbt manifest.json"));
    if (j.peek() != JsonPull::Type::Object)
        return error(j.offset(), QStringLiteral("not a dbt manifest: the file is not a JSON object "
                                                "(is this manifest.json from dbt's target/ "
                                                "directory?)"));

    Manifest m;
    m.path = fileName;
    QString schemaUrl;
    bool sawMetadata = false, sawNodes = false;
    static const QStringList named = {
        QStringLiteral("metrics"),       QStringLiteral("semantic_models"),
        QStringLiteral("saved_queries"), QStringLiteral("unit_tests"),
        QStringLiteral("groups"),        QStringLiteral("functions"),
        QStringLiteral("disabled"),      QStringLiteral("selectors"),
        QStringLiteral("entities")};
    static const QStringList counted = {QStringLiteral("macros"), QStringLiteral("docs")};
    // Maps that are views of the others, or of no meaning for a contract.
    static const QStringList derived = {QStringLiteral("parent_map"), QStringLiteral("child_map"),
                                        QStringLiteral("group_map"),
                                        QStringLiteral("semantic_manifest")};
    j.beginObject();
    std::string_view key;
    while (j.nextKey(&key)) {
        if (key == "metadata") {
            sawMetadata = true;
            readMetadata(j, &m, &schemaUrl);
        } else if (key == "nodes") {
            sawNodes = true;
            readResourceMap(j, &m.nodes);
        } else if (key == "sources") {
            readResourceMap(j, &m.sources);
        } else if (key == "exposures") {
            readResourceMap(j, &m.exposures);
        } else {
            const QString k = qs(key);
            if (derived.contains(k)) {
                j.skipValue();
                continue;
            }
            Unmapped u;
            u.what = k;
            readKeys(j, &u, !counted.contains(k));
            if (u.count > 0 || (!named.contains(k) && !counted.contains(k)))
                m.unmapped.append(u);
        }
    }
    if (!interop::finishDocument(j))
        return error(j.errorOffset(), QStringLiteral("not valid JSON: %1").arg(j.error()));

    if (!sawMetadata || schemaUrl.isEmpty())
        return error(0,
                     QStringLiteral("not a dbt manifest: no metadata.dbt_schema_version (is this "
                                    "manifest.json from dbt's target/ directory?)"));
    static const QRegularExpression manifestSchema(QStringLiteral("/manifest/v(\\d+)(\\.json)?$"));
    const auto match = manifestSchema.match(schemaUrl);
    if (!match.hasMatch()) {
        const bool otherArtifact = schemaUrl.contains(QLatin1String("run-results")) ||
                                   schemaUrl.contains(QLatin1String("catalog")) ||
                                   schemaUrl.contains(QLatin1String("sources"));
        return error(0, QStringLiteral("not a dbt manifest: its schema is '%1'%2")
                            .arg(schemaUrl, otherArtifact
                                                ? QStringLiteral("; give the manifest.json of the "
                                                                 "same dbt invocation")
                                                : QString()));
    }
    m.schemaVersion = match.captured(1).toInt();
    if (m.schemaVersion < 1)
        return error(0, QStringLiteral("unknown dbt manifest schema version '%1'").arg(schemaUrl));
    if (m.schemaVersion > kKnownManifestSchema)
        result.diagnostics.append(
            {Diagnostic::Severity::Warning, fileName, 0, 0,
             QStringLiteral("manifest schema v%1 is newer than this Vouch knows (v%2); reading it "
                            "as v%2; check the imported contract")
                 .arg(m.schemaVersion)
                 .arg(kKnownManifestSchema)});
    if (!sawNodes)
        return error(0, QStringLiteral("not a dbt manifest: it has no 'nodes'"));

    for (const QList<Resource> *list : {&m.nodes, &m.sources, &m.exposures}) {
        for (const Resource &r : *list) {
            if (r.name.isEmpty()) {
                const auto [line, column] = j.lineColumn(r.offset);
                result.diagnostics.append(
                    {Diagnostic::Severity::Error, fileName, line, column,
                     QStringLiteral("%1 has no 'name'; the manifest is damaged").arg(r.uniqueId)});
            }
        }
    }
    if (hasErrors(result.diagnostics))
        return result;

    if (m.projectName.isEmpty()) {
        QHash<QString, int> perPackage;
        for (const Resource &r : std::as_const(m.nodes))
            ++perPackage[r.packageName];
        int best = -1;
        for (auto it = perPackage.cbegin(); it != perPackage.cend(); ++it) {
            if (it.value() > best || (it.value() == best && it.key() < m.projectName)) {
                best = it.value();
                m.projectName = it.key();
            }
        }
    }
    result.manifest = std::move(m);
    return result;
}

ManifestResult readManifest(const QString &path)
{
    QFile file(path);
    if (const QString problem = interop::openJsonFile(
            file, QStringLiteral("give the path of dbt's target/manifest.json"),
            QStringLiteral("give the manifest.json file (usually in the project's target/ "
                           "directory)"));
        !problem.isEmpty())
        return interop::unreadableArtifact<ManifestResult>(path, problem);
    const qint64 size = file.size();
    if (size == 0)
        return parseManifest(QByteArrayView(), path);
    // Map rather than read: the pages are the page cache's, and the parser
    // touches each byte once.
    if (uchar *mapped = file.map(0, size)) {
        ManifestResult result =
            parseManifest(QByteArrayView(reinterpret_cast<const char *>(mapped), size), path);
        file.unmap(mapped);
        return result;
    }
    const QByteArray bytes = file.readAll();
    return parseManifest(bytes, path);
}

} // namespace vouch::engine::dbt
