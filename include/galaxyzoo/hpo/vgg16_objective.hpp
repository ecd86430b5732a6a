#pragma once
/// @file
/// The objective of the VGG16 hyper-parameter search: train with a trial's parameters on
/// the training split, early-stop on the validation split, return a validation loss. Pass
/// a Vgg16Objective to HpoSearch::run().
///
/// @code
/// galaxyzoo::Vgg16ObjectiveOptions options;
/// options.run.data = "preprocessed";
/// options.run.output_dir = "hpo";
/// options.run.trainer.epochs = 8;
/// galaxyzoo::HpoSearch search(search_options);
/// search.run(galaxyzoo::Vgg16Objective(options, search_options.space));
/// @endcode
///
/// What a user must know:
///  - each trial is one run_training() with the trial's `layer`, `lr_body` and `lr_head`
///    (missing ones keep HyperParameters' defaults; any other parameter is an error); the
///    validation loss is reported after every epoch, so a pruner can stop the trial;
///  - the trial's value is the best validation loss, or with mean_val_loss the mean over
///    the epochs actually run;
///  - files per trial N in run.output_dir: `early_stopping_vgg16_model_trialN.pt` (the best
///    weights, for load_classifier()), `loss_vgg16_trialN.png`, `history_vgg16_trialN.csv`,
///    and while it runs `checkpoint_vgg16_trialN.pt`;
///  - a trial stopped by a stop request throws TrialInterrupted and keeps its checkpoint,
///    which its next attempt continues from; a first attempt deletes a leftover checkpoint.

#include <cstdint>
#include <filesystem>
#include <string>

#include "galaxyzoo/hpo/hpo_search.hpp"
#include "galaxyzoo/model/training_run.hpp"

namespace galaxyzoo {

/// Options of Vgg16Objective.
struct Vgg16ObjectiveOptions {
  /// Data, output folder, weights, image size, batch size, loaders and the trainer's
  /// epochs, patience, seed and device; the training recipe too (soft_targets tables, the
  /// trainer's label smoothing, weight decay, schedule and BatchNorm recalibration), which
  /// every trial shares. Its params, name, resume and write_model are set per trial.
  TrainingRunOptions run;
  /// The trial's value: the best validation loss (false, the default) or the mean
  /// validation loss over the epochs run (true).
  bool mean_val_loss = false;
  /// Keep each trial's checkpoint file after the trial has finished (default: delete it).
  bool keep_checkpoints = false;
};

/// The hyper-parameters of a trial: layer, lr_body and lr_head from @p params, the
/// defaults for those missing, each checked by set_hyperparameter().
/// @throws Error for any other parameter name, or a value set_hyperparameter() refuses.
HyperParameters vgg16_hyperparameters(const Assignment& params);

/// The checkpoint file of trial @p trial in @p output_dir: `checkpoint_vgg16_trialN.pt`.
std::filesystem::path vgg16_trial_checkpoint(const std::filesystem::path& output_dir,
                                             std::int64_t trial);

/// Trains VGG16 for a trial; see the file comment.
class Vgg16Objective {
 public:
  /// @throws Error if @p space has parameters other than layer, lr_body and lr_head, or
  ///         lacks one of them (the best trial's parameter file must hold all three).
  Vgg16Objective(Vgg16ObjectiveOptions options, const SearchSpace& space);

  /// Runs trial @p trial and returns its value.
  /// @throws TrialInterrupted on a stop request; the errors of run_training().
  double operator()(TrialContext& trial) const;

 private:
  Vgg16ObjectiveOptions options_;
};

}  // namespace galaxyzoo
