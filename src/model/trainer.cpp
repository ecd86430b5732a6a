#include "galaxyzoo/model/trainer.hpp"

#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/optim/optimizer.h>
#include <torch/utils.h>

#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <tuple>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/progress.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "galaxyzoo/model/distributed.hpp"
#include "model/collective.hpp"
#include "model/optimization.hpp"
#include "model/training_checkpoint.hpp"

namespace galaxyzoo {
namespace {

using detail::AutocastScope;
using detail::Collective;
using detail::load_checkpoint;
using detail::NamedTensors;
using detail::restore;
using detail::save_checkpoint;
using detail::seed_batch;
using detail::snapshot;
using Progress = detail::TrainingProgress;

using Clock = std::chrono::steady_clock;

void freeze_batchnorm(const VGG16Classifier& model) {
  for (const auto& m : model->modules(/*include_self=*/false)) {
    if (m->as<torch::nn::BatchNorm1d>() || m->as<torch::nn::BatchNorm2d>()) m->eval();
  }
}

// One call of Trainer::fit: the optimiser, where training stands and the best weights,
// and the steps: resume (or start afresh), train an epoch, end it (validation, early
// stopping, callbacks, checkpoint), finish.
class Fitting {
 public:
  // The model is on its device already.
  Fitting(Trainer& trainer, const TrainerOptions& options)
      : trainer_(trainer),
        model_(trainer.model()),
        options_(options),
        optimizer_(detail::make_optimizer(model_, options)),
        criterion_(detail::training_loss_options(options)),
        world_(options.distributed) {}

  TrainingResult run(ImageLoader& train, ImageLoader* val) {
    resume();
    world_.broadcast_model(model_);
    for (; !p_.finished && p_.epoch < options_.epochs; ++p_.epoch) {
      const std::optional<double> seconds = train_epoch(train);
      if (!seconds) return interrupted();
      if (options_.recalibrate_batchnorm)
        detail::recalibrate_batchnorm(model_, train, p_.epoch, options_);
      end_epoch(*seconds, val);
      if (p_.finished) break;
      if (world_.any(stop_requested())) return interrupted();
    }
    return finish();
  }

 private:
  // Continues from the checkpoint (from its previous copy if it is damaged) if there is
  // one; otherwise seeds LibTorch's generator.
  void resume() {
    const auto& file = options_.checkpoint;
    std::error_code ec;
    const bool found = !file.empty() && std::filesystem::exists(file, ec);
    if (world_.active()) {
      const double seeing = world_.sum({found ? 1.0 : 0.0})[0];
      if (seeing > 0 && seeing < options_.distributed->world_size()) {
        throw Error("checkpoint '" + file.string() + "' is visible to " +
                    std::to_string(static_cast<int>(seeing)) + " of " +
                    std::to_string(options_.distributed->world_size()) +
                    " ranks: put it on a file system all ranks share");
      }
    }
    if (!found) {
      torch::manual_seed(options_.seed);
      return;
    }
    try {
      load_checkpoint(file, model_, *optimizer_, p_, best_);
    } catch (const CorruptFileError& e) {
      // Damaged (a disk fault, a copy cut short): fall back to the one before it.
      const auto previous = previous_copy(file);
      if (!std::filesystem::exists(previous, ec)) throw;
      result_.recovered_checkpoint = e.what();
      load_checkpoint(previous, model_, *optimizer_, p_, best_);
      if (options_.on_notice) {
        options_.on_notice(std::string(e.what()) + "; resumed from the previous checkpoint '" +
                           previous.string() + "'");
      }
    }
    // A run whose epochs ran out goes on when given more, as if it had had them from the start.
    if (p_.finished && !p_.stopped_early && !p_.stopped_by_callback &&
        p_.epoch + 1 < options_.epochs) {
      p_.finished = false;
      ++p_.epoch;
    }
    model_->to(options_.device);
    result_.resumed = true;
    // Rank 0's checkpoint holds the sums of all ranks for the epoch so far.
    if (!world_.is_main()) {
      p_.loss_sum = 0;
      p_.correct = p_.seen = 0;
    }
  }

  // Trains epoch p_.epoch from batch p_.next_batch on. Returns the epoch's seconds, or
  // nothing when a stop request ended it in the middle (checkpointed there).
  std::optional<double> train_epoch(ImageLoader& train) {
    model_->train();
    if (options_.freeze_batchnorm) freeze_batchnorm(model_);
    train.start_epoch(p_.epoch, static_cast<std::size_t>(p_.next_batch));
    const auto start = Clock::now() - std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(p_.seconds));
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    const auto batches = static_cast<std::int64_t>(train.batches_per_epoch());
    const ProgressStage stage("epoch", p_.epoch + 1, options_.epochs);
    ProgressMeter meter("batch", static_cast<std::size_t>(batches), "images",
                        world_.is_main() ? progress_output() : ProgressOutput{},
                        static_cast<std::size_t>(p_.next_batch));
    double images = 0;  // trained on by this process since the meter started
    while (auto batch = train.next()) {
      detail::set_learning_rates(*optimizer_, options_, p_.epoch * batches + p_.next_batch,
                                 batches);
      train_batch(*batch);
      images += static_cast<double>(batch->labels.size(0));
      meter.update(static_cast<std::size_t>(p_.next_batch), images);
      if (options_.on_batch) {
        options_.on_batch(static_cast<std::size_t>(p_.next_batch),
                          static_cast<std::size_t>(batches),
                          static_cast<double>(p_.seen) / elapsed());
      }
      if (p_.next_batch < batches && world_.any(stop_requested())) {
        // Checkpoint in the middle of the epoch; the resumed run continues with the next batch.
        p_.seconds = elapsed();
        checkpoint(p_);
        return std::nullopt;
      }
    }
    return elapsed();
  }

  // One optimiser step on @p batch, counted in p_.
  void train_batch(const Batch& batch) {
    const auto x = batch.images.to(options_.device, /*non_blocking=*/true);
    const auto y = batch.labels.to(options_.device, /*non_blocking=*/true);
    optimizer_->zero_grad();
    if (world_.active()) seed_batch(options_.seed, world_.rank(), p_.epoch, p_.next_batch);
    torch::Tensor logits;
    {
      const AutocastScope autocast(options_.mixed_precision && options_.device.is_cuda());
      logits = model_->forward(x).to(torch::kFloat32);
    }
    const auto loss = detail::training_loss(logits, batch, options_, criterion_);
    loss.backward();
    world_.average_gradients(model_);
    optimizer_->step();
    p_.loss_sum += loss.item<double>() * static_cast<double>(y.size(0));
    p_.correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
    p_.seen += y.size(0);
    ++p_.next_batch;
  }

  // After the epoch's last batch: its statistics over all ranks, validation and early
  // stopping, the callbacks, and the checkpoint of the start of the next epoch.
  void end_epoch(double seconds, ImageLoader* val) {
    EpochStats stats;
    stats.epoch = p_.epoch;
    // Over all ranks; the time is rank 0's.
    const auto totals =
        world_.sum({p_.loss_sum, static_cast<double>(p_.correct), static_cast<double>(p_.seen),
                    world_.is_main() ? seconds : 0.0});
    stats.seconds = totals[3];
    stats.train_loss = totals[0] / totals[2];
    stats.train_accuracy = totals[1] / totals[2];
    stats.images_per_second = totals[2] / stats.seconds;
    // Each rank normalised with its own batches' statistics; rank 0's running ones win.
    world_.broadcast_buffers(model_);
    stats.val_loss = stats.val_accuracy = std::numeric_limits<double>::quiet_NaN();
    if (val != nullptr) validate(*val, stats);
    p_.history.push_back(stats);
    if (options_.on_epoch) options_.on_epoch(stats);

    p_.stopped_early =
        val != nullptr && options_.patience > 0 && p_.since_best >= options_.patience;
    const bool stop_here = world_.main_says(options_.should_stop && options_.should_stop(stats));
    result_.stopped_by_callback = result_.stopped_by_callback || stop_here;
    p_.stopped_by_callback = stop_here;
    p_.finished = p_.stopped_early || stop_here || p_.epoch + 1 == options_.epochs;
    p_.next_batch = 0;
    p_.loss_sum = 0;
    p_.correct = p_.seen = 0;
    p_.seconds = 0;
    // The checkpoint describes the start of the next epoch.
    Progress next = p_;
    next.epoch = p_.finished ? p_.epoch : p_.epoch + 1;
    checkpoint(next);
    // After the checkpoint: what a resume needs is on disk before what people watch.
    if (world_.is_main()) {
      if (options_.on_history) options_.on_history(p_.history);
      emit_epoch_event(stats, options_.epochs);
    }
  }

  // Validation loss and accuracy into @p stats; keeps the weights of a new best.
  void validate(ImageLoader& val, EpochStats& stats) {
    std::tie(stats.val_loss, stats.val_accuracy) = trainer_.evaluate(val);
    if (stats.val_loss < p_.best_val_loss) {
      p_.best_val_loss = stats.val_loss;
      p_.best_epoch = p_.epoch;
      p_.since_best = 0;
      best_ = snapshot(model_);
    } else {
      ++p_.since_best;
    }
  }

  // Saves the checkpoint on rank 0 (with the partial sums of all ranks), then waits for all.
  void checkpoint(const Progress& at) {
    Progress all = at;
    if (world_.active()) {
      const auto t =
          world_.sum({at.loss_sum, static_cast<double>(at.correct), static_cast<double>(at.seen)});
      all.loss_sum = t[0];
      all.correct = static_cast<std::int64_t>(t[1]);
      all.seen = static_cast<std::int64_t>(t[2]);
    }
    if (!options_.checkpoint.empty() && world_.is_main())
      save_checkpoint(options_.checkpoint, model_, *optimizer_, all, best_,
                      options_.checkpoint_note);
    world_.barrier();
  }

  TrainingResult interrupted() {
    result_.history = p_.history;
    result_.interrupted = true;
    return result_;
  }

  // All epochs done, patience exhausted or stopped by the callback: the best weights.
  TrainingResult finish() {
    // The last checkpoint records it, and the copy kept for a damaged one is of no
    // further use (at full image size it is gigabytes).
    std::error_code ec;
    if (!options_.checkpoint.empty() && world_.is_main())
      std::filesystem::remove(previous_copy(options_.checkpoint), ec);
    if (!best_.empty()) restore(model_, best_);
    model_->eval();
    result_.history = p_.history;
    result_.best_epoch = p_.best_epoch;
    result_.best_val_loss = p_.best_val_loss;
    result_.stopped_early = p_.stopped_early;
    return result_;
  }

  Trainer& trainer_;
  VGG16Classifier& model_;
  const TrainerOptions& options_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  torch::nn::functional::CrossEntropyFuncOptions criterion_;
  const Collective world_;
  Progress p_;
  NamedTensors best_;
  TrainingResult result_;
};

}  // namespace

Trainer::Trainer(VGG16Classifier model, TrainerOptions options)
    : model_(std::move(model)), options_(std::move(options)) {
  const auto& o = options_;
  if (o.epochs < 1) throw Error("Trainer: epochs must be at least 1");
  if (o.patience < 0 || o.lr_body < 0 || o.lr_head < 0 || !(o.weight_decay >= 0))
    throw Error("Trainer: patience, learning rates and weight_decay must not be negative");
  if (!(o.label_smoothing >= 0 && o.label_smoothing < 1))
    throw Error("Trainer: label_smoothing must lie in [0, 1)");
  check_lr_schedule(o.schedule);
  if (!o.class_weights.empty()) {
    if (static_cast<std::int64_t>(o.class_weights.size()) != model_->options().num_classes()) {
      throw Error("Trainer: " + std::to_string(o.class_weights.size()) + " class weights for " +
                  std::to_string(model_->options().num_classes()) + " classes");
    }
    for (const double w : o.class_weights) {
      if (!(w > 0)) throw Error("Trainer: class weights must be positive");
    }
  }
}

void apply_recipe(const TrainingRecipe& recipe, TrainerOptions& options) {
  options.recalibrate_batchnorm = recipe.recalibrate_batchnorm;
  options.label_smoothing = recipe.label_smoothing;
  options.weight_decay = recipe.weight_decay;
  options.schedule = recipe.schedule;
}

CheckpointSummary read_checkpoint_summary(const std::filesystem::path& checkpoint) {
  return detail::summarize_checkpoint(checkpoint);
}

std::pair<double, double> Trainer::evaluate(ImageLoader& data) {
  torch::NoGradGuard no_grad;
  model_->eval();
  double loss_sum = 0;
  std::int64_t correct = 0, seen = 0;
  data.start_epoch(0);
  while (auto batch = data.next()) {
    const auto x = batch->images.to(options_.device, /*non_blocking=*/true);
    const auto y = batch->labels.to(options_.device, /*non_blocking=*/true);
    const AutocastScope autocast(options_.mixed_precision && options_.device.is_cuda());
    const auto logits = model_->forward(x).to(torch::kFloat32);
    loss_sum += torch::nn::functional::cross_entropy(logits, y).item<double>() *
                static_cast<double>(y.size(0));
    correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
    seen += y.size(0);
  }
  const auto totals = Collective(options_.distributed)
                          .sum({loss_sum, static_cast<double>(correct), static_cast<double>(seen)});
  loss_sum = totals[0];
  correct = static_cast<std::int64_t>(totals[1]);
  seen = static_cast<std::int64_t>(totals[2]);
  return {loss_sum / static_cast<double>(seen),
          static_cast<double>(correct) / static_cast<double>(seen)};
}

TrainingResult Trainer::fit(ImageLoader& train, ImageLoader* val) {
  model_->to(options_.device);
  return Fitting(*this, options_).run(train, val);
}

}  // namespace galaxyzoo
