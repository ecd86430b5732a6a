#include "galaxyzoo/core/number_format.hpp"

#include <algorithm>
#include <cstdio>

namespace galaxyzoo {

std::string format_seconds(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  } else {
    std::snprintf(text, sizeof text, "%dm%02ds", static_cast<int>(seconds) / 60,
                  static_cast<int>(seconds) % 60);
  }
  return text;
}

std::string format_fixed(double value, int decimals) {
  char text[352];  // the longest double: 309 digits before the point, at most 40 after it
  std::snprintf(text, sizeof text, "%.*f", std::clamp(decimals, 0, 40), value);
  return text;
}

}  // namespace galaxyzoo
