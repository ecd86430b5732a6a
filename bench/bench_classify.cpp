// bench_classify: the two halves of classify timed apart, the network's forward pass and
// the decoding that feeds it, each printed as one JSON object; and a model file to time
// them with. bench/run_classify_bench.py runs it beside the classify program.
//
//   bench_classify --mode model   --image_size 256 --output model.pt
//   bench_classify --mode forward --model model.pt --batch_size 32 --repeats 3
//   bench_classify --mode decode  --model model.pt --catalog galaxies.csv --id_column objid \
//                  --input_dir images --image_pattern '{id}.jpg' --crop 256
//   bench_classify --mode decode  --model model.pt --catalog galaxies.csv \
//                  --survey_image survey.fits --cutout_pixels 256
//
// --mode model: writes a VGG16Classifier with random weights (seeded) and the workflow's
//   five class names, as train_model would write a trained one: classify reads it and
//   spends the same time on it.
// --mode forward: GalaxyClassifier::probabilities (what classify calls per batch) on
//   batches of normal random images at the model's input side, without decoding; --warmup
//   untimed batches, then --repeats timed ones; images/s is the batch over the median.
// --mode decode: the images of a catalogue's rows made as classify --catalog makes them
//   (galaxyzoo::GalaxyImageSource with the same options: --input_dir and --image_pattern
//   with --crop, or --survey_image cutouts of --cutout_pixels; the FITS display defaults;
//   rows in batches of --batch_size, each batch on --num_workers threads, then resized to
//   the model's side where they differ, as GalaxyClassifier::classify does), without the
//   network. One untimed pass (--warmup) fills the page cache first.
//
// --threads sets LibTorch's intra-op threads as classify's --threads does (0: one per
// hardware thread).
#include "bench_timing.hpp"

#include <CLI/CLI.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/parallel.hpp>
#include <galaxyzoo/data/catalog.hpp>
#include <galaxyzoo/images/galaxy_image_source.hpp>
#include <galaxyzoo/model/classifier.hpp>
#include <galaxyzoo/model/classifier_file.hpp>
#include <galaxyzoo/model/device.hpp>
#include <galaxyzoo/model/training_run.hpp>
#include <galaxyzoo/model/vgg16_classifier.hpp>

#include <torch/utils.h>
#include <torch/version.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using galaxyzoo::bench::Clock;
using galaxyzoo::bench::median;
using galaxyzoo::bench::seconds_since;

struct Settings {
  std::string model, output, catalog, id_column = "GalaxyID", input_dir, image_pattern = "{id}.jpg",
                                      survey_image, ra_column = "ra", dec_column = "dec";
  int image_size = 256, center_crop = 0, cutout_pixels = 0, num_workers = 0, warmup = 1,
      repeats = 3;
  std::size_t batch_size = 32;
  std::uint64_t seed = 1;
};

void write_model(const Settings& s, nlohmann::json& out) {
  torch::manual_seed(s.seed);
  galaxyzoo::VGG16Classifier model(galaxyzoo::VGG16ClassifierOptions(5).image_size(s.image_size));
  galaxyzoo::save_classifier(model, galaxyzoo::galaxy_class_names(5), s.output);
  out["output"] = s.output;
  out["image_size"] = s.image_size;
}

void time_forward(const Settings& s, nlohmann::json& out) {
  galaxyzoo::GalaxyClassifier classifier(s.model, "cpu");
  const int side = classifier.image_size();
  torch::manual_seed(s.seed);
  const torch::Tensor batch =
      torch::randn({static_cast<std::int64_t>(s.batch_size), 3, side, side});
  std::vector<double> samples;
  for (int i = 0; i < s.warmup + s.repeats; ++i) {
    const auto start = Clock::now();
    const torch::Tensor p = classifier.probabilities(batch);
    (void)p.sum().item<float>();
    if (i >= s.warmup) samples.push_back(seconds_since(start));
  }
  out["image_size"] = side;
  out["samples_s"] = samples;
  out["images_per_second"] = static_cast<double>(s.batch_size) / median(samples);
}

// The sky position of @p row, when the rows are cut from survey images.
std::optional<galaxyzoo::SkyPosition> position(const galaxyzoo::Catalog& catalog, std::size_t row,
                                               const Settings& s) {
  if (s.survey_image.empty()) return std::nullopt;
  return galaxyzoo::SkyPosition{catalog.number(row, catalog.column_index(s.ra_column)),
                                catalog.number(row, catalog.column_index(s.dec_column))};
}

// One pass over the catalogue's rows: the images classify_catalog would classify.
std::size_t make_images(const galaxyzoo::Catalog& catalog,
                        const galaxyzoo::GalaxyImageSource& source, int side, const Settings& s) {
  const std::size_t id = catalog.column_index(s.id_column), rows = catalog.rows();
  std::size_t made = 0;
  for (std::size_t start = 0; start < rows; start += s.batch_size) {
    const std::size_t n = std::min(s.batch_size, rows - start);
    std::vector<galaxyzoo::GalaxyImage> batch(n);
    galaxyzoo::parallel_for(n, s.num_workers, [&](std::size_t i) {
      batch[i] = source.image(catalog.text(start + i, id), position(catalog, start + i, s));
    });
    for (const auto& g : batch) {
      if (!g.ok()) throw galaxyzoo::Error("bench_classify: " + g.failure);
      const galaxyzoo::Image& img = g.image;
      if (img.width != side || img.height != side) (void)galaxyzoo::resize(img, side, side);
      ++made;
    }
  }
  return made;
}

void time_decode(const Settings& s, nlohmann::json& out) {
  const int side = galaxyzoo::load_classifier(s.model).model->options().image_size();
  const galaxyzoo::Catalog catalog = galaxyzoo::read_catalog(s.catalog);
  galaxyzoo::GalaxyImageOptions options;  // as classify --catalog sets it
  options.folder = s.input_dir;
  options.pattern = s.image_pattern;
  options.read.crop_width = options.read.crop_height = s.center_crop;
  if (!s.survey_image.empty()) {
    options.survey_images = {{s.survey_image, -1}};
    options.cutout.pixels = s.cutout_pixels;
  }
  const galaxyzoo::GalaxyImageSource source(options);
  std::vector<double> samples;
  std::size_t images = 0;
  for (int pass = 0; pass < s.warmup + s.repeats; ++pass) {
    const auto start = Clock::now();
    images = make_images(catalog, source, side, s);
    if (pass >= s.warmup) samples.push_back(seconds_since(start));
  }
  out["image_size"] = side;
  out["images_per_pass"] = images;
  out["num_workers"] = s.num_workers;
  out["source"] = source.description();
  out["samples_s"] = samples;
  out["images_per_second"] = static_cast<double>(images) / median(samples);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Time classify's network and its decoding apart; prints JSON."};
  Settings s;
  std::string mode = "forward";
  int threads = 0;
  app.add_option("--mode", mode, "model (write one), forward (the network) or decode (the loader)")
      ->check(CLI::IsMember({"model", "forward", "decode"}))
      ->capture_default_str();
  app.add_option("--model", s.model, "Model file (forward, decode)");
  app.add_option("--output", s.output, "Model file to write (model)");
  app.add_option("--image_size", s.image_size, "Input side of the written model (model)")
      ->check(CLI::Range(32, 1024))
      ->capture_default_str();
  app.add_option("--catalog", s.catalog, "Catalogue CSV or FITS table (decode)");
  app.add_option("--id_column", s.id_column, "Its id column")->capture_default_str();
  app.add_option("--input_dir", s.input_dir, "Folder of --image_pattern");
  app.add_option("--image_pattern", s.image_pattern, "A row's image file: {id} is its id")
      ->capture_default_str();
  app.add_option("--crop", s.center_crop, "Centred square cut first, as classify --crop")
      ->check(CLI::Range(0, 16384))
      ->capture_default_str();
  app.add_option("--survey_image", s.survey_image, "FITS image with a WCS: cut rows out of it");
  app.add_option("--cutout_pixels", s.cutout_pixels, "Side of the survey cutouts")
      ->check(CLI::Range(0, 16384))
      ->capture_default_str();
  app.add_option("--ra_column", s.ra_column, "Right ascension column")->capture_default_str();
  app.add_option("--dec_column", s.dec_column, "Declination column")->capture_default_str();
  app.add_option("--batch_size", s.batch_size, "Images per batch")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--num_workers", s.num_workers,
                 "Threads making images (decode; 0: one per hardware thread)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  app.add_option("--threads", threads, "LibTorch intra-op threads (0: one per hardware thread)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  app.add_option("--warmup", s.warmup, "Untimed batches (forward) or passes (decode) first")
      ->check(CLI::Range(0, 1000))
      ->capture_default_str();
  app.add_option("--repeats", s.repeats, "Timed batches (forward) or passes (decode)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--seed", s.seed, "Seed of the weights and of the random batch")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  const bool ok = mode == "model"     ? !s.output.empty()
                  : mode == "forward" ? !s.model.empty()
                                      : !s.model.empty() && !s.catalog.empty();
  if (!ok) {
    std::cerr << "bench_classify: --mode model needs --output, forward --model, decode --model "
                 "and --catalog\n";
    return 2;
  }
  try {
    galaxyzoo::set_cpu_threads(threads);
    nlohmann::json out;
    out["mode"] = mode;
    out["libtorch"] = TORCH_VERSION;
    out["threads"] = torch::get_num_threads();
    out["batch_size"] = s.batch_size;
    out["hardware_concurrency"] = std::thread::hardware_concurrency();
    if (mode == "model") write_model(s, out);
    if (mode == "forward") time_forward(s, out);
    if (mode == "decode") time_decode(s, out);
    std::cout << out.dump(2) << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_classify: " << e.what() << '\n';
    return 1;
  }
}
