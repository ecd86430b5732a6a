// preprocess_resize: centre-crop (and optionally resize) the split images, the workflow's
// "resize" step. Bad files are reported and skipped; the exit status is 1 if any failed.
//
//   preprocess_resize --input_dir full_galaxy_dataset --output_dir preprocessed --num_workers 2
//   preprocess_resize ... --shard 3/8          # this job's eighth of the files
//   preprocess_resize --input_dir . --output_dir . --file_list shard_3.txt   # a staged job
//   preprocess_resize ... --crop_then_resize 128
#include <galaxyzoo/core/progress.hpp>
#include <galaxyzoo/core/text_file.hpp>
#include <galaxyzoo/images/preprocess.hpp>
#include <iostream>

#include "program.hpp"
#include "programs.hpp"

int galaxyzoo::examples::preprocess_resize_main(int argc, char** argv) {
  galaxyzoo::examples::Program program("preprocess_resize",
                                       "Centre-crop (and optionally resize) Galaxy Zoo images.");
  CLI::App& app = program.app();
  std::string input_dir = "full_galaxy_dataset";
  std::string output_dir = "preprocessed";
  std::string prefix;
  std::string file_list;
  std::string shard = "0/1";
  int resize_to = 0;
  int crop_then_resize = 0;
  bool force = false;
  bool no_proc_suffix = false;
  galaxyzoo::PreprocessOptions options;
  program.add_input_dir(input_dir, "Folder of images (e.g. create_dataset's output)");
  program.add_output_dir(output_dir, "Folder for the <name>_proc.jpg files");
  app.add_option("--prefix", prefix, "Only files whose names start with this (e.g. train_)")
      ->excludes(app.add_option("--file_list", file_list,
                                "Instead of listing --input_dir: the files named in this file, "
                                "one a line, relative to --input_dir"));
  program.add_num_workers(options.num_workers, "Threads");
  app.add_option("--shard", shard,
                 "Process part i of n of the sorted file list (round-robin), as i/n")
      ->capture_default_str()
      ->check(galaxyzoo::examples::parsed_by(
          [](const std::string& text) { galaxyzoo::parse_shard(text); }, "i/n"));
  program.add_integer("--crop_size", options.crop_size, {1, flag_ranges::kImageSide.max},
                      "Side of the centred crop");
  program
      .add_integer("--resize", resize_to, flag_ranges::kImageSide,
                   "Resize the whole image to this side instead of cropping (0: no)")
      ->excludes(program.add_integer("--crop_then_resize", crop_then_resize,
                                     flag_ranges::kImageSide,
                                     "Crop, then resize to this side (0: no)"));
  program.add_integer("--expected_size", options.expected_input_size, flag_ranges::kImageSide,
                      "Inputs of another size are errors (0: any)");
  program.add_jpeg_quality(options.jpeg_quality);
  program.add_fits_options(options.read);
  app.add_flag("--no_proc_suffix", no_proc_suffix,
               "Name outputs <name>.jpg instead of <name>_proc.jpg");
  app.add_flag("--force", force, "Redo outputs that are already up to date");
  return program.run(argc, argv, [&] {
    options.shard = galaxyzoo::parse_shard(shard);
    options.proc_suffix = !no_proc_suffix;
    options.skip_up_to_date = !force;
    if (resize_to > 0) {
      options.geometry = galaxyzoo::Geometry::resize;
      options.output_size = resize_to;
    } else if (crop_then_resize > 0) {
      options.geometry = galaxyzoo::Geometry::crop_then_resize;
      options.output_size = crop_then_resize;
    }
    options.on_progress = galaxyzoo::ProgressMeter::callback("processed", "images");
    const galaxyzoo::Preprocessor preprocessor(options);
    std::vector<std::filesystem::path> inputs;
    // Unreadable entries (a link loop, a dangling link) are named and left out; the
    // others are processed, and the exit status says the folder was not done whole.
    std::vector<galaxyzoo::SkippedEntry> skipped;
    if (file_list.empty()) inputs = galaxyzoo::list_images(input_dir, prefix, &skipped);
    for (const auto& s : skipped) {
      std::cerr << "preprocess_resize: warning: skipped '" << s.path.string() << "': " << s.reason
                << '\n';
    }
    for (const auto& name : file_list.empty() ? std::vector<std::string>{}
                                              : galaxyzoo::read_name_list(file_list, "file list"))
      inputs.push_back(std::filesystem::path(input_dir) / name);
    const auto report = preprocessor.run(inputs, output_dir);
    std::cout << report.summary();
    if (!skipped.empty())
      std::cerr << "preprocess_resize: " << skipped.size() << " unreadable entries skipped\n";
    return report.ok() && skipped.empty() ? galaxyzoo::examples::kExitOk
                                          : galaxyzoo::examples::kExitFailure;
  });
}
