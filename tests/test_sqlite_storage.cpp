#define BOOST_TEST_MODULE sqlite_storage
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/error.hpp>
#include <galaxyzoo/sqlite_storage.hpp>
#include <galaxyzoo/study_storage.hpp>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::read_text;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

gz::SearchSpace space() {
  gz::SearchSpace s;
  s.add_int("layer", 0, 100);
  s.add_float("lr", 1e-6, 1e-2, /*log=*/true);
  s.add_categorical("name", {std::string("a"), std::string("b")});
  return s;
}

// Trial n gets layer n, lr 1e-4 and name "a" or "b"; records how many trials it saw.
class CountingSampler : public gz::Sampler {
 public:
  gz::Assignment sample(const gz::SearchSpace&, const std::vector<gz::Trial>& trials, std::int64_t number) const override {
    seen = trials.size();
    return {{"layer", number}, {"lr", 1e-4}, {"name", std::string(number % 2 ? "b" : "a")}};
  }
  std::string name() const override { return "counting"; }
  mutable std::size_t seen = 0;
};

class BadSampler : public gz::Sampler {
 public:
  gz::Assignment sample(const gz::SearchSpace&, const std::vector<gz::Trial>&, std::int64_t) const override {
    return {{"layer", std::int64_t{1000}}, {"lr", 1e-4}, {"name", std::string("a")}};
  }
  std::string name() const override { return "bad"; }
};

gz::StudyConfig config(const std::string& name = "s1") { return {name, space(), "counting"}; }

gz::ClaimOptions claim(std::int64_t total, const std::string& worker = "w1", double grace = 3600) {
  gz::ClaimOptions o;
  o.total_trials = total;
  o.worker = worker;
  o.grace_seconds = grace;
  return o;
}

void sql(const std::filesystem::path& file, const std::string& statement) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE_EQUAL(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

template <typename F>
void check_error(F f, const std::string& fragment) {
  try {
    f();
    BOOST_ERROR("expected an error containing '" << fragment << "'");
  } catch (const gz::Error& e) {
    BOOST_TEST_MESSAGE(e.what());
    BOOST_TEST(std::string(e.what()).find(fragment) != std::string::npos, e.what());
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(claims_up_to_the_total_and_stores_everything) {
  TempDir dir;
  const auto file = dir / "study.db";
  CountingSampler sampler;
  {
    gz::SqliteStorage storage(file);
    storage.open_study(config());
    for (std::int64_t n = 0; n < 3; ++n) {
      const auto c = storage.claim_trial(claim(3), sampler);
      BOOST_REQUIRE(c.has_value());
      BOOST_TEST(c->trial.number == n);
      BOOST_TEST(!c->resumed);
      BOOST_TEST(std::get<std::int64_t>(c->trial.params.at("layer")) == n);
      BOOST_TEST(sampler.seen == static_cast<std::size_t>(n));
    }
    // Three running trials: nothing left to claim.
    BOOST_TEST(!storage.claim_trial(claim(3), sampler).has_value());
    BOOST_TEST(storage.report(0, "w1", 0, 0.9));
    BOOST_TEST(storage.report(0, "w1", 1, 0.7));
    BOOST_TEST(storage.report(0, "w1", 1, 0.6));  // replaces step 1
    BOOST_TEST(storage.finish_trial(0, "w1", gz::TrialState::complete, 0.6));
    BOOST_TEST(storage.finish_trial(1, "w1", gz::TrialState::pruned, 0.8));
    BOOST_TEST(storage.finish_trial(2, "w1", gz::TrialState::failed, std::nullopt, "boom"));
    BOOST_TEST(!storage.finish_trial(2, "w1", gz::TrialState::complete, 1.0));  // already finished
    BOOST_CHECK_THROW(storage.finish_trial(2, "w1", gz::TrialState::running, 1.0), gz::Error);
    // The failed trial does not count: one more.
    const auto c = storage.claim_trial(claim(3), sampler);
    BOOST_REQUIRE(c.has_value());
    BOOST_TEST(c->trial.number == 3);
    BOOST_TEST(storage.finish_trial(3, "w1", gz::TrialState::complete, 0.5));
    BOOST_TEST(!storage.claim_trial(claim(3), sampler).has_value());
    BOOST_TEST(storage.claim_trial(claim(4), sampler).has_value());
  }
  // Everything is in the file, typed as it was.
  auto storage = gz::open_storage("sqlite:///" + file.string());
  storage->open_study(config());
  BOOST_TEST(storage->study().name == "s1");
  BOOST_TEST(storage->study().sampler == "counting");
  BOOST_TEST((storage->study().space == space()));
  const auto records = storage->records();
  BOOST_REQUIRE_EQUAL(records.size(), 5u);
  BOOST_TEST((records[0].trial.state == gz::TrialState::complete));
  BOOST_TEST(*records[0].trial.value == 0.6);
  BOOST_TEST(records[0].trial.intermediate.size() == 2u);
  BOOST_TEST(records[0].trial.intermediate.at(1) == 0.6);
  BOOST_TEST(std::get<double>(records[0].trial.params.at("lr")) == 1e-4);
  BOOST_TEST(std::get<std::string>(records[1].trial.params.at("name")) == "b");
  BOOST_TEST((records[1].trial.state == gz::TrialState::pruned));
  BOOST_TEST((records[2].trial.state == gz::TrialState::failed));
  BOOST_TEST(!records[2].trial.value.has_value());
  BOOST_TEST(records[2].message == "boom");
  BOOST_TEST((records[4].trial.state == gz::TrialState::running));
  BOOST_TEST(records[0].finished_at >= records[0].started_at);
  BOOST_TEST(records[0].attempts == 1);
  BOOST_TEST(records[4].worker == "w1");
  const auto trials = storage->trials();
  BOOST_REQUIRE_EQUAL(trials.size(), 5u);
  for (std::size_t i = 0; i < trials.size(); ++i) {
    BOOST_TEST(trials[i].number == records[i].trial.number);
    BOOST_TEST((trials[i].state == records[i].trial.state));
    BOOST_TEST((trials[i].params == records[i].trial.params));
    BOOST_TEST((trials[i].intermediate == records[i].trial.intermediate));
  }
}

BOOST_AUTO_TEST_CASE(a_stale_trial_is_taken_over_with_the_same_parameters) {
  TempDir dir;
  CountingSampler sampler;
  gz::SqliteStorage a(dir / "study.db"), b(dir / "study.db");
  a.open_study(config());
  b.open_study(config());
  const auto first = a.claim_trial(claim(2, "A"), sampler);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(a.report(0, "A", 0, 1.5));
  BOOST_TEST(a.heartbeat(0, "A"));
  // Fresh heartbeat: B gets a new trial, not trial 0.
  const auto second = b.claim_trial(claim(2, "B", /*grace=*/3600), sampler);
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST(second->trial.number == 1);
  BOOST_TEST(!b.claim_trial(claim(2, "B", 3600), sampler).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  BOOST_TEST(b.heartbeat(1, "B"));
  // A's heartbeat is now older than 0.1 s: B takes trial 0 over.
  const auto taken = b.claim_trial(claim(2, "B", /*grace=*/0.1), sampler);
  BOOST_REQUIRE(taken.has_value());
  BOOST_TEST(taken->trial.number == 0);
  BOOST_TEST(taken->resumed);
  BOOST_TEST(taken->attempt == 2);
  BOOST_TEST((taken->trial.params == first->trial.params));
  // A no longer owns it: its calls change nothing.
  BOOST_TEST(!a.heartbeat(0, "A"));
  BOOST_TEST(!a.report(0, "A", 1, 9.0));
  BOOST_TEST(!a.finish_trial(0, "A", gz::TrialState::complete, 9.0));
  const auto records = b.records();
  BOOST_TEST(records[0].trial.intermediate.empty());  // cleared for the re-run
  BOOST_TEST(records[0].worker == "B");
  BOOST_TEST(records[0].attempts == 2);
  BOOST_TEST((records[0].trial.state == gz::TrialState::running));
  BOOST_TEST(b.finish_trial(0, "B", gz::TrialState::complete, 0.25));
  BOOST_TEST(*a.records()[0].trial.value == 0.25);
}

BOOST_AUTO_TEST_CASE(a_released_trial_is_claimed_again_at_once) {
  TempDir dir;
  CountingSampler sampler;
  gz::SqliteStorage storage(dir / "study.db");
  storage.open_study(config());
  const auto c = storage.claim_trial(claim(1, "A"), sampler);
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(!storage.release_trial(0, "B"));
  BOOST_TEST(storage.release_trial(0, "A"));
  const auto again = storage.claim_trial(claim(1, "B", /*grace=*/3600), sampler);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->trial.number == 0);
  BOOST_TEST(again->resumed);
}

BOOST_AUTO_TEST_CASE(parameters_outside_the_space_are_refused) {
  TempDir dir;
  gz::SqliteStorage storage(dir / "study.db");
  storage.open_study(config());
  check_error([&] { storage.claim_trial(claim(1), BadSampler()); }, "outside the study's search space");
  BOOST_TEST(storage.records().empty());  // rolled back
}

BOOST_AUTO_TEST_CASE(another_study_space_or_schema_is_refused_without_change) {
  TempDir dir;
  const auto file = dir / "study.db";
  CountingSampler sampler;
  {
    gz::SqliteStorage storage(file);
    storage.open_study(config());
    storage.claim_trial(claim(1), sampler);
    storage.finish_trial(0, "w1", gz::TrialState::complete, 0.5);
  }
  const std::string before = read_text(file);
  auto other_space = space();
  other_space.add_float("momentum", 0.5, 0.99);
  check_error([&] { gz::SqliteStorage(file).open_study(config("s2")); }, "holds study 's1', not 's2'");
  check_error([&] { gz::SqliteStorage(file).open_study({"s1", other_space, "counting"}); }, "another search space (new parameter 'momentum')");
  BOOST_TEST((read_text(file) == before));

  sql(file, "UPDATE galaxyzoo_meta SET value = '99' WHERE key = 'schema_version'");
  const std::string version99 = read_text(file);
  check_error([&] { gz::SqliteStorage(file).open_study(config()); }, "schema version 99");
  BOOST_TEST((read_text(file) == version99));
  // Another program's database.
  sql(dir / "other.db", "CREATE TABLE things (x INTEGER); INSERT INTO things VALUES (1);");
  const std::string other = read_text(dir / "other.db");
  check_error([&] { gz::SqliteStorage(dir / "other.db").open_study(config()); }, "not a galaxyzoo study");
  BOOST_TEST((read_text(dir / "other.db") == other));
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_sqlite_is_a_clear_error) {
  TempDir dir;
  const std::string garbage(4096, 'x');
  write_text(dir / "junk.db", "This is not a database.\n" + garbage);
  check_error([&] { gz::open_storage((dir / "junk.db").string())->open_study(config()); }, "is not a valid SQLite database");
  BOOST_TEST((read_text(dir / "junk.db") == "This is not a database.\n" + garbage));
  // A truncated study: the header survives, the pages do not.
  {
    gz::SqliteStorage storage(dir / "cut.db");
    storage.open_study(config());
  }
  const std::string whole = read_text(dir / "cut.db");
  write_text(dir / "cut.db", whole.substr(0, 100) + std::string(whole.size() - 100, '\x5a'));
  BOOST_CHECK_THROW(gz::SqliteStorage(dir / "cut.db").open_study(config()), gz::Error);
  BOOST_CHECK_THROW(gz::SqliteStorage(dir.path()), gz::IoError);
}

BOOST_AUTO_TEST_CASE(rollback_journal_mode) {
  TempDir dir;
  gz::SqliteStorageOptions options;
  options.wal = false;
  options.synchronous_full = true;
  CountingSampler sampler;
  gz::SqliteStorage storage(dir / "study.db", options);
  storage.open_study(config());
  BOOST_REQUIRE(storage.claim_trial(claim(1), sampler).has_value());
  BOOST_TEST(storage.finish_trial(0, "w1", gz::TrialState::complete, 1.0));
  BOOST_TEST(!std::filesystem::exists(dir / "study.db-wal"));
  BOOST_TEST(storage.records().size() == 1u);
}
