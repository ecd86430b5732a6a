#pragma once
/// @file
/// The flags that describe one training run, shared by train_model and vgg16_hpo (each
/// trial of a search is such a run): --weights, --image_size, --device, --num_workers,
/// the FITS flags, --cache_mb, --mixed_precision, --jitter, --rotations, the recipe flags
/// (recipe_flags.hpp), --soft_targets and --threads.

#include <galaxyzoo/model/training_run.hpp>

#include <cstddef>
#include <string>
#include <vector>

#include "program.hpp"
#include "recipe_flags.hpp"

namespace galaxyzoo::examples {

/// What the training-run flags hold that TrainingRunOptions has no place for until
/// apply() moves it there.
struct TrainingFlags {
  std::string weights;                    ///< --weights: torchvision VGG16 weights
  std::string device = "auto";            ///< --device
  std::size_t cache_mb = 0;               ///< --cache_mb (add() sets the default)
  std::vector<double> jitter;             ///< --jitter: 4 factors, or empty
  RecipeFlags recipe;                     ///< the recipe flags
  std::vector<std::string> soft_targets;  ///< --soft_targets FILE...

  /// Adds the flags to @p program; those with a place in @p run (image size, decoding
  /// threads, FITS options, rotations, mixed precision) write there. Both must outlive
  /// Program::run().
  void add(Program& program, TrainingRunOptions& run);

  /// After parsing: the weights, device, cache budget, jitter, recipe and soft targets
  /// into @p run. Without --weights, and when @p warn, prints a warning that names
  /// @p program (VGG16 then starts from random weights).
  void apply(TrainingRunOptions& run, const std::string& program, bool warn) const;
};

}  // namespace galaxyzoo::examples
