#include "ui/application.h"

#include "engine/demo/demowarehouse.h"
#include "engine/util/log.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>

#include <cstdio>

namespace vouch::ui {

namespace {

struct GuiArgs
{
    bool demo = false;
    QString scenario = QStringLiteral("all-green");
    QString dir;
    QString contract;
    QString select;
    QString error;
};

GuiArgs parseGuiArgs(const QStringList &args)
{
    GuiArgs result;
    QStringList rest = args;
    if (!rest.isEmpty() && rest.first() == QLatin1String("demo")) {
        result.demo = true;
        rest.removeFirst();
    }
    while (!rest.isEmpty()) {
        const QString arg = rest.takeFirst();
        auto value = [&](const QString &name) {
            if (rest.isEmpty()) {
                result.error = QStringLiteral("%1 needs a value").arg(name);
                return QString();
            }
            return rest.takeFirst();
        };
        QString name = arg;
        QString inlineValue;
        if (const qsizetype eq = arg.indexOf(u'='); arg.startsWith(QLatin1String("--")) && eq > 0) {
            name = arg.left(eq);
            inlineValue = arg.mid(eq + 1);
            rest.prepend(inlineValue);
        }
        if (name == QLatin1String("--scenario") && result.demo)
            result.scenario = value(name);
        else if (name == QLatin1String("--dir") && result.demo)
            result.dir = value(name);
        else if (name == QLatin1String("--select"))
            result.select = value(name);
        else if (!arg.startsWith(QLatin1String("-")) && !result.demo && result.contract.isEmpty())
            result.contract = arg;
        else
            result.error = QStringLiteral("unexpected argument %1").arg(arg);
        if (!result.error.isEmpty())
            break;
    }
    if (result.error.isEmpty() && result.demo &&
        !engine::demo::scenarios().contains(result.scenario))
        result.error =
            QStringLiteral("unknown scenario %1; one of: %2")
                .arg(result.scenario, engine::demo::scenarios().join(QStringLiteral(", ")));
    return result;
}

void installTranslators(QApplication &app)
{
    // Ours, for the system's language; English when there is none for it.
    auto *vouch = new QTranslator(&app);
    if (vouch->load(QLocale::system(), QStringLiteral("vouch"), QStringLiteral("_"),
                    QStringLiteral(":/i18n")) ||
        vouch->load(QStringLiteral("vouch_en"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(vouch);
    // Qt's own strings (standard buttons, file dialogs).
    auto *qt = new QTranslator(&app);
    if (qt->load(QLocale::system(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
}

QtMessageHandler g_previousHandler = nullptr;

void forwardToLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    using engine::log::Level;
    Level level = Level::Debug;
    switch (type) {
    case QtDebugMsg:
        level = Level::Debug;
        break;
    case QtInfoMsg:
        level = Level::Info;
        break;
    case QtWarningMsg:
        level = Level::Warning;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        level = Level::Error;
        break;
    }
    const QLatin1String category(context.category ? context.category : "default");
    engine::log::write(level, category == QLatin1String("default")
                                  ? message
                                  : QStringLiteral("%1: %2").arg(category, message));
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

} // namespace

void startLogging(const QString &path)
{
    engine::log::initFile(path);
    QtMessageHandler previous = qInstallMessageHandler(forwardToLog);
    if (previous != forwardToLog)
        g_previousHandler = previous;
}

bool isGuiCommand(const QStringList &args)
{
    return args.size() == 1 && (args.first().endsWith(QLatin1String(".yaml")) ||
                                args.first().endsWith(QLatin1String(".yml")));
}

int runApplication(int &argc, char **argv)
{
    // Bad arguments are answered before a display is needed.
    QStringList raw;
    for (int i = 1; i < argc; ++i)
        raw << QString::fromLocal8Bit(argv[i]);
    const GuiArgs args = parseGuiArgs(raw);
    if (!args.error.isEmpty()) {
        QTextStream err(stderr);
        err << "vouch: " << args.error
            << "\nusage: vouch [FILE.yaml] | vouch demo [--scenario S] [--dir D]\n";
        return 2;
    }

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vouch"));
    QApplication::setOrganizationName(QStringLiteral("vouch"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vouch"));
    installTranslators(app);
    startLogging(engine::log::defaultLogFile());
    engine::log::info(QStringLiteral("vouch desktop started"));

    MainWindow window;
    window.show();
    if (args.demo)
        window.openDemo(args.scenario, args.dir);
    else if (!args.contract.isEmpty())
        window.openContract(args.contract);
    else
        window.restoreLastSession();
    if (!args.select.isEmpty())
        window.selectNodeWhenReady(args.select);
    return app.exec();
}

} // namespace vouch::ui
