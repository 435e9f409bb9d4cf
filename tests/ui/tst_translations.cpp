// Every compiled translation the app embeds renders the decision dialog with
// readable labels: "Contribution margin:", never a half-made entry such as
// "Contribution margins {1:?}" (unfinished entries are left out of the .qm
// files, so they show the English source).

#include "engine/trust/verdict.h"
#include "support/testguard.h"
#include "ui/approvedialog.h"

#include <QApplication>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QTest>
#include <QTranslator>

using namespace vouch::engine;
using namespace vouch::ui;

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void decisionDialogReadsInEveryLanguage_data()
    {
        QTest::addColumn<QString>("qm");
        const QStringList files = QDir(QStringLiteral(":/i18n")).entryList({"vouch_*.qm"});
        QVERIFY2(files.size() >= 2, qPrintable(files.join(u' '))); // English and German
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << QStringLiteral(":/i18n/") + f;
    }

    void decisionDialogReadsInEveryLanguage()
    {
        QFETCH(QString, qm);
        QTranslator translator;
        QVERIFY(translator.load(qm));
        QCoreApplication::installTranslator(&translator);
        Verdict verdict;
        SectionVerdict margin;
        margin.id = QStringLiteral("contribution_margin");
        margin.name = QStringLiteral("Contribution margin");
        margin.status = SectionStatus::Caveated;
        margin.caveat = QStringLiteral("Margin excludes 14 SKUs without a cost.");
        verdict.sections << margin;
        DecisionDialog dialog(Decision::Kind::Approve, verdict);
        dialog.show();
        QStringList labels;
        for (const QLabel *label : dialog.findChildren<QLabel *>())
            labels << label->text();
        QCoreApplication::removeTranslator(&translator);
        QVERIFY2(labels.contains(QStringLiteral("Contribution margin:")),
                 qPrintable(labels.join(QStringLiteral(" | "))));
        for (const QString &text : labels) {
            QVERIFY2(!text.contains(u'{') && !text.contains(QLatin1String("%1")), qPrintable(text));
        }
    }
};

VOUCH_TEST_MAIN(TestTranslations)
#include "tst_translations.moc"
