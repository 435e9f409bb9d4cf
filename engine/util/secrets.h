#pragma once

// Secrets live in the OS keychain (the freedesktop Secret Service on Linux,
// through QtKeychain) or in the environment; never in a contract, a log, the
// state store or an alert payload. These calls block until the keychain
// answers (a local event loop on the calling thread); call them where a short
// wait is acceptable, never on the GUI thread in a loop.

#include <QString>
#include <QStringList>

#include <optional>

namespace vouch::engine {

// The keychain service Vouch's entries are filed under.
QString keychainService();

// "keychain:NAME" reads the keychain, "${NAME}" the environment; any other
// value is returned unchanged (it is not a secret). On failure: nullopt and
// an error that names the entry (never its value) and what to do.
std::optional<QString> resolveSecret(const QString &value, QString *error);

// `text` with every part of the resolved secrets replaced by "[redacted]",
// for error texts that may echo a request (a 404 answering "Cannot POST
// /hooks/T0KEN"). Each secret is hidden whole; a URL also loses its user name
// and password, query values and fragment (4 characters or more), and its
// path segments of 6 characters or more ("hooks", "api" or "v2" stay: too
// short to be a credential, and hiding them would garble the message), as
// written and percent-decoded.
QString redactSecrets(QString text, const QStringList &secrets);

// A valid secret name: letters, digits, '_', '.', '-'; at most 128 characters.
bool isValidSecretName(const QString &name);

// The keychain entry NAME; an error says what went wrong and what to do
// (in particular when no Secret Service is running). No plain-text fallback.
std::optional<QString> readSecret(const QString &name, QString *error);
bool writeSecret(const QString &name, const QString &value, QString *error);
bool deleteSecret(const QString &name, QString *error);
// The names of Vouch's entries (never their values).
std::optional<QStringList> secretNames(QString *error);

} // namespace vouch::engine
