#include "engine/store/statesettings.h"

#include "engine/util/secrets.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <yaml-cpp/yaml.h>

namespace vouch::engine {

QString stateSettingsPath()
{
    const QString fromEnv = qEnvironmentVariable("VOUCH_SETTINGS");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/vouch/settings.yaml");
}

std::optional<StateSettings> loadStateSettings(QString *error)
{
    const QString path = stateSettingsPath();
    StateSettings settings;
    if (!QFileInfo::exists(path))
        return settings;
    const auto refuse = [&](const QString &message) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, message);
        return std::nullopt;
    };
    try {
        const YAML::Node root = YAML::LoadFile(QFile::encodeName(path).toStdString());
        if (!root || root.IsNull())
            return settings;
        if (!root.IsMap())
            return refuse(QStringLiteral("the settings file must be a mapping"));
        const YAML::Node state = root["state"];
        if (!state || state.IsNull())
            return settings;
        if (!state.IsMap())
            return refuse(QStringLiteral("state: must be a mapping with url and password"));
        for (const auto &entry : state) {
            const std::string key = entry.first.as<std::string>();
            const QString value = QString::fromStdString(entry.second.as<std::string>());
            if (key == "url")
                settings.url = value;
            else if (key == "password") {
                if (!value.startsWith(QLatin1String("keychain:")) &&
                    !value.startsWith(QLatin1String("${")))
                    return refuse(QStringLiteral("state.password must be keychain:NAME or ${ENV}; "
                                                 "a password is never written in a file"));
                settings.password = value;
            } else
                return refuse(QStringLiteral("unknown key state.%1 (known: url, password)")
                                  .arg(QString::fromStdString(key)));
        }
    } catch (const YAML::Exception &e) {
        return refuse(QString::fromStdString(e.msg));
    }
    return settings;
}

std::optional<QString> statePassword(QString *error)
{
    QString value = qEnvironmentVariable("VOUCH_STATE_PASSWORD");
    if (value.isEmpty()) {
        const auto settings = loadStateSettings(error);
        if (!settings)
            return std::nullopt;
        value = settings->password;
    }
    if (value.isEmpty())
        return QString();
    return resolveSecret(value, error);
}

} // namespace vouch::engine
