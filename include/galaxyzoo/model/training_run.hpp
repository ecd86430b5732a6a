#pragma once
/// @file
/// One whole training run on a preprocessed folder, as train_model, the hyper-parameter
/// search and the workflow driver all do it.
///
/// run_training() lists the images of the training split (or train + val), sizes the
/// classifier to the labels found, loads ImageNet weights if a file is given, builds the
/// loaders (training transforms on the training split only), trains with early stopping
/// on the validation split (never on test), and writes the model, the checkpoint, the
/// loss plot and the per-epoch CSV into the output folder:
///
///     final_NAME_model.pt  checkpoint_NAME.pt  loss_NAME.png  history_NAME.csv
///
/// with NAME "vgg16" by default, the original's file names. In data-parallel runs
/// (TrainerOptions::distributed) each rank loads its shard of the images and only rank 0
/// writes files; the output folder must be shared for resuming.
///
/// @code
/// galaxyzoo::TrainingRunOptions options;
/// options.data = "preprocessed";
/// options.output_dir = "model";
/// options.params = galaxyzoo::read_hyperparameters("best_vgg16_hpo_params.txt");
/// options.trainer.epochs = 10;
/// auto run = galaxyzoo::run_training(options);
/// if (run.training.interrupted) return galaxyzoo::kExitResumable;
/// @endcode

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/model/trainer.hpp"

namespace galaxyzoo {

/// What run_training() trains on and how.
struct TrainingRunOptions {
  std::filesystem::path data = "preprocessed";  ///< folder of {train,val}_class_K_N_proc.jpg
  std::filesystem::path output_dir = ".";       ///< where the files go (created if needed)
  std::string name = "vgg16";                   ///< the NAME of the output files
  HyperParameters params;                       ///< layer, lr_body, lr_head
  std::filesystem::path weights;  ///< torchvision VGG16 state_dict (empty: random initialisation)
  int image_size = 256;           ///< network input side, a multiple of 32
  std::size_t batch_size = 32;    ///< images per batch
  int num_workers = 2;            ///< decoding threads of each loader
  std::size_t cache_mb = 0;       ///< decoded-image cache of each loader
  bool train_val = false;         ///< train on train + val for all epochs, no early stopping
  bool balanced = false;          ///< weight the loss by inverse class frequency
  /// Training images' colour jitter: brightness and contrast factor ranges (default: the
  /// original's, ImageLoaderOptions'), and rotation by any angle (default off).
  double brightness_min = 0.0;
  double brightness_max = 1.2;  ///< see brightness_min
  double contrast_min = 0.2;    ///< see brightness_min
  double contrast_max = 1.8;    ///< see brightness_min
  bool rotations = false;       ///< see brightness_min
  bool resume = false;          ///< continue from an existing checkpoint (else it is an error)
  bool write_model = true;      ///< write final_NAME_model.pt
  /// Epochs, patience, seed, device, mixed precision, callbacks. Its learning rates are
  /// replaced by params', its class weights by balanced's, its checkpoint by the file above.
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
///         exists and resume is false, or for bad options; IoError / InputError from
///         reading weights or images and writing outputs.
TrainingRunResult run_training(const TrainingRunOptions& options);

}  // namespace galaxyzoo
