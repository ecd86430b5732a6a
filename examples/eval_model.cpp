// eval_model: evaluate a trained model on the held-out test split and write the report
// (exp_results.csv, metrics.json, predictions.csv, final_confusion_matrix_norm.png,
// final_confusion_matrix.png).
//
//   eval_model --model model/final_vgg16_model.pt --input_dir preprocessed --output_dir results
//   eval_model --model model/final_vgg16_model.pt --input_dir preprocessed --tta \
//              --manifest full_galaxy_dataset/manifest.csv
#include <galaxyzoo/eval/evaluator.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/device.hpp>

#include <iostream>

#include "program.hpp"
#include "programs.hpp"

int galaxyzoo::examples::eval_model_main(int argc, char** argv) {
  galaxyzoo::examples::Program program(
      "eval_model", "Evaluate a trained galaxyzoo model on a split of the preprocessed images.");
  CLI::App& app = program.app();
  std::string model_file = "final_vgg16_model.pt", data = "preprocessed", output_dir = ".",
              device = "auto", manifest;
  galaxyzoo::EvaluatorOptions options;
  app.add_option("--model", model_file, "Model written by train_model")->capture_default_str();
  program.add_input_dir(data, "Folder of {split}_class_K_N_proc.jpg images");
  app.add_option("--split", options.split, "Which images to evaluate: test, val or train")
      ->capture_default_str();
  program.add_output_dir(output_dir, "Where the report goes");
  program.add_device(device);
  program.add_batch_size(options.batch_size);
  program.add_seed(options.bootstrap.seed, "Seed of the bootstrap resampling");
  program.add_integer("--resamples", options.bootstrap.resamples, {1, 1000000},
                      "Bootstrap resamples");
  program.add_real("--confidence", options.bootstrap.confidence, {0, 1, true, true},
                   "Level of the bootstrap intervals");
  app.add_option("--manifest", manifest,
                 "manifest.csv of create_dataset, for GalaxyIDs (default: INPUT_DIR/manifest.csv)");
  program.add_center_crop(options.center_crop);
  program.add_num_workers(options.num_workers, "Image decoding threads");
  app.add_flag("--tta", options.tta, "Average over the 8 flips and 90-degree rotations");
  program.add_threads();
  return program.run(argc, argv, [&] {
    options.manifest = manifest;
    galaxyzoo::GalaxyClassifier classifier(model_file, device);
    std::cout << "Evaluating " << model_file << " on the " << options.split << " images of " << data
              << "; " << galaxyzoo::describe(classifier.device())
              << (options.tta ? "; 8-fold test-time augmentation" : "") << '\n';
    const auto report = galaxyzoo::Evaluator(classifier, options).evaluate(data);
    std::cout << '\n' << report.summary() << '\n';
    galaxyzoo::write_report(report, output_dir);
    std::cout << "Wrote exp_results.csv, metrics.json, predictions.csv, "
                 "final_confusion_matrix_norm.png and "
                 "final_confusion_matrix.png to "
              << output_dir << '\n';
    return galaxyzoo::examples::kExitOk;
  });
}
