// `alerting:`: channels, routes, owners, delivery; and its cross-checks.
#include "engine/contract/loader/loaderstate.h"

#include "engine/util/suggest.h"

#include <QRegularExpression>

namespace vouch::engine::loader {

void ContractBuilder::readAlerting(const YNode &map, Contract &c, SourcePos pos)
{
    c.alerting.pos = pos;
    const QString where = QStringLiteral("'alerting'");
    for (const auto &e : m_w.entries(map, kAlertingKeys, where, pos)) {
        if (e.key == QLatin1String("channels")) {
            if (!e.value.IsNull() && m_w.expectMap(e.value, QStringLiteral("'channels'"), e.keyPos))
                readChannels(e.value, c, e.keyPos);
        } else if (e.key == QLatin1String("routes")) {
            readRoutes(e, c);
        } else if (e.key == QLatin1String("owners")) {
            if (e.value.IsNull() || !m_w.expectMap(e.value, QStringLiteral("'owners'"), e.keyPos))
                continue;
            for (auto it = e.value.begin(); it != e.value.end(); ++it) {
                const SourcePos kp = Walker::posOf(it->first, e.keyPos);
                const QString owner = it->first.IsScalar() ? qs(it->first.Scalar()) : QString();
                const Walker::Entry item{owner, it->first, it->second, kp};
                if (auto list = m_w.textList(item, QStringLiteral("alerting owners"))) {
                    QStringList to;
                    for (const auto &[name, p] : *list) {
                        to << name;
                        m_channelRefs.append({name, p, QStringLiteral("owner '%1'").arg(owner)});
                    }
                    c.alerting.owners.insert(owner, to);
                }
            }
        } else if (e.key == QLatin1String("delivery")) {
            if (e.value.IsNull() || !m_w.expectMap(e.value, QStringLiteral("'delivery'"), e.keyPos))
                continue;
            const QString dw = QStringLiteral("alerting delivery");
            DeliveryPolicy &d = c.alerting.delivery;
            for (const auto &f : m_w.entries(e.value, kDeliveryKeys, dw, e.keyPos)) {
                const auto v = m_w.duration(f, dw);
                if (!v)
                    continue;
                if (f.key == QLatin1String("timeout"))
                    d.timeout = *v;
                else if (f.key == QLatin1String("first_retry"))
                    d.firstRetry = *v;
                else if (f.key == QLatin1String("max_retry"))
                    d.maxRetry = *v;
                else
                    d.giveUpAfter = *v;
            }
        } else if (e.key == QLatin1String("link")) {
            if (auto t = m_w.text(e, where))
                c.alerting.link = *t;
        }
    }
}

void ContractBuilder::readChannels(const YNode &map, Contract &c, SourcePos pos)
{
    static const QStringList types = {QStringLiteral("slack"), QStringLiteral("teams"),
                                      QStringLiteral("pagerduty"), QStringLiteral("webhook")};
    for (auto it = map.begin(); it != map.end(); ++it) {
        const SourcePos keyPos = Walker::posOf(it->first, pos);
        const QString name = it->first.IsScalar() ? qs(it->first.Scalar()) : QString();
        if (!identifierPattern().match(name).hasMatch()) {
            m_w.error(keyPos, QStringLiteral("'%1' is not a valid channel name").arg(name));
            continue;
        }
        if (const QString problem = idLengthProblem(name, QStringLiteral("channel name"));
            !problem.isEmpty()) {
            m_w.error(keyPos, problem);
            continue;
        }
        const QString where = QStringLiteral("channel '%1'").arg(name);
        if (!m_w.expectMap(it->second, where, keyPos))
            continue;
        AlertChannel ch;
        ch.name = name;
        ch.pos = keyPos;
        bool sawType = false, sawRoutingKey = false;
        SourcePos urlPos = keyPos;
        for (const auto &e : m_w.entries(it->second, kChannelKeys, where, keyPos)) {
            if (e.key == QLatin1String("type")) {
                const auto t = m_w.text(e, where);
                const qsizetype i = t ? types.indexOf(*t) : -1;
                sawType = true; // an unknown type is its own error
                if (i >= 0) {
                    ch.type = AlertChannel::Type(i);
                } else if (t) {
                    m_w.error(Walker::posOf(e.value, e.keyPos),
                              QStringLiteral("unknown channel type '%1' in %2; use slack, "
                                             "teams, pagerduty or webhook")
                                  .arg(*t, where));
                }
            } else if (e.key == QLatin1String("url")) {
                urlPos = Walker::posOf(e.value, e.keyPos);
                if (auto t = m_w.text(e, where))
                    ch.url = *t;
            } else if (e.key == QLatin1String("routing_key")) {
                sawRoutingKey = true;
                if (auto ref = secret(e, where))
                    ch.routingKey = referenceText(*ref);
            } else if (e.key == QLatin1String("signing_secret")) {
                if (auto ref = secret(e, where))
                    ch.signingSecret = referenceText(*ref);
            }
        }
        if (!sawType) {
            m_w.error(keyPos, QStringLiteral("%1 is missing 'type' (slack, teams, pagerduty or "
                                             "webhook)")
                                  .arg(where));
            continue;
        }
        const bool pagerDuty = ch.type == AlertChannel::Type::PagerDuty;
        if (pagerDuty && !sawRoutingKey)
            m_w.error(keyPos, QStringLiteral("%1 is missing 'routing_key' (write "
                                             "'routing_key: keychain:NAME')")
                                  .arg(where));
        if (!pagerDuty && !ch.routingKey.isEmpty())
            m_w.error(keyPos,
                      QStringLiteral("%1: only pagerduty channels take 'routing_key'").arg(where));
        if (ch.type != AlertChannel::Type::Webhook && !ch.signingSecret.isEmpty())
            m_w.error(keyPos,
                      QStringLiteral("%1: only webhook channels take 'signing_secret'").arg(where));
        if (!pagerDuty && ch.url.isEmpty()) {
            m_w.error(keyPos, QStringLiteral("%1 is missing 'url' (write 'url: keychain:NAME' "
                                             "or 'url: ${ENV_VAR}')")
                                  .arg(where));
        } else if (!ch.url.isEmpty() && !isReference(ch.url)) {
            // A Slack, Teams or webhook URL carries its own credential;
            // PagerDuty's events URL does not (its routing key does).
            if (!pagerDuty) {
                m_w.error(urlPos,
                          QStringLiteral("the url of %1 is written in clear, and a webhook URL "
                                         "is a secret; store it with `vouch secret set NAME` "
                                         "and write 'url: keychain:NAME', or write "
                                         "'url: ${ENV_VAR}'")
                              .arg(where));
            } else if (!ch.url.startsWith(QLatin1String("https://")) &&
                       !ch.url.startsWith(QLatin1String("http://"))) {
                m_w.error(urlPos, QStringLiteral("the url of %1 must start with https:// "
                                                 "(PagerDuty's events endpoint)")
                                      .arg(where));
            }
        }
        c.alerting.channels.insert(name, ch);
    }
}

bool ContractBuilder::isReference(const QString &text)
{
    static const QRegularExpression ref(
        QStringLiteral("^(keychain:[A-Za-z0-9_.\\-]+|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\})$"));
    return ref.match(text).hasMatch();
}

QString ContractBuilder::referenceText(const ValueRef &ref)
{
    return ref.kind == ValueRef::Kind::Keychain ? QStringLiteral("keychain:") + ref.text
                                                : QStringLiteral("${%1}").arg(ref.text);
}

void ContractBuilder::readRoutes(const Walker::Entry &e, Contract &c)
{
    if (!e.value.IsSequence()) {
        m_w.error(Walker::posOf(e.value, e.keyPos),
                  QStringLiteral("'routes' must be a list of routes, found %1")
                      .arg(describeType(e.value)));
        return;
    }
    static const QStringList severities = {QStringLiteral("low"), QStringLiteral("medium"),
                                           QStringLiteral("high"), QStringLiteral("critical")};
    for (const YNode &item : e.value) {
        const SourcePos ip = Walker::posOf(item, e.keyPos);
        const QString where = QStringLiteral("an alert route");
        if (!m_w.expectMap(item, where, ip))
            continue;
        AlertRoute route;
        route.pos = ip;
        bool sawTo = false;
        for (const auto &f : m_w.entries(item, kRouteKeys, where, ip)) {
            if (f.key == QLatin1String("to")) {
                sawTo = true;
                if (auto list = m_w.textList(f, where)) {
                    for (const auto &[name, p] : *list) {
                        route.to << name;
                        m_channelRefs.append({name, p, where});
                    }
                }
                continue;
            }
            if (f.value.IsNull() || !m_w.expectMap(f.value, QStringLiteral("'when'"), f.keyPos))
                continue;
            for (const auto &g :
                 m_w.entries(f.value, kRouteWhenKeys, QStringLiteral("'when'"), f.keyPos)) {
                auto list = m_w.textList(g, QStringLiteral("'when'"));
                if (!list)
                    continue;
                for (const auto &[value, p] : *list) {
                    if (g.key == QLatin1String("severity")) {
                        if (!severities.contains(value))
                            m_w.error(p, QStringLiteral("unknown severity '%1' in %2; use low, "
                                                        "medium, high or critical")
                                             .arg(value, where));
                        route.severities << value;
                    } else if (g.key == QLatin1String("section")) {
                        route.sections << value;
                        m_sectionRefs.append({value, p, where});
                    } else {
                        route.owners << value;
                    }
                }
            }
        }
        if (!sawTo)
            m_w.error(ip,
                      QStringLiteral("%1 is missing 'to' (the channels it goes to)").arg(where));
        c.alerting.routes.append(route);
    }
}

void ContractBuilder::crossCheckAlerting(const Contract &c)
{
    const QStringList channels = c.alerting.channels.keys();
    for (const auto &ref : std::as_const(m_channelRefs)) {
        if (c.alerting.channels.contains(ref.name))
            continue;
        const QString hint = closestMatch(ref.name, channels);
        m_w.error(ref.pos,
                  QStringLiteral("%1 sends to unknown channel '%2'%3")
                      .arg(ref.who, ref.name,
                           hint.isEmpty() ? QStringLiteral("; declare it under "
                                                           "alerting.channels")
                                          : QStringLiteral("; did you mean '%1'?").arg(hint)));
    }
    QStringList sections;
    for (const Section &s : c.report.sections)
        sections << s.id;
    for (const auto &ref : std::as_const(m_sectionRefs)) {
        if (sections.contains(ref.name))
            continue;
        const QString hint = closestMatch(ref.name, sections);
        m_w.error(ref.pos,
                  QStringLiteral("%1 names unknown section '%2'%3")
                      .arg(ref.who, ref.name,
                           hint.isEmpty() ? QString()
                                          : QStringLiteral("; did you mean '%1'?").arg(hint)));
    }
}

} // namespace vouch::engine::loader
