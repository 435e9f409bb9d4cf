// bench_store: the cost of one persisted transition through
// StateStore::record() + flush(), by batch size (1 to 10,000 transitions per
// flush, i.e. per write transaction). Each batch size writes to a fresh store
// in a temporary directory; transitions are shaped like a command node's
// (pending, running, running with a process group, succeeded).

#include "benchsupport.h"

#include <QCoreApplication>

using namespace vouch;
using namespace vouch::bench;

namespace {

constexpr char kUsage[] = "usage: bench_store [--quick] [--dir DIR]\n"
                          "  --quick    fewer transitions per batch size (smoke run)\n"
                          "  --dir DIR  put the stores under DIR (default: $TMPDIR or /tmp)";

QString sqliteVersion(const QString &path)
{
    QString version = QStringLiteral("?");
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bench-version"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT sqlite_version()")) && q.next())
                version = q.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-version"));
    return version;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const Args args = parseArgs(argc, argv, kUsage);
    if (!args.flags.isEmpty()) {
        std::fprintf(stderr, "bench_store: unknown argument %s\n%s\n", qPrintable(args.flags[0]),
                     kUsage);
        return 2;
    }
    printMachine("bench_store", args.quick);
    const auto workDir = workDirectory(args);
    QTemporaryDir &dir = *workDir;
    print(QStringLiteral("store:   SQLite %1 (WAL, synchronous=NORMAL) in %2")
              .arg(sqliteVersion(dir.filePath(QStringLiteral("version.db"))), dir.path()));
    print(QString());

    const QList<int> batches{1, 10, 100, 1000, 10000};
    Table table({QStringLiteral("batch size"), QStringLiteral("transitions"), QStringLiteral("ms"),
                 QStringLiteral("us/transition"), QStringLiteral("transitions/s")});
    bool ok = true;
    for (int batch : batches) {
        // Enough transitions for a stable figure; fewer for batch 1, where
        // every transition is its own transaction.
        const int count = batch == 1 ? (args.quick ? 1000 : 10000) : (args.quick ? 10000 : 50000);
        StoreFixture f = openFreshStore(dir.filePath(QStringLiteral("store-%1.db").arg(batch)));
        QString error = f.error;
        double seconds = -1;
        if (f.store) {
            const auto transitions = sampleTransitions(f.runId, f.attempt, count, true);
            seconds = persist(*f.store, transitions, batch, &error);
        }
        if (seconds < 0) {
            std::fprintf(stderr, "bench_store: batch %d failed: %s\n", batch, qPrintable(error));
            ok = false;
            continue;
        }
        table.add({grouped(batch), grouped(count), fixed(seconds * 1000.0, 1),
                   fixed(seconds * 1e6 / count, 2), grouped(qint64(count / seconds))});
    }
    table.print();
    print(QString());
    print(QStringLiteral("load:    %1 (1/5/15 min) at end").arg(loadAverage()));
    return ok ? 0 : 1;
}
