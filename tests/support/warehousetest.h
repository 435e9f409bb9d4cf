#pragma once

// What the warehouse tests (PostgreSQL, MariaDB, ODBC) share: a contract
// loaded from text, its problems printed, and a run context on a pinned
// clock (the Monday after 2026-W47), so that ages never depend on today.

#include "engine/contract/contractloader.h"
#include "engine/run/warehouseexecutor.h"

#include <QDateTime>
#include <QTimeZone>

namespace vouch::test {

inline engine::ContractPtr loadContractText(const QByteArray &text)
{
    const engine::LoadResult r =
        engine::ContractLoader::loadText(text, QStringLiteral("t.yaml"), QString());
    if (!r.ok()) {
        for (const engine::Diagnostic &d : r.diagnostics)
            qWarning("%s", qPrintable(d.format()));
    }
    return r.contract;
}

inline engine::RunContext pinnedWeekContext()
{
    engine::RunContext c = *engine::contextForPeriod(
        QStringLiteral("2026-W47"), QDateTime(QDate(2026, 11, 30), QTime(6, 0), QTimeZone::utc()));
    c.clockFixed = true;
    return c;
}

} // namespace vouch::test
