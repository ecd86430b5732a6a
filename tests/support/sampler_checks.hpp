#pragma once
// The toy search space, objective and sequential study that test_sampler.cpp and
// test_tpe_sampler.cpp run their samplers on.

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <galaxyzoo/hpo/sampler.hpp>

namespace sampler_checks {

using galaxyzoo::Assignment;
using galaxyzoo::SearchSpace;
using galaxyzoo::Trial;
using galaxyzoo::TrialState;

inline SearchSpace mixed_space() {
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

inline double number(const Assignment& a, const std::string& name) {
  return galaxyzoo::to_double(a.at(name));
}

// A toy objective over mixed_space(): smallest for adam, batch 32, width ~100, lr 1e-4,
// dropout 0.2, momentum 0.9.
inline double mixed_objective(const Assignment& a) {
  const double opt = std::get<std::string>(a.at("optimiser")) == "adam" ? 0 : 1;
  return opt + std::pow((number(a, "batch") - 32) / 56, 2) +
         std::pow(std::log10(number(a, "width")) - 2, 2) +
         std::pow(std::log10(number(a, "lr")) + 4, 2) + std::pow(number(a, "dropout") - 0.2, 2) +
         std::pow(number(a, "momentum") - 0.9, 2);
}

// Runs @p n_trials sequential trials of @p sampler on @p objective; returns the history.
inline std::vector<Trial> run_study(const galaxyzoo::Sampler& sampler, const SearchSpace& space,
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

}  // namespace sampler_checks
