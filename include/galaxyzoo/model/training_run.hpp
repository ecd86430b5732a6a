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
///  - in data-parallel runs (TrainerOptions::distributed) each rank loads its shard and only
///    rank 0 writes files; the output folder must be shared for resuming.

#include <cstddef>
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
  bool train_val = false;   ///< train on train + val for all epochs, no early stopping
  bool balanced = false;    ///< weight the loss by inverse class frequency
  bool resume = false;      ///< continue from an existing checkpoint (else it is an error)
  bool write_model = true;  ///< write final_NAME_model.pt
  /// Epochs, patience, seed, device, mixed precision, callbacks, data parallelism. The
  /// run sets lr_body and lr_head (from params), class_weights (from balanced) and
  /// checkpoint (output_dir/checkpoint_NAME.pt): leave those at their defaults.
  TrainerOptions trainer;
};

/// What run_training() did.
struct TrainingRunResult {
  TrainingResult training;               ///< per-epoch history, best epoch, interrupted...
  VGG16Classifier model{nullptr};        ///< the trained model (best weights), in eval mode
  std::vector<std::string> class_names;  ///< by label
  std::size_t train_images = 0;          ///< images trained on
  std::size_t val_images = 0;            ///< images validated on
};

/// Class names of a model with @p num_classes classes: the five Galaxy Zoo classes'
/// names when there are five, "class K" otherwise.
std::vector<std::string> galaxy_class_names(std::size_t num_classes);

/// Trains; see the file comment. When interrupted (stop request), only the checkpoint
/// is written; run again with resume = true to continue.
/// @throws Error if the folder has no training (or validation) images, if a checkpoint
///         exists and resume is false, for bad options, or naming a loader or trainer
///         option that the run sets itself and that was set to something else;
///         IoError / InputError from reading weights or images and writing outputs.
TrainingRunResult run_training(const TrainingRunOptions& options);

}  // namespace galaxyzoo
