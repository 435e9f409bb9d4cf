// The YAML walker: typed reads of one mapping entry, with diagnostics.
#include "engine/contract/loader/loaderstate.h"

#include "engine/util/suggest.h"

#include <QDir>
#include <QHash>
#include <QRegularExpression>

namespace vouch::engine::loader {

const QRegularExpression &identifierPattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.\\-]*$"));
    return re;
}

// A longer id would validate and then fail at run time, when its log file
// cannot be created (kMaxIdLength, contract.h). Every id and name shares the
// limit so that one rule describes them all.
// Empty when `id` is short enough; otherwise what is wrong, naming the first
// characters of the id (the whole of it would swamp the message).
QString idLengthProblem(const QString &id, const QString &what)
{
    if (id.size() <= kMaxIdLength)
        return {};
    return QStringLiteral("%1 '%2…' is too long: %3 characters, at most %4 are allowed "
                          "(ids name log files); shorten it")
        .arg(what, id.left(40))
        .arg(id.size())
        .arg(kMaxIdLength);
}

const QRegularExpression &envPattern()
{
    static const QRegularExpression re(QStringLiteral("\\$\\{([^}]*)\\}"));
    return re;
}

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString describeType(const YNode &n)
{
    switch (n.Type()) {
    case YAML::NodeType::Null:
        return QStringLiteral("nothing");
    case YAML::NodeType::Scalar:
        return QStringLiteral("text '%1'").arg(qs(n.Scalar()).left(40));
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Map:
        return QStringLiteral("a mapping");
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

// Column of character `offset` inside a scalar that starts at `pos`,
// skipping an opening quote when the scalar is quoted on its line.
SourcePos Walker::inside(SourcePos pos, int offset) const
{
    if (pos.line <= 0)
        return pos;
    if (!m_lines)
        m_lines = QString::fromUtf8(m_text).split(QLatin1Char('\n'));
    const QString line = m_lines->value(pos.line - 1);
    const QChar first = pos.column - 1 < line.size() ? line.at(pos.column - 1) : QChar();
    const int quote = (first == QLatin1Char('"') || first == QLatin1Char('\'')) ? 1 : 0;
    return {pos.line, pos.column + quote + offset};
}

int Walker::textLine(SourcePos pos) const
{
    if (pos.line <= 0)
        return pos.line;
    if (!m_lines)
        m_lines = QString::fromUtf8(m_text).split(QLatin1Char('\n'));
    const QString line = m_lines->value(pos.line - 1);
    const QChar first = pos.column - 1 < line.size() ? line.at(pos.column - 1) : QChar();
    return first == QLatin1Char('|') || first == QLatin1Char('>') ? pos.line + 1 : pos.line;
}

void Walker::errorInFile(const QString &file, int line, const QString &message)
{
    if (full())
        return;
    diagnostics.append({Diagnostic::Severity::Error, file, line, 1, message});
}

QList<Walker::Entry> Walker::entries(const YNode &map, const QStringList &allowed,
                                     const QString &where, SourcePos fallback)
{
    QList<Entry> result;
    result.reserve(qsizetype(map.size()));
    // Keys seen so far: searched in order while there are a handful (a
    // contract has hundreds of thousands of small mappings, and hashing each
    // key cost more than reading it), hashed past that (a mapping of a
    // million keys must not take quadratic time).
    constexpr qsizetype kScanned = 16;
    QList<std::pair<QString, SourcePos>> seen;
    QHash<QString, SourcePos> seenHashed;
    const auto firstSeen = [&](const QString &key) -> std::optional<SourcePos> {
        if (!seenHashed.isEmpty()) {
            const auto found = seenHashed.constFind(key);
            return found == seenHashed.cend() ? std::nullopt : std::optional(*found);
        }
        for (const auto &[k, pos] : seen) {
            if (k == key)
                return pos;
        }
        return std::nullopt;
    };
    const auto remember = [&](const QString &key, SourcePos pos) {
        if (seenHashed.isEmpty() && seen.size() < kScanned) {
            seen.append({key, pos});
            return;
        }
        if (seenHashed.isEmpty()) {
            for (const auto &[k, p] : seen)
                seenHashed.insert(k, p);
        }
        seenHashed.insert(key, pos);
    };
    for (auto it = map.begin(); it != map.end(); ++it) {
        const SourcePos keyPos = posOf(it->first, fallback);
        if (!it->first.IsScalar()) {
            error(keyPos, QStringLiteral("keys in %1 must be text, found %2")
                              .arg(where, describeType(it->first)));
            continue;
        }
        const QString key = qs(it->first.Scalar());
        if (const auto first = firstSeen(key)) {
            error(keyPos, QStringLiteral("duplicate key '%1' in %2; first given at line %3")
                              .arg(key, where)
                              .arg(first->line));
            continue;
        }
        remember(key, keyPos);
        if (!allowed.contains(key)) {
            unknownKey(keyPos, key, allowed, where);
            continue;
        }
        result.append({key, it->first, it->second, keyPos});
    }
    return result;
}

void Walker::unknownKey(SourcePos pos, const QString &key, const QStringList &allowed,
                        const QString &where)
{
    const QString suggestion = closestMatch(key, allowed);
    if (!suggestion.isEmpty())
        error(pos, QStringLiteral("unknown key '%1' in %2; did you mean '%3'?")
                       .arg(key, where, suggestion));
    else
        error(pos, QStringLiteral("unknown key '%1' in %2; expected one of: %3")
                       .arg(key, where, allowed.join(QStringLiteral(", "))));
}

bool Walker::expectMap(const YNode &n, const QString &what, SourcePos pos)
{
    if (n.IsMap())
        return true;
    error(posOf(n, pos),
          QStringLiteral("%1 must be a mapping (key: value), found %2").arg(what, describeType(n)));
    return false;
}

std::optional<QString> Walker::text(const Entry &e, const QString &where)
{
    if (e.value.IsScalar())
        return qs(e.value.Scalar());
    error(posOf(e.value, e.keyPos), QStringLiteral("'%1' in %2 must be text, found %3")
                                        .arg(e.key, where, describeType(e.value)));
    return std::nullopt;
}

std::optional<QString> Walker::identifier(const Entry &e, const QString &where)
{
    auto t = text(e, where);
    if (!t)
        return std::nullopt;
    if (!identifierPattern().match(*t).hasMatch()) {
        error(posOf(e.value, e.keyPos),
              QStringLiteral("'%1' is not a valid %2 id; use letters, digits, '_', '.' and "
                             "'-', starting with a letter or '_'")
                  .arg(*t, where));
        return std::nullopt;
    }
    if (const QString problem = idLengthProblem(*t, QStringLiteral("%1 id").arg(where));
        !problem.isEmpty()) {
        error(posOf(e.value, e.keyPos), problem);
        return std::nullopt;
    }
    return t;
}

std::optional<int> Walker::integer(const Entry &e, const QString &where, int min, int max)
{
    auto t = text(e, where);
    if (!t)
        return std::nullopt;
    bool ok = false;
    const qlonglong v = t->toLongLong(&ok);
    if (!ok) {
        error(
            posOf(e.value, e.keyPos),
            QStringLiteral("'%1' in %2 must be a whole number, found '%3'").arg(e.key, where, *t));
        return std::nullopt;
    }
    if (v < min || v > max) {
        error(posOf(e.value, e.keyPos),
              QStringLiteral("'%1' in %2 must be between %3 and %4, found %5")
                  .arg(e.key, where)
                  .arg(min)
                  .arg(max)
                  .arg(v));
        return std::nullopt;
    }
    return int(v);
}

// A list of text items with their positions; a single scalar is refused
// so that `needs: a, b` is not silently one odd name.
std::optional<QList<std::pair<QString, SourcePos>>> Walker::textList(const Entry &e,
                                                                     const QString &where)
{
    if (e.value.IsNull())
        return QList<std::pair<QString, SourcePos>>{};
    if (!e.value.IsSequence()) {
        error(posOf(e.value, e.keyPos),
              QStringLiteral("'%1' in %2 must be a list like [a, b], found %3")
                  .arg(e.key, where, describeType(e.value)));
        return std::nullopt;
    }
    QList<std::pair<QString, SourcePos>> items;
    for (const YNode &item : e.value) {
        if (!item.IsScalar()) {
            error(posOf(item, e.keyPos),
                  QStringLiteral("items of '%1' in %2 must be text, found %3")
                      .arg(e.key, where, describeType(item)));
            continue;
        }
        items.append({qs(item.Scalar()), posOf(item, e.keyPos)});
    }
    return items;
}

std::optional<Duration> Walker::duration(const Entry &e, const QString &where, bool allowZero)
{
    auto t = text(e, where);
    if (!t)
        return std::nullopt;
    ParseError pe;
    auto d = parseDuration(*t, &pe);
    const SourcePos pos = posOf(e.value, e.keyPos);
    if (!d) {
        error(inside(pos, pe.offset), QStringLiteral("bad duration '%1' for '%2' in %3: %4")
                                          .arg(*t, e.key, where, pe.message));
        return std::nullopt;
    }
    if (!allowZero && d->count() <= 0) {
        error(pos, QStringLiteral("'%1' in %2 must be longer than 0s").arg(e.key, where));
        return std::nullopt;
    }
    return d;
}

std::optional<WeeklyTime> Walker::weeklyTime(const Entry &e, const QString &where)
{
    auto t = text(e, where);
    if (!t)
        return std::nullopt;
    ParseError pe;
    auto w = WeeklyTime::parse(*t, &pe);
    if (!w)
        error(inside(posOf(e.value, e.keyPos), pe.offset),
              QStringLiteral("bad time '%1' for '%2' in %3: %4; write e.g. \"MON 12:00\"")
                  .arg(*t, e.key, where, pe.message));
    return w;
}

std::optional<DeadlineRule> Walker::deadline(const Entry &e, const QString &where)
{
    auto t = text(e, where);
    if (!t)
        return std::nullopt;
    ParseError pe;
    auto d = DeadlineRule::parse(*t, &pe);
    if (!d)
        error(inside(posOf(e.value, e.keyPos), pe.offset),
              QStringLiteral("bad time '%1' for '%2' in %3: %4").arg(*t, e.key, where, pe.message));
    return d;
}

std::optional<bool> Walker::boolean(const Entry &e, const QString &where)
{
    auto t = text(e, where);
    if (!t)
        return std::nullopt;
    if (*t == QLatin1String("true"))
        return true;
    if (*t == QLatin1String("false"))
        return false;
    error(posOf(e.value, e.keyPos),
          QStringLiteral("'%1' in %2 must be true or false, found '%3'").arg(e.key, where, *t));
    return std::nullopt;
}

std::optional<Threshold> Walker::threshold(const Entry &e, const QString &where)
{
    auto t = text(e, where);
    if (!t)
        return std::nullopt;
    ParseError pe;
    auto th = Threshold::parse(*t, &pe);
    if (!th)
        error(inside(posOf(e.value, e.keyPos), pe.offset),
              QStringLiteral("bad threshold '%1' for '%2' in %3: %4")
                  .arg(*t, e.key, where, pe.message));
    return th;
}

std::optional<Template> Walker::templ(const Entry &e, const QString &where)
{
    auto t = text(e, where);
    if (!t)
        return std::nullopt;
    ParseError pe;
    auto tpl = Template::parse(*t, &pe);
    if (!tpl)
        error(inside(posOf(e.value, e.keyPos), pe.offset),
              QStringLiteral("bad template for '%1' in %2: %3").arg(e.key, where, pe.message));
    return tpl;
}

// `${NAME}` references must be well formed; secrets may only be references.
bool Walker::checkEnvRefs(const QString &value, SourcePos pos, const QString &what)
{
    const qsizetype open = value.indexOf(QStringLiteral("${"));
    if (open < 0)
        return true;
    auto it = envPattern().globalMatch(value);
    qsizetype consumed = 0;
    while (it.hasNext()) {
        const auto m = it.next();
        const QString name = m.captured(1);
        static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (!envName.match(name).hasMatch()) {
            error(inside(pos, int(m.capturedStart())),
                  QStringLiteral("bad environment reference '${%1}' in %2; write ${NAME} with "
                                 "letters, digits and '_'")
                      .arg(name, what));
            return false;
        }
        consumed = m.capturedEnd();
    }
    if (value.indexOf(QStringLiteral("${"), consumed) >= 0) {
        error(inside(pos, int(value.indexOf(QStringLiteral("${"), consumed))),
              QStringLiteral("unclosed '${' in %1").arg(what));
        return false;
    }
    return true;
}

QString Walker::resolvePath(const QString &relative) const
{
    if (QDir::isAbsolutePath(relative))
        return QDir::cleanPath(relative);
    return QDir::cleanPath(QDir(m_baseDir).absoluteFilePath(relative));
}

void Walker::add(Diagnostic::Severity severity, SourcePos pos, const QString &message)
{
    if (full())
        return;
    diagnostics.append({severity, m_file, pos.line, pos.column, message});
    if (full())
        diagnostics.append({Diagnostic::Severity::Error, m_file, pos.line, pos.column,
                            QStringLiteral("too many problems; stopping here")});
}

} // namespace vouch::engine::loader
