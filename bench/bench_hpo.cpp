// bench_hpo: the per-trial overhead of galaxyzoo's hyper-parameter search with its
// SQLite study storage, printed as one JSON object. bench/run_hpo_bench.py runs it next
// to Optuna with its SQLite RDBStorage (bench/bench_hpo_optuna.py) on the same study.
//
//   bench_hpo --db /tmp/study.db --prefill 1000 --trials 200 --sampler random
//   bench_hpo --db /tmp/study.db --prefill 1000 --trials 50 --sampler tpe --full_sync
//
// The study: x float in [-10, 10], y float log-uniform in [1e-6, 1e-2], c categorical
// {"a", "b", "c"}; the objective x^2 + y (+1 for "c") reports its value once at step 0.
// First --prefill finished trials are written untimed (random parameters, through the
// storage: claim, report, finish). Then HpoSearch::run() runs --trials more with
// --sampler, as a user runs it (its heartbeat thread running, no progress output, no
// summary files); each trial's time is the interval between successive objective calls,
// i.e. finish + claim (sampling from all trials) + report, all committed to the file.
// --full_sync: fsync every commit (SqliteStorageOptions::synchronous_full) rather than
// WAL's NORMAL, as Optuna's SQLite (rollback journal, synchronous FULL) does.
#include "bench_timing.hpp"

#include <CLI/CLI.hpp>
#include <galaxyzoo/hpo/hpo_search.hpp>
#include <galaxyzoo/hpo/sqlite_storage.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using galaxyzoo::bench::Clock;
using galaxyzoo::bench::median;

galaxyzoo::SearchSpace bench_space() {
  galaxyzoo::SearchSpace space;
  space.add_float("x", -10, 10);
  space.add_float("y", 1e-6, 1e-2, /*log=*/true);
  space.add_categorical("c", {std::string("a"), std::string("b"), std::string("c")});
  return space;
}

double objective_value(const galaxyzoo::Assignment& p) {
  const double x = galaxyzoo::to_double(p.at("x"));
  return x * x + galaxyzoo::to_double(p.at("y")) +
         (std::get<std::string>(p.at("c")) == "c" ? 1.0 : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Per-trial overhead of galaxyzoo's hyper-parameter search (SQLite storage)."};
  std::string db = "bench_hpo.db", sampler = "random";
  std::int64_t prefill = 1000, trials = 100;
  std::uint64_t seed = 1;
  bool full_sync = false;
  app.add_option("--db", db, "Study database file (deleted first)")->capture_default_str();
  app.add_option("--prefill", prefill, "Finished trials written before timing")
      ->capture_default_str();
  app.add_option("--trials", trials, "Timed trials")->capture_default_str();
  app.add_option("--sampler", sampler, "random or tpe")->capture_default_str();
  app.add_option("--seed", seed, "Sampler seed")->capture_default_str();
  app.add_flag("--full_sync", full_sync, "fsync every commit (synchronous FULL)");
  CLI11_PARSE(app, argc, argv);

  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(db + suffix);
  const auto space = bench_space();
  galaxyzoo::SqliteStorageOptions storage_options;
  storage_options.synchronous_full = full_sync;

  const auto fill_start = Clock::now();
  {
    galaxyzoo::SqliteStorage storage(db, storage_options);
    storage.open_study({"bench", space, sampler});
    galaxyzoo::RandomSampler random(seed + 1000);
    galaxyzoo::ClaimOptions claim;
    claim.total_trials = prefill;
    claim.worker = "prefill";
    while (auto c = storage.claim_trial(claim, random)) {
      const double v = objective_value(c->trial.params);
      storage.report(c->trial.number, claim.worker, 0, v);
      storage.finish_trial(c->trial.number, claim.worker, galaxyzoo::TrialState::complete, v);
    }
  }
  const double fill_seconds = std::chrono::duration<double>(Clock::now() - fill_start).count();

  galaxyzoo::HpoSearchOptions options;
  options.storage = "sqlite:///" + std::filesystem::absolute(db).string() +
                    (full_sync ? "?synchronous=full" : "");
  options.study_name = "bench";
  options.space = space;
  options.trials = prefill + trials;
  options.sampler = sampler;
  options.seed = seed;
  options.max_failures = 1;
  std::vector<Clock::time_point> calls;
  calls.reserve(static_cast<std::size_t>(trials) + 1);
  Clock::time_point start, end;
  {
    galaxyzoo::HpoSearch search(options);
    start = Clock::now();
    search.run([&](galaxyzoo::TrialContext& t) {
      calls.push_back(Clock::now());
      const double v = objective_value(t.params());
      t.report(0, v);
      return v;
    });
    end = Clock::now();
  }
  calls.push_back(end);
  std::vector<double> per_trial_ms;
  for (std::size_t i = 1; i < calls.size(); ++i) {
    per_trial_ms.push_back(
        std::chrono::duration<double, std::milli>(calls[i] - calls[i - 1]).count());
  }
  nlohmann::json out;
  out["implementation"] = std::string("galaxyzoo") + (full_sync ? " (synchronous FULL)" : "");
  out["sampler"] = sampler;
  out["prefill"] = prefill;
  out["trials"] = trials;
  out["prefill_seconds"] = fill_seconds;
  out["per_trial_ms_median"] = median(per_trial_ms);
  out["per_trial_ms_mean"] =
      std::chrono::duration<double, std::milli>(end - start).count() / static_cast<double>(trials);
  std::cout << out.dump() << '\n';
  return 0;
}
