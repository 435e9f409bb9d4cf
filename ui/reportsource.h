#pragma once

#include "engine/contract/contract.h"
#include "engine/util/clock.h"

#include <QDateTime>
#include <QString>

namespace vouch::ui {

// Which run of which report a panel shows, and where its store lives.
struct ReportSource
{
    engine::ContractPtr contract;
    QString statePath;
    QString dataDirectory; // VOUCH_DATA for the publication record
    qint64 runId = 0;

    // The process clock (engine/util/clock.h): the demo's replayed Monday,
    // the pinned clock of the run shown, $VOUCH_NOW, or the wall clock.
    QDateTime now() const { return engine::clockNow(); }
};

} // namespace vouch::ui
