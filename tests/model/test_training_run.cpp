#define BOOST_TEST_MODULE training_run
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/model/training_run.hpp>

#include <string>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

constexpr int kSize = 32;

// Two classes of flat-coloured noisy 32 x 32 images: 6 train and 2 val each.
void write_images(const std::filesystem::path& dir) {
  gz::testing::write_colour_classes(dir, /*classes=*/2, /*train=*/6, /*val=*/2, kSize);
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

BOOST_AUTO_TEST_CASE(class_names) {
  BOOST_TEST(gz::galaxy_class_names(5).size() == 5u);
  BOOST_TEST(gz::galaxy_class_names(5)[0] != "class 0");
  BOOST_TEST(gz::galaxy_class_names(3)[2] == "class 2");
}
