// train_model: train the VGG16 transfer-learning classifier on the preprocessed images,
// early-stopping on the validation split (never on test), with a checkpoint after every
// epoch. SIGTERM or Ctrl-C checkpoints and exits with status 3; --resume continues.
//
//   train_model --input_dir preprocessed --weights vgg16_imagenet.pth --epochs 10
//   train_model --input_dir preprocessed --image_size 64 --epochs 3 --resume
//
// Data-parallel: start one process per device with torchrun's variables (RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), under mpirun or srun; see
// docs/scale-out.md. --batch_size is then per process.
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/distributed.hpp>
#include <galaxyzoo/model/training_history.hpp>
#include <galaxyzoo/model/training_run.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

#include "program.hpp"
#include "programs.hpp"
#include "training_flags.hpp"

int galaxyzoo::examples::train_model_main(int argc, char** argv) {
  galaxyzoo::examples::Program program("train_model", "Train the VGG16 galaxy classifier.");
  CLI::App& app = program.app();
  galaxyzoo::TrainingRunOptions run;
  galaxyzoo::TrainerOptions& options = run.trainer;
  std::string data = "preprocessed", output_dir = ".", params;
  program.add_input_dir(data, "Folder of {train,val}_class_K_N_proc.jpg images");
  program.add_output_dir(output_dir, "Where the model, checkpoint and plots go");
  program.add_integer("--epochs", options.epochs, flag_ranges::kEpochs, "Most epochs");
  program.add_batch_size(run.loader.batch_size);
  program.add_seed(options.seed, "Seed of initialisation, order and transforms");
  app.add_option("--params", params,
                 "Hyper-parameters file (layer, lr_body, lr_head): vgg16_hpo's, or the "
                 "original's best_vgg16_hpo_params.txt");
  program.add_integer("--patience", options.patience, flag_ranges::kPatience,
                      "Early-stopping patience in epochs (0: off)");
  app.add_flag("--resume", run.resume, "Continue from the checkpoint in --output_dir");
  app.add_flag("--train_val", run.train_val,
               "Train on train+val for all epochs (no early stopping)");
  app.add_flag("--refit", run.refit,
               "Then train anew on train+val for the epochs early stopping chose; keep that model")
      ->excludes("--train_val");
  std::string continue_from;
  app.add_option("--continue_from", continue_from,
                 "Checkpoint of an earlier run with the same settings (e.g. the search's best "
                 "trial): start where it stopped instead of repeating its epochs");
  app.add_flag("--balanced", run.balanced, "Weight the loss by inverse class frequency");
  galaxyzoo::examples::TrainingFlags flags;
  flags.add(program, run);
  return program.run(argc, argv, [&] {
    galaxyzoo::install_stop_handler();
    const auto env = galaxyzoo::distributed_env_from_environment();
    flags.apply(run, "train_model", /*warn=*/env.rank == 0);
    galaxyzoo::DistributedOptions world;
    if (options.device.is_cuda() && env.world_size > 1)
      options.device = torch::Device(torch::kCUDA, env.local_rank);
    world.device = options.device;
    const auto dist = std::make_unique<galaxyzoo::DistributedContext>(env, world);
    const bool main_rank = dist->is_main();
    if (dist->world_size() > 1) {
      options.distributed = dist.get();
      std::cout << "rank " << dist->rank() << " of " << dist->world_size() << " (local rank "
                << dist->local_rank() << ", " << dist->backend() << ", launched by " << env.launcher
                << "); global batch "
                << run.loader.batch_size * static_cast<std::size_t>(dist->world_size()) << '\n';
    }
    run.data = data;
    run.output_dir = output_dir;
    if (!params.empty()) run.params = galaxyzoo::read_hyperparameters(params);
    if (main_rank)
      std::cout << "Training on " << data << "; " << galaxyzoo::describe(options.device)
                << "; layer " << run.params.layer << ", lr_body " << run.params.lr_body
                << ", lr_head " << run.params.lr_head
                << "; recipe: " << (run.soft_targets.empty() ? "labels" : "soft targets")
                << ", label smoothing " << options.label_smoothing << ", weight decay "
                << options.weight_decay << ", learning rates "
                << galaxyzoo::describe(options.schedule) << '\n';
    options.on_notice = [](const std::string& line) { std::cerr << "warning: " << line << "\n"; };
    if (main_rank)
      options.on_epoch = [&](const galaxyzoo::EpochStats& e) {
        std::cout << galaxyzoo::format_epoch_line(e, options.epochs) << std::endl;
      };
    run.continue_from = continue_from;
    const auto result = galaxyzoo::run_training(run);
    if (main_rank && result.reused_epochs > 0)
      std::cout << "Epochs 1-" << result.reused_epochs << " continued from " << continue_from
                << " (" << result.reused_seconds << " s of training not repeated)\n";
    if (main_rank && !result.reuse_skipped.empty())
      std::cout << "Not continuing " << result.reuse_skipped << "; trained from the start\n";
    if (result.training.interrupted) {
      if (main_rank)
        std::cout << "Stopped on request; the checkpoint is in " << output_dir
                  << ": run again with --resume\n";
      return galaxyzoo::kExitResumable;
    }
    if (!main_rank) return galaxyzoo::examples::kExitOk;
    std::cout << "Trained on " << result.train_images << " images (" << result.class_names.size()
              << " classes), validated on " << result.val_images << ": "
              << result.training.history.size() << " epochs"
              << (result.training.stopped_early ? " (early stop)" : "");
    if (result.training.best_epoch >= 0) {
      std::cout << "; best epoch " << result.training.best_epoch + 1 << ", val loss "
                << result.training.best_val_loss;
    }
    if (run.refit) {
      std::cout << "\nRefit on " << result.refit_images << " train+val images for "
                << result.refit.history.size() << " epochs (the refit model is the final one)";
    }
    std::cout << "\nWrote final_vgg16_model.pt, loss_vgg16.png, history_vgg16.csv to " << output_dir
              << '\n';
    return galaxyzoo::examples::kExitOk;
  });
}
