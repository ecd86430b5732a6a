// bench_dataset: times "label + select + split + manifest" of a Kaggle-layout vote table,
// the workflow's "create clean dataset" step without the image copies.
//
//   bench_dataset --generate votes.csv --rows 61578 --seed 1
//   bench_dataset --csv votes.csv --repeats 7 --output_dir /tmp/bench-out
//
// The second form prints one JSON object: the median seconds of each phase over the timed
// repeats (and every sample), and the class and split counts, which the pandas twin
// (bench_dataset_pandas.py) must reproduce. bench/run_dataset_bench.py runs both.
//
// Timed phases, each repeat:
//   read          read_vote_table(csv): read the file, parse and check 61,578 x 38 fields
//   label_select  Dataset::select(table, ImageIndex::assume_all(...), defaults): the five
//                 rules, the per-class counters and the image paths
//   split         Splitter({seed 10, not stratified}).split(std::move(dataset)): shuffle, cut,
//   names manifest      SplitPlan::manifest_csv() written with write_file_atomically
//                 (temporary file, fsync, rename) to OUTPUT_DIR/manifest.csv
// Process start-up is not timed; --warmup repeats run first and are not timed either.
#include "bench_timing.hpp"

#include <CLI/CLI.hpp>
#include <galaxyzoo/core/atomic_output.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/random.hpp>
#include <galaxyzoo/data/dataset.hpp>
#include <galaxyzoo/data/image_index.hpp>
#include <galaxyzoo/data/splitter.hpp>
#include <galaxyzoo/data/vote_table.hpp>
#include <galaxyzoo/synthetic/vote_simulator.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

using galaxyzoo::bench::Clock;
using galaxyzoo::bench::median;
using galaxyzoo::bench::seconds_since;

// Intended classes in roughly the proportions of the Kaggle data under the five rules:
// 53 % no class, then classes 0 ... 4.
constexpr std::array<double, 6> kClassShare = {0.53, 0.14, 0.13, 0.01, 0.06, 0.13};

int draw_class(galaxyzoo::Rng& rng) {
  double u = rng.uniform();
  for (std::size_t k = 0; k < kClassShare.size(); ++k) {
    if (u < kClassShare[k]) return static_cast<int>(k) - 1;  // k = 0 is kNoClass (-1)
    u -= kClassShare[k];
  }
  return 4;
}

int generate(const std::string& csv, std::size_t rows, std::uint64_t seed) {
  galaxyzoo::Rng rng(seed);
  std::vector<std::int64_t> ids(rows);
  std::vector<int> classes(rows);
  // Increasing six-digit IDs with gaps, like Kaggle's 100008, 100023, 100053, ...
  std::int64_t id = 100008;
  for (std::size_t r = 0; r < rows; ++r) {
    ids[r] = id;
    id += 1 + static_cast<std::int64_t>(rng.below(28));
    classes[r] = draw_class(rng);
  }
  galaxyzoo::VoteSimulator simulator(seed ^ 0x9E3779B97F4A7C15ULL);
  galaxyzoo::write_vote_table(csv, simulator.table(ids, classes));
  std::cerr << "bench_dataset: wrote " << rows << " rows to " << csv << '\n';
  return 0;
}

struct Phases {
  double read = 0, label_select = 0, split = 0, manifest = 0, total = 0;
};

std::string json_list(const std::vector<double>& v) {
  std::ostringstream out;
  out.precision(9);
  out << '[';
  for (std::size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
  return out.str() + ']';
}

template <typename T>
std::string json_counts(const std::vector<T>& v) {
  std::ostringstream out;
  out << '[';
  for (std::size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << v[i];
  return out.str() + ']';
}

int bench(const std::string& csv, int repeats, int warmup, const std::string& output_dir) {
  const fs::path manifest = fs::path(output_dir) / "manifest.csv";
  const auto images = galaxyzoo::ImageIndex::assume_all("images_training_rev1");
  const galaxyzoo::DatasetOptions dataset_options;  // default rules, no caps
  galaxyzoo::SplitOptions split_options;
  split_options.seed = 10;
  split_options.stratified = false;

  std::vector<Phases> samples;
  std::size_t rows = 0, unlabeled = 0;
  std::vector<std::size_t> classes;
  std::array<std::size_t, 3> splits{0, 0, 0};
  std::size_t manifest_bytes = 0;

  for (int i = 0; i < warmup + repeats; ++i) {
    Phases p;
    const auto t0 = Clock::now();
    auto t = t0;
    const galaxyzoo::VoteTable table = galaxyzoo::read_vote_table(csv);
    p.read = seconds_since(t);

    t = Clock::now();
    galaxyzoo::Dataset dataset = galaxyzoo::Dataset::select(table, images, dataset_options);
    p.label_select = seconds_since(t);
    const galaxyzoo::DatasetStats stats = dataset.stats();

    t = Clock::now();
    // The dataset is not needed afterwards: its galaxies move into the plan.
    const galaxyzoo::SplitPlan plan = galaxyzoo::Splitter(split_options).split(std::move(dataset));
    p.split = seconds_since(t);

    t = Clock::now();
    const std::string text = plan.manifest_csv();
    galaxyzoo::write_file_atomically(manifest, text);
    p.manifest = seconds_since(t);
    p.total = seconds_since(t0);

    if (i >= warmup) samples.push_back(p);
    rows = stats.rows;
    unlabeled = stats.unlabeled;
    classes = stats.selected;
    splits = {0, 0, 0};
    for (const auto& e : plan.entries) ++splits[static_cast<std::size_t>(e.split)];
    manifest_bytes = text.size();
  }

  auto column = [&samples](double Phases::*field) {
    std::vector<double> v;
    for (const auto& p : samples) v.push_back(p.*field);
    return v;
  };
  const std::array<std::pair<const char*, double Phases::*>, 5> fields = {{
      {"read", &Phases::read},
      {"label_select", &Phases::label_select},
      {"split", &Phases::split},
      {"manifest", &Phases::manifest},
      {"total", &Phases::total},
  }};

  std::ostringstream out;
  out.precision(9);
  out << "{\n  \"impl\": \"galaxyzoo\",\n  \"csv\": \"" << csv << "\",\n  \"rows\": " << rows
      << ",\n  \"repeats\": " << repeats << ",\n  \"warmup\": " << warmup << ",\n  \"median_s\": {";
  for (std::size_t f = 0; f < fields.size(); ++f) {
    out << (f ? ", " : "") << '"' << fields[f].first << "\": " << median(column(fields[f].second));
  }
  out << "},\n  \"samples_s\": {";
  for (std::size_t f = 0; f < fields.size(); ++f) {
    out << (f ? ",\n    " : "\n    ") << '"' << fields[f].first
        << "\": " << json_list(column(fields[f].second));
  }
  out << "\n  },\n  \"unlabeled\": " << unlabeled << ",\n  \"classes\": " << json_counts(classes)
      << ",\n  \"splits\": {\"train\": " << splits[0] << ", \"val\": " << splits[1]
      << ", \"test\": " << splits[2] << "},\n  \"manifest\": \"" << manifest.string()
      << "\",\n  \"manifest_bytes\": " << manifest_bytes << "\n}\n";
  std::cout << out.str();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Benchmark of labeling + splitting a Galaxy Zoo vote table (galaxyzoo side)."};
  std::string generate_path, csv, output_dir;
  std::size_t rows = 61578;
  std::uint64_t seed = 1;
  int repeats = 7;
  int warmup = 1;

  auto* gen =
      app.add_option("--generate", generate_path, "Write a synthetic Kaggle-layout vote CSV here");
  app.add_option("--rows", rows, "Rows to generate")->capture_default_str();
  app.add_option("--seed", seed, "Seed of the generated table")->capture_default_str();
  auto* in = app.add_option("--csv", csv, "Vote CSV to benchmark on")->excludes(gen);
  app.add_option("--repeats", repeats, "Timed repeats")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--warmup", warmup, "Untimed repeats before the timed ones")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  app.add_option("--output_dir", output_dir, "Folder for manifest.csv (benchmark mode)")->needs(in);
  CLI11_PARSE(app, argc, argv);

  try {
    if (!generate_path.empty()) return generate(generate_path, rows, seed);
    if (csv.empty() || output_dir.empty()) {
      std::cerr << "bench_dataset: give --generate FILE, or --csv FILE --output_dir DIR\n"
                << app.help();
      return 2;
    }
    return bench(csv, repeats, warmup, output_dir);
  } catch (const galaxyzoo::Error& e) {
    std::cerr << "bench_dataset: error: " << e.what() << '\n';
    return 1;
  }
}
