#pragma once

// Sends the outbox's rows over HTTP (QtNetwork, asynchronous, on the thread
// that owns the store): at most a few requests at a time, retries with
// exponential backoff and jitter, `429 Retry-After` honoured, a row failed
// for good once its give-up time has passed. Secrets are resolved at send
// time and never written anywhere: errors name the channel, not the URL.

#include "engine/alert/outbox.h"

#include <QObject>

#include <memory>

class QNetworkAccessManager;
class QNetworkReply;
class QTimer;

namespace vouch::engine {

class StateStore;

class Dispatcher : public QObject
{
    Q_OBJECT

public:
    // The store stays owned by the caller and is used from this thread only.
    explicit Dispatcher(StateStore &store, QObject *parent = nullptr);
    ~Dispatcher() override;

    Outbox &outbox();
    // Releases claims of this host's processes that have died, then sends
    // whatever is due and keeps doing so as rows become due.
    void start();
    void stop();
    // Look again now (after an enqueue, say).
    void poke();
    int inFlight() const;

    // Runs an event loop for at most maxMs. With waitForRetries, until the
    // outbox has nothing pending or nothing falls due within the window;
    // without, every row due now is tried once and the loop waits only for
    // those requests. True when the outbox has no pending rows left.
    bool drain(int maxMs, bool waitForRetries);

    // "host:pid", as written in claimed rows.
    static QString holderName();

Q_SIGNALS:
    // A row changed state (delivered, retrying or failed).
    void deliveryChanged(const vouch::engine::Delivery &delivery);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// The delay before try `tries + 1`: firstRetry doubling per try, capped at
// maxRetry, then scaled by a random factor in [0.8, 1.2].
qint64 backoffMs(int tries, qint64 firstRetryMs, qint64 maxRetryMs);
// A Retry-After header (delta seconds or an HTTP date) as milliseconds from
// now; nullopt when absent or unreadable.
std::optional<qint64> retryAfterMs(const QByteArray &header, const QDateTime &now);

// One POST outside the outbox (audit anchors): the request exactly as the
// dispatcher sends a delivery's (secrets resolved now, X-Vouch-Signature on a
// webhook with a signing secret), without retries. Runs a local event loop
// for at most delivery.timeoutMs. Empty on a 2xx answer; otherwise what went
// wrong, naming the channel and never any part of a secret.
QString postOnce(const Delivery &delivery);

} // namespace vouch::engine
