#define BOOST_TEST_MODULE galaxy_steps
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/model/device.hpp"
#include "galaxyzoo/workflow/galaxy_steps.hpp"
#include "kaggle_fixture.hpp"

// The steps' names, needs and inputs decide which steps a run skips: a change in any of
// them re-runs the steps of every work folder. These tests pin them.

namespace gz = galaxyzoo;
namespace fs = std::filesystem;
using Values = std::map<std::string, std::string>;

namespace {

const torch::Device kCpu(torch::kCPU);

gz::GalaxyWorkflowOptions options_with(const std::string& weights = "") {
  gz::GalaxyWorkflowOptions o;
  o.data_path = "data";  // relative and missing: the file inputs are "missing"
  o.work_dir = "work";
  o.weights = weights;
  return o;
}

// The inputs every training step has, training from scratch or from ImageNet weights;
// from scratch with the recipe's
// (from_scratch_recipe(): soft targets, BatchNorm recalibration, warm-up and a cosine that
// ends at the final training's last epoch).
Values training_inputs(bool scratch) {
  Values v = {{"image_size", "256"},
              {"brightness_min", scratch ? "0.80000000000000004" : "0"},
              {"brightness_max", "1.2"},
              {"contrast_min", scratch ? "0.80000000000000004" : "0.20000000000000001"},
              {"contrast_max", scratch ? "1.2" : "1.8"},
              {"rotations", scratch ? "yes" : "no"},
              {"batch_size", "32"},
              {"patience", "4"},
              {"seed", "10"},
              {scratch ? "file:" : "file:vgg16.pth", "missing"}};
  if (scratch) {
    v["soft_targets"] = "yes";
    v["recalibrate_batchnorm"] = "yes";
    v["label_smoothing"] = "0";
    v["weight_decay"] = "0";
    v["schedule"] = "warm-up 1 epochs, cosine to 0 at epoch 10";
  }
  return v;
}

const gz::WorkflowStep& step_named(const std::vector<gz::WorkflowStep>& steps,
                                   const std::string& name) {
  for (const auto& step : steps) {
    if (step.name == name) return step;
  }
  BOOST_FAIL("no step " << name);
  return steps.front();
}

// Checks the inputs of vgg16_hpo (with @p hpo_epochs and @p space) and train_model.
void check_training_steps(const gz::GalaxyWorkflowOptions& o, bool scratch,
                          const std::string& hpo_epochs, const gz::SearchSpace& space) {
  const auto context = gz::galaxy_step_context(o, kCpu);
  const auto steps = gz::galaxy_workflow_steps(context);
  Values hpo = training_inputs(scratch);
  hpo["epochs"] = hpo_epochs;
  hpo["trials"] = "1";
  hpo["sampler"] = "tpe";
  hpo["pruner"] = "none";
  hpo["space"] = space.to_json();
  BOOST_TEST(step_named(steps, "vgg16_hpo").inputs.values() == hpo);
  Values train = training_inputs(scratch);
  train["epochs"] = "10";
  BOOST_TEST(step_named(steps, "train_model").inputs.values() == train);
}

}  // namespace

BOOST_AUTO_TEST_CASE(seven_steps_in_order_each_after_what_it_needs) {
  const auto context = gz::galaxy_step_context(options_with(), kCpu);
  const auto steps = gz::galaxy_workflow_steps(context);
  const std::vector<std::pair<std::string, std::vector<std::string>>> expected{
      {"create_dataset", {}},
      {"preprocess", {"create_dataset"}},
      {"augment_class_2", {"preprocess"}},
      {"augment_class_3", {"preprocess"}},
      {"vgg16_hpo", {"augment_class_2", "augment_class_3"}},
      {"train_model", {"vgg16_hpo"}},
      {"eval_model", {"train_model"}}};
  BOOST_TEST_REQUIRE(steps.size() == expected.size());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    BOOST_TEST(steps[i].name == expected[i].first);
    BOOST_TEST(steps[i].needs == expected[i].second, boost::test_tools::per_element());
    BOOST_TEST(static_cast<bool>(steps[i].run), steps[i].name);
    BOOST_TEST(static_cast<bool>(steps[i].clean), steps[i].name);
  }
}

BOOST_AUTO_TEST_CASE(the_data_steps_inputs) {
  const auto context = gz::galaxy_step_context(options_with(), kCpu);
  const auto steps = gz::galaxy_workflow_steps(context);
  const Values create{{"file:data/training_solutions_rev1.csv", "missing"},
                      {"file:data/images_training_rev1", "missing"},
                      {"seed", "10"},
                      {"stratified", "yes"},
                      {"max_img", ""}};
  BOOST_TEST(step_named(steps, "create_dataset").inputs.values() == create);
  const Values preprocess{{"crop_size", "256"}, {"quality", "75"}};
  BOOST_TEST(step_named(steps, "preprocess").inputs.values() == preprocess);
  const Values class_2{{"num", "7000"},
                       {"seed", "10"},
                       {"quality", "95"},
                       {"window", "50,205"},
                       {"resampling", "area"}};
  BOOST_TEST(step_named(steps, "augment_class_2").inputs.values() == class_2);
  const Values class_3{{"num", "4000"},
                       {"seed", "10"},
                       {"quality", "95"},
                       {"window", "50,205"},
                       {"resampling", "area"}};
  BOOST_TEST(step_named(steps, "augment_class_3").inputs.values() == class_3);
  const Values evaluation{{"tta", "no"}, {"batch_size", "32"}};
  BOOST_TEST(step_named(steps, "eval_model").inputs.values() == evaluation);
}

BOOST_AUTO_TEST_CASE(options_reach_the_data_steps_inputs_and_options) {
  auto o = options_with();
  o.num_workers = 3;
  o.augment_window_first = 40;
  o.max_img = {5, 4, 3, 2, 1};
  o.stratified = false;
  o.seed = 7;
  o.num_class_3 = 0;
  o.tta = true;
  o.split_rng = gz::SplitRng::numpy;
  o.preprocess_quality = 90;
  o.crop_size = 128;
  o.augment_quality = 80;
  o.augment_window_last = 204;
  o.augment_resampling = gz::Resampling::lanczos3;
  o.refit = true;
  const auto context = gz::galaxy_step_context(o, kCpu);
  const auto steps = gz::galaxy_workflow_steps(context);
  BOOST_TEST(step_named(steps, "preprocess").inputs.values().at("quality") == "90");
  BOOST_TEST(step_named(steps, "preprocess").inputs.values().at("crop_size") == "128");
  const auto& augment = step_named(steps, "augment_class_2").inputs.values();
  BOOST_TEST(augment.at("quality") == "80");
  BOOST_TEST(augment.at("window") == "40,204");
  BOOST_TEST(augment.at("resampling") == "lanczos3");
  BOOST_TEST(step_named(steps, "train_model").inputs.values().at("refit") == "yes");
  const auto& create = step_named(steps, "create_dataset").inputs.values();
  BOOST_TEST(create.at("max_img") == "5,4,3,2,1");
  BOOST_TEST(create.at("stratified") == "no");
  BOOST_TEST(create.at("seed") == "7");
  BOOST_TEST(create.at("split_rng") == "numpy");
  BOOST_TEST(step_named(steps, "augment_class_3").inputs.values().at("num") == "0");
  BOOST_TEST(step_named(steps, "eval_model").inputs.values().at("tta") == "yes");
  // What the image steps run with.
  const gz::PreprocessOptions p = gz::preprocess_options(o);
  BOOST_TEST((std::tuple(p.num_workers, p.jpeg_quality, p.crop_size) == std::tuple(3, 90, 128)));
  const gz::AugmenterOptions a = gz::augmenter_options(o);
  BOOST_TEST((std::tuple(a.seed, a.num_workers, a.jpeg_quality, a.window_first, a.window_last) ==
              std::tuple(std::uint64_t{7}, 3, 80, 40, 204)));
  BOOST_TEST((a.resampling == gz::Resampling::lanczos3));
}

BOOST_AUTO_TEST_CASE(training_steps_from_scratch) {
  auto o = options_with();
  o.hpo_epochs = 3;
  check_training_steps(o, true, "3", gz::SearchSpace::vgg16_from_scratch());
}

BOOST_AUTO_TEST_CASE(training_steps_with_weights_keep_the_original_s_jitter_and_space) {
  // hpo_epochs 0: the search's trials run the final training's epochs.
  check_training_steps(options_with("vgg16.pth"), false, "10", gz::SearchSpace::vgg16_default());
}

BOOST_AUTO_TEST_CASE(the_context_shares_paths_space_and_training_options) {
  auto o = options_with();
  o.num_workers = 0;
  o.seed = 3;
  o.patience = 2;
  o.batch_size = 8;
  o.cache_mb = 64;
  const auto context = gz::galaxy_step_context(o, kCpu);
  BOOST_TEST(context.paths.work == fs::path("work"));
  BOOST_TEST(context.hpo_epochs == 10);
  BOOST_TEST(context.space.to_json() == gz::SearchSpace::vgg16_from_scratch().to_json());
  BOOST_TEST(context.base.data == fs::path("work/preprocessed"));
  BOOST_TEST(context.base.weights.empty());
  BOOST_TEST(context.base.loader.num_workers == 2);  // 0 (all cores for the image steps): 2 loaders
  BOOST_TEST(context.base.loader.batch_size == 8u);
  BOOST_TEST(context.base.loader.cache_bytes == 64u << 20);
  BOOST_TEST(context.base.trainer.seed == 3u);
  BOOST_TEST(context.base.trainer.patience == 2);
  BOOST_TEST(context.base.trainer.device == kCpu);
  o.num_workers = 5;
  BOOST_TEST(gz::galaxy_step_context(o, kCpu).base.loader.num_workers == 5);
}

BOOST_AUTO_TEST_CASE(a_search_space_file_that_is_missing_is_an_error) {
  auto o = options_with();
  o.space = "no-such-space.json";
  BOOST_CHECK_THROW(gz::galaxy_step_context(o, kCpu), gz::Error);
}

BOOST_AUTO_TEST_CASE(a_step_s_clean_removes_its_folder) {
  gz::testing::TempDir dir;
  auto o = options_with();
  o.work_dir = dir / "work";
  const auto context = gz::galaxy_step_context(o, kCpu);
  const auto steps = gz::galaxy_workflow_steps(context);
  gz::testing::write_text(context.paths.model / "final_vgg16_model.pt", "x");
  gz::testing::write_text(context.paths.evaluation / "metrics.json", "{}");
  step_named(steps, "train_model").clean();
  BOOST_TEST(!fs::exists(context.paths.model));
  BOOST_TEST(fs::exists(context.paths.evaluation));
  step_named(steps, "eval_model").clean();
  BOOST_TEST(!fs::exists(context.paths.evaluation));
}

BOOST_AUTO_TEST_CASE(no_augmentation_asked_for_writes_nothing) {
  gz::testing::TempDir dir;
  auto o = options_with();
  o.work_dir = dir / "work";
  o.num_class_2 = 0;
  const auto context = gz::galaxy_step_context(o, kCpu);
  const auto steps = gz::galaxy_workflow_steps(context);
  const gz::StepOutcome outcome = step_named(steps, "augment_class_2").run();
  BOOST_TEST(outcome.finished);
  BOOST_TEST(outcome.summary == "none asked for");
  BOOST_TEST(outcome.details == "{\"written\": 0}");
  BOOST_TEST(!fs::exists(context.paths.preprocessed));
}
