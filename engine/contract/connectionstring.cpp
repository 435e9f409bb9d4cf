#include "engine/contract/connectionstring.h"

#include <QRegularExpression>

namespace vouch::engine {

std::optional<QList<OdbcAttribute>> parseOdbcConnectionString(const QString &text,
                                                              qsizetype *errorAt, QString *error)
{
    QList<OdbcAttribute> attributes;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        while (i < n && (text.at(i) == QLatin1Char(';') || text.at(i).isSpace()))
            ++i;
        if (i >= n)
            break;
        OdbcAttribute a;
        a.keyStart = i;
        const qsizetype eq = text.indexOf(QLatin1Char('='), i);
        const qsizetype semi = text.indexOf(QLatin1Char(';'), i);
        if (eq < 0 || (semi >= 0 && semi < eq)) {
            *errorAt = i;
            *error = QStringLiteral("'%1' has no '=': write KEY=value pairs separated by ';'")
                         .arg(text.mid(i, (semi < 0 ? n : semi) - i).trimmed().left(40));
            return std::nullopt;
        }
        a.key = text.mid(i, eq - i).trimmed();
        i = eq + 1;
        while (i < n && text.at(i) == QLatin1Char(' '))
            ++i;
        a.valueStart = i;
        if (i < n && text.at(i) == QLatin1Char('{')) {
            ++i;
            bool closed = false;
            while (i < n) {
                if (text.at(i) == QLatin1Char('}')) {
                    if (i + 1 < n && text.at(i + 1) == QLatin1Char('}')) {
                        a.value += QLatin1Char('}');
                        i += 2;
                        continue;
                    }
                    closed = true;
                    ++i;
                    break;
                }
                a.value += text.at(i++);
            }
            if (!closed) {
                *errorAt = a.valueStart;
                *error =
                    QStringLiteral("the value of '%1' opens '{' and never closes it").arg(a.key);
                return std::nullopt;
            }
            while (i < n && text.at(i) != QLatin1Char(';'))
                ++i;
        } else {
            const qsizetype end = semi < 0 ? n : semi;
            a.value = text.mid(i, end - i).trimmed();
            i = end;
        }
        attributes.append(a);
    }
    return attributes;
}

bool isOdbcSecretKey(const QString &key)
{
    static const QRegularExpression secret(
        QStringLiteral("pwd|passw|secret|token|credential|private_?key|auth_?key"),
        QRegularExpression::CaseInsensitiveOption);
    return secret.match(key).hasMatch();
}

bool isSecretReference(const QString &value)
{
    static const QRegularExpression reference(
        QStringLiteral("^(keychain:[A-Za-z0-9_.\\-]+|\\$\\{[A-Za-z_][A-Za-z0-9_]*\\})$"));
    return reference.match(value).hasMatch();
}

QString odbcQuote(const QString &value)
{
    if (!value.contains(QLatin1Char(';')) && !value.contains(QLatin1Char('{')) &&
        !value.contains(QLatin1Char('}')) && value.trimmed() == value)
        return value;
    QString braced = value;
    braced.replace(QLatin1Char('}'), QStringLiteral("}}"));
    return QLatin1Char('{') + braced + QLatin1Char('}');
}

} // namespace vouch::engine
