// create_dataset: label Galaxy Zoo 2 galaxies, select, split 80/10/10 and place the
// renamed images in an output folder (the workflow's "create clean dataset" step).
//
//   create_dataset --input_dir galaxy-zoo-the-galaxy-challenge --output_dir full_galaxy_dataset
//   create_dataset --input_dir data --max_img 1000 1000 579 1000 1000 --stratified
#include <galaxyzoo/data/dataset.hpp>
#include <galaxyzoo/data/splitter.hpp>
#include <iostream>

#include "program.hpp"
#include "programs.hpp"

int galaxyzoo::examples::create_dataset_main(int argc, char** argv) {
  galaxyzoo::examples::Program program(
      "create_dataset", "Label, select and split Galaxy Zoo 2 images into train/val/test.");
  CLI::App& app = program.app();
  std::string input_dir = "galaxy-zoo-the-galaxy-challenge";
  std::string output_dir = "full_galaxy_dataset";
  galaxyzoo::DatasetOptions dataset_options;
  galaxyzoo::SplitOptions split_options;
  galaxyzoo::WriteSplitOptions write_options;
  std::string image_list;
  bool random_selection = false;
  bool copy = false;
  std::string split_rng = "galaxyzoo";

  program.add_input_dir(input_dir,
                        "Kaggle folder: training_solutions_rev1.csv + images_training_rev1/");
  program.add_output_dir(output_dir, "Folder to create with the split images and manifest.csv");
  program.add_seed(split_options.seed, "Seed of the shuffle (and of --random_selection)");
  program
      .add_integers("--max_img", dataset_options.max_per_class, flag_ranges::kClassCap,
                    "Cap per class: five numbers (default: no cap)")
      ->expected(1, -1);
  app.add_flag("--stratified", split_options.stratified, "Split each class 80/10/10 on its own");
  app.add_option("--split_rng", split_rng,
                 "Shuffle: galaxyzoo, or numpy for the original's split file for file "
                 "(pandas' sample(frac=1, random_state=seed); not with --stratified)")
      ->check(CLI::IsMember({"galaxyzoo", "numpy"}))
      ->capture_default_str();
  app.add_flag("--random_selection", random_selection,
               "Pick capped galaxies at random, not the first N");
  app.add_option("--image_list", image_list,
                 "File listing the existing images, one name a line (default: scan)");
  program.add_real("--train_fraction", split_options.train_fraction, {0, 1},
                   "Share of galaxies in train");
  program.add_real("--val_fraction", split_options.val_fraction, {0, 1},
                   "Share of galaxies in val");
  app.add_flag("--copy", copy, "Copy images instead of hard-linking them");
  app.add_flag("--replace", write_options.replace_existing,
               "Replace an existing, non-empty output folder");
  program.add_check([&] {
    if (split_rng == "numpy" && split_options.stratified)
      throw UsageError("--split_rng numpy cannot be combined with --stratified");
  });
  return program.run(argc, argv, [&] {
    dataset_options.image_list = image_list;
    split_options.rng = galaxyzoo::parse_split_rng(split_rng);
    dataset_options.seed = split_options.seed;
    dataset_options.selection =
        random_selection ? galaxyzoo::Selection::random : galaxyzoo::Selection::first;
    write_options.placement =
        copy ? galaxyzoo::Placement::copy : galaxyzoo::Placement::link_or_copy;

    const auto dataset = galaxyzoo::Dataset::load(input_dir, dataset_options);
    const auto& stats = dataset.stats();
    for (const auto& line : stats.warnings)
      std::cerr << "create_dataset: warning: " << line << '\n';
    std::cout << "Read " << stats.rows << " galaxies: " << stats.unlabeled << " match no class, "
              << stats.missing_image << " labeled but without an image.\n\n"
              << dataset.class_table() << '\n';

    const auto plan = galaxyzoo::Splitter(split_options).split(dataset);
    std::cout << plan.table() << '\n';
    galaxyzoo::write_split(plan, output_dir, write_options);
    std::cout << "Wrote " << plan.entries.size() << " images and " << write_options.manifest_name
              << " to " << output_dir << '\n';
    return galaxyzoo::examples::kExitOk;
  });
}
