#pragma once
/// @file
/// One whole training run on a preprocessed folder, as train_model, the hyper-parameter
/// search and the workflow driver all do it. Use run_training() unless you need to build
/// the model and loaders yourself (then see trainer.hpp).
///
/// @code
/// galaxyzoo::TrainingRunOptions options;
/// options.data = "preprocessed";
/// options.output_dir = "model";
/// options.params = galaxyzoo::read_hyperparameters("best_vgg16_hpo_params.txt");
/// options.loader.image_size = 256;
/// options.trainer.epochs = 10;
/// galaxyzoo::TrainingRunResult run = galaxyzoo::run_training(options);
/// if (run.training.interrupted) return galaxyzoo::kExitResumable;
/// @endcode
///
/// What a user must know:
///  - it lists the training split (or train + val), sizes the classifier to the labels
///    found, loads ImageNet weights if given, applies training transforms to the training
///    split only, and early-stops on the validation split (never on test);
///  - files written into output_dir (NAME is `name`, "vgg16" by default):
///
///        final_NAME_model.pt  checkpoint_NAME.pt  loss_NAME.png  history_NAME.csv
///
///    the history CSV and the loss plot are rewritten (atomically) after every epoch, so
///    that a running job can be watched;
///  - with refit, a second run trains a new model from the start on train + val for as
///    many epochs as early stopping chose on val (the best epoch's number) and that model
///    is final_NAME_model.pt; it writes checkpoint_NAME_refit.pt, loss_NAME_refit.png and
///    history_NAME_refit.csv beside the first run's files. The test split is never read;
///  - with continue_from (the checkpoint of an earlier run, e.g. the search's best trial)
///    a run whose settings are the same starts where that run stopped instead of
///    repeating its epochs. "The same" means equal: the images (names, sizes and times of
///    the train and val files), the number of classes, the weights file (path, size,
///    time), layer, lr_body and lr_head, the seed, image_size, center_crop, batch_size,
///    the colour jitter and rotations, patience, balanced (the class weights), train_val,
///    mixed_precision, freeze_batchnorm, the number of data-parallel processes, the soft
///    targets (the tables' sizes and times), label smoothing, weight decay, the BatchNorm
///    recalibration and the learning-rate schedule (with a cosine, the epoch it ends at). The
///    device, threads, cache and callbacks are not compared: they do not change the
///    course of training on the CPU (a checkpoint from the CPU continues on CUDA, with
///    CUDA's own rounding). The earlier run must also not have trained more epochs than
///    this one, nor have been stopped by its should_stop (pruned). Otherwise the run
///    starts afresh and TrainingRunResult::reuse_skipped says why. Continuing gives the
///    same weights, bit for bit on the CPU, as training from the start (the checkpoint
///    holds LibTorch's generator state, and the loaders' randomness follows from the seed
///    and the epoch);
///  - resuming (resume) a checkpoint written with other settings is an Error naming them;
///  - with soft_targets, every training image needs a target in the tables (an InputError
///    names the image that has none); validation still scores against the labels;
///  - in data-parallel runs (TrainerOptions::distributed) each rank loads its shard and only
///    rank 0 writes files; the output folder must be shared for resuming.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/model/hyperparameters.hpp"
#include "galaxyzoo/model/image_loader.hpp"
#include "galaxyzoo/model/trainer.hpp"

namespace galaxyzoo {

/// What run_training() trains on and how. Each fact has one place: the loaders' options
/// are in `loader`, the trainer's in `trainer`, the learning rates and the freezing in
/// `params`; a field that the run fills in itself must be left at its default (or hold the
/// value the run gives it), else run_training() throws an Error naming it.
struct TrainingRunOptions {
  std::filesystem::path data = "preprocessed";  ///< folder of {train,val}_class_K_N_proc.jpg
  std::filesystem::path output_dir = ".";       ///< where the files go (created if needed)
  std::string name = "vgg16";                   ///< the NAME of the output files
  /// layer (the model's freeze_before), lr_body and lr_head (the trainer's learning rates).
  HyperParameters params;
  std::filesystem::path weights;  ///< torchvision VGG16 state_dict (empty: random initialisation)
  /// Both loaders' options: image_size (also the network's input side, a multiple of 32),
  /// batch_size, num_workers, cache_bytes, prefetch_batches, center_crop, and the training
  /// images' colour jitter (brightness and contrast ranges) and rotations. The run sets
  /// seed (to trainer.seed), pin_memory (on CUDA), rank and world_size (from
  /// trainer.distributed), and shuffle, train_transforms and drop_last (on for the
  /// training loader only): leave those at their defaults.
  ImageLoaderOptions loader;
  /// Soft-target tables (read_soft_targets(), e.g. create_dataset's soft_targets.csv and
  /// augment_data's tables of the augmented copies): when given, the training images are
  /// fitted against their targets (TrainerOptions::soft_targets, which the run sets)
  /// instead of their labels. Empty (the default): the labels.
  std::vector<std::filesystem::path> soft_targets;
  bool train_val = false;   ///< train on train + val for all epochs, no early stopping
  bool balanced = false;    ///< weight the loss by inverse class frequency
  bool resume = false;      ///< continue from an existing checkpoint (else it is an error)
  bool write_model = true;  ///< write final_NAME_model.pt
  /// After training on train with early stopping on val, train a new model on train +
  /// val for best_epoch + 1 epochs (the number early stopping chose) and keep that one;
  /// see the file comment. Needs validation images; not with train_val.
  bool refit = false;
  /// A checkpoint of an earlier run to continue instead of starting at epoch 0, used
  /// only when that run's settings are the same as this one's (see the file comment) and
  /// this run has no checkpoint of its own yet; hard-linked (or copied) to
  /// checkpoint_NAME.pt, the original is left as it is. Empty: none. Not in
  /// data-parallel runs.
  std::filesystem::path continue_from;
  /// Epochs, patience, seed, device, mixed precision, callbacks, data parallelism, label
  /// smoothing, weight decay, the schedule. The run sets lr_body and lr_head (from
  /// params), soft_targets (from the field above), class_weights (from balanced) and
  /// checkpoint (output_dir/checkpoint_NAME.pt): leave those at their defaults. A given
  /// on_history is called after the run's own (which writes the history files). The run
  /// also sets checkpoint_note (its settings, for continue_from).
  TrainerOptions trainer;
};

/// What run_training() did.
struct TrainingRunResult {
  /// Per-epoch history, best epoch... of the run on train (early-stopped on val);
  /// interrupted is also set when the refit was interrupted.
  TrainingResult training;
  /// The final model in eval mode: the best weights, or with refit the refit's last ones.
  VGG16Classifier model{nullptr};
  std::vector<std::string> class_names;  ///< by label
  std::size_t train_images = 0;          ///< images trained on
  std::size_t val_images = 0;            ///< images validated on
  TrainingResult refit;                  ///< with refit: the refit on train + val (no validation)
  std::size_t refit_images = 0;          ///< with refit: images it trained on (train + val)
  std::int64_t reused_epochs = 0;        ///< epochs taken over from continue_from (0: none)
  /// Training time of those epochs, as the earlier run recorded it: the time saved.
  double reused_seconds = 0;
  /// Why continue_from was not used (empty when it was, or when none was given).
  std::string reuse_skipped;
};

/// Class names of a model with @p num_classes classes: the five Galaxy Zoo classes'
/// names when there are five, "class K" otherwise.
std::vector<std::string> galaxy_class_names(std::size_t num_classes);

/// Trains; see the file comment. When interrupted (stop request), only the checkpoint
/// is written; run again with resume = true to continue.
/// @throws Error if the folder has no training (or validation) images, if a checkpoint
///         exists and resume is false, if it exists and was written with other settings
///         (naming them), for bad options (refit with train_val), or naming a
///         loader or trainer
///         option that the run sets itself and that was set to something else;
///         IoError / InputError from reading weights, images or soft targets (a training
///         image without one) and writing outputs.
TrainingRunResult run_training(const TrainingRunOptions& options);

}  // namespace galaxyzoo
