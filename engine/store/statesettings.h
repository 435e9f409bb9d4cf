#pragma once

// Where the state store lives when no --state is given, and the password of
// a PostgreSQL store: the `state:` block of Vouch's settings file
//
//   state:
//     url: postgres://alice@db.example.com:5432/vouch
//     password: keychain:vouch-state      # or ${ENV}; never the password itself
//
// The file is $VOUCH_SETTINGS, else <config>/vouch/settings.yaml. Reading it
// is cheap; nothing is cached.

#include <QString>

#include <optional>

namespace vouch::engine {

struct StateSettings
{
    QString url;      // empty: no state block (the SQLite default applies)
    QString password; // as written: keychain:NAME or ${ENV}
};

QString stateSettingsPath();
// nullopt with *error for a settings file that cannot be read or has a bad
// state block; an empty StateSettings when there is no file or no block.
std::optional<StateSettings> loadStateSettings(QString *error);

// The password for a PostgreSQL store whose URL carries none:
// $VOUCH_STATE_PASSWORD, else the settings' state.password, resolved through
// resolveSecret() (keychain:NAME, ${ENV}); empty when neither is set.
// nullopt with *error (naming the entry, never a value) when it cannot be read.
std::optional<QString> statePassword(QString *error);

} // namespace vouch::engine
