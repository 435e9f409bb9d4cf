// `connections:` and `pools:`, and the secrets a connection or channel names.
#include "engine/contract/connectionstring.h"
#include "engine/contract/loader/loaderstate.h"
#include "engine/util/suggest.h"

#include <QRegularExpression>

namespace vouch::engine::loader {

namespace {
const QStringList kDriverNames = {QStringLiteral("sqlite"), QStringLiteral("postgres"),
                                  QStringLiteral("mysql"), QStringLiteral("mariadb"),
                                  QStringLiteral("odbc")};
} // namespace

void ContractBuilder::readConnections(const YNode &map, Contract &c, SourcePos pos)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const SourcePos keyPos = Walker::posOf(it->first, pos);
        const QString name = it->first.IsScalar() ? qs(it->first.Scalar()) : QString();
        if (!identifierPattern().match(name).hasMatch()) {
            m_w.error(keyPos, QStringLiteral("'%1' is not a valid connection name").arg(name));
            continue;
        }
        if (const QString problem = idLengthProblem(name, QStringLiteral("connection name"));
            !problem.isEmpty()) {
            m_w.error(keyPos, problem);
            continue;
        }
        if (c.connections.contains(name)) {
            m_w.error(keyPos, QStringLiteral("duplicate connection '%1'").arg(name));
            continue;
        }
        const QString where = QStringLiteral("connection '%1'").arg(name);
        if (!m_w.expectMap(it->second, where, keyPos))
            continue;
        Connection conn;
        conn.name = name;
        conn.pos = keyPos;
        conn.file = m_w.file();
        bool sawDriver = false;
        std::optional<SourcePos> dialectPos;
        QMap<QString, SourcePos> given; // key → position of its value
        for (const auto &e : m_w.entries(it->second, kConnectionKeys, where, keyPos)) {
            const SourcePos vp = Walker::posOf(e.value, e.keyPos);
            given.insert(e.key, e.keyPos);
            if (e.key == QLatin1String("driver")) {
                auto t = m_w.text(e, where);
                if (!t)
                    continue;
                sawDriver = true;
                if (*t == QLatin1String("sqlite")) {
                    conn.driver = Connection::Driver::Sqlite;
                } else if (*t == QLatin1String("postgres") || *t == QLatin1String("postgresql")) {
                    conn.driver = Connection::Driver::Postgres;
                } else if (*t == QLatin1String("mysql") || *t == QLatin1String("mariadb")) {
                    conn.driver = Connection::Driver::Mysql;
                } else if (*t == QLatin1String("odbc")) {
                    conn.driver = Connection::Driver::Odbc;
                } else {
                    sawDriver = false;
                    const QString near = closestMatch(*t, kDriverNames);
                    m_w.error(vp, QStringLiteral("unknown driver '%1' in %2; %3use sqlite, "
                                                 "postgres, mysql (also for MariaDB) or odbc")
                                      .arg(*t, where,
                                           near.isEmpty()
                                               ? QString()
                                               : QStringLiteral("did you mean '%1'? ").arg(near)));
                }
            } else if (e.key == QLatin1String("dialect")) {
                auto t = m_w.text(e, where);
                if (!t)
                    continue;
                if (auto d = dialectFromString(*t)) {
                    conn.dialect = *d;
                    dialectPos = vp;
                } else {
                    const QString near = closestMatch(*t, dialectNames());
                    m_w.error(vp, QStringLiteral("unknown dialect '%1' in %2; %3use %4")
                                      .arg(*t, where,
                                           near.isEmpty()
                                               ? QString()
                                               : QStringLiteral("did you mean '%1'? ").arg(near),
                                           dialectNames().join(QStringLiteral(", "))));
                }
            } else if (e.key == QLatin1String("database")) {
                if (auto t = m_w.text(e, where)) {
                    conn.database = *t;
                    m_w.checkEnvRefs(*t, vp, where);
                    static const QRegularExpression urlWithPassword(
                        QStringLiteral("^[a-z]+://[^/@:]+:[^/@]+@"));
                    if (urlWithPassword.match(*t).hasMatch())
                        m_w.error(vp, QStringLiteral("%1 has a password written in its URL; use "
                                                     "'password: keychain:NAME' instead")
                                          .arg(where));
                }
            } else if (e.key == QLatin1String("dsn")) {
                if (auto t = m_w.text(e, where)) {
                    conn.dsn = *t;
                    m_w.checkEnvRefs(*t, vp, where);
                    if (t->contains(QLatin1Char(';')) || t->contains(QLatin1Char('=')))
                        m_w.error(vp, QStringLiteral("'dsn' in %1 is a data source name from "
                                                     "odbc.ini; write a whole connection string "
                                                     "under 'connection_string' instead")
                                          .arg(where));
                }
            } else if (e.key == QLatin1String("connection_string")) {
                if (auto t = m_w.text(e, where)) {
                    conn.connectionString = *t;
                    readConnectionString(*t, vp, where);
                }
            } else if (e.key == QLatin1String("host")) {
                if (auto t = m_w.text(e, where)) {
                    conn.host = *t;
                    m_w.checkEnvRefs(*t, vp, where);
                }
            } else if (e.key == QLatin1String("port")) {
                conn.port = m_w.integer(e, where, 1, 65535).value_or(0);
            } else if (e.key == QLatin1String("user")) {
                if (auto t = m_w.text(e, where)) {
                    conn.user = *t;
                    m_w.checkEnvRefs(*t, vp, where);
                }
            } else if (e.key == QLatin1String("password")) {
                conn.password = secret(e, where);
            } else if (e.key == QLatin1String("options")) {
                if (!m_w.expectMap(e.value, QStringLiteral("'options' in %1").arg(where), e.keyPos))
                    continue;
                for (auto o = e.value.begin(); o != e.value.end(); ++o) {
                    const SourcePos op = Walker::posOf(o->first, e.keyPos);
                    if (!o->first.IsScalar() || !o->second.IsScalar()) {
                        m_w.error(op, QStringLiteral("options in %1 must be text key: value pairs")
                                          .arg(where));
                        continue;
                    }
                    const QString key = qs(o->first.Scalar());
                    if (key.contains(QLatin1String("password"), Qt::CaseInsensitive)) {
                        m_w.error(op, QStringLiteral("%1 sets a password in 'options'; use "
                                                     "'password: keychain:NAME' instead")
                                          .arg(where));
                        continue;
                    }
                    conn.options.insert(key, qs(o->second.Scalar()));
                }
            }
        }
        if (!sawDriver) {
            if (!given.contains(QStringLiteral("driver")))
                m_w.error(keyPos, QStringLiteral("%1 is missing required key 'driver' (sqlite, "
                                                 "postgres, mysql or odbc)")
                                      .arg(where));
        } else {
            checkDriverKeys(conn, given, dialectPos, where);
        }
        c.connections.insert(name, conn);
    }
}

// Which keys each driver reads, and what each needs; the dialect follows the
// driver unless it is ODBC, which must say what is behind it.
void ContractBuilder::checkDriverKeys(Connection &conn, const QMap<QString, SourcePos> &given,
                                      std::optional<SourcePos> dialectPos, const QString &where)
{
    const bool odbc = conn.driver == Connection::Driver::Odbc;
    const QString driver = odbc                                        ? QStringLiteral("odbc")
                           : conn.driver == Connection::Driver::Mysql  ? QStringLiteral("mysql")
                           : conn.driver == Connection::Driver::Sqlite ? QStringLiteral("sqlite")
                                                                       : QStringLiteral("postgres");
    auto notUsed = [&](const char *key, const QString &instead) {
        const QString k = QString::fromLatin1(key);
        if (given.contains(k))
            m_w.error(given.value(k), QStringLiteral("'%1' is not used by driver %2 in %3; %4")
                                          .arg(k, driver, where, instead));
    };
    if (odbc) {
        notUsed("database", QStringLiteral("name the data source with 'dsn' or write "
                                           "'connection_string'"));
        notUsed("host", QStringLiteral("put the server in the DSN or the connection string"));
        notUsed("port", QStringLiteral("put the port in the DSN or the connection string"));
        const bool dsn = given.contains(QStringLiteral("dsn"));
        const bool string = given.contains(QStringLiteral("connection_string"));
        if (dsn == string)
            m_w.error(dsn ? given.value(QStringLiteral("connection_string")) : conn.pos,
                      QStringLiteral("%1 (driver odbc) needs exactly one of 'dsn' (a data source "
                                     "name from odbc.ini) or 'connection_string'")
                          .arg(where));
        if (!given.contains(QStringLiteral("dialect")))
            m_w.error(conn.pos, QStringLiteral("%1 (driver odbc) needs 'dialect': the engine "
                                               "behind the driver, one of %2")
                                    .arg(where, dialectNames().join(QStringLiteral(", "))));
        return;
    }
    notUsed("dsn", QStringLiteral("'dsn' is for driver odbc"));
    notUsed("connection_string", QStringLiteral("'connection_string' is for driver odbc"));
    const Connection::Dialect implied =
        conn.driver == Connection::Driver::Mysql    ? Connection::Dialect::Mysql
        : conn.driver == Connection::Driver::Sqlite ? Connection::Dialect::Sqlite
                                                    : Connection::Dialect::Postgres;
    if (dialectPos && conn.dialect != implied)
        m_w.error(*dialectPos, QStringLiteral("driver %1 in %2 speaks the %3 dialect; 'dialect' "
                                              "chooses the engine behind driver odbc")
                                   .arg(driver, where, toString(implied)));
    conn.dialect = implied;
    if (conn.database.isEmpty() && !given.contains(QStringLiteral("database")))
        m_w.error(conn.pos, QStringLiteral("%1 is missing required key 'database'").arg(where));
}

// Every credential in an ODBC connection string is a reference; the value
// written in clear is never echoed.
void ContractBuilder::readConnectionString(const QString &text, SourcePos pos, const QString &where)
{
    m_w.checkEnvRefs(text, pos, where);
    qsizetype errorAt = 0;
    QString problem;
    const auto attributes = parseOdbcConnectionString(text, &errorAt, &problem);
    if (!attributes) {
        m_w.error(m_w.inside(pos, int(errorAt)),
                  QStringLiteral("bad connection_string in %1: %2").arg(where, problem));
        return;
    }
    for (const OdbcAttribute &a : *attributes) {
        if (!isOdbcSecretKey(a.key) || isSecretReference(a.value))
            continue;
        m_w.error(m_w.inside(pos, int(a.valueStart)),
                  QStringLiteral("'%1' in the connection_string of %2 is written in clear; store "
                                 "it with `vouch secret set NAME` and write '%1=keychain:NAME', "
                                 "or write '%1=${ENV_VAR}'")
                      .arg(a.key, where));
    }
}

std::optional<ValueRef> ContractBuilder::secret(const Walker::Entry &e, const QString &where)
{
    auto t = m_w.text(e, where);
    if (!t)
        return std::nullopt;
    const SourcePos vp = Walker::posOf(e.value, e.keyPos);
    static const QRegularExpression keychain(QStringLiteral("^keychain:([A-Za-z0-9_.\\-]+)$"));
    static const QRegularExpression env(QStringLiteral("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}$"));
    if (auto m = keychain.match(*t); m.hasMatch())
        return ValueRef{ValueRef::Kind::Keychain, m.captured(1)};
    if (auto m = env.match(*t); m.hasMatch())
        return ValueRef{ValueRef::Kind::Environment, m.captured(1)};
    // Never echo the value: it is probably the secret itself.
    m_w.error(vp, QStringLiteral("'%1' in %2 is written in clear; store it with `vouch secret "
                                 "set NAME` and write 'keychain:NAME', or write '${ENV_VAR}'")
                      .arg(e.key, where));
    return std::nullopt;
}

void ContractBuilder::readPools(const YNode &map, Contract &c, SourcePos pos)
{
    QStringList anyKey;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const SourcePos keyPos = Walker::posOf(it->first, pos);
        const QString name = it->first.IsScalar() ? qs(it->first.Scalar()) : QString();
        if (!identifierPattern().match(name).hasMatch()) {
            m_w.error(keyPos, QStringLiteral("'%1' is not a valid pool name").arg(name));
            continue;
        }
        if (const QString problem = idLengthProblem(name, QStringLiteral("pool name"));
            !problem.isEmpty()) {
            m_w.error(keyPos, problem);
            continue;
        }
        Walker::Entry e{name, it->first, it->second, keyPos};
        if (auto slots = m_w.integer(e, QStringLiteral("'pools'"), 1, 1024))
            c.pools.insert(name, *slots);
    }
}

} // namespace vouch::engine::loader
