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

int main(int argc, char** argv) {
  galaxyzoo::examples::Program program("run_workflow",
                                       "Run the Galaxy Zoo classification workflow end to end.");
  CLI::App& app = program.app();
  galaxyzoo::GalaxyWorkflowOptions o;
  std::string data_path = o.data_path.string(), work_dir = o.work_dir.string(), weights, space;
  program.add_input_dir(data_path,
                        "Kaggle folder: training_solutions_rev1.csv + images_training_rev1/");
  program.add_output_dir(work_dir, "Where every output goes");
  app.add_option("--batch_size", o.batch_size, "Batch size for training")->capture_default_str();
  program.add_seed(o.seed, "Seed of the split, augmentation, search and training");
  app.add_option("--epochs", o.epochs, "Most epochs of the final training")->capture_default_str();
  app.add_option("--hpo_epochs", o.hpo_epochs, "Most epochs of each search trial (0: --epochs)")
      ->capture_default_str();
  app.add_option("--trials", o.trials, "Finished search trials")->capture_default_str();
  program.add_num_workers(o.num_workers, "Threads");
  app.add_option("--num_class_2", o.num_class_2, "Augmented class 2 files")->capture_default_str();
  app.add_option("--num_class_3", o.num_class_3, "Augmented class 3 files")->capture_default_str();
  app.add_option("--maxwalltime", o.maxwalltime_minutes,
                 "Stop cleanly before this many minutes (0: none)")
      ->capture_default_str();
  app.add_option("--image_size", o.image_size, "Network input size, a multiple of 32")
      ->capture_default_str();
  program.add_device(o.device);
  app.add_option("--weights", weights,
                 "ImageNet VGG16 weights exported from torchvision (see README)");
  app.add_option("--max_img", o.max_img, "Cap per class: five numbers (default: no cap)")
      ->expected(5);
  app.add_option("--sampler", o.sampler, "Search sampler: random, grid or tpe")
      ->capture_default_str();
  app.add_option("--pruner", o.pruner, "Search pruner: none or median")->capture_default_str();
  app.add_option(
      "--space", space,
      "Search space JSON (default: the original's, or the from-scratch one without --weights)");
  app.add_option("--patience", o.patience, "Early-stopping patience in epochs")
      ->capture_default_str();
  app.add_option("--cache_mb", o.cache_mb, "Decoded-image cache of each loader, MB")
      ->capture_default_str();
  app.add_flag("--tta", o.tta, "Evaluate with test-time augmentation (8 flips and rotations)");
  bool unstratified = false;
  app.add_flag("--unstratified", unstratified, "Split all classes together, as the original did");
  std::string split_rng = "galaxyzoo";
  app.add_option("--split_rng", split_rng,
                 "Shuffle: galaxyzoo, or numpy (with --unstratified) for the original's split "
                 "file for file")
      ->check(CLI::IsMember({"galaxyzoo", "numpy"}))
      ->capture_default_str();
  return program.run(argc, argv, [&] {
    galaxyzoo::install_stop_handler();
    o.data_path = data_path;
    o.work_dir = work_dir;
    o.weights = weights;
    o.space = space;
    o.stratified = !unstratified;
    o.split_rng = galaxyzoo::parse_split_rng(split_rng);
    if (o.split_rng == galaxyzoo::SplitRng::numpy && o.stratified)
      throw galaxyzoo::examples::UsageError("--split_rng numpy needs --unstratified");
    o.on_message = [](const std::string& line) { std::cout << line << std::flush; };
    const auto result = galaxyzoo::run_galaxy_workflow(o);
    return result.finished ? galaxyzoo::examples::kExitOk : galaxyzoo::kExitResumable;
  });
}
