#define BOOST_TEST_MODULE trainer
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/random.hpp>
#include <galaxyzoo/core/sealed_file.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/model/trainer.hpp>

#include <algorithm>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

constexpr int kSize = 32;

// Three easy classes: dark, red-ish and blue-ish 32 x 32 images with noise; 8 train and
// 4 val images each.
struct Data {
  TempDir dir;
  Data() {
    gz::Rng rng(5);
    for (int k = 0; k < 3; ++k) {
      for (int i = 0; i < 12; ++i) {
        gz::Image img(kSize, kSize, 3);
        for (int y = 0; y < kSize; ++y) {
          for (int x = 0; x < kSize; ++x) {
            const int base[3][3] = {{30, 30, 30}, {200, 60, 40}, {40, 80, 210}};
            for (int c = 0; c < 3; ++c) {
              img.at(x, y, c) = static_cast<std::uint8_t>(
                  std::clamp(base[k][c] + static_cast<int>(rng.below(40)) - 20, 0, 255));
            }
          }
        }
        const std::string split = i < 8 ? "train" : "val";
        gz::write_png(img, dir / (split + "_class_" + std::to_string(k) + "_" + std::to_string(i) +
                                  "_proc.jpg"));
      }
    }
  }
  gz::ImageLoaderOptions loader_options(bool training) const {
    gz::ImageLoaderOptions o;
    o.image_size = kSize;
    o.batch_size = 6;
    o.shuffle = training;
    o.train_transforms = training;
    o.num_workers = 2;
    return o;
  }
};

gz::VGG16Classifier small_model(std::uint64_t seed, std::int64_t classes = 3) {
  torch::manual_seed(seed);
  return gz::VGG16Classifier(
      gz::VGG16ClassifierOptions(classes).image_size(kSize).freeze_before(26));
}

gz::TrainerOptions quick(std::int64_t epochs) {
  gz::TrainerOptions o;
  o.epochs = epochs;
  o.lr_body = 1e-5;
  o.lr_head = 1e-3;
  o.patience = 0;
  return o;
}

bool same_weights(gz::VGG16Classifier& a, gz::VGG16Classifier& b) {
  auto pa = a->named_parameters();
  auto pb = b->named_parameters();
  for (const auto& p : pa) {
    if (!torch::equal(p.value(), pb[p.key()])) return false;
  }
  auto ba = a->named_buffers();
  auto bb = b->named_buffers();
  for (const auto& x : ba) {
    if (!torch::equal(x.value(), bb[x.key()])) return false;
  }
  return true;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(training_loss_falls, Data) {
  gz::ImageLoader train(gz::list_labeled_images(dir.path(), {"train"}), loader_options(true));
  gz::Trainer trainer(small_model(1), quick(4));
  const auto result = trainer.fit(train);
  BOOST_REQUIRE(result.history.size() == 4u);
  BOOST_TEST_MESSAGE("train loss " << result.history.front().train_loss << " -> "
                                   << result.history.back().train_loss);
  BOOST_TEST(result.history.back().train_loss < result.history.front().train_loss);
  BOOST_TEST(std::isnan(result.history.back().val_loss));
  BOOST_TEST(!trainer.model()->is_training());
}

BOOST_FIXTURE_TEST_CASE(a_run_stopped_mid_epoch_resumes_to_the_same_weights, Data) {
  const auto train_images = gz::list_labeled_images(dir.path(), {"train"});
  const auto val_images = gz::list_labeled_images(dir.path(), {"val"});
  auto options = quick(3);
  options.patience = 2;

  // Uninterrupted reference.
  gz::ImageLoader train(train_images, loader_options(true));
  gz::ImageLoader val(val_images, loader_options(false));
  options.checkpoint = dir / "reference.ckpt";
  gz::Trainer reference(small_model(1), options);
  const auto full = reference.fit(train, &val);
  BOOST_REQUIRE(!full.interrupted);

  // Stopped in the middle of the second epoch (as SIGTERM would), then resumed by a new
  // trainer with a freshly initialised model.
  options.checkpoint = dir / "interrupted.ckpt";
  auto stopping = options;
  stopping.on_batch = [](std::size_t batch, std::size_t, double) {
    static int calls = 0;
    if (++calls == 6) gz::request_stop();  // 4 batches per epoch: epoch 1, batch 2
    (void)batch;
  };
  gz::Trainer first(small_model(1), stopping);
  const auto part = first.fit(train, &val);
  gz::clear_stop_request();
  BOOST_TEST(part.interrupted);
  BOOST_TEST(part.history.size() == 1u);

  gz::Trainer second(small_model(99), options);
  const auto rest = second.fit(train, &val);
  BOOST_TEST(rest.resumed);
  BOOST_TEST(!rest.interrupted);
  BOOST_REQUIRE(rest.history.size() == full.history.size());
  BOOST_TEST(rest.best_epoch == full.best_epoch);
  BOOST_TEST(rest.history.back().train_loss == full.history.back().train_loss);
  BOOST_TEST(same_weights(second.model(), reference.model()));

  // A finished run resumed again does nothing more.
  gz::Trainer third(small_model(7), options);
  const auto again = third.fit(train, &val);
  BOOST_TEST(again.history.size() == full.history.size());
  BOOST_TEST(same_weights(third.model(), reference.model()));
}

BOOST_FIXTURE_TEST_CASE(a_run_whose_epochs_ran_out_goes_on_when_given_more, Data) {
  const auto train_images = gz::list_labeled_images(dir.path(), {"train"});
  const auto val_images = gz::list_labeled_images(dir.path(), {"val"});
  gz::ImageLoader train(train_images, loader_options(true));
  gz::ImageLoader val(val_images, loader_options(false));
  auto options = quick(3);
  options.patience = 3;
  options.checkpoint = dir / "three.ckpt";
  gz::Trainer reference(small_model(1), options);
  const auto full = reference.fit(train, &val);

  // Two epochs, then the same checkpoint resumed with three: as the three-epoch run.
  options.checkpoint = dir / "two.ckpt";
  options.epochs = 2;
  options.checkpoint_note = "two epochs";
  gz::Trainer(small_model(1), options).fit(train, &val);
  const auto two = gz::read_checkpoint_summary(options.checkpoint);
  BOOST_TEST(two.note == "two epochs");
  BOOST_TEST(two.history.size() == 2u);
  BOOST_TEST(two.finished);
  BOOST_TEST(!two.stopped_early);
  BOOST_TEST(!two.stopped_by_callback);
  options.epochs = 3;
  gz::Trainer longer(small_model(42), options);
  const auto rest = longer.fit(train, &val);
  BOOST_TEST(rest.resumed);
  BOOST_REQUIRE(rest.history.size() == 3u);
  BOOST_TEST(rest.history[2].val_loss == full.history[2].val_loss);
  BOOST_TEST(rest.best_epoch == full.best_epoch);
  BOOST_TEST(same_weights(longer.model(), reference.model()));

  // A run that should_stop ended (a pruned trial) stays ended.
  options.checkpoint = dir / "pruned.ckpt";
  options.epochs = 2;
  auto pruned = options;
  pruned.should_stop = [](const gz::EpochStats& e) { return e.epoch == 0; };
  gz::Trainer(small_model(1), pruned).fit(train, &val);
  BOOST_TEST(gz::read_checkpoint_summary(options.checkpoint).stopped_by_callback);
  options.epochs = 3;
  BOOST_TEST(gz::Trainer(small_model(1), options).fit(train, &val).history.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(damaged_checkpoint_falls_back_to_the_previous_one, Data) {
  const auto train_images = gz::list_labeled_images(dir.path(), {"train"});
  const auto val_images = gz::list_labeled_images(dir.path(), {"val"});
  gz::ImageLoader train(train_images, loader_options(true));
  gz::ImageLoader val(val_images, loader_options(false));
  auto options = quick(3);
  options.patience = 0;
  options.checkpoint = dir / "reference.ckpt";
  gz::Trainer reference(small_model(1), options);
  const auto full = reference.fit(train, &val);

  // Stopped after the second epoch: the checkpoint says "start epoch 2", its previous
  // copy "start epoch 1". Then the checkpoint is damaged (one flipped byte).
  options.checkpoint = dir / "damaged.ckpt";
  auto stopping = options;
  stopping.on_epoch = [](const gz::EpochStats& e) {
    if (e.epoch == 1) gz::request_stop();
  };
  const auto part = gz::Trainer(small_model(1), stopping).fit(train, &val);
  gz::clear_stop_request();
  BOOST_REQUIRE(part.interrupted);
  BOOST_REQUIRE(std::filesystem::exists(gz::previous_copy(options.checkpoint)));
  std::string bytes = gz::testing::read_text(options.checkpoint);
  bytes[bytes.size() / 2] ^= 0x40;
  gz::testing::write_text(options.checkpoint, bytes);

  std::vector<std::string> notices;
  options.on_notice = [&](const std::string& line) { notices.push_back(line); };
  gz::Trainer resumed(small_model(5), options);
  const auto rest = resumed.fit(train, &val);
  BOOST_TEST(rest.resumed);
  BOOST_TEST(rest.recovered_checkpoint.find("checksum mismatch") != std::string::npos);
  BOOST_REQUIRE(notices.size() == 1u);
  BOOST_TEST(notices[0].find("damaged.ckpt.previous") != std::string::npos);
  // Epoch 1 was trained again from the previous copy, to the same end.
  BOOST_REQUIRE(rest.history.size() == full.history.size());
  BOOST_TEST(rest.history.back().val_loss == full.history.back().val_loss);
  BOOST_TEST(same_weights(resumed.model(), reference.model()));

  // Both copies damaged: an error naming the checkpoint.
  gz::testing::write_text(options.checkpoint, "garbage");
  gz::testing::write_text(gz::previous_copy(options.checkpoint), "garbage");
  BOOST_CHECK_THROW(gz::Trainer(small_model(5), options).fit(train, &val), gz::CorruptFileError);
}

BOOST_FIXTURE_TEST_CASE(early_stopping_keeps_the_best_epoch, Data) {
  gz::ImageLoader train(gz::list_labeled_images(dir.path(), {"train"}), loader_options(true));
  gz::ImageLoader val(gz::list_labeled_images(dir.path(), {"val"}), loader_options(false));
  auto options = quick(6);
  options.patience = 1;
  options.lr_head = 5e-2;  // large steps: the validation loss soon stops improving
  gz::Trainer trainer(small_model(2), options);
  const auto result = trainer.fit(train, &val);
  std::vector<double> losses;
  for (const auto& h : result.history) losses.push_back(h.val_loss);
  const auto best = std::min_element(losses.begin(), losses.end()) - losses.begin();
  BOOST_TEST(result.best_epoch == best);
  BOOST_TEST(result.best_val_loss == losses[static_cast<std::size_t>(best)]);
  BOOST_TEST(result.stopped_early == (losses.size() < 6u));
  if (result.stopped_early)
    BOOST_TEST(static_cast<std::int64_t>(losses.size()) == best + 2);  // patience 1
  // The model holds the best epoch's weights: evaluating gives its validation loss.
  BOOST_TEST(trainer.evaluate(val).first == result.best_val_loss,
             boost::test_tools::tolerance(1e-6));
}

BOOST_FIXTURE_TEST_CASE(should_stop_ends_training_with_the_best_weights, Data) {
  gz::ImageLoader train(gz::list_labeled_images(dir.path(), {"train"}), loader_options(true));
  gz::ImageLoader val(gz::list_labeled_images(dir.path(), {"val"}), loader_options(false));
  auto options = quick(5);
  std::vector<std::int64_t> seen;
  options.should_stop = [&](const gz::EpochStats& e) {
    seen.push_back(e.epoch);
    return e.epoch == 1;  // as a pruner would after the second epoch
  };
  options.checkpoint = dir / "stopped.ckpt";
  gz::Trainer trainer(small_model(3), options);
  const auto result = trainer.fit(train, &val);
  BOOST_TEST(result.stopped_by_callback);
  BOOST_TEST(!result.stopped_early);
  BOOST_TEST(result.history.size() == 2u);
  BOOST_TEST((seen == std::vector<std::int64_t>{0, 1}));
  BOOST_TEST(trainer.evaluate(val).first == result.best_val_loss,
             boost::test_tools::tolerance(1e-6));
  // The checkpoint records a finished run: resuming trains no further.
  options.should_stop = nullptr;
  gz::Trainer again(small_model(3), options);
  BOOST_TEST(again.fit(train, &val).history.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(bad_checkpoints_and_options_are_errors, Data) {
  gz::ImageLoader train(gz::list_labeled_images(dir.path(), {"train"}), loader_options(false));
  auto options = quick(1);
  options.checkpoint = dir / "three.ckpt";
  gz::Trainer(small_model(1), options).fit(train);
  // The same checkpoint for a model of another shape.
  try {
    gz::Trainer(small_model(1, 4), options).fit(train);
    BOOST_FAIL("no error for a checkpoint of another model");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find("belongs to another model") != std::string::npos);
  }
  // Damaged, with no previous copy to fall back to.
  gz::testing::write_text(dir / "corrupt.ckpt",
                          gz::testing::read_text(dir / "three.ckpt").substr(0, 5000));
  options.checkpoint = dir / "corrupt.ckpt";
  try {
    gz::Trainer(small_model(1), options).fit(train);
    BOOST_FAIL("no error for a truncated checkpoint");
  } catch (const gz::CorruptFileError& e) {
    BOOST_TEST(std::string(e.what()).find("corrupt.ckpt") != std::string::npos);
    BOOST_TEST(std::string(e.what()).find("truncated") != std::string::npos);
  }
  options = quick(0);
  BOOST_CHECK_THROW(gz::Trainer(small_model(1), options), gz::Error);
  options = quick(1);
  options.class_weights = {1.0, 2.0};
  BOOST_CHECK_THROW(gz::Trainer(small_model(1), options), gz::Error);
}
