#define BOOST_TEST_MODULE trial
#include <boost/test/unit_test.hpp>

#include <string>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/trial.hpp>

using galaxyzoo::Trial;
using galaxyzoo::TrialState;

BOOST_AUTO_TEST_CASE(states_round_trip_through_their_names) {
  for (const TrialState state :
       {TrialState::running, TrialState::complete, TrialState::pruned, TrialState::failed}) {
    BOOST_TEST((galaxyzoo::parse_trial_state(galaxyzoo::to_string(state)) == state));
  }
  BOOST_TEST(std::string(galaxyzoo::to_string(TrialState::pruned)) == "pruned");
}

BOOST_AUTO_TEST_CASE(unknown_state_names_are_rejected) {
  BOOST_CHECK_THROW(galaxyzoo::parse_trial_state("COMPLETE"), galaxyzoo::Error);
  BOOST_CHECK_THROW(galaxyzoo::parse_trial_state(""), galaxyzoo::Error);
  try {
    galaxyzoo::parse_trial_state("done");
  } catch (const galaxyzoo::Error& e) {
    BOOST_TEST(std::string(e.what()).find("'done'") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(complete_and_pruned_trials_are_finished) {
  Trial trial;
  BOOST_TEST(!trial.finished());
  trial.state = TrialState::complete;
  BOOST_TEST(trial.finished());
  trial.state = TrialState::pruned;
  BOOST_TEST(trial.finished());
  trial.state = TrialState::failed;
  BOOST_TEST(!trial.finished());
}
