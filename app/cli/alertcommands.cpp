#include "app/cli/alertcommands.h"

#include "engine/alert/dispatcher.h"
#include "engine/contract/duration.h"
#include "engine/trust/alerts.h"
#include "engine/util/secrets.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>

#include <cstdio>
#include <functional>
#include <termios.h>
#include <unistd.h>

namespace vouch::cli {

using namespace vouch::engine;

namespace {

// Reads the secret from standard input without echoing it on a terminal.
std::optional<QString> readSecretFromStdin(QTextStream &err)
{
    const bool tty = isatty(STDIN_FILENO) != 0;
    termios saved{};
    if (tty) {
        err << "value (not shown): ";
        err.flush();
        tcgetattr(STDIN_FILENO, &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return std::nullopt;
    QByteArray value = tty ? in.readLine() : in.readAll();
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        err << '\n';
    }
    // One trailing line end (from echo or a terminal) is not part of it.
    if (value.endsWith('\n'))
        value.chop(1);
    if (value.endsWith('\r'))
        value.chop(1);
    return QString::fromUtf8(value);
}

QJsonObject deliveryJson(const Delivery &d)
{
    QJsonObject o{{QStringLiteral("channel"), d.channel},
                  {QStringLiteral("service"), toString(d.service)},
                  {QStringLiteral("event"), d.event},
                  {QStringLiteral("status"), toString(d.status)},
                  {QStringLiteral("tries"), d.tries}};
    if (d.httpStatus)
        o.insert(QStringLiteral("http_status"), d.httpStatus);
    if (!d.lastError.isEmpty())
        o.insert(QStringLiteral("error"), d.lastError);
    if (d.finishedAt.isValid())
        o.insert(QStringLiteral("finished_at"), d.finishedAt.toString(Qt::ISODateWithMs));
    if (d.status == DeliveryStatus::Pending && d.nextAt.isValid())
        o.insert(QStringLiteral("next_try_at"), d.nextAt.toString(Qt::ISODateWithMs));
    return o;
}

QString describe(const Delivery &d)
{
    QString text = QStringLiteral("%1 (%2) %3: %4")
                       .arg(d.channel, toString(d.service), d.event, toString(d.status));
    if (d.status == DeliveryStatus::Pending && d.tries > 0)
        text += QStringLiteral(" after %1 %2, next try %3")
                    .arg(d.tries)
                    .arg(d.tries == 1 ? QStringLiteral("try") : QStringLiteral("tries"))
                    .arg(d.nextAt.toLocalTime().toString(QStringLiteral("ddd HH:mm:ss")));
    if (d.status == DeliveryStatus::Delivered && d.finishedAt.isValid())
        text += QStringLiteral(" at ") +
                d.finishedAt.toLocalTime().toString(QStringLiteral("ddd HH:mm:ss"));
    if (!d.lastError.isEmpty() && d.status != DeliveryStatus::Delivered)
        text += QStringLiteral(" — ") + d.lastError;
    return text;
}

struct DeliveryRound
{
    int delivered = 0;
    int failed = 0;
    int pending = 0;
    bool drained = false; // nothing pending is left
    QString error;        // the outbox could not take the new alert changes
};

// Queues the contract's new alert changes, then sends for at most maxMs (see
// Dispatcher::drain); `onRow` sees each row as it is delivered, retried or
// failed.
DeliveryRound deliverRound(StateStore &store, const Contract &contract, int maxMs,
                           bool waitForRetries,
                           const std::function<void(const Delivery &)> &onRow = {})
{
    DeliveryRound round;
    Dispatcher dispatcher(store);
    dispatcher.outbox().enqueue(contract, &round.error);
    QObject::connect(&dispatcher, &Dispatcher::deliveryChanged, [&](const Delivery &d) {
        round.delivered += d.status == DeliveryStatus::Delivered;
        round.failed += d.status == DeliveryStatus::Failed;
        if (onRow)
            onRow(d);
    });
    round.drained = dispatcher.drain(maxMs, waitForRetries);
    round.pending = dispatcher.outbox().pendingCount();
    return round;
}

int deliverCommand(const Args &a, QTextStream &out, QTextStream &err)
{
    auto target = openLatestRun(QStringLiteral("alerts deliver"),
                                a.options.value(QStringLiteral("state"), defaultStatePath()),
                                a.positional.value(1), err);
    if (!target)
        return BadInput;
    Duration window{60};
    if (a.options.contains(QStringLiteral("for"))) {
        const auto d = parseDuration(a.options.value(QStringLiteral("for")));
        if (!d || d->count() <= 0) {
            err << "vouch alerts deliver: --for takes a duration such as 30s or 5m\n";
            return BadInput;
        }
        window = *d;
    }
    const DeliveryRound round =
        deliverRound(*target->store, *target->contract, int(window.count() * 1000), true,
                     [&out](const Delivery &d) {
                         out << "  " << describe(d) << '\n';
                         out.flush();
                     });
    if (!round.error.isEmpty())
        err << "vouch alerts deliver: " << round.error << '\n';
    out << round.delivered << " delivered, " << round.failed << " failed, " << round.pending
        << " waiting\n";
    return round.drained && round.failed == 0 && round.error.isEmpty() ? Ok : 1;
}

} // namespace

void deliverAlerts(StateStore &store, const Contract &contract, QTextStream &out)
{
    if (contract.alerting.channels.isEmpty())
        return;
    // Each due row is tried once; retries wait for `vouch serve`, the app or
    // `vouch alerts deliver`.
    const DeliveryRound round = deliverRound(
        store, contract, int(contract.alerting.delivery.timeout.count() * 1000) + 2000, false);
    if (!round.error.isEmpty())
        out << "\nAlert deliveries: " << round.error << '\n';
    if (round.delivered + round.failed + round.pending == 0)
        return;
    out << "\nAlert deliveries: " << round.delivered << " delivered";
    if (round.failed)
        out << ", " << round.failed << " failed";
    if (round.pending)
        out << ", " << round.pending << " waiting to be retried (vouch alerts deliver)";
    out << '\n';
    out.flush();
}

int alertsCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const Args a =
        parseArgs(args, {QStringLiteral("state"), QStringLiteral("for")}, {QStringLiteral("json")});
    const bool deliver = a.positional.value(0) == QLatin1String("deliver");
    if (!a.error.isEmpty() || a.positional.size() > (deliver ? 2 : 1)) {
        err << "vouch alerts: "
            << (a.error.isEmpty() ? QStringLiteral("give at most one contract file") : a.error)
            << "\nusage: vouch alerts [FILE] [--state DB] [--json]\n"
               "       vouch alerts deliver [FILE] [--state DB] [--for 60s]\n";
        return BadInput;
    }
    if (deliver)
        return deliverCommand(a, out, err);
    auto target = openLatestRun(QStringLiteral("alerts"),
                                a.options.value(QStringLiteral("state"), defaultStatePath()),
                                a.positional.value(0), err);
    if (!target)
        return BadInput;
    Outbox outbox(*target->store);
    const QList<AlertRecord> alerts = AlertBook(*target->store).alerts(target->run.id);
    const QList<Delivery> deliveries = outbox.forRun(target->run.id);
    if (a.flags.contains(QStringLiteral("json"))) {
        QJsonArray list;
        for (const AlertRecord &r : alerts) {
            QJsonArray sent;
            for (const Delivery &d : deliveries) {
                if (d.alertId == r.id)
                    sent.append(deliveryJson(d));
            }
            list.append(QJsonObject{
                {QStringLiteral("id"), r.id},
                {QStringLiteral("state"), toString(r.state)},
                {QStringLiteral("severity"), toString(r.severity)},
                {QStringLiteral("headline"), r.headline},
                {QStringLiteral("root_cause"), r.rootNode},
                {QStringLiteral("opened_at"), r.openedAt.toString(Qt::ISODateWithMs)},
                {QStringLiteral("resolved_at"),
                 r.resolvedAt.isValid() ? QJsonValue(r.resolvedAt.toString(Qt::ISODateWithMs))
                                        : QJsonValue()},
                {QStringLiteral("deliveries"), sent}});
        }
        out << QJsonDocument(QJsonObject{{QStringLiteral("report"), target->run.reportId},
                                         {QStringLiteral("period"), target->run.period},
                                         {QStringLiteral("run"), target->run.id},
                                         {QStringLiteral("alerts"), list}})
                   .toJson(QJsonDocument::Indented);
        return Ok;
    }
    out << target->contract->report.name << ", period " << target->run.period << ": "
        << alerts.size() << (alerts.size() == 1 ? " alert" : " alerts") << '\n';
    bool anyFailed = false;
    for (const AlertRecord &r : alerts) {
        out << "\n#" << r.id << " [" << toString(r.severity).toUpper() << ", " << toString(r.state)
            << "] " << r.headline << '\n';
        bool any = false;
        for (const Delivery &d : deliveries) {
            if (d.alertId != r.id)
                continue;
            any = true;
            anyFailed |= d.status == DeliveryStatus::Failed;
            out << "    "
                << (d.status == DeliveryStatus::Failed      ? "✘ "
                    : d.status == DeliveryStatus::Delivered ? "✔ "
                                                            : "… ")
                << describe(d) << '\n';
        }
        if (!any)
            out << "    (no channel: no route in the contract's alerting matches)\n";
    }
    return anyFailed ? 1 : Ok;
}

int secretCommand(const QStringList &args, QTextStream &out, QTextStream &err)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    const char *usage = "usage: vouch secret set NAME      (the value is read from standard "
                        "input, never echoed)\n"
                        "       vouch secret delete NAME\n"
                        "       vouch secret list              (names only)\n";
    QString error;
    if (sub == QLatin1String("list") && rest.isEmpty()) {
        const auto names = secretNames(&error);
        if (!names) {
            err << "vouch secret list: " << error << '\n';
            return BadInput;
        }
        for (const QString &name : *names)
            out << name << '\n';
        return Ok;
    }
    if ((sub == QLatin1String("set") || sub == QLatin1String("delete")) && rest.size() == 1) {
        const QString name = rest.first();
        if (!isValidSecretName(name)) {
            err << "vouch secret " << sub << ": '" << name.left(64)
                << "' is not a secret name; use letters, digits, '_', '.' and '-'\n";
            return BadInput;
        }
        if (sub == QLatin1String("delete")) {
            if (!deleteSecret(name, &error)) {
                err << "vouch secret delete: " << error << '\n';
                return BadInput;
            }
            out << "deleted " << name << '\n';
            return Ok;
        }
        const auto value = readSecretFromStdin(err);
        if (!value || value->isEmpty()) {
            err << "vouch secret set: no value on standard input; nothing was stored\n";
            return BadInput;
        }
        if (!writeSecret(name, *value, &error)) {
            err << "vouch secret set: " << error << '\n';
            return BadInput;
        }
        out << "stored " << name << " in the keychain; write 'keychain:" << name
            << "' in a contract\n";
        return Ok;
    }
    err << "vouch secret: "
        << (sub.isEmpty()
                ? QStringLiteral("give set, delete or list")
                : QStringLiteral("unknown use '%1'").arg(args.join(QLatin1Char(' ')).left(80)))
        << '\n'
        << usage;
    return BadInput;
}

} // namespace vouch::cli
