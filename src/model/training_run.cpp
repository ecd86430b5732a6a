#include "galaxyzoo/model/training_run.hpp"

#include <algorithm>
#include <memory>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/data/labeling.hpp"
#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/model/distributed.hpp"
#include "galaxyzoo/model/image_loader.hpp"
#include "galaxyzoo/model/vgg16_classifier.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {

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
  if (train_images.empty()) {
    throw Error("no training images (train_class_K_N_proc.jpg) in '" + options.data.string() + "'");
  }
  if (!options.train_val && val_images.empty()) {
    throw Error("no validation images (val_class_K_N_proc.jpg) in '" + options.data.string() +
                "'; train on train + val (train_val) to train without");
  }
  run.train_images = train_images.size();
  run.val_images = val_images.size();
  int num_classes = 2;
  for (const auto& i : train_images) num_classes = std::max(num_classes, i.label + 1);
  run.class_names = galaxy_class_names(static_cast<std::size_t>(num_classes));

  TrainerOptions trainer = options.trainer;
  trainer.lr_body = options.params.lr_body;
  trainer.lr_head = options.params.lr_head;
  if (options.balanced) {
    std::vector<double> counts(static_cast<std::size_t>(num_classes), 0);
    for (const auto& i : train_images) ++counts[static_cast<std::size_t>(i.label)];
    trainer.class_weights.clear();
    for (const double c : counts) {
      trainer.class_weights.push_back(
          c > 0 ? static_cast<double>(train_images.size()) / (num_classes * c) : 1.0);
    }
  }
  if (options.train_val) trainer.patience = 0;

  const DistributedContext* dist = trainer.distributed;
  const bool main_rank = dist == nullptr || dist->is_main();
  std::error_code ec;
  fs::create_directories(options.output_dir, ec);
  if (ec) throw IoError(options.output_dir, ec.message());
  trainer.checkpoint = options.output_dir / ("checkpoint_" + options.name + ".pt");
  if (fs::exists(trainer.checkpoint) && !options.resume) {
    throw Error("'" + trainer.checkpoint.string() +
                "' exists: resume to continue that run, or delete it to start afresh");
  }

  torch::manual_seed(trainer.seed);
  VGG16Classifier model(VGG16ClassifierOptions(num_classes)
                            .image_size(options.image_size)
                            .freeze_before(options.params.layer));
  if (!options.weights.empty()) load_vgg16_features(*model, options.weights);

  ImageLoaderOptions loading;
  loading.image_size = options.image_size;
  loading.batch_size = options.batch_size;
  loading.num_workers = options.num_workers;
  loading.cache_bytes = options.cache_mb << 20;
  loading.seed = trainer.seed;
  loading.pin_memory = trainer.device.is_cuda();
  ImageLoaderOptions training = loading;
  training.shuffle = training.train_transforms = training.drop_last = true;
  training.brightness_min = options.brightness_min;
  training.brightness_max = options.brightness_max;
  training.contrast_min = options.contrast_min;
  training.contrast_max = options.contrast_max;
  training.rotations = options.rotations;
  if (dist != nullptr) {
    // Each rank reads its shard of every epoch's training images; validation is shared
    // out likewise, and the Trainer sums the ranks' results.
    training.rank = loading.rank = dist->rank();
    training.world_size = loading.world_size = dist->world_size();
  }
  ImageLoader train(train_images, training);
  std::unique_ptr<ImageLoader> val;
  if (!val_images.empty()) val = std::make_unique<ImageLoader>(val_images, loading);

  Trainer fit(model, trainer);
  run.training = fit.fit(train, val.get());
  run.model = fit.model();
  if (run.training.interrupted || !main_rank) return run;  // only rank 0 writes

  const fs::path out = options.output_dir;
  if (options.write_model)
    save_classifier(run.model, run.class_names, out / ("final_" + options.name + "_model.pt"));
  write_png(training_curves(run.training.history), out / ("loss_" + options.name + ".png"));
  write_history_csv(run.training.history, out / ("history_" + options.name + ".csv"));
  return run;
}

}  // namespace galaxyzoo
