#pragma once

// A publication decision (approve with caveats, or hold), written once for
// the Report dock and `vouch approve` / `vouch hold`.

#include "engine/trust/assessment.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>
#include <utility>

namespace vouch::engine {

class StateStore;

struct DecisionRequest
{
    qint64 runId = 0;
    Decision::Kind kind = Decision::Kind::Approve;
    // Section id (empty: the whole report) and its caveat or hold reason.
    QList<std::pair<QString, QString>> texts;
    // Who decides; empty: whoIsActing(Acting::Decision, &store).
    QString who;
    // The clock the run is judged by; invalid: the process clock.
    QDateTime now;
    // ${VOUCH_DATA} for the publication record; empty: the environment's.
    QString dataDirectory;
};

struct DecisionOutcome
{
    DecisionResult decision; // ok, or why not (notAllowed: not an approver)
    bool needsText = false;  // no caveat or reason given: nothing was checked
    QString who;             // who decided (or was refused)
    // The run's assessment: after the decision when it was recorded, else
    // as it stands (for suggestions). Empty when the run is not in the store.
    std::optional<Assessment> assessment;
    QString publicationError; // the publication record was not written
};

// Checks the approver against the contract the run ran, records the
// decision on the audit chain, assesses the run once and returns that
// assessment (the one value every view shows afterwards); writes the
// publication record after a recorded decision. On the store's thread.
DecisionOutcome recordDecision(StateStore &store, const Contract &contract,
                               const DecisionRequest &request);

} // namespace vouch::engine
