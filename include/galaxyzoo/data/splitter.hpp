#pragma once
/// @file
/// Train / validation / test split of a Dataset, and placing the renamed images. Use a
/// Splitter to plan the split, then write_split() to create the split folder.
///
/// @code
/// galaxyzoo::Dataset dataset = galaxyzoo::Dataset::load(root);
/// galaxyzoo::SplitOptions options;
/// options.stratified = true;
/// galaxyzoo::SplitPlan plan = galaxyzoo::Splitter(options).split(dataset);
/// std::cout << plan.table();
/// galaxyzoo::write_split(plan, "full_galaxy_dataset");
/// @endcode
///
/// What a user must know:
///  - Splitter::split() is pure: it shuffles with a portable generator (the same seed gives
///    the same split on every platform) and cuts at the train and train+val fractions,
///    over all galaxies together or, stratified, within each class (which keeps small
///    classes represented in val and test);
///  - each galaxy is named `{train|val|test}_class_{label}_{counter}.jpg`, keeping its
///    per-class counter;
///  - write_split() assembles the folder, with a manifest, beside the destination and
///    renames it into place only when complete.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "galaxyzoo/data/dataset.hpp"
#include "galaxyzoo/data/soft_targets.hpp"

namespace galaxyzoo {

/// The three parts of a split.
enum class Split { train = 0, val = 1, test = 2 };

/// "train", "val" or "test".
std::string_view to_string(Split split) noexcept;
/// Writes to_string(split).
std::ostream& operator<<(std::ostream& out, Split split);

/// Which generator shuffles the galaxies before the cut.
enum class SplitRng {
  galaxyzoo,  ///< galaxyzoo's Rng (random.hpp): the same split on every platform
  /// numpy's legacy RandomState, as the original's pandas `sample(frac=1, random_state=seed)`
  /// did over the class-0 ... class-K tables concatenated in catalogue order: the original's
  /// split file for file. Only unstratified, with a seed below 2^32.
  numpy,
};

/// "galaxyzoo" or "numpy".
std::string_view to_string(SplitRng rng) noexcept;
/// The SplitRng called @p name. @throws Error for another name.
SplitRng parse_split_rng(std::string_view name);

/// How to split.
struct SplitOptions {
  double train_fraction = 0.8;         ///< share of galaxies in train (cut at floor(0.8 n))
  double val_fraction = 0.1;           ///< share in val; the rest is test
  std::uint64_t seed = 10;             ///< shuffle seed
  bool stratified = false;             ///< split each class on its own
  SplitRng rng = SplitRng::galaxyzoo;  ///< the shuffle's generator
};

/// One galaxy's place in the split.
struct SplitEntry {
  Galaxy galaxy;               ///< the galaxy, with its label and per-class counter
  Split split = Split::train;  ///< the part it belongs to
  std::string file_name;       ///< e.g. "train_class_3_17.jpg"
};

/// The result of Splitter::split(): every galaxy with its part and new name.
struct SplitPlan {
  std::vector<SplitEntry> entries;       ///< in shuffled order, train first, then val, test
  std::vector<std::string> class_names;  ///< by label

  /// counts()[label][split]: number of galaxies of a class in a part.
  std::vector<std::array<std::size_t, 3>> counts() const;
  /// The train / val / test counts per class as a text table, with a TOTAL row.
  std::string table() const;
  /// The manifest as CSV: `GalaxyID,original_file,file,split,label`, one row per entry.
  std::string manifest_csv() const;
  /// The entries' soft targets (Galaxy::target) by file name, or nothing when an entry
  /// has none (rules without share columns).
  std::optional<SoftTargets> soft_targets() const;
};

/// Splits datasets into train, val and test.
class Splitter {
 public:
  /// @throws Error if a fraction is outside [0, 1] or they add up to more than 1.
  explicit Splitter(SplitOptions options = {});

  /// Splits @p dataset (copying its galaxies into the plan).
  SplitPlan split(const Dataset& dataset) const;
  /// Splits a Dataset that is no longer needed, moving its galaxies into the plan.
  SplitPlan split(Dataset&& dataset) const;
  /// Splits @p galaxies whose labels are below @p class_names.size().
  /// @throws Error naming the galaxy if a label is out of range.
  SplitPlan split(std::vector<Galaxy> galaxies, std::vector<std::string> class_names) const;

  /// The options it splits with.
  const SplitOptions& options() const noexcept { return options_; }

 private:
  SplitOptions options_;
};

/// How write_split() puts each image in the output folder.
enum class Placement {
  link_or_copy,  ///< hard link where the file system allows, else copy (default)
  copy,          ///< always copy
};

/// Options of write_split().
struct WriteSplitOptions {
  Placement placement = Placement::link_or_copy;  ///< link or copy the images
  bool replace_existing = false;                  ///< replace a non-empty output folder
  std::string manifest_name = "manifest.csv";     ///< manifest file inside the output folder
  /// Soft-target file inside the output folder (SplitPlan::soft_targets(); not written
  /// when the plan has none).
  std::string soft_targets_name = kSoftTargetsFile;
};

/// Places every image of @p plan in @p output_dir under its new name and writes the
/// manifest (and the soft targets, when the plan has them) there. The folder appears complete or
/// not at all.
/// @throws IoError if the output cannot be created or written, if it exists and is not
///         empty (unless replace_existing), or if a source image cannot be read; the
///         output folder is then unchanged.
void write_split(const SplitPlan& plan, const std::filesystem::path& output_dir,
                 const WriteSplitOptions& options = {});

}  // namespace galaxyzoo
