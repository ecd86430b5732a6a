#include "training_flags.hpp"

#include <galaxyzoo/core/memory.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/trainer.hpp>

#include <iostream>

namespace galaxyzoo::examples {

void TrainingFlags::add(Program& program, TrainingRunOptions& run) {
  CLI::App& app = program.app();
  app.add_option("--weights", weights,
                 "ImageNet VGG16 weights exported from torchvision (see README)");
  program.add_network_size(run.loader.image_size);
  program.add_device(device);
  program.add_num_workers(run.loader.num_workers, "Image decoding threads");
  program.add_fits_options(run.loader.read);
  cache_mb = default_image_cache_mb();
  program.add_integer("--cache_mb", cache_mb, flag_ranges::kCacheMb,
                      "Keep decoded images in memory up to this many MB (default: an eighth of "
                      "physical memory; 0: decode every epoch)");
  app.add_flag("--mixed_precision", run.trainer.mixed_precision,
               "On CUDA: bfloat16 autocast in forward passes");
  program.add_jitter(jitter);
  app.add_flag("--rotations", run.loader.rotations, "Also rotate training images by any angle");
  add_recipe_flags(program, recipe);
  add_soft_targets_flag(program, soft_targets);
  program.add_threads();
}

void TrainingFlags::apply(TrainingRunOptions& run, const std::string& program, bool warn) const {
  run.weights = weights;
  run.trainer.device = select_device(device);
  run.loader.cache_bytes = cache_mb << 20;
  if (!jitter.empty()) {
    run.loader.brightness_min = jitter[0];
    run.loader.brightness_max = jitter[1];
    run.loader.contrast_min = jitter[2];
    run.loader.contrast_max = jitter[3];
  }
  apply_recipe(recipe.resolve(!weights.empty()), run.trainer);
  run.soft_targets.assign(soft_targets.begin(), soft_targets.end());
  if (weights.empty() && warn) {
    std::cerr << program
              << ": warning: no --weights: VGG16 starts from random weights, not ImageNet "
                 "(see README for the two-line export)\n";
  }
}

}  // namespace galaxyzoo::examples
