#pragma once
/// @file
/// Training a VGG16Classifier, with early stopping and checkpoints that survive kills. Use a
/// Trainer when you hold the model and the loaders yourself; run_training() (training_run.hpp)
/// does the whole training step from a folder.
///
/// @code
/// galaxyzoo::TrainerOptions options;
/// options.epochs = 10;
/// options.checkpoint = "checkpoint_vgg16.pt";
/// galaxyzoo::Trainer trainer(model, options);
/// galaxyzoo::TrainingResult result = trainer.fit(train_loader, &val_loader);
/// if (result.interrupted) return galaxyzoo::kExitResumable;
/// @endcode
///
/// What a user must know:
///  - Adam with two parameter groups (trainable features, head) and their own learning
///    rates; cross-entropy loss, optionally class-weighted; early stopping on the
///    validation loss keeps the best weights. Each lever of the default is one option
///    away: AdamW's decoupled weight decay (weight_decay), a learning-rate schedule with
///    warm-up and cosine decay (schedule, lr_schedule.hpp), label smoothing, and soft
///    targets (the loss against each image's vote distribution instead of its label);
///    the validation loss stays the plain cross-entropy against the labels, so runs with
///    and without these levers compare;
///  - after every epoch the whole state (model, optimiser, epoch, early-stopping state,
///    best weights, history, random generator) is written atomically to the checkpoint, a
///    sealed file whose previous version is kept as `CHECKPOINT.previous` until training
///    finishes; a killed run resumes from it (from the previous version if the checkpoint is
///    damaged), and on the CPU with a fixed seed ends with the same weights as an
///    uninterrupted run;
///  - a checkpoint of a run that ended only because its epochs ran out (not early-stopped,
///    not stopped by should_stop) continues when resumed with more epochs, exactly as a
///    run given that many epochs from the start would have gone on;
///  - a stop request (request_stop(), SIGTERM through install_stop_handler()) checkpoints in
///    the middle of the epoch and returns with interrupted set;
///  - pass the validation split as @p val, never the test split: it decides when to stop
///    and which weights to keep.

#include <torch/types.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "galaxyzoo/core/stop_request.hpp"
#include "galaxyzoo/model/hyperparameters.hpp"
#include "galaxyzoo/model/image_loader.hpp"
#include "galaxyzoo/model/lr_schedule.hpp"
#include "galaxyzoo/model/training_history.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace galaxyzoo {

class DistributedContext;

/// Options of Trainer.
struct TrainerOptions {
  std::int64_t epochs = 10;                    ///< most epochs to train
  double lr_body = HyperParameters{}.lr_body;  ///< learning rate of the trainable features layers
  double lr_head = HyperParameters{}.lr_head;  ///< learning rate of the head
  std::int64_t patience = 4;  ///< stop after this many epochs without a better val loss (0: never)
  std::vector<double> class_weights;  ///< cross-entropy weight per class (empty: equal)
  /// Fit the soft targets of the training batches (Batch::targets, from
  /// LabeledImage::target): cross-entropy against each image's distribution over the
  /// classes, -sum_c w_c t_c log p_c averaged over the batch. With one-hot targets and no
  /// class weights it equals the loss against the labels. false (the default): the labels.
  bool soft_targets = false;
  /// Label smoothing e in [0, 1): the targets become (1 - e) t + e / classes (default 0).
  double label_smoothing = 0;
  /// > 0: AdamW with this decoupled weight decay on both groups (each step multiplies the
  /// weights by 1 - lr x weight_decay); 0 (the default): Adam, the original's.
  double weight_decay = 0;
  /// How the learning rates change over the run (default: constant, the original's).
  LrSchedule schedule;
  /// After each epoch's training, recompute the BatchNorm layers' running statistics as
  /// the average over one more pass of that epoch's training batches (train mode, no
  /// gradients; about a third of an epoch's time) before validating. Trained from scratch
  /// the body changes faster than the running averages follow, and the model in eval mode
  /// can predict one class while it fits the training images. false (the default): the
  /// running averages, as the original.
  bool recalibrate_batchnorm = false;
  std::uint64_t seed = 123;            ///< seeds LibTorch's generator (dropout, initialisation)
  std::filesystem::path checkpoint;    ///< checkpoint file (empty: none)
  torch::Device device = torch::kCPU;  ///< where to train
  /// On CUDA: run forward passes under autocast to bfloat16 (no loss scaling needed, as
  /// bfloat16 has float32's range); ignored on the CPU.
  bool mixed_precision = false;
  /// Called after each epoch, e.g. to print it (format_epoch_line() of training_history.hpp).
  std::function<void(const EpochStats&)> on_epoch;
  /// Called with a line for the user when fit() recovers from something without failing:
  /// a damaged checkpoint replaced by its previous copy. Empty: not called.
  std::function<void(const std::string&)> on_notice;
  /// Called after each training batch with (batch, batches per epoch, images/s so far).
  /// Progress lines need no callback: on rank 0 every epoch runs a ProgressMeter
  /// (progress.hpp) of its batches inside a ProgressStage "epoch", printing to
  /// progress_output() (nowhere unless the program set it).
  std::function<void(std::size_t, std::size_t, double)> on_batch;
  /// Called on rank 0 after each epoch (after should_stop and the epoch's checkpoint, so a
  /// full disk here loses no training) with every finished epoch so far, resumed ones included;
  /// run_training() rewrites the history CSV and the curves with it. Empty (the default): not
  /// called. Each epoch is also emitted as an "epoch" event (event_log.hpp) on rank 0.
  std::function<void(const std::vector<EpochStats>&)> on_history;
  /// Called after each epoch (after on_epoch); returning true ends training there, as
  /// early stopping does: the model keeps the best weights so far and
  /// TrainingResult::stopped_by_callback is set. The hyper-parameter search prunes
  /// trials with it. Empty (the default): never called.
  std::function<bool(const EpochStats&)> should_stop;
  /// Data-parallel training (see distributed.hpp); nullptr (the default) or a world of
  /// one: this process alone. Every rank calls fit() with a loader sharded by rank
  /// (ImageLoaderOptions::rank, world_size): rank 0's initial weights are broadcast,
  /// gradients are averaged with bucketed all-reduces after each backward pass, losses,
  /// accuracies and validation results are averaged over all ranks, and the BatchNorm
  /// running statistics are copied from rank 0 at the end of every epoch (each rank
  /// normalises with its own batch's statistics while training), so all ranks hold the
  /// same weights. Dropout draws from a generator seeded by (seed, rank, epoch, batch).
  /// Only rank 0 writes the checkpoint; all ranks resume from it (it must be on a file
  /// system they share). Stop requests on any rank stop all; should_stop is rank 0's
  /// decision. The context must outlive fit().
  DistributedContext* distributed = nullptr;
  /// Keep BatchNorm layers in evaluation mode while training: they normalise with, and
  /// do not update, their running statistics (default false). With it and no dropout,
  /// data-parallel training equals one process with the global batch exactly.
  bool freeze_batchnorm = false;
  /// Free text saved in every checkpoint and read back by read_checkpoint_summary();
  /// run_training() records there the settings that decide the run's course.
  std::string checkpoint_note;
};

/// What fit() did.
struct TrainingResult {
  std::vector<EpochStats> history;  ///< every finished epoch, resumed ones included
  /// Epoch (0-based, as EpochStats::epoch) whose weights the model holds (-1: the last, no
  /// validation).
  std::int64_t best_epoch = -1;
  double best_val_loss = 0;          ///< its validation loss
  bool stopped_early = false;        ///< patience ran out
  bool stopped_by_callback = false;  ///< TrainerOptions::should_stop returned true
  bool interrupted = false;          ///< a stop was requested: resume from the checkpoint
  bool resumed = false;              ///< the run started from a checkpoint
  /// Non-empty when the checkpoint was damaged (this says how) and training resumed from
  /// the copy kept before its last write instead (previous_copy() of sealed_file.hpp).
  std::string recovered_checkpoint;
};

/// What a checkpoint says about its run, without a model to load it into.
struct CheckpointSummary {
  std::string note;                 ///< TrainerOptions::checkpoint_note of the run that wrote it
  std::vector<EpochStats> history;  ///< its finished epochs
  bool finished = false;            ///< the run ended (epochs ran out, patience, should_stop)
  bool stopped_early = false;       ///< patience ran out
  /// should_stop ended it (also assumed of checkpoints written before this was recorded).
  bool stopped_by_callback = false;
};

/// Sets @p options' label smoothing, weight decay and schedule from @p recipe. Its
/// soft_targets is left to the caller: run_training() sets TrainerOptions::soft_targets when
/// it is given soft-target tables.
void apply_recipe(const TrainingRecipe& recipe, TrainerOptions& options);

/// Reads @p checkpoint's note, history and state.
/// @throws IoError if it cannot be read; CorruptFileError if it is damaged; Error if it is
///         not a training checkpoint of this library.
CheckpointSummary read_checkpoint_summary(const std::filesystem::path& checkpoint);

/// Trains a classifier; see the file comment.
class Trainer {
 public:
  /// @throws Error for epochs < 1, negative patience, learning rates or weight decay, label
  ///         smoothing outside [0, 1), a bad schedule (check_lr_schedule()), or class
  ///         weights that are not one positive number per class.
  Trainer(VGG16Classifier model, TrainerOptions options);

  /// Trains on @p train, early-stopping on @p val (nullptr: train all epochs, keep the
  /// last weights). Resumes from the checkpoint file if it exists. At the end the model
  /// holds the best weights, in eval mode.
  /// @throws CorruptFileError if the checkpoint is damaged and there is no good previous
  ///         copy; Error if it belongs to another model; IoError if it cannot be written.
  TrainingResult fit(ImageLoader& train, ImageLoader* val = nullptr);

  /// Mean loss and accuracy of the model on @p data (no gradients, eval mode). With
  /// TrainerOptions::distributed every rank must call it: the sums are over all ranks
  /// (each passing its shard, or all the same data).
  std::pair<double, double> evaluate(ImageLoader& data);

  /// The model being trained.
  VGG16Classifier& model() noexcept { return model_; }

 private:
  VGG16Classifier model_;
  TrainerOptions options_;
};

}  // namespace galaxyzoo
