#include "engine/util/secrets.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <qt6keychain/keychain.h>

#include <memory>

namespace vouch::engine {

namespace {

// The entry that lists the names of Vouch's secrets (names only): the
// Secret Service API that QtKeychain wraps cannot enumerate.
const QString kIndexKey = QStringLiteral("vouch.index");

const QString kNoService = QStringLiteral(
    "no Secret Service is available to keep secrets (the OS keychain). Start one in your "
    "desktop session (GNOME Keyring or KeePassXC with Secret Service enabled; on a server, "
    "gnome-keyring-daemon inside dbus-run-session), or give the value through an "
    "environment variable and write '${NAME}' in the contract. Vouch never keeps secrets "
    "in plain text.");

bool serviceMissing(QKeychain::Error code, const QString &text)
{
    if (code == QKeychain::NoBackendAvailable || code == QKeychain::NotImplemented)
        return true;
    // Without a session bus or a service on it, QtKeychain reports an
    // "other" error carrying the D-Bus message.
    return code == QKeychain::OtherError &&
           (text.contains(QLatin1String("org.freedesktop.secrets")) ||
            text.contains(QLatin1String("DBus"), Qt::CaseInsensitive) ||
            text.contains(QLatin1String("D-Bus"), Qt::CaseInsensitive) ||
            text.contains(QLatin1String("No keychain service"), Qt::CaseInsensitive) ||
            text.contains(QLatin1String("Could not connect"), Qt::CaseInsensitive) ||
            text.contains(QLatin1String("ServiceUnknown"), Qt::CaseInsensitive) ||
            text.contains(QLatin1String("secret service"), Qt::CaseInsensitive));
}

QString describe(QKeychain::Error code, const QString &text, const QString &name)
{
    if (serviceMissing(code, text))
        return kNoService;
    switch (code) {
    case QKeychain::EntryNotFound:
        return QStringLiteral("the keychain has no entry '%1'; set it with `vouch secret set %1` "
                              "(or in the app's Settings)")
            .arg(name);
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return QStringLiteral("the keychain refused access to '%1' (is it locked?); unlock it and "
                              "try again")
            .arg(name);
    default:
        return QStringLiteral("the keychain failed on '%1': %2").arg(name, text);
    }
}

// Runs a job to its end on this thread.
void runJob(QKeychain::Job &job)
{
    job.setAutoDelete(false);
    job.setInsecureFallback(false); // never a plain-text file instead
    QEventLoop loop;
    QObject::connect(&job, &QKeychain::Job::finished, &loop, &QEventLoop::quit);
    job.start();
    loop.exec(QEventLoop::ExcludeUserInputEvents);
}

std::optional<QString> readEntry(const QString &key, QString *error, bool *missing = nullptr)
{
    QKeychain::ReadPasswordJob job(keychainService());
    job.setKey(key);
    runJob(job);
    if (job.error() == QKeychain::NoError)
        return job.textData();
    if (missing)
        *missing = job.error() == QKeychain::EntryNotFound;
    if (error)
        *error = describe(job.error(), job.errorString(), key);
    return std::nullopt;
}

bool writeEntry(const QString &key, const QString &value, QString *error)
{
    QKeychain::WritePasswordJob job(keychainService());
    job.setKey(key);
    job.setTextData(value);
    runJob(job);
    if (job.error() == QKeychain::NoError)
        return true;
    if (error)
        *error = describe(job.error(), job.errorString(), key);
    return false;
}

std::optional<QStringList> readIndex(QString *error)
{
    bool missing = false;
    const auto text = readEntry(kIndexKey, error, &missing);
    if (!text) {
        if (missing) {
            if (error)
                error->clear();
            return QStringList{};
        }
        return std::nullopt;
    }
    QStringList names;
    for (const QJsonValue &v : QJsonDocument::fromJson(text->toUtf8()).array()) {
        if (isValidSecretName(v.toString()))
            names << v.toString();
    }
    return names;
}

bool writeIndex(QStringList names, QString *error)
{
    names.removeDuplicates();
    names.sort();
    return writeEntry(
        kIndexKey,
        QString::fromUtf8(
            QJsonDocument(QJsonArray::fromStringList(names)).toJson(QJsonDocument::Compact)),
        error);
}

} // namespace

QString keychainService()
{
    return QStringLiteral("io.github.vouch.Vouch");
}

bool isValidSecretName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9_.\\-]{1,128}$"));
    return valid.match(name).hasMatch() && name != kIndexKey;
}

std::optional<QString> resolveSecret(const QString &value, QString *error)
{
    static const QRegularExpression keychain(QStringLiteral("^keychain:([A-Za-z0-9_.\\-]+)$"));
    static const QRegularExpression env(QStringLiteral("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}$"));
    if (const auto m = keychain.match(value); m.hasMatch())
        return readSecret(m.captured(1), error);
    if (const auto m = env.match(value); m.hasMatch()) {
        const QByteArray name = m.captured(1).toUtf8();
        if (!qEnvironmentVariableIsSet(name.constData())) {
            if (error)
                *error = QStringLiteral("the environment variable %1 is not set; export it before "
                                        "starting Vouch, or keep the value in the keychain "
                                        "(`vouch secret set NAME`, then 'keychain:NAME')")
                             .arg(m.captured(1));
            return std::nullopt;
        }
        return qEnvironmentVariable(name.constData());
    }
    return value;
}

std::optional<QString> readSecret(const QString &name, QString *error)
{
    if (!isValidSecretName(name)) {
        if (error)
            *error = QStringLiteral("'%1' is not a secret name (letters, digits, '_', '.', '-')")
                         .arg(name.left(64));
        return std::nullopt;
    }
    return readEntry(name, error);
}

bool writeSecret(const QString &name, const QString &value, QString *error)
{
    if (!isValidSecretName(name)) {
        if (error)
            *error = QStringLiteral("'%1' is not a secret name (letters, digits, '_', '.', '-')")
                         .arg(name.left(64));
        return false;
    }
    if (!writeEntry(name, value, error))
        return false;
    const auto names = readIndex(error);
    return names && writeIndex(*names + QStringList{name}, error);
}

bool deleteSecret(const QString &name, QString *error)
{
    if (!isValidSecretName(name)) {
        if (error)
            *error = QStringLiteral("'%1' is not a secret name").arg(name.left(64));
        return false;
    }
    auto names = readIndex(error);
    if (!names)
        return false;
    bool missing = false;
    QString readError;
    if (!readEntry(name, &readError, &missing) && !missing) {
        if (error)
            *error = readError;
        return false;
    }
    if (missing && !names->contains(name)) {
        if (error)
            *error = describe(QKeychain::EntryNotFound, QString(), name);
        return false;
    }
    QKeychain::DeletePasswordJob job(keychainService());
    job.setKey(name);
    runJob(job);
    if (job.error() != QKeychain::NoError && job.error() != QKeychain::EntryNotFound) {
        if (error)
            *error = describe(job.error(), job.errorString(), name);
        return false;
    }
    names->removeAll(name);
    return writeIndex(*names, error);
}

std::optional<QStringList> secretNames(QString *error)
{
    return readIndex(error);
}

} // namespace vouch::engine
