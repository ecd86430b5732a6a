#include "galaxyzoo/images/resample.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

// The source pixels one output pixel of an axis covers, and their weights (overlap with
// the output pixel's footprint over the footprint's length; they sum to 1).
struct Taps {
  int first = 0;
  std::vector<double> weights;
};

// The taps of each of @p dst output pixels over an axis of @p src source pixels.
std::vector<Taps> area_taps(int src, int dst) {
  const double scale = static_cast<double>(src) / dst;
  std::vector<Taps> taps(static_cast<std::size_t>(dst));
  for (int d = 0; d < dst; ++d) {
    const double low = d * scale;
    const double high = std::min((d + 1) * scale, static_cast<double>(src));
    Taps& t = taps[static_cast<std::size_t>(d)];
    t.first = std::min(static_cast<int>(std::floor(low)), src - 1);
    const int last = std::clamp(static_cast<int>(std::ceil(high)) - 1, t.first, src - 1);
    for (int s = t.first; s <= last; ++s) {
      const double overlap = std::min(high, s + 1.0) - std::max(low, static_cast<double>(s));
      t.weights.push_back(std::max(0.0, overlap) / (high - low));
    }
  }
  return taps;
}

void check_sizes(const Image& image, int width, int height) {
  if (image.width <= 0 || image.height <= 0 || image.bands <= 0)
    throw Error("resample: empty image");
  if (width <= 0 || height <= 0) {
    throw Error("resample: target size " + std::to_string(width) + " x " + std::to_string(height) +
                " is not positive");
  }
}

}  // namespace

const char* to_string(Resampling method) noexcept {
  return method == Resampling::area ? "area" : "lanczos3";
}

Resampling parse_resampling(std::string_view text) {
  if (text == "area") return Resampling::area;
  if (text == "lanczos3") return Resampling::lanczos3;
  throw Error("unknown resampling '" + std::string(text) + "': expected area or lanczos3");
}

Image resize_area(const Image& image, int width, int height) {
  check_sizes(image, width, height);
  const auto columns = area_taps(image.width, width);
  const auto rows = area_taps(image.height, height);
  const int bands = image.bands;
  // Rows first: each source row averaged to the output width, kept in double.
  std::vector<double> across(static_cast<std::size_t>(image.height) *
                             static_cast<std::size_t>(width) * static_cast<std::size_t>(bands));
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < width; ++x) {
      const Taps& t = columns[static_cast<std::size_t>(x)];
      for (int b = 0; b < bands; ++b) {
        double sum = 0;
        for (std::size_t k = 0; k < t.weights.size(); ++k)
          sum += t.weights[k] * image.at(t.first + static_cast<int>(k), y, b);
        across[(static_cast<std::size_t>(y) * width + x) * bands + b] = sum;
      }
    }
  }
  Image out(width, height, bands);
  for (int y = 0; y < height; ++y) {
    const Taps& t = rows[static_cast<std::size_t>(y)];
    for (int x = 0; x < width; ++x) {
      for (int b = 0; b < bands; ++b) {
        double sum = 0;
        for (std::size_t k = 0; k < t.weights.size(); ++k) {
          const auto row = static_cast<std::size_t>(t.first) + k;
          sum += t.weights[k] * across[(row * width + x) * bands + b];
        }
        out.at(x, y, b) = static_cast<std::uint8_t>(std::clamp(std::lround(sum), 0L, 255L));
      }
    }
  }
  return out;
}

Image resample(const Image& image, int width, int height, Resampling method) {
  check_sizes(image, width, height);
  return method == Resampling::area ? resize_area(image, width, height)
                                    : resize(image, width, height);
}

}  // namespace galaxyzoo
