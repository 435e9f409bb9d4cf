// Only assembles: every behaviour lives in vouch_cli, vouch_ui and vouch_engine.
#include "app/cli/cli.h"
#include "engine/util/hugepages.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

#ifdef VOUCH_WITH_GUI
#include "ui/application.h"
#endif

int main(int argc, char *argv[])
{
    vouch::engine::reexecWithHugePageHeap(argv);
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);

#ifdef VOUCH_WITH_GUI
    if (!vouch::cli::isHeadlessCommand(args) || vouch::ui::isGuiCommand(args))
        return vouch::ui::runApplication(argc, argv);
#endif
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vouch"));
    QCoreApplication::setOrganizationName(QStringLiteral("vouch"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return vouch::cli::run(args, out, err);
}
