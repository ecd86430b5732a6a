// make_test_dataset: render a synthetic Galaxy Zoo 2 data set in the Kaggle layout
// (images_training_rev1/<GalaxyID>.jpg + training_solutions_rev1.csv), the workflow's
// test data set.
//
//   make_test_dataset --output_dir galaxy_data --per_class 60 --unlabeled 60 --seed 1
//   make_test_dataset --output_dir galaxy_data --contact_sheet docs/contact_sheet.png
#include <chrono>
#include <filesystem>
#include <galaxyzoo/core/progress.hpp>
#include <galaxyzoo/synthetic/synthetic_dataset.hpp>
#include <iostream>

#include "program.hpp"
#include "programs.hpp"

int galaxyzoo::examples::make_test_dataset_main(int argc, char** argv) {
  galaxyzoo::examples::Program program(
      "make_test_dataset", "Render a synthetic Galaxy Zoo 2 data set in the Kaggle layout.");
  CLI::App& app = program.app();
  std::string output = "galaxy_data";
  std::string contact_sheet;
  galaxyzoo::SyntheticDatasetOptions options;
  program.add_output_dir(output, "Folder to create");
  // At most 900000 galaxies in all (SyntheticDataset).
  program.add_integer("--per_class", options.per_class, {0, 180000},
                      "Galaxies meant for each class 0-4");
  program.add_integer("--unlabeled", options.unlabeled, {0, 900000},
                      "Galaxies meant to match no class");
  program.add_seed(options.seed, "Seed: the same seed gives the same data set");
  program.add_integer("--image_size", options.image_size, {16, 4096}, "Image size in pixels");
  program.add_num_workers(options.num_threads, "Rendering threads");
  program.add_jpeg_quality(options.jpeg_quality);
  app.add_flag("--replace", options.replace_existing,
               "Replace an existing, non-empty output folder");
  app.add_option("--contact_sheet", contact_sheet,
                 "Also write a contact sheet (one row per kind) here: .png, else JPEG");
  return program.run(argc, argv, [&] {
    const auto start = std::chrono::steady_clock::now();
    options.on_progress = galaxyzoo::ProgressMeter::callback("rendered", "images");
    const galaxyzoo::SyntheticDataset dataset(options);
    dataset.write(output);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "Wrote " << dataset.galaxies().size() << " galaxies (" << options.per_class
              << " per class, " << options.unlabeled << " meant to match no class) to " << output
              << " in " << seconds << " s\n";
    if (!contact_sheet.empty()) {
      const galaxyzoo::Image sheet = dataset.contact_sheet();
      if (std::filesystem::path(contact_sheet).extension() == ".png") {
        galaxyzoo::write_png(sheet, contact_sheet);
      } else {
        galaxyzoo::write_jpeg(sheet, contact_sheet, 88);
      }
      std::cout << "Wrote contact sheet " << contact_sheet << '\n';
    }
    return galaxyzoo::examples::kExitOk;
  });
}
