#pragma once
/// @file
/// Square cutouts of survey images around sky positions: the pixels of a FITS image
/// centred on a catalogue's right ascension and declination, found through the image's
/// WCS (wcs.hpp), read with read_fits_plane() (only the cutout's rows and columns).
///
/// @code
/// galaxyzoo::SkyCutter cutter({{"survey-g.fits", -1}, {"survey-g-2.fits", -1}},
///                             galaxyzoo::CutoutSize{0, 25.0});   // 25 arcsec a side
/// galaxyzoo::SkyCutout c = cutter.cut({150.1, 2.2});
/// if (c.ok()) use(galaxyzoo::stretch_to_grey(c.plane));  // else c.failure says why
/// @endcode
///
/// The rules: a position is cut from the first image (in the order given) whose pixel grid
/// contains its centre, the pixel nearest to it; that pixel is the cutout's centre
/// (column and row side / 2, rounded down). A cutout that runs over the image's edge is
/// kept: its pixels outside the image are NaN (stretch_to_grey() makes them black). A
/// position that no image contains is a failure, reported, never an exception.

#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/images/fits_image.hpp"
#include "galaxyzoo/images/wcs.hpp"

namespace galaxyzoo {

/// The side of a square cutout: in pixels, or in arcseconds (converted with each image's
/// pixel scale, rounded to the nearest whole pixel, at least 1). Exactly one is > 0.
struct CutoutSize {
  int pixels = 0;     ///< > 0: side in pixels
  double arcsec = 0;  ///< > 0: side in arcseconds
};

/// One cutout, or why there is none.
struct SkyCutout {
  FitsPlane plane;              ///< the pixels (side x side), when ok()
  std::filesystem::path image;  ///< the survey image it was cut from, when ok()
  std::string failure;          ///< empty when ok(); otherwise the reason
  /// Whether the cutout was made.
  bool ok() const noexcept { return failure.empty(); }
};

/// Cuts squares around sky positions from a list of survey images.
class SkyCutter {
 public:
  /// Largest side of a cutout, in pixels.
  static constexpr int kMaxSide = 16384;

  /// Reads the header and WCS of each image of @p images (not their pixels) and the side
  /// of @p size in each image's pixels.
  /// @throws Error for an empty list, a size that is not exactly one positive value, a side
  ///         above kMaxSide; IoError (read_fits_header()) or Error (SkyWcs) naming an image
  ///         that cannot be read or has no usable WCS.
  SkyCutter(const std::vector<FitsSource>& images, CutoutSize size);

  /// The cutout around @p sky from the first image that contains it.
  /// @return a failure naming the position when no image contains it or an image's pixels
  ///         cannot be read (IoError's message).
  SkyCutout cut(const SkyPosition& sky) const;

  /// Number of survey images.
  std::size_t size() const noexcept { return images_.size(); }
  /// The cutout side in pixels in image @p i.
  int side(std::size_t i) const { return images_.at(i).side; }

 private:
  struct Survey {
    FitsSource source;
    long width = 0;
    long height = 0;
    SkyWcs wcs;
    int side = 0;
  };
  std::vector<Survey> images_;
};

}  // namespace galaxyzoo
