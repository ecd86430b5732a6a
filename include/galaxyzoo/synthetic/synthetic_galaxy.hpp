#pragma once
/// @file
/// Parameters of synthetic galaxies, drawn at random for each morphology.
///
/// A GalaxyModel describes one galaxy as a survey cutout would show it: a Sersic bulge
/// and an exponential disk with inclination and position angle, spiral arms, a dust lane,
/// colours, a companion, foreground stars, the point-spread function and the noise.
/// random_galaxy_model() draws one for a GalaxyKind with the ranges documented in the
/// source (src/synthetic/synthetic_galaxy.cpp); GalaxyRenderer turns it into pixels and
/// VoteSimulator into Galaxy Zoo votes.
///
/// @code
/// galaxyzoo::Rng rng(42);
/// auto model = galaxyzoo::random_galaxy_model(galaxyzoo::GalaxyKind::spiral, rng);
/// model.arms;            // 2 ... 4
/// @endcode

#include <array>
#include <string_view>
#include <vector>

#include "galaxyzoo/core/random.hpp"

namespace galaxyzoo {

/// What a synthetic galaxy is meant to be. The first five are the classes of
/// galaxy_zoo_rules(); the last three are meant to match no class.
enum class GalaxyKind {
  round_smooth = 0,   ///< class 0: completely round elliptical
  in_between_smooth,  ///< class 1: elliptical of moderate flattening
  cigar_smooth,       ///< class 2: strongly elongated smooth galaxy
  edge_on_disk,       ///< class 3: thin disk seen edge-on, some with dust lane and bulge
  spiral,             ///< class 4: face-on or mildly inclined spiral, 2-4 arms
  artifact,           ///< no class: a bright star or satellite trail over a faint galaxy
  ambiguous_disk,     ///< no class: an inclined disk without arms (lenticular-like)
  merger,             ///< no class: two overlapping galaxies, volunteers disagree
};

/// Number of GalaxyKind values.
inline constexpr int kNumGalaxyKinds = 8;

/// The class (0-4) a kind is meant to get from galaxy_zoo_rules(), or -1.
int intended_class(GalaxyKind kind) noexcept;

/// Lower-case name of a kind ("edge_on_disk").
std::string_view to_string(GalaxyKind kind) noexcept;

/// A point source in the cutout.
struct Star {
  double x = 0;                           ///< position in pixels, from the left
  double y = 0;                           ///< position in pixels, from the top
  double flux = 0;                        ///< total flux in units of the sky noise
  std::array<double, 3> colour{1, 1, 1};  ///< relative flux in R, G, B
};

/// Everything the renderer needs to draw one galaxy, in pixels of the cutout.
struct GalaxyModel {
  GalaxyKind kind = GalaxyKind::round_smooth;  ///< what it is meant to be
  double x = 212;                              ///< centre, pixels from the left
  double y = 212;                              ///< centre, pixels from the top
  double position_angle = 0;  ///< of the major axis, radians, counter-clockwise from +x
  double axis_ratio = 1;      ///< disk: cos(inclination); elliptical: b/a

  double bulge_flux = 0;        ///< Sersic component, total flux in sky-noise units
  double bulge_radius = 10;     ///< half-light radius (pixels)
  double sersic_index = 4;      ///< 4 de Vaucouleurs, 1 exponential
  double bulge_axis_ratio = 1;  ///< b/a of the bulge itself

  double disk_flux = 0;    ///< exponential disk, total flux in sky-noise units
  double disk_scale = 15;  ///< scale length (pixels)

  int arms = 0;              ///< number of logarithmic spiral arms (0: none)
  double pitch_angle = 0.3;  ///< radians
  double arm_contrast = 0;   ///< 0 none ... 1 all disk light in the arms
  double arm_phase = 0;      ///< radians
  int clumps = 0;            ///< star-forming knots along the arms

  double dust_depth = 0;  ///< fraction of light absorbed at the centre of the lane
  double dust_width = 2;  ///< Gaussian sigma of the lane (pixels)

  double companion_flux = 0;    ///< second galaxy (merger), Sersic n = 2; 0: none
  double companion_dx = 0;      ///< companion's offset from the centre (pixels)
  double companion_dy = 0;      ///< companion's offset from the centre (pixels)
  double companion_radius = 8;  ///< companion's half-light radius (pixels)

  std::array<double, 3> bulge_colour{1.0, 0.78, 0.55};  ///< relative R, G, B
  std::array<double, 3> disk_colour{0.75, 0.85, 1.0};   ///< relative R, G, B
  std::vector<Star> stars;  ///< foreground stars (and the artifact's bright star)
  double trail_flux = 0;    ///< satellite trail across the image (artifact), per pixel
  double trail_angle = 0;   ///< radians

  double psf_sigma = 1.3;        ///< Gaussian point-spread function (pixels)
  double sky = 0.5;              ///< residual sky level after subtraction, in noise units
  double gain = 0.05;            ///< photon noise: variance per unit of signal
  double stretch_softening = 3;  ///< asinh stretch softening (noise units)
  double stretch_max = 400;      ///< value shown as white
};

/// Draws the parameters of one galaxy of @p kind for a @p size x @p size cutout.
GalaxyModel random_galaxy_model(GalaxyKind kind, Rng& rng, int size = 424);

}  // namespace galaxyzoo
