#pragma once
// The libjpeg-turbo codec behind read_image() and encode_jpeg() (private to the library).
//
// JPEG files are decoded and encoded with libjpeg-turbo's libjpeg API directly rather than
// through libvips: the preprocessing step decodes hundreds of thousands of small (424 x
// 424) JPEGs, and for images that small libvips' fixed cost per image (building and
// tearing down a pipeline, its thread pool, the operation cache, the region and buffer
// machinery) costs more than the decoding itself; see docs/benchmarks.md. A centred crop
// also lets libjpeg skip most of the work outside the crop.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include "galaxyzoo/images/image.hpp"

namespace galaxyzoo {

/// Whether @p bytes start as every JPEG file does: the SOI marker (FF D8), then the next
/// marker's FF.
bool is_jpeg_signature(std::string_view bytes) noexcept;

/// A rectangle of pixels: @p width x @p height from column @p left, row @p top.
struct PixelRegion {
  int left = 0;
  int top = 0;
  int width = 0;
  int height = 0;
};

/// Chooses the region to decode from the size and bands stored in the file (called once
/// the header is read; it may throw to refuse the image).
using ChooseRegion = std::function<PixelRegion(int width, int height, int bands)>;

/// Decodes the JPEG file @p bytes, read from @p path, as stored (grey stays 1 band and
/// CMYK 4; YCbCr becomes RGB), only the region @p choose_region returns (which must lie
/// inside the image). Its pixels equal those of the same region of a whole decode.
/// @throws IoError naming @p path and libjpeg's message for a corrupt or truncated file
///         (libjpeg's warnings count as errors).
Image decode_jpeg(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes,
                  const ChooseRegion& choose_region);

/// Baseline JPEG bytes of @p image (1 or 3 bands and @p quality in 1-100, both checked by
/// the caller): 4:2:0 chroma subsampling below quality 90 and none from 90 up, as libvips'
/// jpegsave; no metadata. @throws Error if libjpeg fails.
std::vector<std::uint8_t> compress_jpeg(const Image& image, int quality);

}  // namespace galaxyzoo
