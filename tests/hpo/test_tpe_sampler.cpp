#define BOOST_TEST_MODULE tpe_sampler
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/tpe_sampler.hpp>

#include "sampler_checks.hpp"

using galaxyzoo::Assignment;
using galaxyzoo::RandomSampler;
using galaxyzoo::SearchSpace;
using galaxyzoo::TpeOptions;
using galaxyzoo::TpeSampler;
using galaxyzoo::Trial;
using galaxyzoo::TrialState;
using sampler_checks::mixed_objective;
using sampler_checks::mixed_space;
using sampler_checks::number;
using sampler_checks::run_study;

namespace {

double best_of(const std::vector<Trial>& trials) {
  double best = INFINITY;
  for (const auto& t : trials) best = std::min(best, *t.value);
  return best;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

}  // namespace

BOOST_AUTO_TEST_CASE(independent_tpe_stays_in_the_space) {
  const auto space = mixed_space();
  TpeOptions independent;
  independent.multivariate = false;
  for (const auto& t : run_study(TpeSampler(1, independent), space, mixed_objective, 60)) {
    BOOST_TEST(space.contains(t.params));
  }
}

BOOST_AUTO_TEST_CASE(tpe_starts_with_random_trials_and_ignores_running_and_failed_ones) {
  const auto space = mixed_space();
  const TpeSampler tpe(4);
  const RandomSampler random(4);
  std::vector<Trial> trials = run_study(tpe, space, mixed_objective, 10);
  for (std::int64_t n = 0; n < 10; ++n) {
    BOOST_TEST((trials[static_cast<std::size_t>(n)].params == random.sample(space, {}, n)));
  }
  // From the 11th trial on the model decides: no longer the random draw.
  BOOST_TEST((tpe.sample(space, trials, 10) != random.sample(space, trials, 10)));
  const auto next = tpe.sample(space, trials, 10);
  Trial running, failed;
  running.number = 11;
  running.params = random.sample(space, {}, 11);
  failed.number = 12;
  failed.state = TrialState::failed;
  failed.params = random.sample(space, {}, 12);
  trials.push_back(running);
  trials.push_back(failed);
  BOOST_TEST((tpe.sample(space, trials, 10) == next));
  // Nine finished trials are still the start-up phase.
  trials.resize(9);
  BOOST_TEST((tpe.sample(space, trials, 10) == random.sample(space, {}, 10)));
}

BOOST_AUTO_TEST_CASE(tpe_beats_random_on_a_shifted_sphere) {
  SearchSpace space;
  space.add_float("x", -5, 5).add_float("y", -5, 5).add_float("z", -5, 5);
  const auto sphere = [](const Assignment& a) {
    return std::pow(number(a, "x") - 1.5, 2) + std::pow(number(a, "y") + 2, 2) +
           std::pow(number(a, "z") - 0.5, 2);
  };
  TpeOptions independent;
  independent.multivariate = false;
  std::vector<double> tpe_best, independent_best, random_best;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    tpe_best.push_back(best_of(run_study(TpeSampler(seed), space, sphere, 40)));
    independent_best.push_back(
        best_of(run_study(TpeSampler(seed, independent), space, sphere, 40)));
    random_best.push_back(best_of(run_study(RandomSampler(seed), space, sphere, 40)));
  }
  BOOST_TEST_MESSAGE("median best after 40 trials: tpe " << median(tpe_best) << ", independent tpe "
                                                         << median(independent_best) << ", random "
                                                         << median(random_best));
  BOOST_TEST(median(tpe_best) < 0.5 * median(random_best));
  BOOST_TEST(median(independent_best) < 0.5 * median(random_best));
}

BOOST_AUTO_TEST_CASE(tpe_beats_random_on_a_mixed_space) {
  const auto space = mixed_space();
  std::vector<double> tpe_best, random_best;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    tpe_best.push_back(best_of(run_study(TpeSampler(seed), space, mixed_objective, 50)));
    random_best.push_back(best_of(run_study(RandomSampler(seed), space, mixed_objective, 50)));
  }
  BOOST_TEST_MESSAGE("median best after 50 trials: tpe " << median(tpe_best) << ", random "
                                                         << median(random_best));
  BOOST_TEST(median(tpe_best) < median(random_best));
}

BOOST_AUTO_TEST_CASE(tpe_ranks_pruned_trials_by_how_far_they_got) {
  SearchSpace space;
  space.add_categorical("c",
                        {std::string("a"), std::string("b"), std::string("c"), std::string("d")});
  TpeOptions options;
  options.n_startup_trials = 0;
  const TpeSampler tpe(2, options);
  // Ten pruned trials: nine "a"-"c" stopped at step 1 with low values, one "d" that
  // reached step 5 with a high value. gamma(10) = 1: l(x) is the "d" trial alone.
  std::vector<Trial> trials;
  for (std::int64_t n = 0; n < 10; ++n) {
    Trial t;
    t.number = n;
    t.state = TrialState::pruned;
    t.params["c"] = std::string(n == 4 ? "d" : n % 3 == 0 ? "a" : n % 3 == 1 ? "b" : "c");
    t.intermediate = n == 4 ? std::map<std::int64_t, double>{{5, 100.0}}
                            : std::map<std::int64_t, double>{{1, 0.1}};
    t.value = t.intermediate.rbegin()->second;
    trials.push_back(t);
  }
  auto count = [&](const std::string& choice) {
    int k = 0;
    for (std::int64_t n = 10; n < 40; ++n)
      k += std::get<std::string>(tpe.sample(space, trials, n).at("c")) == choice;
    return k;
  };
  BOOST_TEST(count("d") >= 25);
  // A complete trial, however bad, ranks above every pruned one: nine pruned "a"
  // trials with low values and one complete "b" with a high value; l(x) is the "b".
  for (auto& t : trials) {
    t.params["c"] = std::string("a");
    t.intermediate = {{1, 0.1}};
  }
  trials[4].state = TrialState::complete;
  trials[4].params["c"] = std::string("b");
  trials[4].value = 1000.0;
  BOOST_TEST(count("b") >= 25);
}

BOOST_AUTO_TEST_CASE(single_valued_parameters_are_returned_as_they_are) {
  SearchSpace space;
  space.add_categorical("layer", {std::int64_t{21}})
      .add_float("fixed", 0.25, 0.25)
      .add_int("one", 3, 3);
  const TpeSampler tpe(0, TpeOptions{/*n_startup_trials=*/0});
  std::vector<Trial> trials;
  for (int i = 0; i < 3; ++i) {
    Trial t;
    t.number = i;
    t.state = TrialState::complete;
    t.params = tpe.sample(space, trials, i);
    t.value = i;
    trials.push_back(t);
  }
  const auto a = tpe.sample(space, trials, 3);
  BOOST_TEST(std::get<std::int64_t>(a.at("layer")) == 21);
  BOOST_TEST(std::get<double>(a.at("fixed")) == 0.25);
  BOOST_TEST(std::get<std::int64_t>(a.at("one")) == 3);
}

BOOST_AUTO_TEST_CASE(options_are_checked) {
  TpeOptions bad;
  bad.n_ei_candidates = 0;
  BOOST_CHECK_THROW(TpeSampler(0, bad), galaxyzoo::Error);
  TpeOptions no_prior;
  no_prior.prior_weight = 0;
  BOOST_CHECK_THROW(TpeSampler(0, no_prior), galaxyzoo::Error);
  BOOST_CHECK_THROW(TpeSampler(0).sample(mixed_space(), {}, -1), galaxyzoo::Error);
  BOOST_TEST(TpeSampler(0).name() == "tpe");
}
