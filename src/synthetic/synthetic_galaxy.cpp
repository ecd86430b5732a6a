#include "galaxyzoo/synthetic/synthetic_galaxy.hpp"

#include <cmath>

namespace galaxyzoo {
namespace {

constexpr double kPi = 3.14159265358979323846;

double uniform(Rng& rng, double lo, double hi) { return lo + (hi - lo) * rng.uniform(); }
double log_uniform(Rng& rng, double lo, double hi) { return lo * std::pow(hi / lo, rng.uniform()); }

// Colours as an SDSS gri composite shows them (R = i, G = r, B = g), jittered a little.
std::array<double, 3> jitter(Rng& rng, std::array<double, 3> c, double amount = 0.06) {
  for (auto& v : c) v *= 1.0 + amount * (2 * rng.uniform() - 1);
  return c;
}
constexpr std::array<double, 3> kRed = {1.0, 0.80, 0.58};   // old stars: ellipticals, bulges
constexpr std::array<double, 3> kBlue = {0.68, 0.82, 1.0};  // young stars: disks, arms

// A smooth (elliptical) galaxy: one Sersic component.
void make_smooth(GalaxyModel& m, Rng& rng, double n_lo, double n_hi, double q_lo, double q_hi,
                 double scale) {
  m.sersic_index = uniform(rng, n_lo, n_hi);
  m.bulge_axis_ratio = m.axis_ratio = uniform(rng, q_lo, q_hi);
  m.bulge_radius = uniform(rng, 20, 42) * scale;
  m.bulge_flux = log_uniform(rng, 1.5e5, 5e5) * scale * scale;
  m.bulge_colour = jitter(rng, kRed);
}

// A disk galaxy seen at cos(inclination) = q, with a bulge holding bulge_fraction of the light.
void make_disk(GalaxyModel& m, Rng& rng, double q, double bulge_fraction, double scale) {
  m.axis_ratio = q;
  m.disk_scale = uniform(rng, 16, 30) * scale;
  const double total = log_uniform(rng, 1.5e5, 5e5) * scale * scale;
  m.disk_flux = total * (1 - bulge_fraction);
  m.bulge_flux = total * bulge_fraction;
  m.bulge_radius = m.disk_scale * uniform(rng, 0.2, 0.35);
  m.sersic_index = uniform(rng, 1.5, 3.0);
  m.bulge_axis_ratio = std::max(q, uniform(rng, 0.6, 0.9));
  m.bulge_colour = jitter(rng, kRed);
  m.disk_colour = jitter(rng, kBlue);
}

// An edge-on disk, often with a dust lane along its middle.
void make_edge_on_disk(GalaxyModel& m, Rng& rng, double scale) {
  const bool has_bulge = rng.uniform() < 0.7;
  make_disk(m, rng, uniform(rng, 0.08, 0.16), has_bulge ? uniform(rng, 0.1, 0.35) : 0.02, scale);
  m.disk_scale *= 0.9;
  m.disk_colour = jitter(rng, {0.92, 0.86, 0.82});  // seen through its own dust: redder
  if (rng.uniform() < 0.6) {
    m.dust_depth = uniform(rng, 0.5, 0.85);
    m.dust_width = uniform(rng, 0.8, 1.5) * scale;
  }
}

// A face-on to inclined disk with two to four arms and star-forming knots.
void make_spiral(GalaxyModel& m, Rng& rng, double scale) {
  make_disk(m, rng, uniform(rng, 0.55, 1.0), uniform(rng, 0.08, 0.3), scale);
  const int arm_choices[] = {2, 2, 2, 3, 4};
  m.arms = arm_choices[rng.below(5)];
  m.pitch_angle = uniform(rng, 0.22, 0.45);
  m.arm_contrast = uniform(rng, 0.55, 0.85);
  m.arm_phase = uniform(rng, 0, 2 * kPi);
  m.clumps = static_cast<int>(uniform(rng, 8, 30));
}

// A faint galaxy beside the glare of a bright star, sometimes crossed by a satellite trail.
void make_artifact(GalaxyModel& m, Rng& rng, double scale) {
  make_smooth(m, rng, 2.0, 4.0, 0.6, 1.0, scale);
  m.bulge_flux *= 0.25;
  Star glare;
  glare.x = m.x + uniform(rng, -30, 30) * scale;
  glare.y = m.y + uniform(rng, -30, 30) * scale;
  glare.flux = log_uniform(rng, 2e6, 8e6) * scale * scale;
  glare.colour = {1.0, 0.95, 0.9};
  m.stars.push_back(glare);
  if (rng.uniform() < 0.5) {
    m.trail_flux = uniform(rng, 20, 60);
    m.trail_angle = uniform(rng, 0, kPi);
  }
}

// A smooth galaxy with a smaller companion close by.
void make_merger(GalaxyModel& m, Rng& rng, double scale) {
  make_smooth(m, rng, 1.5, 3.5, 0.5, 0.9, scale);
  m.bulge_flux *= 0.7;
  m.companion_flux = m.bulge_flux * uniform(rng, 0.35, 0.9);
  m.companion_radius = m.bulge_radius * uniform(rng, 0.5, 0.9);
  const double distance = uniform(rng, 18, 40) * scale;
  const double angle = uniform(rng, 0, 2 * kPi);
  m.companion_dx = distance * std::cos(angle);
  m.companion_dy = distance * std::sin(angle);
  m.disk_colour = jitter(rng, kBlue);
}

// Foreground stars of our own Galaxy: a few per cutout, anywhere.
void add_foreground_stars(GalaxyModel& m, Rng& rng, int size, double scale) {
  const double expected_stars = 1.5;
  int n = 0;
  for (double p = rng.uniform(); p > std::exp(-expected_stars) && n < 8; p *= rng.uniform()) ++n;
  for (int i = 0; i < n; ++i) {
    Star s;
    s.x = uniform(rng, 5, size - 5);
    s.y = uniform(rng, 5, size - 5);
    s.flux = log_uniform(rng, 1e3, 1.5e5) * scale * scale;
    const double t = rng.uniform();  // blue ... red star
    s.colour = {0.8 + 0.3 * t, 0.85 + 0.05 * t, 1.05 - 0.35 * t};
    m.stars.push_back(s);
  }
}

}  // namespace

int intended_class(GalaxyKind kind) noexcept {
  const int k = static_cast<int>(kind);
  return k <= static_cast<int>(GalaxyKind::spiral) ? k : -1;
}

std::string_view to_string(GalaxyKind kind) noexcept {
  switch (kind) {
    case GalaxyKind::round_smooth:
      return "round_smooth";
    case GalaxyKind::in_between_smooth:
      return "in_between_smooth";
    case GalaxyKind::cigar_smooth:
      return "cigar_smooth";
    case GalaxyKind::edge_on_disk:
      return "edge_on_disk";
    case GalaxyKind::spiral:
      return "spiral";
    case GalaxyKind::artifact:
      return "artifact";
    case GalaxyKind::ambiguous_disk:
      return "ambiguous_disk";
    case GalaxyKind::merger:
      return "merger";
  }
  return "?";
}

GalaxyModel random_galaxy_model(GalaxyKind kind, Rng& rng, int size) {
  const double scale = size / 424.0;  // ranges below are for Kaggle's 424-pixel cutouts
  GalaxyModel m;
  m.kind = kind;
  // Cutouts are centred on the galaxy to within a few pixels.
  m.x = size / 2.0 + 2.5 * scale * rng.normal();
  m.y = size / 2.0 + 2.5 * scale * rng.normal();
  m.position_angle = uniform(rng, 0, kPi);
  m.psf_sigma = uniform(rng, 1.0, 1.8) * scale;
  m.gain = uniform(rng, 0.02, 0.06);
  m.stretch_softening = uniform(rng, 6.0, 10.0);
  m.stretch_max = uniform(rng, 400, 800);

  switch (kind) {
    case GalaxyKind::round_smooth:
      make_smooth(m, rng, 3.0, 5.0, 0.86, 1.0, scale);
      break;
    case GalaxyKind::in_between_smooth:
      make_smooth(m, rng, 2.5, 4.5, 0.5, 0.72, scale);
      break;
    case GalaxyKind::cigar_smooth:
      make_smooth(m, rng, 1.2, 2.5, 0.2, 0.34, scale);
      m.bulge_radius *= 1.3;
      break;
    case GalaxyKind::edge_on_disk:
      make_edge_on_disk(m, rng, scale);
      break;
    case GalaxyKind::spiral:
      make_spiral(m, rng, scale);
      break;
    case GalaxyKind::artifact:
      make_artifact(m, rng, scale);
      break;
    case GalaxyKind::ambiguous_disk:
      make_disk(m, rng, uniform(rng, 0.3, 0.55), uniform(rng, 0.3, 0.55), scale);
      m.disk_colour = jitter(rng, {0.9, 0.85, 0.8});  // little star formation
      break;
    case GalaxyKind::merger:
      make_merger(m, rng, scale);
      break;
  }
  add_foreground_stars(m, rng, size, scale);
  return m;
}

}  // namespace galaxyzoo
