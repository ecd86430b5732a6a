#pragma once
/// @file
/// Draws a GalaxyModel as an SDSS-like colour cutout.
///
/// The model's light (Sersic bulge, exponential disk with spiral arms and dust lane,
/// companion, stars, satellite trail) is computed per pixel in three bands, blurred by a
/// Gaussian point-spread function, given sky and photon noise, and mapped to 8 bits with
/// an asinh stretch, as survey colour composites are.
///
/// @code
/// galaxyzoo::Rng rng(7);
/// auto model = galaxyzoo::random_galaxy_model(galaxyzoo::GalaxyKind::spiral, rng);
/// galaxyzoo::Image cutout = galaxyzoo::render_galaxy(model, /*noise_seed=*/7);
/// galaxyzoo::write_jpeg(cutout, "spiral.jpg");
/// @endcode

#include <cstdint>

#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/synthetic/synthetic_galaxy.hpp"

namespace galaxyzoo {

/// Renders @p model as a @p size x @p size RGB image; @p noise_seed seeds the noise, so
/// the same model and seed give the same pixels.
/// @throws Error if @p size is not positive.
Image render_galaxy(const GalaxyModel& model, std::uint64_t noise_seed, int size = 424);

}  // namespace galaxyzoo
