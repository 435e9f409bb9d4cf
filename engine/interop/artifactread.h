#pragma once

// What the readers of dbt's JSON artifacts (manifest.json, run_results.json,
// sources.json) share: the diagnostics they give about the file and the end
// of a walk over the whole document.

#include "engine/contract/diagnostic.h"
#include "engine/interop/jsonpull.h"

namespace vouch::engine::interop {

// An error on `fileName` at byte `offset` of the text `j` walks (its line and
// column); a negative offset is about the whole file.
inline Diagnostic jsonError(const JsonPull &j, const QString &fileName, qint64 offset,
                            const QString &message)
{
    const auto [line, column] = j.lineColumn(offset);
    return {Diagnostic::Severity::Error, fileName, offset < 0 ? 0 : line, offset < 0 ? 0 : column,
            message};
}

// After the top-level value: text after it is an error. Returns j.ok().
inline bool finishDocument(JsonPull &j)
{
    if (j.ok() && !j.atEnd())
        j.fail(QStringLiteral("unexpected text after the end of the JSON document"));
    return j.ok();
}

// A `Result` (ManifestResult, RunResultsResult) with one error about the
// whole of `path`: it cannot be read (see openJsonFile).
template<typename Result>
Result unreadableArtifact(const QString &path, const QString &problem)
{
    Result result;
    result.diagnostics.append({Diagnostic::Severity::Error, path, 0, 0, problem});
    return result;
}

} // namespace vouch::engine::interop
