#pragma once

#include "engine/contract/contract.h"
#include "engine/contract/diagnostic.h"
#include "engine/graph/nodestate.h"
#include "engine/store/statestore.h"
#include "engine/trust/assessment.h"

#include <QJsonObject>

#include <memory>
#include <optional>

#include <QHash>
#include <QMap>
#include <QSet>
#include <QStringList>

class QTextStream;

namespace vouch::engine {
class Graph;
}

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
    QMap<QString, QString> options;   // --name value
    QSet<QString> flags;              // --name
    QMap<QString, QStringList> lists; // every value of a repeated --name
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
QString demoContractPath();
QString defaultDemoDir();
QString defaultStatePath();

// The store, the latest run (of FILE's report when FILE is given) and its
// contract (FILE, or the one the run was made from), for status, rerun,
// approve, hold and impact. Prints "vouch COMMAND: ..." and returns nullopt
// on any problem.
struct LatestRun
{
    std::unique_ptr<engine::StateStore> store;
    engine::ContractPtr contract;
    engine::RunRecord run;
};
// Write: opens (and migrates) the store as every writing command does.
// ReadWhereUnwritable: for a command that can do without writing (status):
// a store this user cannot write is opened read-only (StateStore::openReadOnly).
enum class StoreAccess
{
    Write,
    ReadWhereUnwritable
};
std::optional<LatestRun> openLatestRun(const QString &command, const QString &statePath,
                                       const QString &file, QTextStream &err,
                                       StoreAccess access = StoreAccess::Write);

// Prints the sections, the open alerts in full, and the report's status.
void printAssessment(const engine::Contract &contract, const engine::Assessment &assessment,
                     QTextStream &out);
// The assessment as the stable JSON of `vouch status --json`.
QJsonObject assessmentJson(const engine::Assessment &assessment);

// The clock a command judges time by (engine/util/clock.h): takes `--now ISO`
// (or `--now=ISO`) out of `args`, else reads $VOUCH_NOW, and pins the process
// clock to it. False, after saying why, when the instant is not valid.
bool takeClockOption(QStringList &args, const QString &command, QTextStream &err);
// A run judged under a pinned clock (the demo) is judged at that clock again
// unless --now or $VOUCH_NOW says otherwise: the same verdict and times as
// the command that ran it printed.
void followRunClock(const engine::RunRecord &run);

} // namespace vouch::cli
