#pragma once
/// @file
/// Pruners: whether a running trial should stop early, from the values it reported. Set
/// HpoSearchOptions::pruner to "median" to use MedianPruner in a search.
///
/// @code
/// std::unique_ptr<galaxyzoo::Pruner> pruner = galaxyzoo::make_pruner("median");
/// if (pruner->prune(trial, trials, /*step=*/epoch)) { ... }
/// @endcode
///
/// MedianPruner: after its warm-up steps, and once n_startup_trials trials have completed,
/// a trial is pruned at a step if its best intermediate value so far is worse than
/// (strictly above) the median of the values that earlier finished trials (complete or
/// pruned) reported at that same step. Searches minimise. Details:
///  - only the first reported step of each interval is checked (checks fall on steps
///    n_warmup_steps + k interval_steps; a check whose step was not reported happens at the
///    next reported step);
///  - NaN values are ignored, and a trial that reported only NaN is pruned.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "galaxyzoo/hpo/trial.hpp"

namespace galaxyzoo {

/// Decides whether to stop a trial; see the file comment.
class Pruner {
 public:
  virtual ~Pruner() = default;
  /// Whether @p trial, which has just reported its value at @p step, should stop.
  /// @p trials: the study's trials (any state, @p trial may be among them and is skipped).
  virtual bool prune(const Trial& trial, const std::vector<Trial>& trials,
                     std::int64_t step) const = 0;
  /// "none" or "median".
  virtual std::string name() const = 0;
};

/// Never prunes.
class NopPruner : public Pruner {
 public:
  bool prune(const Trial&, const std::vector<Trial>&, std::int64_t) const override { return false; }
  std::string name() const override { return "none"; }
};

/// Options of MedianPruner (the defaults are Optuna's).
struct MedianPrunerOptions {
  std::int64_t n_startup_trials = 5;  ///< no pruning until this many trials have completed
  std::int64_t n_warmup_steps = 0;    ///< no pruning at steps below this
  std::int64_t interval_steps = 1;    ///< check every this many steps after the warm-up
  std::int64_t n_min_trials = 1;      ///< finished trials that must have reported at the step
};

/// Prunes a trial worse than the median of earlier trials at the same step.
class MedianPruner : public Pruner {
 public:
  /// @throws Error for negative counts or interval_steps < 1.
  explicit MedianPruner(MedianPrunerOptions options = {});
  bool prune(const Trial& trial, const std::vector<Trial>& trials,
             std::int64_t step) const override;
  std::string name() const override { return "median"; }

 private:
  MedianPrunerOptions options_;
};

/// The pruner called @p name ("none", "median"). @throws Error for any other name.
std::unique_ptr<Pruner> make_pruner(const std::string& name);

}  // namespace galaxyzoo
