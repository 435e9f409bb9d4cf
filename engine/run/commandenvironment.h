#pragma once

#include "engine/contract/contract.h"
#include "engine/run/warehouseexecutor.h"

#include <QProcessEnvironment>

namespace vouch::engine {

// What every command of an attempt starts from: the engine's environment,
// then the run context's. Built once per attempt, not for every node.
QProcessEnvironment attemptEnvironment(const RunContext &context);

// A node's environment: the attempt's, the node's own `env` (expanded), then
// VOUCH_NODE and the period, which a node cannot change.
QProcessEnvironment nodeEnvironment(QProcessEnvironment base, const Node &node,
                                    const RunContext &context);

} // namespace vouch::engine
