// The CUDA paths of the model layer, run on the device GALAXYZOO_TEST_DEVICE names ("cuda"
// or "cpu"; unset: CUDA when LibTorch sees a device, else the CPU). scripts/gpu-check.sh
// runs them on the GPU machine; ctest runs them on the CPU, where the cases that only
// mean something on CUDA (pinned memory, bfloat16 autocast) say that they are skipped.
#define BOOST_TEST_MODULE cuda_paths
#include <boost/test/unit_test.hpp>

#include <torch/cuda.h>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/classifier_file.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/trainer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
namespace utf = boost::unit_test;

namespace {

constexpr int kSize = 32;

// The device under test, from GALAXYZOO_TEST_DEVICE.
torch::Device device_under_test() {
  const char* env = std::getenv("GALAXYZOO_TEST_DEVICE");
  const std::string spec = env && *env ? env : "auto";
  return gz::select_device(spec);
}

// Enables a case only when the device under test is CUDA, with a message saying why not.
struct OnCuda {
  boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
    boost::test_tools::assertion_result result(device_under_test().is_cuda());
    if (!result) result.message() << "skipped: the device under test is the CPU (no CUDA device)";
    return result;
  }
};

// Three easy colour classes, 8 train and 4 val images each, 32 x 32.
struct Data {
  gz::testing::TempDir dir;
  torch::Device device = device_under_test();
  Data() {
    gz::testing::write_colour_classes(dir.path(), 3, 8, 4, kSize);
    BOOST_TEST_MESSAGE("device under test: " << gz::describe(device));
  }
  gz::ImageLoaderOptions loader_options(bool training) const {
    gz::ImageLoaderOptions o;
    o.image_size = kSize;
    o.batch_size = 6;
    o.shuffle = training;
    o.drop_last = training;
    o.train_transforms = training;
    o.pin_memory = device.is_cuda();
    return o;
  }
  gz::ImageLoader loader(const std::string& split, bool training) const {
    return gz::ImageLoader(gz::list_labeled_images(dir.path(), {split}), loader_options(training));
  }
  gz::TrainerOptions trainer_options(std::int64_t epochs) const {
    gz::TrainerOptions o;
    o.epochs = epochs;
    o.lr_body = 1e-5;
    o.lr_head = 1e-3;
    o.patience = 0;
    o.device = device;
    return o;
  }
};

gz::VGG16Classifier small_model(std::uint64_t seed) {
  torch::manual_seed(seed);
  return gz::VGG16Classifier(gz::VGG16ClassifierOptions(3).image_size(kSize).freeze_before(21));
}

// Largest absolute difference between the parameters and buffers of two models, on the CPU.
double max_difference(gz::VGG16Classifier& a, gz::VGG16Classifier& b) {
  double worst = 0;
  auto pb = b->named_parameters();
  for (const auto& p : a->named_parameters()) {
    worst = std::max(worst, (p.value().cpu() - pb[p.key()].cpu()).abs().max().item<double>());
  }
  auto bb = b->named_buffers();
  for (const auto& x : a->named_buffers()) {
    if (!x.value().is_floating_point()) continue;
    worst = std::max(worst, (x.value().cpu() - bb[x.key()].cpu()).abs().max().item<double>());
  }
  return worst;
}

}  // namespace

BOOST_AUTO_TEST_CASE(device_choice_follows_what_libtorch_sees) {
  const bool cuda = torch::cuda::is_available();
  BOOST_TEST(gz::select_device("auto").is_cuda() == cuda);
  BOOST_TEST(gz::select_device("cpu").is_cpu());
  if (cuda) {
    BOOST_TEST(gz::select_device("cuda") == torch::Device(torch::kCUDA, 0));
    const auto count = static_cast<int>(torch::cuda::device_count());
    BOOST_TEST(gz::select_device("cuda:" + std::to_string(count - 1)).index() == count - 1);
    BOOST_CHECK_THROW(gz::select_device("cuda:" + std::to_string(count)), gz::Error);
  } else {
    BOOST_CHECK_THROW(gz::select_device("cuda"), gz::Error);
  }
  const char* env = std::getenv("GALAXYZOO_TEST_DEVICE");
  if (env && std::string(env) == "cuda") BOOST_TEST(cuda, "GALAXYZOO_TEST_DEVICE=cuda, no CUDA");
}

BOOST_FIXTURE_TEST_CASE(pinned_batches_copy_without_blocking, Data, *utf::precondition(OnCuda())) {
  auto train = loader("train", true);
  train.start_epoch(0);
  const auto batch = train.next();
  BOOST_REQUIRE(batch.has_value());
  BOOST_TEST(batch->images.is_pinned());
  const torch::Tensor on_gpu = batch->images.to(device, /*non_blocking=*/true);
  torch::cuda::synchronize();
  BOOST_TEST(on_gpu.is_cuda());
  BOOST_TEST(torch::equal(on_gpu.cpu(), batch->images));
}

BOOST_FIXTURE_TEST_CASE(bfloat16_autocast_trains_like_float32, Data, *utf::precondition(OnCuda())) {
  auto train = loader("train", true);
  auto fp32_options = trainer_options(2);
  gz::Trainer fp32(small_model(1), fp32_options);
  const auto full = fp32.fit(train);
  auto bf16_options = fp32_options;
  bf16_options.mixed_precision = true;
  gz::Trainer bf16(small_model(1), bf16_options);
  const auto mixed = bf16.fit(train);
  BOOST_REQUIRE(mixed.history.size() == 2u);
  for (std::size_t e = 0; e < 2; ++e) {
    BOOST_TEST_MESSAGE("epoch " << e << " loss fp32 " << full.history[e].train_loss << ", bf16 "
                                << mixed.history[e].train_loss);
    BOOST_TEST(std::isfinite(mixed.history[e].train_loss));
    // bfloat16 keeps 8 bits of mantissa: the mean loss stays within 5 % of float32's.
    BOOST_TEST(std::abs(mixed.history[e].train_loss - full.history[e].train_loss) <=
               0.05 * full.history[e].train_loss);
  }
}

BOOST_FIXTURE_TEST_CASE(trains_and_classifies_on_the_device, Data) {
  auto train = loader("train", true);
  auto val = loader("val", false);
  gz::Trainer trainer(small_model(2), trainer_options(4));
  const auto result = trainer.fit(train, &val);
  BOOST_REQUIRE(result.history.size() == 4u);
  BOOST_TEST(result.history.back().train_loss < result.history.front().train_loss);
  BOOST_TEST(trainer.model()->parameters().front().device() == device);

  // The device's probabilities agree with those of the same weights on the CPU, read back
  // from the model file written from the device.
  const auto files = gz::list_labeled_images(dir.path(), {"val"});
  std::vector<std::filesystem::path> paths;
  for (const auto& f : files) paths.push_back(f.file);
  gz::GalaxyClassifier on_device(trainer.model(), {"a", "b", "c"}, device);
  const auto p = on_device.classify_files(paths);
  gz::save_classifier(trainer.model(), {"a", "b", "c"}, dir / "model.pt");
  gz::GalaxyClassifier on_cpu(dir / "model.pt", "cpu");
  const auto q = on_cpu.classify_files(paths);
  BOOST_REQUIRE(p.size() == paths.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    float sum = 0;
    for (std::size_t k = 0; k < p[i].size(); ++k) {
      sum += p[i][k];
      BOOST_TEST(std::abs(p[i][k] - q[i][k]) <= 1e-3f);
    }
    BOOST_TEST(std::abs(sum - 1.0f) <= 1e-4f);
  }
}

// A run stopped in the middle of its second epoch and resumed from the checkpoint ends
// with the weights of an uninterrupted run: identical on the CPU; on CUDA, whose
// convolution algorithms may sum in another order, within 1e-3 + 1e-2 x the largest weight.
BOOST_FIXTURE_TEST_CASE(checkpoint_and_resume_agree, Data) {
  auto train = loader("train", true);
  auto options = trainer_options(3);
  options.checkpoint = dir / "reference.ckpt";
  gz::Trainer reference(small_model(3), options);
  const auto full = reference.fit(train);

  options.checkpoint = dir / "stopped.ckpt";
  auto stopping = options;
  int calls = 0;
  stopping.on_batch = [&calls](std::size_t, std::size_t, double) {
    if (++calls == 6) gz::request_stop();  // 4 batches per epoch: epoch 1, batch 2
  };
  gz::Trainer first(small_model(3), stopping);
  BOOST_TEST(first.fit(train).interrupted);
  gz::clear_stop_request();
  gz::Trainer second(small_model(77), options);
  const auto rest = second.fit(train);
  BOOST_TEST(rest.resumed);
  BOOST_REQUIRE(rest.history.size() == full.history.size());

  double largest = 0;
  for (const auto& p : reference.model()->parameters())
    largest = std::max(largest, p.abs().max().item<double>());
  const double difference = max_difference(second.model(), reference.model());
  const double tolerance = device.is_cuda() ? 1e-3 + 1e-2 * largest : 0.0;
  BOOST_TEST_MESSAGE("largest weight difference " << difference << " (tolerance " << tolerance
                                                  << ")");
  BOOST_TEST(difference <= tolerance);
  const double loss_a = rest.history.back().train_loss, loss_b = full.history.back().train_loss;
  BOOST_TEST(std::abs(loss_a - loss_b) <= (device.is_cuda() ? 1e-2 * loss_b : 0.0));
}
