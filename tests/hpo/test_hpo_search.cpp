#define BOOST_TEST_MODULE hpo_search
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/hpo/hpo_search.hpp>
#include <galaxyzoo/model/trainer.hpp>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "kaggle_fixture.hpp"
#include "study_storage_checks.hpp"

namespace gz = galaxyzoo;
using gz::testing::append_line;
using gz::testing::lines;
using gz::testing::read_text;
using gz::testing::spawn;
using gz::testing::TempDir;
using gz::testing::wait_for;

namespace {

gz::SearchSpace space() {
  gz::SearchSpace s;
  s.add_float("x", 0.0, 1.0);
  s.add_categorical("layer", {std::int64_t{21}, std::int64_t{24}});
  return s;
}

gz::HpoSearchOptions options(const TempDir& dir, std::int64_t trials) {
  gz::HpoSearchOptions o;
  o.storage = "sqlite:///" + (dir / "study.db").string();
  o.study_name = "test";
  o.space = space();
  o.trials = trials;
  o.sampler = "random";
  o.seed = 3;
  o.heartbeat_seconds = 0.05;
  o.grace_seconds = 0.5;
  return o;
}

double quadratic(gz::TrialContext& t) {
  const double x = gz::to_double(t.param("x"));
  return (x - 0.3) * (x - 0.3);
}

std::string integrity(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  sqlite3_open(file.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr);
  std::string out = sqlite3_step(s) == SQLITE_ROW
                        ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0))
                        : "no answer";
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(runs_until_the_total_and_a_restart_runs_only_the_missing_trials) {
  TempDir dir;
  auto o = options(dir, 4);
  o.output_dir = dir / "out";
  o.output_name = "toy";
  std::ostringstream progress;
  std::vector<std::string> messages;
  o.on_message = [&](const std::string& line) {
    messages.push_back(line);
    progress << line;
  };
  int calls = 0;
  auto counted = [&](gz::TrialContext& t) {
    ++calls;
    return quadratic(t);
  };
  {
    gz::HpoSearch search(o);
    const auto r = search.run(counted);
    BOOST_TEST(r.complete == 4);
    BOOST_TEST(r.finished_total == 4);
    BOOST_TEST(!r.interrupted);
    BOOST_REQUIRE(r.best.has_value());
  }
  BOOST_TEST(calls == 4);
  BOOST_TEST(progress.str().find("[4/4 finished; best: trial") != std::string::npos,
             progress.str());
  BOOST_TEST(messages.size() == 8u);  // "started" and "complete" for each trial
  for (const auto& line : messages) {
    BOOST_TEST((!line.empty() && line.back() == '\n' && line.find('\n') == line.size() - 1), line);
  }
  {
    gz::HpoSearch search(o);  // the same total: nothing to do
    BOOST_TEST(search.run(counted).complete == 0);
  }
  BOOST_TEST(calls == 4);
  o.trials = 6;
  gz::HpoSearch search(o);
  const auto r = search.run(counted);
  BOOST_TEST(r.complete == 2);
  BOOST_TEST(calls == 6);
  const auto records = search.storage().records();
  BOOST_REQUIRE_EQUAL(records.size(), 6u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    BOOST_TEST(records[i].trial.number == static_cast<std::int64_t>(i));
    BOOST_TEST((records[i].trial.state == gz::TrialState::complete));
  }
  // The summary files: the best trial's `key: value` lines (read_hyperparameters reads
  // them for the VGG16 objective; this toy's x is not a hyper-parameter of it), JSON, CSV.
  const auto best = *gz::best_trial(records);
  const std::string layer = std::to_string(std::get<std::int64_t>(best.trial.params.at("layer")));
  const std::string text = read_text(dir / "out" / "best_toy_params.txt");
  BOOST_TEST(text.find("\nlayer: " + layer + "\n") != std::string::npos, text);
  BOOST_TEST(text.find("trial: " + std::to_string(best.trial.number) + "\n") != std::string::npos,
             text);
  const auto json = read_text(dir / "out" / "best_toy_trial.json");
  BOOST_TEST(json.find("\"layer\": " + layer) != std::string::npos, json);
  BOOST_TEST(json.find("\"number\": " + std::to_string(best.trial.number)) != std::string::npos,
             json);
  const auto csv = lines(dir / "out" / "toy_trials.csv");
  BOOST_REQUIRE_EQUAL(csv.size(), 7u);
  BOOST_TEST(csv[0] ==
             "number,value,datetime_start,datetime_complete,duration,params_layer,params_x,state,"
             "attempts,worker,message");
  BOOST_TEST(csv[1].rfind("0,", 0) == 0u);
  BOOST_TEST(csv[1].find(",COMPLETE,1,") != std::string::npos, csv[1]);
  // Optuna's journal and the trial plots, PNG and SVG.
  const auto journal = lines(dir / "out" / "toy.optuna.log");
  BOOST_TEST(journal.size() == 7u);  // the study, then one line per trial
  for (const char* plot : {"history", "intermediate", "params"}) {
    for (const char* ext : {".png", ".svg"})
      BOOST_TEST(std::filesystem::exists(dir / "out" / ("toy_" + std::string(plot) + ext)));
  }
}

BOOST_AUTO_TEST_CASE(failed_and_pruned_trials) {
  TempDir dir;
  auto o = options(dir, 4);
  o.max_failures = 0;
  gz::HpoSearch search(o);
  const auto r = search.run([](gz::TrialContext& t) -> double {
    switch (t.number()) {
      case 0:
        throw gz::Error("out of memory");
      case 1:
        return std::nan("");
      case 2:
        t.report(0, 0.9);
        t.report(1, 0.8);
        throw gz::TrialPruned();
      case 3:
        t.report(0, 0.7);
        t.report(1, 0.6);
        t.report(2, 0.5);
        return 0.4;
      default:
        return 0.01 * static_cast<double>(t.number());
    }
  });
  // Failed trials do not count: two more trials replace them.
  BOOST_TEST(r.failed == 2);
  BOOST_TEST(r.pruned == 1);
  BOOST_TEST(r.complete == 3);
  const auto records = search.storage().records();
  BOOST_REQUIRE_EQUAL(records.size(), 6u);
  BOOST_TEST((records[0].trial.state == gz::TrialState::failed));
  BOOST_TEST(records[0].message == "out of memory");
  BOOST_TEST((records[1].trial.state == gz::TrialState::failed));
  BOOST_TEST(records[1].message.find("NaN") != std::string::npos);
  BOOST_TEST((records[2].trial.state == gz::TrialState::pruned));
  BOOST_TEST(*records[2].trial.value == 0.8);  // the last reported value
  BOOST_TEST(records[3].trial.intermediate.size() == 3u);
  BOOST_TEST(*records[3].trial.value == 0.4);
  BOOST_TEST(r.best->trial.number == 4);

  // Too many failures end the run with an error naming the last one.
  TempDir other;
  auto failing = options(other, 5);
  failing.max_failures = 2;
  gz::HpoSearch bad(failing);
  try {
    bad.run([](gz::TrialContext&) -> double { throw std::runtime_error("no data"); });
    BOOST_ERROR("expected an error after 2 failures");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find("no data") != std::string::npos, e.what());
  }
  BOOST_TEST(bad.storage().records().size() == 2u);
}

BOOST_AUTO_TEST_CASE(the_median_pruner_prunes_through_the_context) {
  TempDir dir;
  auto o = options(dir, 8);
  o.pruner = "median";
  gz::HpoSearch search(o);
  // Trials 0-5 report a falling curve; later ones a curve far above it.
  const auto r = search.run([](gz::TrialContext& t) {
    const double offset = t.number() < 6 ? 0.0 : 10.0;
    double v = 0;
    for (std::int64_t step = 0; step < 4; ++step) {
      v = offset + 1.0 / static_cast<double>(step + 1);
      t.report(step, v);
      if (t.should_prune()) return v;  // the context marks the trial pruned
    }
    return v;
  });
  BOOST_TEST(r.complete == 6);
  BOOST_TEST(r.pruned == 2);
  const auto records = search.storage().records();
  BOOST_TEST((records[6].trial.state == gz::TrialState::pruned));
  BOOST_TEST(records[6].trial.intermediate.size() == 1u);  // stopped at its first step
}

BOOST_AUTO_TEST_CASE(a_stopped_trial_is_re_run_first_with_the_same_parameters) {
  TempDir dir;
  const auto o = options(dir, 3);
  gz::Assignment stopped_params;
  {
    gz::HpoSearch search(o);
    const auto r = search.run([&](gz::TrialContext& t) {
      if (t.number() == 1) {
        stopped_params = t.params();
        t.report(0, 5.0);
        gz::request_stop();  // as SIGTERM would
        throw gz::TrialInterrupted();
      }
      return quadratic(t);
    });
    gz::clear_stop_request();
    BOOST_TEST(r.interrupted);
    BOOST_TEST(r.complete == 1);
    const auto records = search.storage().records();
    BOOST_REQUIRE_EQUAL(records.size(), 2u);
    BOOST_TEST((records[1].trial.state == gz::TrialState::running));
  }
  // Restarted at once (no grace period to wait for).
  gz::HpoSearch search(o);
  std::vector<std::int64_t> order;
  const auto r = search.run([&](gz::TrialContext& t) {
    order.push_back(t.number());
    if (t.number() == 1) {
      BOOST_TEST((t.params() == stopped_params));
      BOOST_TEST(t.attempt() == 2);
    }
    return quadratic(t);
  });
  BOOST_TEST(r.resumed == 1);
  BOOST_TEST((order == std::vector<std::int64_t>{1, 2}));
  const auto records = search.storage().records();
  BOOST_TEST(records[1].trial.intermediate.empty());  // the stopped attempt's values are gone
  BOOST_TEST(records[1].attempts == 2);
}

BOOST_AUTO_TEST_CASE(bad_options_and_another_study_change_nothing) {
  TempDir dir;
  {
    gz::HpoSearch search(options(dir, 1));
    search.run(quadratic);
  }
  const std::string before = read_text(dir / "study.db");
  auto o = options(dir, 1);
  o.study_name = "other";
  BOOST_CHECK_THROW(gz::HpoSearch{o}, gz::Error);
  o = options(dir, 1);
  o.space.add_int("batch", 8, 64);
  BOOST_CHECK_THROW(gz::HpoSearch{o}, gz::Error);
  BOOST_TEST((read_text(dir / "study.db") == before));
  o = options(dir, 0);
  BOOST_CHECK_THROW(gz::HpoSearch{o}, gz::Error);
  o = options(dir, 1);
  o.grace_seconds = o.heartbeat_seconds;
  BOOST_CHECK_THROW(gz::HpoSearch{o}, gz::Error);
  o = options(dir, 1);
  o.sampler = "bayes";
  BOOST_CHECK_THROW(gz::HpoSearch{o}, gz::Error);
}

BOOST_AUTO_TEST_CASE(two_worker_processes_share_a_study) {
  TempDir dir;
  const auto o = options(dir, 24);
  // Create the study first, as the first of many workers would.
  gz::HpoSearch(o).storage();
  gz::testing::check_two_workers_share_a_study(o, dir / "calls.log");
  BOOST_TEST(integrity(dir / "study.db") == "ok");
}

BOOST_AUTO_TEST_CASE(a_killed_workers_trial_is_re_run_and_finished_ones_are_not) {
  TempDir dir;
  const auto log = dir / "calls.log";
  const auto marker = dir / "trial2.started";
  const auto o = options(dir, 4);
  const pid_t child = spawn([&] {
    gz::HpoSearch search(o);
    search.run([&](gz::TrialContext& t) {
      append_line(log, std::to_string(t.number()) + " " + gz::to_string(t.param("x")));
      if (t.number() == 2) {
        t.report(0, 1.0);
        append_line(marker, "x");
        std::this_thread::sleep_for(std::chrono::seconds(60));  // killed here
      }
      return quadratic(t);
    });
  });
  for (int i = 0; i < 600 && !std::filesystem::exists(marker); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  BOOST_REQUIRE(std::filesystem::exists(marker));
  kill(child, SIGKILL);
  const int status = wait_for(child);
  BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));

  std::map<std::int64_t, std::string> first_params;
  for (const auto& line : lines(log))
    first_params[std::stoll(line)] = line.substr(line.find(' ') + 1);
  BOOST_REQUIRE_EQUAL(first_params.size(), 3u);
  {
    auto storage = gz::open_storage(o.storage);
    storage->open_study({o.study_name, o.space, "random"});
    const auto records = storage->records();
    BOOST_REQUIRE_EQUAL(records.size(), 3u);
    BOOST_TEST((records[2].trial.state == gz::TrialState::running));
    BOOST_TEST(records[2].trial.intermediate.size() == 1u);
  }
  // The restarted search re-runs trial 2 at once (its worker process is gone, so there
  // is no grace period to wait for), then runs trial 3.
  std::filesystem::remove(log);
  auto patient = o;
  patient.grace_seconds = 3600;
  gz::HpoSearch search(patient);
  const auto r = search.run([&](gz::TrialContext& t) {
    append_line(log, std::to_string(t.number()) + " " + gz::to_string(t.param("x")));
    return quadratic(t);
  });
  BOOST_TEST(r.resumed == 1);
  BOOST_TEST(r.complete == 2);
  const auto rerun = lines(log);
  BOOST_REQUIRE_EQUAL(rerun.size(), 2u);
  BOOST_TEST(rerun[0] == "2 " + first_params[2]);  // same number, same parameters
  BOOST_TEST(rerun[1].rfind("3 ", 0) == 0u);
  const auto records = search.storage().records();
  BOOST_REQUIRE_EQUAL(records.size(), 4u);
  BOOST_TEST(records[0].attempts == 1);
  BOOST_TEST(records[1].attempts == 1);
  BOOST_TEST(records[2].attempts == 2);
  BOOST_TEST(records[2].trial.intermediate.empty());
  for (const auto& rec : records) BOOST_TEST((rec.trial.state == gz::TrialState::complete));
  BOOST_TEST(integrity(dir / "study.db") == "ok");
}
