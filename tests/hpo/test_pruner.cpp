#define BOOST_TEST_MODULE pruner
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/pruner.hpp>

using galaxyzoo::MedianPruner;
using galaxyzoo::MedianPrunerOptions;
using galaxyzoo::Trial;
using galaxyzoo::TrialState;

namespace {

Trial make_trial(std::int64_t number, TrialState state,
                 std::map<std::int64_t, double> intermediate) {
  Trial t;
  t.number = number;
  t.state = state;
  t.intermediate = std::move(intermediate);
  if (state == TrialState::complete || state == TrialState::pruned)
    t.value = t.intermediate.rbegin()->second;
  return t;
}

// @p values.size() complete trials, trial i reporting values[i] at steps 0..n_steps-1.
std::vector<Trial> complete_trials(const std::vector<double>& values, int n_steps = 3) {
  std::vector<Trial> trials;
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::map<std::int64_t, double> reported;
    for (int s = 0; s < n_steps; ++s) reported[s] = values[i];
    trials.push_back(make_trial(static_cast<std::int64_t>(i), TrialState::complete, reported));
  }
  return trials;
}

// A running trial numbered 100 that reported @p reported.
Trial current(std::map<std::int64_t, double> reported) {
  return make_trial(100, TrialState::running, std::move(reported));
}

}  // namespace

BOOST_AUTO_TEST_CASE(no_pruning_before_the_startup_trials_have_completed) {
  const MedianPruner pruner;  // 5 start-up trials
  auto trials = complete_trials({1, 2, 3, 4});
  const Trial bad = current({{0, 100.0}});
  BOOST_TEST(!pruner.prune(bad, trials, 0));
  // Pruned, running and failed trials do not count as completed.
  trials.push_back(make_trial(4, TrialState::pruned, {{0, 5.0}}));
  trials.push_back(make_trial(5, TrialState::running, {{0, 5.0}}));
  trials.push_back(make_trial(6, TrialState::failed, {{0, 5.0}}));
  BOOST_TEST(!pruner.prune(bad, trials, 0));
  trials.push_back(make_trial(7, TrialState::complete, {{0, 5.0}}));
  BOOST_TEST(pruner.prune(bad, trials, 0));
}

BOOST_AUTO_TEST_CASE(the_trial_itself_does_not_count) {
  const MedianPruner pruner;
  auto trials = complete_trials({1, 2, 3, 4});
  // The trial already in the list as complete (a worker re-checking it) is skipped.
  trials.push_back(make_trial(100, TrialState::complete, {{0, 100.0}}));
  BOOST_TEST(!pruner.prune(current({{0, 100.0}}), trials, 0));
}

BOOST_AUTO_TEST_CASE(median_with_exact_ties_keeps_the_trial) {
  const MedianPruner pruner;
  const auto trials = complete_trials({5, 1, 4, 2, 3});  // median 3
  BOOST_TEST(!pruner.prune(current({{1, 3.0}}), trials, 1));
  BOOST_TEST(!pruner.prune(current({{1, 2.5}}), trials, 1));
  BOOST_TEST(pruner.prune(current({{1, 3.0000001}}), trials, 1));
  // An even count: the median is the mean of the middle two.
  const MedianPruner four(MedianPrunerOptions{/*n_startup_trials=*/4});
  const auto even = complete_trials({1, 2, 3, 4});  // median 2.5
  BOOST_TEST(!four.prune(current({{0, 2.5}}), even, 0));
  BOOST_TEST(four.prune(current({{0, 2.6}}), even, 0));
}

BOOST_AUTO_TEST_CASE(compares_the_best_value_so_far_at_the_same_step) {
  const MedianPruner pruner;
  auto trials = complete_trials({1, 2, 3, 4, 5}, /*n_steps=*/1);      // reported at step 0 only
  for (auto& t : trials) t.intermediate[1] = 10 + t.intermediate[0];  // step 1: median 13
  // Best so far 1.5 (step 0), though 20 at step 1: kept.
  BOOST_TEST(!pruner.prune(current({{0, 1.5}, {1, 20.0}}), trials, 1));
  // 12 at step 1 is better than step 1's median even though step 0's median is 3.
  BOOST_TEST(!pruner.prune(current({{0, 50.0}, {1, 12.0}}), trials, 1));
  BOOST_TEST(pruner.prune(current({{0, 50.0}, {1, 14.0}}), trials, 1));
  // Nobody reported at step 2: nothing to compare with.
  BOOST_TEST(!pruner.prune(current({{0, 50.0}, {1, 50.0}, {2, 50.0}}), trials, 2));
}

BOOST_AUTO_TEST_CASE(pruned_trials_count_in_the_median) {
  const MedianPruner pruner;
  auto trials = complete_trials({1, 2, 3, 4, 5});  // median 3 at every step
  BOOST_TEST(pruner.prune(current({{1, 4.0}}), trials, 1));
  for (std::int64_t n = 10; n < 14; ++n)
    trials.push_back(make_trial(n, TrialState::pruned, {{0, 10.0}, {1, 10.0}}));
  // Values at step 1 now {1, 2, 3, 4, 5, 10, 10, 10, 10}: median 5.
  BOOST_TEST(!pruner.prune(current({{1, 4.0}}), trials, 1));
  // Running and failed trials never count.
  for (std::int64_t n = 20; n < 30; ++n) {
    trials.push_back(
        make_trial(n, n % 2 ? TrialState::running : TrialState::failed, {{1, -100.0}}));
  }
  BOOST_TEST(!pruner.prune(current({{1, 4.0}}), trials, 1));
  BOOST_TEST(pruner.prune(current({{1, 5.5}}), trials, 1));
}

BOOST_AUTO_TEST_CASE(no_pruning_during_the_warmup_steps) {
  MedianPrunerOptions options;
  options.n_warmup_steps = 2;
  const MedianPruner pruner(options);
  const auto trials = complete_trials({1, 2, 3, 4, 5}, /*n_steps=*/4);
  BOOST_TEST(!pruner.prune(current({{0, 100.0}}), trials, 0));
  BOOST_TEST(!pruner.prune(current({{0, 100.0}, {1, 100.0}}), trials, 1));
  BOOST_TEST(pruner.prune(current({{0, 100.0}, {1, 100.0}, {2, 100.0}}), trials, 2));
}

BOOST_AUTO_TEST_CASE(checks_only_the_first_step_of_each_interval) {
  MedianPrunerOptions options;
  options.n_warmup_steps = 1;
  options.interval_steps = 3;  // checks at steps 1, 4, 7, ...
  const MedianPruner pruner(options);
  const auto trials = complete_trials({1, 2, 3, 4, 5}, /*n_steps=*/10);
  std::map<std::int64_t, double> reported;
  std::vector<std::int64_t> pruned_at;
  for (std::int64_t step = 0; step < 9; ++step) {
    reported[step] = 100.0;
    if (pruner.prune(current(reported), trials, step)) pruned_at.push_back(step);
  }
  BOOST_TEST(pruned_at == (std::vector<std::int64_t>{1, 4, 7}), boost::test_tools::per_element());
  // A check whose step was not reported happens at the next reported step: steps 0,
  // 2 and 5 reported, so step 1's check is made at 2 and step 4's at 5, not at 6.
  BOOST_TEST(pruner.prune(current({{0, 100.0}, {2, 100.0}}), trials, 2));
  BOOST_TEST(pruner.prune(current({{0, 100.0}, {2, 100.0}, {5, 100.0}}), trials, 5));
  BOOST_TEST(!pruner.prune(current({{0, 100.0}, {2, 100.0}, {5, 100.0}, {6, 100.0}}), trials, 6));
}

BOOST_AUTO_TEST_CASE(needs_n_min_trials_at_the_step) {
  MedianPrunerOptions options;
  options.n_min_trials = 3;
  const MedianPruner pruner(options);
  auto trials = complete_trials({1, 2, 3, 4, 5}, /*n_steps=*/1);
  trials[0].intermediate[7] = 1;
  trials[1].intermediate[7] = 1;
  BOOST_TEST(!pruner.prune(current({{7, 100.0}}), trials, 7));
  trials[2].intermediate[7] = 1;
  BOOST_TEST(pruner.prune(current({{7, 100.0}}), trials, 7));
}

BOOST_AUTO_TEST_CASE(nan_values) {
  const MedianPruner pruner;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto trials = complete_trials({1, 2, 3, 4, 5});
  // A trial that reported only NaN is pruned; a NaN next to numbers is ignored.
  BOOST_TEST(pruner.prune(current({{0, nan}}), trials, 0));
  BOOST_TEST(!pruner.prune(current({{0, 1.0}, {1, nan}}), trials, 1));
  // Other trials' NaN values do not move the median.
  for (std::int64_t n = 10; n < 15; ++n)
    trials.push_back(make_trial(n, TrialState::complete, {{0, nan}}));
  BOOST_TEST(pruner.prune(current({{0, 3.5}}), trials, 0));
  BOOST_TEST(!pruner.prune(current({{0, 3.0}}), trials, 0));
  // Nothing reported: nothing to judge.
  BOOST_TEST(!pruner.prune(current({}), trials, 0));
}

BOOST_AUTO_TEST_CASE(factory_and_options) {
  const auto median = galaxyzoo::make_pruner("median");
  BOOST_TEST(median->name() == "median");
  const auto none = galaxyzoo::make_pruner("none");
  BOOST_TEST(none->name() == "none");
  const auto trials = complete_trials({1, 2, 3, 4, 5});
  BOOST_TEST(median->prune(current({{0, 100.0}}), trials, 0));
  BOOST_TEST(!none->prune(current({{0, 100.0}}), trials, 0));
  BOOST_CHECK_THROW(galaxyzoo::make_pruner("hyperband"), galaxyzoo::Error);
  BOOST_CHECK_THROW(MedianPruner(MedianPrunerOptions{-1}), galaxyzoo::Error);
  MedianPrunerOptions zero_interval;
  zero_interval.interval_steps = 0;
  BOOST_CHECK_THROW(MedianPruner{zero_interval}, galaxyzoo::Error);
  MedianPrunerOptions negative_warmup;
  negative_warmup.n_warmup_steps = -1;
  BOOST_CHECK_THROW(MedianPruner{negative_warmup}, galaxyzoo::Error);
  MedianPrunerOptions no_min;
  no_min.n_min_trials = 0;
  BOOST_CHECK_THROW(MedianPruner{no_min}, galaxyzoo::Error);
}
