#pragma once
/// @file
/// A synthetic Galaxy Zoo 2 data set in the Kaggle layout, rendered by the library.
///
/// Use SyntheticDataset as a stand-in where the Kaggle data cannot be downloaded; it has
/// the same layout: `images_training_rev1/<GalaxyID>.jpg` (424 x 424 RGB JPEG) and
/// `training_solutions_rev1.csv` (GalaxyID + the 37 vote fractions). Each galaxy gets a
/// GalaxyKind, a random GalaxyModel drawn for it (random_galaxy_model()), an image
/// (render_galaxy()) and the votes of a simulated crowd (VoteSimulator), so labels and
/// images agree the way they do in Galaxy Zoo: mostly, with disagreement near the
/// thresholds. A third file, `synthetic_truth.csv`, records each galaxy's kind.
///
/// Everything is determined by the seed: galaxy i is drawn from its own generator, so the
/// output is the same whatever the number of threads.
///
/// @code
/// galaxyzoo::SyntheticDatasetOptions options;
/// options.per_class = 60;   // 60 galaxies meant for each class
/// options.unlabeled = 60;   // and 60 meant to match none
/// galaxyzoo::SyntheticDataset(options).write("galaxy_data");
/// auto dataset = galaxyzoo::Dataset::load("galaxy_data");
/// @endcode

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "galaxyzoo/data/vote_table.hpp"
#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/synthetic/synthetic_galaxy.hpp"
#include "galaxyzoo/synthetic/vote_simulator.hpp"

namespace galaxyzoo {

/// What to render.
struct SyntheticDatasetOptions {
  int per_class = 60;  ///< galaxies meant for each of the classes 0-4
  int unlabeled = 60;  ///< galaxies meant to match no class (artifacts, ambiguous disks, mergers)
  std::uint64_t seed = 1;         ///< everything follows from it
  int image_size = 424;           ///< pixels (Kaggle: 424)
  int jpeg_quality = 80;          ///< 1-100
  int num_threads = 0;            ///< rendering threads; 0: one per hardware thread
  bool replace_existing = false;  ///< replace a non-empty output folder
  VoteSimulatorOptions votes;     ///< crowd size and agreement
  /// Called after each image with (done, total): images rendered so far and all images to
  /// render; one call at a time; may be empty.
  std::function<void(std::size_t, std::size_t)> on_progress;
};

/// One planned galaxy.
struct SyntheticGalaxy {
  std::int64_t id = 0;                         ///< GalaxyID (six digits, increasing, like Kaggle's)
  GalaxyKind kind = GalaxyKind::round_smooth;  ///< what it is meant to be
  std::uint64_t seed = 0;                      ///< seeds its model, noise and votes
};

/// Plans a synthetic data set and renders or writes it.
class SyntheticDataset {
 public:
  /// Plans the galaxies (cheap: nothing is rendered yet).
  /// @throws Error for negative counts, an empty data set, or a bad image size or quality.
  explicit SyntheticDataset(SyntheticDatasetOptions options = {});

  /// The planned galaxies, in catalogue order (increasing GalaxyID, kinds shuffled).
  const std::vector<SyntheticGalaxy>& galaxies() const noexcept { return galaxies_; }
  /// The options it was planned with.
  const SyntheticDatasetOptions& options() const noexcept { return options_; }

  /// Galaxy @p i's model.
  GalaxyModel model(std::size_t i) const;
  /// Galaxy @p i's image.
  Image render(std::size_t i) const;
  /// The vote table of all galaxies.
  VoteTable votes() const;

  /// A contact sheet: one row per GalaxyKind (classes 0-4, then the three kinds that
  /// match no class), the first @p per_row galaxies of each kind, each shrunk to
  /// @p cell x @p cell pixels. Rows of kinds with fewer galaxies stay partly black.
  /// @throws Error if @p per_row or @p cell is not positive.
  Image contact_sheet(int per_row = 6, int cell = 141) const;

  /// Writes the Kaggle layout into @p root (created; must not exist or be empty unless
  /// options().replace_existing), rendering on options().num_threads threads. The folder
  /// appears complete or not at all.
  /// @throws IoError if it cannot be written.
  void write(const std::filesystem::path& root) const;

 private:
  SyntheticDatasetOptions options_;
  std::vector<SyntheticGalaxy> galaxies_;
};

}  // namespace galaxyzoo
