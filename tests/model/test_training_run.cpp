#define BOOST_TEST_MODULE training_run
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/event_log.hpp>
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/data/soft_targets.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/model/classifier_file.hpp>
#include <galaxyzoo/model/training_run.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

constexpr int kSize = 32;

// Two classes of flat-coloured noisy 32 x 32 images: 6 train and 2 val each.
void write_images(const std::filesystem::path& dir) {
  gz::testing::write_colour_classes(dir, /*classes=*/2, /*train=*/6, /*val=*/2, kSize);
}

// All parameters and buffers equal, bit for bit.
bool same_weights(const gz::VGG16Classifier& a, const gz::VGG16Classifier& b) {
  const auto pb = b->named_parameters();
  for (const auto& p : a->named_parameters()) {
    if (!torch::equal(p.value(), pb[p.key()])) return false;
  }
  const auto bb = b->named_buffers();
  for (const auto& x : a->named_buffers()) {
    if (!torch::equal(x.value(), bb[x.key()])) return false;
  }
  return true;
}

gz::TrainingRunOptions quick(const TempDir& dir) {
  gz::TrainingRunOptions o;
  o.data = dir / "data";
  o.output_dir = dir / "out";
  o.loader.image_size = kSize;
  o.loader.batch_size = 4;
  o.loader.num_workers = 1;
  o.params.layer = 26;
  o.params.lr_head = 1e-3;
  o.trainer.epochs = 2;
  return o;
}

// Writes the images into dir/data and trains @p epochs on them into dir/trial (as a search
// trial would); returns its checkpoint.
std::filesystem::path earlier_run(const TempDir& dir, std::int64_t epochs) {
  write_images(dir / "data");
  auto earlier = quick(dir);
  earlier.output_dir = dir / "trial";
  earlier.trainer.epochs = epochs;
  earlier.write_model = false;
  gz::run_training(earlier);
  return dir / "trial" / "checkpoint_vgg16.pt";
}

}  // namespace

BOOST_AUTO_TEST_CASE(writes_the_model_plot_and_history) {
  TempDir dir;
  write_images(dir / "data");
  const auto run = gz::run_training(quick(dir));
  BOOST_TEST(run.train_images == 12u);
  BOOST_TEST(run.val_images == 4u);
  BOOST_TEST(run.class_names.size() == 2u);
  BOOST_TEST(run.class_names[1] == "class 1");
  BOOST_TEST(run.training.history.size() == 2u);
  BOOST_TEST(!run.training.interrupted);
  for (const char* file :
       {"final_vgg16_model.pt", "checkpoint_vgg16.pt", "loss_vgg16.png", "history_vgg16.csv"}) {
    BOOST_TEST(std::filesystem::exists(dir / "out" / file), file);
  }
  // The saved model is the trained one, with its class names.
  auto loaded = gz::load_classifier(dir / "out" / "final_vgg16_model.pt");
  BOOST_TEST(loaded.class_names == run.class_names);
}

BOOST_AUTO_TEST_CASE(history_and_curves_are_on_disk_after_the_first_epoch) {
  TempDir dir;
  write_images(dir / "data");
  auto o = quick(dir);  // two epochs; stopped after the first
  o.trainer.on_epoch = [](const gz::EpochStats& e) {
    if (e.epoch == 0) gz::request_stop();
  };
  std::vector<std::string> events;
  gz::set_event_sink([&](const gz::Event& e) { events.push_back(e.type); });
  const auto run = gz::run_training(o);
  gz::set_event_sink({});
  gz::clear_stop_request();
  BOOST_TEST(run.training.interrupted);
  BOOST_TEST(!std::filesystem::exists(dir / "out" / "final_vgg16_model.pt"));
  BOOST_TEST(std::filesystem::exists(dir / "out" / "loss_vgg16.png"));
  const std::string csv = gz::testing::read_text(dir / "out" / "history_vgg16.csv");
  BOOST_TEST(csv.find("\n1,") != std::string::npos, csv);  // epoch 1, counted from 1
  BOOST_TEST(csv.find("\n2,") == std::string::npos, csv);
  BOOST_TEST(events == std::vector<std::string>{"epoch"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_existing_checkpoint_needs_resume) {
  TempDir dir;
  write_images(dir / "data");
  auto options = quick(dir);
  gz::run_training(options);
  BOOST_CHECK_THROW(gz::run_training(options), gz::Error);
  options.resume = true;
  const auto resumed = gz::run_training(options);  // a finished run: nothing left to train
  BOOST_TEST(resumed.training.resumed);
  BOOST_TEST(resumed.training.history.size() == 2u);
}

BOOST_AUTO_TEST_CASE(train_val_trains_on_both_splits_without_validation) {
  TempDir dir;
  write_images(dir / "data");
  auto options = quick(dir);
  options.train_val = true;
  options.balanced = true;
  const auto run = gz::run_training(options);
  BOOST_TEST(run.train_images == 16u);
  BOOST_TEST(run.val_images == 0u);
  BOOST_TEST(run.training.best_epoch == -1);
}

BOOST_AUTO_TEST_CASE(a_folder_without_images_is_an_error_naming_it) {
  TempDir dir;
  std::filesystem::create_directories(dir / "data");
  try {
    gz::run_training(quick(dir));
    BOOST_FAIL("expected an error");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find((dir / "data").string()) != std::string::npos);
  }
  // Training images but no validation images.
  gz::Image img(kSize, kSize, 3);
  gz::write_png(img, dir / "data" / "train_class_0_0_proc.jpg");
  gz::write_png(img, dir / "data" / "train_class_1_0_proc.jpg");
  BOOST_CHECK_THROW(gz::run_training(quick(dir)), gz::Error);
}

BOOST_AUTO_TEST_CASE(options_the_run_sets_are_refused_naming_them) {
  TempDir dir;
  write_images(dir / "data");
  const auto refused = [&](auto change, const std::string& name) {
    auto options = quick(dir);
    change(options);
    try {
      gz::run_training(options);
      BOOST_ERROR("no error for " + name);
    } catch (const gz::Error& e) {
      BOOST_TEST(std::string(e.what()).find(name) != std::string::npos, e.what());
    }
  };
  refused([](gz::TrainingRunOptions& o) { o.trainer.lr_head = 0.5; }, "trainer.lr_head");
  refused([](gz::TrainingRunOptions& o) { o.trainer.lr_body = 0.5; }, "trainer.lr_body");
  refused([&](gz::TrainingRunOptions& o) { o.trainer.checkpoint = dir / "elsewhere.pt"; },
          "trainer.checkpoint");
  refused(
      [](gz::TrainingRunOptions& o) {
        o.balanced = true;
        o.trainer.class_weights = {1.0, 5.0};
      },
      "trainer.class_weights");
  refused([](gz::TrainingRunOptions& o) { o.loader.seed = 9; }, "loader.seed");
  refused([](gz::TrainingRunOptions& o) { o.loader.shuffle = true; }, "loader.shuffle");
  refused([](gz::TrainingRunOptions& o) { o.loader.world_size = 2; }, "loader.world_size");
  BOOST_TEST(!std::filesystem::exists(dir / "out" / "checkpoint_vgg16.pt"));
  // The value the run would give a field is no conflict.
  auto same = quick(dir);
  same.trainer.lr_head = same.params.lr_head;
  same.loader.seed = same.trainer.seed = 7;
  same.trainer.epochs = 1;
  BOOST_TEST(gz::run_training(same).training.history.size() == 1u);
}

BOOST_AUTO_TEST_CASE(refit_trains_anew_on_train_and_val_for_the_chosen_epochs) {
  TempDir dir;
  write_images(dir / "data");
  auto options = quick(dir);
  options.trainer.epochs = 3;
  options.write_model = false;
  const auto plain = gz::run_training(options);
  options.output_dir = dir / "refit";
  options.refit = true;
  options.write_model = true;
  const auto run = gz::run_training(options);
  // The first run is the plain one; the refit trains on all 16 train + val images, without
  // validation, for as many epochs as early stopping chose.
  BOOST_TEST(run.training.history.size() == plain.training.history.size());
  BOOST_TEST(run.training.best_epoch == plain.training.best_epoch);
  BOOST_TEST(run.refit_images == 16u);
  BOOST_TEST(run.train_images == 12u);
  BOOST_TEST(static_cast<std::int64_t>(run.refit.history.size()) == run.training.best_epoch + 1);
  BOOST_TEST(std::isnan(run.refit.history.back().val_loss));
  BOOST_TEST(!same_weights(run.model, plain.model));
  auto saved = gz::load_classifier(dir / "refit" / "final_vgg16_model.pt");
  BOOST_TEST(same_weights(saved.model, run.model));
  for (const char* file : {"checkpoint_vgg16_refit.pt", "history_vgg16_refit.csv",
                           "loss_vgg16_refit.png", "history_vgg16.csv"}) {
    BOOST_TEST(std::filesystem::exists(dir / "refit" / file), file);
  }
  // Resumed, both parts are done: the same refit model.
  options.resume = true;
  BOOST_TEST(same_weights(gz::run_training(options).model, run.model));
  options.train_val = true;
  BOOST_CHECK_THROW(gz::run_training(options), gz::Error);
}

BOOST_AUTO_TEST_CASE(continuing_an_earlier_run_equals_training_from_the_start) {
  TempDir dir;
  const auto checkpoint = earlier_run(dir, 1);

  auto options = quick(dir);
  options.trainer.epochs = 3;
  options.output_dir = dir / "scratch";
  const auto scratch = gz::run_training(options);
  BOOST_TEST(scratch.reused_epochs == 0);
  options.output_dir = dir / "continued";
  options.continue_from = checkpoint;
  options.loader.num_workers = 2;  // threads are not a setting that matters
  const auto continued = gz::run_training(options);
  BOOST_TEST(continued.reuse_skipped == "");
  BOOST_TEST(continued.reused_epochs == 1);
  BOOST_TEST(continued.reused_seconds > 0);
  BOOST_REQUIRE(continued.training.history.size() == scratch.training.history.size());
  for (std::size_t e = 0; e < scratch.training.history.size(); ++e) {
    BOOST_TEST(continued.training.history[e].train_loss == scratch.training.history[e].train_loss);
    BOOST_TEST(continued.training.history[e].val_loss == scratch.training.history[e].val_loss);
  }
  BOOST_TEST(continued.training.best_epoch == scratch.training.best_epoch);
  BOOST_TEST(same_weights(continued.model, scratch.model));  // bit for bit
  // The earlier run's checkpoint is left as it was.
  BOOST_TEST(gz::read_checkpoint_summary(checkpoint).history.size() == 1u);
}

BOOST_AUTO_TEST_CASE(an_earlier_run_with_other_settings_is_not_continued) {
  TempDir dir;
  const auto checkpoint = earlier_run(dir, 2);
  const auto skipped = [&](auto change, const std::string& reason) {
    auto options = quick(dir);
    options.output_dir = dir / ("run_" + reason);
    options.trainer.epochs = 2;
    options.write_model = false;
    options.continue_from = checkpoint;
    change(options);
    // The refusal comes before training: one epoch (from the start) is enough to see it.
    options.trainer.should_stop = [](const gz::EpochStats&) { return true; };
    const auto run = gz::run_training(options);
    BOOST_TEST(run.reused_epochs == 0, reason);
    BOOST_TEST(run.reuse_skipped.find(reason) != std::string::npos, run.reuse_skipped);
    BOOST_TEST(run.training.history.size() == 1u);
    BOOST_TEST(!run.training.resumed);
  };
  skipped([](gz::TrainingRunOptions& o) { o.trainer.seed = 5; }, "seed");
  skipped([](gz::TrainingRunOptions& o) { o.params.lr_head = 2e-3; }, "lr_head");
  skipped([](gz::TrainingRunOptions& o) { o.loader.batch_size = 3; }, "batch_size");
  skipped([](gz::TrainingRunOptions& o) { o.balanced = true; }, "class_weights");
  skipped([](gz::TrainingRunOptions& o) { o.trainer.epochs = 1; }, "more than this run's 1");
  skipped([&](gz::TrainingRunOptions& o) { o.continue_from = dir / "none.pt"; }, "no such");
  // Other images: one more training image.
  gz::testing::write_colour_classes(dir / "more", 2, 7, 2, kSize);
  skipped([&](gz::TrainingRunOptions& o) { o.data = dir / "more"; }, "images");
  skipped([](gz::TrainingRunOptions& o) { o.trainer.weight_decay = 0.01; }, "weight_decay");
  skipped([](gz::TrainingRunOptions& o) { o.trainer.label_smoothing = 0.1; }, "label_smoothing");
  skipped([](gz::TrainingRunOptions& o) { o.trainer.recalibrate_batchnorm = true; },
          "recalibrate_batchnorm");
  skipped([](gz::TrainingRunOptions& o) { o.trainer.schedule.warmup_epochs = 1; }, "schedule");
}

BOOST_AUTO_TEST_CASE(resuming_with_other_settings_is_an_error_naming_them) {
  TempDir dir;
  write_images(dir / "data");
  auto options = quick(dir);
  options.trainer.epochs = 1;
  gz::run_training(options);
  options.resume = true;
  options.trainer.schedule.cosine = true;
  try {
    gz::run_training(options);
    BOOST_FAIL("resumed with another schedule");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find("schedule") != std::string::npos, e.what());
  }
}

// Soft-target tables for every train and val image of dir/data: one-hot on the label but
// for a share of 0.2 on the other class.
std::filesystem::path write_targets(const TempDir& dir, bool leave_one_out) {
  gz::SoftTargets targets(2);
  for (const auto& image : gz::list_labeled_images(dir / "data", {"train", "val"})) {
    if (leave_one_out && image.file.filename().string().rfind("train_class_1_", 0) == 0) continue;
    targets.add(gz::soft_target_key(image.file),
                image.label == 0 ? std::vector<double>{0.8, 0.2} : std::vector<double>{0.2, 0.8});
  }
  const auto file = dir / (leave_one_out ? "partial.csv" : "targets.csv");
  gz::write_soft_targets(targets, file);
  return file;
}

BOOST_AUTO_TEST_CASE(soft_targets_reach_training_and_a_missing_one_is_named) {
  TempDir dir;
  write_images(dir / "data");
  auto options = quick(dir);
  options.soft_targets = {write_targets(dir, false)};
  options.trainer.schedule.warmup_epochs = 0.5;
  options.trainer.schedule.cosine = true;
  options.trainer.weight_decay = 0.01;
  options.trainer.recalibrate_batchnorm = true;
  const auto run = gz::run_training(options);
  BOOST_REQUIRE(run.training.history.size() == 2u);
  // Against targets of 0.8 / 0.2 the loss cannot fall below their entropy, 0.5 nats.
  for (const auto& e : run.training.history) BOOST_TEST(e.train_loss > 0.5);
  const auto note = gz::read_checkpoint_summary(dir / "out" / "checkpoint_vgg16.pt").note;
  BOOST_TEST(note.find("targets.csv") != std::string::npos, note);

  auto partial = quick(dir);
  partial.output_dir = dir / "partial";
  partial.soft_targets = {write_targets(dir, true)};
  try {
    gz::run_training(partial);
    BOOST_FAIL("no error for a training image without a soft target");
  } catch (const gz::InputError& e) {
    BOOST_TEST(e.file().filename().string().rfind("train_class_1_", 0) == 0u, e.what());
    BOOST_TEST(std::string(e.what()).find("partial.csv") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(class_names) {
  BOOST_TEST(gz::galaxy_class_names(5).size() == 5u);
  BOOST_TEST(gz::galaxy_class_names(5)[0] != "class 0");
  BOOST_TEST(gz::galaxy_class_names(3)[2] == "class 2");
}
