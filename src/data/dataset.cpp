#include "galaxyzoo/data/dataset.hpp"

#include <algorithm>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/core/text_table.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

fs::path under(const fs::path& root, const fs::path& p) { return p.is_absolute() ? p : root / p; }

}  // namespace

Dataset Dataset::load(const fs::path& data_path, const DatasetOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(data_path, ec)) throw IoError(data_path, "data folder does not exist");
  // Check the rules before reading 60,000 rows, and the images before the catalogue is
  // trusted: every failure happens before the caller writes anything.
  const Labeler labeler(options.rules);
  const fs::path image_dir = under(data_path, options.image_dir);
  const ImageIndex images =
      options.image_list.empty()
          ? ImageIndex::scan(image_dir)
          : ImageIndex::from_list(under(data_path, options.image_list), image_dir);
  // Only the columns the rules read (and the 37 answers) must be vote fractions.
  std::vector<std::string> rule_columns;
  for (const auto& rule : options.rules) {
    for (const auto& t : rule.all_of) rule_columns.push_back(t.column);
    if (!rule.share_column.empty()) rule_columns.push_back(rule.share_column);
  }
  const VoteTable table = read_vote_table(under(data_path, options.catalog), rule_columns);
  return select(table, images, options);
}

Dataset Dataset::select(const VoteTable& table, const ImageIndex& images,
                        const DatasetOptions& options) {
  const Labeler labeler(options.rules);
  const std::size_t num_classes = labeler.num_classes();
  if (!options.max_per_class.empty() && options.max_per_class.size() != num_classes) {
    throw Error("max_per_class has " + std::to_string(options.max_per_class.size()) +
                " numbers, expected one per class (" + std::to_string(num_classes) + ")");
  }
  const std::vector<int> labels = labeler.label(table);
  const std::vector<std::vector<double>> targets =
      labeler.has_shares() ? labeler.soft_targets(table) : std::vector<std::vector<double>>{};

  Dataset dataset;
  dataset.class_names_ = labeler.class_names();
  DatasetStats& stats = dataset.stats_;
  stats.rows = table.rows();
  stats.warnings = table.warnings;
  stats.available.assign(num_classes, 0);
  stats.selected.assign(num_classes, 0);

  // Rows of each class that have an image, in catalogue order.
  std::vector<std::vector<std::size_t>> candidates(num_classes);
  for (std::size_t r = 0; r < labels.size(); ++r) {
    if (labels[r] < 0) {
      ++stats.unlabeled;
    } else if (!images.contains(table.galaxy_ids[r])) {
      ++stats.missing_image;
    } else {
      candidates[static_cast<std::size_t>(labels[r])].push_back(r);
    }
  }

  // Apply the caps: which candidates of each class are kept.
  std::vector<bool> kept(table.rows(), false);
  std::size_t num_kept = 0;
  Rng rng(options.seed);
  for (std::size_t k = 0; k < num_classes; ++k) {
    const auto& rows = candidates[k];
    stats.available[k] = rows.size();
    const std::size_t cap = options.max_per_class.empty() ? rows.size() : options.max_per_class[k];
    num_kept += std::min(cap, rows.size());
    if (cap >= rows.size() || options.selection == Selection::first) {
      for (std::size_t i = 0; i < std::min(cap, rows.size()); ++i) kept[rows[i]] = true;
    } else {
      for (const std::size_t i : rng.sample(rows.size(), cap)) kept[rows[i]] = true;
    }
  }

  // Number the kept galaxies of each class in catalogue order.
  dataset.galaxies_.reserve(num_kept);
  for (std::size_t r = 0; r < table.rows(); ++r) {
    if (!kept[r]) continue;
    const auto k = static_cast<std::size_t>(labels[r]);
    Galaxy g;
    g.id = table.galaxy_ids[r];
    g.label = labels[r];
    g.counter = stats.selected[k]++;
    g.row = r;
    g.image = images.path(g.id);
    if (!targets.empty()) g.target = targets[r];
    dataset.galaxies_.push_back(std::move(g));
  }
  return dataset;
}

std::string Dataset::class_table() const {
  TextTable table({"Class", "Number", "Names of Files"});
  std::size_t total = 0;
  for (std::size_t k = 0; k < num_classes(); ++k) {
    const std::size_t n = stats_.selected[k];
    const std::string prefix = "class_" + std::to_string(k) + "_";
    const std::string names =
        n == 0 ? "-" : prefix + "0.jpg to " + prefix + std::to_string(n - 1) + ".jpg";
    table.add_row({"class " + std::to_string(k), std::to_string(n), names});
    total += n;
  }
  table.add_row({"TOTAL", std::to_string(total), ""});
  return table.render();
}

}  // namespace galaxyzoo
