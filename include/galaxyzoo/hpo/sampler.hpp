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
/// - TpeSampler: the tree-structured Parzen estimator (Bergstra et al. 2011) with
///   Optuna's published defaults (10 random start-up trials, 24 expected-improvement
///   candidates, gamma(n) = min(ceil(0.1 n), 25), prior weight 1, magic clip, consider
///   endpoints off, weights ramping down for trials older than the newest 25) and, like
///   Optuna 4 and later, one joint (multivariate) model over all parameters; set
///   TpeOptions::multivariate to false for a model per parameter. The best gamma(n)
///   finished trials model l(x), the others g(x): complete trials rank by value, then
///   pruned trials, those that reported a later step first and, at the same last step,
///   by the value reported there (Optuna's order; a pruned trial that reported nothing
///   ranks last). Running and failed trials are ignored (Optuna 5's constant liar, which
///   counts running trials as the worst, is not implemented), as are parameter values
///   the space no longer holds. Numeric parameters get truncated-normal kernels in their
///   (log-)coordinates, integers and stepped floats the kernels' mass over their cells;
///   categorical ones a weighted categorical kernel.
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

/// Options of TpeSampler, with Optuna's defaults.
struct TpeOptions {
  std::int64_t n_startup_trials = 10;  ///< random trials before the model is used
  std::int64_t n_ei_candidates =
      24;                           ///< candidates drawn from l(x), the best by l(x)/g(x) is taken
  double prior_weight = 1.0;        ///< weight of the prior (uniform) component
  bool consider_magic_clip = true;  ///< lower bound on the kernels' bandwidths
  bool consider_endpoints = false;  ///< count the bounds as neighbours for bandwidths
  std::int64_t gamma_max = 25;      ///< gamma(n) = min(ceil(gamma_fraction n), gamma_max)
  double gamma_fraction = 0.1;      ///< see gamma_max
  /// true: one joint model over all parameters, each kernel a product over them (the
  /// multivariate TPE, Optuna's default for one objective since 4.0); false: an
  /// independent model per parameter (Optuna's default before 4.0).
  bool multivariate = true;
};

/// The tree-structured Parzen estimator.
class TpeSampler : public Sampler {
 public:
  /// @throws Error for n_startup_trials < 0, n_ei_candidates < 1, prior_weight <= 0,
  ///         gamma_max < 1 or gamma_fraction outside (0, 1].
  explicit TpeSampler(std::uint64_t seed = 0, TpeOptions options = {});
  Assignment sample(const SearchSpace& space, const std::vector<Trial>& trials,
                    std::int64_t number) const override;
  std::string name() const override { return "tpe"; }

 private:
  std::uint64_t seed_;
  TpeOptions options_;
};

/// The sampler called @p name ("random", "grid", "tpe") with @p seed.
/// @throws Error naming @p name and the choices for any other name.
std::unique_ptr<Sampler> make_sampler(const std::string& name, std::uint64_t seed);

}  // namespace galaxyzoo
