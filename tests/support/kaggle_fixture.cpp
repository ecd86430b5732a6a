#include "kaggle_fixture.hpp"

#include <galaxyzoo/core/random.hpp>
#include <galaxyzoo/images/image.hpp>
#include <galaxyzoo/synthetic/vote_simulator.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vips/vips8>

namespace fs = std::filesystem;

namespace galaxyzoo::testing {

TempDir::TempDir() {
  static std::uint64_t counter = 0;
  Rng rng(std::random_device{}() ^ (++counter << 40));
  path_ = fs::temp_directory_path() / ("galaxyzoo-test-" + std::to_string(rng.next()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  // Restore write permission first in case a test removed it.
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

void write_text(const fs::path& path, const std::string& content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_tiny_jpeg(const fs::path& path) {
  static const bool initialised = VIPS_INIT("galaxyzoo-tests") == 0;
  if (!initialised) throw std::runtime_error("cannot initialise libvips");
  vips::VImage::black(4, 4, vips::VImage::option()->set("bands", 3)).jpegsave(path.c_str());
}

void write_colour_classes(const fs::path& folder, int classes, int train, int val, int size,
                          std::uint64_t seed) {
  fs::create_directories(folder);
  Rng rng(seed);
  for (int k = 0; k < classes; ++k) {
    const int base[3] = {k % 3 == 1 ? 200 : 30 + 10 * k, k % 3 == 0 ? 30 : 70,
                         k % 3 == 2 ? 210 : 40};
    for (int i = 0; i < train + val; ++i) {
      Image img(size, size, 3);
      for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
          for (int c = 0; c < 3; ++c) {
            img.at(x, y, c) = static_cast<std::uint8_t>(
                std::clamp(base[c] + static_cast<int>(rng.below(40)) - 20, 0, 255));
          }
        }
      }
      const std::string split = i < train ? "train" : "val";
      write_png(img, folder / (split + "_class_" + std::to_string(k) + "_" + std::to_string(i) +
                               "_proc.jpg"));
    }
  }
}

VoteTable make_kaggle_folder(const fs::path& root, const std::vector<int>& intended_classes,
                             std::uint64_t seed, const std::vector<std::size_t>& without_image) {
  std::vector<std::int64_t> ids(intended_classes.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = 100000 + static_cast<std::int64_t>(i);
  VoteSimulator simulator(seed);
  const VoteTable table = simulator.table(ids, intended_classes);
  write_vote_table(root / "training_solutions_rev1.csv", table);
  fs::create_directories(root / "images_training_rev1");
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (std::find(without_image.begin(), without_image.end(), i) != without_image.end()) continue;
    write_tiny_jpeg(root / "images_training_rev1" / (std::to_string(ids[i]) + ".jpg"));
  }
  return read_vote_table(root / "training_solutions_rev1.csv");
}

VoteTable one_row_table(const std::vector<std::pair<std::string, double>>& values,
                        std::int64_t id) {
  VoteTable table;
  table.galaxy_ids = {id};
  table.columns = kaggle_vote_columns();
  table.fractions = VoteTable::Matrix::Zero(1, static_cast<Eigen::Index>(table.columns.size()));
  for (const auto& [name, value] : values) table.fractions(0, table.column_index(name)) = value;
  return table;
}

}  // namespace galaxyzoo::testing
