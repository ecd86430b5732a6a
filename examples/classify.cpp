// classify: class probabilities of galaxy images with a trained model, as CSV or FITS.
//
//   classify --model final_vgg16_model.pt --output predictions.csv \
//            preprocessed/test_class_*_proc.jpg
//   classify --model final_vgg16_model.pt --input_dir images_training_rev1 --crop 256 --tta
//   classify --model final_vgg16_model.pt --catalog galaxies.csv --id_column objid \
//            --input_dir images --image_pattern '{id}.jpg' --output classified.csv
//   classify --model final_vgg16_model.pt --catalog galaxies.fits --id_column objid \
//            --survey_image frame-r.fits --cutout_arcsec 40 --output classified.fits
#include <galaxyzoo/core/atomic_output.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/progress.hpp>
#include <galaxyzoo/core/text_table.hpp>
#include <galaxyzoo/data/catalog.hpp>
#include <galaxyzoo/images/preprocess.hpp>
#include <galaxyzoo/model/catalog_classifier.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/device.hpp>

#include <algorithm>
#include <iostream>

#include "program.hpp"
#include "programs.hpp"

namespace fs = std::filesystem;

namespace {

// The catalogue flags (--catalog and what goes with it).
struct CatalogFlags {
  std::string file;  // --catalog
  int hdu = -1;      // --catalog_hdu
  galaxyzoo::CatalogClassifyOptions options;
  galaxyzoo::GalaxyImageOptions images;
  std::vector<std::string> survey_images;
  std::string failures;  // --failures
};

// What to classify without a catalogue, and the folder entries left out.
struct Inputs {
  std::vector<fs::path> files;
  std::vector<std::string> missing;  // one line each: a folder entry and why
};

// The image @p files, then every image in @p folder.
Inputs gather_inputs(const std::vector<std::string>& files, const std::string& folder) {
  Inputs in;
  in.files.assign(files.begin(), files.end());
  if (folder.empty()) return in;
  std::vector<galaxyzoo::SkippedEntry> skipped;
  for (auto& f : galaxyzoo::list_images(folder, "", &skipped)) in.files.push_back(std::move(f));
  for (const auto& s : skipped) in.missing.push_back("'" + s.path.string() + "': " + s.reason);
  if (in.files.empty()) {
    throw galaxyzoo::Error("no readable image in '" + folder +
                           "': " + std::to_string(in.missing.size()) +
                           " unusable entries, the first " + in.missing.front());
  }
  return in;
}

// The table of classified files: file, GalaxyID (a numeric file stem), then the predictions.
galaxyzoo::Catalog files_table(const std::vector<fs::path>& files) {
  galaxyzoo::Catalog table;
  table.columns = {{"file", galaxyzoo::ColumnType::text, {}, {}, {}},
                   {"GalaxyID", galaxyzoo::ColumnType::text, {}, {}, {}}};
  for (const auto& f : files) {
    const std::string stem = f.stem().string();
    const bool numeric = !stem.empty() && std::all_of(stem.begin(), stem.end(), ::isdigit);
    table.columns[0].values.push_back(f.string());
    table.columns[1].values.push_back(numeric ? stem : "");
  }
  return table;
}

void print_counts(const galaxyzoo::GalaxyClassifier& classifier, std::size_t rows, bool tta,
                  const std::vector<std::size_t>& per_class, const std::string& output) {
  std::cout << "Classified " << rows << " images" << (tta ? " (8-fold test-time augmentation)" : "")
            << " -> " << output << '\n';
  for (std::size_t k = 0; k < per_class.size(); ++k)
    std::cout << "  " << k << " " << classifier.class_names()[k] << ": " << per_class[k] << '\n';
}

// Lists the rows not classified on standard error (the first 10 when they are also in a
// --failures file) and writes that file: the id column, the row (1-based) and the reason.
void report_failures(const CatalogFlags& flags,
                     const std::vector<galaxyzoo::RowFailure>& failures) {
  if (!flags.failures.empty()) {
    std::string csv = galaxyzoo::csv_field(flags.options.id_column) + ",row,reason\n";
    for (const auto& f : failures) {
      csv += galaxyzoo::csv_field(f.id) + ',' + std::to_string(f.row + 1) + ',' +
             galaxyzoo::csv_field(f.reason) + '\n';
    }
    galaxyzoo::write_file_atomically(flags.failures, csv);
  }
  if (failures.empty()) return;
  const std::size_t shown =
      flags.failures.empty() ? failures.size() : std::min<std::size_t>(10, failures.size());
  std::cerr << "classify: " << failures.size() << " catalogue rows were not classified:\n";
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& f = failures[i];
    std::cerr << "  " << flags.options.id_column << ' ' << f.id << " (" << f.where
              << "): " << f.reason << '\n';
  }
  if (shown < failures.size())
    std::cerr << "  ... and " << failures.size() - shown << " more, all in '" << flags.failures
              << "'\n";
}

int classify_catalog_rows(CatalogFlags& flags, const std::string& model, const std::string& device,
                          const std::string& output) {
  const auto catalog = galaxyzoo::read_catalog(flags.file, flags.hdu);
  for (const auto& s : flags.survey_images)
    flags.images.survey_images.push_back({s, flags.images.read.fits.hdu});
  const galaxyzoo::GalaxyImageSource source(flags.images);
  galaxyzoo::GalaxyClassifier classifier(model, device);
  flags.options.on_progress = galaxyzoo::ProgressMeter::callback("classified", "galaxies");
  const auto result = galaxyzoo::classify_catalog(classifier, catalog, source, flags.options);
  report_failures(flags, result.failures);
  if (result.table.rows() == 0 && catalog.rows() > 0) {
    throw galaxyzoo::Error("none of the " + std::to_string(catalog.rows()) +
                           " catalogue rows of '" + flags.file + "' has an image (" +
                           source.description() +
                           "); the first: " + result.failures.front().reason);
  }
  const std::string out = !output.empty()                                      ? output
                          : catalog.format == galaxyzoo::Catalog::Format::fits ? "predictions.fits"
                                                                               : "predictions.csv";
  galaxyzoo::write_catalog(out, result.table, galaxyzoo::is_fits_name(out));
  print_counts(classifier, result.table.rows(), flags.options.tta, result.per_class, out);
  if (result.failures.empty()) return galaxyzoo::examples::kExitOk;
  std::cerr << "classify: classified " << result.table.rows() << ", not classified "
            << result.failures.size() << " (exit status " << galaxyzoo::examples::kExitPartial
            << ")\n";
  return galaxyzoo::examples::kExitPartial;
}

int classify_files(const Inputs& in, const std::string& model, const std::string& device,
                   const galaxyzoo::ClassifyOptions& options, std::string output) {
  if (output.empty()) output = "predictions.csv";
  galaxyzoo::GalaxyClassifier classifier(model, device);
  const auto probabilities = classifier.classify_files(in.files, options);
  auto table = files_table(in.files);
  const auto per_class =
      galaxyzoo::add_prediction_columns(table, probabilities, classifier.class_names());
  galaxyzoo::write_catalog(output, table, galaxyzoo::is_fits_name(output));
  print_counts(classifier, in.files.size(), options.tta, per_class, output);
  if (in.missing.empty()) return galaxyzoo::examples::kExitOk;
  std::cerr << "classify: " << in.missing.size() << " folder entries could not be read:\n";
  for (const auto& line : in.missing) std::cerr << "  " << line << '\n';
  std::cerr << "classify: classified " << in.files.size() << ", missing " << in.missing.size()
            << " (exit status " << galaxyzoo::examples::kExitPartial << ")\n";
  return galaxyzoo::examples::kExitPartial;
}

// The catalogue flags, and their checks together with the other flags.
void add_catalog_flags(galaxyzoo::examples::Program& program, CatalogFlags& f, const int& crop,
                       const std::string& folder) {
  CLI::App& app = program.app();
  auto* catalog =
      app.add_option("--catalog", f.file,
                     "Catalogue to classify, CSV (a header line, any columns) or a FITS "
                     "binary table; the output keeps all its columns");
  program
      .add_integer("--catalog_hdu", f.hdu, {-1, 100000},
                   "FITS catalogue: the HDU of its table (0: primary; -1: the first table)")
      ->needs(catalog);
  // A text flag with its default shown, used only together with @p needs.
  const auto text = [&app](const std::string& name, std::string& value, const std::string& help,
                           CLI::Option* needs) {
    return app.add_option(name, value, help)->capture_default_str()->needs(needs);
  };
  text("--id_column", f.options.id_column, "Catalogue column of the ids (text, as written)",
       catalog);
  text("--image_pattern", f.images.pattern,
       "Image of a row, in --input_dir: {id} is its id, {band} each of --bands "
       "(e.g. {id}/{id}-{band}.fits)",
       catalog);
  app.add_option("--bands", f.images.bands,
                 "Three values of {band} for a FITS colour composite, in the order red,green,blue "
                 "(SDSS: i,r,g)")
      ->delimiter(',')
      ->expected(3)
      ->needs(catalog);
  auto* survey = app.add_option("--survey_image", f.survey_images,
                                "Survey FITS image with a WCS to cut rows from by their ra and dec "
                                "(repeatable: a row comes from the first that contains it)")
                     ->needs(catalog)
                     ->excludes("--image_pattern", "--bands");
  program
      .add_integer("--cutout_pixels", f.images.cutout.pixels,
                   galaxyzoo::examples::flag_ranges::kImageSide,
                   "Survey cutouts: the side in pixels")
      ->needs(survey);
  program
      .add_real("--cutout_arcsec", f.images.cutout.arcsec, {0, 36000},
                "Survey cutouts: the side in arcseconds (with the image's pixel scale)")
      ->needs(survey);
  text("--ra_column", f.options.ra_column, "Survey cutouts: right ascension column (degrees)",
       survey);
  text("--dec_column", f.options.dec_column, "Survey cutouts: declination column (degrees)",
       survey);
  app.add_option("--failures", f.failures,
                 "CSV of the catalogue rows not classified: id, row (from 1) and reason")
      ->needs(catalog);
  program.add_check([&f, &crop, &folder] {
    using galaxyzoo::examples::UsageError;
    if (f.file.empty()) return;
    if (f.survey_images.empty() && folder.empty())
      throw UsageError(
          "--catalog needs --input_dir (images by --image_pattern) or --survey_image (cutouts)");
    if (!f.survey_images.empty() && (f.images.cutout.pixels > 0) == (f.images.cutout.arcsec > 0))
      throw UsageError(
          "--survey_image needs the cutout side: --cutout_pixels or --cutout_arcsec (one of them)");
    if (crop > 0 && (!f.survey_images.empty() || !f.images.bands.empty()))
      throw UsageError(
          "--crop applies to single image files, not to --survey_image cutouts or --bands "
          "composites");
  });
}

}  // namespace

int galaxyzoo::examples::classify_main(int argc, char** argv) {
  galaxyzoo::examples::Program program("classify",
                                       "Classify galaxy images with a trained galaxyzoo model.");
  CLI::App& app = program.app();
  std::string model_file = "final_vgg16_model.pt", output, folder, device = "auto";
  std::vector<std::string> files;
  galaxyzoo::ClassifyOptions options;
  CatalogFlags catalog;
  app.add_option("--model", model_file, "Model written by train_model")->capture_default_str();
  app.add_option("--output", output,
                 "CSV to write, or a FITS table if it ends in .fits (default: predictions.csv; "
                 "predictions.fits for a FITS catalogue)");
  program.add_input_dir(folder,
                        "Classify every image in this folder (with --catalog: the folder of "
                        "--image_pattern)");
  add_catalog_flags(program, catalog, options.center_crop, folder);
  program.add_device(device);
  program.add_batch_size(options.batch_size);
  program.add_center_crop(options.center_crop);
  program.add_fits_options(options.read);
  app.add_flag("--tta", options.tta, "Average over the 8 flips and 90-degree rotations");
  app.add_option("files", files, "Image files");
  program.add_num_workers(options.num_workers, "Image decoding threads");
  program.add_threads();
  program.add_check([&] {
    if (files.empty() && folder.empty() && catalog.file.empty()) {
      throw galaxyzoo::examples::UsageError(
          "no images to classify: give files, --input_dir or --catalog");
    }
    if (!catalog.file.empty() && !files.empty())
      throw galaxyzoo::examples::UsageError("give image files or --catalog, not both");
  });
  return program.run(argc, argv, [&] {
    if (catalog.file.empty())
      return classify_files(gather_inputs(files, folder), model_file, device, options, output);
    catalog.images.folder = folder;
    catalog.images.read = options.read;  // FITS HDU, clipping, stretch, composites
    catalog.images.read.crop_width = catalog.images.read.crop_height = options.center_crop;
    catalog.options.batch_size = options.batch_size;
    catalog.options.tta = options.tta;
    catalog.options.num_workers = options.num_workers;
    return classify_catalog_rows(catalog, model_file, device, output);
  });
}
