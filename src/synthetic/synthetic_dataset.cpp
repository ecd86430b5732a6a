#include "galaxyzoo/synthetic/synthetic_dataset.hpp"

#include <string>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/parallel.hpp"
#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/synthetic/galaxy_renderer.hpp"

namespace galaxyzoo {
namespace {

constexpr std::int64_t kFirstId = 100000;  // Kaggle's GalaxyIDs have six digits
constexpr std::int64_t kIdRange = 900000;

// Independent streams for one galaxy's model, noise and votes.
std::uint64_t stream(std::uint64_t seed, std::uint64_t which) {
  std::uint64_t state = seed ^ (which * 0xd1b54a32d192ed03ULL);
  return splitmix64(state);
}

}  // namespace

SyntheticDataset::SyntheticDataset(SyntheticDatasetOptions options) : options_(std::move(options)) {
  if (options_.per_class < 0 || options_.unlabeled < 0) {
    throw Error("SyntheticDataset: per_class and unlabeled must not be negative");
  }
  const auto total = static_cast<std::size_t>(5 * options_.per_class + options_.unlabeled);
  if (total == 0)
    throw Error("SyntheticDataset: per_class and unlabeled are both 0: nothing to make");
  if (total > static_cast<std::size_t>(kIdRange))
    throw Error("SyntheticDataset: at most 900000 galaxies");
  if (options_.image_size < 16) throw Error("SyntheticDataset: image_size must be at least 16");
  if (options_.jpeg_quality < 1 || options_.jpeg_quality > 100)
    throw Error("SyntheticDataset: jpeg_quality must be 1-100");

  Rng rng(options_.seed);
  std::vector<GalaxyKind> kinds;
  for (int k = 0; k <= static_cast<int>(GalaxyKind::spiral); ++k) {
    kinds.insert(kinds.end(), static_cast<std::size_t>(options_.per_class),
                 static_cast<GalaxyKind>(k));
  }
  for (int i = 0; i < options_.unlabeled; ++i) {
    kinds.push_back(static_cast<GalaxyKind>(static_cast<int>(GalaxyKind::artifact) + i % 3));
  }
  rng.shuffle(kinds);
  const auto ids = rng.sample(static_cast<std::size_t>(kIdRange), total);  // sorted
  galaxies_.resize(total);
  for (std::size_t i = 0; i < total; ++i) {
    galaxies_[i].id = kFirstId + static_cast<std::int64_t>(ids[i]);
    galaxies_[i].kind = kinds[i];
    galaxies_[i].seed = stream(options_.seed, i + 1);
  }
}

GalaxyModel SyntheticDataset::model(std::size_t i) const {
  Rng rng(stream(galaxies_.at(i).seed, 1));
  return random_galaxy_model(galaxies_[i].kind, rng, options_.image_size);
}

Image SyntheticDataset::render(std::size_t i) const {
  return render_galaxy(model(i), stream(galaxies_.at(i).seed, 2), options_.image_size);
}

VoteTable SyntheticDataset::votes() const {
  VoteTable table;
  table.columns = kaggle_vote_columns();
  table.fractions.resize(static_cast<Eigen::Index>(galaxies_.size()),
                         static_cast<Eigen::Index>(table.columns.size()));
  for (std::size_t i = 0; i < galaxies_.size(); ++i) {
    VoteSimulator crowd(stream(galaxies_[i].seed, 3), options_.votes);
    table.galaxy_ids.push_back(galaxies_[i].id);
    table.fractions.row(static_cast<Eigen::Index>(i)) = crowd.votes(galaxies_[i].kind);
  }
  return table;
}

Image SyntheticDataset::contact_sheet(int per_row, int cell) const {
  if (per_row <= 0 || cell <= 0) throw Error("contact_sheet: per_row and cell must be positive");
  Image sheet(per_row * cell, kNumGalaxyKinds * cell, 3);
  std::vector<int> filled(kNumGalaxyKinds, 0);
  for (std::size_t i = 0; i < galaxies_.size(); ++i) {
    const auto row = static_cast<int>(galaxies_[i].kind);
    if (filled[row] == per_row) continue;
    const Image thumb = resize(render(i), cell, cell);
    const int x0 = filled[row]++ * cell;
    for (int y = 0; y < cell; ++y) {
      for (int x = 0; x < cell; ++x) {
        for (int c = 0; c < 3; ++c) sheet.at(x0 + x, row * cell + y, c) = thumb.at(x, y, c);
      }
    }
  }
  return sheet;
}

void SyntheticDataset::write(const std::filesystem::path& root) const {
  StagingDirectory staging(root, options_.replace_existing ? StagingDirectory::Existing::replace
                                                           : StagingDirectory::Existing::fail);
  const std::filesystem::path image_dir = staging.path() / "images_training_rev1";
  std::filesystem::create_directories(image_dir);

  parallel_for(
      galaxies_.size(), options_.num_threads,
      [&](std::size_t i) {
        write_jpeg(render(i), image_dir / (std::to_string(galaxies_[i].id) + ".jpg"),
                   options_.jpeg_quality);
      },
      options_.on_progress);

  write_vote_table(staging.path() / "training_solutions_rev1.csv", votes());
  std::string truth = "GalaxyID,kind,intended_class\n";
  for (const auto& g : galaxies_) {
    truth += std::to_string(g.id) + "," + std::string(to_string(g.kind)) + "," +
             std::to_string(intended_class(g.kind)) + "\n";
  }
  write_file_atomically(staging.path() / "synthetic_truth.csv", truth);
  staging.commit();
}

}  // namespace galaxyzoo
