#pragma once

#include "engine/contract/contract.h"
#include "engine/contract/diagnostic.h"
#include "engine/run/nodestate.h"
#include "engine/store/statestore.h"

#include <QHash>
#include <QMap>
#include <QSet>
#include <QStringList>

class QTextStream;

namespace vouch::cli {

enum Exit
{
    Ok = 0,
    Caveated = 10,
    Partial = 20,
    Failed = 30,
    BadInput = 2,
    NotAllowed = 4
};

struct Args
{
    QStringList positional;
    QMap<QString, QString> options; // --name value
    QSet<QString> flags;            // --name
    QString error;
};

// Options in `valueOptions` take a value (`--name value` or `--name=value`);
// those in `flagOptions` do not; anything else starting with -- is an error.
Args parseArgs(const QStringList &args, const QStringList &valueOptions,
               const QStringList &flagOptions);

void printDiagnostics(const engine::Diagnostics &diagnostics, QTextStream &err);
int countErrors(const engine::Diagnostics &diagnostics);

// Loads a contract, printing diagnostics; null when it is not valid.
engine::ContractPtr loadContract(const QString &path, QTextStream &err);

QString glyph(engine::NodeState state);
QString currentUser();
QString demoContractPath();
QString defaultDemoDir();
QString defaultStatePath();

// What the node states mean for each section and the report. The trust layer
// (issue 4) will own verdicts; until then this reading follows DESIGN.md's
// policies: a failed dependency of a `block` section fails the report, of a
// `hold` section holds it, of a `caveat` section (or any warning) caveats it.
struct SectionVerdict
{
    QString id;
    QString name;
    QString status;       // safe, caveat, held, blocked, running
    QStringList findings; // "✖ node: business text"
    QString fallback;
};

struct ReportVerdict
{
    QString status; // complete, caveated, partial, failed, running
    int exitCode = Ok;
    QList<SectionVerdict> sections;
};

ReportVerdict computeVerdict(const engine::Contract &contract,
                             const QHash<QString, engine::NodeRunRecord> &nodes);
void printVerdict(const engine::Contract &contract, const ReportVerdict &verdict, QTextStream &out);

} // namespace vouch::cli
