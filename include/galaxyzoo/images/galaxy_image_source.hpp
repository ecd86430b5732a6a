#pragma once
/// @file
/// Where a catalogue row's image comes from: files named by a pattern (`{id}.jpg`,
/// `{id}/{id}.fits`, three FITS bands `{id}-{band}.fits` composed into RGB), or a cutout of
/// survey images around the row's sky position (sky_cutout.hpp). Each row gives an RGB
/// image or the reason why there is none; a row's own problem (a missing or unreadable
/// file, a position off the survey images) never throws.
///
/// @code
/// galaxyzoo::GalaxyImageOptions options;
/// options.folder = "images";
/// options.pattern = "{id}/{id}-{band}.fits";
/// options.bands = {"i", "r", "g"};                    // red, green, blue
/// galaxyzoo::GalaxyImageSource source(options);
/// galaxyzoo::GalaxyImage g = source.image("1237648720693755918", std::nullopt);
/// if (!g.ok()) std::cerr << g.failure << '\n';       // "no file 'images/1237.../...-i.fits'"
/// @endcode

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "galaxyzoo/images/fits_image.hpp"
#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/images/sky_cutout.hpp"
#include "galaxyzoo/images/wcs.hpp"

namespace galaxyzoo {

/// How GalaxyImageSource finds a row's image.
struct GalaxyImageOptions {
  /// Folder the pattern's paths are relative to (empty: the current folder).
  std::filesystem::path folder;
  /// The image file of a row: `{id}` becomes the row's id, `{band}` each of bands
  /// (sub-folders allowed: `{id}/{id}.fits`). JPEG, PNG, FITS (`.fits`, `.fits.fz`:
  /// read.fits says which HDU and how it is stretched) and whatever read_image() reads.
  std::string pattern = "{id}.jpg";
  /// Empty, or the three values of `{band}` for the red, green and blue planes of a
  /// FITS composite (compose_rgb() with read.fits.display).
  std::vector<std::string> bands;
  /// Non-empty: rows are cut from these survey images by their sky position instead of
  /// read from files (the pattern is then not used).
  std::vector<FitsSource> survey_images;
  /// Side of the survey cutouts.
  CutoutSize cutout;
  /// How image files are decoded (crop, FITS HDU, clipping and stretch); its
  /// fits.display also maps cutouts and band composites to 8 bits.
  ReadOptions read;
};

/// A row's image, or why it has none.
struct GalaxyImage {
  Image image;          ///< RGB (3 bands), when ok()
  std::string failure;  ///< empty when ok(); otherwise the reason, naming the file or position
  /// Whether the image was found and read.
  bool ok() const noexcept { return failure.empty(); }
};

/// Resolves catalogue rows into RGB images. Thread-safe: image() may be called from
/// several threads at once.
class GalaxyImageSource {
 public:
  /// Checks @p options: the pattern's placeholders (only `{id}` and `{band}`; `{id}`
  /// required; `{band}` exactly when there are bands, and then 3 of them), and, for
  /// cutouts, opens the survey images' headers (SkyCutter).
  /// @throws Error naming the pattern or option that is wrong; as SkyCutter for survey images.
  explicit GalaxyImageSource(GalaxyImageOptions options);

  /// Whether rows are cut from survey images (and so need a sky position).
  bool cuts_from_survey() const noexcept { return cutter_.has_value(); }
  /// The file of row @p id for @p band (empty without bands): folder / pattern.
  std::filesystem::path path(const std::string& id, const std::string& band = "") const;
  /// The image of row @p id (spaces around it ignored), cut around @p position when
  /// cuts_from_survey() (a row without position fails), else read from its file(s).
  GalaxyImage image(const std::string& id, const std::optional<SkyPosition>& position) const;
  /// What is looked for, for messages: "FOLDER/PATTERN" or "cutouts of N survey images".
  std::string description() const;

 private:
  GalaxyImage read_files(const std::string& id) const;
  GalaxyImage cut(const std::optional<SkyPosition>& position) const;

  GalaxyImageOptions options_;
  std::optional<SkyCutter> cutter_;
};

}  // namespace galaxyzoo
