#include "galaxyzoo/core/numpy_random.hpp"

#include <numeric>
#include <utility>

namespace galaxyzoo {

std::uint64_t NumpyRandomState::next_uint64() {
  const std::uint64_t high = next_uint32();
  return (high << 32) | next_uint32();
}

std::uint64_t NumpyRandomState::interval(std::uint64_t max) {
  if (max == 0) return 0;
  std::uint64_t mask = max;
  for (int shift = 1; shift <= 32; shift *= 2) mask |= mask >> shift;
  std::uint64_t value = 0;
  if (max <= 0xffffffffULL) {
    do {
      value = next_uint32() & mask;
    } while (value > max);
  } else {
    do {
      value = next_uint64() & mask;
    } while (value > max);
  }
  return value;
}

std::vector<std::size_t> NumpyRandomState::permutation(std::size_t n) {
  std::vector<std::size_t> values(n);
  std::iota(values.begin(), values.end(), std::size_t{0});
  for (std::size_t i = n; i-- > 1;) {
    const auto j = static_cast<std::size_t>(interval(i));
    std::swap(values[i], values[j]);
  }
  return values;
}

}  // namespace galaxyzoo
