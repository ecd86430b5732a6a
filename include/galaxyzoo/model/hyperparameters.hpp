#pragma once
/// @file
/// The hyper-parameters the search tunes and training uses: where VGG16's frozen part ends
/// and the two learning rates; and the training recipe's levers (TrainingRecipe). This is the one
/// place their defaults, their checks and the reading of parameter files live:
/// VGG16ClassifierOptions::freeze_before and TrainerOptions' learning rates take their defaults
/// from here, and the search's trials (vgg16_hyperparameters()) and parameter files
/// (read_hyperparameters()) go through set_hyperparameter(). No Torch.
///
/// @code
/// galaxyzoo::HyperParameters hp = galaxyzoo::read_hyperparameters("best_vgg16_hpo_params.txt");
/// options.params = hp;  // TrainingRunOptions: model freezing and the trainer's learning rates
/// @endcode

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "galaxyzoo/model/lr_schedule.hpp"

namespace galaxyzoo {

/// The hyper-parameters the search tunes and training uses.
struct HyperParameters {
  /// VGG16 `features` children before this index are frozen: the model's
  /// VGG16ClassifierOptions::freeze_before (default 21: conv4_3 onwards trains).
  std::int64_t layer = 21;
  double lr_body = 1e-7;  ///< learning rate of the trainable features layers
  double lr_head = 1e-4;  ///< learning rate of the head
};

/// How training fits, beyond the searched hyper-parameters: the levers that are one option
/// away from the original's recipe. The default (everything off) is the original's, which
/// the programs keep with ImageNet weights; from_scratch_recipe() is their default without.
struct TrainingRecipe {
  /// Fit each image's vote distribution (soft targets, labeling.hpp) instead of its label.
  bool soft_targets = false;
  double label_smoothing = 0;          ///< TrainerOptions::label_smoothing
  double weight_decay = 0;             ///< TrainerOptions::weight_decay (> 0: AdamW)
  LrSchedule schedule;                 ///< TrainerOptions::schedule
  bool recalibrate_batchnorm = false;  ///< TrainerOptions::recalibrate_batchnorm
};

/// The recipe for training VGG16 from its random initialisation (no ImageNet weights),
/// chosen on the synthetic demo data (README): see its definition for the values.
TrainingRecipe from_scratch_recipe();

/// The recipe in words, e.g. "soft targets, weight decay 0.05, warm-up 1 epochs, cosine ...".
std::string describe(const TrainingRecipe& recipe);

/// Number of children of VGG16's `features`: the largest valid HyperParameters::layer
/// (everything frozen).
inline constexpr std::int64_t kVgg16FeatureChildren = 31;

/// The names of the hyper-parameters: layer, lr_body and lr_head.
const std::array<std::string_view, 3>& hyperparameter_names();

/// Whether @p name is one of hyperparameter_names().
bool is_hyperparameter(std::string_view name);

/// Sets hyper-parameter @p name of @p hp to @p value, checked: layer must be an integer
/// in [0, kVgg16FeatureChildren], a learning rate a finite number above 0.
/// @throws Error saying what is wrong (the caller adds where the value came from) for an
///         unknown name or a value out of range.
void set_hyperparameter(HyperParameters& hp, std::string_view name, double value);

/// Reads the hyper-parameters from a parameter file, in any of three forms:
///  - `key: value` (or `key = value`) lines, as the search writes best_NAME_params.txt:
///    layer, lr_body and lr_head, and the search's `trial` and `value`; blank lines and
///    lines starting with '#' are skipped;
///  - a JSON object, flat or with a "params" object (best_NAME_trial.json, whose other
///    members are not read);
///  - the original's best_vgg16_hpo_params.txt, a Python dict printed as text
///    (`{'trial_id': 3, 'value': 0.71, 'params': {'lr_body': 1e-07, 'lr_head': 0.0001,
///    'layer': '21'}}`), read as the JSON form.
///
/// All three of layer, lr_body and lr_head must be there, once each; a value is a number
/// (or a quoted number) that parses whole and passes set_hyperparameter().
/// @throws IoError if the file cannot be read; InputError naming the file, the line where
///         there is one and the key for an empty or malformed file, an unknown key, a
///         missing or repeated key, or a bad value.
HyperParameters read_hyperparameters(const std::filesystem::path& file);

}  // namespace galaxyzoo
