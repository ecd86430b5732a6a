// vgg16_hpo: search VGG16's layer and learning rates on the preprocessed images. The
// study lives in a SQLite file, or a PostgreSQL database shared by several machines
// (--storage postgresql://...): a restarted run (or several at once) runs only the trials
// still missing. SIGTERM or Ctrl-C hands the running trial back and
// exits with status 3; run again to continue.
//
//   vgg16_hpo --input_dir preprocessed --weights vgg16_imagenet.pth --epochs 8 --trials 2
//   vgg16_hpo --input_dir preprocessed --image_size 64 --epochs 2 --trials 10 --pruner median
#include <galaxyzoo/core/stop_request.hpp>
#include <galaxyzoo/hpo/hpo_search.hpp>
#include <galaxyzoo/hpo/postgres_storage.hpp>
#include <galaxyzoo/hpo/vgg16_objective.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/training_history.hpp>

#include <cstdio>
#include <iostream>

#include "program.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  galaxyzoo::examples::Program program("vgg16_hpo",
                                       "Hyper-parameter search for the VGG16 galaxy classifier.");
  CLI::App& app = program.app();
  galaxyzoo::HpoSearchOptions search;
  galaxyzoo::Vgg16ObjectiveOptions objective;
  galaxyzoo::TrainingRunOptions& run = objective.run;
  std::string data = "preprocessed", output_dir = ".", storage, space, weights, device = "auto";
  std::uint64_t seed = 0;
  search.sampler = "tpe";
  program.add_input_dir(data, "Folder of {train,val}_class_K_N_proc.jpg images");
  program.add_output_dir(output_dir, "Where the study summary and the per-trial files go");
  app.add_option("--storage", storage,
                 "Study database: a file path, sqlite:///path or postgresql://user@host:port/db "
                 "(default: OUTPUT_DIR/hpo_galaxy_vgg16.db)");
  app.add_option("--study", search.study_name, "Study name (must match the database's)")
      ->capture_default_str();
  app.add_option("--trials", search.trials,
                 "Finished trials the study should reach, all runs together")
      ->capture_default_str();
  app.add_option("--epochs", run.trainer.epochs, "Most epochs per trial")->capture_default_str();
  app.add_option("--patience", run.trainer.patience, "Early-stopping patience in epochs (0: off)")
      ->capture_default_str();
  app.add_option("--batch_size", run.loader.batch_size, "Images per batch")->capture_default_str();
  program.add_seed(seed, "Seed of the sampler and of each trial's training");
  app.add_option("--space", space,
                 "Search space JSON (default: the original's layer/lr_body/lr_head choices)");
  app.add_option("--sampler", search.sampler, "random, grid or tpe")->capture_default_str();
  app.add_option("--pruner", search.pruner, "none or median")->capture_default_str();
  app.add_option("--weights", weights,
                 "ImageNet VGG16 weights exported from torchvision (see README)");
  app.add_option("--image_size", run.loader.image_size, "Network input size, a multiple of 32")
      ->capture_default_str();
  program.add_device(device);
  program.add_num_workers(run.loader.num_workers, "Image decoding threads");
  std::size_t cache_mb = 0;
  app.add_option("--cache_mb", cache_mb, "Keep decoded images in memory up to this many MB")
      ->capture_default_str();
  app.add_option("--heartbeat", search.heartbeat_seconds,
                 "Seconds between a running trial's heartbeats")
      ->capture_default_str();
  app.add_option("--grace", search.grace_seconds,
                 "A running trial silent this many seconds is re-run")
      ->capture_default_str();
  app.add_flag("--mean_loss", objective.mean_val_loss,
               "Objective: mean val loss over the epochs run (default: best)");
  app.add_flag("--mixed_precision", run.trainer.mixed_precision,
               "On CUDA: bfloat16 autocast in forward passes");
  program.add_threads();
  return program.run(argc, argv, [&] {
    galaxyzoo::install_stop_handler();
    run.trainer.device = galaxyzoo::select_device(device);
    run.trainer.seed = search.seed = seed;
    run.data = data;
    run.output_dir = search.output_dir = output_dir;
    run.weights = weights;
    run.loader.cache_bytes = cache_mb << 20;
    if (weights.empty()) {
      std::cerr
          << "vgg16_hpo: warning: no --weights: VGG16 starts from random weights, not ImageNet "
             "(see README for the two-line export)\n";
    }
    if (!space.empty()) search.space = galaxyzoo::SearchSpace::read_json(space);
    search.storage =
        storage.empty() ? (fs::path(output_dir) / "hpo_galaxy_vgg16.db").string() : storage;
    fs::create_directories(output_dir);
    search.on_message = [](const std::string& line) { std::cout << line << std::flush; };
    run.trainer.on_notice = [](const std::string& line) {
      std::cerr << "warning: " << line << "\n";
    };
    run.trainer.on_epoch = [epochs = run.trainer.epochs](const galaxyzoo::EpochStats& e) {
      std::printf("  %s\n", galaxyzoo::format_epoch_line(e, epochs).c_str());
      std::fflush(stdout);
    };

    galaxyzoo::HpoSearch hpo(search);
    const galaxyzoo::Vgg16Objective vgg16(objective, search.space);
    std::cout << "Study '" << search.study_name << "' in "
              << galaxyzoo::postgres_url_without_password(search.storage) << ": " << search.trials
              << " trials, sampler " << search.sampler << ", pruner " << search.pruner << "; "
              << galaxyzoo::describe(run.trainer.device) << '\n';
    const auto result = hpo.run(vgg16);
    if (result.interrupted) {
      std::cout << "Stopped on request; run again with the same --storage to continue\n";
      return galaxyzoo::kExitResumable;
    }
    std::cout << "This run: " << result.complete << " complete, " << result.pruned << " pruned, "
              << result.failed << " failed; the study has " << result.finished_total
              << " finished trials\n";
    if (result.best) {
      std::cout << "Best: trial " << result.best->trial.number << ", value "
                << *result.best->trial.value
                << "; wrote best_vgg16_hpo_params.txt, best_vgg16_hpo_trial.json, "
                   "vgg16_hpo_trials.csv to "
                << output_dir << '\n';
    }
    return galaxyzoo::examples::kExitOk;
  });
}
