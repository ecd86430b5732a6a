#pragma once
/// @file
/// Images in memory and on disk. galaxyzoo::Image is an owned 8-bit buffer, interleaved
/// (row by row, the bands of each pixel together: RGB RGB ...); read_image() and the write
/// functions load and save it.
///
/// @code
/// galaxyzoo::Image img = galaxyzoo::read_image("images_training_rev1/100008.jpg");
/// std::uint8_t red = img.at(212, 212, 0);
/// galaxyzoo::write_jpeg(img, "copy.jpg", /*quality=*/90);  // atomic
/// @endcode
///
/// JPEG files are decoded and encoded with libjpeg-turbo, FITS files read with cfitsio
/// (fits_image.hpp: any HDU, tile-compressed `.fits.fz`) and clipped and stretched as
/// FitsDisplay says (fits_stretch.hpp); every other format (PNG, TIFF, WebP, ...) goes
/// through libvips, as do resize() and write_png(). No libvips, cfitsio or libjpeg type
/// appears in a public header.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/images/fits_display.hpp"

namespace galaxyzoo {

/// An 8-bit image: width x height pixels of `bands` samples each, interleaved.
struct Image {
  int width = 0;                     ///< pixels per row
  int height = 0;                    ///< rows
  int bands = 0;                     ///< samples per pixel (3 for RGB)
  std::vector<std::uint8_t> pixels;  ///< width * height * bands samples

  Image() = default;
  /// A black image of the given size. @throws Error for a non-positive size.
  Image(int width, int height, int bands);

  /// Sample @p band of pixel (@p x, @p y); no bounds check.
  std::uint8_t& at(int x, int y, int band) noexcept {
    return pixels[(static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                   static_cast<std::size_t>(x)) *
                      static_cast<std::size_t>(bands) +
                  static_cast<std::size_t>(band)];
  }
  /// Sample @p band of pixel (@p x, @p y); no bounds check.
  std::uint8_t at(int x, int y, int band) const noexcept {
    return const_cast<Image&>(*this).at(x, y, band);
  }
};

/// How read_image() reads FITS files. The clip range comes from the whole image, so a
/// crop has the same values as the same region of the whole image.
struct FitsReadOptions {
  /// The HDU to read (0: primary, 1: the first extension); < 0: the first HDU holding a
  /// 2-D image (for a tile-compressed `.fits.fz`, extension 1).
  int hdu = -1;
  /// All three >= 0: an RGB composite of these three HDUs of the file (red, green, blue),
  /// by display.composite; hdu is then not used.
  std::array<int, 3> composite_hdus{{-1, -1, -1}};
  /// Clipping (0.5 / 99.5 percentiles by default), stretch and colour composite.
  FitsDisplay display;
  /// A single band becomes 3 equal bands (grey as RGB), for readers that need RGB: the
  /// image loader and the classifier set it.
  bool grey_to_rgb = false;
};

/// What read_image() decodes.
struct ReadOptions {
  /// > 0: decode only the centred crop_width x crop_height region, from pixel
  /// ((width - crop_width) / 2, (height - crop_height) / 2), rounded down.
  int crop_width = 0;
  int crop_height = 0;  ///< > 0 together with crop_width
  /// 16-bit or floating-point PNG and TIFF: the file's smallest and largest finite sample
  /// (over all bands) become 0 and 255 through this curve; non-finite samples become 0.
  /// FITS files use fits.display instead.
  Stretch stretch = Stretch::asinh;
  double asinh_softening = 0.02;  ///< s of Stretch::asinh, as a fraction of the data range
  FitsReadOptions fits;           ///< how FITS files are read, clipped and stretched
  /// Files of more pixels (width x height as stored) are refused before decoding, so
  /// that a damaged header cannot make the reader allocate gigabytes (0: no limit). The
  /// default, 100 million, is 10000 x 10000; Galaxy Zoo cutouts are 424 x 424.
  std::int64_t max_pixels = 100'000'000;
};

/// The file as stored, before any crop.
struct ImageInfo {
  int width = 0;       ///< pixels per row
  int height = 0;      ///< rows
  int bands = 0;       ///< samples per pixel in the file (1 grey, 3 RGB, 4 RGBA/CMYK)
  std::string format;  ///< "jpeg", "png", "tiff", "fits", ... (libvips' loader name without "load")
};

/// Decodes the image file at @p path (JPEG, FITS, and PNG, TIFF and whatever else libvips
/// reads) to 8 bits per sample, whole or only its centred crop (ReadOptions::crop_width), and
/// fills @p info, if given, with the stored size and format. Truncated or corrupt files
/// are errors, not partly grey images (for JPEG, libjpeg's warnings count as errors).
///
/// The format is recognised by content, not by the file name. The bands are those stored:
/// a grey JPEG or PNG gives 1, RGBA or CMYK 4 (nothing is converted, so callers can reject
/// what they cannot use). A JPEG crop decodes only the rows and iMCU columns it needs, and
/// its pixels equal those of the same region of a whole decode. FITS images come the
/// way astronomers view them: the first row of the data at the bottom; one band (grey,
/// or 3 with FitsReadOptions::grey_to_rgb) or 3 for a composite. ImageInfo then gives the
/// size of the HDU read and the bands returned.
/// @throws IoError naming the file and the reason (for FITS also the HDU); Error naming
///         the file and both sizes if the crop is larger than the image or the image larger
///         than max_pixels, or for FITS display options out of range.
Image read_image(const std::filesystem::path& path, const ReadOptions& options = {},
                 ImageInfo* info = nullptr);

/// @p image resampled to @p width x @p height (libvips' resize: area averaging when
/// shrinking, Lanczos-3 interpolation otherwise). @throws Error for a non-positive size.
Image resize(const Image& image, int width, int height);

/// Renders an SVG document to an RGB image on white (libvips with librsvg); the plots
/// of plot.hpp use it. @throws Error if it cannot be rendered.
Image render_svg(const std::string& svg);

/// JPEG bytes of @p image (1 or 3 bands) at @p quality (1-100): baseline, 4:2:0 chroma
/// subsampling below quality 90 and none from 90 up (as libvips' jpegsave), no metadata.
/// @throws Error for another number of bands, a bad quality, or if encoding fails.
std::vector<std::uint8_t> encode_jpeg(const Image& image, int quality = 90);

/// Writes @p image as a JPEG file, atomically. @throws IoError if it cannot be written.
void write_jpeg(const Image& image, const std::filesystem::path& path, int quality = 90);

/// Writes @p image as a PNG file, atomically. @throws IoError if it cannot be written.
void write_png(const Image& image, const std::filesystem::path& path);

}  // namespace galaxyzoo
