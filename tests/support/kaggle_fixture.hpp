#pragma once
// Test support: small Kaggle-layout data folders in a temporary directory.
#include <galaxyzoo/data/vote_table.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace galaxyzoo::testing {

/// A fresh temporary folder, removed (with its contents) when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

/// Writes @p content to @p path (creating folders).
void write_text(const std::filesystem::path& path, const std::string& content);
/// Reads a whole file.
std::string read_text(const std::filesystem::path& path);

/// Writes a tiny valid JPEG at @p path.
void write_tiny_jpeg(const std::filesystem::path& path);

/// A preprocessed-layout folder of easy classes for training tests: @p classes flat
/// colours (dark, red, blue, ... with noise) of @p size x @p size, @p train train and
/// @p val val images each, as `{train,val}_class_K_N_proc.jpg` (PNG content).
void write_colour_classes(const std::filesystem::path& folder, int classes, int train, int val,
                          int size = 32, std::uint64_t seed = 8);

/// A Kaggle-layout folder at @p root: training_solutions_rev1.csv with one row per
/// entry of @p intended_classes (GalaxyIDs 100000, 100001, ...; votes simulated with
/// @p seed) and images_training_rev1/<id>.jpg for each, except the rows listed in
/// @p without_image. Returns the table that was written.
VoteTable make_kaggle_folder(const std::filesystem::path& root,
                             const std::vector<int>& intended_classes, std::uint64_t seed = 1,
                             const std::vector<std::size_t>& without_image = {});

/// A VoteTable whose single row has every fraction 0 except those in @p values
/// (column name -> value), with the 37 Kaggle columns.
VoteTable one_row_table(const std::vector<std::pair<std::string, double>>& values,
                        std::int64_t id = 1);

}  // namespace galaxyzoo::testing
