// augment_data: make new training images of a rare class from its preprocessed ones, the
// workflow's augmentation step.
//
//   augment_data --class_str class_3 --num 15            # train_class_3_4000_proc.jpg ...
//   augment_data --class_str class_2 --num 7000 --any_angle --flips --num_workers 2
#include <galaxyzoo/images/augment.hpp>
#include <iostream>

#include "program.hpp"

int main(int argc, char** argv) {
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
  app.add_option("--num", num, "Number of new images")->capture_default_str();
  program.add_seed(options.seed, "Seed: output i is drawn from a generator seeded by (seed, i)");
  app.add_option("--first_number", options.first_number, "Number of the first new file")
      ->capture_default_str();
  program.add_num_workers(options.num_workers, "Threads");
  program.add_jpeg_quality(options.jpeg_quality);
  app.add_flag("--any_angle", options.any_angle,
               "Add a random rotation angle (galaxies have no orientation)");
  app.add_flag("--flips", options.flips, "Random horizontal and vertical flips");
  app.add_option("--zoom", options.max_zoom, "Random zoom up to this fraction (e.g. 0.1)")
      ->capture_default_str();
  app.add_option("--shift", options.max_shift, "Random shift up to this fraction of the size")
      ->capture_default_str();
  return program.run(argc, argv, [&] {
    if (output_dir.empty()) output_dir = input_dir;
    const auto inputs = galaxyzoo::augmentation_inputs(input_dir, class_str, options.first_number);
    std::cout << "Augmenting " << class_str << ": " << inputs.size() << " training images -> "
              << num << " new\n";
    const auto report =
        galaxyzoo::Augmenter(options).run(inputs, num, output_dir, "train_" + class_str);
    std::cout << "Wrote " << report.written << " files (" << report.up_to_date
              << " already up to date) in " << report.seconds << " s";
    if (!report.files.empty()) {
      std::cout << ": " << report.files.front().filename().string() << " ... "
                << report.files.back().filename().string();
    }
    std::cout << '\n';
    return galaxyzoo::examples::kExitOk;
  });
}
