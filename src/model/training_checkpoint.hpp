#pragma once
// The trainer's checkpoint file: where training stands (TrainingProgress), the model, the
// optimiser, the best weights so far, the random generator and the epochs' history, in
// one sealed archive (sealed_archive.hpp) written atomically with the previous copy kept.
// Private to the model module; Trainer writes one after every epoch and at a stop request,
// and resumes from it.

#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "galaxyzoo/model/trainer.hpp"

namespace galaxyzoo::detail {

// Tensors by name: the weights early stopping keeps.
using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Where training stands: everything a resumed run needs besides model and optimiser.
struct TrainingProgress {
  std::int64_t epoch = 0;       // epoch in progress (or the number of finished epochs)
  std::int64_t next_batch = 0;  // first batch of `epoch` not yet trained on
  double loss_sum = 0;          // over the epoch's batches so far
  std::int64_t correct = 0;
  std::int64_t seen = 0;
  double seconds = 0;  // of the epoch so far
  double best_val_loss = std::numeric_limits<double>::infinity();
  std::int64_t best_epoch = -1;
  std::int64_t since_best = 0;
  bool finished = false;  // all epochs done or patience exhausted
  bool stopped_early = false;
  bool stopped_by_callback = false;  // should_stop ended it
  std::vector<EpochStats> history;
};

// The weights early stopping keeps: the trainable parameters and all buffers (frozen
// parameters never change), copied.
NamedTensors snapshot(const VGG16Classifier& model);

// Copies @p weights (a snapshot()) back into @p model.
void restore(VGG16Classifier& model, const NamedTensors& weights);

// Writes the checkpoint @p file (atomically; the previous one is kept as previous_copy()).
void save_checkpoint(const std::filesystem::path& file, const VGG16Classifier& model,
                     torch::optim::Optimizer& optimizer, const TrainingProgress& progress,
                     const NamedTensors& best, const std::string& note);

// Reads checkpoint @p file into model, optimiser, progress and best weights, and sets
// LibTorch's CPU generator to its state.
// @throws IoError, CorruptFileError, or Error naming the file and the key for a checkpoint
//         of another format version or model, or with inconsistent values.
void load_checkpoint(const std::filesystem::path& file, VGG16Classifier& model,
                     torch::optim::Optimizer& optimizer, TrainingProgress& progress,
                     NamedTensors& best);

// What checkpoint @p file says about its run (read_checkpoint_summary()).
CheckpointSummary summarize_checkpoint(const std::filesystem::path& file);

}  // namespace galaxyzoo::detail
