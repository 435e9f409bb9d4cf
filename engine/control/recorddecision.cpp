#include "engine/control/recorddecision.h"

#include "engine/control/identity.h"
#include "engine/graph/graph.h"
#include "engine/store/statestore.h"
#include "engine/util/clock.h"

namespace vouch::engine {

DecisionOutcome recordDecision(StateStore &store, const Contract &contract,
                               const DecisionRequest &request)
{
    DecisionOutcome outcome;
    const Graph graph = Graph::fromContract(contract);
    const QDateTime now = request.now.isValid() ? request.now : clockNow();
    outcome.assessment = assess(store, contract, graph, request.runId, now);
    if (!outcome.assessment)
        return outcome;
    if (request.texts.isEmpty()) {
        outcome.needsText = true;
        outcome.decision.message =
            request.kind == Decision::Kind::Approve
                ? QStringLiteral("an approval needs at least one caveat text")
                : QStringLiteral("a hold needs a reason");
        return outcome;
    }
    outcome.who = request.who.isEmpty() ? whoIsActing(Acting::Decision, &store) : request.who;
    outcome.decision = decide(store, contract, *outcome.assessment, request.kind, outcome.who,
                              request.texts, clockNow());
    if (!outcome.decision.ok)
        return outcome;
    // The decision changes the decisions and what follows from them, not
    // the run: the same snapshot, judged again.
    reassess(store, contract, graph, *outcome.assessment);
    outcome.publicationError =
        writePublication(contract, graph, *outcome.assessment, request.dataDirectory);
    return outcome;
}

} // namespace vouch::engine
