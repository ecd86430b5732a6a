#include "model/training_checkpoint.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <mutex>
#include <sstream>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "model/sealed_archive.hpp"

namespace galaxyzoo::detail {
namespace {

constexpr const char* kCheckpointFormat = "galaxyzoo.trainer_checkpoint";
constexpr std::int64_t kCheckpointVersion = 1;
constexpr int kStatsColumns = 7;

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

// Checks that @p in is a training checkpoint this library reads.
void check_checkpoint_format(SealedArchive& in) {
  if (in.text("format") != kCheckpointFormat)
    throw in.bad("format", "not a galaxyzoo training checkpoint");
  if (const auto version = in.integer("format_version"); version != kCheckpointVersion) {
    throw in.bad("format_version", std::to_string(version) + ", this library reads " +
                                       std::to_string(kCheckpointVersion));
  }
}

// Whether should_stop ended the run; a checkpoint from before the flag was saved counts as
// stopped (so it is never continued with more epochs).
bool read_stopped_by_callback(SealedArchive& in) {
  c10::IValue v;
  if (!in.archive().try_read("stopped_by_callback", v)) return true;
  if (!v.isBool()) throw in.bad("stopped_by_callback", "not true or false");
  return v.toBool();
}

// The finished epochs a checkpoint records.
std::vector<EpochStats> read_history(SealedArchive& in) {
  const torch::Tensor history = in.tensor("history");
  if (history.dim() != 2 || history.size(1) != kStatsColumns ||
      history.scalar_type() != torch::kFloat64) {
    throw in.bad("history", "not a table of " + std::to_string(kStatsColumns) + " float64 columns");
  }
  return history_from(history);
}

}  // namespace

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

void save_checkpoint(const std::filesystem::path& file, const VGG16Classifier& model,
                     torch::optim::Optimizer& optimizer, const TrainingProgress& p,
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
  save_sealed_archive(archive, file, KeepPrevious::yes);
}

void load_checkpoint(const std::filesystem::path& file, VGG16Classifier& model,
                     torch::optim::Optimizer& optimizer, TrainingProgress& p, NamedTensors& best) {
  SealedArchive in(file, "checkpoint");
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
                SealedArchive::first_line(e.what()));
  }
  const torch::Tensor rng = in.tensor("rng");
  try {
    set_cpu_rng_state(rng);
  } catch (const std::exception& e) {
    throw in.bad("rng", "not a random generator state: " + SealedArchive::first_line(e.what()));
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

CheckpointSummary summarize_checkpoint(const std::filesystem::path& file) {
  SealedArchive in(file, "checkpoint");
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

}  // namespace galaxyzoo::detail
