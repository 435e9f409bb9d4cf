#pragma once

// A report's calendar as the runner, the trust layer and the app use it:
// which period a run at a given instant reports on, when that period's
// report is promised, when escalations fall due, and when the schedule
// fires. Everything takes the instant it judges (an injected clock); nothing
// here reads the wall clock.

#include "engine/contract/contract.h"

#include <QDateTime>
#include <QList>

#include <optional>

namespace vouch::engine {

// The period a run at `at` reports on: the last complete period before it,
// on the report's wall clock (a weekly report run on Monday reports last
// week; a monthly one run on 2 December reports November). A daily report
// whose schedule skips holidays reports the last business day.
Period periodDueAt(const Report &report, const QDateTime &at);

// The period of the report's cadence named by `key`. When the key is not
// one, `error` says what a key of this report looks like ("report 'weekly'
// is weekly: give an ISO week such as 2026-W47").
std::optional<Period> reportPeriod(const Report &report, const QString &key,
                                   QString *error = nullptr);

// When `period`'s report is promised (publish_by), in UTC; invalid when the
// report's zone is unknown.
QDateTime deadlineOf(const Report &report, const Period &period);
// When an escalation rule falls due for `period`, in UTC.
QDateTime escalationDue(const Report &report, const EscalationRule &rule, const Period &period);

// Does the schedule fire on the day of `fire` (in the report's zone)? False
// only on non-business days of a report with `skip_holidays: true`.
bool firesOn(const Report &report, const QDateTime &fire);
// The schedule's first fire after `after` on a day it fires (invalid when it
// never fires again).
QDateTime nextFire(const Report &report, const QDateTime &after);

// What `serve` owes after downtime: one entry per period whose scheduled run
// fell in the last catchUpDays() before `now` and that comes after
// `lastServed` (the newest period the store has a run of), oldest first,
// each period once, with the fire time that made it due. Without
// `lastServed` (a new store): only the latest fire at or before now.
struct OwedRun
{
    Period period;
    QDateTime firedAt; // UTC
};
QList<OwedRun> runsOwed(const Report &report, const std::optional<Period> &lastServed,
                        const QDateTime &now);

// How far back `serve` looks for missed runs: two periods of the report's
// cadence (at least 35 days, so a weekly schedule finds its last fire).
int catchUpDays(Cadence cadence);

} // namespace vouch::engine
