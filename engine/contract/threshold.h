#pragma once

#include "engine/contract/parseerror.h"

#include <QString>
#include <QStringView>

#include <optional>

namespace vouch::engine {

// A check threshold: when `matches` is true the finding fires (warn_if fires
// -> warned; error_if fires -> failed).
//
//   > 0   >= 5   < 1   <= 1   == 0   != 0        absolute comparisons
//   between 1 and 3   not between 1 and 3         inclusive ranges
//   abs_diff > 0.5%   abs_diff > 100              tolerance against a reference
//   diff < -2%        diff > 10                   signed difference (value - reference)
//
// Percent tolerances are relative to |reference|; a zero reference with a
// non-zero value counts as an infinite difference.
struct Threshold
{
    enum class Op
    {
        Gt,
        Ge,
        Lt,
        Le,
        Eq,
        Ne,
        Between,
        NotBetween
    };
    enum class Measure
    {
        Value,
        Diff,
        AbsDiff
    };

    Op op = Op::Gt;
    Measure measure = Measure::Value;
    double low = 0;  // the operand, or the lower bound for (not) between
    double high = 0; // the upper bound for (not) between
    bool percent = false;
    QString text; // as written, for messages

    static std::optional<Threshold> parse(QStringView text, ParseError *error = nullptr);

    bool needsReference() const { return measure != Measure::Value; }
    // `reference` is required when needsReference(); returns false without one.
    bool matches(double value, std::optional<double> reference = std::nullopt) const;
    // The measured quantity (value, diff or abs diff, in percent when percent).
    std::optional<double> measured(double value, std::optional<double> reference) const;
};

} // namespace vouch::engine
