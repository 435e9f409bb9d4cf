#pragma once

#include "engine/contract/parseerror.h"

#include <QString>
#include <QStringView>

#include <chrono>
#include <optional>

namespace vouch::engine {

using Duration = std::chrono::seconds;

// Parses `30s`, `10m`, `6h`, `2d`, `1w` and compounds such as `1h30m`.
// A bare number, an unknown unit, a negative value or an overflowing value is
// an error with the offset of the offending character.
std::optional<Duration> parseDuration(QStringView text, ParseError *error = nullptr);

// The shortest compound form: 90s -> "1m30s", 0 -> "0s".
QString formatDuration(Duration duration);

} // namespace vouch::engine
