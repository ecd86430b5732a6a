#pragma once
/// @file
/// Resampling an image to another size by a chosen method: pixel-area averaging as
/// OpenCV's `INTER_AREA` does it (what the original's augmentation used), or libvips'
/// resize (Lanczos-3 when enlarging; resize() of image.hpp).
///
/// @code
/// galaxyzoo::Image window = ...;  // 156 x 156
/// galaxyzoo::Image back = galaxyzoo::resample(window, 256, 256, galaxyzoo::Resampling::area);
/// galaxyzoo::Resampling r = galaxyzoo::parse_resampling("lanczos3");
/// @endcode
///
/// What a user must know:
///  - Resampling::area gives each output pixel the mean of the source over the square it
///    covers (source pixels weighted by their overlap with it), when enlarging as when
///    shrinking; OpenCV's `cv2.resize(..., interpolation=cv2.INTER_AREA)` computes the
///    same when both sides grow or both shrink (tests/support/opencv_area.py checks it);
///  - results are rounded to the nearest integer; nothing outside the source is read.

#include <string_view>

#include "galaxyzoo/images/image.hpp"

namespace galaxyzoo {

/// How an image is brought to another size.
enum class Resampling {
  area,      ///< pixel-area averaging, as OpenCV's INTER_AREA (the original's augmentation)
  lanczos3,  ///< libvips' resize: Lanczos-3 when enlarging, area averaging when shrinking
};

/// "area" or "lanczos3".
const char* to_string(Resampling method) noexcept;

/// Parses "area" or "lanczos3". @throws Error naming the text and the choices otherwise.
Resampling parse_resampling(std::string_view text);

/// @p image brought to @p width x @p height by pixel-area averaging (see the file comment).
/// @throws Error for an empty image or a non-positive size.
Image resize_area(const Image& image, int width, int height);

/// @p image brought to @p width x @p height by @p method: resize_area(), or resize() of
/// image.hpp for Resampling::lanczos3. @throws Error for an empty image or a non-positive size.
Image resample(const Image& image, int width, int height, Resampling method);

}  // namespace galaxyzoo
