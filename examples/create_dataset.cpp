// create_dataset: label Galaxy Zoo 2 galaxies, select, split 80/10/10 and place the
// renamed images in an output folder (the workflow's "create clean dataset" step).
//
//   create_dataset --data_path galaxy-zoo-the-galaxy-challenge --output_dir full_galaxy_dataset
//   create_dataset --data_path data --max_img 1000 1000 579 1000 1000 --stratified
#include <CLI/CLI.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/dataset.hpp>
#include <galaxyzoo/data/splitter.hpp>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"Label, select and split Galaxy Zoo 2 images into train/val/test."};
  std::string data_path = "galaxy-zoo-the-galaxy-challenge";
  std::string output_dir = "full_galaxy_dataset";
  galaxyzoo::DatasetOptions dataset_options;
  galaxyzoo::SplitOptions split_options;
  galaxyzoo::WriteSplitOptions write_options;
  std::string image_list;
  bool random_selection = false;
  bool copy = false;

  app.add_option("--data_path", data_path,
                 "Kaggle folder: training_solutions_rev1.csv + images_training_rev1/")
      ->capture_default_str();
  app.add_option("--output_dir", output_dir,
                 "Folder to create with the split images and manifest.csv")
      ->capture_default_str();
  app.add_option("--seed", split_options.seed, "Seed of the shuffle (and of --random_selection)")
      ->capture_default_str();
  app.add_option("--max_img", dataset_options.max_per_class,
                 "Cap per class: five numbers (default: no cap)")
      ->expected(1, -1);
  app.add_flag("--stratified", split_options.stratified, "Split each class 80/10/10 on its own");
  app.add_flag("--random_selection", random_selection,
               "Pick capped galaxies at random, not the first N");
  app.add_option("--image_list", image_list,
                 "File listing the existing images, one name a line (default: scan)");
  app.add_option("--train_fraction", split_options.train_fraction, "Share of galaxies in train")
      ->capture_default_str();
  app.add_option("--val_fraction", split_options.val_fraction, "Share of galaxies in val")
      ->capture_default_str();
  app.add_flag("--copy", copy, "Copy images instead of hard-linking them");
  app.add_flag("--replace", write_options.replace_existing,
               "Replace an existing, non-empty output folder");
  CLI11_PARSE(app, argc, argv);

  try {
    dataset_options.image_list = image_list;
    dataset_options.seed = split_options.seed;
    dataset_options.selection =
        random_selection ? galaxyzoo::Selection::random : galaxyzoo::Selection::first;
    write_options.placement =
        copy ? galaxyzoo::Placement::copy : galaxyzoo::Placement::link_or_copy;

    const auto dataset = galaxyzoo::Dataset::load(data_path, dataset_options);
    const auto& stats = dataset.stats();
    std::cout << "Read " << stats.rows << " galaxies: " << stats.unlabeled << " match no class, "
              << stats.missing_image << " labeled but without an image.\n\n"
              << dataset.class_table() << '\n';

    const auto plan = galaxyzoo::Splitter(split_options).split(dataset);
    std::cout << plan.table() << '\n';
    galaxyzoo::write_split(plan, output_dir, write_options);
    std::cout << "Wrote " << plan.entries.size() << " images and " << write_options.manifest_name
              << " to " << output_dir << '\n';
  } catch (const galaxyzoo::Error& e) {
    std::cerr << "create_dataset: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
