// bench_training: times galaxyzoo's training step and its image loader on the CPU, and
// prints one JSON object. bench/run_training_bench.py runs it next to the same step in
// PyTorch (bench/bench_training.py).
//
//   bench_training --mode train  --image_size 256 --batch_size 16 --threads 2 --repeats 5
//   bench_training --mode train  --image_size 256 --threads 2 --data preprocessed
//   bench_training --mode loader --image_size 256 --data preprocessed --cache_mb 256
//
// --mode train: one training step exactly as galaxyzoo::Trainer::fit takes it (train
//   mode; zero_grad, forward, cross-entropy, backward, Adam step with the two parameter
//   groups body / head at lr 1e-7 / 1e-4, then loss.item() and the batch's number of
//   correct predictions) on a VGG16Classifier with freeze_before 21, 5 classes, random
//   weights. Without --data the step trains over and over on one synthetic batch
//   (normal random images, random labels): no data loading. With --data the batches come
//   from a galaxyzoo::ImageLoader over the folder's train_class_* images (training
//   transforms, shuffle, --num_workers decoding threads, --cache_mb), as train_model
//   does, so the loader competes with the training for the CPUs; with a cache, one
//   untimed pass over the images fills it first (the epochs after the first are timed,
//   as a cache serves them). --warmup steps are not
//   timed; each of the --repeats timed steps is timed on its own (steady_clock).
// --mode loader: the ImageLoader alone. One untimed pass over the train images (it
//   fills the cache, if any), then --repeats timed passes (epochs), each started with
//   start_epoch() and drained with next(); nothing is done with the batches.
//
// --threads sets LibTorch's intra-op threads (torch::set_num_threads); 0 keeps LibTorch's
// default, which the JSON reports as default_threads (LibTorch 1.13 on x86-64 defaults to
// half of std::thread::hardware_concurrency()).
#include "bench_timing.hpp"

#include <CLI/CLI.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/image_loader.hpp>
#include <galaxyzoo/model/vgg16_classifier.hpp>

#include <torch/nn/functional/loss.h>
#include <torch/optim/adam.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

using galaxyzoo::bench::Clock;
using galaxyzoo::bench::median;
using galaxyzoo::bench::seconds_since;

// Peak resident set size of this process so far, in MiB (Linux reports KiB).
double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

galaxyzoo::ImageLoaderOptions loader_options(int image_size, std::size_t batch_size,
                                             int num_workers, std::size_t cache_mb,
                                             std::uint64_t seed) {
  galaxyzoo::ImageLoaderOptions o;
  o.image_size = image_size;
  o.batch_size = batch_size;
  o.num_workers = num_workers;
  o.cache_bytes = cache_mb << 20;
  o.seed = seed;
  o.shuffle = true;
  o.train_transforms = true;  // what train_model's training loader does
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Time galaxyzoo's training step or image loader on the CPU; prints JSON."};
  std::string mode = "train", data;
  int image_size = 256, threads = 0, num_workers = 2, warmup = 2, repeats = 5, freeze_before = 21;
  std::size_t batch_size = 16, cache_mb = 0;
  std::int64_t classes = 5;
  std::uint64_t seed = 123;
  double lr_body = 1e-7, lr_head = 1e-4;
  app.add_option("--mode", mode, "train (the training step) or loader (the image loader alone)")
      ->check(CLI::IsMember({"train", "loader"}))
      ->capture_default_str();
  app.add_option("--image_size", image_size, "Network input side, a multiple of 32")
      ->capture_default_str();
  app.add_option("--batch_size", batch_size, "Images per batch")->capture_default_str();
  app.add_option("--threads", threads, "LibTorch intra-op threads (0: LibTorch's default)")
      ->capture_default_str();
  app.add_option("--warmup", warmup, "Untimed steps (train) or passes (loader) first")
      ->capture_default_str();
  app.add_option("--repeats", repeats, "Timed steps (train) or passes over the data (loader)")
      ->capture_default_str();
  app.add_option("--freeze_before", freeze_before, "features children before this index are frozen")
      ->capture_default_str();
  app.add_option("--classes", classes, "Number of classes")->capture_default_str();
  app.add_option("--lr_body", lr_body, "Adam learning rate of the trainable features layers")
      ->capture_default_str();
  app.add_option("--lr_head", lr_head, "Adam learning rate of the head")->capture_default_str();
  app.add_option("--seed", seed, "Seed of weights, synthetic batch, order and transforms")
      ->capture_default_str();
  app.add_option(
      "--data", data,
      "Folder of train_class_K_N_proc.jpg images (train: feed the step from an ImageLoader)");
  app.add_option("--num_workers", num_workers, "ImageLoader decoding threads")
      ->capture_default_str();
  app.add_option("--cache_mb", cache_mb, "ImageLoader cache of decoded images, MB (0: none)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (repeats < 1 || warmup < 0) {
    std::cerr << "bench_training: --repeats must be >= 1 and --warmup >= 0\n";
    return 2;
  }
  if (mode == "loader" && data.empty()) {
    std::cerr << "bench_training: --mode loader needs --data\n";
    return 2;
  }

  try {
    const int default_threads = torch::get_num_threads();
    if (threads > 0) torch::set_num_threads(threads);
    nlohmann::json out;
    out["implementation"] = "galaxyzoo";
    out["libtorch"] = TORCH_VERSION;
    out["mode"] = mode;
    out["image_size"] = image_size;
    out["batch_size"] = batch_size;
    out["default_threads"] = default_threads;
    out["threads"] = torch::get_num_threads();
    out["hardware_concurrency"] = std::thread::hardware_concurrency();

    std::vector<galaxyzoo::LabeledImage> images;
    std::unique_ptr<galaxyzoo::ImageLoader> loader;
    if (!data.empty()) {
      images = galaxyzoo::list_labeled_images(data, {"train"});
      if (images.empty()) throw galaxyzoo::Error("no train_class_K_N images in '" + data + "'");
      loader = std::make_unique<galaxyzoo::ImageLoader>(
          images, loader_options(image_size, batch_size, num_workers, cache_mb, seed));
      out["data"] = data;
      out["images"] = images.size();
      out["num_workers"] = num_workers;
      out["cache_mb"] = cache_mb;
    }

    if (mode == "loader") {
      std::vector<double> samples;
      std::size_t delivered = 0;
      for (int pass = 0; pass < warmup + repeats; ++pass) {
        const auto start = Clock::now();
        std::size_t n = 0;
        loader->start_epoch(pass);
        while (auto batch = loader->next()) n += static_cast<std::size_t>(batch->images.size(0));
        const double s = seconds_since(start);
        if (pass >= warmup) {
          samples.push_back(s);
          delivered = n;
        }
      }
      out["warmup_passes"] = warmup;
      out["samples_s"] = samples;
      out["images_per_pass"] = delivered;
      out["images_per_second"] = static_cast<double>(delivered) / median(samples);
      out["cached_mib"] = static_cast<double>(loader->cached_bytes()) / (1 << 20);
      out["peak_rss_mib"] = peak_rss_mib();
      std::cout << out.dump(2) << '\n';
      return 0;
    }

    torch::manual_seed(static_cast<std::uint64_t>(seed));
    galaxyzoo::VGG16Classifier model(galaxyzoo::VGG16ClassifierOptions(classes)
                                         .image_size(image_size)
                                         .freeze_before(freeze_before));
    model->train();
    // As Trainer::fit builds it.
    torch::optim::Adam optimizer(
        {torch::optim::OptimizerParamGroup(model->body_parameters(),
                                           std::make_unique<torch::optim::AdamOptions>(lr_body)),
         torch::optim::OptimizerParamGroup(model->head_parameters(),
                                           std::make_unique<torch::optim::AdamOptions>(lr_head))},
        torch::optim::AdamOptions(lr_head));
    std::int64_t trainable = 0, frozen = 0;
    for (const auto& p : model->parameters()) (p.requires_grad() ? trainable : frozen) += p.numel();
    out["trainable_parameters"] = trainable;
    out["frozen_parameters"] = frozen;
    out["fed_by"] = loader ? "ImageLoader" : "synthetic";

    const auto b = static_cast<std::int64_t>(batch_size);
    const torch::Tensor synthetic_x = torch::randn({b, 3, image_size, image_size});
    const torch::Tensor synthetic_y = torch::randint(classes, {b}, torch::kInt64);
    std::int64_t epoch = 0;
    if (loader && cache_mb > 0) {
      // Time the epochs after the first, which read decoded images from the cache: one
      // untimed pass fills it.
      loader->start_epoch(epoch);
      while (loader->next()) {
      }
      ++epoch;
      out["cache_prefilled_mib"] = static_cast<double>(loader->cached_bytes()) / (1 << 20);
    }
    if (loader) loader->start_epoch(epoch);
    // The next batch: the synthetic one, or the loader's (a new epoch when one ends).
    auto next_batch = [&]() -> galaxyzoo::Batch {
      if (!loader) return {synthetic_x, synthetic_y};
      for (;;) {
        if (auto batch = loader->next()) {
          if (batch->images.size(0) == b) return *batch;
          continue;  // a short last batch: skip it, every timed step has the same size
        }
        loader->start_epoch(++epoch);
      }
    };

    std::vector<double> samples;
    double loss_sum = 0;
    std::int64_t correct = 0;
    for (int step = 0; step < warmup + repeats; ++step) {
      const auto start = Clock::now();
      const galaxyzoo::Batch batch = next_batch();
      // Trainer::fit's step.
      optimizer.zero_grad();
      const auto logits = model->forward(batch.images);
      const auto loss = torch::nn::functional::cross_entropy(logits, batch.labels);
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      correct += logits.argmax(1).eq(batch.labels).sum().item<std::int64_t>();
      const double s = seconds_since(start);
      if (step >= warmup) samples.push_back(s);
      std::cerr << "bench_training: step " << step + 1 << "/" << warmup + repeats << " " << s
                << " s" << (step < warmup ? " (warm-up)" : "") << '\n';
    }
    out["warmup_steps"] = warmup;
    out["samples_s"] = samples;
    out["images_per_second"] = static_cast<double>(batch_size) / median(samples);
    out["mean_loss"] = loss_sum / (warmup + repeats);
    out["peak_rss_mib"] = peak_rss_mib();
    std::cout << out.dump(2) << '\n';
  } catch (const std::exception& e) {
    std::cerr << "bench_training: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
