#pragma once
/// @file
/// The hyper-parameters the search tunes and training uses: where VGG16's frozen part ends
/// and the two learning rates. This is the one place their defaults live:
/// VGG16ClassifierOptions::freeze_before and TrainerOptions' learning rates take theirs
/// from here. No Torch.
///
/// @code
/// galaxyzoo::HyperParameters hp = galaxyzoo::read_hyperparameters("best_vgg16_hpo_params.txt");
/// options.params = hp;  // TrainingRunOptions: model freezing and the trainer's learning rates
/// @endcode

#include <cstdint>
#include <filesystem>

namespace galaxyzoo {

/// The hyper-parameters the search tunes and training uses.
struct HyperParameters {
  /// VGG16 `features` children before this index are frozen: the model's
  /// VGG16ClassifierOptions::freeze_before (default 21: conv4_3 onwards trains).
  std::int64_t layer = 21;
  double lr_body = 1e-7;  ///< learning rate of the trainable features layers
  double lr_head = 1e-4;  ///< learning rate of the head
};

/// Reads hyper-parameters from a text file of `key: value` (or `key = value`) lines, or
/// a JSON object (or one with a "params" object), with the keys layer, lr_body and
/// lr_head; other keys (trial number, value) are ignored, missing ones keep their
/// defaults. The search writes such files (best_NAME_params.txt, best_NAME_trial.json).
/// @throws IoError if the file cannot be read; InputError naming the line and key for a
///         value that is not a number (or a layer that is not an integer).
HyperParameters read_hyperparameters(const std::filesystem::path& file);

}  // namespace galaxyzoo
