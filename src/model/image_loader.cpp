#include "galaxyzoo/model/image_loader.hpp"

#include <torch/cuda.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <numeric>
#include <thread>
#include <unordered_map>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/folder_listing.hpp"
#include "galaxyzoo/core/parallel.hpp"
#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/images/augment.hpp"
#include "galaxyzoo/images/image.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

// A generator for (seed, a, b): independent streams per epoch and image.
Rng stream(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  std::uint64_t state = seed ^ (0x9e3779b97f4a7c15ULL * (a + 1));
  state = splitmix64(state) ^ (0xd1b54a32d192ed03ULL * (b + 1));
  return Rng(splitmix64(state));
}

// Parses "{split}_class_{label}_{counter}[_proc].jpg" (or .fits, .fits.fz); returns the
// label or -1.
int label_of(const std::string& name, const std::string& split) {
  const std::string prefix = split + "_class_";
  if (name.compare(0, prefix.size(), prefix) != 0) return -1;
  int label = -1;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size();
  const auto [end, ec] = std::from_chars(first, last, label);
  if (ec != std::errc() || end == last || *end != '_') return -1;
  std::size_t counter = 0;
  const auto [end2, ec2] = std::from_chars(end + 1, last, counter);
  if (ec2 != std::errc()) return -1;
  const std::string_view rest(end2, static_cast<std::size_t>(last - end2));
  for (const char* ending : {".jpg", "_proc.jpg", ".fits", ".fits.fz"})
    if (rest == ending) return label;
  return -1;
}

}  // namespace

std::vector<LabeledImage> list_labeled_images(const fs::path& folder,
                                              const std::vector<std::string>& splits) {
  for (const auto& s : splits) {
    if (s != "train" && s != "val" && s != "test")
      throw Error("unknown split '" + s + "': expected train, val or test");
  }
  // The label of @p name in the first split it belongs to, or -1.
  const auto label_in_splits = [&splits](const std::string& name) {
    for (const auto& s : splits) {
      const int label = label_of(name, s);
      if (label >= 0) return label;
    }
    return -1;
  };
  const FolderListing listing = list_folder(
      folder, [&](const std::string& name) { return label_in_splits(name) >= 0; }, "data folder");
  listing.require_no_skipped();  // an image left out would change training or evaluation
  std::vector<LabeledImage> out;
  out.reserve(listing.files.size());
  for (const auto& file : listing.files)
    out.push_back({file, label_in_splits(file.filename().string()), {}});
  return out;
}

struct ImageLoader::State {
  std::vector<LabeledImage> images;
  ImageLoaderOptions options;
  std::size_t batches = 0;
  std::size_t shard = 0;  // images per rank and epoch

  std::mutex mutex;
  std::condition_variable work_available;   // workers wait here
  std::condition_variable batch_available;  // next() waits here
  bool stop = false;
  std::uint64_t generation = 0;  // bumped by start_epoch(): older work is dropped
  std::int64_t epoch = -1;
  std::shared_ptr<const std::vector<std::size_t>> order;
  std::size_t next_to_build = 0;
  std::size_t next_to_hand_out = 0;
  std::map<std::size_t, std::pair<Batch, std::exception_ptr>> ready;
  std::vector<std::thread> workers;

  mutable std::mutex cache_mutex;
  std::unordered_map<std::size_t, Image> cache;
  std::size_t cache_used = 0;

  // The decoded image @p i at the loader's size, from the cache if it is there.
  Image decoded(std::size_t i) {
    if (options.cache_bytes > 0) {
      std::lock_guard<std::mutex> lock(cache_mutex);
      const auto it = cache.find(i);
      if (it != cache.end()) return it->second;
    }
    ReadOptions read = options.read;
    read.crop_width = read.crop_height = options.center_crop;
    read.fits.grey_to_rgb = true;
    Image img = read_image(images[i].file, read);
    if (img.bands != 3) {
      throw InputError(images[i].file, 0, "",
                       "expected an RGB image (3 bands), got " + std::to_string(img.bands));
    }
    if (img.width != options.image_size || img.height != options.image_size) {
      img = resize(img, options.image_size, options.image_size);
    }
    if (options.cache_bytes > 0) {
      std::lock_guard<std::mutex> lock(cache_mutex);
      if (cache_used + img.pixels.size() <= options.cache_bytes && cache.count(i) == 0) {
        cache_used += img.pixels.size();
        cache.emplace(i, img);
      }
    }
    return img;
  }

  // Writes image @p i, transformed for @p epoch if training, into @p out (3 x S x S floats).
  void fill(std::size_t i, std::int64_t for_epoch, float* out) {
    Image img = decoded(i);
    const int s = options.image_size;
    const std::size_t plane = static_cast<std::size_t>(s) * s;
    double brightness = 1, contrast = 1;
    bool flip_x = false, flip_y = false;
    if (options.train_transforms) {
      Rng rng = stream(options.seed, static_cast<std::uint64_t>(for_epoch), i);
      brightness = options.brightness_min +
                   (options.brightness_max - options.brightness_min) * rng.uniform();
      contrast =
          options.contrast_min + (options.contrast_max - options.contrast_min) * rng.uniform();
      flip_x = rng.uniform() < 0.5;
      flip_y = rng.uniform() < 0.5;
      if (options.rotations) {
        Augmentation turn;
        turn.angle = 360 * rng.uniform();
        img = Augmenter::apply(img, turn);
      }
    }
    // To floats in [0, 1], flipped, with the brightness factor applied.
    double grey_sum = 0;
    for (int y = 0; y < s; ++y) {
      for (int x = 0; x < s; ++x) {
        const std::size_t to =
            static_cast<std::size_t>(flip_y ? s - 1 - y : y) * s + (flip_x ? s - 1 - x : x);
        float rgb[3];
        for (int c = 0; c < 3; ++c) {
          rgb[c] = std::min(1.0f, static_cast<float>(img.at(x, y, c) / 255.0 * brightness));
          out[c * plane + to] = rgb[c];
        }
        grey_sum += 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
      }
    }
    // Contrast about the mean grey level (as torchvision's adjust_contrast), then the
    // ImageNet normalisation.
    const float mean_grey = static_cast<float>(grey_sum / plane);
    for (int c = 0; c < 3; ++c) {
      float* p = out + c * plane;
      for (std::size_t k = 0; k < plane; ++k) {
        float v = p[k];
        if (contrast != 1)
          v = std::clamp(static_cast<float>((v - mean_grey) * contrast + mean_grey), 0.0f, 1.0f);
        p[k] = (v - kImageNetMean[c]) / kImageNetStd[c];
      }
    }
  }

  Batch build(std::size_t b, const std::vector<std::size_t>& ord, std::int64_t for_epoch) {
    const std::size_t first = b * options.batch_size;
    const std::size_t n = std::min(options.batch_size, ord.size() - first);
    const int s = options.image_size;
    auto tensor_options = torch::TensorOptions().dtype(torch::kFloat32);
    if (options.pin_memory && torch::cuda::is_available())
      tensor_options = tensor_options.pinned_memory(true);
    Batch batch;
    batch.images = torch::empty({static_cast<std::int64_t>(n), 3, s, s}, tensor_options);
    batch.labels = torch::empty({static_cast<std::int64_t>(n)}, torch::kInt64);
    float* data = batch.images.data_ptr<float>();
    auto* labels = batch.labels.data_ptr<std::int64_t>();
    const auto classes = static_cast<std::int64_t>(images.front().target.size());
    if (classes > 0) batch.targets = torch::empty({static_cast<std::int64_t>(n), classes});
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = ord[first + k];
      fill(i, for_epoch, data + k * 3 * static_cast<std::size_t>(s) * s);
      labels[k] = images[i].label;
      if (classes > 0) {
        std::copy(images[i].target.begin(), images[i].target.end(),
                  batch.targets.data_ptr<float>() + static_cast<std::int64_t>(k) * classes);
      }
    }
    return batch;
  }

  void work() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      work_available.wait(lock, [&] {
        return stop || (order && next_to_build < batches &&
                        next_to_build < next_to_hand_out + options.prefetch_batches);
      });
      if (stop) return;
      const std::size_t b = next_to_build++;
      const std::uint64_t my_generation = generation;
      const auto my_order = order;
      const std::int64_t my_epoch = epoch;
      lock.unlock();
      std::pair<Batch, std::exception_ptr> result;
      try {
        result.first = build(b, *my_order, my_epoch);
      } catch (...) {
        result.second = std::current_exception();
      }
      lock.lock();
      if (my_generation == generation) {
        ready.emplace(b, std::move(result));
        batch_available.notify_all();
      }
    }
  }
};

ImageLoader::ImageLoader(std::vector<LabeledImage> images, ImageLoaderOptions options)
    : state_(std::make_unique<State>()) {
  if (images.empty()) throw Error("ImageLoader: no images");
  if (options.image_size < 1 || options.batch_size < 1 || options.prefetch_batches < 1 ||
      options.center_crop < 0) {
    throw Error(
        "ImageLoader: image_size, batch_size and prefetch_batches must be at least 1, center_crop "
        "not negative");
  }
  if (!(options.brightness_min >= 0 && options.brightness_min <= options.brightness_max &&
        options.contrast_min >= 0 && options.contrast_min <= options.contrast_max)) {
    throw Error("ImageLoader: colour jitter ranges must be non-negative and ordered");
  }
  for (const auto& image : images) {
    if (image.target.size() != images.front().target.size()) {
      throw Error("ImageLoader: '" + image.file.string() + "' has a soft target of " +
                  std::to_string(image.target.size()) + " classes, '" +
                  images.front().file.string() + "' one of " +
                  std::to_string(images.front().target.size()));
    }
  }
  state_->images = std::move(images);
  state_->options = options;
  if (options.world_size < 1 || options.rank < 0 || options.rank >= options.world_size) {
    throw Error("ImageLoader: rank " + std::to_string(options.rank) + " outside world_size " +
                std::to_string(options.world_size));
  }
  const std::size_t world = static_cast<std::size_t>(options.world_size);
  const std::size_t all = state_->images.size();
  // Drop evenly (never below one image per rank) or pad to a multiple of the world size.
  const std::size_t n = options.drop_last && all >= world ? all / world : (all + world - 1) / world;
  state_->shard = n;
  state_->batches = options.drop_last && n >= options.batch_size
                        ? n / options.batch_size
                        : (n + options.batch_size - 1) / options.batch_size;
  const int threads = thread_count(options.num_workers);
  for (int t = 0; t < threads; ++t) state_->workers.emplace_back([this] { state_->work(); });
}

ImageLoader::~ImageLoader() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stop = true;
  }
  state_->work_available.notify_all();
  for (auto& t : state_->workers) t.join();
}

std::size_t ImageLoader::size() const noexcept { return state_->images.size(); }
std::size_t ImageLoader::shard_size() const noexcept { return state_->shard; }
std::size_t ImageLoader::batches_per_epoch() const noexcept { return state_->batches; }
const std::vector<LabeledImage>& ImageLoader::images() const noexcept { return state_->images; }

std::size_t ImageLoader::cached_bytes() const {
  std::lock_guard<std::mutex> lock(state_->cache_mutex);
  return state_->cache_used;
}

void ImageLoader::start_epoch(std::int64_t epoch, std::size_t first_batch) {
  auto order = std::make_shared<std::vector<std::size_t>>(state_->images.size());
  std::iota(order->begin(), order->end(), std::size_t{0});
  if (state_->options.shuffle) {
    Rng rng = stream(state_->options.seed, static_cast<std::uint64_t>(epoch), ~std::uint64_t{0});
    rng.shuffle(*order);
  }
  const auto& o = state_->options;
  if (o.world_size > 1) {
    // This rank's shard: every world_size-th image from rank on, the order padded
    // cyclically (or cut) to shard * world_size.
    auto mine = std::make_shared<std::vector<std::size_t>>();
    mine->reserve(state_->shard);
    const std::size_t world = static_cast<std::size_t>(o.world_size);
    for (std::size_t k = 0; k < state_->shard; ++k) {
      mine->push_back((*order)[(k * world + static_cast<std::size_t>(o.rank)) % order->size()]);
    }
    order = std::move(mine);
  }
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->generation;
    state_->epoch = epoch;
    state_->order = std::move(order);
    state_->next_to_build = std::min(first_batch, state_->batches);
    state_->next_to_hand_out = state_->next_to_build;
    state_->ready.clear();
  }
  state_->work_available.notify_all();
}

std::optional<Batch> ImageLoader::next() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (!state_->order) throw Error("ImageLoader::next: call start_epoch() first");
  if (state_->next_to_hand_out >= state_->batches) return std::nullopt;
  const std::size_t b = state_->next_to_hand_out;
  state_->batch_available.wait(lock, [&] { return state_->ready.count(b) > 0; });
  auto node = state_->ready.extract(b);
  ++state_->next_to_hand_out;
  lock.unlock();
  state_->work_available.notify_all();
  if (node.mapped().second) std::rethrow_exception(node.mapped().second);
  return std::move(node.mapped().first);
}

}  // namespace galaxyzoo
