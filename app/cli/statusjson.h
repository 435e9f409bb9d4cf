#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace vouch::engine {
struct NodeRunRecord;
}

namespace vouch::cli {

// One line of `vouch status --json`'s "nodes": a node's id and its row.
struct StatusNode
{
    const QString *id = nullptr;
    const engine::NodeRunRecord *record = nullptr;
};

// `vouch status --json`'s text: `assessment` (assessmentJson()) with a "nodes"
// array, one object per node in the given order, byte for byte as
// QJsonDocument::toJson(Indented) writes it. The node objects are written
// straight into the text rather than built as 100,000 QJsonObjects first
// (docs/perf-notes/i16-status.md); anything unusual in a value (a character
// JSON escapes, a number) is still formatted by Qt itself.
QByteArray statusJson(QJsonObject assessment, const QList<StatusNode> &nodes);

} // namespace vouch::cli
