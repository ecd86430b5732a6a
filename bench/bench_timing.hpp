#pragma once
// What the C++ benchmarks share to time their work: a steady clock, the seconds since a
// time point, and the median of the samples (each benchmark reports medians, since these
// shared machines are noisy).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <vector>

namespace galaxyzoo::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The median of @p v (the mean of the middle two for an even count); 0 for no samples.
inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace galaxyzoo::bench
