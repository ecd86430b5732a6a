#pragma once
/// @file
/// The labelled, image-backed selection of galaxies ("create clean dataset"). Use
/// Dataset::load() on a Kaggle-layout folder, then split it with a Splitter (splitter.hpp).
///
/// @code
/// galaxyzoo::DatasetOptions options;
/// options.max_per_class = {1000, 1000, 579, 1000, 1000};
/// galaxyzoo::Dataset dataset =
///     galaxyzoo::Dataset::load("galaxy-zoo-the-galaxy-challenge", options);
/// std::cout << dataset.class_table();
/// for (const galaxyzoo::Galaxy& g : dataset.galaxies()) use(g.id, g.label, g.image);
/// @endcode
///
/// A Dataset reads the vote table, labels every galaxy with the class rules, drops the
/// galaxies no rule labels and those without an image, applies per-class caps and numbers
/// the kept galaxies of each class 0, 1, 2, ... in catalogue order. It never writes files.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "galaxyzoo/data/image_index.hpp"
#include "galaxyzoo/data/labeling.hpp"
#include "galaxyzoo/data/vote_table.hpp"

namespace galaxyzoo {

/// How a per-class cap chooses which galaxies to keep.
enum class Selection {
  first,   ///< the first N of the class in catalogue order
  random,  ///< N drawn at random (seeded), kept in catalogue order
};

/// Where the data are and how to select from them.
struct DatasetOptions {
  /// Vote table, relative to the data folder (or absolute).
  std::filesystem::path catalog = "training_solutions_rev1.csv";
  /// Image folder, relative to the data folder (or absolute).
  std::filesystem::path image_dir = "images_training_rev1";
  /// Optional list of existing images (one name a line); empty: scan image_dir.
  std::filesystem::path image_list;
  /// Class rules, in evaluation order. Default: galaxy_zoo_rules(), five classes.
  std::vector<ClassRule> rules = galaxy_zoo_rules();
  /// Cap per class (one number per class); empty: keep everything.
  std::vector<std::size_t> max_per_class;
  /// How a cap picks galaxies. Default: the first N.
  Selection selection = Selection::first;
  /// Seed for Selection::random.
  std::uint64_t seed = 10;
};

/// One selected galaxy.
struct Galaxy {
  std::int64_t id = 0;          ///< GalaxyID
  int label = -1;               ///< class index
  std::size_t counter = 0;      ///< 0, 1, ... within its class, in catalogue order
  std::size_t row = 0;          ///< row in the vote table (0-based, header excluded)
  std::filesystem::path image;  ///< source image file
  /// Its soft target, a distribution over the classes from its votes
  /// (Labeler::soft_targets()); empty when the rules name no share columns.
  std::vector<double> target;
};

/// How many galaxies each filter removed.
struct DatasetStats {
  std::size_t rows = 0;                ///< rows in the vote table
  std::size_t unlabeled = 0;           ///< no class rule held
  std::size_t missing_image = 0;       ///< labeled, but no image file
  std::vector<std::size_t> available;  ///< per class: labeled with an image
  std::vector<std::size_t> selected;   ///< per class: kept after the caps
  std::vector<std::string> warnings;   ///< the vote table's (VoteTable::warnings)
};

/// Labeled galaxies selected from a Galaxy Zoo vote table.
class Dataset {
 public:
  /// Reads `data_path/options.catalog` and indexes `data_path/options.image_dir` (or the
  /// list file), then selects. Everything is validated before anything is returned.
  /// @throws IoError for a missing catalogue, image folder or list;
  ///         InputError for malformed catalogue content or a rule naming a missing column;
  ///         Error if max_per_class does not have one number per class.
  static Dataset load(const std::filesystem::path& data_path, const DatasetOptions& options = {});

  /// Selects from an already loaded @p table and @p images (options.catalog, image_dir
  /// and image_list are ignored).
  /// @throws Error if max_per_class does not have one number per class.
  static Dataset select(const VoteTable& table, const ImageIndex& images,
                        const DatasetOptions& options = {});

  /// The kept galaxies, in catalogue order.
  const std::vector<Galaxy>& galaxies() const& noexcept { return galaxies_; }
  /// The kept galaxies of a temporary Dataset, moved out (so that
  /// `for (auto& g : Dataset::load(root).galaxies())` does not dangle).
  std::vector<Galaxy> galaxies() && noexcept { return std::move(galaxies_); }
  /// Number of classes the rules define.
  std::size_t num_classes() const noexcept { return class_names_.size(); }
  /// Name of each class, by label.
  const std::vector<std::string>& class_names() const noexcept { return class_names_; }
  /// Counts of what was kept and dropped.
  const DatasetStats& stats() const noexcept { return stats_; }

  /// The per-class table as text: class, number, file names.
  std::string class_table() const;

 private:
  std::vector<Galaxy> galaxies_;
  std::vector<std::string> class_names_;
  DatasetStats stats_;
};

}  // namespace galaxyzoo
