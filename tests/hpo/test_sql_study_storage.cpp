#define BOOST_TEST_MODULE sql_study_storage
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/hpo/sql_study_storage.hpp>
#include <galaxyzoo/hpo/sqlite_storage.hpp>

#include "kaggle_fixture.hpp"
#include "study_storage_checks.hpp"

namespace gz = galaxyzoo;
using gz::testing::claim_options;
using gz::testing::CountingSampler;
using gz::testing::study_config;

namespace {

// A backend that never hands over its protocol: every call must fail clearly.
class NoConnection : public gz::SqlStudyStorage {};

}  // namespace

BOOST_AUTO_TEST_CASE(a_backend_runs_the_shared_protocol) {
  gz::testing::TempDir dir;
  std::unique_ptr<gz::SqlStudyStorage> storage =
      std::make_unique<gz::SqliteStorage>(dir.path() / "study.db");
  CountingSampler sampler;
  storage->open_study(study_config());
  BOOST_TEST(storage->study().name == "s1");
  const auto claimed = storage->claim_trial(claim_options(2), sampler);
  BOOST_REQUIRE(claimed.has_value());
  BOOST_TEST(claimed->trial.number == 0);
  BOOST_TEST(storage->heartbeat(0, "w1"));
  BOOST_TEST(storage->report(0, "w1", 0, 0.5));
  BOOST_TEST(storage->finish_trial(0, "w1", gz::TrialState::complete, 0.5));
  BOOST_TEST(!storage->release_trial(0, "w1"));  // finished: nothing to release
  const auto trials = storage->trials();
  BOOST_REQUIRE(trials.size() == 1u);
  BOOST_TEST(*trials[0].value == 0.5);
  BOOST_TEST(storage->records().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_backend_without_a_connection_is_an_error) {
  NoConnection storage;
  CountingSampler sampler;
  BOOST_CHECK_THROW(storage.open_study(study_config()), gz::Error);
  BOOST_CHECK_THROW(storage.claim_trial(claim_options(1), sampler), gz::Error);
  BOOST_CHECK_THROW(storage.trials(), gz::Error);
}
