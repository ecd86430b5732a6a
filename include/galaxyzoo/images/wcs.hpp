#pragma once
/// @file
/// The world coordinate system (WCS) of a survey image: sky position (right ascension and
/// declination, degrees) to pixel and back, from the image's FITS header (wcslib: wcspih()
/// parses the header, wcss2p() and wcsp2s() transform). No wcslib type appears here.
///
/// @code
/// galaxyzoo::FitsPlane header = galaxyzoo::read_fits_header("frame-r.fits");
/// galaxyzoo::SkyWcs wcs(header.header, "frame-r.fits");
/// if (auto p = wcs.to_pixel({150.1, 2.2})) std::cout << p->x << ' ' << p->y << '\n';
/// double arcsec = wcs.pixel_scale_arcsec();   // 0.396 for SDSS
/// @endcode
///
/// Pixel positions are 0-based, as FitsRegion's: the centre of the first stored pixel is
/// (0, 0) (FITS pixel (1, 1)); y counts rows from the first FITS row.

#include <memory>
#include <optional>
#include <string>

namespace galaxyzoo {

/// A position on the sky, in degrees (equatorial: ICRS or FK5, as the image's WCS is).
struct SkyPosition {
  double ra = 0;   ///< right ascension
  double dec = 0;  ///< declination
};

/// A 0-based position in an image's pixel grid.
struct PixelPosition {
  double x = 0;  ///< column; the centre of the first column is 0
  double y = 0;  ///< row counted from the first FITS row; the centre of the first row is 0
};

/// The celestial WCS of one image. Thread-safe: its transformations may be called from
/// several threads at once.
class SkyWcs {
 public:
  /// Parses @p header (80-character cards, as FitsPlane::header holds them). The first
  /// WCS of the header is used; its celestial axes must be right ascension and declination
  /// (CTYPE `RA---xxx` and `DEC--xxx`, any projection wcslib knows, in the image's first
  /// two axes). @p source names the image in errors.
  /// @throws Error naming @p source when the header has no WCS, the WCS is invalid (wcslib's
  ///         reason), or its axes are not RA and DEC.
  SkyWcs(const std::string& header, const std::string& source);
  ~SkyWcs();
  SkyWcs(SkyWcs&&) noexcept;             ///< moves the WCS
  SkyWcs& operator=(SkyWcs&&) noexcept;  ///< moves the WCS

  /// The pixel position of @p sky; std::nullopt where the projection has none (the far
  /// side of the sky for a TAN projection) or the position is invalid.
  std::optional<PixelPosition> to_pixel(const SkyPosition& sky) const;
  /// The sky position of @p pixel; std::nullopt where it has none.
  std::optional<SkyPosition> to_sky(const PixelPosition& pixel) const;
  /// The side of a pixel in arcseconds at the reference point: the square root of the
  /// area of a pixel (|det| of the CD, or PC x CDELT, matrix).
  double pixel_scale_arcsec() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace galaxyzoo
