#define BOOST_TEST_MODULE galaxy_workflow
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/workflow/galaxy_workflow.hpp>

#include <filesystem>
#include <sstream>

#include "kaggle_fixture.hpp"

// The whole workflow on generated data runs in the example test
// (tests/examples/run_workflow_cli.sh: artefacts, wall-time restarts, skipped and
// re-run steps). Here: what can be checked in a second.

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

gz::GalaxyWorkflowOptions options_in(const TempDir& dir) {
  gz::GalaxyWorkflowOptions o;
  o.data_path = dir / "data";
  o.work_dir = dir / "work";
  o.image_size = 32;
  o.epochs = 1;
  return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_options_are_refused_before_anything_is_written) {
  TempDir dir;
  const auto refused = [&](auto change) {
    auto o = options_in(dir);
    change(o);
    BOOST_CHECK_THROW(gz::run_galaxy_workflow(o), gz::Error);
    BOOST_TEST(!std::filesystem::exists(dir / "work"));
  };
  refused([](auto& o) { o.image_size = 48; });
  refused([](auto& o) { o.epochs = 0; });
  refused([](auto& o) { o.trials = 0; });
  refused([](auto& o) { o.batch_size = 0; });
  refused([](auto& o) { o.max_img = {1, 2, 3}; });
  refused([](auto& o) { o.max_img = {1, 2, 3, 4, -5}; });
  refused([](auto& o) { o.maxwalltime_minutes = -1; });
  refused([](auto& o) { o.device = "gpu"; });
}

BOOST_AUTO_TEST_CASE(a_missing_data_folder_is_an_error_naming_it) {
  TempDir dir;
  try {
    gz::run_galaxy_workflow(options_in(dir));
    BOOST_FAIL("expected an error");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find((dir / "data").string()) != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(a_stop_requested_before_the_start_runs_nothing) {
  TempDir dir;
  auto o = options_in(dir);
  std::ostringstream progress;
  o.progress = &progress;
  gz::request_stop();
  const auto result = gz::run_galaxy_workflow(o);
  gz::clear_stop_request();
  BOOST_TEST(!result.finished);
  BOOST_TEST(result.steps.size() == 7u);
  for (const auto& step : result.steps)
    BOOST_TEST((step.status == gz::StepStatus::not_reached), step.name);
  BOOST_TEST(progress.str().find("run the same command again") != std::string::npos);
  BOOST_TEST(!std::filesystem::exists(dir / "work" / "workflow_summary.json"));
}
