// train_model: train the VGG16 transfer-learning classifier on the preprocessed images,
// early-stopping on the validation split (never on test), with a checkpoint after every
// epoch. SIGTERM or Ctrl-C checkpoints and exits with status 3; --resume continues.
//
//   train_model --data preprocessed --weights vgg16_imagenet.pth --epochs 10
//   train_model --data preprocessed --image_size 64 --epochs 3 --resume
//
// Data-parallel: start one process per device with torchrun's variables (RANK,
// WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), under mpirun or srun; see
// docs/scale-out.md. --batch_size is then per process.
#include <CLI/CLI.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/distributed.hpp>
#include <galaxyzoo/model/training_run.hpp>

#include <cstdio>
#include <iostream>
#include <memory>
#include <vector>

int main(int argc, char** argv) {
  CLI::App app{"Train the VGG16 galaxy classifier."};
  galaxyzoo::TrainingRunOptions run;
  galaxyzoo::TrainerOptions& options = run.trainer;
  std::string data = "preprocessed", output_dir = ".", params, weights, device = "auto";
  app.add_option("--data", data, "Folder of {train,val}_class_K_N_proc.jpg images")
      ->capture_default_str();
  app.add_option("--output_dir", output_dir, "Where the model, checkpoint and plots go")
      ->capture_default_str();
  app.add_option("--epochs", options.epochs, "Most epochs")->capture_default_str();
  app.add_option("--batch_size", run.batch_size, "Images per batch")->capture_default_str();
  app.add_option("--seed", options.seed, "Seed of initialisation, order and transforms")
      ->capture_default_str();
  app.add_option("--params", params,
                 "Hyper-parameters file (layer, lr_body, lr_head), e.g. from vgg16_hpo");
  app.add_option("--weights", weights,
                 "ImageNet VGG16 weights exported from torchvision (see README)");
  app.add_option("--image_size", run.image_size, "Network input size, a multiple of 32")
      ->capture_default_str();
  app.add_option("--device", device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  app.add_option("--patience", options.patience, "Early-stopping patience in epochs (0: off)")
      ->capture_default_str();
  app.add_option("--num_workers", run.num_workers, "Image decoding threads")->capture_default_str();
  app.add_option("--cache_mb", run.cache_mb, "Keep decoded images in memory up to this many MB")
      ->capture_default_str();
  app.add_flag("--resume", run.resume, "Continue from the checkpoint in --output_dir");
  app.add_flag("--train_val", run.train_val,
               "Train on train+val for all epochs (no early stopping)");
  app.add_flag("--balanced", run.balanced, "Weight the loss by inverse class frequency");
  app.add_flag("--mixed_precision", options.mixed_precision,
               "On CUDA: bfloat16 autocast in forward passes");
  std::vector<double> jitter;
  app.add_option("--jitter", jitter,
                 "Colour jitter: brightness min max, contrast min max (default 0 1.2 0.2 1.8)")
      ->expected(4);
  app.add_flag("--rotations", run.rotations, "Also rotate training images by any angle");
  int threads = 0;
  app.add_option("--threads", threads, "CPU threads per operation (0: all cores)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    galaxyzoo::set_cpu_threads(threads);
    galaxyzoo::install_stop_handler();
    options.device = galaxyzoo::select_device(device);
    galaxyzoo::DistributedOptions world;
    const auto env = galaxyzoo::distributed_env_from_environment();
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
                << run.batch_size * static_cast<std::size_t>(dist->world_size()) << '\n';
    }
    run.data = data;
    run.output_dir = output_dir;
    run.weights = weights;
    if (!jitter.empty()) {
      run.brightness_min = jitter[0];
      run.brightness_max = jitter[1];
      run.contrast_min = jitter[2];
      run.contrast_max = jitter[3];
    }
    if (!params.empty()) run.params = galaxyzoo::read_hyperparameters(params);
    if (weights.empty() && main_rank) {
      std::cerr
          << "train_model: warning: no --weights: VGG16 starts from random weights, not ImageNet "
             "(see README for the two-line export)\n";
    }
    if (main_rank)
      std::cout << "Training on " << data << "; " << galaxyzoo::describe(options.device)
                << "; layer " << run.params.layer << ", lr_body " << run.params.lr_body
                << ", lr_head " << run.params.lr_head << '\n';
    if (main_rank)
      options.on_batch = [](std::size_t batch, std::size_t batches, double rate) {
        std::fprintf(stderr, "\r  batch %zu/%zu  %.1f images/s", batch, batches, rate);
      };
    options.on_notice = [](const std::string& line) { std::cerr << "warning: " << line << "\n"; };
    if (main_rank)
      options.on_epoch = [&](const galaxyzoo::EpochStats& e) {
        const double eta = e.seconds * static_cast<double>(options.epochs - e.epoch - 1);
        std::fprintf(stderr, "\r");
        std::printf(
            "epoch %3lld  train loss %.4f acc %.3f  val loss %.4f acc %.3f  %.1f images/s  %.0f s  "
            "(ETA %.0f s)\n",
            static_cast<long long>(e.epoch), e.train_loss, e.train_accuracy, e.val_loss,
            e.val_accuracy, e.images_per_second, e.seconds, eta);
        std::fflush(stdout);
      };
    const auto result = galaxyzoo::run_training(run);
    if (result.training.interrupted) {
      if (main_rank)
        std::cout << "\nStopped on request; the checkpoint is in " << output_dir
                  << ": run again with --resume\n";
      return galaxyzoo::kExitResumable;
    }
    if (!main_rank) return 0;
    std::cout << "Trained on " << result.train_images << " images (" << result.class_names.size()
              << " classes), validated on " << result.val_images << ": "
              << result.training.history.size() << " epochs"
              << (result.training.stopped_early ? " (early stop)" : "");
    if (result.training.best_epoch >= 0) {
      std::cout << "; best epoch " << result.training.best_epoch << ", val loss "
                << result.training.best_val_loss;
    }
    std::cout << "\nWrote final_vgg16_model.pt, loss_vgg16.png, history_vgg16.csv to " << output_dir
              << '\n';
  } catch (const galaxyzoo::Error& e) {
    std::cerr << "train_model: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
