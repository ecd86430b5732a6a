#include "galaxyzoo/data/soft_targets.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <utility>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/text_file.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

constexpr double kSumTolerance = 1e-4;

// Why @p target is not a distribution over @p num_classes classes (empty: it is one).
std::string distribution_problem(const std::vector<double>& target, std::size_t num_classes) {
  if (target.size() != num_classes) {
    return std::to_string(target.size()) + " values, expected " + std::to_string(num_classes);
  }
  double sum = 0;
  for (const double v : target) {
    if (!(v >= 0 && v <= 1)) return "value " + std::to_string(v) + " outside [0, 1]";
    sum += v;
  }
  if (std::abs(sum - 1) > kSumTolerance)
    return "values add up to " + std::to_string(sum) + ", expected 1";
  return "";
}

}  // namespace

std::string soft_target_key(const fs::path& image) {
  std::string stem = image.stem().string();
  constexpr std::string_view kProc = "_proc";
  if (stem.size() > kProc.size() &&
      stem.compare(stem.size() - kProc.size(), kProc.size(), kProc.data(), kProc.size()) == 0) {
    stem.resize(stem.size() - kProc.size());
  }
  return stem;
}

SoftTargets::SoftTargets(std::size_t num_classes) : num_classes_(num_classes) {
  if (num_classes < 2) throw Error("SoftTargets: at least 2 classes are needed");
}

void SoftTargets::add(const std::string& key, std::vector<double> target) {
  if (const std::string problem = distribution_problem(target, num_classes_); !problem.empty())
    throw Error("soft target of '" + key + "': " + problem);
  const auto [it, inserted] = targets_.emplace(key, target);
  if (!inserted && it->second != target)
    throw Error("soft target of '" + key + "' given twice, with different values");
}

void SoftTargets::merge(const SoftTargets& other) {
  if (other.num_classes_ != num_classes_) {
    throw Error("soft targets of '" + other.source_.string() + "' have " +
                std::to_string(other.num_classes_) + " classes, expected " +
                std::to_string(num_classes_));
  }
  for (const auto& [key, target] : other.targets_) add(key, target);
}

const std::vector<double>* SoftTargets::find(const std::string& key) const {
  const auto it = targets_.find(key);
  return it == targets_.end() ? nullptr : &it->second;
}

const std::vector<double>& SoftTargets::of(const fs::path& image) const {
  const std::string key = soft_target_key(image);
  if (const auto* target = find(key)) return *target;
  throw InputError(image, 0, key,
                   "no soft target for this image (key '" + key + "')" +
                       (source_.empty() ? std::string() : " in '" + source_.string() + "'"));
}

std::string SoftTargets::csv() const {
  std::string out = "file";
  for (std::size_t k = 0; k < num_classes_; ++k) out += ",target_" + std::to_string(k);
  out += '\n';
  char number[32];
  for (const auto& [key, target] : targets_) {
    out += key;
    for (const double v : target) {
      const auto result = std::to_chars(number, number + sizeof number, v);
      out += ',';
      out.append(number, result.ptr);
    }
    out += '\n';
  }
  return out;
}

namespace {

// The number of classes the header line of @p file names (file,target_0,...).
std::size_t read_header(const fs::path& file, std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const auto header = split_csv_fields(line);
  for (std::size_t k = 0; k < header.size(); ++k) {
    const std::string expected = k == 0 ? "file" : "target_" + std::to_string(k - 1);
    if (header[k] != expected)
      throw InputError(file, 1, header[k], "unexpected column; expected '" + expected + "'");
  }
  if (header.size() < 3) throw InputError(file, 1, "", "expected at least two target columns");
  return header.size() - 1;
}

// The key and target of line @p number of @p file.
std::pair<std::string, std::vector<double>> read_row(const fs::path& file, std::size_t number,
                                                     const std::string& line,
                                                     std::size_t num_classes) {
  const auto fields = split_csv_fields(line);
  if (fields.size() != num_classes + 1) {
    throw InputError(
        file, number, "",
        std::to_string(fields.size()) + " fields, expected " + std::to_string(num_classes + 1));
  }
  std::vector<double> target;
  for (std::size_t k = 1; k < fields.size(); ++k) {
    double v = 0;
    const auto& f = fields[k];
    const auto [end, error] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (error != std::errc() || end != f.data() + f.size())
      throw InputError(file, number, "target_" + std::to_string(k - 1),
                       "'" + f + "' is not a number");
    target.push_back(v);
  }
  if (const auto problem = distribution_problem(target, num_classes); !problem.empty())
    throw InputError(file, number, "", "not a distribution: " + problem);
  return {fields[0], std::move(target)};
}

}  // namespace

SoftTargets read_soft_targets(const fs::path& file) {
  std::istringstream in(read_text_file(file, "soft-target file"));
  std::string line;
  if (!std::getline(in, line))
    throw InputError(file, 1, "", "empty file; expected a header file,target_0,...");
  SoftTargets targets(read_header(file, line));
  targets.set_source(file);
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto [key, target] = read_row(file, number, line, targets.num_classes());
    if (targets.find(key) != nullptr)
      throw InputError(file, number, "file", "'" + key + "' appears twice");
    targets.add(key, std::move(target));
  }
  return targets;
}

SoftTargets read_soft_targets(const std::vector<fs::path>& files) {
  if (files.empty()) throw Error("read_soft_targets: no files given");
  SoftTargets all = read_soft_targets(files.front());
  for (std::size_t i = 1; i < files.size(); ++i) all.merge(read_soft_targets(files[i]));
  return all;
}

void write_soft_targets(const SoftTargets& targets, const fs::path& file) {
  write_file_atomically(file, targets.csv());
}

SoftTargets inherited_soft_targets(const SoftTargets& targets, const std::vector<fs::path>& sources,
                                   const std::vector<fs::path>& outputs) {
  if (sources.size() != outputs.size()) {
    throw Error("inherited_soft_targets: " + std::to_string(sources.size()) + " sources for " +
                std::to_string(outputs.size()) + " outputs");
  }
  SoftTargets inherited(targets.num_classes());
  for (std::size_t i = 0; i < outputs.size(); ++i)
    inherited.add(soft_target_key(outputs[i]), targets.of(sources[i]));
  return inherited;
}

}  // namespace galaxyzoo
