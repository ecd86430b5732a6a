// gpu_bench: the throughput measurements of the GPU check (scripts/gpu-check.sh), each
// printed as one JSON object on standard output.
//
//   gpu_bench data FOLDER IMAGES SIZE THREADS         # IMAGES synthetic JPEGs, 5 classes
//   gpu_bench train FOLDER DEVICE SIZE BATCH FREEZE BF16 WORKERS EPOCHS
//   gpu_bench classify FOLDER DEVICE SIZE BATCH WORKERS
//   gpu_bench loader FOLDER SIZE BATCH WORKERS
//
// train: the library's Trainer on the folder's train images through the ImageLoader with
// its decoded-image cache (as train_model trains), VGG16 frozen before FREEZE, bfloat16
// autocast when BF16 is 1; the rate is the last epoch's (the first fills the cache and
// lets cuDNN choose its algorithms). classify: GalaxyClassifier::classify_files, second
// pass timed. loader: one epoch of decoding, jitter and flips with no cache.
#include <galaxyzoo/core/parallel.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/trainer.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace gz = galaxyzoo;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A smooth galaxy-like blob of class-dependent colour and shape, with a little noise.
void write_data(const std::string& folder, int images, int size, int threads) {
  const auto start = std::chrono::steady_clock::now();
  gz::parallel_for(static_cast<std::size_t>(images), threads, [&](std::size_t i) {
    const int label = static_cast<int>(i % 5);
    gz::Image img(size, size, 3);
    const double c = size / 2.0, r = size * (0.1 + 0.05 * label);
    for (int y = 0; y < size; ++y) {
      for (int x = 0; x < size; ++x) {
        const double d2 = ((x - c) * (x - c) * (1 + 0.3 * label) + (y - c) * (y - c)) / (r * r);
        const double v = 255 * std::exp(-d2) + static_cast<double>((x * 7 + y * 13 + i) % 9);
        for (int b = 0; b < 3; ++b)
          img.at(x, y, b) = static_cast<std::uint8_t>(std::min(255.0, v * (0.6 + 0.15 * b)));
      }
    }
    const std::string split = i % 8 == 7 ? "val" : "train";
    gz::write_jpeg(img, folder + "/" + split + "_class_" + std::to_string(label) + "_" +
                            std::to_string(i) + "_proc.jpg");
  });
  std::printf("{\"images\": %d, \"seconds\": %.3f}\n", images, seconds_since(start));
}

gz::ImageLoaderOptions loader_options(int size, std::size_t batch, int workers, bool cuda) {
  gz::ImageLoaderOptions o;
  o.image_size = size;
  o.batch_size = batch;
  o.num_workers = workers;
  o.shuffle = true;
  o.drop_last = true;
  o.train_transforms = true;
  o.pin_memory = cuda;
  return o;
}

void train(const std::string& folder, const std::string& device_spec, int size, std::size_t batch,
           std::int64_t freeze, bool bf16, int workers, std::int64_t epochs) {
  gz::TrainerOptions options;
  options.device = gz::select_device(device_spec);
  options.mixed_precision = bf16;
  options.epochs = epochs;
  options.patience = 0;
  auto loader_opts = loader_options(size, batch, workers, options.device.is_cuda());
  loader_opts.cache_bytes = std::size_t{1} << 36;  // every image: the rate is the GPU's
  gz::ImageLoader loader(gz::list_labeled_images(folder, {"train"}), loader_opts);
  torch::manual_seed(1);
  gz::VGG16Classifier model(gz::VGG16ClassifierOptions(5).image_size(size).freeze_before(freeze));
  gz::Trainer trainer(model, options);
  const auto result = trainer.fit(loader);
  const auto& last = result.history.back();
  std::printf(
      "{\"images_per_second\": %.2f, \"batch\": %zu, \"batches\": %zu, \"train_loss\": %.5f}\n",
      last.images_per_second, batch, loader.batches_per_epoch(), last.train_loss);
}

void classify(const std::string& folder, const std::string& device_spec, int size,
              std::size_t batch, int workers) {
  std::vector<std::filesystem::path> files;
  for (const auto& image : gz::list_labeled_images(folder, {"train", "val"}))
    files.push_back(image.file);
  torch::manual_seed(1);
  gz::VGG16Classifier model(gz::VGG16ClassifierOptions(5).image_size(size));
  gz::GalaxyClassifier classifier(model, {"0", "1", "2", "3", "4"}, gz::select_device(device_spec));
  gz::ClassifyOptions options;
  options.batch_size = batch;
  options.num_workers = workers;
  classifier.classify_files(files, options);
  const auto start = std::chrono::steady_clock::now();
  const auto p = classifier.classify_files(files, options);
  const double s = seconds_since(start);
  std::printf("{\"images_per_second\": %.2f, \"images\": %zu}\n", p.size() / s, p.size());
}

void load(const std::string& folder, int size, std::size_t batch, int workers) {
  gz::ImageLoader loader(gz::list_labeled_images(folder, {"train", "val"}),
                         loader_options(size, batch, workers, false));
  loader.start_epoch(0);
  const auto start = std::chrono::steady_clock::now();
  std::size_t images = 0;
  while (const auto b = loader.next()) images += static_cast<std::size_t>(b->images.size(0));
  const double s = seconds_since(start);
  std::printf("{\"images_per_second\": %.2f, \"images\": %zu, \"workers\": %d}\n", images / s,
              images, workers);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> a(argv + 1, argv + argc);
  const std::string mode = a.empty() ? "" : a[0];
  try {
    if (mode == "data" && a.size() == 5) {
      write_data(a[1], std::stoi(a[2]), std::stoi(a[3]), std::stoi(a[4]));
    } else if (mode == "train" && a.size() == 9) {
      train(a[1], a[2], std::stoi(a[3]), std::stoul(a[4]), std::stoll(a[5]), a[6] == "1",
            std::stoi(a[7]), std::stoll(a[8]));
    } else if (mode == "classify" && a.size() == 6) {
      classify(a[1], a[2], std::stoi(a[3]), std::stoul(a[4]), std::stoi(a[5]));
    } else if (mode == "loader" && a.size() == 5) {
      load(a[1], std::stoi(a[2]), std::stoul(a[3]), std::stoi(a[4]));
    } else {
      std::fprintf(stderr, "usage: see the comment at the top of tests/gpu/gpu_bench.cpp\n");
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gpu_bench %s: %s\n", mode.c_str(), e.what());
    return 1;
  }
  return 0;
}
