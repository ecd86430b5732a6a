#pragma once
/// @file
/// FITS images as astronomers store them (cfitsio): any HDU of a file, tile-compressed
/// files (`.fits.fz`, RICE or GZIP) read transparently, the header cards for a WCS, and
/// rectangular regions. The samples stay floating point; fits_stretch.hpp maps them to 8
/// bits. No cfitsio type appears here.
///
/// @code
/// galaxyzoo::FitsPlane plane = galaxyzoo::read_fits_plane("frame-r.fits.fz");  // first image HDU
/// galaxyzoo::FitsRegion cut{100, 200, 64, 64};   // 64 x 64 pixels from FITS pixel (100, 200)
/// galaxyzoo::FitsPlane part = galaxyzoo::read_fits_plane("frame-r.fits.fz", plane.hdu, &cut);
/// @endcode
///
/// HDUs are numbered from 0, as astropy numbers them: 0 is the primary HDU, 1 the first
/// extension. Pixel coordinates are 0-based (FITS pixel (1, 1) is (0, 0) here).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace galaxyzoo {

/// A rectangle of a FITS image in 0-based pixel coordinates: columns x0 ... x0 + width - 1
/// of rows y0 ... y0 + height - 1, where row 0 is the first row stored (the bottom).
struct FitsRegion {
  long x0 = 0;      ///< first column (0-based; may be negative)
  long y0 = 0;      ///< first row, counted from the first FITS row (0-based; may be negative)
  long width = 0;   ///< columns (> 0)
  long height = 0;  ///< rows (> 0)
};

/// One 2-D image of a FITS file, as floats.
struct FitsPlane {
  int width = 0;   ///< columns (NAXIS1, or the region's width)
  int height = 0;  ///< rows (NAXIS2, or the region's height)
  /// width x height samples, row by row; row 0 is the first FITS row (the bottom of the
  /// image as displayed). Blank and NaN samples, and pixels of a region outside the
  /// image, are NaN; BSCALE and BZERO are applied. Empty from read_fits_header().
  std::vector<float> samples;
  /// The HDU's header: its cards, 80 characters each without separators and without the
  /// END card (what wcslib's wcspih() parses). For a tile-compressed image, the header
  /// of the image it holds (ZNAXIS1 as NAXIS1, ...), as cfitsio presents it.
  std::string header;
  int hdu = 0;  ///< the HDU read (0: primary)
  /// The image's size in the file (equal to width and height unless a region was read).
  long image_width = 0;
  long image_height = 0;  ///< see image_width

  /// Sample at (@p x, @p y), row @p y counted from the first FITS row; no bounds check.
  float at(int x, int y) const noexcept {
    return samples[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                   static_cast<std::size_t>(x)];
  }
};

/// Reads the 2-D image of HDU @p hdu of the FITS file @p path (@p hdu < 0: the first HDU
/// that holds a 2-D image, so the image of a tile-compressed `.fits.fz` file, which lives
/// in extension 1, is found without saying so). A 3-D image whose third axis has length 1
/// counts as 2-D. With @p region, only that rectangle is read (and pixels of it that lie
/// outside the image are NaN); without, the whole image, up to @p max_pixels pixels
/// (0: no limit).
/// @throws IoError naming the file, the HDU and what is wrong: a missing file, no such
///         HDU, an HDU that is not an image (a table) or not 2-D (a cube), no image HDU at
///         all, a truncated or damaged file (cfitsio's reason), an image larger than
///         @p max_pixels; Error for a region of non-positive size.
FitsPlane read_fits_plane(const std::filesystem::path& path, int hdu = -1,
                          const FitsRegion* region = nullptr,
                          std::int64_t max_pixels = 100'000'000);

/// The size and header of the image read_fits_plane() would read (samples empty), without
/// reading its pixels: enough to set up a WCS and choose a region.
/// @throws IoError as read_fits_plane().
FitsPlane read_fits_header(const std::filesystem::path& path, int hdu = -1);

/// Whether the file at @p path starts as a FITS file does ("SIMPLE  =").
/// @throws IoError if it cannot be opened.
bool is_fits_file(const std::filesystem::path& path);

/// One band of a composite: a file and its HDU (< 0: the first image HDU).
struct FitsSource {
  std::filesystem::path path;  ///< the FITS file
  int hdu = -1;                ///< 0-based HDU; < 0: the first that holds a 2-D image
};

}  // namespace galaxyzoo
