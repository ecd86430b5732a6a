#include "galaxyzoo/hpo/trial.hpp"

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {

const char* to_string(TrialState state) noexcept {
  switch (state) {
    case TrialState::running:
      return "running";
    case TrialState::complete:
      return "complete";
    case TrialState::pruned:
      return "pruned";
    case TrialState::failed:
      return "failed";
  }
  return "unknown";
}

TrialState parse_trial_state(const std::string& text) {
  for (const TrialState state :
       {TrialState::running, TrialState::complete, TrialState::pruned, TrialState::failed}) {
    if (text == to_string(state)) return state;
  }
  throw Error("unknown trial state '" + text + "' (expected running, complete, pruned or failed)");
}

}  // namespace galaxyzoo
