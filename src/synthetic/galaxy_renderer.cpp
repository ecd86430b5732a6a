#include "galaxyzoo/synthetic/galaxy_renderer.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Three float planes, one per band.
struct Planes {
  int size;
  std::vector<float> band[3];
  explicit Planes(int n) : size(n) {
    for (auto& b : band) b.assign(static_cast<std::size_t>(n) * n, 0.0f);
  }
  void add(int x, int y, const std::array<double, 3>& colour, double value) {
    const std::size_t i = static_cast<std::size_t>(y) * size + x;
    for (int c = 0; c < 3; ++c) band[c][i] += static_cast<float>(colour[c] * value);
  }
};

// Sersic profile I(r) = I_e exp(-b_n ((r / r_e)^(1/n) - 1)).
struct Sersic {
  double n, radius, axis_ratio, b, centre_intensity;
  Sersic(double flux, double radius_, double n_, double q) : n(n_), radius(radius_), axis_ratio(q) {
    b = 2 * n - 1.0 / 3 + 4.0 / (405 * n);  // Ciotti & Bertin's approximation
    // Total flux = 2 pi n q r_e^2 I_e e^b Gamma(2n) / b^(2n).
    const double intensity_at_re = flux / (2 * kPi * n * q * radius * radius * std::exp(b) *
                                           std::tgamma(2 * n) / std::pow(b, 2 * n));
    centre_intensity = intensity_at_re * std::exp(b);
  }
  // At elliptical radius (u, v) in the component's own frame (u along the major axis).
  double operator()(double u, double v) const {
    const double r = std::sqrt(u * u + (v / axis_ratio) * (v / axis_ratio));
    // Half a pixel at least: the centre pixel holds the cusp's mean, not its infinity.
    return centre_intensity * std::exp(-b * std::pow(std::max(r, 0.5) / radius, 1.0 / n));
  }
};

// Separable Gaussian blur of one plane (edges clamped).
void blur(std::vector<float>& plane, int size, double sigma) {
  const int radius = std::max(1, static_cast<int>(std::ceil(3 * sigma)));
  std::vector<float> kernel(2 * radius + 1);
  double sum = 0;
  for (int i = -radius; i <= radius; ++i)
    sum += kernel[i + radius] = static_cast<float>(std::exp(-0.5 * i * i / (sigma * sigma)));
  for (auto& k : kernel) k = static_cast<float>(k / sum);
  std::vector<float> tmp(plane.size());
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      float acc = 0;
      for (int i = -radius; i <= radius; ++i)
        acc += kernel[i + radius] * plane[y * size + std::clamp(x + i, 0, size - 1)];
      tmp[y * size + x] = acc;
    }
  }
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      float acc = 0;
      for (int i = -radius; i <= radius; ++i)
        acc += kernel[i + radius] * tmp[std::clamp(y + i, 0, size - 1) * size + x];
      plane[y * size + x] = acc;
    }
  }
}

// Positions of star-forming knots along the arms, in the disk's own (deprojected) frame.
void add_clumps(const GalaxyModel& m, Rng& rng, Planes& light, double cos_pa, double sin_pa) {
  const double clump_flux = 0.25 * m.disk_flux / std::max(m.clumps, 1);
  for (int i = 0; i < m.clumps; ++i) {
    const double radius = m.disk_scale * (0.7 + 1.8 * rng.uniform());
    const int arm = static_cast<int>(rng.below(static_cast<std::uint64_t>(std::max(m.arms, 1))));
    const double theta = (m.arm_phase + 2 * kPi * arm) / m.arms +
                         std::log(radius / m.disk_scale) / std::tan(m.pitch_angle) +
                         0.15 * rng.normal();
    const double u = radius * std::cos(theta);
    const double v = radius * std::sin(theta) * m.axis_ratio;
    const double x = m.x + u * cos_pa - v * sin_pa;
    const double y = m.y + u * sin_pa + v * cos_pa;
    const int xi = static_cast<int>(std::lround(x));
    const int yi = static_cast<int>(std::lround(y));
    if (xi >= 0 && yi >= 0 && xi < light.size && yi < light.size) {
      light.add(xi, yi, {0.6, 0.78, 1.0}, clump_flux * (0.5 + rng.uniform()));
    }
  }
}

// The light of the galaxy itself: bulge, disk with its arms and dust lane, companion.
class GalaxyLight {
 public:
  explicit GalaxyLight(const GalaxyModel& m)
      : m_(m),
        cos_pa_(std::cos(m.position_angle)),
        sin_pa_(std::sin(m.position_angle)),
        bulge_(std::max(m.bulge_flux, 0.0), m.bulge_radius, m.sersic_index, m.bulge_axis_ratio),
        companion_(std::max(m.companion_flux, 0.0), m.companion_radius, 2.0, 0.8),
        disk_centre_(m.disk_flux / (2 * kPi * m.disk_scale * m.disk_scale * m.axis_ratio)),
        winding_(m.arms > 0 ? 1.0 / std::tan(m.pitch_angle) : 0.0) {}

  double cos_pa() const { return cos_pa_; }
  double sin_pa() const { return sin_pa_; }

  // Adds the light of pixel (@p x, @p y) to @p light.
  void add_pixel(Planes& light, int x, int y) const {
    const double dx = x - m_.x;
    const double dy = y - m_.y;
    const double u = dx * cos_pa_ + dy * sin_pa_;   // along the major axis
    const double v = -dx * sin_pa_ + dy * cos_pa_;  // along the minor axis
    const double absorbed = transmitted(u, v);
    double bulge_light = m_.bulge_flux > 0 ? bulge_(u, v) : 0.0;
    double disk_light = m_.disk_flux > 0 ? disk(u, v) : 0.0;
    bulge_light *=
        absorbed > 0.5 ? 1.0 : 0.5 + absorbed;  // the lane dims the bulge's near side less
    disk_light *= absorbed;
    if (m_.companion_flux > 0) {
      const double cu = (dx - m_.companion_dx) * cos_pa_ + (dy - m_.companion_dy) * sin_pa_;
      const double cv = -(dx - m_.companion_dx) * sin_pa_ + (dy - m_.companion_dy) * cos_pa_;
      light.add(x, y, m_.disk_colour, companion_(cv, cu));  // turned by 90 degrees
    }
    light.add(x, y, m_.bulge_colour, bulge_light);
    light.add(x, y, m_.disk_colour, disk_light);
  }

 private:
  // The fraction of light the dust lane lets through at (u, v).
  double transmitted(double u, double v) const {
    if (!(m_.dust_depth > 0)) return 1.0;
    const double along = std::abs(u) / (3 * m_.disk_scale);
    return 1.0 - m_.dust_depth * std::exp(-0.5 * (v / m_.dust_width) * (v / m_.dust_width)) *
                     std::exp(-along * along * along * along);
  }

  // The exponential disk at (u, v), with its spiral arms.
  double disk(double u, double v) const {
    const double w = v / m_.axis_ratio;  // deprojected
    const double r = std::sqrt(u * u + w * w);
    double light = disk_centre_ * std::exp(-r / m_.disk_scale);
    if (m_.arms > 0 && r > 0) {
      const double phase =
          m_.arms * (std::atan2(w, u) - winding_ * std::log(r / m_.disk_scale)) - m_.arm_phase;
      const double arm = std::pow(0.5 * (1 + std::cos(phase)), 4) / kArmMean;
      const double outer =
          1.0 - std::exp(-(r / (0.8 * m_.disk_scale)) * (r / (0.8 * m_.disk_scale)));
      light *= 1.0 + outer * m_.arm_contrast * (arm - 1.0);
    }
    return light;
  }

  // Mean of ((1 + cos)/2)^4 over a period, so arms redistribute light rather than add it.
  static constexpr double kArmMean = 35.0 / 128.0;

  const GalaxyModel& m_;
  double cos_pa_, sin_pa_;
  Sersic bulge_, companion_;
  double disk_centre_, winding_;
};

// Foreground stars as points (before the blur).
void add_stars(const GalaxyModel& m, Planes& light) {
  for (const auto& s : m.stars) {
    const int xi = static_cast<int>(std::lround(s.x));
    const int yi = static_cast<int>(std::lround(s.y));
    if (xi >= 0 && yi >= 0 && xi < light.size && yi < light.size)
      light.add(xi, yi, s.colour, s.flux);
  }
}

// Bright stars also have a wide halo of scattered light.
void add_star_halos(const GalaxyModel& m, Planes& light) {
  const int size = light.size;
  for (const auto& s : m.stars) {
    const double halo = 6 * m.psf_sigma;
    const double peak = 0.08 * s.flux / (2 * kPi * halo * halo);
    if (peak < 0.2) continue;
    const int reach = static_cast<int>(halo * std::sqrt(2 * std::log(peak / 0.2))) + 1;
    for (int y = std::max(0, static_cast<int>(s.y) - reach);
         y < std::min(size, static_cast<int>(s.y) + reach); ++y) {
      for (int x = std::max(0, static_cast<int>(s.x) - reach);
           x < std::min(size, static_cast<int>(s.x) + reach); ++x) {
        const double r2 = (x - s.x) * (x - s.x) + (y - s.y) * (y - s.y);
        light.add(x, y, s.colour, peak * std::exp(-0.5 * r2 / (halo * halo)));
      }
    }
  }
}

// A satellite crossing the field through its centre.
void add_trail(const GalaxyModel& m, Planes& light) {
  const int size = light.size;
  const double nx = -std::sin(m.trail_angle), ny = std::cos(m.trail_angle);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const double d = (x - size / 2.0) * nx + (y - size / 2.0) * ny;
      if (std::abs(d) < 5 * m.psf_sigma) {
        light.add(x, y, {1, 1, 1},
                  m.trail_flux * std::exp(-0.5 * d * d / (m.psf_sigma * m.psf_sigma)));
      }
    }
  }
}

// Sky and photon noise, then the asinh stretch of survey colour images.
Image expose(const GalaxyModel& m, const Planes& light, Rng& rng) {
  Image out(light.size, light.size, 3);
  const double norm = 255.0 / std::asinh(m.stretch_max / m.stretch_softening);
  for (std::size_t i = 0; i < light.band[0].size(); ++i) {
    for (int c = 0; c < 3; ++c) {
      const double signal = light.band[c][i];
      const double value =
          signal + m.sky + std::sqrt(1.0 + m.gain * std::max(signal, 0.0)) * rng.normal();
      const double shown = norm * std::asinh(std::max(value, 0.0) / m.stretch_softening);
      out.pixels[i * 3 + c] = static_cast<std::uint8_t>(std::min(255.0, shown + 0.5));
    }
  }
  return out;
}

}  // namespace

Image render_galaxy(const GalaxyModel& m, std::uint64_t noise_seed, int size) {
  if (size <= 0) throw Error("render_galaxy: size " + std::to_string(size) + " is not positive");
  Rng rng(noise_seed);
  Planes light(size);
  const GalaxyLight galaxy(m);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) galaxy.add_pixel(light, x, y);
  }
  if (m.arms > 0) add_clumps(m, rng, light, galaxy.cos_pa(), galaxy.sin_pa());
  add_stars(m, light);

  // The telescope and atmosphere blur everything alike.
  for (auto& band : light.band) blur(band, size, m.psf_sigma);

  add_star_halos(m, light);
  if (m.trail_flux > 0) add_trail(m, light);
  return expose(m, light, rng);
}

}  // namespace galaxyzoo
