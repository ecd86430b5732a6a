#define BOOST_TEST_MODULE sqlite_storage
#include <boost/test/unit_test.hpp>

#include <sqlite3.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/sqlite_storage.hpp>
#include <galaxyzoo/hpo/study_storage.hpp>

#include <memory>
#include <utility>

#include "kaggle_fixture.hpp"
#include "study_storage_checks.hpp"

namespace gz = galaxyzoo;
using gz::testing::check_error;
using gz::testing::claim_options;
using gz::testing::CountingSampler;
using gz::testing::read_text;
using gz::testing::study_config;
using gz::testing::study_space;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

class BadSampler : public gz::Sampler {
 public:
  gz::Assignment sample(const gz::SearchSpace&, const std::vector<gz::Trial>&,
                        std::int64_t) const override {
    return {{"layer", std::int64_t{1000}}, {"lr", 1e-4}, {"name", std::string("a")}};
  }
  std::string name() const override { return "bad"; }
};

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

}  // namespace

BOOST_AUTO_TEST_CASE(claims_up_to_the_total_and_stores_everything) {
  TempDir dir;
  const auto file = dir / "study.db";
  bool first = true;
  gz::testing::check_claims_up_to_the_total([&]() -> std::unique_ptr<gz::StudyStorage> {
    // First the class itself, then through a URL.
    if (std::exchange(first, false)) return std::make_unique<gz::SqliteStorage>(file);
    return gz::open_storage("sqlite:///" + file.string());
  });
}

BOOST_AUTO_TEST_CASE(a_stale_trial_is_taken_over_with_the_same_parameters) {
  TempDir dir;
  gz::SqliteStorage a(dir / "study.db"), b(dir / "study.db");
  gz::testing::check_stale_take_over(a, b);
}

BOOST_AUTO_TEST_CASE(a_trial_whose_worker_process_exited_is_taken_over_at_once) {
  TempDir dir;
  gz::SqliteStorage s(dir / "study.db");
  gz::testing::check_exited_worker_take_over(s);
}

BOOST_AUTO_TEST_CASE(a_released_trial_is_claimed_again_at_once) {
  TempDir dir;
  CountingSampler sampler;
  gz::SqliteStorage storage(dir / "study.db");
  storage.open_study(study_config());
  const auto c = storage.claim_trial(claim_options(1, "A"), sampler);
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(!storage.release_trial(0, "B"));
  BOOST_TEST(storage.release_trial(0, "A"));
  const auto again = storage.claim_trial(claim_options(1, "B", /*grace=*/3600), sampler);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST(again->trial.number == 0);
  BOOST_TEST(again->resumed);
}

BOOST_AUTO_TEST_CASE(parameters_outside_the_space_are_refused) {
  TempDir dir;
  gz::SqliteStorage storage(dir / "study.db");
  storage.open_study(study_config());
  check_error([&] { storage.claim_trial(claim_options(1), BadSampler()); },
              "outside the study's search space");
  BOOST_TEST(storage.records().empty());  // rolled back
}

BOOST_AUTO_TEST_CASE(another_study_space_or_schema_is_refused_without_change) {
  TempDir dir;
  const auto file = dir / "study.db";
  CountingSampler sampler;
  {
    gz::SqliteStorage storage(file);
    storage.open_study(study_config());
    storage.claim_trial(claim_options(1), sampler);
    storage.finish_trial(0, "w1", gz::TrialState::complete, 0.5);
  }
  const std::string before = read_text(file);
  auto other_space = study_space();
  other_space.add_float("momentum", 0.5, 0.99);
  check_error([&] { gz::SqliteStorage(file).open_study(study_config("s2")); },
              "holds study 's1', not 's2'");
  check_error(
      [&] {
        gz::SqliteStorage(file).open_study({"s1", other_space, "counting"});
      },
      "another search space (new parameter 'momentum')");
  BOOST_TEST((read_text(file) == before));

  sql(file, "UPDATE galaxyzoo_meta SET value = '99' WHERE key = 'schema_version'");
  const std::string version99 = read_text(file);
  check_error([&] { gz::SqliteStorage(file).open_study(study_config()); }, "schema version 99");
  BOOST_TEST((read_text(file) == version99));
  // Another program's database.
  sql(dir / "other.db", "CREATE TABLE things (x INTEGER); INSERT INTO things VALUES (1);");
  const std::string other = read_text(dir / "other.db");
  check_error([&] { gz::SqliteStorage(dir / "other.db").open_study(study_config()); },
              "not a galaxyzoo study");
  BOOST_TEST((read_text(dir / "other.db") == other));
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_sqlite_is_a_clear_error) {
  TempDir dir;
  const std::string garbage(4096, 'x');
  write_text(dir / "junk.db", "This is not a database.\n" + garbage);
  check_error(
      [&] { gz::open_storage((dir / "junk.db").string())->open_study(study_config()); },
      "junk.db': not a valid SQLite database (file is not a database); there is no previous copy");
  BOOST_CHECK_THROW(gz::SqliteStorage(dir / "junk.db"), gz::CorruptFileError);
  BOOST_TEST((read_text(dir / "junk.db") == "This is not a database.\n" + garbage));
  // A truncated study: the header survives, the pages do not.
  {
    gz::SqliteStorage storage(dir / "cut.db");
    storage.open_study(study_config());
  }
  const std::string whole = read_text(dir / "cut.db");
  write_text(dir / "cut.db", whole.substr(0, 100) + std::string(whole.size() - 100, '\x5a'));
  BOOST_CHECK_THROW(gz::SqliteStorage(dir / "cut.db").open_study(study_config()),
                    gz::CorruptFileError);
  BOOST_CHECK_THROW(gz::SqliteStorage(dir.path()), gz::IoError);
}

BOOST_AUTO_TEST_CASE(a_damaged_study_continues_from_the_copy_after_the_last_finished_trial) {
  TempDir dir;
  const auto file = dir / "study.db";
  CountingSampler sampler;
  {
    gz::SqliteStorage storage(file);
    storage.open_study(study_config());
    for (std::int64_t n = 0; n < 2; ++n) {
      BOOST_REQUIRE(storage.claim_trial(claim_options(4), sampler));
      BOOST_REQUIRE(
          storage.finish_trial(n, "w1", gz::TrialState::complete, 0.5 + static_cast<double>(n)));
    }
    BOOST_REQUIRE(storage.claim_trial(claim_options(4), sampler));  // trial 2, running
    BOOST_TEST(storage.recovery_notice().empty());
  }
  BOOST_REQUIRE(std::filesystem::exists(gz::previous_study_copy(file)));
  const std::string whole = read_text(file);
  // Each kind of damage: truncated to half, random bytes after the first page (bytes in
  // a page's free space would harm nothing, and SQLite rightly finds nothing), all
  // zeros, nothing at all.
  std::string scrambled = whole;
  for (std::size_t i = 4096; i < whole.size(); ++i) scrambled[i] = static_cast<char>(i * 131 % 251);
  for (const std::string& damaged : {whole.substr(0, whole.size() / 2), scrambled,
                                     std::string(whole.size(), '\0'), std::string()}) {
    write_text(file, damaged);
    gz::SqliteStorage storage(file);
    BOOST_TEST(storage.recovery_notice().find("continued from its copy") != std::string::npos,
               storage.recovery_notice());
    BOOST_TEST(storage.recovery_notice().find("study.db.damaged") != std::string::npos);
    BOOST_TEST((read_text(dir / "study.db.damaged") == damaged));
    storage.open_study(study_config());
    const auto records = storage.records();
    BOOST_REQUIRE_EQUAL(records.size(), 2u);  // the running trial 2 came after the copy
    BOOST_TEST(*records[1].trial.value == 1.5);
    BOOST_TEST(storage.claim_trial(claim_options(4), sampler)->trial.number == 2);
  }
  // The previous copy damaged too: a clear error, nothing replaced.
  write_text(file, "garbage");
  write_text(gz::previous_study_copy(file), "garbage");
  check_error([&] { gz::SqliteStorage storage(file); }, "its previous copy is");
  BOOST_TEST(read_text(file) == "garbage");
  // Without previous copies, nothing to fall back to.
  gz::SqliteStorageOptions no_copies;
  no_copies.keep_previous = false;
  {
    gz::SqliteStorage storage(dir / "plain.db", no_copies);
    storage.open_study(study_config());
    storage.claim_trial(claim_options(4), sampler);
    storage.finish_trial(0, "w1", gz::TrialState::complete, 0.5);
  }
  BOOST_TEST(!std::filesystem::exists(gz::previous_study_copy(dir / "plain.db")));
}

BOOST_AUTO_TEST_CASE(rollback_journal_mode) {
  TempDir dir;
  gz::SqliteStorageOptions options;
  options.wal = false;
  options.synchronous_full = true;
  CountingSampler sampler;
  gz::SqliteStorage storage(dir / "study.db", options);
  storage.open_study(study_config());
  BOOST_REQUIRE(storage.claim_trial(claim_options(1), sampler).has_value());
  BOOST_TEST(storage.finish_trial(0, "w1", gz::TrialState::complete, 1.0));
  BOOST_TEST(!std::filesystem::exists(dir / "study.db-wal"));
  BOOST_TEST(storage.records().size() == 1u);
}
