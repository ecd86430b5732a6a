#pragma once
/// @file
/// A trial of a hyper-parameter search as samplers, pruners and storage see it: its
/// number, parameters, reported values and outcome.
///
/// @code
/// for (const galaxyzoo::Trial& t : storage->trials())
///   if (t.state == galaxyzoo::TrialState::complete)
///     std::cout << t.number << ' ' << *t.value << '\n';
/// @endcode

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "galaxyzoo/hpo/search_space.hpp"

namespace galaxyzoo {

/// Where a trial stands.
enum class TrialState {
  running,   ///< claimed by a worker, not finished
  complete,  ///< finished with a value
  pruned,    ///< stopped early by the pruner (its value: the last intermediate value)
  failed,    ///< the objective threw or returned NaN
};

/// "running", "complete", "pruned", "failed".
const char* to_string(TrialState state) noexcept;
/// The inverse of to_string(TrialState). @throws Error for any other text.
TrialState parse_trial_state(const std::string& text);

/// One trial: its parameters, the values it reported, and its outcome. Searches
/// minimise: a lower value is better.
struct Trial {
  std::int64_t number = 0;                 ///< 0-based, unique in a study, in order of creation
  TrialState state = TrialState::running;  ///< where it stands
  Assignment params;                       ///< one value per parameter of the space
  std::optional<double> value;             ///< the objective (complete; pruned: last intermediate)
  std::map<std::int64_t, double> intermediate;  ///< step (epoch) -> value reported at it

  /// Whether the trial is complete or pruned (counts towards a search's total).
  bool finished() const noexcept {
    return state == TrialState::complete || state == TrialState::pruned;
  }
};

}  // namespace galaxyzoo
