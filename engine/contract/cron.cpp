#include "engine/contract/cron.h"

#include "engine/contract/lexer.h"
#include "engine/contract/weeklytime.h"

#include <QStringList>

#include <array>

namespace vouch::engine {

namespace {

using namespace lex;

enum Field
{
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
    FieldCount
};

struct FieldSpec
{
    const char16_t *name;
    int min;
    int max;
};

constexpr std::array<FieldSpec, FieldCount> kFields{{
    {u"minute", 0, 59},
    {u"hour", 0, 23},
    {u"day-of-month", 1, 31},
    {u"month", 1, 12},
    {u"day-of-week", 0, 7}, // 0 and 7 are both Sunday
}};

constexpr std::array<const char16_t *, 12> kMonthNames{
    u"JAN", u"FEB", u"MAR", u"APR", u"MAY", u"JUN", u"JUL", u"AUG", u"SEP", u"OCT", u"NOV", u"DEC"};
constexpr std::array<const char16_t *, 7> kDayNames{u"SUN", u"MON", u"TUE", u"WED",
                                                    u"THU", u"FRI", u"SAT"};

struct Macro
{
    const char16_t *name;
    const char16_t *expansion;
};

constexpr std::array<Macro, 7> kMacros{{
    {u"@hourly", u"0 * * * *"},
    {u"@daily", u"0 0 * * *"},
    {u"@midnight", u"0 0 * * *"},
    {u"@weekly", u"0 0 * * 0"},
    {u"@monthly", u"0 0 1 * *"},
    {u"@yearly", u"0 0 1 1 *"},
    {u"@annually", u"0 0 1 1 *"},
}};

QString fieldName(int field)
{
    return QString::fromUtf16(kFields[field].name);
}

// Parses one field of a cron line, text[begin, end), into a bit mask of the
// values it allows. Offsets in errors are relative to the whole text.
class FieldParser
{
public:
    FieldParser(QStringView text, qsizetype begin, qsizetype end, int field, ParseError *error)
        : m_lex(text, begin, end)
        , m_field(field)
        , m_spec(kFields[field])
        , m_error(error)
    {}

    std::optional<quint64> parse()
    {
        quint64 mask = 0;
        while (true) {
            if (m_lex.atEnd() || m_lex.at(u',')) {
                return fail(
                    m_error, m_lex.pos(),
                    QStringLiteral("empty list item in the %1 field").arg(fieldName(m_field)));
            }
            const std::optional<quint64> item = parseItem();
            if (!item)
                return std::nullopt;
            mask |= *item;
            if (m_lex.atEnd())
                break;
            if (!m_lex.expect(u',')) {
                return fail(m_error, m_lex.pos(),
                            QStringLiteral("unexpected '%1' in the %2 field")
                                .arg(m_lex.peek())
                                .arg(fieldName(m_field)));
            }
        }
        if (m_field == DayOfWeek && (mask & (quint64(1) << 7))) {
            mask &= ~(quint64(1) << 7);
            mask |= 1; // 7 is another name for Sunday
        }
        return mask;
    }

private:
    struct Value
    {
        int number = 0;
        bool fromName = false;
    };

    std::optional<quint64> parseItem()
    {
        int low = 0;
        int high = 0;
        bool wide = false; // `*` or a range: something a step can apply to
        if (m_lex.expect(u'*')) {
            low = m_spec.min;
            high = m_field == DayOfWeek ? 6 : m_spec.max;
            wide = true;
        } else {
            const qsizetype lowStart = m_lex.pos();
            const std::optional<Value> first = parseValue();
            if (!first)
                return std::nullopt;
            low = high = first->number;
            if (m_lex.expect(u'-')) {
                const std::optional<Value> second = parseValue();
                if (!second)
                    return std::nullopt;
                high = second->number;
                // "MON-SUN" means Monday to Sunday, not an empty range.
                if (m_field == DayOfWeek && second->fromName && high == 0 && low > 0)
                    high = 7;
                if (low > high) {
                    return fail(m_error, lowStart,
                                QStringLiteral("range %1 in the %2 field goes backwards; write "
                                               "the smaller value first")
                                    .arg(m_lex.slice(lowStart, m_lex.pos()))
                                    .arg(fieldName(m_field)));
                }
                wide = true;
            }
        }

        int step = 1;
        if (m_lex.at(u'/')) {
            if (!wide) {
                return fail(m_error, m_lex.pos(),
                            QStringLiteral("a step needs '*' or a range before it, e.g. */15 "
                                           "or 0-30/5"));
            }
            m_lex.advance();
            const qsizetype stepStart = m_lex.pos();
            const QStringView digits = m_lex.takeDigits();
            if (digits.isEmpty()) {
                return fail(m_error, stepStart,
                            QStringLiteral("expected a step number after '/', e.g. */15"));
            }
            step = digits.size() > 4 ? 10000 : digits.toInt();
            if (step < 1) {
                return fail(m_error, stepStart, QStringLiteral("a step must be at least 1"));
            }
        }

        quint64 mask = 0;
        for (int v = low; v <= high; v += step)
            mask |= quint64(1) << v;
        return mask;
    }

    std::optional<Value> parseValue()
    {
        const qsizetype start = m_lex.pos();
        if (isAsciiDigit(m_lex.peek())) {
            const QStringView digits = m_lex.takeDigits();
            if (digits.size() > 4 || digits.toInt() < m_spec.min || digits.toInt() > m_spec.max) {
                return fail(m_error, start,
                            QStringLiteral("%1 %2 out of range %3-%4")
                                .arg(fieldName(m_field), digits)
                                .arg(m_spec.min)
                                .arg(m_spec.max));
            }
            return Value{digits.toInt(), false};
        }
        if (isAsciiLetter(m_lex.peek())) {
            const QStringView word = m_lex.takeLetters();
            if (m_field == Month) {
                for (int i = 0; i < int(kMonthNames.size()); ++i) {
                    if (word.compare(QStringView(kMonthNames[i]), Qt::CaseInsensitive) == 0)
                        return Value{i + 1, true};
                }
                return fail(m_error, start,
                            QStringLiteral("unknown month '%1'; use JAN, FEB, MAR, APR, MAY, "
                                           "JUN, JUL, AUG, SEP, OCT, NOV or DEC")
                                .arg(word));
            }
            if (m_field == DayOfWeek) {
                for (int i = 0; i < int(kDayNames.size()); ++i) {
                    if (word.compare(QStringView(kDayNames[i]), Qt::CaseInsensitive) == 0)
                        return Value{i, true};
                }
                return fail(m_error, start,
                            QStringLiteral("unknown day '%1'; use MON, TUE, WED, THU, FRI, SAT "
                                           "or SUN")
                                .arg(word));
            }
            return fail(m_error, start,
                        QStringLiteral("expected a number in the %1 field, found '%2'")
                            .arg(fieldName(m_field), word));
        }
        if (m_lex.atEnd()) {
            return fail(m_error, m_lex.pos(),
                        QStringLiteral("expected a value at the end of the %1 field")
                            .arg(fieldName(m_field)));
        }
        return fail(m_error, m_lex.pos(),
                    QStringLiteral("unexpected '%1' in the %2 field")
                        .arg(m_lex.peek())
                        .arg(fieldName(m_field)));
    }

    Lexer m_lex;
    int m_field;
    FieldSpec m_spec;
    ParseError *m_error;
};

template<std::size_t N>
std::bitset<N> toBits(quint64 mask)
{
    std::bitset<N> bits;
    for (std::size_t i = 0; i < N; ++i)
        bits[i] = (mask >> i) & 1;
    return bits;
}

template<std::size_t N>
int highestSet(const std::bitset<N> &bits)
{
    for (int i = int(N) - 1; i >= 0; --i) {
        if (bits[i])
            return i;
    }
    return -1;
}

} // namespace

std::optional<CronSchedule> CronSchedule::parse(QStringView text, ParseError *error)
{
    Lexer lex(text);
    lex.trim();
    const qsizetype begin = lex.pos();
    const qsizetype end = lex.end();
    const QStringView trimmed = lex.rest();

    const QString fieldsHint = QStringLiteral("(minute hour day-of-month month day-of-week)");
    if (trimmed.isEmpty()) {
        return fail(error, begin,
                    QStringLiteral("empty cron expression; write 5 fields %1, e.g. '0 6 * * MON'")
                        .arg(fieldsHint));
    }

    if (trimmed.startsWith(u'@')) {
        const QStringView word = lex.takeWhile(isNotSpace);
        for (const Macro &macro : kMacros) {
            if (word.compare(QStringView(macro.name), Qt::CaseInsensitive) != 0)
                continue;
            if (!lex.atEnd()) {
                lex.skipSpaces();
                return fail(error, lex.pos(),
                            QStringLiteral("unexpected '%1' after %2").arg(lex.rest(), word));
            }
            std::optional<CronSchedule> schedule = parse(QStringView(macro.expansion), nullptr);
            Q_ASSERT(schedule);
            schedule->m_text = trimmed.toString();
            return schedule;
        }
        return fail(error, begin,
                    QStringLiteral("unknown cron macro '%1'; use @hourly, @daily, @weekly, "
                                   "@monthly or @yearly")
                        .arg(word));
    }

    // Split on whitespace, remembering where each field starts.
    QList<std::pair<qsizetype, qsizetype>> fields;
    for (lex.skipSpaces(); !lex.atEnd(); lex.skipSpaces()) {
        const qsizetype start = lex.pos();
        lex.takeWhile(isNotSpace);
        fields.append({start, lex.pos()});
    }
    if (fields.size() != FieldCount) {
        const qsizetype offset = fields.size() < FieldCount ? end : fields[FieldCount].first;
        return fail(error, offset,
                    QStringLiteral("cron expression needs 5 fields %1, found %2")
                        .arg(fieldsHint)
                        .arg(fields.size()));
    }

    std::array<quint64, FieldCount> masks{};
    for (int field = 0; field < FieldCount; ++field) {
        FieldParser parser(text, fields[field].first, fields[field].second, field, error);
        const std::optional<quint64> mask = parser.parse();
        if (!mask)
            return std::nullopt;
        masks[field] = *mask;
    }

    CronSchedule schedule;
    schedule.m_text = trimmed.toString();
    schedule.m_minutes = toBits<60>(masks[Minute]);
    schedule.m_hours = toBits<24>(masks[Hour]);
    schedule.m_daysOfMonth = toBits<32>(masks[DayOfMonth]);
    schedule.m_months = toBits<13>(masks[Month]);
    schedule.m_daysOfWeek = toBits<7>(masks[DayOfWeek]);
    // As in Vixie cron, a day field counts as restricted unless it starts with
    // '*' (so `*/2` is not a restriction for the either-may-match rule).
    schedule.m_domRestricted = text[fields[DayOfMonth].first] != u'*';
    schedule.m_dowRestricted = text[fields[DayOfWeek].first] != u'*';
    return schedule;
}

bool CronSchedule::matches(const QDate &date, int hour, int minute) const
{
    if (!date.isValid() || hour < 0 || hour > 23 || minute < 0 || minute > 59)
        return false;
    if (!m_minutes[minute] || !m_hours[hour] || !m_months[date.month()])
        return false;
    const bool dom = m_daysOfMonth[date.day()];
    const bool dow = m_daysOfWeek[date.dayOfWeek() % 7];
    if (m_domRestricted && m_dowRestricted)
        return dom || dow;
    return dom && dow;
}

QDateTime CronSchedule::nextAfter(const QDateTime &after, const QTimeZone &zone) const
{
    if (!after.isValid() || !zone.isValid() || m_minutes.none() || m_hours.none())
        return {};

    // Wall-clock times map to instants monotonically (a gap time moves to the
    // end of the gap, an overlap time takes its first occurrence), so the first
    // matching wall time whose instant is later than `after` is the answer, and
    // whole hours or days whose last matching minute is not later are skipped.
    const int lastMinute = highestSet(m_minutes);
    const int lastHour = highestSet(m_hours);
    // A day early: a gap spanning midnight moves an occurrence onto the next date.
    QDate date = after.toTimeZone(zone).date().addDays(-1);
    const QDate limit = date.addYears(5).addDays(2);
    while (date.isValid() && date <= limit) {
        if (!m_months[date.month()]) {
            date = QDate(date.year(), date.month(), 1).addMonths(1);
            continue;
        }
        const bool dom = m_daysOfMonth[date.day()];
        const bool dow = m_daysOfWeek[date.dayOfWeek() % 7];
        const bool dayMatches = (m_domRestricted && m_dowRestricted) ? (dom || dow) : (dom && dow);
        if (dayMatches && resolveWallClock(date, lastHour * 60 + lastMinute, zone) > after) {
            for (int hour = 0; hour < 24; ++hour) {
                if (!m_hours[hour] || resolveWallClock(date, hour * 60 + lastMinute, zone) <= after)
                    continue;
                for (int minute = 0; minute < 60; ++minute) {
                    if (!m_minutes[minute])
                        continue;
                    const QDateTime candidate = resolveWallClock(date, hour * 60 + minute, zone);
                    if (candidate > after)
                        return candidate;
                }
            }
        }
        date = date.addDays(1);
    }
    return {};
}

} // namespace vouch::engine
