#include "galaxyzoo/images/augment.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/folder_listing.hpp"
#include "galaxyzoo/core/parallel.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

constexpr double kPi = 3.14159265358979323846;

// The original's recipes: A with probability 0.51, B otherwise.
constexpr double kAngleA = 130, kScaleA = 0.80;
constexpr double kAngleB = 70, kScaleB = 1.15;
// Recipe A's window is given in pixels of a 256-pixel image.
constexpr double kWindowBase = 256;

// Generator of output i: independent of the others, so any output can be made alone.
std::uint64_t seed_of(std::uint64_t seed, std::size_t i) {
  std::uint64_t state = seed ^ (0x9e3779b97f4a7c15ULL * (i + 1));
  return splitmix64(state);
}

// Bilinear sample of band c at (x, y), black outside the image (as OpenCV's
// BORDER_CONSTANT: a pixel half outside blends with black).
double sample(const Image& img, double x, double y, int c) {
  const int x0 = static_cast<int>(std::floor(x));
  const int y0 = static_cast<int>(std::floor(y));
  const double fx = x - x0, fy = y - y0;
  auto at = [&](int xi, int yi) -> double {
    return xi < 0 || yi < 0 || xi >= img.width || yi >= img.height ? 0.0 : img.at(xi, yi, c);
  };
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
         fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

// Recipe A's second half: the window of @p rotated (rows and columns window_first..
// window_last of 256), resampled back to the full size.
Image window_resized(const Image& rotated, const Augmentation& t) {
  const auto edge = [](int pixel, int size) {
    return static_cast<int>(std::lround(pixel * size / kWindowBase));
  };
  const int left = edge(t.window_first, rotated.width);
  const int top = edge(t.window_first, rotated.height);
  const int width = edge(t.window_last + 1, rotated.width) - left;
  const int height = edge(t.window_last + 1, rotated.height) - top;
  if (width <= 0 || height <= 0 || left + width > rotated.width || top + height > rotated.height) {
    throw Error("Augmenter: the window " + std::to_string(t.window_first) + ".." +
                std::to_string(t.window_last) + " is empty or outside a " +
                std::to_string(rotated.width) + " x " + std::to_string(rotated.height) + " image");
  }
  Image window(width, height, rotated.bands);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int b = 0; b < rotated.bands; ++b) window.at(x, y, b) = rotated.at(left + x, top + y, b);
    }
  }
  return resample(window, rotated.width, rotated.height, t.resampling);
}

std::string stamp_of(const AugmenterOptions& o, const std::vector<fs::path>& inputs) {
  nlohmann::json j;
  j["recipe_a_probability"] = o.recipe_a_probability;
  j["any_angle"] = o.any_angle;
  j["flips"] = o.flips;
  j["max_zoom"] = o.max_zoom;
  j["max_shift"] = o.max_shift;
  j["seed"] = o.seed;
  j["first_number"] = o.first_number;
  j["jpeg_quality"] = o.jpeg_quality;
  // Only settings other than those of the files made before they were options, so that
  // such files still count as up to date.
  if (o.window_first != 50 || o.window_last != 204) {
    j["window"] = {o.window_first, o.window_last};
  }
  if (o.resampling != Resampling::lanczos3) j["resampling"] = to_string(o.resampling);
  auto& files = j["inputs"] = nlohmann::json::array();
  for (const auto& p : inputs) {
    std::error_code ec;
    files.push_back({p.filename().string(), static_cast<std::int64_t>(fs::file_size(p, ec))});
  }
  return j.dump();
}

}  // namespace

Augmenter::Augmenter(AugmenterOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  if (!(o.recipe_a_probability >= 0 && o.recipe_a_probability <= 1))
    throw Error("Augmenter: recipe_a_probability must be in [0, 1]");
  if (o.max_zoom < 0 || o.max_zoom >= 1 || o.max_shift < 0 || o.max_shift >= 0.5) {
    throw Error("Augmenter: max_zoom must be in [0, 1) and max_shift in [0, 0.5)");
  }
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100)
    throw Error("Augmenter: jpeg_quality must be 1-100");
  if (o.first_number < 0) throw Error("Augmenter: first_number must not be negative");
  if (o.window_first < 0 || o.window_first > o.window_last || o.window_last > 255) {
    throw Error("Augmenter: the window " + std::to_string(o.window_first) + ".." +
                std::to_string(o.window_last) + " must satisfy 0 <= first <= last <= 255");
  }
}

Augmentation Augmenter::draw(Rng& rng) const {
  Augmentation t;
  t.crop_and_resize = rng.uniform() < options_.recipe_a_probability;
  t.angle = t.crop_and_resize ? kAngleA : kAngleB;
  t.scale = t.crop_and_resize ? kScaleA : kScaleB;
  t.window_first = options_.window_first;
  t.window_last = options_.window_last;
  t.resampling = options_.resampling;
  if (options_.any_angle) t.angle = std::fmod(t.angle + 360 * rng.uniform(), 360.0);
  if (options_.flips) {
    t.flip_horizontal = rng.uniform() < 0.5;
    t.flip_vertical = rng.uniform() < 0.5;
  }
  if (options_.max_zoom > 0) t.scale *= 1 + options_.max_zoom * (2 * rng.uniform() - 1);
  if (options_.max_shift > 0) {
    t.shift_x = options_.max_shift * (2 * rng.uniform() - 1);
    t.shift_y = options_.max_shift * (2 * rng.uniform() - 1);
  }
  return t;
}

Image Augmenter::apply(const Image& image, const Augmentation& t) {
  if (image.width <= 0 || image.height <= 0) throw Error("Augmenter: empty image");
  // Rotation by t.angle (counter-clockwise on screen, where y points down) and scaling
  // about the centre, as OpenCV's getRotationMatrix2D + warpAffine: each output pixel
  // samples the source at the inverse transform of its position.
  const double cx = image.width / 2.0, cy = image.height / 2.0;
  const double radians = t.angle * kPi / 180;
  const double c = std::cos(radians) / t.scale, s = std::sin(radians) / t.scale;
  const double sx = t.shift_x * image.width, sy = t.shift_y * image.height;
  Image out(image.width, image.height, image.bands);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const double dx = x - cx - sx, dy = y - cy - sy;
      double u = c * dx - s * dy + cx;
      double v = s * dx + c * dy + cy;
      if (t.flip_horizontal) u = image.width - 1 - u;
      if (t.flip_vertical) v = image.height - 1 - v;
      for (int b = 0; b < image.bands; ++b) {
        out.at(x, y, b) =
            static_cast<std::uint8_t>(std::lround(std::min(255.0, sample(image, u, v, b))));
      }
    }
  }
  return t.crop_and_resize ? window_resized(out, t) : out;
}

AugmentReport Augmenter::run(const std::vector<fs::path>& inputs, std::size_t num,
                             const fs::path& output_dir, const std::string& name_prefix) const {
  if (inputs.empty()) throw Error("Augmenter: no input images for '" + name_prefix + "'");
  const auto start = std::chrono::steady_clock::now();
  prepare_output_folder(output_dir);

  // Outputs of an earlier run count only if its options and inputs were the same; a
  // stale record is removed before anything is written.
  const fs::path stamp_file = output_dir / (".galaxyzoo-augment-" + name_prefix + ".json");
  const std::string stamp = stamp_of(options_, inputs);
  const bool same = stamp_matches(stamp_file, stamp);

  AugmentReport report;
  for (std::size_t i = 0; i < num; ++i) {
    const std::string number = std::to_string(static_cast<std::size_t>(options_.first_number) + i);
    report.files.push_back(
        output_dir / (name_prefix + "_" + number + (options_.proc_suffix ? "_proc.jpg" : ".jpg")));
    report.sources.push_back(inputs[i % inputs.size()]);
  }
  std::vector<char> skipped(num, 0);
  parallel_for(
      num, options_.num_workers,
      [&](std::size_t i) {
        if (same && fs::exists(report.files[i])) {
          skipped[i] = 1;
          return;
        }
        const fs::path& input = report.sources[i];
        const Image source = read_image(input);
        if (source.bands != 3) {
          throw InputError(input, 0, "",
                           "expected an RGB image (3 bands), got " + std::to_string(source.bands));
        }
        Rng rng(seed_of(options_.seed, i));
        write_jpeg(augment(source, rng), report.files[i], options_.jpeg_quality);
      },
      options_.on_progress);
  for (const char s : skipped) s ? ++report.up_to_date : ++report.written;
  write_file_atomically(stamp_file, stamp);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::vector<fs::path> augmentation_inputs(const fs::path& folder, const std::string& class_str,
                                          int first_number) {
  const std::string prefix = "train_" + class_str + "_";
  // The number of a `train_<class_str>_<n>_proc.jpg` name, or -1.
  const auto number_of = [&prefix](const std::string& name) -> long {
    if (name.compare(0, prefix.size(), prefix) != 0) return -1;
    const std::string_view rest(name.data() + prefix.size(), name.size() - prefix.size());
    long n = -1;
    const auto [end_of_number, error] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
    const std::string_view suffix(
        end_of_number, static_cast<std::size_t>(rest.data() + rest.size() - end_of_number));
    return error == std::errc() && suffix == "_proc.jpg" ? n : -1;
  };
  const FolderListing listing = list_folder(folder, [&](const std::string& name) {
    const long n = number_of(name);
    return n >= 0 && n < first_number;
  });
  listing.require_no_skipped();  // an input left out would change the augmented set
  std::vector<std::pair<long, fs::path>> numbered;
  for (const auto& file : listing.files)
    numbered.emplace_back(number_of(file.filename().string()), file);
  std::sort(numbered.begin(), numbered.end());
  std::vector<fs::path> files;
  for (auto& [n, path] : numbered) files.push_back(std::move(path));
  return files;
}

std::size_t remove_augmented(const fs::path& folder, const std::string& name_prefix,
                             int first_number) {
  std::error_code ec;
  if (!fs::exists(folder, ec)) return 0;
  const std::string prefix = name_prefix + "_";
  std::vector<fs::path> doomed;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const char* first = name.data() + prefix.size();
    const char* last = name.data() + name.size();
    long n = -1;
    const auto [end_of_number, error] = std::from_chars(first, last, n);
    const std::string_view suffix(end_of_number, static_cast<std::size_t>(last - end_of_number));
    if (error == std::errc() && n >= first_number && (suffix == "_proc.jpg" || suffix == ".jpg")) {
      doomed.push_back(it->path());
    }
  }
  if (ec) throw IoError(folder, "cannot list folder: " + ec.message());
  for (const auto& file : doomed) {
    if (!fs::remove(file, ec) && ec) throw IoError(file, "cannot remove: " + ec.message());
  }
  fs::remove(folder / (".galaxyzoo-augment-" + name_prefix + ".json"), ec);
  return doomed.size();
}

}  // namespace galaxyzoo
