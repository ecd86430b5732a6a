// bench_sampler: sample efficiency of galaxyzoo's samplers on standard test functions;
// prints one JSON object. bench/run_sampler_bench.py runs it next to Optuna's samplers
// on the same functions (bench/bench_sampler_optuna.py).
//
//   bench_sampler --functions sphere,branin,categorical --samplers tpe,random --trials 100 --seeds
//   30
//
// For each function, sampler and seed 0..seeds-1: a sequential study of --trials trials
// (sample, evaluate, record as complete), minimising. The JSON holds, per (function,
// sampler), one best-so-far curve per seed (curve[i]: the best value among trials
// 0..i) and the seconds spent in sample() per trial. The functions, identical in
// bench_sampler_optuna.py:
//   sphere      sum_i (x_i - c_i)^2, x_i in [-5, 5], c = (1.5, -2, 0.5, 3); minimum 0
//   branin      Branin-Hoo, x1 in [-5, 10], x2 in [0, 15]; minimum 0.397887
//   categorical four parameters with choices "a".."h", each choice a fixed cost
//               (kCategoricalCosts); the value is the sum; minimum 0
#include <CLI/CLI.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/sampler.hpp>
#include <galaxyzoo/hpo/tpe_sampler.hpp>

#include <chrono>
#include <cmath>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

using galaxyzoo::Assignment;
using galaxyzoo::SearchSpace;
using Clock = std::chrono::steady_clock;

constexpr double kPi = 3.14159265358979323846;
const double kSphereCentre[] = {1.5, -2.0, 0.5, 3.0};
// kCategoricalCosts[p][c]: cost of choice c ("a" + c) of parameter p.
const double kCategoricalCosts[4][8] = {{3, 7, 0, 5, 2, 6, 4, 1},
                                        {5, 1, 6, 0, 7, 3, 2, 4},
                                        {0, 4, 2, 7, 5, 1, 6, 3},
                                        {6, 3, 5, 2, 0, 4, 1, 7}};

struct Problem {
  SearchSpace space;
  std::function<double(const Assignment&)> objective;
};

double number(const Assignment& a, const std::string& name) {
  return galaxyzoo::to_double(a.at(name));
}

Problem make_problem(const std::string& name) {
  Problem p;
  if (name == "sphere") {
    for (int i = 0; i < 4; ++i) p.space.add_float("x" + std::to_string(i), -5, 5);
    p.objective = [](const Assignment& a) {
      double sum = 0;
      for (int i = 0; i < 4; ++i)
        sum += std::pow(number(a, "x" + std::to_string(i)) - kSphereCentre[i], 2);
      return sum;
    };
  } else if (name == "branin") {
    p.space.add_float("x1", -5, 10).add_float("x2", 0, 15);
    p.objective = [](const Assignment& a) {
      const double x1 = number(a, "x1"), x2 = number(a, "x2");
      const double b = 5.1 / (4 * kPi * kPi), c = 5 / kPi, t = 1 / (8 * kPi);
      return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
    };
  } else if (name == "categorical") {
    std::vector<galaxyzoo::ParameterValue> choices;
    for (char c = 'a'; c <= 'h'; ++c) choices.emplace_back(std::string(1, c));
    for (int i = 0; i < 4; ++i) p.space.add_categorical("c" + std::to_string(i), choices);
    p.objective = [](const Assignment& a) {
      double sum = 0;
      for (int i = 0; i < 4; ++i) {
        const auto& choice = std::get<std::string>(a.at("c" + std::to_string(i)));
        sum += kCategoricalCosts[i][choice[0] - 'a'];
      }
      return sum;
    };
  } else {
    throw galaxyzoo::Error("unknown function '" + name +
                           "' (expected sphere, branin or categorical)");
  }
  return p;
}

// make_sampler's samplers, and "tpe_independent": TPE with a model per parameter.
std::unique_ptr<galaxyzoo::Sampler> make_sampler(const std::string& name, std::uint64_t seed) {
  if (name == "tpe_independent") {
    galaxyzoo::TpeOptions options;
    options.multivariate = false;
    return std::make_unique<galaxyzoo::TpeSampler>(seed, options);
  }
  return galaxyzoo::make_sampler(name, seed);
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Sample efficiency of galaxyzoo's samplers on test functions; prints JSON."};
  std::string functions = "sphere,branin,categorical", samplers = "tpe,random";
  int trials = 100, seeds = 30;
  app.add_option("--functions", functions, "Comma-separated: sphere, branin, categorical")
      ->capture_default_str();
  app.add_option("--samplers", samplers, "Comma-separated: tpe, tpe_independent, random, grid")
      ->capture_default_str();
  app.add_option("--trials", trials, "Trials per study")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--seeds", seeds, "Studies per function and sampler (seeds 0..seeds-1)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  try {
    nlohmann::json out;
    out["implementation"] = "galaxyzoo";
    out["trials"] = trials;
    out["seeds"] = seeds;
    auto& results = out["results"] = nlohmann::json::array();
    for (const auto& function : split(functions)) {
      const Problem problem = make_problem(function);
      for (const auto& sampler_name : split(samplers)) {
        nlohmann::json curves = nlohmann::json::array();
        double sample_seconds = 0;
        for (int seed = 0; seed < seeds; ++seed) {
          const auto sampler = make_sampler(sampler_name, static_cast<std::uint64_t>(seed));
          std::vector<galaxyzoo::Trial> history;
          std::vector<double> curve;
          double best = INFINITY;
          for (int i = 0; i < trials; ++i) {
            galaxyzoo::Trial t;
            t.number = i;
            const auto start = Clock::now();
            t.params = sampler->sample(problem.space, history, i);
            sample_seconds += std::chrono::duration<double>(Clock::now() - start).count();
            t.value = problem.objective(t.params);
            t.state = galaxyzoo::TrialState::complete;
            best = std::min(best, *t.value);
            curve.push_back(best);
            history.push_back(std::move(t));
          }
          curves.push_back(curve);
        }
        results.push_back(
            {{"function", function},
             {"sampler", sampler_name},
             {"curves", curves},
             {"seconds_per_trial", sample_seconds / (static_cast<double>(seeds) * trials)}});
      }
    }
    std::cout << out.dump() << '\n';
  } catch (const galaxyzoo::Error& e) {
    std::cerr << "bench_sampler: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
