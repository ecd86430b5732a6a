#pragma once
/// @file
/// A seeded random-number generator whose results are the same on every platform.
///
/// std::shuffle, std::uniform_int_distribution and friends are implemented differently
/// by libstdc++, libc++ and MSVC, so the same seed gives different splits on different
/// machines. galaxyzoo therefore draws all its randomness from Rng: the xoshiro256**
/// generator (Blackman & Vigna) seeded through SplitMix64, with its own bounded-integer
/// and shuffle algorithms. Integer results (indices, shuffles, samples) are bit-identical
/// everywhere; floating-point draws that go through std::log or std::cos can differ in
/// the last bit between C libraries.
///
/// @code
/// galaxyzoo::Rng rng(/*seed=*/10);
/// std::vector<int> v{1, 2, 3, 4};
/// rng.shuffle(v);                  // same order on every compiler
/// double u = rng.uniform();        // in [0, 1)
/// @endcode

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace galaxyzoo {

/// One step of SplitMix64: advances @p state and returns the next output.
std::uint64_t splitmix64(std::uint64_t& state) noexcept;

/// Portable pseudo-random generator (xoshiro256**), seeded with one 64-bit number.
class Rng {
 public:
  /// Seeds the four state words from @p seed with SplitMix64.
  explicit Rng(std::uint64_t seed) noexcept;

  /// The next raw 64-bit output.
  std::uint64_t next() noexcept;

  /// A uniformly distributed integer in [0, n), without modulo bias. @p n must be > 0.
  std::uint64_t below(std::uint64_t n) noexcept;

  /// A double uniformly distributed in [0, 1), with 53 random bits.
  double uniform() noexcept;

  /// A standard normal draw (Box-Muller; the second value of each pair is kept).
  double normal() noexcept;

  /// A Gamma(shape, 1) draw (Marsaglia & Tsang). @p shape must be > 0.
  double gamma(double shape) noexcept;

  /// Fisher-Yates shuffle of @p values in place.
  template <typename T>
  void shuffle(std::vector<T>& values) noexcept {
    for (std::size_t i = values.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(below(i));
      using std::swap;
      swap(values[i - 1], values[j]);
    }
  }

  /// @p k distinct indices drawn uniformly from [0, n), in increasing order.
  /// Returns all of [0, n) when k >= n.
  std::vector<std::size_t> sample(std::size_t n, std::size_t k);

 private:
  std::uint64_t state_[4];
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

}  // namespace galaxyzoo
