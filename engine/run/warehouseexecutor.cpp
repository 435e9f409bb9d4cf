#include "engine/run/warehouseexecutor.h"

#include "engine/calendar/completeness.h"
#include "engine/calendar/reportcalendar.h"
#include "engine/run/dialect.h"
#include "engine/run/warehouseconnection.h"
#include "engine/util/clock.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>
#include <QSqlRecord>

#include <cmath>

namespace vouch::engine {

QDateTime freshnessWaitLimit(const WaitPolicy &wait, const QDateTime &firstStart,
                             const QTimeZone &zone)
{
    if (wait.upTo)
        return firstStart.addSecs(wait.upTo->count());
    if (wait.until)
        return wait.until->nextAtOrAfter(firstStart, zone).toUTC();
    return firstStart;
}

QString expandEnvironment(const QString &text, const RunContext &context)
{
    static const QRegularExpression ref(QStringLiteral("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}"));
    QString result;
    qsizetype last = 0;
    auto it = ref.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        result += text.mid(last, m.capturedStart() - last);
        const QString name = m.captured(1);
        result += context.env.contains(name) ? context.env.value(name)
                                             : qEnvironmentVariable(name.toUtf8().constData());
        last = m.capturedEnd();
    }
    result += text.mid(last);
    return result;
}

namespace {

// Binds only the run parameters that the statement mentions, by name.
QString parameterValue(const QString &name, const RunContext &context)
{
    if (name == QLatin1String("period_start"))
        return context.periodStart.toString(Qt::ISODate);
    if (name == QLatin1String("period_end"))
        return context.periodEndExclusive.toString(Qt::ISODate);
    if (name == QLatin1String("period"))
        return context.period;
    return context.now.toUTC().toString(Qt::ISODate);
}

bool prepareAndBind(QSqlQuery &query, const QString &sql, const RunContext &context)
{
    if (!query.prepare(sql))
        return false;
    static const QRegularExpression param(
        QStringLiteral("(?<!:):(period_start|period_end|period|now)\\b"));
    auto it = param.globalMatch(sql);
    QSet<QString> bound;
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (bound.contains(name))
            continue;
        bound.insert(name);
        query.bindValue(QLatin1Char(':') + name, parameterValue(name, context));
    }
    return true;
}

// PostgreSQL's PREPARE, which Qt's QPSQL prepares with, takes only queries
// and DML, and MySQL's prepared statements refuse CREATE PROCEDURE and the
// like: a sql node's other statements (CREATE TABLE … AS, CREATE FUNCTION)
// are not prepared there.
bool preparable(const Connection &connection, const QString &statement)
{
    if (connection.driver != Connection::Driver::Postgres &&
        connection.driver != Connection::Driver::Mysql)
        return true;
    static const QRegularExpression lead(
        // Possessive: a comment is skipped whole, never searched for a word.
        QStringLiteral("^(?:\\s|--[^\\n]*+\\n?|#[^\\n]*+\\n?|/\\*.*?\\*/|\\()*+"
                       "(select|insert|update|delete|values|with|merge|table|replace|call)\\b"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    return lead.match(statement).hasMatch();
}

// The statement with the run's parameters as literals that the driver
// quotes (QSqlDriver::formatValue), as QPSQL itself sends the values of
// every prepared statement (EXECUTE name (values)). The values are the
// run's own (ISO dates, the period key, the clock), never input; names in
// quotes and comments are left alone.
QString withLiterals(const QString &sql, const QSqlDriver *driver, const RunContext &context)
{
    QString out;
    out.reserve(sql.size() + 64);
    QChar quote;
    for (qsizetype i = 0; i < sql.size(); ++i) {
        const QChar c = sql.at(i);
        if (!quote.isNull()) {
            out += c;
            if (c == quote)
                quote = QChar();
            continue;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
        } else if (c == QLatin1Char('-') && sql.mid(i, 2) == QLatin1String("--")) {
            const qsizetype end = sql.indexOf(QLatin1Char('\n'), i);
            const qsizetype stop = end < 0 ? sql.size() : end;
            out += sql.mid(i, stop - i);
            i = stop - 1;
            continue;
        } else if (c == QLatin1Char(':') && (i == 0 || sql.at(i - 1) != QLatin1Char(':'))) {
            static const QRegularExpression param(
                QStringLiteral("\\G:(period_start|period_end|period|now)\\b"));
            if (const auto m = param.match(sql, i); m.hasMatch()) {
                QSqlField field{QString(), QMetaType(QMetaType::QString)};
                field.setValue(parameterValue(m.captured(1), context));
                out += driver->formatValue(field);
                i += m.capturedLength() - 1;
                continue;
            }
        }
        out += c;
    }
    return out;
}

QString firstLine(const QString &text)
{
    return text.section(QLatin1Char('\n'), 0, 0).trimmed();
}

std::optional<double> singleNumber(QSqlQuery &query, QString *error)
{
    if (!query.next()) {
        *error = QStringLiteral("the query returned no rows; it must return one number");
        return std::nullopt;
    }
    const QVariant v = query.value(0);
    if (v.isNull())
        return 0.0; // SQL aggregates over nothing: count is 0, sum is null
    bool ok = false;
    const double d = v.toDouble(&ok);
    if (!ok) {
        *error = QStringLiteral("the query returned '%1', not a number").arg(v.toString().left(60));
        return std::nullopt;
    }
    return d;
}

QString formatNumber(double value)
{
    if (std::floor(value) == value && std::abs(value) < 1e15)
        return QString::number(qint64(value));
    return QString::number(value, 'f', 2);
}

QString ageText(qint64 seconds)
{
    if (seconds < 3600)
        return QStringLiteral("%1m").arg(seconds / 60);
    if (seconds < 48 * 3600)
        return QStringLiteral("%1h%2m").arg(seconds / 3600).arg((seconds % 3600) / 60);
    return QStringLiteral("%1d%2h").arg(seconds / 86400).arg((seconds % 86400) / 3600);
}

} // namespace

RunContext contextFor(const Period &period, const QDateTime &now)
{
    RunContext context;
    context.now = now.isValid() ? now.toUTC() : clockNow();
    context.periodStart = period.start;
    context.periodEndExclusive = period.end;
    context.period = period.key();
    return context;
}

RunContext contextForReport(const Report &report, const QDateTime &now)
{
    return contextFor(periodDueAt(report, now), now);
}

QString withConnection(const Connection &connection, const RunContext &context,
                       const std::function<QString(QSqlDatabase &db)> &work)
{
    ScopedDatabase scoped(connection, context);
    if (!scoped.error().isEmpty())
        return scoped.error();
    QSqlDatabase db = scoped.db();
    return work(db);
}

namespace {
// The node could not do its work (a connection or a query failed): retryable,
// unlike a finding.
NodeOutcome failedToExecute(const QString &message)
{
    NodeOutcome outcome;
    outcome.state = NodeState::Failed;
    outcome.executionError = true;
    outcome.message = message;
    return outcome;
}

// " (models/stg_orders.sql:14)": where the statement at `index` starts, the
// sql_file relative to the contract when it is beside it.
QString statementWhere(const Contract &contract, const Node &node, qsizetype index)
{
    const int line = node.statementLines.value(index);
    if (line <= 0)
        return QString();
    QString file = node.sqlFile.isEmpty() ? contract.filePath : node.sqlFile;
    if (file.isEmpty())
        return QString();
    if (!contract.filePath.isEmpty()) {
        const QString relative = QFileInfo(contract.filePath).dir().relativeFilePath(file);
        if (!relative.startsWith(QLatin1String("..")))
            file = relative;
    }
    return QStringLiteral(" (%1:%2)").arg(file).arg(line);
}

NodeOutcome runSqlNode(const Contract &contract, const Node &node, const RunContext &context,
                       const CancellerPtr &canceller);
NodeOutcome runFreshnessNode(const Contract &contract, const Node &node, const RunContext &context,
                             const CancellerPtr &canceller);
NodeOutcome runCheckNode(const Contract &contract, const Node &node, const RunContext &context,
                         const CancellerPtr &canceller);
} // namespace

std::optional<RunContext> contextForPeriod(const QString &period, const QDateTime &now)
{
    const auto parsed = Period::parse(period);
    if (!parsed)
        return std::nullopt;
    return contextFor(*parsed, now);
}

NodeOutcome executeWarehouseNode(const Contract &contract, const Node &node,
                                 const RunContext &context, const CancellerPtr &canceller)
{
    QElapsedTimer timer;
    timer.start();
    NodeOutcome outcome;
    switch (node.kind) {
    case NodeKind::Sql:
        outcome = runSqlNode(contract, node, context, canceller);
        break;
    case NodeKind::Freshness:
        outcome = runFreshnessNode(contract, node, context, canceller);
        break;
    case NodeKind::Check:
        outcome = runCheckNode(contract, node, context, canceller);
        break;
    default:
        outcome.state = NodeState::Failed;
        outcome.message = QStringLiteral("not a warehouse node");
        break;
    }
    outcome.id = node.id;
    outcome.durationMs = timer.elapsed();
    return outcome;
}

namespace {

NodeOutcome runSqlNode(const Contract &contract, const Node &node, const RunContext &context,
                       const CancellerPtr &canceller)
{
    NodeOutcome outcome;
    const Connection connection = contract.connections.value(node.connection);
    ScopedDatabase scoped(connection, context);
    if (!scoped.error().isEmpty()) {
        return failedToExecute(scoped.error());
    }
    QSqlDatabase db = scoped.db();
    // One transaction for the node's statements. On SQLite the write lock
    // is taken up front (BEGIN IMMEDIATE): a deferred transaction that reads
    // first and writes later cannot wait for another writer; SQLite fails it
    // at once ("unable to fetch row"), which under load failed a node whose
    // SQL was fine. Waiting is what the busy timeout is for.
    if (const QString e = beginTransaction(db, connection); !e.isEmpty())
        return failedToExecute(QStringLiteral("cannot start a transaction: %1").arg(firstLine(e)));
    int index = 0;
    for (const QString &statement : node.statements) {
        ++index;
        QSqlQuery query(db);
        const bool ran =
            preparable(connection, statement)
                ? prepareAndBind(query, statement, context) && scoped.exec(query, canceller)
                : scoped.execDirect(query, withLiterals(statement, db.driver(), context),
                                    canceller);
        if (!ran) {
            const QString message = QStringLiteral("statement %1 of %2 of node '%3'%4 failed: %5")
                                        .arg(index)
                                        .arg(node.statements.size())
                                        .arg(node.id, statementWhere(contract, node, index - 1),
                                             scoped.describe(query.lastError()));
            query.finish();
            rollbackTransaction(db, connection);
            return failedToExecute(message);
        }
    }
    if (const QString e = commitTransaction(db, connection); !e.isEmpty()) {
        rollbackTransaction(db, connection);
        return failedToExecute(QStringLiteral("commit failed: %1").arg(firstLine(e)));
    }
    outcome.state = NodeState::Succeeded;
    outcome.message = QStringLiteral("%1 statement(s)").arg(node.statements.size());
    return outcome;
}

// `complete_over: period`: the business days of the run's period (up to
// yesterday, for a period still running) that have no rows. Missing days
// fail the source, name the days, and list them as the node's sample rows
// (the inspector shows them).
void checkCompleteness(const Contract &contract, const Node &node, const RunContext &context,
                       const CancellerPtr &canceller, NodeOutcome &outcome)
{
    const std::optional<Period> period = Period::parse(context.period);
    if (!period) {
        outcome = failedToExecute(
            QStringLiteral("cannot check completeness: '%1' is not a period").arg(context.period));
        return;
    }
    ScopedDatabase scoped(contract.connections.value(node.connection), context);
    if (!scoped.error().isEmpty()) {
        outcome = failedToExecute(scoped.error());
        return;
    }
    // Identifiers come from the contract, checked by the loader to be plain
    // names; the period's dates are bound.
    const QString column = node.dateColumn;
    const QString sql =
        QStringLiteral("SELECT DISTINCT substr(CAST(%1 AS TEXT), 1, 10) FROM %2 WHERE %1 >= "
                       ":period_start AND %1 < :period_end")
            .arg(column, node.dateTable);
    QSqlQuery query(scoped.db());
    if (!prepareAndBind(query, sql, context) || !scoped.exec(query, canceller)) {
        outcome = failedToExecute(
            QStringLiteral("the completeness query of node '%1' on %2.%3 failed: %4")
                .arg(node.id, node.dateTable, column, scoped.describe(query.lastError())));
        return;
    }
    QSet<QDate> present;
    while (query.next()) {
        const QDate day = QDate::fromString(query.value(0).toString(), Qt::ISODate);
        if (day.isValid())
            present.insert(day);
    }
    const QDate today = context.now.toTimeZone(QTimeZone(contract.report.timezone)).date();
    const QDate through = today <= period->lastDay() ? today.addDays(-1) : QDate();
    const Completeness c = completenessOver(*period, contract.report.calendar, present, through);
    if (c.complete()) {
        outcome.message += QStringLiteral("; all %1 business days of %2 have rows")
                               .arg(c.expected.size())
                               .arg(period->key());
        return;
    }
    const QString what = node.completeWhat.isEmpty() ? node.dateTable : node.completeWhat;
    // Fresh as measured (the badge keeps the age), failed for the days.
    outcome.state = NodeState::Failed;
    outcome.message = QStringLiteral("%1 (%2)").arg(c.describe(what), outcome.message);
    outcome.sampleRows = {{QStringLiteral("missing business day")}};
    for (const QDate &day : c.missing)
        outcome.sampleRows.append({day.toString(Qt::ISODate)});
}

NodeOutcome runFreshnessNode(const Contract &contract, const Node &node, const RunContext &context,
                             const CancellerPtr &canceller)
{
    NodeOutcome outcome;
    QDateTime loaded;
    if (!node.path.isEmpty()) {
        const QFileInfo info(expandEnvironment(node.path, context));
        if (!info.exists()) {
            outcome.state = NodeState::Failed;
            outcome.freshness = Freshness::StaleError;
            outcome.message = QStringLiteral("file %1 does not exist").arg(info.filePath());
            return outcome;
        }
        loaded = info.lastModified().toUTC();
    } else {
        const Connection connection = contract.connections.value(node.connection);
        ScopedDatabase scoped(connection, context);
        if (!scoped.error().isEmpty()) {
            return failedToExecute(scoped.error());
        }
        QSqlQuery query(scoped.db());
        if (!prepareAndBind(query, node.loadedAt, context) || !scoped.exec(query, canceller)) {
            return failedToExecute(QStringLiteral("the loaded_at query of node '%1' failed: %2")
                                       .arg(node.id, scoped.describe(query.lastError())));
        }
        if (query.next())
            loaded = warehouseTimestamp(query.value(0), connection.driver);
        if (!loaded.isValid()) {
            // No load at all is the stalest a source can be.
            outcome.state = NodeState::Failed;
            outcome.freshness = Freshness::StaleError;
            outcome.message = QStringLiteral("no load found (loaded_at returned nothing)");
            return outcome;
        }
    }
    outcome.observedAt = loaded;
    const qint64 age = std::max<qint64>(0, loaded.secsTo(context.now));
    outcome.ageSeconds = age;
    if (node.errorAfter && age > node.errorAfter->count()) {
        outcome.freshness = Freshness::StaleError;
        outcome.state = NodeState::Failed;
    } else if (node.warnAfter && age > node.warnAfter->count()) {
        outcome.freshness = Freshness::StaleWarn;
        outcome.state = NodeState::Warned;
    } else {
        outcome.freshness = Freshness::Fresh;
        outcome.state = NodeState::Succeeded;
    }
    outcome.message = QStringLiteral("last load %1 ago (%2)")
                          .arg(ageText(age), loaded.toUTC().toString(Qt::ISODate));
    if (!node.dateColumn.isEmpty() && outcome.state != NodeState::Failed)
        checkCompleteness(contract, node, context, canceller, outcome);
    return outcome;
}

NodeOutcome runCheckNode(const Contract &contract, const Node &node, const RunContext &context,
                         const CancellerPtr &canceller)
{
    NodeOutcome outcome;
    const Connection connection = contract.connections.value(node.connection);
    ScopedDatabase scoped(connection, context);
    if (!scoped.error().isEmpty()) {
        return failedToExecute(scoped.error());
    }
    auto number = [&](const QString &sql, const char *what) -> std::optional<double> {
        QSqlQuery query(scoped.db());
        QString error;
        if (!prepareAndBind(query, sql, context) || !scoped.exec(query, canceller)) {
            outcome.message =
                QStringLiteral("the %1 query of node '%2' failed: %3")
                    .arg(QString::fromLatin1(what), node.id, scoped.describe(query.lastError()));
            return std::nullopt;
        }
        auto v = singleNumber(query, &error);
        if (!v)
            outcome.message = QStringLiteral("%1 query: %2").arg(QString::fromLatin1(what), error);
        return v;
    };
    outcome.value = number(node.value, "value");
    if (!outcome.value) {
        outcome.state = NodeState::Failed;
        outcome.executionError = true;
        return outcome;
    }
    if (!node.reference.isEmpty()) {
        outcome.reference = number(node.reference, "reference");
        if (!outcome.reference) {
            outcome.state = NodeState::Failed;
            outcome.executionError = true;
            return outcome;
        }
    }
    const bool error = node.errorIf && node.errorIf->matches(*outcome.value, outcome.reference);
    const bool warn =
        !error && node.warnIf && node.warnIf->matches(*outcome.value, outcome.reference);
    outcome.state = error ? NodeState::Failed : warn ? NodeState::Warned : NodeState::Succeeded;
    const Threshold *fired = error ? &*node.errorIf : warn ? &*node.warnIf : nullptr;
    outcome.message = outcome.reference
                          ? QStringLiteral("value %1 against reference %2")
                                .arg(formatNumber(*outcome.value), formatNumber(*outcome.reference))
                          : QStringLiteral("value %1").arg(formatNumber(*outcome.value));
    if (fired)
        outcome.message +=
            QStringLiteral(" (%1 if %2)")
                .arg(error ? QStringLiteral("error") : QStringLiteral("warn"), fired->text);
    if (fired && !node.rows.isEmpty()) {
        // Limited on the server where the dialect can; the user's query as
        // written when the limited form fails (an ORDER BY that SQL Server
        // refuses in a derived table, say) or the dialect cannot.
        QSqlQuery rows(scoped.db());
        const QString limited = limitRows(connection.dialect, node.rows, node.sampleLimit);
        bool ran = !limited.isEmpty() && prepareAndBind(rows, limited, context) &&
                   scoped.exec(rows, canceller);
        if (!ran) {
            rows = QSqlQuery(scoped.db());
            ran = prepareAndBind(rows, node.rows, context) && scoped.exec(rows, canceller);
        }
        if (ran) {
            QStringList header;
            for (int c = 0; c < rows.record().count(); ++c)
                header << rows.record().fieldName(c);
            outcome.sampleRows.append(header);
            while (outcome.sampleRows.size() <= node.sampleLimit && rows.next()) {
                QStringList row;
                for (int c = 0; c < header.size(); ++c)
                    row << rows.value(c).toString();
                outcome.sampleRows.append(row);
            }
        }
    }
    return outcome;
}

} // namespace

} // namespace vouch::engine
