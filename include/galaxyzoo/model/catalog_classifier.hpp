#pragma once
/// @file
/// Classifying a catalogue: every row's image (GalaxyImageSource: files by pattern, FITS
/// band composites or survey cutouts) through a GalaxyClassifier, in batches, giving the
/// catalogue with its columns in order plus the predicted class and one probability column
/// per class; rows without a usable image are listed with their id and reason.
///
/// @code
/// galaxyzoo::GalaxyClassifier classifier("final_vgg16_model.pt");
/// galaxyzoo::Catalog catalog = galaxyzoo::read_catalog("galaxies.fits");
/// galaxyzoo::GalaxyImageOptions images;
/// images.survey_images = {{"survey-r.fits", -1}};
/// images.cutout.arcsec = 30;
/// galaxyzoo::CatalogClassifyOptions options;
/// options.id_column = "objid";
/// auto result = galaxyzoo::classify_catalog(classifier, catalog,
///                                           galaxyzoo::GalaxyImageSource(images), options);
/// galaxyzoo::write_catalog("classified.fits", result.table, /*fits=*/true);
/// for (const auto& f : result.failures) std::cerr << f.id << ": " << f.reason << '\n';
/// @endcode
///
/// This header does not include Torch (GalaxyClassifier is declared, not defined).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "galaxyzoo/data/catalog.hpp"
#include "galaxyzoo/images/galaxy_image_source.hpp"

namespace galaxyzoo {

class GalaxyClassifier;

/// The name of the probability column of class @p class_name in the tables galaxyzoo
/// writes (classify's output, eval_model's predictions.csv): `p_` + the name.
std::string probability_column(const std::string& class_name);

/// Name of the column of the predicted label (0 ... classes - 1) that classify adds.
inline constexpr const char* kPredictedColumn = "predicted";
/// Name of the column of the predicted class's name that classify adds.
inline constexpr const char* kPredictedClassColumn = "predicted_class";

/// How classify_catalog() reads the catalogue and runs.
struct CatalogClassifyOptions {
  std::string id_column =
      "GalaxyID";                  ///< the rows' ids (text, as written), for patterns and messages
  std::string ra_column = "ra";    ///< right ascension in degrees (survey cutouts only)
  std::string dec_column = "dec";  ///< declination in degrees (survey cutouts only)
  /// Rows whose images are made and classified together: at most this many images are
  /// in memory at once, however long the catalogue.
  std::size_t batch_size = 32;
  bool tta = false;     ///< average over the 8 flips and 90-degree rotations
  int num_workers = 2;  ///< threads reading or cutting images (0: one per hardware thread)
  /// Called after each batch with (rows done, rows); may be empty.
  std::function<void(std::size_t, std::size_t)> on_progress;
};

/// A catalogue row that was not classified.
struct RowFailure {
  std::size_t row = 0;  ///< 0-based row of the catalogue
  std::string id;       ///< its id
  std::string where;    ///< Catalog::where(): file and line (CSV) or row (FITS)
  std::string reason;   ///< why: the missing file, the read error, the position off the images
};

/// What classify_catalog() gives.
struct CatalogClassification {
  /// The classified rows, in catalogue order: every column of the catalogue (values, types,
  /// units as read), then kPredictedColumn (integer), kPredictedClassColumn (text) and
  /// probability_column() of each class (real, written to FITS as 32-bit floats).
  Catalog table;
  std::vector<RowFailure> failures;    ///< the rows left out, in catalogue order
  std::vector<std::size_t> per_class;  ///< classified rows per predicted class
};

/// The columns classify_catalog() adds for @p class_names, in order.
std::vector<std::string> added_columns(const std::vector<std::string>& class_names);

/// Appends to @p table the columns added_columns() names: the predicted label (the most
/// probable class; written to FITS as `1I`), its name and the probabilities (shortest text
/// that reads back as the same float; `1E`), row i from @p probabilities[i].
/// @return the number of rows predicted in each class.
/// @throws Error if the number of rows or of classes does not match, or a column of one of
///         those names exists.
std::vector<std::size_t> add_prediction_columns(
    Catalog& table, const std::vector<std::vector<float>>& probabilities,
    const std::vector<std::string>& class_names);

/// Classifies every row of @p catalog whose image @p images gives, in batches of
/// options.batch_size rows (images made on options.num_workers threads, then classified).
/// Checked before any image is read: the id column (and, for survey cutouts, the ra and dec
/// columns) exists, and no column of the catalogue has the name of a column it adds.
/// A row whose ra or dec is not a finite number fails (reason names the column). When no
/// row has an image the table has no rows (the caller decides whether that is an error).
/// @throws InputError naming the catalogue and column for a missing column or a clash.
CatalogClassification classify_catalog(GalaxyClassifier& classifier, const Catalog& catalog,
                                       const GalaxyImageSource& images,
                                       const CatalogClassifyOptions& options = {});

}  // namespace galaxyzoo
