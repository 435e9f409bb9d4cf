// Runs, attempts, transitions (buffered, then flushed in one transaction)
// and the event history.

#include "engine/store/storeprivate.h"
#include "engine/util/clock.h"

#include <QHash>

#include <algorithm>
#include <array>

namespace vouch::engine {

using namespace storedetail;

namespace {

constexpr char kInsertEvent[] =
    "INSERT INTO events (run_id, attempt, node_id, state, at, message, waiting_reason, "
    "waiting_next, waiting_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

// The node row upsert: %1 the VALUES rows, %2 the larger-of function
// (SQLite's max, PostgreSQL's greatest). On SQLite it runs right after
// kInsertEvent in the same transaction, one row at a time: last_insert_rowid()
// is that event's seq (node_runs is WITHOUT ROWID, so it does not move it).
// On PostgreSQL it takes many rows at once, updated_seq bound (the events'
// seqs being known before the insert).
constexpr char kUpsertNodeRun[] = R"(
    INSERT INTO node_runs (run_id, node_id, attempt, state, tries, freshness, message, value,
        reference, age_seconds, observed_at, sample_rows, log_path, started_at, finished_at,
        process_group, waiting_reason, waiting_next, waiting_until, updated_seq)
    VALUES %1
    ON CONFLICT (run_id, node_id, attempt) DO UPDATE SET
        state = excluded.state,
        tries = %2(node_runs.tries, excluded.tries),
        freshness = coalesce(nullif(excluded.freshness, ''), node_runs.freshness),
        message = coalesce(nullif(excluded.message, ''), node_runs.message),
        value = coalesce(excluded.value, node_runs.value),
        reference = coalesce(excluded.reference, node_runs.reference),
        age_seconds = coalesce(excluded.age_seconds, node_runs.age_seconds),
        observed_at = coalesce(excluded.observed_at, node_runs.observed_at),
        sample_rows = coalesce(excluded.sample_rows, node_runs.sample_rows),
        log_path = coalesce(nullif(excluded.log_path, ''), node_runs.log_path),
        started_at = coalesce(node_runs.started_at, excluded.started_at),
        finished_at = excluded.finished_at,
        process_group = excluded.process_group,
        waiting_reason = excluded.waiting_reason,
        waiting_next = excluded.waiting_next,
        waiting_until = excluded.waiting_until,
        updated_seq = excluded.updated_seq
)";

QString upsertNodeRunSql(const QString &values, bool pg)
{
    return QString::fromUtf8(kUpsertNodeRun)
        .arg(values, pg ? QStringLiteral("greatest") : QStringLiteral("max"));
}

constexpr char kSelectRun[] = R"(
    SELECT r.id, r.report_id, r.period, r.contract_path, r.created_at,
        (SELECT coalesce(max(a.attempt), 0) FROM attempts a WHERE a.run_id = r.id),
        r.pinned_clock
    FROM runs r
)";

RunRecord runFrom(const QSqlQuery &query)
{
    return rowFrom(query, &RunRecord::id, &RunRecord::reportId, &RunRecord::period,
                   &RunRecord::contractPath, &RunRecord::createdAt, &RunRecord::latestAttempt,
                   &RunRecord::pinnedClock);
}

constexpr char kEventColumns[] = "e.seq, e.run_id, e.attempt, e.node_id, e.state, e.at, e.message, "
                                 "e.waiting_reason, e.waiting_next, e.waiting_until";

EventRecord eventFrom(const QSqlQuery &q)
{
    EventRecord e =
        rowFrom(q, &EventRecord::seq, &EventRecord::runId, &EventRecord::attempt,
                &EventRecord::nodeId, &EventRecord::state, &EventRecord::at, &EventRecord::message);
    e.waiting = waitingFrom(q, 7);
    return e;
}

} // namespace

bool StateStore::Private::prepareFlush()
{
    if (!insertEvent) {
        auto statement = std::make_unique<SqliteStatement>();
        if (!statement->prepare(db, QString::fromUtf8(kInsertEvent)))
            return fail(QStringLiteral("cannot prepare the event insert"), *statement);
        insertEvent = std::move(statement);
    }
    if (!upsertNodeRun) {
        auto statement = std::make_unique<SqliteStatement>();
        if (!statement->prepare(
                db, upsertNodeRunSql(
                        QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                       "last_insert_rowid())"),
                        false)))
            return fail(QStringLiteral("cannot prepare the node run upsert"), *statement);
        upsertNodeRun = std::move(statement);
    }
    return true;
}

bool StateStore::Private::write(const Transition &t)
{
    const QString state = toString(t.state);
    const QVariant at = t.at.isValid() ? t.at.toMSecsSinceEpoch() : nowMs();

    SqliteStatement &event = *insertEvent;
    event.bind(0, t.runId);
    event.bind(1, t.attempt);
    event.bind(2, t.nodeId);
    event.bind(3, state);
    event.bind(4, at);
    event.bind(5, text(t.message));
    const QVariantList waiting = waitingColumns(t.waiting);
    for (int i = 0; i < waiting.size(); ++i)
        event.bind(6 + i, waiting.at(i));
    if (!event.exec())
        return fail(QStringLiteral("cannot record %1 of node %2 (run %3, attempt %4)")
                        .arg(state, t.nodeId)
                        .arg(t.runId)
                        .arg(t.attempt),
                    event);

    SqliteStatement &row = *upsertNodeRun;
    row.bind(0, t.runId);
    row.bind(1, t.nodeId);
    row.bind(2, t.attempt);
    row.bind(3, state);
    row.bind(4, t.tries);
    row.bind(5, text(toString(t.freshness)));
    row.bind(6, text(t.message));
    row.bind(7, optionalOrNull(t.value));
    row.bind(8, optionalOrNull(t.reference));
    row.bind(9, optionalOrNull(t.ageSeconds));
    row.bind(10, msOrNull(t.observedAt));
    row.bind(11, sampleRowsJson(t.sampleRows));
    row.bind(12, text(t.logPath));
    row.bind(13, t.state == NodeState::Running ? at : QVariant());
    row.bind(14, isTerminal(t.state) ? at : QVariant());
    row.bind(15, t.processGroup);
    for (int i = 0; i < waiting.size(); ++i)
        row.bind(16 + i, waiting.at(i));
    if (!row.exec())
        return fail(QStringLiteral("cannot record %1 of node %2 (run %3, attempt %4)")
                        .arg(state, t.nodeId)
                        .arg(t.runId)
                        .arg(t.attempt),
                    row);
    return true;
}

// PostgreSQL: the batch in a few statements instead of two per
// transition. Events get their seqs under a table lock, so that seq order
// is commit order and a watcher reading "seq > the last I saw" misses
// nothing; node rows are merged per (run, node, attempt) first, because
// one statement may not update the same row twice.
bool StateStore::Private::writePg(const QList<Transition> &batch)
{
    const QString what = QStringLiteral("cannot record %1 transitions").arg(batch.size());
    QSqlQuery q = query();
    if (!exec(QStringLiteral("LOCK TABLE events IN EXCLUSIVE MODE"), what) ||
        !exec(q,
              QStringLiteral("SELECT nextval(pg_get_serial_sequence('events', 'seq')) "
                             "FROM generate_series(1, ?::integer)"),
              {int(batch.size())}, what))
        return false;
    QList<qint64> seqs;
    seqs.reserve(batch.size());
    while (q.next())
        seqs.append(q.value(0).toLongLong());
    q.finish();
    if (seqs.size() != batch.size())
        return fail(what, q.lastError());
    std::sort(seqs.begin(), seqs.end());

    constexpr int kEventRows = 1000;
    for (qsizetype from = 0; from < batch.size(); from += kEventRows) {
        const qsizetype n = std::min<qsizetype>(kEventRows, batch.size() - from);
        QStringList rows;
        QVariantList values;
        for (qsizetype i = from; i < from + n; ++i) {
            const Transition &t = batch.at(i);
            rows.append(QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            values << seqs.at(i) << t.runId << t.attempt << t.nodeId << toString(t.state)
                   << (t.at.isValid() ? t.at.toMSecsSinceEpoch() : nowMs()) << text(t.message)
                   << waitingColumns(t.waiting);
        }
        QSqlQuery insert = query();
        if (!exec(insert,
                  QStringLiteral("INSERT INTO events (seq, run_id, attempt, node_id, state, "
                                 "at, message, waiting_reason, waiting_next, waiting_until) "
                                 "VALUES ") +
                      rows.join(QStringLiteral(", ")),
                  values, what))
            return false;
    }

    // One row per node and attempt, merged as the upsert would merge them.
    struct Row
    {
        QVariantList v; // the 20 columns of kUpsertNodeRun, in order
    };
    QList<Row> merged;
    QHash<QString, qsizetype> index;
    for (qsizetype i = 0; i < batch.size(); ++i) {
        const Transition &t = batch.at(i);
        const qint64 at = t.at.isValid() ? t.at.toMSecsSinceEpoch() : nowMs();
        Row r;
        r.v = {t.runId,
               t.nodeId,
               t.attempt,
               toString(t.state),
               t.tries,
               text(toString(t.freshness)),
               text(t.message),
               optionalOrNull(t.value),
               optionalOrNull(t.reference),
               optionalOrNull(t.ageSeconds),
               msOrNull(t.observedAt),
               sampleRowsJson(t.sampleRows),
               text(t.logPath),
               t.state == NodeState::Running ? QVariant(at) : QVariant(),
               isTerminal(t.state) ? QVariant(at) : QVariant(),
               t.processGroup};
        r.v << waitingColumns(t.waiting) << seqs.at(i);
        const QString key = QStringLiteral("%1\n%2\n%3").arg(t.runId).arg(t.attempt).arg(t.nodeId);
        const auto found = index.constFind(key);
        if (found == index.constEnd()) {
            index.insert(key, merged.size());
            merged.append(r);
            continue;
        }
        QVariantList &old = merged[*found].v;
        const auto nonEmpty = [](const QVariant &v) {
            return !v.isNull() && !v.toString().isEmpty();
        };
        old[3] = r.v[3];
        old[4] = std::max(old[4].toInt(), r.v[4].toInt());
        for (int c : {5, 6, 12}) {
            if (nonEmpty(r.v[c]))
                old[c] = r.v[c];
        }
        for (int c : {7, 8, 9, 10, 11}) {
            if (!r.v[c].isNull())
                old[c] = r.v[c];
        }
        if (old[13].isNull())
            old[13] = r.v[13];
        old[14] = r.v[14];
        for (int c = 15; c < 20; ++c) // process group, waiting, updated_seq: the latest
            old[c] = r.v[c];
    }
    constexpr int kNodeRows = 500;
    for (qsizetype from = 0; from < merged.size(); from += kNodeRows) {
        const qsizetype n = std::min<qsizetype>(kNodeRows, merged.size() - from);
        QStringList rows;
        QVariantList values;
        for (qsizetype i = from; i < from + n; ++i) {
            rows.append(
                QStringLiteral("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
            values += merged.at(i).v;
        }
        QSqlQuery upsert = query();
        if (!exec(upsert, upsertNodeRunSql(rows.join(QStringLiteral(", ")), true), values, what))
            return false;
    }
    return true;
}

std::optional<RunRecord> StateStore::Private::oneRun(const QString &sql, const QVariantList &values,
                                                     const QString &what)
{
    QSqlQuery q = query();
    if (!exec(q, sql, values, what) || !q.next())
        return std::nullopt;
    return runFrom(q);
}

qint64 StateStore::createRun(const QString &reportId, const QString &period,
                             const QString &contractPath)
{
    d->clearError();
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("INSERT INTO runs (report_id, period, contract_path, created_at) "
                                "VALUES (?, ?, ?, ?)"),
                 {text(reportId), text(period), text(contractPath), nowMs()},
                 QStringLiteral("cannot create the run of %1 for %2").arg(reportId, period)))
        return 0;
    return q.lastInsertId().toLongLong();
}

bool StateStore::setPinnedClock(qint64 runId, const QDateTime &judgedAt)
{
    d->clearError();
    QSqlQuery q = d->query();
    return d->exec(q, QStringLiteral("UPDATE runs SET pinned_clock = ? WHERE id = ?"),
                   {judgedAt.isValid() ? QVariant(judgedAt.toMSecsSinceEpoch())
                                       : QVariant(QMetaType::fromType<qint64>()),
                    runId},
                   QStringLiteral("cannot record the clock of run %1").arg(runId));
}

std::optional<RunRecord> StateStore::run(qint64 runId) const
{
    d->clearError();
    return d->oneRun(QString::fromUtf8(kSelectRun) + QStringLiteral(" WHERE r.id = ?"), {runId},
                     QStringLiteral("cannot read run %1").arg(runId));
}

std::optional<RunRecord> StateStore::latestRun(const QString &reportId) const
{
    d->clearError();
    const QString order = QStringLiteral(" ORDER BY r.created_at DESC, r.id DESC LIMIT 1");
    const QString what = QStringLiteral("cannot read the latest run");
    if (reportId.isEmpty())
        return d->oneRun(QString::fromUtf8(kSelectRun) + order, {}, what);
    return d->oneRun(QString::fromUtf8(kSelectRun) + QStringLiteral(" WHERE r.report_id = ?") +
                         order,
                     {reportId}, what);
}

std::optional<RunRecord> StateStore::findRun(const QString &reportId, const QString &period) const
{
    d->clearError();
    return d->oneRun(QString::fromUtf8(kSelectRun) +
                         QStringLiteral(" WHERE r.report_id = ? AND r.period = ?"),
                     {reportId, period},
                     QStringLiteral("cannot find the run of %1 for %2").arg(reportId, period));
}

QList<RunRecord> StateStore::runs(const QString &reportId, int limit) const
{
    d->clearError();
    QString sql = QString::fromUtf8(kSelectRun);
    QVariantList values;
    if (!reportId.isEmpty()) {
        sql += QStringLiteral(" WHERE r.report_id = ?");
        values.append(reportId);
    }
    sql += QStringLiteral(" ORDER BY r.created_at DESC, r.id DESC LIMIT ?");
    // No limit: -1 on SQLite, NULL (LIMIT ALL) on PostgreSQL.
    values.append(limit > 0 ? QVariant(limit) : d->pg ? QVariant() : QVariant(-1));
    QList<RunRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q, sql, values, QStringLiteral("cannot list runs")))
        return result;
    while (q.next())
        result.append(runFrom(q));
    return result;
}

int StateStore::beginAttempt(qint64 runId, const QString &who, const QString &reason,
                             const QStringList &selection, const QString &contractSha256,
                             const QByteArray &contractText)
{
    d->clearError();
    const QString what = QStringLiteral("cannot begin an attempt of run %1").arg(runId);
    if (!d->begin(what))
        return 0;
    int attempt = 0;
    {
        QSqlQuery q = d->query();
        if (!d->exec(q,
                     QStringLiteral("SELECT coalesce(max(attempt), 0) + 1 FROM attempts "
                                    "WHERE run_id = ?"),
                     {runId}, what) ||
            !q.next()) {
            q.finish();
            d->rollback();
            return 0;
        }
        attempt = q.value(0).toInt();
        q.finish();
        if (!d->exec(
                q,
                QStringLiteral("INSERT INTO attempts (run_id, attempt, who, reason, started_at, "
                               "contract_sha256) VALUES (?, ?, ?, ?, ?, ?)"),
                {runId, attempt, text(who), text(reason), nowMs(),
                 contractSha256.isEmpty() ? QVariant(QMetaType::fromType<QString>())
                                          : QVariant(contractSha256)},
                what) ||
            (!contractSha256.isEmpty() &&
             !d->exec(q,
                      QStringLiteral("INSERT INTO contract_texts (sha256, body) VALUES (?, ?) "
                                     "ON CONFLICT (sha256) DO NOTHING"),
                      {contractSha256, contractText}, what)) ||
            !d->exec(q,
                     QStringLiteral("INSERT INTO attempt_selections (run_id, attempt, selection) "
                                    "VALUES (?, ?, ?)"),
                     {runId, attempt, stringListJson(selection)}, what)) {
            d->rollback();
            return 0;
        }
    }
    return d->commit(what) ? attempt : 0;
}

void StateStore::finishAttempt(qint64 runId, int attempt)
{
    d->clearError();
    QSqlQuery q = d->query();
    d->exec(q,
            QStringLiteral("UPDATE attempts SET finished_at = ? WHERE run_id = ? AND attempt = ?"),
            {nowMs(), runId, attempt},
            QStringLiteral("cannot finish attempt %1 of run %2").arg(attempt).arg(runId));
}

QList<AttemptRecord> StateStore::attempts(qint64 runId) const
{
    d->clearError();
    QList<AttemptRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("SELECT a.attempt, a.who, a.reason, coalesce(s.selection, '[]'), "
                                "a.started_at, a.finished_at, a.contract_sha256 "
                                "FROM attempts a LEFT JOIN attempt_selections s "
                                "ON s.run_id = a.run_id AND s.attempt = a.attempt "
                                "WHERE a.run_id = ? ORDER BY a.attempt"),
                 {runId}, QStringLiteral("cannot read the attempts of run %1").arg(runId)))
        return result;
    while (q.next()) {
        AttemptRecord a =
            rowFrom(q, &AttemptRecord::attempt, &AttemptRecord::who, &AttemptRecord::reason,
                    &AttemptRecord::selection, &AttemptRecord::startedAt,
                    &AttemptRecord::finishedAt, &AttemptRecord::contractSha256);
        a.runId = runId;
        result.append(a);
    }
    return result;
}

std::optional<QByteArray> StateStore::contractText(const QString &sha256) const
{
    d->clearError();
    QSqlQuery q = d->query();
    if (!d->exec(q, QStringLiteral("SELECT body FROM contract_texts WHERE sha256 = ?"), {sha256},
                 QStringLiteral("cannot read the contract %1").arg(sha256.left(12))) ||
        !q.next())
        return std::nullopt;
    return q.value(0).toByteArray();
}

void StateStore::record(const Transition &transition)
{
    Q_ASSERT(transition.runId > 0 && transition.attempt > 0 && !transition.nodeId.isEmpty());
    d->buffer.append(transition);
}

bool StateStore::flush(QString *error)
{
    d->clearError();
    if (d->buffer.isEmpty())
        return true;
    const auto failed = [this, error] {
        if (error)
            *error = d->lastError;
        return false;
    };
    const QString what = QStringLiteral("cannot flush %1 transitions").arg(d->buffer.size());
    if (d->pg) {
        if (!d->begin(what))
            return failed();
        if (!d->writePg(d->buffer)) {
            d->rollback();
            return failed(); // the buffer is kept for the next flush
        }
        if (!d->commit(what))
            return failed();
        d->buffer.clear();
        return true;
    }
    if (!d->prepareFlush() || !d->begin(what))
        return failed();
    for (const Transition &t : std::as_const(d->buffer)) {
        if (!d->write(t)) {
            d->rollback();
            // The buffer is kept: a later flush retries (e.g. after a busy timeout).
            return failed();
        }
    }
    if (!d->commit(what))
        return failed();
    d->buffer.clear();
    return true;
}

int StateStore::pending() const
{
    return int(d->buffer.size());
}

// A node row is of the node's latest attempt (the state the node is in).
constexpr char kLatestAttempt[] = "n.attempt = (SELECT max(m.attempt) FROM node_runs m WHERE "
                                  "m.run_id = n.run_id AND m.node_id = n.node_id)";

namespace {

// A state or freshness as stored (its name) from the column's UTF-8 bytes,
// as readColumn() reads it from a QVariant: unknown text is pending/unknown.
NodeState storedState(QByteArrayView text)
{
    static const auto names = [] {
        std::array<QByteArray, int(NodeState::Interrupted) + 1> list;
        for (int i = 0; i < int(list.size()); ++i)
            list[i] = toString(NodeState(i)).toUtf8();
        return list;
    }();
    for (int i = 0; i < int(names.size()); ++i) {
        if (text == names[i])
            return NodeState(i);
    }
    return NodeState::Pending;
}

Freshness storedFreshness(QByteArrayView text)
{
    for (Freshness f : {Freshness::Fresh, Freshness::StaleWarn, Freshness::StaleError}) {
        if (text == toString(f).toUtf8())
            return f;
    }
    return Freshness::Unknown;
}

QDateTime timeAt(const SqliteStatement &s, int column)
{
    return s.isNull(column) ? QDateTime()
                            : QDateTime::fromMSecsSinceEpoch(s.int64At(column), Qt::UTC);
}

// readNodeRuns()'s rows on SQLite, read through SQLite's C API: the same
// conversions as rowFrom() and waitingFrom() on the QSqlQuery path, without a
// QVariant per value (100,000 rows for `vouch status` on a large contract).
NodeRunRecord nodeRunFrom(const SqliteStatement &s)
{
    NodeRunRecord r;
    r.nodeId = s.textAt(0);
    r.attempt = int(s.int64At(1));
    r.state = storedState(s.utf8At(2));
    r.tries = int(s.int64At(3));
    if (!s.isNull(4))
        r.freshness = storedFreshness(s.utf8At(4));
    r.message = s.textAt(5);
    if (!s.isNull(6))
        r.value = s.doubleAt(6);
    if (!s.isNull(7))
        r.reference = s.doubleAt(7);
    if (!s.isNull(8))
        r.ageSeconds = s.int64At(8);
    r.observedAt = timeAt(s, 9);
    if (!s.isNull(10))
        readColumn(QVariant(s.textAt(10)), r.sampleRows);
    r.logPath = s.textAt(11);
    r.startedAt = timeAt(s, 12);
    r.finishedAt = timeAt(s, 13);
    r.processGroup = s.int64At(14);
    if (!s.isNull(15))
        r.waiting = Waiting{s.textAt(15), timeAt(s, 16), timeAt(s, 17)};
    return r;
}

} // namespace

QList<NodeRunRecord> StateStore::Private::readNodeRuns(qint64 runId, bool activeOnly)
{
    clearError();
    QList<NodeRunRecord> result;
    QVariantList values{runId};
    if (activeOnly)
        values << toString(NodeState::Queued) << toString(NodeState::Running)
               << toString(NodeState::Retrying);
    const QString sql =
        QStringLiteral(R"(
            SELECT n.node_id, n.attempt, n.state, n.tries, n.freshness, n.message, n.value,
                n.reference, n.age_seconds, n.observed_at, n.sample_rows, n.log_path,
                n.started_at, n.finished_at, n.process_group, n.waiting_reason, n.waiting_next,
                n.waiting_until
            FROM node_runs n
            WHERE n.run_id = ? AND %1
            ORDER BY n.node_id)")
            .arg(activeOnly
                     ? QStringLiteral("CASE WHEN n.state IN (?, ?, ?) THEN %1 ELSE 1 = 0 END")
                           .arg(QLatin1String(kLatestAttempt))
                     : QLatin1String(kLatestAttempt));
    const QString what = QStringLiteral("cannot read the nodes of run %1").arg(runId);
    if (!pg) {
        SqliteStatement s;
        if (!s.prepare(db, sql)) {
            fail(what, s);
            return result;
        }
        for (int i = 0; i < values.size(); ++i)
            s.bind(i, values.at(i));
        while (s.next())
            result.append(nodeRunFrom(s));
        if (!s.errorString().isEmpty())
            fail(what, s);
        return result;
    }
    QSqlQuery q = query();
    if (!exec(q, sql, values, what))
        return result;
    while (q.next()) {
        NodeRunRecord r = rowFrom(
            q, &NodeRunRecord::nodeId, &NodeRunRecord::attempt, &NodeRunRecord::state,
            &NodeRunRecord::tries, &NodeRunRecord::freshness, &NodeRunRecord::message,
            &NodeRunRecord::value, &NodeRunRecord::reference, &NodeRunRecord::ageSeconds,
            &NodeRunRecord::observedAt, &NodeRunRecord::sampleRows, &NodeRunRecord::logPath,
            &NodeRunRecord::startedAt, &NodeRunRecord::finishedAt, &NodeRunRecord::processGroup);
        r.waiting = waitingFrom(q, 15);
        result.append(std::move(r));
    }
    return result;
}

QList<NodeRunRecord> StateStore::nodeRuns(qint64 runId) const
{
    return d->readNodeRuns(runId, false);
}

QList<NodeRunRecord> StateStore::activeNodeRuns(qint64 runId) const
{
    return d->readNodeRuns(runId, true);
}

QList<EventRecord> StateStore::events(qint64 runId, qint64 afterSeq) const
{
    d->clearError();
    QList<EventRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("SELECT %1 FROM events e WHERE e.run_id = ? AND e.seq > ? ORDER BY "
                                "e.seq")
                     .arg(QLatin1String(kEventColumns)),
                 {runId, afterSeq}, QStringLiteral("cannot read the events of run %1").arg(runId)))
        return result;
    while (q.next())
        result.append(eventFrom(q));
    return result;
}

QStringList StateStore::markInterrupted(qint64 runId, const QString &message)
{
    // Flush first so that what we read includes everything recorded so far.
    if (!flush())
        return {};
    // Pending nodes never started: they stay pending for the next attempt;
    // finished ones stay as they ended.
    const QList<NodeRunRecord> rows = activeNodeRuns(runId);
    if (!d->lastError.isEmpty())
        return {};
    const QDateTime now = clockNow();
    QStringList ids;
    for (const NodeRunRecord &row : rows) {
        if (isTerminal(row.state) || row.state == NodeState::Pending)
            continue;
        Transition t = makeTransition(runId, row.attempt, row.nodeId, NodeState::Interrupted, now);
        t.tries = row.tries;
        t.message = message;
        // Kept so that recovery can still find (and kill) an orphaned process group.
        t.processGroup = row.processGroup;
        record(t);
        ids.append(row.nodeId);
    }
    if (!flush())
        return {};
    // The attempt that died never finished itself: it ends now, at recovery,
    // so that history shows when it was known to be over (callers hold the
    // run's lease, so no live process is still in it).
    // On failure lastError() says so; the nodes are interrupted all the same.
    QSqlQuery q = d->query();
    d->exec(q,
            QStringLiteral("UPDATE attempts SET finished_at = ? WHERE run_id = ? AND "
                           "finished_at IS NULL"),
            {nowMs(), runId},
            QStringLiteral("cannot finish the interrupted attempts of run %1").arg(runId));
    return ids;
}

QList<EventRecord> StateStore::eventsSince(qint64 afterSeq, const QString &reportId,
                                           int limit) const
{
    d->clearError();
    QList<EventRecord> result;
    QSqlQuery q = d->query();
    QString sql = QStringLiteral("SELECT %1 FROM events e").arg(QLatin1String(kEventColumns));
    QVariantList values;
    if (!reportId.isEmpty()) {
        sql +=
            QStringLiteral(" JOIN runs r ON r.id = e.run_id WHERE r.report_id = ? AND e.seq > ?");
        values << reportId;
    } else {
        sql += QStringLiteral(" WHERE e.seq > ?");
    }
    sql += QStringLiteral(" ORDER BY e.seq LIMIT ?");
    values << afterSeq << limit;
    if (!d->exec(q, sql, values, QStringLiteral("cannot read the events")))
        return result;
    while (q.next())
        result.append(eventFrom(q));
    return result;
}

qint64 StateStore::lastEventSeq() const
{
    d->clearError();
    QSqlQuery q = d->query();
    if (!d->exec(q, QStringLiteral("SELECT coalesce(max(seq), 0) FROM events"), {},
                 QStringLiteral("cannot read the events")) ||
        !q.next())
        return 0;
    return q.value(0).toLongLong();
}

} // namespace vouch::engine
