// `report:`: the schedule, owners, escalation and the sections.
#include "engine/contract/loader/loaderstate.h"

#include "engine/util/suggest.h"

#include <QSet>
#include <QTimeZone>

namespace vouch::engine::loader {

void ContractBuilder::readReport(const YNode &map, Contract &c, SourcePos pos)
{
    Report &r = c.report;
    r.pos = Walker::posOf(map, pos);
    const QString where = QStringLiteral("'report'");
    QSet<QString> seen;
    YNode sections;
    SourcePos sectionsPos;
    for (const auto &e : m_w.entries(map, kReportKeys, where, pos)) {
        seen.insert(e.key);
        const SourcePos vp = Walker::posOf(e.value, e.keyPos);
        if (e.key == QLatin1String("id")) {
            r.id = m_w.identifier(e, QStringLiteral("report")).value_or(QString());
        } else if (e.key == QLatin1String("name")) {
            r.name = m_w.text(e, where).value_or(QString());
        } else if (e.key == QLatin1String("timezone")) {
            if (auto t = m_w.text(e, where)) {
                r.timezone = t->toUtf8();
                if (!QTimeZone::isTimeZoneIdAvailable(r.timezone)) {
                    QStringList ids;
                    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
                        ids << QString::fromUtf8(id);
                    const QString hint = closestMatch(*t, ids);
                    m_w.error(vp,
                              QStringLiteral("unknown time zone '%1'; %2")
                                  .arg(*t, hint.isEmpty()
                                               ? QStringLiteral("use an IANA name such as "
                                                                "Europe/London")
                                               : QStringLiteral("did you mean '%1'?").arg(hint)));
                }
            }
        } else if (e.key == QLatin1String("schedule")) {
            if (auto t = m_w.text(e, where)) {
                ParseError pe;
                if (auto cron = CronSchedule::parse(*t, &pe))
                    r.schedule = *cron;
                else
                    m_w.error(m_w.inside(vp, pe.offset),
                              QStringLiteral("bad schedule '%1': %2").arg(*t, pe.message));
            }
        } else if (e.key == QLatin1String("publish_by")) {
            if (auto d = m_w.deadline(e, where))
                r.publishBy = *d;
        } else if (e.key == QLatin1String("period")) {
            if (auto t = m_w.text(e, where)) {
                if (auto cadence = cadenceFromString(*t)) {
                    r.cadence = *cadence;
                } else {
                    const QString hint = closestMatch(
                        t->toLower(), {QStringLiteral("day"), QStringLiteral("week"),
                                       QStringLiteral("month"), QStringLiteral("quarter")});
                    m_w.error(vp,
                              QStringLiteral("unknown period '%1' in 'report'; %2")
                                  .arg(*t, hint.isEmpty()
                                               ? QStringLiteral("use day, week, month or "
                                                                "quarter")
                                               : QStringLiteral("did you mean '%1'?").arg(hint)));
                }
            }
        } else if (e.key == QLatin1String("calendar")) {
            readCalendar(e, r);
        } else if (e.key == QLatin1String("skip_holidays")) {
            r.skipHolidays = m_w.boolean(e, where).value_or(false);
        } else if (e.key == QLatin1String("owners")) {
            const QString ow = QStringLiteral("'owners'");
            if (m_w.expectMap(e.value, ow, e.keyPos)) {
                for (const auto &o : m_w.entries(e.value, kOwnerKeys, ow, e.keyPos)) {
                    const QString who = m_w.text(o, ow).value_or(QString());
                    (o.key == QLatin1String("business") ? r.businessOwner : r.technicalOwner) = who;
                }
            }
        } else if (e.key == QLatin1String("approvers")) {
            if (auto items = m_w.textList(e, where)) {
                for (const auto &[who, p] : *items)
                    r.approvers.append(who);
            }
        } else if (e.key == QLatin1String("escalation")) {
            readEscalation(e, r);
        } else if (e.key == QLatin1String("alert")) {
            r.alert = m_w.templ(e, where);
        } else if (e.key == QLatin1String("sections")) {
            sections = e.value;
            sectionsPos = e.keyPos;
        }
    }
    for (const char *required : {"id", "name", "timezone", "schedule", "publish_by", "sections"}) {
        if (m_include && qstrcmp(required, "sections") == 0)
            continue; // the include's sections stand in
        if (!seen.contains(QString::fromLatin1(required)))
            m_w.error(r.pos, QStringLiteral("'report' is missing required key '%1'")
                                 .arg(QString::fromLatin1(required)));
    }
    if (seen.contains(QStringLiteral("sections")))
        readSections(sections, r, sectionsPos);
}

void ContractBuilder::readEscalation(const Walker::Entry &e, Report &r)
{
    if (!e.value.IsSequence()) {
        m_w.error(Walker::posOf(e.value, e.keyPos),
                  QStringLiteral("'escalation' must be a list of rules, found %1")
                      .arg(describeType(e.value)));
        return;
    }
    for (const YNode &item : e.value) {
        const SourcePos ip = Walker::posOf(item, e.keyPos);
        const QString where = QStringLiteral("an escalation rule");
        if (!m_w.expectMap(item, where, ip))
            continue;
        EscalationRule rule;
        rule.pos = ip;
        bool sawAt = false, sawNotify = false;
        for (const auto &f : m_w.entries(item, kEscalationKeys, where, ip)) {
            if (f.key == QLatin1String("at")) {
                sawAt = true;
                if (auto d = m_w.deadline(f, where))
                    rule.at = *d;
            } else if (f.key == QLatin1String("if")) {
                const auto t = m_w.text(f, where);
                static const QStringList conditions = {
                    QStringLiteral("not_safe"), QStringLiteral("at_risk"), QStringLiteral("late"),
                    QStringLiteral("always")};
                const qsizetype i = t ? conditions.indexOf(*t) : -1;
                if (i >= 0)
                    rule.condition = EscalationRule::Condition(i);
                else if (t)
                    m_w.error(Walker::posOf(f.value, f.keyPos),
                              QStringLiteral("unknown escalation condition '%1'; use not_safe, "
                                             "at_risk, late or always")
                                  .arg(*t));
            } else if (f.key == QLatin1String("notify")) {
                sawNotify = true;
                if (auto items = m_w.textList(f, where)) {
                    for (const auto &[who, p] : *items)
                        rule.notify.append(who);
                }
            }
        }
        if (!sawAt)
            m_w.error(ip, QStringLiteral("escalation rule is missing 'at' (e.g. \"MON 10:00\")"));
        if (!sawNotify)
            m_w.error(ip, QStringLiteral("escalation rule is missing 'notify' (who to tell)"));
        r.escalation.append(rule);
    }
}

void ContractBuilder::readCalendar(const Walker::Entry &e, Report &r)
{
    const QString where = QStringLiteral("'calendar'");
    if (!m_w.expectMap(e.value, where, e.keyPos))
        return;
    BusinessCalendar &calendar = r.calendar;
    for (const auto &f : m_w.entries(e.value, kCalendarKeys, where, e.keyPos)) {
        const SourcePos vp = Walker::posOf(f.value, f.keyPos);
        if (f.key == QLatin1String("workdays")) {
            const auto t = m_w.text(f, where);
            if (!t)
                continue;
            ParseError pe;
            if (auto mask = BusinessCalendar::parseWorkdays(*t, &pe))
                calendar.setWorkdays(*mask);
            else
                m_w.error(
                    m_w.inside(vp, pe.offset),
                    QStringLiteral("bad workdays '%1' in 'calendar': %2").arg(*t, pe.message));
        } else if (f.key == QLatin1String("holidays")) {
            const auto items = m_w.textList(f, where);
            if (!items)
                continue;
            for (const auto &[text, p] : *items) {
                const QDate date = QDate::fromString(text, Qt::ISODate);
                if (!date.isValid() || text.size() != 10)
                    m_w.error(p, QStringLiteral("bad holiday '%1' in 'calendar': write a date "
                                                "such as 2026-12-25")
                                     .arg(text));
                else
                    calendar.addHoliday(date);
            }
        } else if (f.key == QLatin1String("holidays_file")) {
            const auto t = m_w.text(f, where);
            if (!t)
                continue;
            QString error;
            if (!calendar.addHolidaysFromIcs(m_w.resolvePath(*t), &error))
                m_w.error(vp, error);
        }
    }
}

void ContractBuilder::readSections(const YNode &list, Report &r, SourcePos pos)
{
    if (!list.IsSequence() || list.size() == 0) {
        m_w.error(Walker::posOf(list, pos),
                  QStringLiteral("'sections' must be a non-empty list of report sections, found %1")
                      .arg(describeType(list)));
        return;
    }
    int index = 0;
    for (const YNode &item : list) {
        ++index;
        const SourcePos ip = Walker::posOf(item, pos);
        QString where = QStringLiteral("section #%1").arg(index);
        if (!m_w.expectMap(item, where, ip))
            continue;
        if (item["id"].IsDefined() && item["id"].IsScalar())
            where = QStringLiteral("section '%1'").arg(qs(item["id"].Scalar()));
        Section s;
        SectionExtra extra;
        s.pos = ip;
        QSet<QString> seen;
        for (const auto &e : m_w.entries(item, kSectionKeys, where, ip)) {
            seen.insert(e.key);
            if (e.key == QLatin1String("id")) {
                s.id = m_w.identifier(e, QStringLiteral("section")).value_or(QString());
                extra.idPos = Walker::posOf(e.value, e.keyPos);
            } else if (e.key == QLatin1String("name")) {
                s.name = m_w.text(e, where).value_or(QString());
            } else if (e.key == QLatin1String("needs")) {
                if (auto items = m_w.textList(e, where)) {
                    extra.needs = *items;
                    for (const auto &[n, p] : *items)
                        s.needs.append(n);
                    if (items->isEmpty())
                        m_w.error(Walker::posOf(e.value, e.keyPos),
                                  QStringLiteral("%1 needs at least one node").arg(where));
                }
            } else if (e.key == QLatin1String("sources")) {
                if (auto items = m_w.textList(e, where)) {
                    extra.sources = *items;
                    for (const auto &[n, p] : *items)
                        s.sources.append(n);
                }
            } else if (e.key == QLatin1String("on_failure")) {
                const auto t = m_w.text(e, where);
                if (t == QStringLiteral("block"))
                    s.onFailure = FailurePolicy::Block;
                else if (t == QStringLiteral("hold"))
                    s.onFailure = FailurePolicy::Hold;
                else if (t == QStringLiteral("caveat"))
                    s.onFailure = FailurePolicy::Caveat;
                else if (t)
                    m_w.error(Walker::posOf(e.value, e.keyPos),
                              QStringLiteral("unknown policy '%1' for 'on_failure' in %2; use "
                                             "block, hold or caveat")
                                  .arg(*t, where));
            } else if (e.key == QLatin1String("fallback")) {
                s.fallback = m_w.text(e, where).value_or(QString());
            } else if (e.key == QLatin1String("owner")) {
                s.owner = m_w.text(e, where).value_or(QString());
            } else if (e.key == QLatin1String("caveat")) {
                s.caveat = m_w.templ(e, where);
            } else if (e.key == QLatin1String("alert")) {
                s.alert = m_w.templ(e, where);
            }
        }
        for (const char *required : {"id", "name", "needs", "on_failure"}) {
            if (!seen.contains(QString::fromLatin1(required)))
                m_w.error(ip, QStringLiteral("%1 is missing required key '%2'")
                                  .arg(where, QString::fromLatin1(required)));
        }
        r.sections.append(s);
        m_sectionExtras.append(extra);
    }
}

} // namespace vouch::engine::loader
