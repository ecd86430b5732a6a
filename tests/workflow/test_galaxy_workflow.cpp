#define BOOST_TEST_MODULE galaxy_workflow
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/workflow/galaxy_workflow.hpp>

#include <filesystem>
#include <string>
#include <vector>

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
  refused([](auto& o) { o.split_rng = gz::SplitRng::numpy; });  // needs stratified = false
  refused([](auto& o) { o.preprocess_quality = 0; });
  refused([](auto& o) { o.crop_size = 0; });
  refused([](auto& o) { o.augment_quality = 101; });
  refused([](auto& o) { o.augment_window_first = 206; });
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
  std::vector<std::string> lines;
  o.on_message = [&](const std::string& line) { lines.push_back(line); };
  gz::request_stop();
  const auto result = gz::run_galaxy_workflow(o);
  gz::clear_stop_request();
  BOOST_TEST(!result.finished);
  BOOST_TEST(result.steps.size() == 7u);
  for (const auto& step : result.steps)
    BOOST_TEST((step.status == gz::StepStatus::not_reached), step.name);
  // Without weights: the note on training from scratch, a line per step, the note on
  // stopping; each a line ending in a line break.
  BOOST_TEST_REQUIRE(lines.size() == 9u);
  BOOST_TEST(lines[0].rfind("No ImageNet weights: VGG16 trains from its Kaiming", 0) == 0u);
  BOOST_TEST(lines[0].find("(see README)\n") == lines[0].size() - 13);
  BOOST_TEST(lines[1] == "[create_dataset] not reached     0.0 s  \n");
  BOOST_TEST(lines[7] == "[eval_model] not reached     0.0 s  \n");
  BOOST_TEST(lines[8] == "Stopped before the end; run the same command again to continue.\n");
  BOOST_TEST(!std::filesystem::exists(dir / "work" / "workflow_summary.json"));
}

BOOST_AUTO_TEST_CASE(without_on_message_it_is_silent) {
  TempDir dir;
  gz::request_stop();
  const auto result = gz::run_galaxy_workflow(options_in(dir));  // no callback to call
  gz::clear_stop_request();
  BOOST_TEST(!result.finished);
  BOOST_TEST(result.summary.empty());
}

BOOST_AUTO_TEST_CASE(the_steps_are_the_original_s_in_order) {
  TempDir dir;
  gz::request_stop();
  const auto result = gz::run_galaxy_workflow(options_in(dir));
  gz::clear_stop_request();
  std::vector<std::string> names;
  for (const auto& step : result.steps) names.push_back(step.name);
  const std::vector<std::string> expected{"create_dataset",  "preprocess", "augment_class_2",
                                          "augment_class_3", "vgg16_hpo",  "train_model",
                                          "eval_model"};
  BOOST_TEST(names == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_paths_are_under_the_work_folder) {
  const gz::GalaxyWorkflowPaths paths("work");
  namespace fs = std::filesystem;
  BOOST_TEST(paths.work == fs::path("work"));
  BOOST_TEST(paths.dataset == fs::path("work/full_galaxy_dataset"));
  BOOST_TEST(paths.manifest == fs::path("work/full_galaxy_dataset/manifest.csv"));
  BOOST_TEST(paths.preprocessed == fs::path("work/preprocessed"));
  BOOST_TEST(paths.hpo == fs::path("work/hpo"));
  BOOST_TEST(paths.hpo_database == fs::path("work/hpo/hpo_galaxy_vgg16.db"));
  BOOST_TEST(paths.best_params == fs::path("work/hpo/best_vgg16_hpo_params.txt"));
  BOOST_TEST(paths.trials_table == fs::path("work/hpo/vgg16_hpo_trials.csv"));
  BOOST_TEST(paths.model == fs::path("work/model"));
  BOOST_TEST(paths.model_file == fs::path("work/model/final_vgg16_model.pt"));
  BOOST_TEST(paths.evaluation == fs::path("work/evaluation"));
  BOOST_TEST(paths.summary_file == fs::path("work/workflow_summary.json"));
  BOOST_TEST(paths.record_dir == fs::path("work/.galaxyzoo-workflow"));
}
