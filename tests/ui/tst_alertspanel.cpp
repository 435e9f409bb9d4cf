// The Alerts dock shows how each alert reached its channels, and a failed
// delivery stands out; activating an alert (what a click on its desktop
// notification does) selects it and points at its root cause.

#include "engine/alert/outbox.h"
#include "engine/contract/contractloader.h"
#include "engine/store/statestore.h"
#include "engine/trust/alerts.h"
#include "support/contracts.h"
#include "support/testguard.h"
#include "ui/alertspanel.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace vouch::engine;
using namespace vouch::ui;

namespace {

const char *const kContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: margin, name: Contribution margin, needs: [chk], on_failure: caveat, owner: finance-lead}
nodes:
  - {id: chk, kind: noop}
alerting:
  channels:
    hook: {type: webhook, url: "${HOOK_URL}"}
    team: {type: slack, url: "keychain:team_slack"}
  routes:
    - to: [hook, team]
)";

} // namespace

class TestAlertsPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deliveryStateIsShownPerChannel()
    {
        QTemporaryDir dir;
        const LoadResult loaded =
            ContractLoader::loadText(kContract, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY(loaded.ok());
        const QString path = dir.filePath(QStringLiteral("state.db"));
        qint64 runId = 0, alertId = 0;
        {
            QString error;
            auto store = StateStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            runId =
                store->createRun(QStringLiteral("weekly"), QStringLiteral("2026-W48"), QString());
            AlertDraft draft;
            draft.rootNode = QStringLiteral("chk");
            draft.severity = AlertSeverity::High;
            draft.headline = QStringLiteral("Contribution margin is not safe for Monday reporting");
            draft.details =
                QJsonObject{{QStringLiteral("owners"), QJsonArray{QStringLiteral("finance-lead")}}};
            const auto changed =
                AlertBook(*store).sync(runId, {draft}, QDateTime::currentDateTimeUtc());
            QCOMPARE(changed.size(), 1);
            alertId = changed.first().id;
            Outbox outbox(*store);
            QCOMPARE(outbox.enqueue(*loaded.contract), 2);
            const QList<Delivery> rows = outbox.deliveries(alertId);
            QCOMPARE(rows.size(), 2);
            for (const Delivery &d : rows) {
                if (d.channel == QLatin1String("hook"))
                    outbox.markFailed(d, 503, QStringLiteral("gave up after 9 tries: HTTP 503"),
                                      QDateTime::currentDateTimeUtc());
                else
                    outbox.markDelivered(d, 200, QDateTime::currentDateTimeUtc());
            }
        }
        AlertsPanel panel;
        // Every item model runs under the tester; loads and reloads included.
        QAbstractItemModelTester tester(panel.model(),
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loadedSpy(&panel, &AlertsPanel::loaded);
        ReportSource source;
        source.contract = loaded.contract;
        source.statePath = path;
        source.runId = runId;
        panel.setSource(source);
        QVERIFY(loadedSpy.wait(10000));
        QCOMPARE(panel.model()->rowCount(), 1);
        const QModelIndex cell = panel.model()->index(0, AlertsModel::Deliveries);
        const QString text = cell.data().toString();
        QVERIFY2(text.contains(QStringLiteral("✘ hook (failed)")), qPrintable(text));
        const QString tip = cell.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("✘ hook (failed: gave up after 9 tries: HTTP 503)")),
                 qPrintable(tip));
        QVERIFY2(text.contains(QStringLiteral("✔ team")), qPrintable(text));
        QCOMPARE(cell.data(Qt::ForegroundRole).value<QColor>(), QColor(0xc6, 0x28, 0x28));
        QCOMPARE(panel.model()
                     ->headerData(AlertsModel::Deliveries, Qt::Horizontal, Qt::DisplayRole)
                     .toString(),
                 QStringLiteral("Delivery"));

        // A click on the notification activates the alert.
        QSignalSpy activated(&panel, &AlertsPanel::alertActivated);
        panel.view()->clearSelection();
        panel.activateAlert(alertId);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.first().first().toString(), QStringLiteral("chk"));
        QCOMPARE(panel.view()->selectionModel()->selectedRows().size(), 1);

        // Acknowledged with a note, then resolved: the note shows, and the
        // alert no longer looks like an alarm.
        const QModelIndex severity = panel.model()->index(0, AlertsModel::Severity);
        QCOMPARE(severity.data().toString(), QStringLiteral("high"));
        const QColor alarm = severity.data(Qt::ForegroundRole).value<QColor>();
        {
            QString error;
            auto store = StateStore::open(path, &error);
            QVERIFY2(store, qPrintable(error));
            AlertBook book(*store);
            QVERIFY(book.acknowledge(alertId, QStringLiteral("dana"),
                                     QStringLiteral("finance told, margin held"),
                                     QDateTime::currentDateTimeUtc()));
            QCOMPARE(book.sync(runId, {}, QDateTime::currentDateTimeUtc()).size(), 1);
        }
        loadedSpy.clear();
        panel.setSource(source);
        QVERIFY(loadedSpy.wait(10000));
        QCOMPARE(panel.model()->rowCount(), 1);
        const QString state = panel.model()->index(0, AlertsModel::State).data().toString();
        QVERIFY2(state.contains(QStringLiteral("resolved")), qPrintable(state));
        QVERIFY2(state.contains(QStringLiteral("acknowledged by dana: \u201cfinance told, margin "
                                               "held\u201d")),
                 qPrintable(state));
        const QModelIndex resolved = panel.model()->index(0, AlertsModel::Severity);
        QCOMPARE(resolved.data().toString(), QStringLiteral("(high)"));
        QVERIFY(resolved.data(Qt::ForegroundRole).value<QColor>() != alarm);
    }
};

VOUCH_TEST_MAIN(TestAlertsPanel)
#include "tst_alertspanel.moc"
