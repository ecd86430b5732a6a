// train_model: train the VGG16 transfer-learning classifier on the preprocessed images,
// early-stopping on the validation split (never on test), with a checkpoint after every
// epoch. SIGTERM or Ctrl-C checkpoints and exits with status 3; --resume continues.
//
//   train_model --data preprocessed --weights vgg16_imagenet.pth --epochs 10
//   train_model --data preprocessed --image_size 64 --epochs 3 --resume
#include <CLI/CLI.hpp>
#include <galaxyzoo/device.hpp>
#include <galaxyzoo/error.hpp>
#include <galaxyzoo/image_loader.hpp>
#include <galaxyzoo/labeling.hpp>
#include <galaxyzoo/trainer.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  CLI::App app{"Train the VGG16 galaxy classifier."};
  std::string data = "preprocessed", output_dir = ".", params, weights, device = "auto";
  int image_size = 256;
  std::size_t batch_size = 32, cache_mb = 0;
  bool resume = false, train_val = false, balanced = false;
  galaxyzoo::TrainerOptions options;
  int num_workers = 2;
  app.add_option("--data", data, "Folder of {train,val}_class_K_N_proc.jpg images")->capture_default_str();
  app.add_option("--output_dir", output_dir, "Where the model, checkpoint and plots go")->capture_default_str();
  app.add_option("--epochs", options.epochs, "Most epochs")->capture_default_str();
  app.add_option("--batch_size", batch_size, "Images per batch")->capture_default_str();
  app.add_option("--seed", options.seed, "Seed of initialisation, order and transforms")->capture_default_str();
  app.add_option("--params", params, "Hyper-parameters file (layer, lr_body, lr_head), e.g. from vgg16_hpo");
  app.add_option("--weights", weights, "ImageNet VGG16 weights exported from torchvision (see README)");
  app.add_option("--image_size", image_size, "Network input size, a multiple of 32")->capture_default_str();
  app.add_option("--device", device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  app.add_option("--patience", options.patience, "Early-stopping patience in epochs (0: off)")->capture_default_str();
  app.add_option("--num_workers", num_workers, "Image decoding threads")->capture_default_str();
  app.add_option("--cache_mb", cache_mb, "Keep decoded images in memory up to this many MB")->capture_default_str();
  app.add_flag("--resume", resume, "Continue from the checkpoint in --output_dir");
  app.add_flag("--train_val", train_val, "Train on train+val for all epochs (no early stopping)");
  app.add_flag("--balanced", balanced, "Weight the loss by inverse class frequency");
  app.add_flag("--mixed_precision", options.mixed_precision, "On CUDA: bfloat16 autocast in forward passes");
  int threads = 0;
  app.add_option("--threads", threads, "CPU threads per operation (0: all cores)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    galaxyzoo::set_cpu_threads(threads);
    galaxyzoo::install_stop_handler();
    options.device = galaxyzoo::select_device(device);
    const galaxyzoo::HyperParameters hp = params.empty() ? galaxyzoo::HyperParameters{} : galaxyzoo::read_hyperparameters(params);
    options.lr_body = hp.lr_body;
    options.lr_head = hp.lr_head;

    const auto train_images = galaxyzoo::list_labeled_images(data, train_val ? std::vector<std::string>{"train", "val"}
                                                                             : std::vector<std::string>{"train"});
    const auto val_images = train_val ? std::vector<galaxyzoo::LabeledImage>{} : galaxyzoo::list_labeled_images(data, {"val"});
    if (train_images.empty()) throw galaxyzoo::Error("no training images (train_class_K_N_proc.jpg) in '" + data + "'");
    if (!train_val && val_images.empty()) {
      throw galaxyzoo::Error("no validation images (val_class_K_N_proc.jpg) in '" + data + "'; use --train_val to train without");
    }
    int num_classes = 2;
    for (const auto& i : train_images) num_classes = std::max(num_classes, i.label + 1);
    std::vector<std::string> class_names;
    const auto rules = galaxyzoo::Labeler(galaxyzoo::galaxy_zoo_rules());
    for (int k = 0; k < num_classes; ++k) {
      class_names.push_back(num_classes == 5 ? rules.class_names()[static_cast<std::size_t>(k)] : "class " + std::to_string(k));
    }
    if (balanced) {
      std::vector<double> counts(static_cast<std::size_t>(num_classes), 0);
      for (const auto& i : train_images) ++counts[static_cast<std::size_t>(i.label)];
      for (const double c : counts) options.class_weights.push_back(c > 0 ? train_images.size() / (num_classes * c) : 1.0);
    }
    if (train_val) options.patience = 0;

    torch::manual_seed(options.seed);
    galaxyzoo::VGG16Classifier model(
        galaxyzoo::VGG16ClassifierOptions(num_classes).image_size(image_size).freeze_before(hp.layer));
    if (!weights.empty()) {
      galaxyzoo::load_vgg16_features(*model, weights);
    } else {
      std::cerr << "train_model: warning: no --weights: VGG16 starts from random weights, not ImageNet "
                   "(see README for the two-line export)\n";
    }

    fs::create_directories(output_dir);
    options.checkpoint = fs::path(output_dir) / "checkpoint_vgg16.pt";
    if (fs::exists(options.checkpoint) && !resume) {
      throw galaxyzoo::Error("'" + options.checkpoint.string() +
                             "' exists: pass --resume to continue that run, or delete it to start afresh");
    }
    galaxyzoo::ImageLoaderOptions loading;
    loading.image_size = image_size;
    loading.batch_size = batch_size;
    loading.num_workers = num_workers;
    loading.cache_bytes = cache_mb << 20;
    loading.seed = options.seed;
    loading.pin_memory = options.device.is_cuda();
    galaxyzoo::ImageLoaderOptions training = loading;
    training.shuffle = training.train_transforms = true;
    galaxyzoo::ImageLoader train(train_images, training);
    std::unique_ptr<galaxyzoo::ImageLoader> val;
    if (!val_images.empty()) val = std::make_unique<galaxyzoo::ImageLoader>(val_images, loading);

    std::cout << "Training on " << train_images.size() << " images (" << num_classes << " classes), validating on "
              << val_images.size() << "; " << galaxyzoo::describe(options.device) << "; layer " << hp.layer
              << ", lr_body " << hp.lr_body << ", lr_head " << hp.lr_head << '\n';
    options.on_batch = [](std::size_t batch, std::size_t batches, double rate) {
      std::fprintf(stderr, "\r  batch %zu/%zu  %.1f images/s", batch, batches, rate);
    };
    options.on_epoch = [&](const galaxyzoo::EpochStats& e) {
      const double eta = e.seconds * static_cast<double>(options.epochs - e.epoch - 1);
      std::fprintf(stderr, "\r");
      std::printf("epoch %3lld  train loss %.4f acc %.3f  val loss %.4f acc %.3f  %.1f images/s  %.0f s  (ETA %.0f s)\n",
                  static_cast<long long>(e.epoch), e.train_loss, e.train_accuracy, e.val_loss, e.val_accuracy,
                  e.images_per_second, e.seconds, eta);
      std::fflush(stdout);
    };
    galaxyzoo::Trainer trainer(model, options);
    const auto result = trainer.fit(train, val.get());
    if (result.interrupted) {
      std::cout << "\nStopped on request; the checkpoint is in " << options.checkpoint << ": run again with --resume\n";
      return galaxyzoo::kExitResumable;
    }
    const fs::path out(output_dir);
    galaxyzoo::save_classifier(trainer.model(), class_names, out / "final_vgg16_model.pt");
    galaxyzoo::write_png(galaxyzoo::training_curves(result.history), out / "loss_vgg16.png");
    galaxyzoo::write_history_csv(result.history, out / "history_vgg16.csv");
    std::cout << "Trained " << result.history.size() << " epochs" << (result.stopped_early ? " (early stop)" : "");
    if (result.best_epoch >= 0) std::cout << "; best epoch " << result.best_epoch << ", val loss " << result.best_val_loss;
    std::cout << "\nWrote final_vgg16_model.pt, loss_vgg16.png, history_vgg16.csv to " << output_dir << '\n';
  } catch (const galaxyzoo::Error& e) {
    std::cerr << "train_model: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
