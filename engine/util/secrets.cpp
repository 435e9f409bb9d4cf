#include "engine/util/secrets.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QThread>
#include <QUrl>

#include <qt6keychain/keychain.h>

#include <algorithm>
#include <future>
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

// QtKeychain is not thread-safe (its job queue is one global object), so
// every keychain job runs on one thread of its own, one at a time; callers on
// any thread wait for the answer. The thread ends with the application.
class KeychainThread
{
public:
    KeychainThread()
    {
        m_thread.setObjectName(QStringLiteral("vouch-keychain"));
        m_context.moveToThread(&m_thread);
        m_thread.start();
    }
    ~KeychainThread() { stop(); }
    void stop()
    {
        m_thread.quit();
        m_thread.wait();
    }
    QObject *context() { return &m_context; }
    bool isCurrent() const { return QThread::currentThread() == &m_thread; }

private:
    QThread m_thread;
    QObject m_context;
};

KeychainThread &keychainThread()
{
    static KeychainThread *instance = [] {
        auto *t = new KeychainThread;
        // Before QCoreApplication goes away, so that the thread is not
        // destroyed while it runs.
        qAddPostRoutine([] { delete &keychainThread(); });
        return t;
    }();
    return *instance;
}

struct JobResult
{
    QKeychain::Error error = QKeychain::NoError;
    QString errorText;
    QString text;
};

enum class JobKind
{
    Read,
    Write,
    Delete
};

JobResult runJob(JobKind kind, const QString &key, const QString &value = QString())
{
    if (!QCoreApplication::instance())
        return {
            QKeychain::OtherError, QStringLiteral("the keychain needs a running application"), {}};
    auto promise = std::make_shared<std::promise<JobResult>>();
    std::future<JobResult> answer = promise->get_future();
    KeychainThread &thread = keychainThread();
    QMetaObject::invokeMethod(
        thread.context(),
        [promise, kind, key, value] {
            QKeychain::Job *job = nullptr;
            switch (kind) {
            case JobKind::Read:
                job = new QKeychain::ReadPasswordJob(keychainService());
                break;
            case JobKind::Write: {
                auto *write = new QKeychain::WritePasswordJob(keychainService());
                write->setTextData(value);
                job = write;
                break;
            }
            case JobKind::Delete:
                job = new QKeychain::DeletePasswordJob(keychainService());
                break;
            }
            job->setAutoDelete(true);
            job->setInsecureFallback(false); // never a plain-text file instead
            job->setKey(key);
            QObject::connect(
                job, &QKeychain::Job::finished, job, [promise, kind](QKeychain::Job *done) {
                    JobResult r;
                    r.error = done->error();
                    r.errorText = done->errorString();
                    if (kind == JobKind::Read && r.error == QKeychain::NoError)
                        r.text = static_cast<QKeychain::ReadPasswordJob *>(done)->textData();
                    promise->set_value(r);
                });
            job->start();
        },
        Qt::QueuedConnection);
    if (answer.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
        return {QKeychain::OtherError,
                QStringLiteral("the keychain did not answer within 60 s (is it waiting for a "
                               "password prompt?)"),
                {}};
    return answer.get();
}

std::optional<QString> readEntry(const QString &key, QString *error, bool *missing = nullptr)
{
    const JobResult r = runJob(JobKind::Read, key);
    if (r.error == QKeychain::NoError)
        return r.text;
    if (missing)
        *missing = r.error == QKeychain::EntryNotFound;
    if (error)
        *error = describe(r.error, r.errorText, key);
    return std::nullopt;
}

bool writeEntry(const QString &key, const QString &value, QString *error)
{
    const JobResult r = runJob(JobKind::Write, key, value);
    if (r.error == QKeychain::NoError)
        return true;
    if (error)
        *error = describe(r.error, r.errorText, key);
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

QString redactSecrets(QString text, const QStringList &secrets)
{
    constexpr qsizetype kMinSegment = 6;
    constexpr qsizetype kMinValue = 4;
    QStringList parts;
    const auto add = [&parts](const QString &part, qsizetype minLength) {
        if (part.size() < minLength)
            return;
        parts << part;
        const QString decoded = QUrl::fromPercentEncoding(part.toUtf8());
        if (decoded.size() >= minLength)
            parts << decoded;
    };
    for (const QString &secret : secrets) {
        if (secret.isEmpty())
            continue;
        parts << secret;
        const QUrl url(secret);
        if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty())
            continue; // a routing key or a signing secret: hidden whole only
        add(url.userName(QUrl::FullyEncoded), kMinValue);
        add(url.password(QUrl::FullyEncoded), kMinValue);
        const QStringList segments =
            url.path(QUrl::FullyEncoded).split(QLatin1Char('/'), Qt::SkipEmptyParts);
        for (const QString &segment : segments)
            add(segment, kMinSegment);
        const QStringList items =
            url.query(QUrl::FullyEncoded).split(QLatin1Char('&'), Qt::SkipEmptyParts);
        for (const QString &item : items) {
            const qsizetype equals = item.indexOf(QLatin1Char('='));
            add(equals < 0 ? item : item.mid(equals + 1), kMinValue); // "?TOKEN" is a value too
        }
        add(url.fragment(QUrl::FullyEncoded), kMinValue);
    }
    // Longest first: a whole URL goes before the parts inside it.
    parts.removeDuplicates();
    std::sort(parts.begin(), parts.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
    for (const QString &part : std::as_const(parts))
        text.replace(part, QStringLiteral("[redacted]"));
    return text;
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
    const JobResult r = runJob(JobKind::Delete, name);
    if (r.error != QKeychain::NoError && r.error != QKeychain::EntryNotFound) {
        if (error)
            *error = describe(r.error, r.errorText, name);
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
