#include "galaxyzoo/data/labeling.hpp"

#include <utility>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {

std::vector<ClassRule> galaxy_zoo_rules() {
  return {
      {0, "completely round smooth", {{"Class1.1", 0.469}, {"Class7.1", 0.500}}, "Class7.1"},
      {1, "in-between smooth", {{"Class1.1", 0.469}, {"Class7.2", 0.500}}, "Class7.2"},
      {2, "cigar-shaped smooth", {{"Class1.1", 0.469}, {"Class7.3", 0.500}}, "Class7.3"},
      {3, "edge-on disk", {{"Class1.2", 0.430}, {"Class2.1", 0.602}}, "Class2.1"},
      {4, "spiral", {{"Class1.2", 0.430}, {"Class2.2", 0.715}, {"Class4.1", 0.619}}, "Class4.1"},
  };
}

Labeler::Labeler(std::vector<ClassRule> rules) : rules_(std::move(rules)) {
  if (rules_.empty()) throw Error("Labeler: no class rules given");
  std::vector<bool> seen;
  for (const auto& rule : rules_) {
    if (rule.label < 0) {
      throw Error("Labeler: rule '" + rule.name + "' has negative label " +
                  std::to_string(rule.label));
    }
    const auto label = static_cast<std::size_t>(rule.label);
    if (label >= class_names_.size()) {
      class_names_.resize(label + 1);
      seen.resize(label + 1, false);
    }
    if (seen[label] && class_names_[label] != rule.name) {
      throw Error("Labeler: label " + std::to_string(label) + " is named both '" +
                  class_names_[label] + "' and '" + rule.name + "'");
    }
    seen[label] = true;
    class_names_[label] = rule.name;
  }
  for (std::size_t label = 0; label < seen.size(); ++label) {
    if (!seen[label]) {
      throw Error("Labeler: no rule gives label " + std::to_string(label) +
                  " (labels must be 0 ... num_classes - 1 without gaps)");
    }
  }
}

std::vector<int> Labeler::label(const VoteTable& table) const {
  // Resolve column names once, then test each row against the rules in order.
  struct CompiledThreshold {
    Eigen::Index column;
    double minimum;
  };
  std::vector<std::vector<CompiledThreshold>> compiled;
  compiled.reserve(rules_.size());
  for (const auto& rule : rules_) {
    auto& thresholds = compiled.emplace_back();
    for (const auto& t : rule.all_of)
      thresholds.push_back({table.column_index(t.column), t.minimum});
  }

  std::vector<int> labels(table.rows(), -1);
  for (std::size_t r = 0; r < table.rows(); ++r) {
    const double* row =
        table.fractions.data() + r * static_cast<std::size_t>(table.fractions.cols());
    for (std::size_t k = 0; k < compiled.size(); ++k) {
      bool holds = true;
      for (const auto& t : compiled[k]) holds = holds && row[t.column] >= t.minimum;
      if (holds) {
        labels[r] = rules_[k].label;
        break;
      }
    }
  }
  return labels;
}

bool Labeler::has_shares() const noexcept {
  for (const auto& rule : rules_) {
    if (rule.share_column.empty()) return false;
  }
  return true;
}

std::vector<std::vector<double>> Labeler::soft_targets(const VoteTable& table) const {
  std::vector<std::pair<Eigen::Index, std::size_t>> shares;  // column, label
  for (const auto& rule : rules_) {
    if (rule.share_column.empty())
      throw Error("Labeler: rule '" + rule.name + "' names no share column for soft targets");
    shares.emplace_back(table.column_index(rule.share_column),
                        static_cast<std::size_t>(rule.label));
  }
  std::vector<std::vector<double>> targets(table.rows());
  for (std::size_t r = 0; r < table.rows(); ++r) {
    std::vector<double> target(num_classes(), 0.0);
    double total = 0;
    for (const auto& [column, label] : shares) {
      const double share = table.fractions(static_cast<Eigen::Index>(r), column);
      target[label] += share;
      total += share;
    }
    if (total <= 0) continue;
    for (double& t : target) t /= total;
    targets[r] = std::move(target);
  }
  return targets;
}

}  // namespace galaxyzoo
