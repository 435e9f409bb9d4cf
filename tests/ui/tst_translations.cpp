// Every compiled translation the app embeds renders the decision dialog with
// readable labels: "Contribution margin:", never a half-made entry such as
// "Contribution margins {1:?}" (unfinished entries are left out of the .qm
// files, so they show the English source). German is complete: its Linguist
// source has no unfinished or empty translation (issue 15).

#include "engine/trust/verdict.h"
#include "support/testguard.h"
#include "ui/approvedialog.h"

#include <algorithm>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFormLayout>
#include <QLabel>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace vouch::engine;
using namespace vouch::ui;

namespace {

// The texts of the <translation> element the reader stands on: its text, or
// one per <numerusform> of a plural entry. Leaves the reader on its end.
QStringList translationForms(QXmlStreamReader &xml)
{
    QString text;
    QStringList forms;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isCharacters())
            text += xml.text();
        else if (xml.isStartElement() && xml.name() == QLatin1String("numerusform"))
            forms << xml.readElementText(QXmlStreamReader::IncludeChildElements);
        else if (xml.isEndElement() && xml.name() == QLatin1String("translation"))
            break;
    }
    if (forms.isEmpty())
        forms << text;
    return forms;
}

} // namespace

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

    // Every message of the German Linguist source is translated: none is
    // marked unfinished (lrelease -nounfinished would show it in English) and
    // none is empty, except entries lupdate keeps as vanished or obsolete.
    void germanIsComplete()
    {
        QFile file(QStringLiteral(VOUCH_SOURCE_DIR "/translations/vouch_de.ts"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
        QXmlStreamReader xml(&file);
        QString context;
        QString source;
        int messages = 0;
        QStringList untranslated; // "source (context)" of each unfinished or empty entry
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (xml.name() == QLatin1String("source")) {
                source = xml.readElementText();
            } else if (xml.name() == QLatin1String("translation")) {
                const QString type = xml.attributes().value(QLatin1String("type")).toString();
                if (type == QLatin1String("vanished") || type == QLatin1String("obsolete")) {
                    xml.skipCurrentElement();
                    continue;
                }
                ++messages;
                const QStringList forms = translationForms(xml);
                const bool empty = std::any_of(forms.cbegin(), forms.cend(),
                                               [](const QString &f) { return f.isEmpty(); });
                if (type == QLatin1String("unfinished") || empty)
                    untranslated << QStringLiteral("\"%1\" (%2)").arg(source, context);
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QVERIFY2(messages > 0, "vouch_de.ts has no messages");
        const qsizetype count = untranslated.size();
        QVERIFY2(count == 0,
                 qPrintable(QStringLiteral("%1 of %2 German messages are unfinished or empty: %3")
                                .arg(count)
                                .arg(messages)
                                .arg(untranslated.mid(0, 5).join(QStringLiteral(", ")))));
        QCOMPARE(count, qsizetype(0));
    }
};

VOUCH_TEST_MAIN(TestTranslations)
#include "tst_translations.moc"
