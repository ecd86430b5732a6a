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

#include "sampler_checks.hpp"

using galaxyzoo::Assignment;
using galaxyzoo::GridSampler;
using galaxyzoo::ParameterValue;
using galaxyzoo::RandomSampler;
using galaxyzoo::SearchSpace;
using galaxyzoo::Trial;
using galaxyzoo::TrialState;

using sampler_checks::mixed_objective;
using sampler_checks::mixed_space;
using sampler_checks::run_study;

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

BOOST_AUTO_TEST_CASE(factory_and_options_are_checked) {
  BOOST_CHECK_THROW(galaxyzoo::make_sampler("cmaes", 0), galaxyzoo::Error);
  const RandomSampler random;
  BOOST_CHECK_THROW(random.sample(mixed_space(), {}, -1), galaxyzoo::Error);
}
