// The Settings dialog against a real Secret Service (its own D-Bus session
// and GNOME Keyring, see tests/support/run-with-keyring.sh): secrets are
// listed by name, set through the dialog (typed blind) and deleted; each
// alert channel says whether its secret resolves. Values never appear in a
// widget.

#include "engine/contract/contractloader.h"
#include "engine/util/secrets.h"
#include "support/contracts.h"
#include "support/testguard.h"
#include "ui/settingsdialog.h"

#include <QDir>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace vouch::engine;
using namespace vouch::ui;

namespace {

const char *const kContract = VOUCH_TEST_WEEKLY_REPORT R"(  sections:
    - {id: margin, name: Contribution margin, needs: [chk], on_failure: caveat}
nodes:
  - {id: chk, kind: noop}
alerting:
  channels:
    finance: {type: slack, url: "keychain:slack_finance"}
    oncall: {type: pagerduty, routing_key: "keychain:pd_key"}
  routes:
    - to: [finance, oncall]
)";

QString cell(QTableWidget *t, const QString &channel, int column)
{
    for (int r = 0; r < t->rowCount(); ++r) {
        if (t->item(r, 0) && t->item(r, 0)->text() == channel)
            return t->item(r, column) ? t->item(r, column)->text() : QString();
    }
    return {};
}

} // namespace

class TestKeyringSettings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void setAndDeleteThroughTheDialog()
    {
        QString error;
        QVERIFY2(writeSecret(QStringLiteral("slack_finance"),
                             QStringLiteral("https://hooks.example/T1/B2/XyZ"), &error),
                 qPrintable(error));
        const LoadResult loaded =
            ContractLoader::loadText(kContract, QStringLiteral("c.yaml"), QDir::tempPath());
        QVERIFY(loaded.ok());
        SettingsDialog dialog(loaded.contract, QString());
        QSignalSpy secrets(&dialog, &SettingsDialog::secretsLoaded);
        QSignalSpy channels(&dialog, &SettingsDialog::channelsLoaded);
        dialog.show();
        QTRY_VERIFY_WITH_TIMEOUT(secrets.size() >= 1 && channels.size() >= 1, 20000);
        QVERIFY(!dialog.secretList()
                     ->findItems(QStringLiteral("slack_finance"), Qt::MatchExactly)
                     .isEmpty());
        QCOMPARE(cell(dialog.channelTable(), QStringLiteral("finance"), 3), QStringLiteral("yes"));
        QCOMPARE(cell(dialog.channelTable(), QStringLiteral("oncall"), 3), QStringLiteral("no"));
        QVERIFY2(dialog.missingLabel()->text().contains(
                     QStringLiteral("oncall: the keychain has no entry 'pd_key'")),
                 qPrintable(dialog.missingLabel()->text()));
        QCOMPARE(cell(dialog.channelTable(), QStringLiteral("oncall"), 1),
                 QStringLiteral("pagerduty"));

        // Set the missing one through the dialog, typed blind.
        secrets.clear();
        channels.clear();
        SecretEntryDialog *entry = dialog.requestSet();
        QVERIFY(entry);
        QCOMPARE(entry->valueEdit()->echoMode(), QLineEdit::Password);
        entry->nameEdit()->clear();
        QTest::keyClicks(entry->nameEdit(), QStringLiteral("pd_key"));
        QTest::keyClicks(entry->valueEdit(), QStringLiteral("R0UT1NG-KEY"));
        entry->accept();
        QTRY_VERIFY_WITH_TIMEOUT(secrets.size() >= 1 && channels.size() >= 1, 20000);
        QVERIFY(
            !dialog.secretList()->findItems(QStringLiteral("pd_key"), Qt::MatchExactly).isEmpty());
        QCOMPARE(cell(dialog.channelTable(), QStringLiteral("oncall"), 3), QStringLiteral("yes"));
        QVERIFY(dialog.missingLabel()->isHidden());
        QCOMPARE(readSecret(QStringLiteral("pd_key"), &error).value_or(QString()),
                 QStringLiteral("R0UT1NG-KEY"));
        // No widget shows a value.
        for (QWidget *w : dialog.findChildren<QWidget *>()) {
            if (auto *label = qobject_cast<QLabel *>(w))
                QVERIFY(!label->text().contains(QStringLiteral("R0UT1NG")));
        }
        for (int r = 0; r < dialog.channelTable()->rowCount(); ++r) {
            for (int c = 0; c < dialog.channelTable()->columnCount(); ++c)
                QVERIFY(!dialog.channelTable()->item(r, c)->text().contains(
                    QStringLiteral("hooks.example")));
        }

        // Delete it again.
        secrets.clear();
        const auto items =
            dialog.secretList()->findItems(QStringLiteral("pd_key"), Qt::MatchExactly);
        dialog.secretList()->setCurrentItem(items.first());
        QVERIFY(dialog.deleteButton()->isEnabled());
        QTest::mouseClick(dialog.deleteButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(secrets.size() >= 1, 20000);
        QVERIFY(
            dialog.secretList()->findItems(QStringLiteral("pd_key"), Qt::MatchExactly).isEmpty());
        QVERIFY(dialog.statusLabel()->text().contains(QStringLiteral("Deleted pd_key")));
    }
};

VOUCH_TEST_MAIN(TestKeyringSettings)
#include "tst_keyring_settings.moc"
