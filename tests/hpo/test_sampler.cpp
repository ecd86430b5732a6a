#define BOOST_TEST_MODULE sampler
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/sampler.hpp>

using galaxyzoo::Assignment;
using galaxyzoo::GridSampler;
using galaxyzoo::ParameterValue;
using galaxyzoo::RandomSampler;
using galaxyzoo::SearchSpace;
using galaxyzoo::TpeOptions;
using galaxyzoo::TpeSampler;
using galaxyzoo::Trial;
using galaxyzoo::TrialState;

namespace {

SearchSpace mixed_space() {
  SearchSpace space;
  space
      .add_categorical("optimiser",
                       {std::string("adam"), std::string("sgd"), std::string("rmsprop")})
      .add_int("batch", 8, 64, /*log=*/false, /*step=*/8)
      .add_int("width", 1, 1000, /*log=*/true)
      .add_float("lr", 1e-6, 1e-2, /*log=*/true)
      .add_float("dropout", 0.0, 0.5, /*log=*/false, /*step=*/0.1)
      .add_float("momentum", 0.5, 0.99);
  return space;
}

double number(const Assignment& a, const std::string& name) {
  return galaxyzoo::to_double(a.at(name));
}

// A toy objective over mixed_space(): smallest for adam, batch 32, width ~100, lr 1e-4,
// dropout 0.2, momentum 0.9.
double mixed_objective(const Assignment& a) {
  const double opt = std::get<std::string>(a.at("optimiser")) == "adam" ? 0 : 1;
  return opt + std::pow((number(a, "batch") - 32) / 56, 2) +
         std::pow(std::log10(number(a, "width")) - 2, 2) +
         std::pow(std::log10(number(a, "lr")) + 4, 2) + std::pow(number(a, "dropout") - 0.2, 2) +
         std::pow(number(a, "momentum") - 0.9, 2);
}

// Runs @p n_trials sequential trials of @p sampler on @p objective; returns the history.
std::vector<Trial> run_study(const galaxyzoo::Sampler& sampler, const SearchSpace& space,
                             const std::function<double(const Assignment&)>& objective,
                             int n_trials) {
  std::vector<Trial> trials;
  for (int i = 0; i < n_trials; ++i) {
    Trial t;
    t.number = i;
    t.params = sampler.sample(space, trials, i);
    t.value = objective(t.params);
    t.state = TrialState::complete;
    trials.push_back(std::move(t));
  }
  return trials;
}

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

BOOST_AUTO_TEST_CASE(same_seed_history_and_number_give_the_same_assignment) {
  const auto space = mixed_space();
  const RandomSampler history_maker(3);
  const auto history = run_study(history_maker, space, mixed_objective, 15);
  for (const std::string name : {"random", "grid", "tpe"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto a = galaxyzoo::make_sampler(name, 7);
      const auto b = galaxyzoo::make_sampler(name, 7);
      const auto other = galaxyzoo::make_sampler(name, 8);
      BOOST_TEST(a->name() == name);
      int differs_by_seed = 0, differs_by_number = 0;
      for (std::int64_t n = 15; n < 25; ++n) {
        const auto x = a->sample(space, history, n);
        BOOST_TEST((x == b->sample(space, history, n)));
        BOOST_TEST((x == a->sample(space, history, n)));  // no hidden state
        differs_by_seed += x != other->sample(space, history, n);
        differs_by_number += x != a->sample(space, history, n + 1);
      }
      BOOST_TEST(differs_by_seed >= 8);
      BOOST_TEST(differs_by_number >= 8);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_sampler_stays_in_the_space) {
  const auto space = mixed_space();
  for (const std::string name : {"random", "grid", "tpe"}) {
    BOOST_TEST_CONTEXT(name) {
      const auto sampler = galaxyzoo::make_sampler(name, 1);
      const auto trials = run_study(*sampler, space, mixed_objective, 60);
      for (const auto& t : trials) BOOST_TEST(space.contains(t.params));
    }
  }
  TpeOptions independent;
  independent.multivariate = false;
  for (const auto& t : run_study(TpeSampler(1, independent), space, mixed_objective, 60)) {
    BOOST_TEST(space.contains(t.params));
  }
}

BOOST_AUTO_TEST_CASE(random_draws_are_log_uniform_on_log_ranges) {
  SearchSpace space;
  space.add_float("lr", 1e-6, 1e-2, /*log=*/true)
      .add_int("width", 1, 10000, /*log=*/true)
      .add_float("x", 0, 1);
  const RandomSampler sampler(11);
  int lr_below_mid = 0, width_below_mid = 0, x_below_mid = 0;
  const int n = 2000;
  for (int i = 0; i < n; ++i) {
    const auto a = sampler.sample(space, {}, i);
    lr_below_mid += std::get<double>(a.at("lr")) < 1e-4;
    width_below_mid += std::get<std::int64_t>(a.at("width")) < 100;
    x_below_mid += std::get<double>(a.at("x")) < 0.5;
  }
  // Uniform in log space: half below the geometric middle (a linear draw would put
  // about 1% there).
  BOOST_TEST(std::abs(lr_below_mid - n / 2) < n / 10);
  BOOST_TEST(std::abs(width_below_mid - n / 2) < n / 10);
  BOOST_TEST(std::abs(x_below_mid - n / 2) < n / 10);
}

BOOST_AUTO_TEST_CASE(grid_covers_every_point_exactly_once) {
  const auto space = SearchSpace::vgg16_default();
  BOOST_TEST(GridSampler::grid_size(space) == 9);
  const GridSampler sampler(5);
  std::set<Assignment> seen;
  std::vector<Assignment> order;
  for (std::int64_t n = 0; n < 9; ++n) {
    order.push_back(sampler.sample(space, {}, n));
    seen.insert(order.back());
  }
  BOOST_TEST(seen.size() == 9u);
  for (const auto& a : seen) BOOST_TEST(space.contains(a));
  // Then it starts over in the same order.
  BOOST_TEST((sampler.sample(space, {}, 9) == order[0]));
  BOOST_TEST((sampler.sample(space, {}, 13) == order[4]));
  // Another seed walks the grid in another order.
  const GridSampler other(6);
  int same_place = 0;
  for (std::int64_t n = 0; n < 9; ++n)
    same_place += other.sample(space, {}, n) == order[static_cast<std::size_t>(n)];
  BOOST_TEST(same_place < 9);
}

BOOST_AUTO_TEST_CASE(grid_of_integers_steps_and_choices) {
  SearchSpace space;
  space.add_categorical("c", {std::string("a"), std::string("b"), std::string("c")})
      .add_int("batch", 8, 64, false, 8)
      .add_float("dropout", 0.0, 0.5, false, 0.1)
      .add_float("free", 0.0, 1.0);  // continuous: drawn, not gridded
  const auto size = GridSampler::grid_size(space);
  BOOST_TEST(size == 3 * 8 * 6);
  const GridSampler sampler(0);
  std::set<std::tuple<std::string, std::int64_t, double>> points;
  for (std::int64_t n = 0; n < size; ++n) {
    const auto a = sampler.sample(space, {}, n);
    BOOST_TEST(space.contains(a));
    points.insert({std::get<std::string>(a.at("c")), std::get<std::int64_t>(a.at("batch")),
                   std::round(std::get<double>(a.at("dropout")) * 10)});
  }
  BOOST_TEST(points.size() == static_cast<std::size_t>(size));
}

BOOST_AUTO_TEST_CASE(grid_of_one_point_and_grid_of_a_million) {
  SearchSpace one;
  one.add_categorical("layer", {std::int64_t{21}});
  BOOST_TEST(GridSampler::grid_size(one) == 1);
  BOOST_TEST(std::get<std::int64_t>(GridSampler(3).sample(one, {}, 7).at("layer")) == 21);
  // A grid too large to shuffle in memory is still walked without repeats.
  SearchSpace large;
  large.add_int("n", 0, 999'999);
  BOOST_TEST(GridSampler::grid_size(large) == 1'000'000);
  const GridSampler sampler(9);
  std::set<std::int64_t> seen;
  for (std::int64_t n = 0; n < 2000; ++n)
    seen.insert(std::get<std::int64_t>(sampler.sample(large, {}, n).at("n")));
  BOOST_TEST(seen.size() == 2000u);
  BOOST_TEST(*seen.rbegin() > 500'000);  // shuffled, not counting up from 0
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

BOOST_AUTO_TEST_CASE(factory_and_options_are_checked) {
  BOOST_CHECK_THROW(galaxyzoo::make_sampler("cmaes", 0), galaxyzoo::Error);
  TpeOptions bad;
  bad.n_ei_candidates = 0;
  BOOST_CHECK_THROW(TpeSampler(0, bad), galaxyzoo::Error);
  TpeOptions no_prior;
  no_prior.prior_weight = 0;
  BOOST_CHECK_THROW(TpeSampler(0, no_prior), galaxyzoo::Error);
  const RandomSampler random;
  BOOST_CHECK_THROW(random.sample(mixed_space(), {}, -1), galaxyzoo::Error);
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
