#include "recipe_flags.hpp"

#include <limits>

namespace galaxyzoo::examples {

TrainingRecipe RecipeFlags::resolve(bool have_weights) const {
  const bool scratch = recipe == "from_scratch" || (recipe == "auto" && !have_weights);
  TrainingRecipe r = scratch ? from_scratch_recipe() : TrainingRecipe{};
  if (label_smoothing >= 0) r.label_smoothing = label_smoothing;
  if (weight_decay >= 0) r.weight_decay = weight_decay;
  if (warmup_epochs >= 0) r.schedule.warmup_epochs = warmup_epochs;
  if (cosine_epochs >= 0) {
    r.schedule.cosine = cosine_epochs > 0;
    r.schedule.decay_epochs = cosine_epochs;
  }
  if (!recalibrate_bn.empty()) r.recalibrate_batchnorm = recalibrate_bn == "on";
  return r;
}

void add_recipe_flags(Program& program, RecipeFlags& flags) {
  CLI::App& app = program.app();
  app.add_option("--recipe", flags.recipe,
                 "Training recipe: original (Adam, constant rates, labels), from_scratch "
                 "(the defaults for random initialisation) or auto (from_scratch without "
                 "--weights)")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "original", "from_scratch"}));
  program.add_real("--label_smoothing", flags.label_smoothing, {0, 1, false, true},
                   "Label smoothing in [0, 1) (default: the recipe's)");
  program.add_real("--weight_decay", flags.weight_decay, {0, 1e3},
                   "AdamW's decoupled weight decay; 0: Adam (default: the recipe's)");
  program.add_real("--warmup_epochs", flags.warmup_epochs, {0, 1e5},
                   "Epochs of linear learning-rate warm-up (default: the recipe's)");
  program.add_integer("--cosine_epochs", flags.cosine_epochs, {0, 100000},
                      "Cosine decay of the learning rates ending at this epoch; 0: none "
                      "(default: the recipe's)");
  app.add_option("--recalibrate_bn", flags.recalibrate_bn,
                 "on: recompute the BatchNorm statistics over the training images after each "
                 "epoch (default: the recipe's; on from scratch)")
      ->check(CLI::IsMember({"on", "off"}));
}

void add_soft_targets_flag(Program& program, std::vector<std::string>& files) {
  program.app().add_option("--soft_targets", files,
                           "Fit these soft-target tables (create_dataset's soft_targets.csv, "
                           "augment_data's tables of the copies) instead of the labels");
}

}  // namespace galaxyzoo::examples
