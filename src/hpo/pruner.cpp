#include "galaxyzoo/hpo/pruner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

// Whether @p step is the first reported step of its pruning interval: the checks fall
// on steps warmup, warmup + interval, ...; a check with nothing reported at its step
// is made at the next step that reports (Optuna's rule).
bool first_in_interval(std::int64_t step, const std::map<std::int64_t, double>& reported,
                       std::int64_t warmup, std::int64_t interval) {
  const std::int64_t nearest_check = (step - warmup) / interval * interval + warmup;
  std::int64_t previous = -1;
  for (const auto& entry : reported) {
    if (entry.first != step) previous = std::max(previous, entry.first);
  }
  return previous < nearest_check;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

}  // namespace

MedianPruner::MedianPruner(MedianPrunerOptions options) : options_(options) {
  if (options_.n_startup_trials < 0) throw Error("MedianPruner: n_startup_trials must be >= 0");
  if (options_.n_warmup_steps < 0) throw Error("MedianPruner: n_warmup_steps must be >= 0");
  if (options_.interval_steps < 1) throw Error("MedianPruner: interval_steps must be >= 1");
  if (options_.n_min_trials < 1) throw Error("MedianPruner: n_min_trials must be >= 1");
}

bool MedianPruner::prune(const Trial& trial, const std::vector<Trial>& trials,
                         std::int64_t step) const {
  const auto others = [&](const Trial& t) { return t.number != trial.number; };
  const auto n_complete = std::count_if(trials.begin(), trials.end(), [&](const Trial& t) {
    return others(t) && t.state == TrialState::complete;
  });
  if (n_complete == 0 || n_complete < options_.n_startup_trials) return false;
  if (trial.intermediate.empty() || step < options_.n_warmup_steps) return false;
  if (!first_in_interval(step, trial.intermediate, options_.n_warmup_steps,
                         options_.interval_steps))
    return false;

  // The trial's best so far; a trial that reported nothing but NaN is pruned.
  double best = std::numeric_limits<double>::infinity();
  bool any_number = false;
  for (const auto& entry : trial.intermediate) {
    if (std::isnan(entry.second)) continue;
    best = std::min(best, entry.second);
    any_number = true;
  }
  if (!any_number) return true;

  std::vector<double> at_step;
  for (const auto& t : trials) {
    if (!others(t) || !t.finished()) continue;
    const auto it = t.intermediate.find(step);
    if (it != t.intermediate.end() && !std::isnan(it->second)) at_step.push_back(it->second);
  }
  if (at_step.empty() || static_cast<std::int64_t>(at_step.size()) < options_.n_min_trials)
    return false;
  return best > median(std::move(at_step));
}

std::unique_ptr<Pruner> make_pruner(const std::string& name) {
  if (name == "none") return std::make_unique<NopPruner>();
  if (name == "median") return std::make_unique<MedianPruner>();
  throw Error("unknown pruner '" + name + "' (expected none or median)");
}

}  // namespace galaxyzoo
