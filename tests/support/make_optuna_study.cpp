// make_optuna_study OUTPUT_DIR: runs a small study with HpoSearch and a cheap objective
// (complete, pruned and failed trials, intermediate values at every epoch) into
// OUTPUT_DIR/study.db, so that HpoSearch writes OUTPUT_DIR/toy.optuna.log and
// OUTPUT_DIR/toy_trials.csv, and writes what the study holds to OUTPUT_DIR/expected.json
// for tests/support/optuna_check.py to compare with what Optuna reads.
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/hpo_search.hpp>
#include <galaxyzoo/hpo/optuna_export.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

namespace gz = galaxyzoo;

namespace {

nlohmann::json value_json(const gz::ParameterValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return std::get<std::string>(v);
}

// A loss that falls with the epochs, lowest near x = 0.03 and for layer 21.
double loss(const gz::TrialContext& t, std::int64_t epoch) {
  const double x = gz::to_double(t.param("x"));
  const double layer = gz::to_double(t.param("layer")) == 21 ? 0 : 0.2;
  return 1.0 + std::pow(std::log10(x / 0.03), 2) + layer + 0.5 / static_cast<double>(epoch + 1) +
         gz::to_double(t.param("batch")) / 640;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_optuna_study OUTPUT_DIR\n";
    return 2;
  }
  try {
    const std::filesystem::path out = argv[1];
    std::filesystem::remove_all(out);  // a fresh study each run
    std::filesystem::create_directories(out);
    gz::HpoSearchOptions options;
    options.storage = (out / "study.db").string();
    options.study_name = "toy";
    options.space = gz::SearchSpace()
                        .add_float("x", 1e-3, 1.0, true)
                        .add_categorical("layer", {std::int64_t{0}, std::int64_t{21}})
                        .add_int("batch", 8, 64, false, 8)
                        .add_categorical("optimizer", {std::string("sgd"), std::string("adam")});
    options.trials = 7;
    options.sampler = "random";
    options.seed = 3;
    options.max_failures = 0;
    options.output_dir = out;
    options.output_name = "toy";
    gz::HpoSearch search(options);
    search.run([](gz::TrialContext& t) -> double {
      if (t.number() == 2) throw gz::Error("diverged");  // failed
      const std::int64_t epochs = t.number() == 4 || t.number() == 5 ? 2 : 4;
      for (std::int64_t e = 0; e < epochs; ++e) t.report(e, loss(t, e));
      if (epochs == 2) throw gz::TrialPruned();  // pruned after two epochs
      return loss(t, epochs - 1);
    });
    nlohmann::ordered_json expected = nlohmann::ordered_json::array();
    for (const auto& r : search.storage().records()) {
      nlohmann::ordered_json trial;
      trial["number"] = r.trial.number;
      trial["state"] = gz::optuna_state_name(r.trial.state);
      trial["value"] = r.trial.value ? nlohmann::ordered_json(*r.trial.value) : nullptr;
      trial["params"] = nlohmann::ordered_json::object();
      for (const auto& [name, value] : r.trial.params) trial["params"][name] = value_json(value);
      trial["intermediate"] = nlohmann::ordered_json::object();
      for (const auto& [step, value] : r.trial.intermediate)
        trial["intermediate"][std::to_string(step)] = value;
      trial["datetime_start"] = gz::optuna_datetime(r.started_at);
      trial["datetime_complete"] = gz::optuna_datetime(r.finished_at);
      expected.push_back(trial);
    }
    std::ofstream(out / "expected.json") << expected.dump(2) << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "make_optuna_study: " << e.what() << '\n';
    return 1;
  }
}
