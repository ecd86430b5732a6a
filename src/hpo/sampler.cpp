#include "galaxyzoo/hpo/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/hpo/tpe_sampler.hpp"
#include "hpo/sampler_common.hpp"

namespace galaxyzoo {
namespace detail {

// The generator of trial @p number: independent of every other trial's, so that the
// assignment depends only on (seed, history, number).
Rng trial_rng(std::uint64_t seed, std::int64_t number) {
  std::uint64_t state = seed + 0x632be59bd9b4e019ULL * (static_cast<std::uint64_t>(number) + 1);
  return Rng(splitmix64(state));
}

std::int64_t checked_number(std::int64_t number) {
  if (number < 0) throw Error("sampler: trial number " + std::to_string(number) + " is negative");
  return number;
}

// A uniform (or log-uniform) draw of one parameter.
ParameterValue draw_uniform(const Parameter& p, Rng& rng) {
  switch (p.kind) {
    case ParameterKind::categorical:
      return p.choices[static_cast<std::size_t>(rng.below(p.choices.size()))];
    case ParameterKind::integer:
      if (p.log) {
        // Log-uniform over [low - 0.5, high + 0.5], rounded: every integer gets the
        // mass of its unit cell in log space.
        const double lo = std::log(p.low - 0.5), hi = std::log(p.high + 0.5);
        const double v = std::round(std::exp(lo + rng.uniform() * (hi - lo)));
        return static_cast<std::int64_t>(std::clamp(v, p.low, p.high));
      }
      return p.grid_value(
          static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(p.grid_size()))));
    case ParameterKind::floating:
      if (p.step > 0) {
        return p.grid_value(
            static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(p.grid_size()))));
      }
      if (p.log) {
        const double lo = std::log(p.low), hi = std::log(p.high);
        return std::clamp(std::exp(lo + rng.uniform() * (hi - lo)), p.low, p.high);
      }
      return std::clamp(p.low + rng.uniform() * (p.high - p.low), p.low, p.high);
  }
  return {};
}

Assignment draw_uniform(const SearchSpace& space, Rng& rng) {
  Assignment assignment;
  for (const auto& p : space.parameters()) assignment[p.name] = draw_uniform(p, rng);
  return assignment;
}

}  // namespace detail

namespace {

using detail::checked_number;
using detail::draw_uniform;
using detail::trial_rng;

// ---- A seeded permutation of [0, n) without storing it ----------------------
//
// A four-round Feistel network on the smallest even number of bits that covers n,
// with cycle walking: applying it until the result falls below n is a bijection of
// [0, n) (Black & Rogaway's cycle-walking cipher).
class Permutation {
 public:
  Permutation(std::uint64_t n, std::uint64_t seed) : n_(n) {
    int bits = 1;
    while (bits < 64 && (std::uint64_t{1} << bits) < n) ++bits;
    half_bits_ = (bits + 1) / 2;
    half_mask_ = (std::uint64_t{1} << half_bits_) - 1;
    for (auto& key : keys_) key = splitmix64(seed);
  }

  std::uint64_t operator()(std::uint64_t x) const {
    do {
      x = encrypt(x);
    } while (x >= n_);
    return x;
  }

 private:
  std::uint64_t encrypt(std::uint64_t x) const {
    std::uint64_t left = x >> half_bits_, right = x & half_mask_;
    for (const std::uint64_t key : keys_) {
      std::uint64_t mix = right ^ key;
      const std::uint64_t f = splitmix64(mix) & half_mask_;
      const std::uint64_t next = left ^ f;
      left = right;
      right = next;
    }
    return (left << half_bits_) | right;
  }

  std::uint64_t n_;
  int half_bits_ = 1;
  std::uint64_t half_mask_ = 1;
  std::uint64_t keys_[4] = {};
};

}  // namespace

Assignment RandomSampler::sample(const SearchSpace& space, const std::vector<Trial>&,
                                 std::int64_t number) const {
  Rng rng = trial_rng(seed_, checked_number(number));
  return draw_uniform(space, rng);
}

std::int64_t GridSampler::grid_size(const SearchSpace& space) {
  std::int64_t size = 1;
  for (const auto& p : space.parameters()) {
    const std::int64_t n = std::max<std::int64_t>(p.grid_size(), 1);
    if (size > std::numeric_limits<std::int64_t>::max() / n)
      return std::numeric_limits<std::int64_t>::max();
    size *= n;
  }
  return size;
}

Assignment GridSampler::sample(const SearchSpace& space, const std::vector<Trial>&,
                               std::int64_t number) const {
  checked_number(number);
  const auto size = static_cast<std::uint64_t>(grid_size(space));
  std::uint64_t index = Permutation(size, seed_)(static_cast<std::uint64_t>(number) % size);
  Rng rng = trial_rng(seed_, number);  // for continuous floats
  Assignment assignment;
  for (const auto& p : space.parameters()) {
    const std::int64_t n = p.grid_size();
    if (n == 0) {
      assignment[p.name] = draw_uniform(p, rng);
      continue;
    }
    assignment[p.name] =
        p.grid_value(static_cast<std::int64_t>(index % static_cast<std::uint64_t>(n)));
    index /= static_cast<std::uint64_t>(n);
  }
  return assignment;
}

std::unique_ptr<Sampler> make_sampler(const std::string& name, std::uint64_t seed) {
  if (name == "random") return std::make_unique<RandomSampler>(seed);
  if (name == "grid") return std::make_unique<GridSampler>(seed);
  if (name == "tpe") return std::make_unique<TpeSampler>(seed);
  throw Error("unknown sampler '" + name + "' (expected random, grid or tpe)");
}

}  // namespace galaxyzoo
