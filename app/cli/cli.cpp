#include "app/cli/cli.h"

#include <QTextStream>

namespace vouch::cli {

bool isHeadlessCommand(const QStringList &args)
{
    return !args.isEmpty();
}

int run(const QStringList &args, QTextStream &out, QTextStream &err)
{
    Q_UNUSED(out);
    err << "vouch: unknown command " << args.value(0) << "\n";
    return 2;
}

} // namespace vouch::cli
