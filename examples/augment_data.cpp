// augment_data: make new training images of a rare class from its preprocessed ones, the
// workflow's augmentation step.
//
//   augment_data --class_str class_3 --num 15            # train_class_3_4000_proc.jpg ...
//   augment_data --class_str class_2 --num 7000 --any_angle --flips --num_workers 2
//   augment_data --class_str class_3 --num 15 --window 50 204 --resampling lanczos3 --quality 90
#include <filesystem>
#include <galaxyzoo/core/progress.hpp>
#include <galaxyzoo/data/soft_targets.hpp>
#include <galaxyzoo/images/augment.hpp>
#include <iostream>

#include "program.hpp"
#include "programs.hpp"

int galaxyzoo::examples::augment_data_main(int argc, char** argv) {
  galaxyzoo::examples::Program program(
      "augment_data",
      "Augment one class's preprocessed training images with the original's affine recipes.");
  CLI::App& app = program.app();
  std::string input_dir = "preprocessed";
  std::string output_dir;
  std::string class_str = "class_3";
  std::size_t num = 15;
  galaxyzoo::AugmenterOptions options;
  program.add_input_dir(input_dir, "Folder with train_<class>_<n>_proc.jpg");
  program.add_output_dir(output_dir, "Where to write (default: the input folder)");
  app.add_option("--class_str", class_str, "Class to augment, e.g. class_3")->capture_default_str();
  program.add_integer("--num", num, flag_ranges::kAugmented, "Number of new images");
  program.add_seed(options.seed, "Seed: output i is drawn from a generator seeded by (seed, i)");
  program.add_integer("--first_number", options.first_number, {0, 1000000000},
                      "Number of the first new file");
  program.add_num_workers(options.num_workers, "Threads");
  program.add_jpeg_quality(options.jpeg_quality);
  std::vector<int> window{options.window_first, options.window_last};
  program
      .add_integers("--window", window, {0, 255},
                    "Recipe A's window: first and last row and column, of 256 (the original's "
                    "50 205; 50 204 before galaxyzoo matched it)")
      ->expected(2)
      ->capture_default_str();
  std::string resampling = galaxyzoo::to_string(options.resampling);
  app.add_option("--resampling", resampling,
                 "How the window is resized back: area (OpenCV's INTER_AREA, the original's) or "
                 "lanczos3")
      ->check(CLI::IsMember({"area", "lanczos3"}))
      ->capture_default_str();
  program.add_check([&] {
    if (window[0] > window[1]) throw galaxyzoo::examples::UsageError("--window: first > last");
  });
  app.add_flag("--any_angle", options.any_angle,
               "Add a random rotation angle (galaxies have no orientation)");
  app.add_flag("--flips", options.flips, "Random horizontal and vertical flips");
  program.add_real("--zoom", options.max_zoom, {0, 1, false, true},
                   "Random zoom up to this fraction (e.g. 0.1)");
  program.add_real("--shift", options.max_shift, {0, 0.5, false, true},
                   "Random shift up to this fraction of the size");
  std::string soft_targets;
  app.add_option("--soft_targets", soft_targets,
                 "Soft-target table of the inputs (create_dataset's soft_targets.csv): also write "
                 "the copies' targets, inherited from their sources, to "
                 "OUTPUT_DIR/soft_targets_train_<class>.csv");
  return program.run(argc, argv, [&] {
    if (output_dir.empty()) output_dir = input_dir;
    options.window_first = window[0];
    options.window_last = window[1];
    options.resampling = galaxyzoo::parse_resampling(resampling);
    const auto inputs = galaxyzoo::augmentation_inputs(input_dir, class_str, options.first_number);
    std::cout << "Augmenting " << class_str << ": " << inputs.size() << " training images -> "
              << num << " new\n";
    options.on_progress = galaxyzoo::ProgressMeter::callback("augmented", "images");
    const auto report =
        galaxyzoo::Augmenter(options).run(inputs, num, output_dir, "train_" + class_str);
    std::cout << "Wrote " << report.written << " files (" << report.up_to_date
              << " already up to date) in " << report.seconds << " s";
    if (!report.files.empty()) {
      std::cout << ": " << report.files.front().filename().string() << " ... "
                << report.files.back().filename().string();
    }
    std::cout << '\n';
    if (!soft_targets.empty()) {
      const auto table =
          std::filesystem::path(output_dir) / ("soft_targets_train_" + class_str + ".csv");
      galaxyzoo::write_soft_targets(
          galaxyzoo::inherited_soft_targets(galaxyzoo::read_soft_targets(soft_targets),
                                            report.sources, report.files),
          table);
      std::cout << "Wrote the copies' soft targets to " << table.string() << '\n';
    }
    return galaxyzoo::examples::kExitOk;
  });
}
