// classify: class probabilities of galaxy images with a trained model, as CSV.
//
//   classify --model final_vgg16_model.pt --output predictions.csv \
//            preprocessed/test_class_*_proc.jpg
//   classify --model final_vgg16_model.pt --input_dir images_training_rev1 --crop 256 --tta
//   classify --model final_vgg16_model.pt --catalog training_solutions_rev1.csv \
//            --input_dir images_training_rev1 --crop 256
#include <galaxyzoo/core/atomic_output.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/image_index.hpp>
#include <galaxyzoo/data/vote_table.hpp>
#include <galaxyzoo/images/preprocess.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/device.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "program.hpp"
#include "programs.hpp"

namespace fs = std::filesystem;

namespace {

// What to classify, and the named inputs left out.
struct Inputs {
  std::vector<fs::path> files;
  std::vector<std::string> missing;  // one line each: a GalaxyID or a folder entry, and why
};

// The image @p files, then the images of @p catalog's rows in @p folder, or else every
// image in @p folder.
Inputs gather_inputs(const std::vector<std::string>& files, const std::string& folder,
                     const std::string& catalog) {
  Inputs in;
  in.files.assign(files.begin(), files.end());
  if (!catalog.empty()) {
    const auto table = galaxyzoo::read_vote_table(catalog);
    const auto index = galaxyzoo::ImageIndex::scan(folder);
    for (const auto id : table.galaxy_ids) {
      if (index.contains(id)) {
        in.files.push_back(index.path(id));
      } else {
        in.missing.push_back("GalaxyID " + std::to_string(id) + ": no image " + std::to_string(id) +
                             ".jpg (.jpeg, .png) in '" + folder + "'");
      }
    }
    if (in.files.size() == files.size()) {
      throw galaxyzoo::Error("none of the " + std::to_string(table.rows()) +
                             " catalogue rows of '" + catalog + "' has an image in '" + folder +
                             "' (expected <GalaxyID>.jpg, .jpeg or .png)");
    }
  } else if (!folder.empty()) {
    std::vector<galaxyzoo::SkippedEntry> skipped;
    for (auto& f : galaxyzoo::list_images(folder, "", &skipped)) in.files.push_back(std::move(f));
    for (const auto& s : skipped) in.missing.push_back("'" + s.path.string() + "': " + s.reason);
    if (in.files.empty()) {
      throw galaxyzoo::Error("no readable image in '" + folder +
                             "': " + std::to_string(in.missing.size()) +
                             " unusable entries, the first " + in.missing.front());
    }
  }
  return in;
}

}  // namespace

int galaxyzoo::examples::classify_main(int argc, char** argv) {
  galaxyzoo::examples::Program program("classify",
                                       "Classify galaxy images with a trained galaxyzoo model.");
  CLI::App& app = program.app();
  std::string model_file = "final_vgg16_model.pt", output = "predictions.csv", folder, catalog,
              device = "auto";
  std::vector<std::string> files;
  galaxyzoo::ClassifyOptions options;
  app.add_option("--model", model_file, "Model written by train_model")->capture_default_str();
  app.add_option("--output", output, "CSV to write")->capture_default_str();
  auto* input_dir = program.add_input_dir(
      folder, "Classify every image in this folder (or the catalog's images in it)");
  app.add_option("--catalog", catalog,
                 "CSV with a GalaxyID column: classify INPUT_DIR/<GalaxyID>.jpg")
      ->needs(input_dir);
  program.add_device(device);
  program.add_batch_size(options.batch_size);
  program.add_center_crop(options.center_crop);
  app.add_flag("--tta", options.tta, "Average over the 8 flips and 90-degree rotations");
  app.add_option("files", files, "Image files");
  program.add_num_workers(options.num_workers, "Image decoding threads");
  program.add_threads();
  program.add_check([&] {
    if (files.empty() && folder.empty()) {
      throw galaxyzoo::examples::UsageError(
          "no images to classify: give files, --input_dir or --catalog");
    }
  });
  return program.run(argc, argv, [&] {
    const Inputs in = gather_inputs(files, folder, catalog);
    const auto& inputs = in.files;
    const auto& missing = in.missing;

    galaxyzoo::GalaxyClassifier classifier(model_file, device);
    const auto probabilities = classifier.classify_files(inputs, options);
    std::ostringstream csv;
    csv << "file,GalaxyID,predicted";
    for (std::size_t k = 0; k < classifier.class_names().size(); ++k) csv << ",p" << k;
    csv << '\n';
    std::vector<std::size_t> per_class(classifier.class_names().size(), 0);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto& p = probabilities[i];
      const auto predicted =
          static_cast<std::size_t>(std::max_element(p.begin(), p.end()) - p.begin());
      ++per_class[predicted];
      const std::string stem = inputs[i].stem().string();
      const bool numeric = !stem.empty() && std::all_of(stem.begin(), stem.end(), ::isdigit);
      csv << inputs[i].string() << ',' << (numeric ? stem : "") << ',' << predicted;
      for (const float v : p) csv << ',' << v;
      csv << '\n';
    }
    galaxyzoo::write_file_atomically(output, csv.str());
    std::cout << "Classified " << inputs.size() << " images"
              << (options.tta ? " (8-fold test-time augmentation)" : "") << " -> " << output
              << '\n';
    for (std::size_t k = 0; k < per_class.size(); ++k) {
      std::cout << "  " << k << " " << classifier.class_names()[k] << ": " << per_class[k] << '\n';
    }
    if (missing.empty()) return galaxyzoo::examples::kExitOk;
    std::cerr << "classify: " << missing.size()
              << (catalog.empty() ? " folder entries could not be read:\n"
                                  : " catalogue rows have no image:\n");
    for (const auto& line : missing) std::cerr << "  " << line << '\n';
    std::cerr << "classify: classified " << inputs.size() << ", missing " << missing.size()
              << " (exit status " << galaxyzoo::examples::kExitPartial << ")\n";
    return galaxyzoo::examples::kExitPartial;
  });
}

#ifndef GALAXYZOO_NO_MAIN
int main(int argc, char** argv) { return galaxyzoo::examples::classify_main(argc, argv); }
#endif
