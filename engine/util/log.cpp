#include "engine/util/log.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <mutex>

template<>
struct fmt::formatter<QString> : fmt::formatter<std::string_view>
{
    auto format(const QString &s, format_context &ctx) const
    {
        const QByteArray utf8 = s.toUtf8();
        return fmt::formatter<std::string_view>::format(
            std::string_view(utf8.constData(), size_t(utf8.size())), ctx);
    }
};

namespace vouch::engine::log {

namespace {

std::mutex g_mutex;
std::atomic<ErrorObserver> g_errorObserver{nullptr};

std::shared_ptr<spdlog::logger> logger()
{
    std::lock_guard lock(g_mutex);
    auto existing = spdlog::get("vouch");
    if (existing)
        return existing;
    auto created = spdlog::stderr_color_mt("vouch");
    created->set_level(spdlog::level::warn);
    created->set_pattern("vouch: %l: %v");
    return created;
}

// $VOUCH_LOG_LEVEL, or `info`; a name spdlog does not know is not taken
// for `off` (which is what spdlog::level::from_str would make of it).
spdlog::level::level_enum fileLevel()
{
    const QByteArray name = qgetenv("VOUCH_LOG_LEVEL").trimmed().toLower();
    if (name.isEmpty())
        return spdlog::level::info;
    const spdlog::level::level_enum level = spdlog::level::from_str(name.toStdString());
    if (level == spdlog::level::off && name != "off")
        return spdlog::level::info;
    return level;
}

} // namespace

void initFile(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    std::lock_guard lock(g_mutex);
    spdlog::drop("vouch");
    auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path.toStdString(),
                                                                       5 * 1024 * 1024, 5);
    auto created = std::make_shared<spdlog::logger>("vouch", sink);
    created->set_level(fileLevel());
    created->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
    created->flush_on(spdlog::level::trace);
    spdlog::register_logger(created);
}

QString defaultLogDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/logs");
}

QString defaultLogFile()
{
    return defaultLogDirectory() + QStringLiteral("/serve.log");
}

void debug(const QString &message)
{
    logger()->debug("{}", message);
}

void info(const QString &message)
{
    logger()->info("{}", message);
}

void warn(const QString &message)
{
    logger()->warn("{}", message);
}

void error(const QString &message)
{
    logger()->error("{}", message);
    if (const ErrorObserver observer = g_errorObserver.load())
        observer(message);
}

void write(Level level, const QString &message)
{
    switch (level) {
    case Level::Debug:
        logger()->debug("{}", message);
        break;
    case Level::Info:
        logger()->info("{}", message);
        break;
    case Level::Warning:
        logger()->warn("{}", message);
        break;
    case Level::Error:
        logger()->error("{}", message);
        break;
    }
}

void setErrorObserver(ErrorObserver observer)
{
    g_errorObserver.store(observer);
}

} // namespace vouch::engine::log
