#pragma once
/// @file
/// The tree-structured Parzen estimator sampler (Bergstra et al. 2011), the default sampler
/// of the search; make_sampler("tpe", seed) (sampler.hpp) creates one.
///
/// @code
/// galaxyzoo::TpeOptions options;
/// options.multivariate = false;
/// galaxyzoo::TpeSampler sampler(/*seed=*/10, options);
/// galaxyzoo::Assignment next = sampler.sample(space, trials, trials.size());
/// @endcode
///
/// What a user must know:
///  - the first n_startup_trials trials are random; then the best gamma(n) finished trials
///    model l(x) and the others g(x), and the best of n_ei_candidates draws by l(x)/g(x) is
///    taken; by default one joint (multivariate) model covers all parameters;
///  - ranking: complete trials by value, then pruned trials, those that reported a later
///    step first and, at the same last step, by the value reported there (a pruned trial
///    that reported nothing ranks last);
///  - running and failed trials are ignored, as are values the space no longer holds;
///  - trials older than the newest 25 get weights ramping down with age;
///  - numeric parameters get truncated-normal kernels in their (log-)coordinates, integers
///    and stepped floats the kernels' mass over their cells, categorical ones a weighted
///    categorical kernel.

#include <cstdint>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/sampler.hpp"

namespace galaxyzoo {

/// Options of TpeSampler (the defaults are Optuna's published ones).
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
  /// multivariate TPE); false: an independent model per parameter.
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

}  // namespace galaxyzoo
