// preprocess_resize: centre-crop (and optionally resize) the split images, the workflow's
// "resize" step. Bad files are reported and skipped; the exit status is 1 if any failed.
//
//   preprocess_resize --input_dir full_galaxy_dataset --output_dir preprocessed --num_workers 2
//   preprocess_resize ... --shard 3/8          # this job's eighth of the files
//   preprocess_resize ... --crop_then_resize 128
#include <galaxyzoo/images/preprocess.hpp>
#include <iostream>

#include "program.hpp"

int main(int argc, char** argv) {
  galaxyzoo::examples::Program program("preprocess_resize",
                                       "Centre-crop (and optionally resize) Galaxy Zoo images.");
  CLI::App& app = program.app();
  std::string input_dir = "full_galaxy_dataset";
  std::string output_dir = "preprocessed";
  std::string prefix;
  std::string shard = "0/1";
  std::string stretch = "asinh";
  int resize_to = 0;
  int crop_then_resize = 0;
  bool force = false;
  bool no_proc_suffix = false;
  galaxyzoo::PreprocessOptions options;
  program.add_input_dir(input_dir, "Folder of images (e.g. create_dataset's output)");
  program.add_output_dir(output_dir, "Folder for the <name>_proc.jpg files");
  app.add_option("--prefix", prefix, "Only files whose names start with this (e.g. train_)");
  program.add_num_workers(options.num_workers, "Threads");
  app.add_option("--shard", shard,
                 "Process part i of n of the sorted file list (round-robin), as i/n")
      ->capture_default_str()
      ->check(galaxyzoo::examples::parsed_by(
          [](const std::string& text) { galaxyzoo::parse_shard(text); }, "i/n"));
  app.add_option("--crop_size", options.crop_size, "Side of the centred crop")
      ->capture_default_str();
  app.add_option("--resize", resize_to, "Resize the whole image to this side instead of cropping")
      ->excludes(
          app.add_option("--crop_then_resize", crop_then_resize, "Crop, then resize to this side"));
  app.add_option("--expected_size", options.expected_input_size,
                 "Inputs of another size are errors (0: any)")
      ->capture_default_str();
  program.add_jpeg_quality(options.jpeg_quality);
  app.add_option("--stretch", stretch, "FITS/16-bit to 8 bits: asinh or linear")
      ->capture_default_str()
      ->check(CLI::IsMember({"asinh", "linear"}));
  app.add_flag("--no_proc_suffix", no_proc_suffix,
               "Name outputs <name>.jpg instead of <name>_proc.jpg");
  app.add_flag("--force", force, "Redo outputs that are already up to date");
  return program.run(argc, argv, [&] {
    options.shard = galaxyzoo::parse_shard(shard);
    options.proc_suffix = !no_proc_suffix;
    options.skip_up_to_date = !force;
    options.read.stretch =
        stretch == "linear" ? galaxyzoo::Stretch::linear : galaxyzoo::Stretch::asinh;
    if (resize_to > 0) {
      options.geometry = galaxyzoo::Geometry::resize;
      options.output_size = resize_to;
    } else if (crop_then_resize > 0) {
      options.geometry = galaxyzoo::Geometry::crop_then_resize;
      options.output_size = crop_then_resize;
    }
    options.on_progress = [](std::size_t done, std::size_t total) {
      if (done % 500 == 0 || done == total)
        std::cerr << "\rprocessed " << done << " / " << total << std::flush;
      if (done == total) std::cerr << '\n';
    };
    const galaxyzoo::Preprocessor preprocessor(options);
    const auto report = preprocessor.run(galaxyzoo::list_images(input_dir, prefix), output_dir);
    std::cout << report.summary();
    return report.ok() ? galaxyzoo::examples::kExitOk : galaxyzoo::examples::kExitFailure;
  });
}
