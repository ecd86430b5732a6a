// Writes the seed corpora of the fuzz targets from the project's own generated files:
//   make_fuzz_corpus OUTPUT_DIR
// makes OUTPUT_DIR/{vote_table,catalog,image,search_space,model_file,torch_archive,
// hyperparameters,command_line}/, each a few small, valid inputs (a rendered galaxy as JPEG,
// grey JPEG, PNG, 16-bit PNG and FITS; a vote table; a catalogue as CSV and as a FITS table;
// the search spaces; a sealed model file and its payload; parameter files; the example
// programs' command lines).
#include <torch/serialize/output-archive.h>
#include <torch/types.h>
#include <vips/vips8>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/core/sealed_file.hpp"
#include "galaxyzoo/core/zip_archive.hpp"
#include "galaxyzoo/data/catalog.hpp"
#include "galaxyzoo/data/vote_table.hpp"
#include "galaxyzoo/hpo/search_space.hpp"
#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/model/torch_save_file.hpp"
#include "galaxyzoo/synthetic/galaxy_renderer.hpp"
#include "galaxyzoo/synthetic/synthetic_galaxy.hpp"

namespace fs = std::filesystem;
namespace gz = galaxyzoo;

namespace {

void write_bytes(const fs::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void images(const fs::path& dir) {
  gz::Rng rng(3);
  const gz::Image rgb =
      gz::render_galaxy(gz::random_galaxy_model(gz::GalaxyKind::spiral, rng, 24), 7, 24);
  gz::write_jpeg(rgb, dir / "galaxy.jpg", 75);
  gz::write_png(rgb, dir / "galaxy.png");
  gz::Image grey(rgb.width, rgb.height, 1);
  for (std::size_t i = 0; i < grey.pixels.size(); ++i) grey.pixels[i] = rgb.pixels[3 * i + 1];
  gz::write_jpeg(grey, dir / "grey.jpg", 95);
  // Data of more than 8 bits: a 16-bit PNG and a float FITS cutout.
  const vips::VImage band =
      vips::VImage::new_from_file((dir / "grey.jpg").c_str()).cast(VIPS_FORMAT_USHORT) * 200;
  band.cast(VIPS_FORMAT_USHORT).write_to_file((dir / "grey16.png").c_str());
  (band.cast(VIPS_FORMAT_FLOAT) / 7.0).write_to_file((dir / "cutout.fits").c_str());
}

void vote_table(const fs::path& dir) {
  gz::VoteTable table;
  table.columns = gz::kaggle_vote_columns();
  table.galaxy_ids = {100008, 100023, 100053};
  table.fractions = gz::VoteTable::Matrix::Zero(3, static_cast<Eigen::Index>(table.columns.size()));
  for (Eigen::Index r = 0; r < 3; ++r) {
    table.fractions(r, 0) = 0.3 * static_cast<double>(r);
    table.fractions(r, 1) = 1 - 0.3 * static_cast<double>(r);
    table.fractions(r, 3) = 0.25;
  }
  gz::write_vote_table(dir / "training_solutions_rev1.csv", table);
}

// A catalogue of three typed columns (19-digit ids, coordinates with a unit, text with a
// comma and quotes), as CSV and as a FITS binary table.
void catalogs(const fs::path& dir) {
  gz::Catalog catalog;
  catalog.columns = {
      {"objid", gz::ColumnType::integer, {"587722981741363294", "587722981741363295"}, "1K", ""},
      {"ra", gz::ColumnType::real, {"150.1", "150.25"}, "1D", "deg"},
      {"notes", gz::ColumnType::text, {"edge-on, \"dusty\"", ""}, "", ""}};
  gz::write_catalog(dir / "catalog.csv", catalog, /*fits=*/false);
  gz::write_catalog(dir / "catalog.fits", catalog, /*fits=*/true);
}

void search_spaces(const fs::path& dir) {
  write_bytes(dir / "vgg16_default.json", gz::SearchSpace::vgg16_default().to_json());
  write_bytes(dir / "vgg16_from_scratch.json", gz::SearchSpace::vgg16_from_scratch().to_json());
  write_bytes(dir / "all_kinds.json", R"({"layer": {"type": "categorical", "choices": [17, 21, 24]},
 "lr": {"type": "float", "low": 1e-6, "high": 1e-2, "log": true},
 "dropout": {"type": "float", "low": 0.0, "high": 0.5, "step": 0.1},
 "units": {"type": "int", "low": 16, "high": 256, "step": 16},
 "optimizer": {"type": "categorical", "choices": ["adam", "sgd"]}})");
}

// Parameter files: the search's text and JSON, the original's Python dict.
void parameter_files(const fs::path& dir) {
  write_bytes(dir / "best_params.txt",
              "# Best trial\ntrial: 3\nvalue: 0.71\nlayer: 21\n"
              "lr_body: 1e-07\nlr_head: 0.0001\n");
  write_bytes(dir / "best_trial.json", R"({"number": 3, "value": 0.71, "params": )"
                                       R"({"layer": 21, "lr_body": 1e-07, "lr_head": 0.0001}})");
  write_bytes(dir / "original.txt",
              "{'trial_id': 3, 'value': 0.71, 'params': "
              "{'lr_body': 1e-07, 'lr_head': 0.0001, 'layer': '21'}}");
}

// A small archive with the classifier file's keys (weights of the wrong shape: a full
// VGG16 file is 60 MB): as a sealed file for fuzz_model_file, as the payload for
// fuzz_torch_archive.
void model_files(const fs::path& sealed_dir, const fs::path& payload_dir) {
  torch::serialize::OutputArchive archive;
  archive.write("format", c10::IValue(std::string("galaxyzoo.vgg16_classifier")));
  archive.write("format_version", c10::IValue(std::int64_t{1}));
  archive.write("num_classes", c10::IValue(std::int64_t{5}));
  archive.write("image_size", c10::IValue(std::int64_t{32}));
  archive.write("freeze_before", c10::IValue(std::int64_t{31}));
  archive.write("hidden1", c10::IValue(std::int64_t{8}));
  archive.write("hidden2", c10::IValue(std::int64_t{8}));
  archive.write("dropout1", c10::IValue(0.5));
  archive.write("dropout2", c10::IValue(0.5));
  archive.write("class_names", c10::IValue(c10::List<std::string>({"a", "b", "c", "d", "e"})));
  torch::serialize::OutputArchive weights;
  weights.write("head.0.weight", torch::zeros({8, 4}));
  archive.write("model", weights);
  std::ostringstream payload;
  archive.save_to(payload);
  write_bytes(payload_dir / "classifier_keys.bin", payload.str());
  gz::write_sealed_file(sealed_dir / "classifier_keys.pt", payload.str());
}

// galaxyzoo's model file as torch.save writes it (docs/python.md), small: the keys and
// galaxyzoo.json of a model, tensors of the wrong shapes, float and int64 storages. As a
// whole file for fuzz_model_file, and its pickle for fuzz_torch_save (whose storages are
// 16 bytes each, as the seed's two tensors are).
void torch_save_files(const fs::path& model_dir, const fs::path& pickle_dir) {
  gz::ZipWriter zip;
  gz::add_state_dict(zip, "archive",
                     {{"head.1.weight", torch::zeros({2, 2})},
                      {"head.2.num_batches_tracked", torch::zeros({2}, torch::kInt64)}});
  zip.add("archive/galaxyzoo.json",
          R"({"format": "galaxyzoo.vgg16_classifier", "format_version": 2, "num_classes": 2,)"
          R"( "class_names": ["a", "b"], "image_size": 32, "freeze_before": 31, "hidden1": 2,)"
          R"( "hidden2": 2, "dropout1": 0.5, "dropout2": 0.5})");
  write_bytes(model_dir / "classifier_v2.pt", zip.finish());
  const gz::ZipReader written(model_dir / "classifier_v2.pt");
  write_bytes(pickle_dir / "classifier_v2.pkl", std::string(written.record("archive/data.pkl")));
}

}  // namespace

// Command lines of the example programs, arguments separated by NUL bytes: valid ones and
// the issue's refused ones.
void command_lines(const fs::path& dir) {
  const std::vector<std::vector<std::string>> lines = {
      {"augment_data", "--num", "15", "--zoom", "0.1", "--shift", "0.05", "--quality", "90"},
      {"augment_data", "--num", "-3", "--output_dir", "o"},
      {"classify", "--batch_size", "8", "--crop", "256", "--tta", "a.jpg", "b.jpg"},
      {"create_dataset", "--max_img", "-1", "5", "5", "5", "5"},
      {"create_dataset", "--split_rng", "numpy", "--stratified", "--train_fraction", "0.7"},
      {"eval_model", "--resamples", "-1", "--confidence", "0.9", "--batch_size", "16"},
      {"make_test_dataset", "--per_class", "10", "--image_size", "64", "--seed", "1"},
      {"preprocess_resize", "--shard", "1/4", "--resize", "128", "--crop_then_resize", "64"},
      {"run_workflow", "--num_class_2", "-1", "--max_img", "1", "2", "3", "4", "5"},
      {"run_workflow", "--maxwalltime", "1e30", "--hpo_epochs=2", "--split_rng", "numpy"},
      {"train_model", "--batch_size", "-1", "--jitter", "0", "1.2", "0.2", "1.8"},
      {"train_model", "--image_size", "64", "--num_workers", "-1", "--threads", "2"},
      {"vgg16_hpo", "--epochs", "0", "--heartbeat", "5", "--grace", "1", "--version"},
  };
  int n = 0;
  for (const auto& line : lines) {
    std::string bytes;
    for (const auto& arg : line) bytes += (bytes.empty() ? "" : std::string(1, '\0')) + arg;
    write_bytes(dir / ("args-" + std::to_string(n++)), bytes);
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_fuzz_corpus OUTPUT_DIR\n";
    return 2;
  }
  if (VIPS_INIT(argv[0]) != 0) return 1;
  try {
    const fs::path out = argv[1];
    for (const char* target : {"vote_table", "catalog", "image", "search_space", "model_file",
                               "torch_archive", "torch_save", "hyperparameters", "command_line"}) {
      fs::create_directories(out / target);
    }
    images(out / "image");
    vote_table(out / "vote_table");
    catalogs(out / "catalog");
    search_spaces(out / "search_space");
    parameter_files(out / "hyperparameters");
    model_files(out / "model_file", out / "torch_archive");
    torch_save_files(out / "model_file", out / "torch_save");
    command_lines(out / "command_line");
  } catch (const std::exception& e) {
    std::cerr << "make_fuzz_corpus: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
