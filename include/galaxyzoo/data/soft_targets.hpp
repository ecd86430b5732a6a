#pragma once
/// @file
/// Per-image soft targets: for each image, a distribution over the classes (from its
/// galaxy's votes, Labeler::soft_targets()) that training can fit instead of the single
/// label (TrainerOptions::soft_targets). A SoftTargets table is keyed by the image's name
/// without folder, extension and `_proc` suffix (soft_target_key()), so one table serves
/// the split folder (`train_class_0_53.jpg`) and the preprocessed one
/// (`train_class_0_53_proc.jpg`).
///
/// @code
/// // create_dataset writes soft_targets.csv beside manifest.csv (write_split()).
/// galaxyzoo::SoftTargets targets = galaxyzoo::read_soft_targets("full/soft_targets.csv");
/// // Augmented copies inherit their source's target.
/// targets.merge(galaxyzoo::inherited_soft_targets(targets, report.sources, report.files));
/// const std::vector<double>& t = targets.of("preprocessed/train_class_2_4000_proc.jpg");
/// @endcode
///
/// The file is CSV: a header `file,target_0,...,target_{K-1}`, then one row per image with
/// its key and K numbers in [0, 1] that add up to 1 (within 1e-4).

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace galaxyzoo {

/// The name of the soft-target file that write_split() puts beside the manifest.
inline constexpr const char* kSoftTargetsFile = "soft_targets.csv";

/// The key of @p image in a SoftTargets table: its file name without extension and
/// without a trailing `_proc` (`preprocessed/train_class_0_53_proc.jpg` ->
/// `train_class_0_53`).
std::string soft_target_key(const std::filesystem::path& image);

/// Soft targets of images, by soft_target_key().
class SoftTargets {
 public:
  /// An empty table for @p num_classes classes.
  /// @throws Error for fewer than 2 classes.
  explicit SoftTargets(std::size_t num_classes);

  /// Number of classes of every target.
  std::size_t num_classes() const noexcept { return num_classes_; }
  /// Number of images.
  std::size_t size() const noexcept { return targets_.size(); }
  /// Where the table was read from (empty if built in memory); named in errors.
  const std::filesystem::path& source() const noexcept { return source_; }
  /// Sets where the table came from.
  void set_source(std::filesystem::path source) { source_ = std::move(source); }

  /// Adds the target of @p key.
  /// @throws Error naming the key if it has another number of classes, a value outside
  ///         [0, 1], a sum other than 1 (beyond 1e-4), or if the key holds another target.
  void add(const std::string& key, std::vector<double> target);
  /// Adds every target of @p other (same checks as add()).
  void merge(const SoftTargets& other);

  /// The target of @p key, or nullptr.
  const std::vector<double>* find(const std::string& key) const;
  /// The target of @p image (by soft_target_key()).
  /// @throws InputError naming @p image (and the table's source) if it has none.
  const std::vector<double>& of(const std::filesystem::path& image) const;

  /// The table as CSV (see the file comment), rows sorted by key.
  std::string csv() const;

 private:
  std::size_t num_classes_;
  std::map<std::string, std::vector<double>> targets_;
  std::filesystem::path source_;
};

/// Reads a soft-target file (see the file comment).
/// @throws IoError if it cannot be read; InputError naming the file, line and column for
///         a bad header, a row with the wrong number of fields, a number that does not
///         parse or a target that is not a distribution, or a repeated key.
SoftTargets read_soft_targets(const std::filesystem::path& file);

/// Reads and merges several soft-target files (at least one).
/// @throws as read_soft_targets(); Error if they differ in the number of classes or give
///         one image two targets.
SoftTargets read_soft_targets(const std::vector<std::filesystem::path>& files);

/// Writes @p targets to @p file atomically.
/// @throws IoError if it cannot be written.
void write_soft_targets(const SoftTargets& targets, const std::filesystem::path& file);

/// The targets of derived images (augmented copies): @p outputs[i] gets the target of
/// @p sources[i].
/// @throws Error if the lists differ in length; InputError naming a source without a target.
SoftTargets inherited_soft_targets(const SoftTargets& targets,
                                   const std::vector<std::filesystem::path>& sources,
                                   const std::vector<std::filesystem::path>& outputs);

}  // namespace galaxyzoo
