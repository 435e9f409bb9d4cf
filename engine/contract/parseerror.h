#pragma once

#include <QString>

namespace vouch::engine {

// A problem found while parsing a small expression (duration, cron, threshold,
// template, selector). `offset` is the 0-based character offset inside the
// parsed text, so callers can turn it into a file column.
struct ParseError
{
    int offset = 0;
    QString message;
};

} // namespace vouch::engine
