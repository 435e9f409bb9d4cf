#pragma once

// A real local HTTP/1.1 server for tests: it records every request and
// answers from a script per path, so a test can inject faults: an error
// status, 429 with Retry-After, a slow answer, no answer at all (the client
// times out), or a connection closed without an answer. Once a path's
// script is used up it answers 200. Runs on the test's event loop: wait with
// QTRY_* or a QEventLoop, never with a blocking call.

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <utility>

namespace vouch::test {

struct HttpAction
{
    enum class Kind
    {
        Respond, // status (+ headers) after delayMs
        Hang,    // read the request, never answer; drop the connection after delayMs
        Close    // drop the connection at once, no answer
    };
    Kind kind = Kind::Respond;
    int status = 200;
    int delayMs = 0;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body = "ok";

    static HttpAction respond(int status, int delayMs = 0)
    {
        return {Kind::Respond, status, delayMs, {}, "ok"};
    }
    static HttpAction retryAfter(int seconds)
    {
        return {
            Kind::Respond, 429, 0, {{"Retry-After", QByteArray::number(seconds)}}, "rate_limited"};
    }
    // Answers `status` with a body that echoes the request, as many services
    // do: "{path}" in it becomes the request's path (query included) and
    // "{body}" the request's body.
    static HttpAction echo(int status, QByteArray body)
    {
        return {Kind::Respond, status, 0, {}, std::move(body)};
    }
    static HttpAction hang(int ms) { return {Kind::Hang, 0, ms, {}, {}}; }
    static HttpAction close() { return {Kind::Close, 0, 0, {}, {}}; }
};

struct HttpRequest
{
    QByteArray method;
    QString path;
    QMap<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    qint64 receivedMs = 0; // when it arrived (ms since the epoch)
    int status = 0;        // what was answered; 0 when no answer was sent
    bool answered = false; // a complete response was written
};

// No Q_OBJECT: header-only, so that any test can include it without moc.
class HttpRecorder : public QObject
{
public:
    explicit HttpRecorder(QObject *parent = nullptr)
        : QObject(parent)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &HttpRecorder::accept);
    }

    bool listen(quint16 port = 0) { return m_server.listen(QHostAddress::LocalHost, port); }
    void close() { m_server.close(); }
    quint16 port() const { return m_server.serverPort(); }
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(port()).arg(path);
    }

    void script(const QString &path, const QList<HttpAction> &actions) { m_script[path] = actions; }
    const QList<HttpRequest> &requests() const { return m_requests; }
    QList<HttpRequest> requestsTo(const QString &path) const
    {
        QList<HttpRequest> out;
        for (const HttpRequest &r : m_requests) {
            if (r.path == path)
                out << r;
        }
        return out;
    }

    // Called with the index into requests() of each request as it arrives.
    std::function<void(int)> onReceived;

private:
    void accept()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        HttpRequest request;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
        request.method = first.value(0);
        request.path = QString::fromUtf8(first.value(1));
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                request.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                                       lines.at(i).mid(colon + 1).trimmed());
        }
        const qsizetype length = request.headers.value("content-length", "0").toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        request.body = buffer.mid(end + 4, length);
        request.receivedMs = QDateTime::currentMSecsSinceEpoch();
        m_buffers.remove(socket);
        const HttpAction action = m_script[request.path].isEmpty()
                                      ? HttpAction::respond(200)
                                      : m_script[request.path].takeFirst();
        const int index = int(m_requests.size());
        m_requests.append(request);
        if (onReceived)
            onReceived(index);
        QPointer<QTcpSocket> guard(socket);
        switch (action.kind) {
        case HttpAction::Kind::Close:
            socket->abort();
            break;
        case HttpAction::Kind::Hang:
            QTimer::singleShot(action.delayMs, this, [guard] {
                if (guard)
                    guard->abort();
            });
            break;
        case HttpAction::Kind::Respond:
            QTimer::singleShot(action.delayMs, this, [this, guard, action, index] {
                if (!guard || guard->state() != QAbstractSocket::ConnectedState)
                    return; // the client gave up first: not answered
                const QByteArray body = QByteArray(action.body)
                                            .replace("{path}", m_requests.at(index).path.toUtf8())
                                            .replace("{body}", m_requests.at(index).body);
                QByteArray response = "HTTP/1.1 " + QByteArray::number(action.status) +
                                      " Status\r\nContent-Type: text/plain\r\nConnection: "
                                      "close\r\nContent-Length: " +
                                      QByteArray::number(body.size()) + "\r\n";
                for (const auto &[name, value] : action.headers)
                    response += name + ": " + value + "\r\n";
                response += "\r\n" + body;
                guard->write(response);
                guard->flush();
                m_requests[index].status = action.status;
                m_requests[index].answered = true;
                guard->disconnectFromHost();
            });
            break;
        }
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QHash<QString, QList<HttpAction>> m_script;
    QList<HttpRequest> m_requests;
};

} // namespace vouch::test
