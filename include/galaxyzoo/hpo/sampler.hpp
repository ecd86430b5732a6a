#pragma once
/// @file
/// Samplers: how a hyper-parameter search picks the next trial's parameters.
///
/// A sampler sees the search space and every trial of the study so far and returns an
/// assignment for trial number @p number. Samplers are deterministic: the same seed,
/// history and number give the same assignment on any machine (they use galaxyzoo::Rng,
/// seeded from the seed and the trial number), so a resumed or shared search is
/// reproducible. Searches minimise.
///
/// - RandomSampler: independent uniform (or log-uniform) draws.
/// - GridSampler: the grid of all categorical choices and integer / stepped float values,
///   trial n taking grid point n (in a seeded shuffled order), wrapping around when
///   exhausted; continuous floats are drawn at random.
/// - TpeSampler (tpe_sampler.hpp): the tree-structured Parzen estimator.
///
/// @code
/// auto sampler = galaxyzoo::make_sampler("tpe", /*seed=*/10);
/// galaxyzoo::Assignment next = sampler->sample(space, trials, trials.size());
/// @endcode

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/search_space.hpp"
#include "galaxyzoo/hpo/trial.hpp"

namespace galaxyzoo {

/// Picks parameters; see the file comment.
class Sampler {
 public:
  virtual ~Sampler() = default;
  /// Parameters for trial @p number, given the study's trials so far (any order, any
  /// state; running and failed trials are ignored by the model-based samplers).
  virtual Assignment sample(const SearchSpace& space, const std::vector<Trial>& trials,
                            std::int64_t number) const = 0;
  /// "random", "grid" or "tpe".
  virtual std::string name() const = 0;
};

/// Independent uniform draws.
class RandomSampler : public Sampler {
 public:
  /// A sampler whose draws for trial n depend only on @p seed and n.
  explicit RandomSampler(std::uint64_t seed = 0) : seed_(seed) {}
  Assignment sample(const SearchSpace& space, const std::vector<Trial>& trials,
                    std::int64_t number) const override;
  std::string name() const override { return "random"; }

 private:
  std::uint64_t seed_;
};

/// Every point of the grid once, in a seeded order.
class GridSampler : public Sampler {
 public:
  /// A sampler walking the grid in the order @p seed shuffles it into.
  explicit GridSampler(std::uint64_t seed = 0) : seed_(seed) {}
  Assignment sample(const SearchSpace& space, const std::vector<Trial>& trials,
                    std::int64_t number) const override;
  std::string name() const override { return "grid"; }
  /// The number of grid points of @p space (continuous floats count as one; the
  /// product saturates at INT64_MAX).
  static std::int64_t grid_size(const SearchSpace& space);

 private:
  std::uint64_t seed_;
};

/// The sampler called @p name ("random", "grid", "tpe") with @p seed.
/// @throws Error naming @p name and the choices for any other name.
std::unique_ptr<Sampler> make_sampler(const std::string& name, std::uint64_t seed);

}  // namespace galaxyzoo
