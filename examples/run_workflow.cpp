// run_workflow: the whole Galaxy Zoo workflow in one command: create the data set,
// preprocess, augment classes 2 and 3, search hyper-parameters, train, evaluate.
// Incremental and restartable: run it again and it skips what is done and resumes what
// was interrupted. With --maxwalltime it stops cleanly before the limit and exits with
// status 3 ("continue me"), as a batch system's re-submission expects.
//
//   run_workflow --input_dir galaxy-zoo-the-galaxy-challenge --weights vgg16_imagenet.pth
//   run_workflow --input_dir demo/galaxy_data --output_dir demo/work --image_size 64 \
//                --epochs 6 --trials 2
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/workflow/galaxy_workflow.hpp>

#include <iostream>

#include "program.hpp"
#include "programs.hpp"
#include "recipe_flags.hpp"

int galaxyzoo::examples::run_workflow_main(int argc, char** argv) {
  galaxyzoo::examples::Program program("run_workflow",
                                       "Run the Galaxy Zoo classification workflow end to end.");
  CLI::App& app = program.app();
  galaxyzoo::GalaxyWorkflowOptions o;
  std::string data_path = o.data_path.string(), work_dir = o.work_dir.string(), weights, space;
  program.add_input_dir(data_path,
                        "Kaggle folder: training_solutions_rev1.csv + images_training_rev1/");
  program.add_output_dir(work_dir, "Where every output goes");
  program.add_batch_size(o.batch_size);
  program.add_seed(o.seed, "Seed of the split, augmentation, search and training");
  program.add_integer("--epochs", o.epochs, flag_ranges::kEpochs,
                      "Most epochs of the final training");
  program.add_integer("--hpo_epochs", o.hpo_epochs, {0, flag_ranges::kEpochs.max},
                      "Most epochs of each search trial (0: --epochs)");
  program.add_integer("--trials", o.trials, flag_ranges::kTrials, "Finished search trials");
  program.add_num_workers(o.num_workers, "Threads");
  program.add_integer("--num_class_2", o.num_class_2, flag_ranges::kAugmented,
                      "Augmented class 2 files");
  program.add_integer("--num_class_3", o.num_class_3, flag_ranges::kAugmented,
                      "Augmented class 3 files");
  program.add_real("--maxwalltime", o.maxwalltime_minutes, {0, 1e7},
                   "Stop cleanly before this many minutes (0: none)");
  program.add_network_size(o.image_size);
  program.add_device(o.device);
  app.add_option("--weights", weights,
                 "ImageNet VGG16 weights exported from torchvision (see README)");
  program
      .add_integers("--max_img", o.max_img, flag_ranges::kClassCap,
                    "Cap per class: five numbers (default: no cap)")
      ->expected(5);
  app.add_option("--sampler", o.sampler, "Search sampler: random, grid or tpe")
      ->capture_default_str();
  app.add_option("--pruner", o.pruner, "Search pruner: none or median")->capture_default_str();
  app.add_option(
      "--space", space,
      "Search space JSON (default: the original's, or the from-scratch one without --weights)");
  program.add_integer("--patience", o.patience, flag_ranges::kPatience,
                      "Early-stopping patience in epochs (0: off)");
  program.add_integer("--cache_mb", o.cache_mb, flag_ranges::kCacheMb,
                      "Decoded-image cache of each loader, MB");
  app.add_flag("--tta", o.tta, "Evaluate with test-time augmentation (8 flips and rotations)");
  program.add_integer("--crop_size", o.crop_size, {1, flag_ranges::kImageSide.max},
                      "Side of the centred crop of the preprocessing (the original's 256)");
  program.add_integer("--preprocess_quality", o.preprocess_quality, flag_ranges::kJpegQuality,
                      "JPEG quality of the preprocessed images (the original's 75)");
  program.add_integer("--augment_quality", o.augment_quality, flag_ranges::kJpegQuality,
                      "JPEG quality of the augmented images (the original's 95)");
  std::vector<int> augment_window{o.augment_window_first, o.augment_window_last};
  program
      .add_integers("--augment_window", augment_window, {0, 255},
                    "Augmentation window: first and last row and column, of 256 (the "
                    "original's 50 205)")
      ->expected(2)
      ->capture_default_str();
  std::string augment_resampling = galaxyzoo::to_string(o.augment_resampling);
  app.add_option("--augment_resampling", augment_resampling,
                 "How the window is resized back: area (the original's) or lanczos3")
      ->check(CLI::IsMember({"area", "lanczos3"}))
      ->capture_default_str();
  app.add_flag("--refit", o.refit,
               "After the final training, train anew on train+val for the epochs early stopping "
               "chose, and evaluate that model");
  bool no_reuse = false;
  app.add_flag("--no_reuse", no_reuse,
               "Train the final model from its first epoch even when it could continue the best "
               "search trial's checkpoint");
  program.add_check([&] {
    if (augment_window[0] > augment_window[1]) throw UsageError("--augment_window: first > last");
  });
  bool unstratified = false;
  app.add_flag("--unstratified", unstratified, "Split all classes together, as the original did");
  std::string split_rng = "galaxyzoo";
  app.add_option("--split_rng", split_rng,
                 "Shuffle: galaxyzoo, or numpy (with --unstratified) for the original's split "
                 "file for file")
      ->check(CLI::IsMember({"galaxyzoo", "numpy"}))
      ->capture_default_str();
  program.add_check([&] {
    if (split_rng == "numpy" && !unstratified)
      throw UsageError("--split_rng numpy needs --unstratified");
  });
  galaxyzoo::examples::RecipeFlags recipe;
  galaxyzoo::examples::add_recipe_flags(program, recipe);
  bool hard_targets = false;
  app.add_flag("--hard_targets", hard_targets,
               "Fit the labels, not the vote distributions (soft targets, the from-scratch "
               "recipe's default)");
  return program.run(argc, argv, [&] {
    galaxyzoo::install_stop_handler();
    o.recipe = recipe.resolve(!weights.empty());
    if (hard_targets) o.recipe->soft_targets = false;
    o.data_path = data_path;
    o.work_dir = work_dir;
    o.weights = weights;
    o.space = space;
    o.stratified = !unstratified;
    o.augment_window_first = augment_window[0];
    o.augment_window_last = augment_window[1];
    o.augment_resampling = galaxyzoo::parse_resampling(augment_resampling);
    o.reuse_best_trial = !no_reuse;
    o.split_rng = galaxyzoo::parse_split_rng(split_rng);
    o.on_message = [](const std::string& line) { std::cout << line << std::flush; };
    const auto result = galaxyzoo::run_galaxy_workflow(o);
    return result.finished ? galaxyzoo::examples::kExitOk : galaxyzoo::kExitResumable;
  });
}
