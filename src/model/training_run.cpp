#include "galaxyzoo/model/training_run.hpp"

#include <algorithm>
#include <memory>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/data/labeling.hpp"
#include "galaxyzoo/images/image.hpp"
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

// Writes the model (if wanted), the loss plot and the history.
void write_outputs(const TrainingRunOptions& options, const TrainingRunResult& run) {
  const fs::path out = options.output_dir;
  if (options.write_model)
    save_classifier(run.model, run.class_names, out / ("final_" + options.name + "_model.pt"));
  write_png(training_curves(run.training.history), out / ("loss_" + options.name + ".png"));
  write_history_csv(run.training.history, out / ("history_" + options.name + ".csv"));
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
  TrainingRunResult run;
  const auto train_images =
      list_labeled_images(options.data, options.train_val ? std::vector<std::string>{"train", "val"}
                                                          : std::vector<std::string>{"train"});
  const auto val_images =
      options.train_val ? std::vector<LabeledImage>{} : list_labeled_images(options.data, {"val"});
  check_images(options, train_images, val_images);
  run.train_images = train_images.size();
  run.val_images = val_images.size();
  int num_classes = 2;
  for (const auto& i : train_images) num_classes = std::max(num_classes, i.label + 1);
  run.class_names = galaxy_class_names(static_cast<std::size_t>(num_classes));

  const TrainerOptions trainer = trainer_options(options, train_images, num_classes);
  const ImageLoaderOptions loading = loader_options(options.loader, trainer);
  std::error_code ec;
  fs::create_directories(options.output_dir, ec);
  if (ec) throw IoError(options.output_dir, ec.message());
  if (fs::exists(trainer.checkpoint) && !options.resume) {
    throw Error("'" + trainer.checkpoint.string() +
                "' exists: resume to continue that run, or delete it to start afresh");
  }

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
  run.training = fit.fit(train, val.get());
  run.model = fit.model();
  // Only rank 0 writes.
  const bool main_rank = trainer.distributed == nullptr || trainer.distributed->is_main();
  if (!run.training.interrupted && main_rank) write_outputs(options, run);
  return run;
}

}  // namespace galaxyzoo
