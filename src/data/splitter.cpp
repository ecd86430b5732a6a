#include "galaxyzoo/data/splitter.hpp"

#include <cmath>
#include <numeric>
#include <ostream>
#include <utility>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/numpy_random.hpp"
#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/core/text_table.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

std::string file_name_of(Split split, const Galaxy& g) {
  std::string name(to_string(split));
  name += "_class_";
  name += std::to_string(g.label);
  name += '_';
  name += std::to_string(g.counter);
  name += ".jpg";
  return name;
}

// Moves the galaxies of @p order (indices into @p galaxies) into @p out, cut into train /
// val / test at floor(train_fraction n) and floor((train_fraction + val_fraction) n), as
// Python's int(0.8 * n) did in the original.
void cut(std::vector<Galaxy>& galaxies, const std::vector<std::size_t>& order,
         const SplitOptions& options, std::vector<SplitEntry>& out) {
  const double n = static_cast<double>(order.size());
  const auto train_end = static_cast<std::size_t>(std::floor(options.train_fraction * n));
  const auto val_end =
      static_cast<std::size_t>(std::floor((options.train_fraction + options.val_fraction) * n));
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Split split = i < train_end ? Split::train : i < val_end ? Split::val : Split::test;
    Galaxy& g = galaxies[order[i]];
    std::string name = file_name_of(split, g);
    out.push_back({std::move(g), split, std::move(name)});
  }
}

// The original's shuffle: the galaxies of class 0, then class 1, ... (each in catalogue
// order, as pandas.concat put the class tables), in the order numpy's permutation gives.
std::vector<std::size_t> numpy_order(const std::vector<Galaxy>& galaxies, std::size_t classes,
                                     std::uint64_t seed) {
  if (seed > 0xffffffffULL)
    throw Error("Splitter: the numpy shuffle takes a seed below 2^32, got " + std::to_string(seed));
  std::vector<std::size_t> by_class;
  by_class.reserve(galaxies.size());
  for (std::size_t k = 0; k < classes; ++k) {
    for (std::size_t i = 0; i < galaxies.size(); ++i) {
      if (static_cast<std::size_t>(galaxies[i].label) == k) by_class.push_back(i);
    }
  }
  std::vector<std::size_t> order;
  order.reserve(by_class.size());
  for (const auto i :
       NumpyRandomState(static_cast<std::uint32_t>(seed)).permutation(by_class.size()))
    order.push_back(by_class[i]);
  return order;
}

void place(const fs::path& source, const fs::path& target, Placement placement) {
  std::error_code ec;
  if (placement == Placement::link_or_copy) {
    fs::create_hard_link(source, target, ec);
    if (!ec) return;
  }
  ec.clear();
  fs::copy_file(source, target, ec);
  if (ec) throw IoError(source, "cannot copy to '" + target.string() + "': " + ec.message());
}

}  // namespace

std::string_view to_string(Split split) noexcept {
  switch (split) {
    case Split::train:
      return "train";
    case Split::val:
      return "val";
    case Split::test:
      return "test";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& out, Split split) { return out << to_string(split); }

std::string_view to_string(SplitRng rng) noexcept {
  return rng == SplitRng::numpy ? "numpy" : "galaxyzoo";
}

SplitRng parse_split_rng(std::string_view name) {
  if (name == "galaxyzoo") return SplitRng::galaxyzoo;
  if (name == "numpy") return SplitRng::numpy;
  throw Error("split rng '" + std::string(name) + "': expected galaxyzoo or numpy");
}

std::vector<std::array<std::size_t, 3>> SplitPlan::counts() const {
  std::vector<std::array<std::size_t, 3>> result(class_names.size(), {0, 0, 0});
  for (const auto& e : entries)
    ++result[static_cast<std::size_t>(e.galaxy.label)][static_cast<int>(e.split)];
  return result;
}

std::string SplitPlan::table() const {
  TextTable table({"Class", "Train", "Val", "Test"});
  std::array<std::size_t, 3> total{0, 0, 0};
  const auto per_class = counts();
  for (std::size_t k = 0; k < per_class.size(); ++k) {
    const auto& c = per_class[k];
    table.add_row({"class " + std::to_string(k), std::to_string(c[0]), std::to_string(c[1]),
                   std::to_string(c[2])});
    for (int s = 0; s < 3; ++s) total[s] += c[s];
  }
  table.add_row(
      {"TOTAL", std::to_string(total[0]), std::to_string(total[1]), std::to_string(total[2])});
  return table.render();
}

std::string SplitPlan::manifest_csv() const {
  std::string out = "GalaxyID,original_file,file,split,label\n";
  out.reserve(entries.size() * 80 + out.size());
  for (const auto& e : entries) {
    out += std::to_string(e.galaxy.id);
    out += ',';
    out += e.galaxy.image.string();
    out += ',';
    out += e.file_name;
    out += ',';
    out += to_string(e.split);
    out += ',';
    out += std::to_string(e.galaxy.label);
    out += '\n';
  }
  return out;
}

std::optional<SoftTargets> SplitPlan::soft_targets() const {
  if (entries.empty() || class_names.size() < 2) return std::nullopt;
  SoftTargets targets(class_names.size());
  for (const auto& e : entries) {
    if (e.galaxy.target.empty()) return std::nullopt;
    targets.add(soft_target_key(e.file_name), e.galaxy.target);
  }
  return targets;
}

Splitter::Splitter(SplitOptions options) : options_(options) {
  const bool valid = options_.train_fraction >= 0 && options_.train_fraction <= 1 &&
                     options_.val_fraction >= 0 && options_.val_fraction <= 1 &&
                     options_.train_fraction + options_.val_fraction <= 1 + 1e-12;
  if (!valid) {
    throw Error("Splitter: train_fraction (" + std::to_string(options_.train_fraction) +
                ") and val_fraction (" + std::to_string(options_.val_fraction) +
                ") must lie in [0, 1] and add up to at most 1");
  }
  if (options_.rng == SplitRng::numpy && options_.stratified)
    throw Error(
        "Splitter: the numpy shuffle reproduces the original's unstratified split; "
        "it cannot be combined with a stratified one");
}

SplitPlan Splitter::split(const Dataset& dataset) const {
  return split(dataset.galaxies(), dataset.class_names());
}

SplitPlan Splitter::split(Dataset&& dataset) const {
  std::vector<std::string> class_names = dataset.class_names();
  return split(std::move(dataset).galaxies(), std::move(class_names));
}

SplitPlan Splitter::split(std::vector<Galaxy> galaxies,
                          std::vector<std::string> class_names) const {
  for (const auto& g : galaxies) {
    if (g.label < 0 || static_cast<std::size_t>(g.label) >= class_names.size()) {
      throw Error("Splitter: galaxy " + std::to_string(g.id) + " has label " +
                  std::to_string(g.label) + ", expected 0 ... " +
                  std::to_string(class_names.size() - 1));
    }
  }
  SplitPlan plan;
  plan.class_names = std::move(class_names);
  plan.entries.reserve(galaxies.size());
  Rng rng(options_.seed);

  if (options_.rng == SplitRng::numpy) {
    cut(galaxies, numpy_order(galaxies, plan.class_names.size(), options_.seed), options_,
        plan.entries);
  } else if (!options_.stratified) {
    std::vector<std::size_t> order(galaxies.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    rng.shuffle(order);
    cut(galaxies, order, options_, plan.entries);
  } else {
    std::vector<std::vector<std::size_t>> by_class(plan.class_names.size());
    for (std::size_t i = 0; i < galaxies.size(); ++i) {
      by_class[static_cast<std::size_t>(galaxies[i].label)].push_back(i);
    }
    std::vector<SplitEntry> per_class;
    per_class.reserve(galaxies.size());
    for (auto& order : by_class) {
      rng.shuffle(order);
      cut(galaxies, order, options_, per_class);
    }
    // Keep the plan ordered train, val, test like the unstratified one.
    for (const Split s : {Split::train, Split::val, Split::test}) {
      for (auto& e : per_class) {
        if (e.split == s) plan.entries.push_back(std::move(e));
      }
    }
  }
  return plan;
}

void write_split(const SplitPlan& plan, const fs::path& output_dir,
                 const WriteSplitOptions& options) {
  // Check every source before creating anything, so a missing image costs no I/O.
  for (const auto& e : plan.entries) {
    std::error_code ec;
    if (!fs::is_regular_file(e.galaxy.image, ec)) {
      throw IoError(e.galaxy.image, "source image of galaxy " + std::to_string(e.galaxy.id) +
                                        " does not exist or is not a file");
    }
  }
  StagingDirectory staging(output_dir, options.replace_existing
                                           ? StagingDirectory::Existing::replace
                                           : StagingDirectory::Existing::fail);
  for (const auto& e : plan.entries)
    place(e.galaxy.image, staging.path() / e.file_name, options.placement);
  write_file_atomically(staging.path() / options.manifest_name, plan.manifest_csv());
  if (const auto targets = plan.soft_targets())
    write_soft_targets(*targets, staging.path() / options.soft_targets_name);
  staging.commit();
}

}  // namespace galaxyzoo
