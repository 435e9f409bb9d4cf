#pragma once

// The reporting contract: an immutable value built once by the loader
// (contractloader.h) and shared read-only by the graph, the runner, the trust
// layer and the UI. Nothing here touches YAML, SQL or the clock.

#include "engine/contract/businesscalendar.h"
#include "engine/contract/cron.h"
#include "engine/contract/deadline.h"
#include "engine/contract/duration.h"
#include "engine/contract/period.h"
#include "engine/contract/template.h"
#include "engine/contract/threshold.h"
#include "engine/contract/weeklytime.h"
#include "engine/util/boxedoptional.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace vouch::engine {

// The longest id or name a contract may use. Node ids name files (a
// command's log is `<id>.<try>.log`), and a name past the file system's 255
// bytes (NAME_MAX) cannot be created; 128 leaves room for the suffixes.
inline constexpr qsizetype kMaxIdLength = 128;

// 1-based line and column in the contract file; 0 means "not from a file".
struct SourcePos
{
    int line = 0;
    int column = 0;
    friend bool operator==(const SourcePos &, const SourcePos &) = default;
};

enum class NodeKind
{
    Command,
    Sql,
    Freshness,
    Check,
    Publish,
    Noop
};
QString toString(NodeKind kind);
std::optional<NodeKind> nodeKindFromString(const QString &text);
QStringList nodeKindNames();

// What a failure of something a section needs means for the decision.
enum class FailurePolicy
{
    Block,
    Hold,
    Caveat
};
QString toString(FailurePolicy policy);

// Check severity when the contract gives a single `fail_if` / dbt-like severity.
enum class Severity
{
    Warn,
    Error
};

// A value that may be a secret reference. Secrets never live in a contract:
// only `keychain:NAME` or `${ENV}` (or plain non-secret text for fields that
// are not secrets).
struct ValueRef
{
    enum class Kind
    {
        Literal,
        Keychain,
        Environment
    };
    Kind kind = Kind::Literal;
    QString text; // literal text, keychain entry name, or environment variable name
};

struct Connection
{
    QString name;
    enum class Driver
    {
        Sqlite,
        Postgres,
        Mysql, // MySQL and MariaDB (QMYSQL)
        Odbc   // any ODBC driver through unixODBC (QODBC)
    } driver = Driver::Sqlite;
    // The engine the SQL that Vouch itself writes must suit (the publication
    // table, sample-row limits, timestamps, transactions): implied by the
    // driver, chosen with `dialect:` for ODBC.
    enum class Dialect
    {
        Sqlite,
        Postgres,
        Mysql,
        Snowflake,
        SqlServer,
        Databricks,
        Redshift,
        Generic
    } dialect = Dialect::Sqlite;
    QString database; // may contain ${ENV} references, expanded at use
    // ODBC: exactly one of a data source name (odbc.ini) or a connection
    // string whose secrets are `keychain:NAME` / `${ENV}` references only.
    QString dsn;
    QString connectionString;
    QString host;
    int port = 0;
    QString user;
    std::optional<ValueRef> password; // never a literal
    QMap<QString, QString> options;
    SourcePos pos;
    QString file; // the contract it is declared in, as it was named when loaded
};

// "sqlite", "postgres", "mysql", "odbc": what `driver:` is written as.
QString toString(Connection::Driver driver);
// "sqlserver", "snowflake", …: the names `dialect:` takes.
QString toString(Connection::Dialect dialect);
std::optional<Connection::Dialect> dialectFromString(const QString &name);
QStringList dialectNames(); // for "use …" in errors and docs

struct WaitPolicy
{
    Duration every{};
    std::optional<WeeklyTime> until; // wait until this time in the report's week
    std::optional<Duration> upTo;    // or at most this long after the node starts
};

// A node that is one resource of a dbt project (`kind: dbt` in a contract;
// in memory a `command` node that also carries this). The scheduler runs the
// ready dbt nodes of one project together, as one `dbt build --select …`
// (docs/contract.md, "dbt nodes"); `argv` holds the equivalent command for
// this node alone, which is what the node shows and what it would run alone.
struct DbtResource
{
    QString uniqueId;     // model.shop.orders, test.shop.not_null_orders_id.1a2b3c
    QString resourceType; // model, seed, snapshot or test (the unique id's first part)
    QString select;       // a dbt selector that picks exactly this resource
    QString program = QStringLiteral("dbt");
    QString projectDir; // absolute; also the working directory
    QString profilesDir;
    QString target;
    int threads = 0; // --threads; 0: the profile's

    // Nodes with equal keys (and equal `env`) run in one dbt invocation.
    QString batchKey() const;
    // The selector dbt reads for a unique id: `package.name` (fqn) for a
    // model, seed or snapshot (`package.name.vN` for a versioned model), the
    // test's name for a test. Empty when the id is not of those four types.
    static QString selectorFor(const QString &uniqueId);
    static QString typeOf(const QString &uniqueId);
    // `dbt build --select S --indirect-selection empty` with the project
    // options: what this node runs when it runs alone.
    QStringList commandFor(const QStringList &selectors) const;
};

struct Node
{
    QString id;
    NodeKind kind = NodeKind::Noop;
    QString description;
    QStringList needs;
    QString owner;
    QStringList tags;
    QString group; // layer for display: sources, staging, intermediate, marts, checks, publish
    int retries = 0;
    Duration retryDelay{};
    std::optional<Duration> timeout;
    QString pool;

    // command
    QStringList argv; // `run: [prog, arg, ...]`
    QString shell;    // `run: "shell string"` (run with /bin/sh -c)
    QMap<QString, QString> env;
    QString workingDir;
    // dbt (kind Command with this set: see DbtResource)
    BoxedOptional<DbtResource> dbt;

    // sql, freshness, check
    QString connection;
    QStringList statements; // sql: executed in one transaction
    // Where each statement starts: a line of `sqlFile` when the contract used
    // `sql_file:`, else of the contract.
    QList<int> statementLines;
    QString sqlFile; // resolved absolute path when the contract used `sql_file:`

    // freshness: either a query or a file whose modification time is the load time
    QString loadedAt;
    QString path;
    std::optional<Duration> warnAfter;
    std::optional<Duration> errorAfter;
    BoxedOptional<WaitPolicy> wait;
    // `complete_over: period`: every business day of the period has rows in
    // `date_column` (table.column); empty when not asked for.
    QString dateTable;
    QString dateColumn;
    QString completeWhat; // what the rows are, for messages ("orders"); default the table

    // check
    QString value;     // query returning one number
    QString reference; // query returning the reference number for tolerance thresholds
    QString rows;      // query returning sample failing rows
    int sampleLimit = 10;
    BoxedOptional<Threshold> warnIf;
    BoxedOptional<Threshold> errorIf;

    // business text (check, freshness, any node): what a finding means
    BoxedOptional<Template> impact;

    SourcePos pos;
};

struct Section
{
    QString id;
    QString name;
    QStringList needs;
    QStringList sources; // must be upstream of `needs`
    FailurePolicy onFailure = FailurePolicy::Hold;
    QString fallback;
    QString owner;
    std::optional<Template> caveat; // default caveat text when the section is caveated
    std::optional<Template> alert;  // the alert headline when this section is affected
    SourcePos pos;
};

struct EscalationRule
{
    DeadlineRule at; // counted from the period's end, as publish_by is
    enum class Condition
    {
        NotSafe,
        AtRisk,
        Late,
        Always
    } condition = Condition::NotSafe;
    QStringList notify;
    SourcePos pos;
};

struct Report
{
    QString id;
    QString name;
    QByteArray timezone;             // IANA id, validated against the system's zone database
    Cadence cadence = Cadence::Week; // `period:` day, week (the default), month or quarter
    BusinessCalendar calendar;       // `calendar:` workdays and holidays
    CronSchedule schedule;
    bool skipHolidays = false; // the schedule does not fire on non-business days
    DeadlineRule publishBy;
    QString businessOwner;
    QString technicalOwner;
    QStringList approvers;
    QList<EscalationRule> escalation;
    std::optional<Template> alert; // default alert headline for sections without their own
    QList<Section> sections;
    SourcePos pos;
};

// Where alerts go: channels (each a service and a secret reference), routes
// that pick channels by severity, section and owner, and how hard delivery
// tries. Secrets are references ("keychain:NAME" or "${ENV}"), never values.
struct AlertChannel
{
    enum class Type
    {
        Slack,
        Teams,
        PagerDuty,
        Webhook
    };
    QString name;
    Type type = Type::Webhook;
    QString url;           // reference (Slack, Teams, webhook); PagerDuty: optional events URL
    QString routingKey;    // PagerDuty: reference to the integration's routing key
    QString signingSecret; // webhook: optional reference; the body is signed with HMAC-SHA256
    SourcePos pos;
};
QString toString(AlertChannel::Type type);

struct AlertRoute
{
    QStringList severities; // low, medium, high, critical; empty: any
    QStringList sections;   // section ids; empty: any
    QStringList owners;     // owner names; empty: any
    QStringList to;         // channel names
    SourcePos pos;
};

struct DeliveryPolicy
{
    Duration timeout{10};       // per request
    Duration firstRetry{30};    // the first retry's delay; doubles each time, with jitter
    Duration maxRetry{15 * 60}; // the longest delay between tries
    Duration giveUpAfter{6 * 3600};
};

struct Alerting
{
    QMap<QString, AlertChannel> channels;
    QList<AlertRoute> routes;
    QMap<QString, QStringList> owners; // owner -> channels: alerts they own reach these too
    DeliveryPolicy delivery;
    QString link; // a link back, "{alert}" is the alert id, "{run}" the run id; may be empty
    SourcePos pos;
};

struct Contract
{
    int version = 1;
    QString filePath; // absolute path of the file it was loaded from
    // The contract's text as loaded and its SHA-256 (lowercase hex): a run
    // records them, and a publication decision is checked against the
    // contract the run actually ran. Empty for a contract built in code.
    QByteArray sourceText;
    QString sourceSha256;
    Report report;
    QMap<QString, Connection> connections;
    QMap<QString, int> pools; // named pools and their slot counts
    Alerting alerting;
    QList<Node> nodes; // in file order

    const Node *node(const QString &id) const;
    const Section *section(const QString &id) const;
    int edgeCount() const;
};

using ContractPtr = std::shared_ptr<const Contract>;

} // namespace vouch::engine
