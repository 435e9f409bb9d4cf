#include "engine/alert/dispatcher.h"

#include "engine/store/statestore.h"
#include "engine/util/clock.h"
#include "engine/util/secrets.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHostInfo>
#include <QLocale>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <QUrl>

#include <csignal>
#include <unistd.h>

namespace vouch::engine {

namespace {

constexpr int kMaxInFlight = 4;
// Rows enqueued by another process are noticed at least this often.
constexpr int kIdlePollMs = 15000;
const QString kPagerDutyEventsUrl = QStringLiteral("https://events.pagerduty.com/v2/enqueue");

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

// What went wrong, in words that never include the URL (it is a secret).
QString networkProblem(QNetworkReply::NetworkError error, qint64 timeoutMs)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("connection refused");
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("the server closed the connection without an answer");
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("host not found");
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:
        return QStringLiteral("no answer within %1 s").arg(double(timeoutMs) / 1000.0);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("the TLS handshake failed");
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        return QStringLiteral("the network is down");
    case QNetworkReply::ProtocolUnknownError:
        return QStringLiteral("the URL's scheme is not http or https");
    default:
        return QStringLiteral("network error %1").arg(int(error));
    }
}

// A short, printable excerpt of a service's answer, without any secret.
// Services echo what they were sent ("Cannot POST /hooks/T0KEN"), so every
// part of a secret goes, and before the cut, so that no piece of one
// survives at the end of the excerpt.
QString excerpt(const QByteArray &body, const QStringList &secrets)
{
    QString text = redactSecrets(QString::fromUtf8(body), secrets).simplified();
    if (text.size() > 300)
        text = text.left(299) + QChar(0x2026); // …
    return text;
}

// The request of one delivery: its URL and secrets resolved at send time,
// its body signed. On failure `error` names the channel, never a secret;
// `permanent` when trying again cannot help (a URL that is not http(s)).
struct PreparedPost
{
    QNetworkRequest request;
    QByteArray body;
    QStringList secrets; // resolved values: kept out of every error text
    QString error;
    bool permanent = false;
};

PreparedPost preparePost(const Delivery &delivery)
{
    PreparedPost p;
    QString error;
    QString url;
    if (delivery.service == AlertChannel::Type::PagerDuty && delivery.target.isEmpty()) {
        url = kPagerDutyEventsUrl;
    } else {
        const auto resolved = resolveSecret(delivery.target, &error);
        if (!resolved) {
            p.error = QStringLiteral("channel '%1': %2").arg(delivery.channel, error);
            return p;
        }
        url = *resolved;
        p.secrets << url;
    }
    p.body = delivery.payload;
    if (delivery.service == AlertChannel::Type::PagerDuty) {
        const auto key = resolveSecret(delivery.routingKey, &error);
        if (!key) {
            p.error = QStringLiteral("channel '%1': %2").arg(delivery.channel, error);
            return p;
        }
        p.secrets << *key;
        p.body = withRoutingKey(p.body, *key);
    }
    const QUrl target(url);
    if (!target.isValid() ||
        (target.scheme() != QLatin1String("https") && target.scheme() != QLatin1String("http"))) {
        p.error = QStringLiteral("channel '%1': its URL is not an http(s) URL; "
                                 "set it again with `vouch secret set`")
                      .arg(delivery.channel);
        p.permanent = true;
        return p;
    }
    p.request = QNetworkRequest(target);
    p.request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    p.request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("Vouch"));
    p.request.setRawHeader("Idempotency-Key", delivery.key().toUtf8());
    p.request.setRawHeader("X-Vouch-Delivery", delivery.key().toUtf8());
    p.request.setTransferTimeout(int(std::min<qint64>(delivery.timeoutMs, 600000)));
    if (delivery.service == AlertChannel::Type::Webhook && !delivery.signingSecret.isEmpty()) {
        const auto key = resolveSecret(delivery.signingSecret, &error);
        if (!key) {
            p.error = QStringLiteral("channel '%1': %2").arg(delivery.channel, error);
            return p;
        }
        p.secrets << *key;
        p.request.setRawHeader("X-Vouch-Signature",
                               "sha256=" + QMessageAuthenticationCode::hash(
                                               p.body, key->toUtf8(), QCryptographicHash::Sha256)
                                               .toHex());
    }
    return p;
}

} // namespace

qint64 backoffMs(int tries, qint64 firstRetryMs, qint64 maxRetryMs)
{
    qint64 delay = std::max<qint64>(firstRetryMs, 100);
    for (int i = 1; i < tries && delay < maxRetryMs; ++i)
        delay *= 2;
    delay = std::min(delay, std::max(maxRetryMs, firstRetryMs));
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return qint64(double(delay) * jitter);
}

std::optional<qint64> retryAfterMs(const QByteArray &header, const QDateTime &now)
{
    const QByteArray h = header.trimmed();
    if (h.isEmpty())
        return std::nullopt;
    bool ok = false;
    const qint64 seconds = h.toLongLong(&ok);
    if (ok)
        return seconds < 0 ? std::nullopt : std::optional<qint64>(seconds * 1000);
    // An HTTP date: "Wed, 21 Oct 2015 07:28:00 GMT".
    QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(h).chopped(4).trimmed(),
                                           QStringLiteral("ddd, dd MMM yyyy HH:mm:ss"));
    if (!at.isValid())
        return std::nullopt;
    at.setTimeZone(QTimeZone::utc());
    return std::max<qint64>(0, now.msecsTo(at));
}

struct Dispatcher::Private
{
    Dispatcher *q = nullptr;
    StateStore *store = nullptr;
    std::unique_ptr<Outbox> outbox;
    QNetworkAccessManager *network = nullptr;
    QTimer *timer = nullptr;
    QString holder;
    int inFlight = 0;
    bool running = false;
    bool pumping = false;
    bool singlePass = false; // claim once, then only finish what is in flight
    bool passDone = false;

    void schedule()
    {
        if (!running)
            return;
        qint64 wait = kIdlePollMs;
        const QDateTime next = outbox->nextDue();
        if (next.isValid())
            wait = std::clamp<qint64>(wallNow().msecsTo(next) + 5, 0, kIdlePollMs);
        timer->start(int(wait));
    }

    void releaseDeadClaims()
    {
        const QString host = QHostInfo::localHostName();
        for (const QString &who : outbox->claimHolders()) {
            const qsizetype colon = who.lastIndexOf(QLatin1Char(':'));
            if (colon > 0 && who.left(colon) == host &&
                !processAlive(who.mid(colon + 1).toLongLong()))
                outbox->releaseClaims(who);
        }
    }

    void pump()
    {
        if (!running || pumping || (singlePass && passDone))
            return;
        pumping = true;
        passDone = true;
        const int room = kMaxInFlight - inFlight;
        if (room > 0) {
            const QList<Delivery> due = outbox->claimDue(holder, wallNow(), room);
            for (const Delivery &delivery : due)
                send(delivery);
        }
        pumping = false;
        schedule();
    }

    // Announces the row as it now stands in the store.
    void settle(const Delivery &delivery)
    {
        if (const auto now =
                outbox->delivery(delivery.alertId, delivery.eventSeq, delivery.channel))
            Q_EMIT q->deliveryChanged(*now);
    }

    // Every error goes through these two: what is stored (and printed by
    // `vouch alerts`) never holds any part of the secrets the delivery used.
    void retry(const Delivery &delivery, const QStringList &secrets, int status,
               const QString &error, std::optional<qint64> afterMs = std::nullopt)
    {
        const QDateTime now = wallNow();
        const qint64 wait =
            afterMs ? std::max<qint64>(*afterMs, 0)
                    : backoffMs(delivery.tries, delivery.firstRetryMs, delivery.maxRetryMs);
        outbox->markRetry(delivery, status, redactSecrets(error, secrets), now.addMSecs(wait), now);
        settle(delivery);
    }

    void fail(const Delivery &delivery, const QStringList &secrets, int status,
              const QString &error, const QDateTime &now)
    {
        outbox->markFailed(delivery, status, redactSecrets(error, secrets), now);
        settle(delivery);
    }

    void send(const Delivery &delivery)
    {
        PreparedPost prepared = preparePost(delivery);
        const QStringList secrets = prepared.secrets;
        if (!prepared.error.isEmpty()) {
            if (prepared.permanent)
                fail(delivery, secrets, 0, prepared.error, wallNow());
            else
                retry(delivery, secrets, 0, prepared.error);
            return;
        }
        ++inFlight;
        QNetworkReply *reply = network->post(prepared.request, prepared.body);
        // A hard deadline as well: a server that trickles bytes forever
        // does not hold the row.
        auto *deadline = new QTimer(reply);
        deadline->setSingleShot(true);
        QObject::connect(deadline, &QTimer::timeout, reply, &QNetworkReply::abort);
        deadline->start(int(std::min<qint64>(delivery.timeoutMs, 600000)));
        QObject::connect(reply, &QNetworkReply::finished, q, [this, reply, delivery, secrets] {
            reply->deleteLater();
            --inFlight;
            finished(delivery, reply, secrets);
            pump();
        });
    }

    void finished(const Delivery &delivery, QNetworkReply *reply, const QStringList &secrets)
    {
        const QDateTime now = wallNow();
        const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        const int status = statusAttr.isValid() ? statusAttr.toInt() : 0;
        if (status >= 200 && status < 300) {
            outbox->markDelivered(delivery, status, now);
            settle(delivery);
            return;
        }
        if (status == 0) {
            retry(delivery, secrets, 0, networkProblem(reply->error(), delivery.timeoutMs));
            return;
        }
        const QString answer = excerpt(reply->readAll(), secrets);
        const QString text = answer.isEmpty()
                                 ? QStringLiteral("HTTP %1").arg(status)
                                 : QStringLiteral("HTTP %1: %2").arg(status).arg(answer);
        if (status == 429) {
            const auto after = retryAfterMs(reply->rawHeader("Retry-After"), now);
            retry(delivery, secrets, status, QStringLiteral("rate limited (%1)").arg(text),
                  after ? std::optional<qint64>(std::max<qint64>(*after, 1000)) : std::nullopt);
            return;
        }
        if (status >= 500 || status == 408 || status == 425) {
            retry(delivery, secrets, status, text);
            return;
        }
        // 4xx: the service refuses this request; trying again will not help.
        fail(delivery, secrets, status, QStringLiteral("the service refused it (%1)").arg(text),
             now);
    }
};

Dispatcher::Dispatcher(StateStore &store, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->store = &store;
    d->outbox = std::make_unique<Outbox>(store);
    d->network = new QNetworkAccessManager(this);
    d->network->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    d->timer = new QTimer(this);
    d->timer->setSingleShot(true);
    connect(d->timer, &QTimer::timeout, this, [this] { d->pump(); });
    d->holder = holderName();
}

Dispatcher::~Dispatcher() = default;

QString Dispatcher::holderName()
{
    return QStringLiteral("%1:%2")
        .arg(QHostInfo::localHostName())
        .arg(QCoreApplication::applicationPid());
}

Outbox &Dispatcher::outbox()
{
    return *d->outbox;
}

void Dispatcher::start()
{
    if (d->running)
        return;
    d->running = true;
    d->releaseDeadClaims();
    d->pump();
}

void Dispatcher::stop()
{
    d->running = false;
    d->timer->stop();
}

void Dispatcher::poke()
{
    if (d->running)
        QTimer::singleShot(0, this, [this] { d->pump(); });
}

int Dispatcher::inFlight() const
{
    return d->inFlight;
}

bool Dispatcher::drain(int maxMs, bool waitForRetries)
{
    d->singlePass = !waitForRetries;
    d->passDone = false;
    start();
    QElapsedTimer clock;
    clock.start();
    QEventLoop loop;
    QTimer tick;
    connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 left = maxMs - clock.elapsed();
        if (left <= 0) {
            loop.quit();
            return;
        }
        if (d->inFlight > 0)
            return;
        if (!waitForRetries) {
            loop.quit();
            return;
        }
        const QDateTime now = wallNow();
        const QDateTime next = d->outbox->nextDue();
        if (!next.isValid() || now.msecsTo(next) >= left)
            loop.quit();
        else if (next <= now)
            d->pump();
    });
    tick.start(20);
    d->pump();
    loop.exec();
    d->singlePass = false;
    return d->outbox->pendingCount() == 0;
}

QString postOnce(const Delivery &delivery)
{
    const PreparedPost prepared = preparePost(delivery);
    if (!prepared.error.isEmpty())
        return prepared.error;
    QNetworkAccessManager network;
    network.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply *reply = network.post(prepared.request, prepared.body);
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, reply, &QNetworkReply::abort);
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    deadline.start(int(std::min<qint64>(delivery.timeoutMs, 600000)));
    if (!reply->isFinished())
        loop.exec();
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttr.isValid() ? statusAttr.toInt() : 0;
    QString result;
    if (status == 0) {
        result = QStringLiteral("channel '%1': %2")
                     .arg(delivery.channel, networkProblem(reply->error(), delivery.timeoutMs));
    } else if (status < 200 || status >= 300) {
        const QString answer = excerpt(reply->readAll(), prepared.secrets);
        result = QStringLiteral("channel '%1': the service answered HTTP %2%3")
                     .arg(delivery.channel)
                     .arg(status)
                     .arg(answer.isEmpty() ? QString() : QStringLiteral(": ") + answer);
    }
    delete reply;
    return redactSecrets(result, prepared.secrets);
}

} // namespace vouch::engine
