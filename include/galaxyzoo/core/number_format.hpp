#pragma once
/// @file
/// Numbers and durations as short text for progress lines and summaries.
///
/// @code
/// galaxyzoo::format_seconds(12.34);     // "12.3 s"
/// galaxyzoo::format_seconds(125);       // "2m05s"
/// galaxyzoo::format_fixed(0.81234, 3);  // "0.812"
/// @endcode

#include <string>

namespace galaxyzoo {

/// A duration: "12.3 s" under a minute, else whole minutes and seconds, "2m05s".
std::string format_seconds(double seconds);

/// @p value with @p decimals digits after the point (printf's "%.Nf"; 0 to 40 of them).
std::string format_fixed(double value, int decimals);

}  // namespace galaxyzoo
