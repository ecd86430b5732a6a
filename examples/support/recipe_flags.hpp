#pragma once
/// @file
/// The training-recipe flags that train_model, vgg16_hpo and run_workflow share: --recipe
/// picks the original's recipe or from_scratch_recipe() (auto: from scratch without
/// --weights, the original's with), and --label_smoothing, --weight_decay, --warmup_epochs,
/// --cosine_epochs and --recalibrate_bn override its parts. Soft targets are the caller's
/// (train_model and vgg16_hpo: --soft_targets FILE...; run_workflow: the recipe's, off with
/// --hard_targets).

#include <galaxyzoo/model/hyperparameters.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "program.hpp"

namespace galaxyzoo::examples {

/// What the recipe flags hold until resolve() turns them into a TrainingRecipe.
struct RecipeFlags {
  std::string recipe = "auto";      ///< --recipe: auto, original or from_scratch
  double label_smoothing = -1;      ///< --label_smoothing (< 0: the recipe's)
  double weight_decay = -1;         ///< --weight_decay (< 0: the recipe's)
  double warmup_epochs = -1;        ///< --warmup_epochs (< 0: the recipe's)
  std::int64_t cosine_epochs = -1;  ///< --cosine_epochs (0: no cosine; < 0: the recipe's)
  std::string recalibrate_bn;       ///< --recalibrate_bn: on or off (empty: the recipe's)

  /// The recipe: --recipe's (auto: from scratch when @p have_weights is false), with the
  /// given overrides. --cosine_epochs N > 0 sets a cosine ending at epoch N.
  TrainingRecipe resolve(bool have_weights) const;
};

/// Adds --recipe, --label_smoothing, --weight_decay, --warmup_epochs, --cosine_epochs and
/// --recalibrate_bn to
/// @p program, writing into @p flags (which must outlive run()).
void add_recipe_flags(Program& program, RecipeFlags& flags);

/// Adds --soft_targets FILE... (train_model, vgg16_hpo): the soft-target tables to fit
/// instead of the labels, into @p files (which must outlive run()).
void add_soft_targets_flag(Program& program, std::vector<std::string>& files);

}  // namespace galaxyzoo::examples
