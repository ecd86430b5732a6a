#pragma once
// What the trainer optimises and how: the optimiser (Adam, or AdamW with decoupled weight
// decay) over the two parameter groups, the recalibration of BatchNorm statistics, the learning
// rates of a step under the schedule, and the training loss (cross-entropy against the labels, or
// against soft targets, with optional class weights and label smoothing). Private to the model
// module.

#include <torch/nn/functional/loss.h>
#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

#include "galaxyzoo/model/trainer.hpp"

namespace galaxyzoo::detail {

// Adam (weight_decay 0, the original's) or AdamW over the trainable features layers
// (lr_body) and the head (lr_head), in that order.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const VGG16Classifier& model,
                                                        const TrainerOptions& options);

// Sets the groups' rates for step @p step (0-based over the run): the base rates times
// lr_factor() of options.schedule.
void set_learning_rates(torch::optim::Optimizer& optimizer, const TrainerOptions& options,
                        std::int64_t step, std::int64_t steps_per_epoch);

// The cross-entropy options of the training loss: class weights and label smoothing.
torch::nn::functional::CrossEntropyFuncOptions training_loss_options(const TrainerOptions& o);

// The mean training loss of @p logits [n, C]: against @p batch's soft targets when
// options.soft_targets (Error if the batch has none), else against its labels.
torch::Tensor training_loss(const torch::Tensor& logits, const Batch& batch,
                            const TrainerOptions& options,
                            const torch::nn::functional::CrossEntropyFuncOptions& criterion);

// Recomputes the BatchNorm layers' running statistics as the plain average over one pass of
// @p train's epoch @p epoch (train mode, no gradients), so that evaluation normalises with
// statistics of the current weights rather than a moving average that lags them.
void recalibrate_batchnorm(VGG16Classifier& model, ImageLoader& train, std::int64_t epoch,
                           const TrainerOptions& options);

}  // namespace galaxyzoo::detail
