#pragma once
/// @file
/// numpy's legacy random generator (`numpy.random.RandomState`), as far as reproducing the
/// original's split needs it: MT19937 seeded with a 32-bit integer, numpy's bounded-integer
/// rule (`random_interval`: mask to the next power of two minus one, redraw while above)
/// and its `permutation(n)`, which pandas' `DataFrame.sample(frac=1, random_state=seed)`
/// uses. galaxyzoo's own generator (random.hpp) stays the default everywhere else.
///
/// @code
/// galaxyzoo::NumpyRandomState rs(10);
/// std::vector<std::size_t> order = rs.permutation(10);  // 8 2 5 6 3 1 0 7 4 9, as numpy
/// @endcode

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace galaxyzoo {

/// numpy.random.RandomState(seed); see the file comment.
class NumpyRandomState {
 public:
  /// As `RandomState(seed)` with an integer seed in [0, 2^32 - 1].
  explicit NumpyRandomState(std::uint32_t seed) : mt_(seed) {}

  /// The next 32 bits of MT19937.
  std::uint32_t next_uint32() { return static_cast<std::uint32_t>(mt_()); }
  /// Two draws, the first as the high word (numpy's next_uint64 for MT19937).
  std::uint64_t next_uint64();
  /// A uniform integer in [0, max] by numpy's legacy masked rejection rule.
  std::uint64_t interval(std::uint64_t max);
  /// `RandomState.permutation(n)`: 0 ... n-1 shuffled as numpy's legacy shuffle does
  /// (Fisher-Yates from the last element down).
  std::vector<std::size_t> permutation(std::size_t n);

 private:
  std::mt19937 mt_;
};

}  // namespace galaxyzoo
