// `connections:` and `pools:`, and the secrets a connection or channel names.
#include "engine/contract/loader/loaderstate.h"

#include <QRegularExpression>

namespace vouch::engine::loader {

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
        bool sawDriver = false;
        for (const auto &e : m_w.entries(it->second, kConnectionKeys, where, keyPos)) {
            if (e.key == QLatin1String("driver")) {
                sawDriver = true;
                auto t = m_w.text(e, where);
                if (t == QStringLiteral("sqlite"))
                    conn.driver = Connection::Driver::Sqlite;
                else if (t == QStringLiteral("postgres") || t == QStringLiteral("postgresql"))
                    conn.driver = Connection::Driver::Postgres;
                else if (t)
                    m_w.error(Walker::posOf(e.value, e.keyPos),
                              QStringLiteral("unknown driver '%1' in %2; use sqlite or postgres")
                                  .arg(*t, where));
            } else if (e.key == QLatin1String("database")) {
                if (auto t = m_w.text(e, where)) {
                    conn.database = *t;
                    const SourcePos vp = Walker::posOf(e.value, e.keyPos);
                    m_w.checkEnvRefs(*t, vp, where);
                    static const QRegularExpression urlWithPassword(
                        QStringLiteral("^[a-z]+://[^/@:]+:[^/@]+@"));
                    if (urlWithPassword.match(*t).hasMatch())
                        m_w.error(vp, QStringLiteral("%1 has a password written in its URL; use "
                                                     "'password: keychain:NAME' instead")
                                          .arg(where));
                }
            } else if (e.key == QLatin1String("host")) {
                if (auto t = m_w.text(e, where)) {
                    conn.host = *t;
                    m_w.checkEnvRefs(*t, Walker::posOf(e.value, e.keyPos), where);
                }
            } else if (e.key == QLatin1String("port")) {
                conn.port = m_w.integer(e, where, 1, 65535).value_or(0);
            } else if (e.key == QLatin1String("user")) {
                if (auto t = m_w.text(e, where)) {
                    conn.user = *t;
                    m_w.checkEnvRefs(*t, Walker::posOf(e.value, e.keyPos), where);
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
        if (!sawDriver)
            m_w.error(keyPos, QStringLiteral("%1 is missing required key 'driver' (sqlite or "
                                             "postgres)")
                                  .arg(where));
        if (conn.database.isEmpty())
            m_w.error(keyPos, QStringLiteral("%1 is missing required key 'database'").arg(where));
        c.connections.insert(name, conn);
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
