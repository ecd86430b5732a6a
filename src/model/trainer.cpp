#include "galaxyzoo/model/trainer.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include <chrono>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <tuple>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/progress.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "galaxyzoo/model/distributed.hpp"
#include "model/collective.hpp"
#include "model/optimization.hpp"
#include "model/sealed_archive.hpp"

namespace galaxyzoo {
namespace {

using detail::AutocastScope;
using detail::Collective;
using detail::seed_batch;

constexpr const char* kCheckpointFormat = "galaxyzoo.trainer_checkpoint";
constexpr std::int64_t kCheckpointVersion = 1;
constexpr int kStatsColumns = 7;

using Clock = std::chrono::steady_clock;

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Where training stands: everything a resumed run needs besides model and optimiser.
struct Progress {
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
// parameters never change).
NamedTensors snapshot(const VGG16Classifier& model) {
  NamedTensors out;
  for (const auto& p : model->named_parameters()) {
    if (p.value().requires_grad()) out.emplace_back(p.key(), p.value().detach().clone());
  }
  for (const auto& b : model->named_buffers())
    out.emplace_back(b.key(), b.value().detach().clone());
  return out;
}

void restore(VGG16Classifier& model, const NamedTensors& weights) {
  torch::NoGradGuard no_grad;
  auto params = model->named_parameters();
  auto buffers = model->named_buffers();
  for (const auto& [name, value] : weights) {
    if (auto* p = params.find(name)) {
      p->copy_(value);
    } else if (auto* b = buffers.find(name)) {
      b->copy_(value);
    }
  }
}

torch::Tensor history_tensor(const std::vector<EpochStats>& history) {
  auto t =
      torch::zeros({static_cast<std::int64_t>(history.size()), kStatsColumns}, torch::kFloat64);
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto& h = history[i];
    const double row[kStatsColumns] = {static_cast<double>(h.epoch),
                                       h.train_loss,
                                       h.train_accuracy,
                                       h.val_loss,
                                       h.val_accuracy,
                                       h.seconds,
                                       h.images_per_second};
    for (int c = 0; c < kStatsColumns; ++c) t[static_cast<std::int64_t>(i)][c] = row[c];
  }
  return t;
}

std::vector<EpochStats> history_from(const torch::Tensor& t) {
  std::vector<EpochStats> out;
  auto a = t.accessor<double, 2>();
  for (std::int64_t i = 0; i < t.size(0); ++i) {
    out.push_back(
        {static_cast<std::int64_t>(a[i][0]), a[i][1], a[i][2], a[i][3], a[i][4], a[i][5], a[i][6]});
  }
  return out;
}

std::string options_key(const VGG16ClassifierOptions& o) {
  std::ostringstream s;
  s << o.num_classes() << '/' << o.image_size() << '/' << o.freeze_before() << '/' << o.hidden1()
    << '/' << o.hidden2();
  return s.str();
}

torch::Tensor cpu_rng_state() {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

void set_cpu_rng_state(const torch::Tensor& state) {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

void save_checkpoint(const std::filesystem::path& file, const VGG16Classifier& model,
                     torch::optim::Optimizer& optimizer, const Progress& p,
                     const NamedTensors& best, const std::string& note) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string(kCheckpointFormat)));
  archive.write("format_version", c10::IValue(kCheckpointVersion));
  archive.write("model_options", c10::IValue(options_key(model->options())));
  torch::serialize::OutputArchive model_archive, optimizer_archive, best_archive;
  model->save(model_archive);
  optimizer.save(optimizer_archive);
  for (const auto& [name, value] : best) best_archive.write(name, value);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("best", best_archive);
  archive.write("rng", cpu_rng_state());
  archive.write("epoch", c10::IValue(p.epoch));
  archive.write("next_batch", c10::IValue(p.next_batch));
  archive.write("loss_sum", c10::IValue(p.loss_sum));
  archive.write("correct", c10::IValue(p.correct));
  archive.write("seen", c10::IValue(p.seen));
  archive.write("seconds", c10::IValue(p.seconds));
  archive.write("best_val_loss", c10::IValue(p.best_val_loss));
  archive.write("best_epoch", c10::IValue(p.best_epoch));
  archive.write("since_best", c10::IValue(p.since_best));
  archive.write("finished", c10::IValue(p.finished));
  archive.write("stopped_early", c10::IValue(p.stopped_early));
  archive.write("stopped_by_callback", c10::IValue(p.stopped_by_callback));
  archive.write("note", c10::IValue(note));
  archive.write("history", history_tensor(p.history));
  detail::save_sealed_archive(archive, file, KeepPrevious::yes);
}

// Checks that @p in is a training checkpoint this library reads.
void check_checkpoint_format(detail::SealedArchive& in) {
  if (in.text("format") != kCheckpointFormat)
    throw in.bad("format", "not a galaxyzoo training checkpoint");
  if (const auto version = in.integer("format_version"); version != kCheckpointVersion) {
    throw in.bad("format_version", std::to_string(version) + ", this library reads " +
                                       std::to_string(kCheckpointVersion));
  }
}

// Whether should_stop ended the run; a checkpoint from before the flag was saved counts as
// stopped (so it is never continued with more epochs).
bool read_stopped_by_callback(detail::SealedArchive& in) {
  c10::IValue v;
  if (!in.archive().try_read("stopped_by_callback", v)) return true;
  if (!v.isBool()) throw in.bad("stopped_by_callback", "not true or false");
  return v.toBool();
}

// The finished epochs a checkpoint records.
std::vector<EpochStats> read_history(detail::SealedArchive& in) {
  const torch::Tensor history = in.tensor("history");
  if (history.dim() != 2 || history.size(1) != kStatsColumns ||
      history.scalar_type() != torch::kFloat64) {
    throw in.bad("history", "not a table of " + std::to_string(kStatsColumns) + " float64 columns");
  }
  return history_from(history);
}

// Reads a checkpoint into model, optimiser, progress and best weights.
void load_checkpoint(const std::filesystem::path& file, VGG16Classifier& model,
                     torch::optim::Optimizer& optimizer, Progress& p, NamedTensors& best) {
  detail::SealedArchive in(file, "checkpoint");
  check_checkpoint_format(in);
  if (const auto key = in.text("model_options"); key != options_key(model->options())) {
    throw in.bad("model_options", "belongs to another model (classes/size/freezing " + key +
                                      ", this one " + options_key(model->options()) + ")");
  }
  torch::serialize::InputArchive model_archive, optimizer_archive, best_archive;
  in.sub_archive("model", model_archive);
  in.sub_archive("optimizer", optimizer_archive);
  in.sub_archive("best", best_archive);
  try {
    model->load(model_archive);
    optimizer.load(optimizer_archive);
    best.clear();
    for (const auto& name : best_archive.keys()) {
      torch::Tensor t;
      best_archive.read(name, t);
      best.emplace_back(name, t);
    }
  } catch (const std::exception& e) {
    throw Error("'" + file.string() + "': checkpoint does not fit this model and optimiser: " +
                detail::SealedArchive::first_line(e.what()));
  }
  const torch::Tensor rng = in.tensor("rng");
  try {
    set_cpu_rng_state(rng);
  } catch (const std::exception& e) {
    throw in.bad("rng",
                 "not a random generator state: " + detail::SealedArchive::first_line(e.what()));
  }
  p.history = read_history(in);
  p.epoch = in.integer("epoch");
  p.next_batch = in.integer("next_batch");
  p.loss_sum = in.real("loss_sum");
  p.correct = in.integer("correct");
  p.seen = in.integer("seen");
  p.seconds = in.real("seconds");
  p.best_val_loss = in.real("best_val_loss");
  p.best_epoch = in.integer("best_epoch");
  p.since_best = in.integer("since_best");
  p.finished = in.flag("finished");
  p.stopped_early = in.flag("stopped_early");
  p.stopped_by_callback = read_stopped_by_callback(in);
  if (p.epoch < 0 || p.next_batch < 0 || p.seen < 0 || p.correct < 0 || p.correct > p.seen) {
    throw Error("'" + file.string() + "': checkpoint: inconsistent progress (epoch " +
                std::to_string(p.epoch) + ", batch " + std::to_string(p.next_batch) + ")");
  }
}

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
  detail::SealedArchive in(checkpoint, "checkpoint");
  check_checkpoint_format(in);
  CheckpointSummary summary;
  c10::IValue note;
  if (in.archive().try_read("note", note) && note.isString()) summary.note = note.toStringRef();
  summary.history = read_history(in);
  summary.finished = in.flag("finished");
  summary.stopped_early = in.flag("stopped_early");
  summary.stopped_by_callback = read_stopped_by_callback(in);
  return summary;
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
