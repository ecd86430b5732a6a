#pragma once
/// @file
/// FITS planes (fits_image.hpp) mapped to 8-bit images: clipping (percentiles, IRAF's
/// zscale or min-max, FitsDisplay), then a linear or asinh stretch for one band, or a
/// Lupton et al. (2004) asinh colour composite of three.
///
/// @code
/// galaxyzoo::FitsDisplay display;             // 0.5 / 99.5 % clip, asinh
/// galaxyzoo::Image grey = galaxyzoo::stretch_to_grey(galaxyzoo::read_fits_plane("r.fits"),
///                                                    display);
/// galaxyzoo::Image rgb = galaxyzoo::read_fits_rgb(
///     {{{"i.fits", -1}, {"r.fits", -1}, {"g.fits", -1}}}, display);  // red, green, blue
/// @endcode
///
/// The images come the way astronomers view them, as read_image() gives FITS files: the
/// first FITS row at the bottom (Image row height - 1).

#include <array>
#include <cstdint>
#include <vector>

#include "galaxyzoo/images/fits_display.hpp"
#include "galaxyzoo/images/fits_image.hpp"
#include "galaxyzoo/images/image.hpp"

namespace galaxyzoo {

/// The range [low, high] of a clip; low == high when the samples are constant, and both 0
/// when there is no finite sample.
struct ClipRange {
  double low = 0;   ///< maps to 0
  double high = 0;  ///< maps to 255
};

/// The clip range of @p samples by @p display.clip (non-finite samples left out).
/// @throws Error for options out of range (percentiles outside 0-100 or not increasing,
///         a zscale contrast outside (0, 1], fewer than 10 zscale samples).
ClipRange clip_range(const std::vector<float>& samples, const FitsDisplay& display);

/// IRAF's zscale limits of @p samples (about @p max_samples of them, taken at a regular
/// stride over the finite ones) with @p contrast. @throws Error as clip_range().
ClipRange zscale_range(const std::vector<float>& samples, double contrast = 0.25,
                       int max_samples = 1000);

/// One plane as an 8-bit grey image (1 band): clipped by @p display, stretched, first FITS
/// row at the bottom; non-finite samples become 0, a constant plane all 0.
/// @throws Error for display options out of range or an empty plane.
Image stretch_to_grey(const FitsPlane& plane, const FitsDisplay& display = {});

/// Three planes of the same size as an RGB image (@p r red, @p g green, @p b blue), by
/// @p display.composite. A sample that is not finite counts as 0 above the minimum.
/// @throws Error if the sizes differ, for options out of range or empty planes.
Image compose_rgb(const FitsPlane& r, const FitsPlane& g, const FitsPlane& b,
                  const FitsDisplay& display = {});

/// Reads the three bands (red, green, blue) with read_fits_plane() and composes them.
/// @throws IoError as read_fits_plane(); Error as compose_rgb(), naming the files when
///         their sizes differ.
Image read_fits_rgb(const std::array<FitsSource, 3>& bands, const FitsDisplay& display = {},
                    std::int64_t max_pixels = 100'000'000);

}  // namespace galaxyzoo
