#include "engine/store/statestore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>
#include <QVariant>

#include <array>

namespace vouch::engine {

namespace {

// Every timestamp column holds milliseconds since the epoch, UTC (NULL when
// unknown): compact, sortable, cheap to bind, and the same on PostgreSQL
// (bigint). Every write binds its values; no value is ever spliced into SQL.
//
// Migrations: migration N (1-based) brings the schema from N-1 to N. Each one
// runs in its own IMMEDIATE transaction together with the row that records it
// in schema_version, so a crash leaves the store at N-1 or at N, never between.
// Append a migration and bump kSchemaVersion; never edit a shipped one.
using Migration = std::array<const char *, 12>;

constexpr Migration kMigration1 = {
    R"(CREATE TABLE schema_version (
        version INTEGER PRIMARY KEY,
        applied_at INTEGER NOT NULL
    ))",
    R"(CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        report_id TEXT NOT NULL,
        period TEXT NOT NULL,
        contract_path TEXT NOT NULL DEFAULT '',
        created_at INTEGER NOT NULL,
        UNIQUE (report_id, period)
    ))",
    "CREATE INDEX runs_by_created ON runs (created_at, id)",
    "CREATE INDEX runs_by_report_created ON runs (report_id, created_at, id)",
    R"(CREATE TABLE attempts (
        run_id INTEGER NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        who TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL DEFAULT '',
        selection TEXT NOT NULL DEFAULT '[]',
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        PRIMARY KEY (run_id, attempt)
    ) WITHOUT ROWID)",
    // The current row per (run, node, attempt). The key puts node before
    // attempt so that "the latest attempt of each node" is an index walk.
    R"(CREATE TABLE node_runs (
        run_id INTEGER NOT NULL,
        node_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        tries INTEGER NOT NULL DEFAULT 0,
        freshness TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        value REAL,
        reference REAL,
        age_seconds INTEGER,
        observed_at INTEGER,
        sample_rows TEXT,
        log_path TEXT NOT NULL DEFAULT '',
        started_at INTEGER,
        finished_at INTEGER,
        process_group INTEGER NOT NULL DEFAULT 0,
        updated_seq INTEGER NOT NULL,
        PRIMARY KEY (run_id, node_id, attempt),
        FOREIGN KEY (run_id, attempt) REFERENCES attempts (run_id, attempt)
    ) WITHOUT ROWID)",
    // Append-only history of every transition; seq is never reused.
    R"(CREATE TABLE events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        node_id TEXT NOT NULL,
        state TEXT NOT NULL,
        at INTEGER NOT NULL,
        message TEXT NOT NULL DEFAULT ''
    ))",
    "CREATE INDEX events_by_run ON events (run_id, seq)",
    R"(CREATE TRIGGER events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END)",
    R"(CREATE TRIGGER events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END)",
    R"(CREATE TABLE leases (
        key TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    ) WITHOUT ROWID)",
    nullptr,
};

// The trust layer: alerts per root cause, publication decisions, and the
// hash-chained audit log of every decision and request.
constexpr Migration kMigration2 = {
    R"(CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        root_node TEXT NOT NULL,
        state TEXT NOT NULL,
        severity TEXT NOT NULL,
        headline TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}',
        opened_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        resolved_at INTEGER,
        acknowledged_by TEXT,
        acknowledged_at INTEGER,
        acknowledge_note TEXT,
        UNIQUE (run_id, root_node)
    ))",
    R"(CREATE TABLE alert_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        state TEXT NOT NULL,
        severity TEXT NOT NULL,
        headline TEXT NOT NULL,
        at INTEGER NOT NULL
    ))",
    R"(CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        attempt INTEGER NOT NULL,
        kind TEXT NOT NULL,
        section TEXT,
        text TEXT NOT NULL,
        who TEXT NOT NULL,
        at INTEGER NOT NULL
    ))",
    "CREATE INDEX decisions_by_run ON decisions (run_id, id)",
    R"(CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        report_id TEXT NOT NULL,
        period TEXT NOT NULL,
        run_id INTEGER,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    ))",
    R"(CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END)",
    R"(CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END)",
    nullptr,
};

// An attempt's selection (every node id of a first attempt: megabytes for a
// large path) lives beside the attempt, not in it: every node_runs insert
// checks its attempt by foreign key, and that check must not read it.
constexpr Migration kMigration3 = {
    R"(CREATE TABLE attempt_selections (
        run_id INTEGER NOT NULL,
        attempt INTEGER NOT NULL,
        selection TEXT NOT NULL,
        PRIMARY KEY (run_id, attempt),
        FOREIGN KEY (run_id, attempt) REFERENCES attempts (run_id, attempt)
    ) WITHOUT ROWID)",
    "INSERT INTO attempt_selections (run_id, attempt, selection) SELECT run_id, attempt, selection "
    "FROM attempts",
    "ALTER TABLE attempts DROP COLUMN selection",
    nullptr,
};

constexpr std::array<const Migration *, StateStore::kSchemaVersion> kMigrations = {
    &kMigration1, &kMigration2, &kMigration3};

constexpr char kInsertEvent[] =
    "INSERT INTO events (run_id, attempt, node_id, state, at, message) VALUES (?, ?, ?, ?, ?, ?)";

// Runs right after kInsertEvent in the same transaction: last_insert_rowid()
// is that event's seq (node_runs is WITHOUT ROWID, so it does not move it).
constexpr char kUpsertNodeRun[] = R"(
    INSERT INTO node_runs (run_id, node_id, attempt, state, tries, freshness, message, value,
        reference, age_seconds, observed_at, sample_rows, log_path, started_at, finished_at,
        process_group, updated_seq)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, last_insert_rowid())
    ON CONFLICT (run_id, node_id, attempt) DO UPDATE SET
        state = excluded.state,
        tries = max(node_runs.tries, excluded.tries),
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
        updated_seq = excluded.updated_seq
)";

constexpr char kSelectRun[] = R"(
    SELECT r.id, r.report_id, r.period, r.contract_path, r.created_at,
        (SELECT coalesce(max(a.attempt), 0) FROM attempts a WHERE a.run_id = r.id)
    FROM runs r
)";

// Qt binds a null QString as NULL; the text columns are NOT NULL DEFAULT ''.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

QVariant msOrNull(const QDateTime &time)
{
    return time.isValid() ? QVariant(time.toMSecsSinceEpoch()) : QVariant();
}

QDateTime fromMs(const QVariant &value)
{
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

template<typename T>
QVariant optionalOrNull(const std::optional<T> &value)
{
    return value ? QVariant::fromValue(*value) : QVariant();
}

NodeState nodeStateFrom(const QString &text)
{
    static const QHash<QString, NodeState> states = [] {
        QHash<QString, NodeState> map;
        for (int i = int(NodeState::Pending); i <= int(NodeState::Interrupted); ++i)
            map.insert(toString(NodeState(i)), NodeState(i));
        return map;
    }();
    return states.value(text, NodeState::Pending);
}

Freshness freshnessFrom(const QString &text)
{
    for (Freshness f : {Freshness::Fresh, Freshness::StaleWarn, Freshness::StaleError}) {
        if (text == toString(f))
            return f;
    }
    return Freshness::Unknown;
}

QVariant sampleRowsJson(const QList<QStringList> &rows)
{
    if (rows.isEmpty())
        return QVariant();
    QJsonArray array;
    for (const QStringList &row : rows)
        array.append(QJsonArray::fromStringList(row));
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

QList<QStringList> sampleRowsFrom(const QVariant &value)
{
    QList<QStringList> rows;
    if (value.isNull())
        return rows;
    const QJsonArray array = QJsonDocument::fromJson(value.toString().toUtf8()).array();
    for (const QJsonValue &row : array) {
        QStringList cells;
        for (const QJsonValue &cell : row.toArray())
            cells.append(cell.toString());
        rows.append(cells);
    }
    return rows;
}

QStringList stringListFrom(const QString &json)
{
    QStringList list;
    for (const QJsonValue &value : QJsonDocument::fromJson(json.toUtf8()).array())
        list.append(value.toString());
    return list;
}

QString stringListJson(const QStringList &list)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

RunRecord runFrom(const QSqlQuery &query)
{
    RunRecord run;
    run.id = query.value(0).toLongLong();
    run.reportId = query.value(1).toString();
    run.period = query.value(2).toString();
    run.contractPath = query.value(3).toString();
    run.createdAt = fromMs(query.value(4));
    run.latestAttempt = query.value(5).toInt();
    return run;
}

} // namespace

struct StateStore::Private
{
    QString path;
    QString connectionName;
    QSqlDatabase db;
    QString lastError;
    QList<Transition> buffer;
    // Prepared once, re-used by every flush.
    std::optional<QSqlQuery> insertEvent;
    std::optional<QSqlQuery> upsertNodeRun;

    QString describe(const QString &what, const QSqlError &error) const
    {
        return QStringLiteral("state store %1: %2: %3").arg(path, what, error.text());
    }

    bool fail(const QString &what, const QSqlError &error)
    {
        lastError = describe(what, error);
        return false;
    }

    QSqlQuery query()
    {
        QSqlQuery q(db);
        q.setForwardOnly(true);
        return q;
    }

    // Prepares and executes; on failure records lastError. Read queries must
    // be read to the end or destroyed promptly: an unfinished SELECT keeps a
    // WAL snapshot open and hides other connections' writes.
    bool exec(QSqlQuery &q, const QString &sql, const QVariantList &values, const QString &what)
    {
        if (!q.prepare(sql))
            return fail(what, q.lastError());
        for (int i = 0; i < values.size(); ++i)
            q.bindValue(i, values.at(i));
        if (!q.exec())
            return fail(what, q.lastError());
        return true;
    }

    bool exec(const QString &sql, const QString &what)
    {
        QSqlQuery q = query();
        if (!q.exec(sql))
            return fail(what, q.lastError());
        return true;
    }

    // Write transactions take the write lock up front so that busy_timeout
    // applies; a deferred transaction that upgrades could fail at once with
    // SQLITE_BUSY when another connection wrote in between.
    bool begin(const QString &what) { return exec(QStringLiteral("BEGIN IMMEDIATE"), what); }

    bool commit(const QString &what)
    {
        if (exec(QStringLiteral("COMMIT"), what))
            return true;
        rollback();
        return false;
    }

    void rollback()
    {
        QSqlQuery q = query();
        q.exec(QStringLiteral("ROLLBACK"));
    }

    // The schema version of the file: 0 for a new, empty database; -1 (with
    // lastError set) for a file that is not ours.
    int schemaVersion()
    {
        QSqlQuery q = query();
        if (!q.exec(QStringLiteral(
                "SELECT count(*), coalesce(sum(name = 'schema_version'), 0) FROM sqlite_master "
                "WHERE type = 'table' AND name NOT LIKE 'sqlite%'"))) {
            const QSqlError error = q.lastError();
            if (error.nativeErrorCode() == QLatin1String("26")) // SQLITE_NOTADB
                lastError = QStringLiteral("%1 is not a Vouch state store (not an SQLite database)")
                                .arg(path);
            else
                fail(QStringLiteral("cannot read the schema"), error);
            return -1;
        }
        q.next();
        const int tables = q.value(0).toInt();
        const bool versioned = q.value(1).toInt() > 0;
        q.finish();
        if (!versioned) {
            if (tables == 0)
                return 0;
            lastError = QStringLiteral("%1 is not a Vouch state store (an SQLite database without "
                                       "a schema_version table)")
                            .arg(path);
            return -1;
        }
        if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM schema_version"))) {
            fail(QStringLiteral("cannot read the schema version"), q.lastError());
            return -1;
        }
        q.next();
        return q.value(0).toInt();
    }

    bool migrate(int from)
    {
        for (int version = from + 1; version <= kSchemaVersion; ++version) {
            const QString what = QStringLiteral("cannot migrate to schema %1").arg(version);
            if (!begin(what))
                return false;
            // Another process may have migrated while we waited for the lock.
            const int current = schemaVersion();
            if (current < 0) {
                rollback();
                return false;
            }
            if (current >= version) {
                if (!commit(what))
                    return false;
                continue;
            }
            for (const char *statement : *kMigrations[version - 1]) {
                if (!statement)
                    break;
                if (!exec(QString::fromUtf8(statement), what)) {
                    rollback();
                    return false;
                }
            }
            QSqlQuery q = query();
            if (!exec(q,
                      QStringLiteral(
                          "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)"),
                      {version, nowMs()}, what)) {
                rollback();
                return false;
            }
            if (!commit(what))
                return false;
        }
        return true;
    }

    bool prepareFlush()
    {
        if (!insertEvent) {
            QSqlQuery q = query();
            if (!q.prepare(QString::fromUtf8(kInsertEvent)))
                return fail(QStringLiteral("cannot prepare the event insert"), q.lastError());
            insertEvent = std::move(q);
        }
        if (!upsertNodeRun) {
            QSqlQuery q = query();
            if (!q.prepare(QString::fromUtf8(kUpsertNodeRun)))
                return fail(QStringLiteral("cannot prepare the node run upsert"), q.lastError());
            upsertNodeRun = std::move(q);
        }
        return true;
    }

    bool write(const Transition &t)
    {
        const QString state = toString(t.state);
        const QVariant at = t.at.isValid() ? t.at.toMSecsSinceEpoch() : nowMs();

        QSqlQuery &event = *insertEvent;
        event.bindValue(0, t.runId);
        event.bindValue(1, t.attempt);
        event.bindValue(2, t.nodeId);
        event.bindValue(3, state);
        event.bindValue(4, at);
        event.bindValue(5, text(t.message));
        if (!event.exec())
            return fail(QStringLiteral("cannot record %1 of node %2 (run %3, attempt %4)")
                            .arg(state, t.nodeId)
                            .arg(t.runId)
                            .arg(t.attempt),
                        event.lastError());

        QSqlQuery &row = *upsertNodeRun;
        row.bindValue(0, t.runId);
        row.bindValue(1, t.nodeId);
        row.bindValue(2, t.attempt);
        row.bindValue(3, state);
        row.bindValue(4, t.tries);
        row.bindValue(5, text(toString(t.freshness)));
        row.bindValue(6, text(t.message));
        row.bindValue(7, optionalOrNull(t.value));
        row.bindValue(8, optionalOrNull(t.reference));
        row.bindValue(9, optionalOrNull(t.ageSeconds));
        row.bindValue(10, msOrNull(t.observedAt));
        row.bindValue(11, sampleRowsJson(t.sampleRows));
        row.bindValue(12, text(t.logPath));
        row.bindValue(13, t.state == NodeState::Running ? at : QVariant());
        row.bindValue(14, isTerminal(t.state) ? at : QVariant());
        row.bindValue(15, t.processGroup);
        if (!row.exec())
            return fail(QStringLiteral("cannot record %1 of node %2 (run %3, attempt %4)")
                            .arg(state, t.nodeId)
                            .arg(t.runId)
                            .arg(t.attempt),
                        row.lastError());
        return true;
    }

    std::optional<RunRecord> oneRun(const QString &sql, const QVariantList &values,
                                    const QString &what)
    {
        QSqlQuery q = query();
        if (!exec(q, sql, values, what) || !q.next())
            return std::nullopt;
        return runFrom(q);
    }
};

StateStore::StateStore()
    : d(std::make_unique<Private>())
{}

StateStore::~StateStore()
{
    // Every query must be gone before the connection is closed and removed.
    d->insertEvent.reset();
    d->upsertNodeRun.reset();
    if (d->db.isOpen())
        d->db.close();
    d->db = QSqlDatabase();
    if (!d->connectionName.isEmpty())
        QSqlDatabase::removeDatabase(d->connectionName);
}

std::unique_ptr<StateStore> StateStore::open(const QString &path, QString *error)
{
    const auto refuse = [error](const QString &message) {
        if (error)
            *error = message;
        return nullptr;
    };

    const QFileInfo info(path);
    const QString file = info.absoluteFilePath();
    if (info.isDir())
        return refuse(QStringLiteral("state store %1 is a directory, not a file").arg(file));
    if (!QDir().mkpath(info.absolutePath()))
        return refuse(QStringLiteral("cannot create the directory %1 for the state store %2")
                          .arg(info.absolutePath(), file));
    // SQLite would only notice a foreign file at the first query; checking the
    // header first also guarantees we never write to it.
    if (info.exists() && info.size() > 0) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            return refuse(
                QStringLiteral("cannot read state store %1: %2").arg(file, f.errorString()));
        if (f.read(16) != QByteArray("SQLite format 3\0", 16))
            return refuse(
                QStringLiteral("%1 is not a Vouch state store (not an SQLite database)").arg(file));
    }

    std::unique_ptr<StateStore> store(new StateStore);
    Private &p = *store->d;
    p.path = file;
    p.connectionName =
        QStringLiteral("vouch-state-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    p.db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), p.connectionName);
    p.db.setDatabaseName(file);
    p.db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!p.db.open())
        return refuse(p.describe(QStringLiteral("cannot open"), p.db.lastError()));

    // Only connection-local settings before the version check, so that a
    // store from a newer Vouch is left byte for byte as it was.
    if (!p.exec(QStringLiteral("PRAGMA busy_timeout = 5000"), QStringLiteral("cannot configure")) ||
        !p.exec(QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("cannot configure")))
        return refuse(p.lastError);
    const int version = p.schemaVersion();
    if (version < 0)
        return refuse(p.lastError);
    if (version > kSchemaVersion)
        return refuse(QStringLiteral("state store %1 was written by a newer Vouch (schema %2; this "
                                     "Vouch reads up to %3); upgrade Vouch or use another --state "
                                     "file")
                          .arg(file)
                          .arg(version)
                          .arg(kSchemaVersion));

    {
        QSqlQuery q = p.query();
        if (!q.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !q.next())
            return refuse(p.describe(QStringLiteral("cannot switch to WAL"), q.lastError()));
        if (q.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            return refuse(QStringLiteral("state store %1: cannot switch to WAL (journal mode "
                                         "stays %2); is it on a network file system?")
                              .arg(file, q.value(0).toString()));
    }
    if (!p.exec(QStringLiteral("PRAGMA synchronous = NORMAL"),
                QStringLiteral("cannot configure")) ||
        !p.migrate(version))
        return refuse(p.lastError);
    return store;
}

QString StateStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/state.db");
}

QString StateStore::path() const
{
    return d->path;
}

qint64 StateStore::createRun(const QString &reportId, const QString &period,
                             const QString &contractPath)
{
    d->lastError.clear();
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("INSERT INTO runs (report_id, period, contract_path, created_at) "
                                "VALUES (?, ?, ?, ?)"),
                 {text(reportId), text(period), text(contractPath), nowMs()},
                 QStringLiteral("cannot create the run of %1 for %2").arg(reportId, period)))
        return 0;
    return q.lastInsertId().toLongLong();
}

std::optional<RunRecord> StateStore::run(qint64 runId) const
{
    d->lastError.clear();
    return d->oneRun(QString::fromUtf8(kSelectRun) + QStringLiteral(" WHERE r.id = ?"), {runId},
                     QStringLiteral("cannot read run %1").arg(runId));
}

std::optional<RunRecord> StateStore::latestRun(const QString &reportId) const
{
    d->lastError.clear();
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
    d->lastError.clear();
    return d->oneRun(QString::fromUtf8(kSelectRun) +
                         QStringLiteral(" WHERE r.report_id = ? AND r.period = ?"),
                     {reportId, period},
                     QStringLiteral("cannot find the run of %1 for %2").arg(reportId, period));
}

QList<RunRecord> StateStore::runs(const QString &reportId, int limit) const
{
    d->lastError.clear();
    QString sql = QString::fromUtf8(kSelectRun);
    QVariantList values;
    if (!reportId.isEmpty()) {
        sql += QStringLiteral(" WHERE r.report_id = ?");
        values.append(reportId);
    }
    sql += QStringLiteral(" ORDER BY r.created_at DESC, r.id DESC LIMIT ?");
    values.append(limit > 0 ? limit : -1);
    QList<RunRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q, sql, values, QStringLiteral("cannot list runs")))
        return result;
    while (q.next())
        result.append(runFrom(q));
    return result;
}

int StateStore::beginAttempt(qint64 runId, const QString &who, const QString &reason,
                             const QStringList &selection)
{
    d->lastError.clear();
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
                QStringLiteral("INSERT INTO attempts (run_id, attempt, who, reason, started_at) "
                               "VALUES (?, ?, ?, ?, ?)"),
                {runId, attempt, text(who), text(reason), nowMs()}, what) ||
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
    d->lastError.clear();
    QSqlQuery q = d->query();
    d->exec(q,
            QStringLiteral("UPDATE attempts SET finished_at = ? WHERE run_id = ? AND attempt = ?"),
            {nowMs(), runId, attempt},
            QStringLiteral("cannot finish attempt %1 of run %2").arg(attempt).arg(runId));
}

QList<AttemptRecord> StateStore::attempts(qint64 runId) const
{
    d->lastError.clear();
    QList<AttemptRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral(
                     "SELECT a.attempt, a.who, a.reason, coalesce(s.selection, '[]'), "
                     "a.started_at, a.finished_at FROM attempts a LEFT JOIN attempt_selections s "
                     "ON s.run_id = a.run_id AND s.attempt = a.attempt "
                     "WHERE a.run_id = ? ORDER BY a.attempt"),
                 {runId}, QStringLiteral("cannot read the attempts of run %1").arg(runId)))
        return result;
    while (q.next()) {
        AttemptRecord a;
        a.runId = runId;
        a.attempt = q.value(0).toInt();
        a.who = q.value(1).toString();
        a.reason = q.value(2).toString();
        a.selection = stringListFrom(q.value(3).toString());
        a.startedAt = fromMs(q.value(4));
        a.finishedAt = fromMs(q.value(5));
        result.append(a);
    }
    return result;
}

void StateStore::record(const Transition &transition)
{
    Q_ASSERT(transition.runId > 0 && transition.attempt > 0 && !transition.nodeId.isEmpty());
    d->buffer.append(transition);
}

bool StateStore::flush(QString *error)
{
    d->lastError.clear();
    if (d->buffer.isEmpty())
        return true;
    const auto failed = [this, error] {
        if (error)
            *error = d->lastError;
        return false;
    };
    const QString what = QStringLiteral("cannot flush %1 transitions").arg(d->buffer.size());
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

QList<NodeRunRecord> StateStore::nodeRuns(qint64 runId) const
{
    d->lastError.clear();
    QList<NodeRunRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q, QStringLiteral(R"(
            SELECT n.node_id, n.attempt, n.state, n.tries, n.freshness, n.message, n.value,
                n.reference, n.age_seconds, n.observed_at, n.sample_rows, n.log_path,
                n.started_at, n.finished_at, n.process_group
            FROM node_runs n
            WHERE n.run_id = ? AND n.attempt = (SELECT max(m.attempt) FROM node_runs m
                                                WHERE m.run_id = n.run_id AND m.node_id = n.node_id)
            ORDER BY n.node_id)"),
                 {runId}, QStringLiteral("cannot read the nodes of run %1").arg(runId)))
        return result;
    while (q.next()) {
        NodeRunRecord r;
        r.nodeId = q.value(0).toString();
        r.attempt = q.value(1).toInt();
        r.state = nodeStateFrom(q.value(2).toString());
        r.tries = q.value(3).toInt();
        r.freshness = freshnessFrom(q.value(4).toString());
        r.message = q.value(5).toString();
        if (!q.value(6).isNull())
            r.value = q.value(6).toDouble();
        if (!q.value(7).isNull())
            r.reference = q.value(7).toDouble();
        if (!q.value(8).isNull())
            r.ageSeconds = q.value(8).toLongLong();
        r.observedAt = fromMs(q.value(9));
        r.sampleRows = sampleRowsFrom(q.value(10));
        r.logPath = q.value(11).toString();
        r.startedAt = fromMs(q.value(12));
        r.finishedAt = fromMs(q.value(13));
        r.processGroup = q.value(14).toLongLong();
        result.append(r);
    }
    return result;
}

QList<EventRecord> StateStore::events(qint64 runId, qint64 afterSeq) const
{
    d->lastError.clear();
    QList<EventRecord> result;
    QSqlQuery q = d->query();
    if (!d->exec(q,
                 QStringLiteral("SELECT seq, attempt, node_id, state, at, message FROM events "
                                "WHERE run_id = ? AND seq > ? ORDER BY seq"),
                 {runId, afterSeq}, QStringLiteral("cannot read the events of run %1").arg(runId)))
        return result;
    while (q.next()) {
        EventRecord e;
        e.seq = q.value(0).toLongLong();
        e.runId = runId;
        e.attempt = q.value(1).toInt();
        e.nodeId = q.value(2).toString();
        e.state = nodeStateFrom(q.value(3).toString());
        e.at = fromMs(q.value(4));
        e.message = q.value(5).toString();
        result.append(e);
    }
    return result;
}

QStringList StateStore::markInterrupted(qint64 runId, const QString &message)
{
    // Flush first so that what we read includes everything recorded so far.
    if (!flush())
        return {};
    const QList<NodeRunRecord> rows = nodeRuns(runId);
    if (!d->lastError.isEmpty())
        return {};
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList ids;
    for (const NodeRunRecord &row : rows) {
        // Pending nodes never started: they stay pending for the next attempt.
        if (isTerminal(row.state) || row.state == NodeState::Pending)
            continue;
        Transition t;
        t.runId = runId;
        t.attempt = row.attempt;
        t.nodeId = row.nodeId;
        t.state = NodeState::Interrupted;
        t.at = now;
        t.tries = row.tries;
        t.message = message;
        // Kept so that recovery can still find (and kill) an orphaned process group.
        t.processGroup = row.processGroup;
        record(t);
        ids.append(row.nodeId);
    }
    if (!flush())
        return {};
    return ids;
}

bool StateStore::acquireLease(const QString &key, const QString &holder, int ttlSeconds)
{
    Q_ASSERT(!holder.isEmpty() && ttlSeconds > 0);
    d->lastError.clear();
    const QString what = QStringLiteral("cannot acquire the lease %1").arg(key);
    if (!d->begin(what))
        return false;
    const qint64 now = nowMs();
    QString current;
    {
        QSqlQuery q = d->query();
        if (!d->exec(q, QStringLiteral(R"(
                INSERT INTO leases (key, holder, expires_at) VALUES (?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET holder = excluded.holder,
                                                expires_at = excluded.expires_at
                WHERE leases.holder = excluded.holder OR leases.expires_at <= ?)"),
                     {text(key), holder, now + qint64(ttlSeconds) * 1000, now}, what) ||
            !d->exec(q, QStringLiteral("SELECT holder FROM leases WHERE key = ?"), {text(key)},
                     what) ||
            !q.next()) {
            q.finish();
            d->rollback();
            return false;
        }
        current = q.value(0).toString();
    }
    return d->commit(what) && current == holder;
}

void StateStore::releaseLease(const QString &key, const QString &holder)
{
    d->lastError.clear();
    QSqlQuery q = d->query();
    d->exec(q, QStringLiteral("DELETE FROM leases WHERE key = ? AND holder = ?"),
            {text(key), text(holder)}, QStringLiteral("cannot release the lease %1").arg(key));
}

QString StateStore::leaseHolder(const QString &key) const
{
    d->lastError.clear();
    QSqlQuery q = d->query();
    if (!d->exec(q, QStringLiteral("SELECT holder FROM leases WHERE key = ? AND expires_at > ?"),
                 {text(key), nowMs()}, QStringLiteral("cannot read the lease %1").arg(key)) ||
        !q.next())
        return QString();
    return q.value(0).toString();
}

QString StateStore::connectionName() const
{
    return d->connectionName;
}

QString StateStore::lastError() const
{
    return d->lastError;
}

} // namespace vouch::engine
