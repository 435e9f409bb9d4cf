#pragma once

#include "app/cli/common.h"

class QTextStream;

namespace vouch::engine {
class StateStore;
struct Contract;
} // namespace vouch::engine

namespace vouch::cli {

// vouch alerts [FILE] [--state DB] [--json]; vouch alerts deliver [FILE] [--for DURATION]
int alertsCommand(const QStringList &args, QTextStream &out, QTextStream &err);
// vouch secret set NAME | delete NAME | list
int secretCommand(const QStringList &args, QTextStream &out, QTextStream &err);

// After an assessment: the alert changes become outbox rows and every row
// that is due is tried once (waiting at most for those requests). Prints a
// line when something was sent or is waiting.
void deliverAlerts(engine::StateStore &store, const engine::Contract &contract, QTextStream &out);

} // namespace vouch::cli
