#pragma once
// Small helpers of the unit tests that read text: lines, and counts of a part.

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

namespace galaxyzoo::testing {

/// The lines of @p text, without their line ends.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// How often @p part occurs in @p text (overlapping occurrences counted).
inline std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

}  // namespace galaxyzoo::testing
