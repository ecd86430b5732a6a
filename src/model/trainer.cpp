#include "galaxyzoo/model/trainer.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/autocast_mode.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "galaxyzoo/images/plot.hpp"
#include "galaxyzoo/model/distributed.hpp"
#include "model/sealed_archive.hpp"

namespace galaxyzoo {
namespace {

constexpr const char* kCheckpointFormat = "galaxyzoo.trainer_checkpoint";
constexpr std::int64_t kCheckpointVersion = 1;
constexpr int kStatsColumns = 7;

using Clock = std::chrono::steady_clock;

// Autocast to bfloat16 on CUDA while alive (LibTorch 1.13 and 2.x name the switches
// differently).
class AutocastScope {
 public:
  explicit AutocastScope(bool on) : on_(on) {
    if (on_) set(true);
  }
  ~AutocastScope() {
    if (!on_) return;
    set(false);
    at::autocast::clear_cache();
  }
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  static void set(bool enabled) {
#if TORCH_VERSION_MAJOR >= 2
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(enabled);
#endif
  }
  bool on_;
};
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
                     torch::optim::Adam& optimizer, const Progress& p, const NamedTensors& best) {
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
  archive.write("history", history_tensor(p.history));
  detail::save_sealed_archive(archive, file, KeepPrevious::yes);
}

// Reads a checkpoint into model, optimiser, progress and best weights.
void load_checkpoint(const std::filesystem::path& file, VGG16Classifier& model,
                     torch::optim::Adam& optimizer, Progress& p, NamedTensors& best) {
  detail::SealedArchive in(file, "checkpoint");
  if (in.text("format") != kCheckpointFormat)
    throw in.bad("format", "not a galaxyzoo training checkpoint");
  if (const auto version = in.integer("format_version"); version != kCheckpointVersion) {
    throw in.bad("format_version", std::to_string(version) + ", this library reads " +
                                       std::to_string(kCheckpointVersion));
  }
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
  const torch::Tensor history = in.tensor("history");
  if (history.dim() != 2 || history.size(1) != kStatsColumns ||
      history.scalar_type() != torch::kFloat64) {
    throw in.bad("history", "not a table of " + std::to_string(kStatsColumns) + " float64 columns");
  }
  p.history = history_from(history);
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
  if (p.epoch < 0 || p.next_batch < 0 || p.seen < 0 || p.correct < 0 || p.correct > p.seen) {
    throw Error("'" + file.string() + "': checkpoint: inconsistent progress (epoch " +
                std::to_string(p.epoch) + ", batch " + std::to_string(p.next_batch) + ")");
  }
}

// The data-parallel helpers fit() uses; with no context (or a world of one) they do
// what a single process does.
class Collective {
 public:
  explicit Collective(DistributedContext* context)
      : context_(context && context->world_size() > 1 ? context : nullptr) {}
  bool active() const { return context_ != nullptr; }
  bool is_main() const { return !context_ || context_->is_main(); }
  int rank() const { return context_ ? context_->rank() : 0; }
  // True on every rank when @p flag is true on any.
  bool any(bool flag) const { return context_ ? context_->sum({flag ? 1.0 : 0.0})[0] > 0 : flag; }
  // Rank 0's @p flag, on every rank.
  bool main_says(bool flag) const {
    return context_ ? context_->sum({is_main() && flag ? 1.0 : 0.0})[0] > 0 : flag;
  }
  std::vector<double> sum(std::vector<double> values) const {
    return context_ ? context_->sum(std::move(values)) : values;
  }
  void average_gradients(const VGG16Classifier& model) const {
    if (!context_) return;
    std::vector<torch::Tensor> grads;
    for (const auto& p : model->parameters()) {
      if (p.requires_grad() && p.grad().defined()) grads.push_back(p.grad());
    }
    context_->allreduce_mean(grads);
  }
  void broadcast_buffers(const VGG16Classifier& model) const {
    if (context_) context_->broadcast(model->buffers(), 0);
  }
  void broadcast_model(const VGG16Classifier& model) const {
    if (!context_) return;
    context_->broadcast(model->parameters(), 0);
    context_->broadcast(model->buffers(), 0);
  }
  void barrier() const {
    if (context_) context_->barrier();
  }

 private:
  DistributedContext* context_;
};

// Seeds LibTorch's generator for one batch of one rank (dropout) in data-parallel runs.
void seed_batch(std::uint64_t seed, int rank, std::int64_t epoch, std::int64_t batch) {
  std::uint64_t state = seed ^ (0x9e3779b97f4a7c15ULL * static_cast<std::uint64_t>(rank + 1));
  state = splitmix64(state) ^ (0xbf58476d1ce4e5b9ULL * static_cast<std::uint64_t>(epoch + 1));
  state = splitmix64(state) ^ (0x94d049bb133111ebULL * static_cast<std::uint64_t>(batch + 1));
  torch::manual_seed(splitmix64(state) >> 1);
}

void freeze_batchnorm(const VGG16Classifier& model) {
  for (const auto& m : model->modules(/*include_self=*/false)) {
    if (m->as<torch::nn::BatchNorm1d>() || m->as<torch::nn::BatchNorm2d>()) m->eval();
  }
}

}  // namespace

HyperParameters read_hyperparameters(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw IoError(file, "cannot open hyper-parameter file");
  std::stringstream text;
  text << in.rdbuf();
  HyperParameters hp;
  auto assign = [&](const std::string& key, double value, std::size_t line) {
    if (key == "layer") {
      if (value != std::floor(value))
        throw InputError(file, line, key, "expected an integer layer index");
      hp.layer = static_cast<std::int64_t>(value);
    } else if (key == "lr_body") {
      hp.lr_body = value;
    } else if (key == "lr_head") {
      hp.lr_head = value;
    }
  };
  const std::string content = text.str();
  const auto first = content.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && content[first] == '{') {
    const auto json = nlohmann::json::parse(content, nullptr, /*allow_exceptions=*/false);
    if (json.is_discarded() || !json.is_object())
      throw InputError(file, 0, "", "expected a JSON object");
    const auto& params =
        json.contains("params") && json["params"].is_object() ? json["params"] : json;
    for (const char* key : {"layer", "lr_body", "lr_head"}) {
      if (!params.contains(key)) continue;
      const auto& v = params[key];
      if (v.is_number()) {
        assign(key, v.get<double>(), 0);
      } else if (v.is_string()) {
        try {
          assign(key, std::stod(v.get<std::string>()), 0);
        } catch (const std::invalid_argument&) {
          throw InputError(file, 0, key, "expected a number, got '" + v.get<std::string>() + "'");
        }
      } else {
        throw InputError(file, 0, key, "expected a number");
      }
    }
    return hp;
  }
  std::string line;
  std::size_t number = 0;
  while (std::getline(text, line)) {
    ++number;
    const auto sep = line.find_first_of(":=");
    if (sep == std::string::npos) continue;
    auto trim = [](std::string s) {
      const auto a = s.find_first_not_of(" \t\r'\"{},");
      const auto b = s.find_last_not_of(" \t\r'\"{},");
      return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
    };
    const std::string key = trim(line.substr(0, sep));
    if (key != "layer" && key != "lr_body" && key != "lr_head") continue;
    const std::string value = trim(line.substr(sep + 1));
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size()) {
      throw InputError(file, number, key, "expected a number, got '" + value + "'");
    }
    assign(key, v, number);
  }
  return hp;
}

Image training_curves(const std::vector<EpochStats>& history) {
  LinePlot loss({"Loss", "epoch", "cross-entropy"});
  LinePlot accuracy({"Accuracy", "epoch", "fraction correct"});
  Series train_loss{"train", {}, {}}, val_loss{"val", {}, {}}, train_acc{"train", {}, {}},
      val_acc{"val", {}, {}};
  for (const auto& h : history) {
    const double e = static_cast<double>(h.epoch);
    for (auto* s : {&train_loss, &val_loss, &train_acc, &val_acc}) s->x.push_back(e);
    train_loss.y.push_back(h.train_loss);
    val_loss.y.push_back(h.val_loss);
    train_acc.y.push_back(h.train_accuracy);
    val_acc.y.push_back(h.val_accuracy);
  }
  loss.add(train_loss);
  accuracy.add(train_acc);
  if (std::any_of(history.begin(), history.end(),
                  [](const EpochStats& h) { return std::isfinite(h.val_loss); })) {
    loss.add(val_loss);
    accuracy.add(val_acc);
  }
  return render_panels({loss, accuracy});
}

void write_history_csv(const std::vector<EpochStats>& history, const std::filesystem::path& file) {
  std::ostringstream out;
  out.precision(8);
  out << "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds,images_per_second\n";
  for (const auto& h : history) {
    out << h.epoch << ',' << h.train_loss << ',' << h.train_accuracy << ',' << h.val_loss << ','
        << h.val_accuracy << ',' << h.seconds << ',' << h.images_per_second << '\n';
  }
  write_file_atomically(file, out.str());
}

Trainer::Trainer(VGG16Classifier model, TrainerOptions options)
    : model_(std::move(model)), options_(std::move(options)) {
  const auto& o = options_;
  if (o.epochs < 1) throw Error("Trainer: epochs must be at least 1");
  if (o.patience < 0 || o.lr_body < 0 || o.lr_head < 0)
    throw Error("Trainer: patience and learning rates must not be negative");
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
  torch::optim::Adam optimizer({torch::optim::OptimizerParamGroup(
                                    model_->body_parameters(),
                                    std::make_unique<torch::optim::AdamOptions>(options_.lr_body)),
                                torch::optim::OptimizerParamGroup(
                                    model_->head_parameters(),
                                    std::make_unique<torch::optim::AdamOptions>(options_.lr_head))},
                               torch::optim::AdamOptions(options_.lr_head));
  torch::Tensor weights;
  if (!options_.class_weights.empty()) {
    weights = torch::tensor(options_.class_weights, torch::kFloat32).to(options_.device);
  }
  auto criterion = torch::nn::functional::CrossEntropyFuncOptions();
  if (weights.defined()) criterion.weight(weights);

  Progress p;
  NamedTensors best;
  TrainingResult result;
  const Collective world(options_.distributed);
  std::error_code ec;
  const bool found =
      !options_.checkpoint.empty() && std::filesystem::exists(options_.checkpoint, ec);
  if (world.active()) {
    const double seeing = world.sum({found ? 1.0 : 0.0})[0];
    if (seeing > 0 && seeing < options_.distributed->world_size()) {
      throw Error("checkpoint '" + options_.checkpoint.string() + "' is visible to " +
                  std::to_string(static_cast<int>(seeing)) + " of " +
                  std::to_string(options_.distributed->world_size()) +
                  " ranks: put it on a file system all ranks share");
    }
  }
  if (found) {
    try {
      load_checkpoint(options_.checkpoint, model_, optimizer, p, best);
    } catch (const CorruptFileError& e) {
      // Damaged (a disk fault, a copy cut short): fall back to the one before it.
      const auto previous = previous_copy(options_.checkpoint);
      if (!std::filesystem::exists(previous, ec)) throw;
      result.recovered_checkpoint = e.what();
      load_checkpoint(previous, model_, optimizer, p, best);
      if (options_.on_notice) {
        options_.on_notice(std::string(e.what()) + "; resumed from the previous checkpoint '" +
                           previous.string() + "'");
      }
    }
    model_->to(options_.device);
    result.resumed = true;
    // Rank 0's checkpoint holds the sums of all ranks for the epoch so far.
    if (!world.is_main()) {
      p.loss_sum = 0;
      p.correct = p.seen = 0;
    }
  } else {
    torch::manual_seed(options_.seed);
  }
  world.broadcast_model(model_);
  // Saves the checkpoint on rank 0 (with the partial sums of all ranks), then waits for all.
  auto checkpoint = [&](const Progress& at) {
    Progress all = at;
    if (world.active()) {
      const auto t =
          world.sum({at.loss_sum, static_cast<double>(at.correct), static_cast<double>(at.seen)});
      all.loss_sum = t[0];
      all.correct = static_cast<std::int64_t>(t[1]);
      all.seen = static_cast<std::int64_t>(t[2]);
    }
    if (!options_.checkpoint.empty() && world.is_main())
      save_checkpoint(options_.checkpoint, model_, optimizer, all, best);
    world.barrier();
  };

  const auto batches = static_cast<std::int64_t>(train.batches_per_epoch());
  for (; !p.finished && p.epoch < options_.epochs; ++p.epoch) {
    model_->train();
    if (options_.freeze_batchnorm) freeze_batchnorm(model_);
    train.start_epoch(p.epoch, static_cast<std::size_t>(p.next_batch));
    const auto start = Clock::now() - std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(p.seconds));
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
    while (auto batch = train.next()) {
      const auto x = batch->images.to(options_.device, /*non_blocking=*/true);
      const auto y = batch->labels.to(options_.device, /*non_blocking=*/true);
      optimizer.zero_grad();
      if (world.active()) seed_batch(options_.seed, world.rank(), p.epoch, p.next_batch);
      torch::Tensor logits;
      {
        const AutocastScope autocast(options_.mixed_precision && options_.device.is_cuda());
        logits = model_->forward(x).to(torch::kFloat32);
      }
      const auto loss = torch::nn::functional::cross_entropy(logits, y, criterion);
      loss.backward();
      world.average_gradients(model_);
      optimizer.step();
      p.loss_sum += loss.item<double>() * static_cast<double>(y.size(0));
      p.correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
      p.seen += y.size(0);
      ++p.next_batch;
      if (options_.on_batch) {
        options_.on_batch(static_cast<std::size_t>(p.next_batch), static_cast<std::size_t>(batches),
                          static_cast<double>(p.seen) / elapsed());
      }
      if (p.next_batch < batches && world.any(stop_requested())) {
        // Checkpoint in the middle of the epoch; the resumed run continues with the next batch.
        p.seconds = elapsed();
        checkpoint(p);
        result.history = p.history;
        result.interrupted = true;
        return result;
      }
    }

    EpochStats stats;
    stats.epoch = p.epoch;
    stats.seconds = elapsed();
    // Over all ranks; the time is rank 0's.
    const auto totals =
        world.sum({p.loss_sum, static_cast<double>(p.correct), static_cast<double>(p.seen),
                   world.is_main() ? stats.seconds : 0.0});
    stats.seconds = totals[3];
    stats.train_loss = totals[0] / totals[2];
    stats.train_accuracy = totals[1] / totals[2];
    stats.images_per_second = totals[2] / stats.seconds;
    // Each rank normalised with its own batches' statistics; rank 0's running ones win.
    world.broadcast_buffers(model_);
    stats.val_loss = stats.val_accuracy = std::numeric_limits<double>::quiet_NaN();
    if (val != nullptr) {
      std::tie(stats.val_loss, stats.val_accuracy) = evaluate(*val);
      if (stats.val_loss < p.best_val_loss) {
        p.best_val_loss = stats.val_loss;
        p.best_epoch = p.epoch;
        p.since_best = 0;
        best = snapshot(model_);
      } else {
        ++p.since_best;
      }
    }
    p.history.push_back(stats);
    if (options_.on_epoch) options_.on_epoch(stats);

    p.stopped_early = val != nullptr && options_.patience > 0 && p.since_best >= options_.patience;
    const bool stop_here = world.main_says(options_.should_stop && options_.should_stop(stats));
    result.stopped_by_callback = result.stopped_by_callback || stop_here;
    p.finished = p.stopped_early || stop_here || p.epoch + 1 == options_.epochs;
    // The checkpoint describes the start of the next epoch.
    Progress next = p;
    next.epoch = p.finished ? p.epoch : p.epoch + 1;
    next.next_batch = 0;
    next.loss_sum = 0;
    next.correct = next.seen = 0;
    next.seconds = 0;
    checkpoint(next);
    p.next_batch = 0;
    p.loss_sum = 0;
    p.correct = p.seen = 0;
    p.seconds = 0;
    if (p.finished) break;
    if (world.any(stop_requested())) {
      result.history = p.history;
      result.interrupted = true;
      return result;
    }
  }

  // Finished: the last checkpoint records it, and the copy kept for a damaged one is of
  // no further use (at full image size it is gigabytes).
  if (!options_.checkpoint.empty() && world.is_main())
    std::filesystem::remove(previous_copy(options_.checkpoint), ec);
  if (!best.empty()) restore(model_, best);
  model_->eval();
  result.history = p.history;
  result.best_epoch = p.best_epoch;
  result.best_val_loss = p.best_val_loss;
  result.stopped_early = p.stopped_early;
  return result;
}

}  // namespace galaxyzoo
