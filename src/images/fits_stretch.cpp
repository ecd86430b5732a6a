#include "galaxyzoo/images/fits_stretch.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

std::vector<float> finite_samples(const std::vector<float>& samples) {
  std::vector<float> finite;
  finite.reserve(samples.size());
  for (const float v : samples)
    if (std::isfinite(v)) finite.push_back(v);
  return finite;
}

// The @p fraction (0 ... 1) quantile of @p values, interpolated linearly between the two
// nearest order statistics (numpy's default); @p values is reordered.
double quantile(std::vector<float>& values, double fraction) {
  const double position = fraction * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const auto nth = values.begin() + static_cast<std::ptrdiff_t>(below);
  std::nth_element(values.begin(), nth, values.end());
  const double lo = *nth;
  if (below + 1 >= values.size()) return lo;
  const double hi = *std::min_element(nth + 1, values.end());
  return lo + (hi - lo) * (position - static_cast<double>(below));
}

void check_display(const FitsDisplay& d) {
  auto fail = [](const std::string& what) { throw Error("FITS display options: " + what); };
  if (d.clip == FitsClip::percentile &&
      !(d.low_percentile >= 0 && d.low_percentile < d.high_percentile &&
        d.high_percentile <= 100)) {
    fail("percentiles " + std::to_string(d.low_percentile) + ", " +
         std::to_string(d.high_percentile) + " are not 0 <= low < high <= 100");
  }
  if (d.clip == FitsClip::zscale && !(d.zscale_contrast > 0 && d.zscale_contrast <= 1))
    fail("zscale contrast " + std::to_string(d.zscale_contrast) + " is not in (0, 1]");
  if (d.clip == FitsClip::zscale && d.zscale_samples < 10)
    fail("zscale samples " + std::to_string(d.zscale_samples) + " is fewer than 10");
  if (d.stretch == Stretch::asinh && !(d.asinh_softening > 0))
    fail("asinh softening " + std::to_string(d.asinh_softening) + " is not positive");
  if (!(d.lupton_q > 0)) fail("Lupton Q " + std::to_string(d.lupton_q) + " is not positive");
  if (!std::isnan(d.lupton_stretch) && !(d.lupton_stretch > 0 && std::isfinite(d.lupton_stretch)))
    fail("Lupton stretch " + std::to_string(d.lupton_stretch) + " is not positive");
  if (!std::isnan(d.lupton_minimum) && !std::isfinite(d.lupton_minimum))
    fail("Lupton minimum is not finite");
}

void check_plane(const FitsPlane& plane) {
  if (plane.width <= 0 || plane.height <= 0 ||
      plane.samples.size() != static_cast<std::size_t>(plane.width) * plane.height) {
    throw Error("FITS plane of " + std::to_string(plane.width) + " x " +
                std::to_string(plane.height) + " has " + std::to_string(plane.samples.size()) +
                " samples");
  }
}

// Sample index of Image pixel (x, y): the first FITS row is the image's last.
std::size_t plane_index(const FitsPlane& plane, int x, int y) {
  return static_cast<std::size_t>(plane.height - 1 - y) * static_cast<std::size_t>(plane.width) +
         static_cast<std::size_t>(x);
}

std::uint8_t to_byte(double unit) {
  return static_cast<std::uint8_t>(std::lround(255.0 * std::clamp(unit, 0.0, 1.0)));
}

// @p v mapped to 0 ... 1 by the clip range and the stretch; non-finite values give 0.
double stretched(double v, const ClipRange& range, const FitsDisplay& d) {
  if (!std::isfinite(v) || !(range.high > range.low)) return 0;
  const double t = std::clamp((v - range.low) / (range.high - range.low), 0.0, 1.0);
  if (d.stretch == Stretch::linear) return t;
  return std::asinh(t / d.asinh_softening) / std::asinh(1.0 / d.asinh_softening);
}

// Least-squares line through (i, values[i]) of the unmasked i: {intercept, slope}.
std::pair<double, double> fit_line(const std::vector<float>& values, const std::vector<bool>& bad) {
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (bad[i]) continue;
    const double x = static_cast<double>(i);
    n += 1;
    sx += x;
    sy += values[i];
    sxx += x * x;
    sxy += x * values[i];
  }
  const double det = n * sxx - sx * sx;
  const double slope = det > 0 ? (n * sxy - sx * sy) / det : 0.0;
  return {(sy - slope * sx) / n, slope};
}

// One round of zscale's rejection: marks the samples further than 2.5 standard deviations
// of the good ones from the line, widened by @p grow samples; returns the good count.
std::size_t reject_outliers(const std::vector<float>& values, std::pair<double, double> line,
                            std::size_t grow, std::vector<bool>& bad) {
  std::vector<double> residual(values.size());
  double n = 0, sum = 0, sum2 = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    residual[i] = values[i] - (line.first + line.second * static_cast<double>(i));
    if (bad[i]) continue;
    n += 1;
    sum += residual[i];
  }
  const double mean = sum / n;
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!bad[i]) sum2 += (residual[i] - mean) * (residual[i] - mean);
  const double threshold = 2.5 * std::sqrt(sum2 / n);
  std::vector<bool> rejected(values.size(), false);
  for (std::size_t i = 0; i < values.size(); ++i)
    rejected[i] = bad[i] || residual[i] < -threshold || residual[i] > threshold;
  // Widen every rejected sample to the window [i - grow / 2 ... i + (grow - 1) / 2] around it.
  const auto count = static_cast<std::ptrdiff_t>(values.size());
  const auto before = static_cast<std::ptrdiff_t>(grow / 2);
  const auto after = static_cast<std::ptrdiff_t>((grow - 1) / 2);
  std::size_t good = 0;
  for (std::ptrdiff_t i = 0; i < count; ++i) {
    bool any = false;
    for (std::ptrdiff_t j = std::max<std::ptrdiff_t>(0, i - before);
         j <= std::min(count - 1, i + after) && !any; ++j)
      any = rejected[static_cast<std::size_t>(j)];
    bad[static_cast<std::size_t>(i)] = any;
    good += any ? 0 : 1;
  }
  return good;
}

}  // namespace

ClipRange zscale_range(const std::vector<float>& samples, double contrast, int max_samples) {
  FitsDisplay d;
  d.clip = FitsClip::zscale;
  d.zscale_contrast = contrast;
  d.zscale_samples = max_samples;
  check_display(d);
  const std::vector<float> finite = finite_samples(samples);
  if (finite.empty()) return {};
  // A regular stride over the finite samples, at most max_samples of them, sorted.
  const std::size_t stride =
      std::max<std::size_t>(1, finite.size() / static_cast<std::size_t>(max_samples));
  std::vector<float> sample;
  for (std::size_t i = 0;
       i < finite.size() && sample.size() < static_cast<std::size_t>(max_samples); i += stride)
    sample.push_back(finite[i]);
  std::sort(sample.begin(), sample.end());
  const std::size_t n = sample.size();
  ClipRange range{sample.front(), sample.back()};
  // Fit a line to the sorted values, rejecting outliers, for up to 5 rounds while
  // samples are still being rejected and at least half of them (and 5) remain.
  const std::size_t min_good = std::max<std::size_t>(5, n / 2);
  const std::size_t grow = std::max<std::size_t>(1, n / 100);
  std::vector<bool> bad(n, false);
  std::size_t good = n, last_good = n + 1;
  std::pair<double, double> line{0, 0};
  for (int round = 0; round < 5 && good < last_good && good >= min_good; ++round) {
    line = fit_line(sample, bad);
    last_good = good;
    good = reject_outliers(sample, line, grow, bad);
  }
  if (good < min_good) return range;
  const double slope = line.second / contrast;
  const double median =
      n % 2 == 1 ? sample[n / 2] : 0.5 * (static_cast<double>(sample[n / 2 - 1]) + sample[n / 2]);
  const auto centre = static_cast<double>((n - 1) / 2);
  range.low = std::max(range.low, median - (centre - 1) * slope);
  range.high = std::min(range.high, median + (static_cast<double>(n) - centre) * slope);
  return range;
}

ClipRange clip_range(const std::vector<float>& samples, const FitsDisplay& display) {
  check_display(display);
  if (display.clip == FitsClip::zscale)
    return zscale_range(samples, display.zscale_contrast, display.zscale_samples);
  std::vector<float> finite = finite_samples(samples);
  if (finite.empty()) return {};
  if (display.clip == FitsClip::minmax) {
    const auto [lo, hi] = std::minmax_element(finite.begin(), finite.end());
    return {*lo, *hi};
  }
  const double low = quantile(finite, display.low_percentile / 100.0);
  return {low, quantile(finite, display.high_percentile / 100.0)};
}

Image stretch_to_grey(const FitsPlane& plane, const FitsDisplay& display) {
  check_plane(plane);
  const ClipRange range = clip_range(plane.samples, display);
  Image out(plane.width, plane.height, 1);
  for (int y = 0; y < plane.height; ++y)
    for (int x = 0; x < plane.width; ++x)
      out.at(x, y, 0) = to_byte(stretched(plane.samples[plane_index(plane, x, y)], range, display));
  return out;
}

namespace {

Image compose_per_band(const std::array<const FitsPlane*, 3>& bands, const FitsDisplay& d) {
  Image out(bands[0]->width, bands[0]->height, 3);
  for (int c = 0; c < 3; ++c) {
    const Image grey = stretch_to_grey(*bands[c], d);
    for (std::size_t i = 0; i < grey.pixels.size(); ++i) out.pixels[3 * i + c] = grey.pixels[i];
  }
  return out;
}

// Lupton et al. (2004): one asinh on the mean intensity, the same factor for every band.
Image compose_lupton(const std::array<const FitsPlane*, 3>& bands, const FitsDisplay& d) {
  const FitsPlane& first = *bands[0];
  std::array<double, 3> minimum{};
  for (int c = 0; c < 3; ++c) {
    minimum[c] =
        std::isnan(d.lupton_minimum) ? clip_range(bands[c]->samples, d).low : d.lupton_minimum;
  }
  // Each band above its minimum (a non-finite sample counts as 0), and their mean I.
  const std::size_t count = first.samples.size();
  std::vector<float> above(3 * count), intensity(count);
  for (std::size_t i = 0; i < count; ++i) {
    double sum = 0;
    for (int c = 0; c < 3; ++c) {
      const double v = bands[c]->samples[i];
      above[3 * i + c] = std::isfinite(v) ? static_cast<float>(v - minimum[c]) : 0.0F;
      sum += above[3 * i + c];
    }
    intensity[i] = static_cast<float>(sum / 3);
  }
  const double white =
      std::isnan(d.lupton_stretch) ? clip_range(intensity, d).high : d.lupton_stretch;
  Image out(first.width, first.height, 3);
  if (!(white > 0)) return out;  // nothing above the minimum: black
  const double norm = std::asinh(d.lupton_q);
  for (int y = 0; y < first.height; ++y) {
    for (int x = 0; x < first.width; ++x) {
      const std::size_t i = plane_index(first, x, y);
      const double level = intensity[i];
      if (!(level > 0)) continue;
      const double factor = std::asinh(d.lupton_q * level / white) / (norm * level);
      std::array<double, 3> rgb{};
      for (int c = 0; c < 3; ++c) rgb[c] = std::max(0.0, above[3 * i + c] * factor);
      const double peak = std::max({rgb[0], rgb[1], rgb[2]});
      const double scale = peak > 1 ? 1 / peak : 1.0;  // keep the colour of what saturates
      for (int c = 0; c < 3; ++c) out.at(x, y, c) = to_byte(rgb[c] * scale);
    }
  }
  return out;
}

}  // namespace

Image compose_rgb(const FitsPlane& r, const FitsPlane& g, const FitsPlane& b,
                  const FitsDisplay& display) {
  check_display(display);
  for (const FitsPlane* p : {&r, &g, &b}) check_plane(*p);
  if (g.width != r.width || g.height != r.height || b.width != r.width || b.height != r.height) {
    throw Error("compose_rgb: the bands differ in size (" + std::to_string(r.width) + " x " +
                std::to_string(r.height) + ", " + std::to_string(g.width) + " x " +
                std::to_string(g.height) + ", " + std::to_string(b.width) + " x " +
                std::to_string(b.height) + ")");
  }
  const std::array<const FitsPlane*, 3> bands{&r, &g, &b};
  return display.composite == FitsComposite::lupton ? compose_lupton(bands, display)
                                                    : compose_per_band(bands, display);
}

Image read_fits_rgb(const std::array<FitsSource, 3>& bands, const FitsDisplay& display,
                    std::int64_t max_pixels) {
  check_display(display);
  std::array<FitsPlane, 3> planes;
  std::string sizes;
  for (int c = 0; c < 3; ++c) {
    planes[c] = read_fits_plane(bands[c].path, bands[c].hdu, nullptr, max_pixels);
    sizes += (c > 0 ? ", '" : "'") + bands[c].path.string() + "' HDU " +
             std::to_string(planes[c].hdu) + ": " + std::to_string(planes[c].width) + " x " +
             std::to_string(planes[c].height);
  }
  for (int c = 1; c < 3; ++c) {
    if (planes[c].width != planes[0].width || planes[c].height != planes[0].height)
      throw Error("colour composite: the three bands differ in size (" + sizes + ")");
  }
  return compose_rgb(planes[0], planes[1], planes[2], display);
}

}  // namespace galaxyzoo
