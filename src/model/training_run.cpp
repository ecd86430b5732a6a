#include "galaxyzoo/model/training_run.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <tuple>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/data/labeling.hpp"
#include "galaxyzoo/data/soft_targets.hpp"
#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/model/classifier_file.hpp"
#include "galaxyzoo/model/distributed.hpp"
#include "galaxyzoo/model/image_loader.hpp"
#include "galaxyzoo/model/training_history.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

// @p value of the option @p name is one the run sets to @p own (from @p source): refuses
// anything but the option's default or that value.
template <typename T>
void check_owned(const T& value, const T& default_value, const T& own, const std::string& name,
                 const std::string& source) {
  if (value == default_value || value == own) return;
  throw Error("run_training: " + name + " is set by the run (from " + source +
              "); leave it at its default");
}

// Inverse class frequencies of @p images, normalised to a mean weight of 1 over classes
// present (1 for absent classes).
std::vector<double> balanced_weights(const std::vector<LabeledImage>& images, int num_classes) {
  std::vector<double> counts(static_cast<std::size_t>(num_classes), 0);
  for (const auto& i : images) ++counts[static_cast<std::size_t>(i.label)];
  std::vector<double> weights;
  for (const double c : counts)
    weights.push_back(c > 0 ? static_cast<double>(images.size()) / (num_classes * c) : 1.0);
  return weights;
}

// The history CSV and the curves' PNG.
fs::path history_file(const TrainingRunOptions& o) {
  return o.output_dir / ("history_" + o.name + ".csv");
}
fs::path curves_file(const TrainingRunOptions& o) {
  return o.output_dir / ("loss_" + o.name + ".png");
}

// The trainer's options: options.trainer with the fields the run owns filled in.
TrainerOptions trainer_options(const TrainingRunOptions& options,
                               const std::vector<LabeledImage>& train_images, int num_classes) {
  const TrainerOptions defaults;
  TrainerOptions trainer = options.trainer;
  check_owned(trainer.lr_body, defaults.lr_body, options.params.lr_body, "trainer.lr_body",
              "params.lr_body");
  check_owned(trainer.lr_head, defaults.lr_head, options.params.lr_head, "trainer.lr_head",
              "params.lr_head");
  trainer.lr_body = options.params.lr_body;
  trainer.lr_head = options.params.lr_head;
  check_owned(trainer.soft_targets, defaults.soft_targets, !options.soft_targets.empty(),
              "trainer.soft_targets", "soft_targets");
  trainer.soft_targets = !options.soft_targets.empty();
  if (options.balanced) {
    const auto weights = balanced_weights(train_images, num_classes);
    check_owned(trainer.class_weights, defaults.class_weights, weights, "trainer.class_weights",
                "balanced");
    trainer.class_weights = weights;
  }
  const fs::path checkpoint = options.output_dir / ("checkpoint_" + options.name + ".pt");
  check_owned(trainer.checkpoint, defaults.checkpoint, checkpoint, "trainer.checkpoint",
              "output_dir and name");
  trainer.checkpoint = checkpoint;
  // The history and the curves after every epoch, so that a running job can be watched.
  trainer.on_history = [given = options.trainer.on_history, csv = history_file(options),
                        png = curves_file(options)](const std::vector<EpochStats>& history) {
    write_training_history(history, csv, png);
    if (given) given(history);
  };
  return trainer;
}

// The validation loader's options (the training loader adds shuffle, transforms and
// drop_last): options.loader with the fields the run owns filled in.
ImageLoaderOptions loader_options(const ImageLoaderOptions& given, const TrainerOptions& trainer) {
  const ImageLoaderOptions defaults;
  const DistributedContext* dist = trainer.distributed;
  ImageLoaderOptions loader = given;
  check_owned(loader.seed, defaults.seed, trainer.seed, "loader.seed", "trainer.seed");
  check_owned(loader.pin_memory, defaults.pin_memory, trainer.device.is_cuda(), "loader.pin_memory",
              "trainer.device");
  loader.seed = trainer.seed;
  loader.pin_memory = trainer.device.is_cuda();
  // Each rank reads its shard of every epoch's training images; validation is shared out
  // likewise, and the Trainer sums the ranks' results.
  const int rank = dist != nullptr ? dist->rank() : defaults.rank;
  const int world_size = dist != nullptr ? dist->world_size() : defaults.world_size;
  check_owned(loader.rank, defaults.rank, rank, "loader.rank", "trainer.distributed");
  check_owned(loader.world_size, defaults.world_size, world_size, "loader.world_size",
              "trainer.distributed");
  loader.rank = rank;
  loader.world_size = world_size;
  for (const auto& [value, name] : {std::pair{loader.shuffle, "loader.shuffle"},
                                    {loader.train_transforms, "loader.train_transforms"},
                                    {loader.drop_last, "loader.drop_last"}}) {
    check_owned(value, false, false, name, "the split: on for training only");
  }
  return loader;
}

// Checks there are images to train (and validate) on.
void check_images(const TrainingRunOptions& options, const std::vector<LabeledImage>& train,
                  const std::vector<LabeledImage>& val) {
  if (train.empty()) {
    throw Error("no training images (train_class_K_N_proc.jpg) in '" + options.data.string() + "'");
  }
  if (!options.train_val && val.empty()) {
    throw Error("no validation images (val_class_K_N_proc.jpg) in '" + options.data.string() +
                "'; train on train + val (train_val) to train without");
  }
}

// "size/time" of @p file, or "" for none ("missing" when it is not there).
std::string file_stamp(const fs::path& file) {
  if (file.empty()) return "";
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return "missing";
  const auto time = fs::last_write_time(file, ec).time_since_epoch().count();
  return std::to_string(size) + "/" + std::to_string(time);
}

// 16 hexadecimal digits of a 64-bit FNV-1a hash of the images' names, sizes and times.
std::string images_fingerprint(const std::vector<LabeledImage>& train,
                               const std::vector<LabeledImage>& val) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const auto* images : {&train, &val}) {
    for (const auto& image : *images) {
      for (const char c : image.file.filename().string() + ":" + file_stamp(image.file) + ";") {
        hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
      }
    }
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

// The settings that decide the course of training (see continue_from in the header), as
// a JSON object: what the trainer records in its checkpoints' note.
std::string run_settings(const TrainingRunOptions& options, const TrainerOptions& trainer,
                         const ImageLoaderOptions& loader, const std::vector<LabeledImage>& train,
                         const std::vector<LabeledImage>& val, int num_classes) {
  nlohmann::json j;
  j["images"] = images_fingerprint(train, val);
  j["classes"] = num_classes;
  j["weights"] = options.weights.string() + " " + file_stamp(options.weights);
  j["layer"] = options.params.layer;
  j["lr_body"] = options.params.lr_body;
  j["lr_head"] = options.params.lr_head;
  j["seed"] = trainer.seed;
  j["image_size"] = loader.image_size;
  j["center_crop"] = loader.center_crop;
  j["batch_size"] = loader.batch_size;
  j["brightness"] = {loader.brightness_min, loader.brightness_max};
  j["contrast"] = {loader.contrast_min, loader.contrast_max};
  j["rotations"] = loader.rotations;
  j["patience"] = trainer.patience;
  j["class_weights"] = trainer.class_weights;
  j["train_val"] = options.train_val;
  j["mixed_precision"] = trainer.mixed_precision;
  j["freeze_batchnorm"] = trainer.freeze_batchnorm;
  j["processes"] = loader.world_size;
  std::string tables;
  for (const auto& file : options.soft_targets)
    tables += file.string() + " " + file_stamp(file) + ";";
  j["soft_targets"] = tables;
  j["label_smoothing"] = trainer.label_smoothing;
  j["weight_decay"] = trainer.weight_decay;
  j["recalibrate_batchnorm"] = trainer.recalibrate_batchnorm;
  const LrSchedule& s = trainer.schedule;
  j["schedule"] = {s.warmup_epochs, s.cosine,
                   s.cosine ? (s.decay_epochs > 0 ? s.decay_epochs : trainer.epochs) : 0,
                   s.final_factor};
  return j.dump();
}

// The keys whose values differ between two run_settings() texts, comma-separated.
std::string settings_differences(const std::string& a, const std::string& b) {
  const auto ja = nlohmann::json::parse(a, nullptr, /*allow_exceptions=*/false);
  const auto jb = nlohmann::json::parse(b, nullptr, /*allow_exceptions=*/false);
  if (!ja.is_object() || !jb.is_object()) return "all (no settings recorded)";
  std::string keys;
  for (const auto& [key, value] : jb.items()) {
    if (!ja.contains(key) || ja[key] != value) keys += (keys.empty() ? "" : ", ") + key;
  }
  return keys;
}

// Why the earlier run's checkpoint @p earlier cannot be continued by this run (empty: it can).
std::string reuse_refusal(const CheckpointSummary& earlier, const TrainerOptions& trainer) {
  if (earlier.note != trainer.checkpoint_note) {
    const std::string keys = settings_differences(earlier.note, trainer.checkpoint_note);
    if (!keys.empty()) return "its settings differ: " + keys;
  }
  const auto epochs = static_cast<std::int64_t>(earlier.history.size());
  if (epochs > trainer.epochs) {
    return "it trained " + std::to_string(epochs) + " epochs, more than this run's " +
           std::to_string(trainer.epochs);
  }
  // Early stopping ends this run where it ended that one; a pruned run would go on.
  if (earlier.stopped_by_callback)
    return "it was stopped by its caller (pruned), not by its epochs or patience";
  return "";
}

// Refuses to resume @p trainer's checkpoint when it was written with other settings. A
// damaged checkpoint is left to the trainer (which falls back to its previous copy).
void check_resumable(const TrainerOptions& trainer) {
  CheckpointSummary earlier;
  try {
    earlier = read_checkpoint_summary(trainer.checkpoint);
  } catch (const CorruptFileError&) {
    return;
  }
  if (earlier.note.empty() || earlier.note == trainer.checkpoint_note) return;
  const std::string keys = settings_differences(earlier.note, trainer.checkpoint_note);
  if (keys.empty()) return;
  throw Error("'" + trainer.checkpoint.string() + "' was written with other settings (" + keys +
              "): resume it with its own, or delete it to start afresh");
}

// Attaches to each of @p images its soft target from @p targets.
void attach_targets(std::vector<LabeledImage>& images, const SoftTargets& targets) {
  for (auto& image : images) {
    const auto& t = targets.of(image.file);
    image.target.assign(t.begin(), t.end());
  }
}

// Starts this run from a link to (or copy of) options.continue_from when that run's
// settings are this one's; records in @p run what was taken over, or why not.
void take_over(const TrainingRunOptions& options, const TrainerOptions& trainer,
               TrainingRunResult& run) {
  std::error_code ec;
  if (options.continue_from.empty() || fs::exists(trainer.checkpoint, ec)) return;
  const std::string from = "'" + options.continue_from.string() + "': ";
  if (trainer.distributed != nullptr && trainer.distributed->world_size() > 1) {
    run.reuse_skipped = from + "not continued in data-parallel runs";
    return;
  }
  if (!fs::exists(options.continue_from, ec)) {
    run.reuse_skipped = from + "no such checkpoint";
    return;
  }
  CheckpointSummary earlier;
  try {
    earlier = read_checkpoint_summary(options.continue_from);
  } catch (const Error& e) {
    run.reuse_skipped = e.what();
    return;
  }
  if (const std::string refusal = reuse_refusal(earlier, trainer); !refusal.empty()) {
    run.reuse_skipped = from + refusal;
    return;
  }
  const fs::path partial = trainer.checkpoint.string() + ".taking-over";
  fs::remove(partial, ec);
  fs::create_hard_link(options.continue_from, partial, ec);
  if (ec) fs::copy_file(options.continue_from, partial, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(partial, trainer.checkpoint, ec);
  if (ec)
    throw IoError(trainer.checkpoint,
                  "cannot take over '" + options.continue_from.string() + "': " + ec.message());
  run.reused_epochs = static_cast<std::int64_t>(earlier.history.size());
  for (const auto& e : earlier.history) run.reused_seconds += e.seconds;
}

// Builds the model and the loaders and trains on @p train_images, early-stopping on
// @p val_images (none: all epochs, the last weights). Returns the result and the model.
std::pair<TrainingResult, VGG16Classifier> fit_model(const TrainingRunOptions& options,
                                                     const TrainerOptions& trainer,
                                                     const ImageLoaderOptions& loading,
                                                     const std::vector<LabeledImage>& train_images,
                                                     const std::vector<LabeledImage>& val_images,
                                                     int num_classes) {
  torch::manual_seed(trainer.seed);
  VGG16Classifier model(VGG16ClassifierOptions(num_classes)
                            .image_size(loading.image_size)
                            .freeze_before(options.params.layer));
  if (!options.weights.empty()) load_vgg16_features(*model, options.weights);

  ImageLoaderOptions training = loading;
  training.shuffle = training.train_transforms = training.drop_last = true;
  ImageLoader train(train_images, training);
  std::unique_ptr<ImageLoader> val;
  if (!val_images.empty()) val = std::make_unique<ImageLoader>(val_images, loading);

  Trainer fit(model, trainer);
  TrainingResult result = fit.fit(train, val.get());
  return {std::move(result), fit.model()};
}

// The refit of @p run (trained on train, early-stopped on val): a new model on train +
// val for as many epochs as early stopping chose, which becomes the run's model.
void refit(const TrainingRunOptions& options, TrainingRunResult& run) {
  TrainingRunOptions again = options;
  again.train_val = true;
  again.refit = false;
  again.continue_from.clear();
  again.write_model = false;
  again.name = options.name + "_refit";
  const auto& first = run.training;
  again.trainer.epochs = first.best_epoch >= 0 ? first.best_epoch + 1
                                               : static_cast<std::int64_t>(first.history.size());
  TrainingRunResult second = run_training(again);
  run.refit = std::move(second.training);
  run.refit_images = second.train_images;
  run.training.interrupted = run.refit.interrupted;
  run.model = second.model;
}

// Writes the model (if wanted), the loss plot and the history.
void write_outputs(const TrainingRunOptions& options, const TrainingRunResult& run) {
  const fs::path out = options.output_dir;
  if (options.write_model)
    save_classifier(run.model, run.class_names, out / ("final_" + options.name + "_model.pt"));
  write_training_history(run.training.history, history_file(options), curves_file(options));
}

}  // namespace

std::vector<std::string> galaxy_class_names(std::size_t num_classes) {
  const auto five = Labeler(galaxy_zoo_rules()).class_names();
  std::vector<std::string> names;
  for (std::size_t k = 0; k < num_classes; ++k) {
    names.push_back(num_classes == five.size() ? five[k] : "class " + std::to_string(k));
  }
  return names;
}

TrainingRunResult run_training(const TrainingRunOptions& options) {
  if (options.refit && options.train_val)
    throw Error("run_training: refit trains on train + val itself; it cannot follow train_val");
  TrainingRunResult run;
  auto train_images =
      list_labeled_images(options.data, options.train_val ? std::vector<std::string>{"train", "val"}
                                                          : std::vector<std::string>{"train"});
  const auto val_images =
      options.train_val ? std::vector<LabeledImage>{} : list_labeled_images(options.data, {"val"});
  check_images(options, train_images, val_images);
  if (!options.soft_targets.empty())
    attach_targets(train_images, read_soft_targets(options.soft_targets));
  run.train_images = train_images.size();
  run.val_images = val_images.size();
  int num_classes = 2;
  for (const auto& i : train_images) num_classes = std::max(num_classes, i.label + 1);
  run.class_names = galaxy_class_names(static_cast<std::size_t>(num_classes));

  TrainerOptions trainer = trainer_options(options, train_images, num_classes);
  const ImageLoaderOptions loading = loader_options(options.loader, trainer);
  const std::string settings =
      run_settings(options, trainer, loading, train_images, val_images, num_classes);
  check_owned(trainer.checkpoint_note, std::string(), settings, "trainer.checkpoint_note",
              "the run's settings");
  trainer.checkpoint_note = settings;
  std::error_code ec;
  fs::create_directories(options.output_dir, ec);
  if (ec) throw IoError(options.output_dir, ec.message());
  if (fs::exists(trainer.checkpoint)) {
    if (!options.resume) {
      throw Error("'" + trainer.checkpoint.string() +
                  "' exists: resume to continue that run, or delete it to start afresh");
    }
    check_resumable(trainer);
  }
  take_over(options, trainer, run);

  std::tie(run.training, run.model) =
      fit_model(options, trainer, loading, train_images, val_images, num_classes);
  if (!run.training.interrupted && options.refit) refit(options, run);
  // Only rank 0 writes.
  const bool main_rank = trainer.distributed == nullptr || trainer.distributed->is_main();
  if (!run.training.interrupted && main_rank) write_outputs(options, run);
  return run;
}

}  // namespace galaxyzoo
