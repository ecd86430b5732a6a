#include "galaxyzoo/images/preprocess.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/folder_listing.hpp"
#include "galaxyzoo/core/parallel.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

// Records, beside the outputs, the options they were made with: outputs are only "up to
// date" if they were made with the options of this run.
constexpr const char* kStampName = ".galaxyzoo-preprocess.json";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string stamp_of(const PreprocessOptions& o) {
  nlohmann::json j;
  j["geometry"] = static_cast<int>(o.geometry);
  j["crop_size"] = o.crop_size;
  j["output_size"] = o.output_size;
  j["jpeg_quality"] = o.jpeg_quality;
  j["stretch"] = static_cast<int>(o.read.stretch);
  j["asinh_softening"] = o.read.asinh_softening;
  return j.dump();
}

bool is_up_to_date(const fs::path& input, const fs::path& output) {
  std::error_code ec;
  const auto out_time = fs::last_write_time(output, ec);
  if (ec) return false;
  const auto in_time = fs::last_write_time(input, ec);
  return !ec && out_time >= in_time;
}

Image crop_center(const Image& image, int size) {
  if (image.width < size || image.height < size) {
    throw Error("image of " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                " is smaller than the " + std::to_string(size) + " x " + std::to_string(size) +
                " crop");
  }
  Image out(size, size, image.bands);
  const int left = (image.width - size) / 2;
  const int top = (image.height - size) / 2;
  const std::size_t row_bytes = static_cast<std::size_t>(size) * image.bands;
  for (int y = 0; y < size; ++y) {
    const auto* from =
        &image.pixels[(static_cast<std::size_t>(top + y) * image.width + left) * image.bands];
    std::copy(from, from + row_bytes, &out.pixels[static_cast<std::size_t>(y) * row_bytes]);
  }
  return out;
}

std::string bands_problem(int bands) {
  switch (bands) {
    case 1:
      return "1 band (grey)";
    case 2:
      return "2 bands (grey with alpha)";
    case 4:
      return "4 bands (RGBA or CMYK)";
    default:
      return std::to_string(bands) + " bands";
  }
}

}  // namespace

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  Shard shard;
  auto number = [](std::string_view s, int& value) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), shard.index) ||
      !number(text.substr(slash + 1), shard.count) || shard.count < 1 || shard.index < 0 ||
      shard.index >= shard.count) {
    throw Error("shard '" + std::string(text) + "': expected i/n with 0 <= i < n, e.g. 0/4");
  }
  return shard;
}

std::string PreprocessReport::summary() const {
  std::ostringstream out;
  out << inputs << " files: " << written << " written, " << up_to_date << " already up to date, "
      << failures.size() << " failed";
  if (seconds > 0 && written > 0)
    out << " (" << static_cast<int>(written / seconds) << " images/s)";
  out << '\n';
  for (const auto& f : failures) out << "  FAILED " << f.reason << '\n';
  return out.str();
}

Preprocessor::Preprocessor(PreprocessOptions options) : options_(std::move(options)) {
  const auto& o = options_;
  if (o.crop_size < 1 || o.output_size < 1)
    throw Error("Preprocessor: crop_size and output_size must be at least 1");
  if (o.jpeg_quality < 1 || o.jpeg_quality > 100)
    throw Error("Preprocessor: jpeg_quality must be 1-100");
  if (o.shard.count < 1 || o.shard.index < 0 || o.shard.index >= o.shard.count) {
    throw Error("Preprocessor: shard " + std::to_string(o.shard.index) + "/" +
                std::to_string(o.shard.count) + " is not valid (0 <= i < n)");
  }
}

Image Preprocessor::apply(const Image& image) const {
  switch (options_.geometry) {
    case Geometry::center_crop:
      return crop_center(image, options_.crop_size);
    case Geometry::resize:
      return resize(image, options_.output_size, options_.output_size);
    case Geometry::crop_then_resize:
      return resize(crop_center(image, options_.crop_size), options_.output_size,
                    options_.output_size);
  }
  return image;
}

fs::path Preprocessor::output_name(const fs::path& input) const {
  fs::path stem = input.stem();
  if (lower(input.extension().string()) == ".fz") stem = stem.stem();  // x.fits.fz is x's image
  return stem.string() + (options_.proc_suffix ? "_proc.jpg" : ".jpg");
}

void Preprocessor::process_file(const fs::path& input, const fs::path& output) const {
  // Crops are decoded directly (only the centre of a JPEG is decompressed).
  ReadOptions read = options_.read;
  if (options_.geometry != Geometry::resize)
    read.crop_width = read.crop_height = options_.crop_size;
  ImageInfo info;
  Image image = read_image(input, read, &info);

  const int expected = options_.expected_input_size;
  if (expected > 0 && (info.width != expected || info.height != expected)) {
    throw InputError(input, 0, "",
                     "expected a " + std::to_string(expected) + " x " + std::to_string(expected) +
                         " image, got " + std::to_string(info.width) + " x " +
                         std::to_string(info.height));
  }
  if (info.format == "fits" && image.bands == 1) {
    // Single-band survey cutouts become grey RGB.
    Image rgb(image.width, image.height, 3);
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
      rgb.pixels[3 * i] = rgb.pixels[3 * i + 1] = rgb.pixels[3 * i + 2] = image.pixels[i];
    }
    image = std::move(rgb);
  } else if (image.bands != 3) {
    throw InputError(input, 0, "",
                     "expected an RGB image (3 bands), got " + bands_problem(image.bands));
  }
  if (options_.geometry != Geometry::center_crop)
    image = resize(image, options_.output_size, options_.output_size);
  write_jpeg(image, output, options_.jpeg_quality);
}

PreprocessReport Preprocessor::run(const std::vector<fs::path>& inputs,
                                   const fs::path& output_dir) const {
  const auto start = std::chrono::steady_clock::now();
  prepare_output_folder(output_dir);

  // Outputs count as up to date only if the stamp says they were made with these options.
  // A stale stamp is removed before anything is written, so an interrupted run cannot
  // leave new and old outputs under a stamp that vouches for both.
  const fs::path stamp_file = output_dir / kStampName;
  const std::string stamp = stamp_of(options_);
  const bool same_options = stamp_matches(stamp_file, stamp);

  std::vector<fs::path> mine;
  for (std::size_t k = 0; k < inputs.size(); ++k) {
    if (static_cast<int>(k % static_cast<std::size_t>(options_.shard.count)) ==
        options_.shard.index)
      mine.push_back(inputs[k]);
  }

  PreprocessReport report;
  report.inputs = mine.size();
  std::vector<std::string> reasons(mine.size());
  std::vector<char> skipped(mine.size(), 0);
  parallel_for(
      mine.size(), options_.num_workers,
      [&](std::size_t i) {
        const fs::path output = output_dir / output_name(mine[i]);
        if (options_.skip_up_to_date && same_options && is_up_to_date(mine[i], output)) {
          skipped[i] = 1;
          return;
        }
        try {
          process_file(mine[i], output);
        } catch (const std::exception& e) {
          reasons[i] = e.what();
        }
      },
      options_.on_progress);

  for (std::size_t i = 0; i < mine.size(); ++i) {
    if (!reasons[i].empty()) {
      report.failures.push_back({mine[i], reasons[i]});
    } else if (skipped[i]) {
      ++report.up_to_date;
    } else {
      ++report.written;
    }
  }
  try {
    write_file_atomically(stamp_file, stamp);
  } catch (const IoError& e) {
    // The stamp is the last write: when it fails (a full disk), say what else failed too.
    if (report.failures.empty()) throw;
    throw IoError(stamp_file, std::string(e.what()) + "; and " +
                                  std::to_string(report.failures.size()) + " of " +
                                  std::to_string(mine.size()) + " images failed, the first " +
                                  report.failures.front().reason);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::vector<fs::path> list_images(const fs::path& folder, std::string_view prefix,
                                  std::vector<SkippedEntry>* skipped) {
  const auto is_image = [prefix](const std::string& name) {
    std::string ext = lower(fs::path(name).extension().string());
    if (ext == ".fz") ext = lower(fs::path(name).stem().extension().string());  // .fits.fz
    return name.compare(0, prefix.size(), prefix) == 0 &&
           (ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".tif" || ext == ".tiff" ||
            ext == ".fits" || ext == ".fit");
  };
  FolderListing listing = list_folder(folder, is_image, "input folder");
  if (skipped == nullptr) {
    listing.require_no_skipped();
  } else {
    skipped->insert(skipped->end(), listing.skipped.begin(), listing.skipped.end());
  }
  if (listing.files.empty() && listing.skipped.empty()) {
    throw IoError(folder, prefix.empty()
                              ? "no images (.jpg, .jpeg, .png, .tif, .tiff, .fits, .fit, "
                                ".fits.fz) in the input folder"
                              : "no images whose names start with '" + std::string(prefix) +
                                    "' in the input folder");
  }
  return std::move(listing.files);
}

}  // namespace galaxyzoo
