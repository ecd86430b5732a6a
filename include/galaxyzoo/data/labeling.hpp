#pragma once
/// @file
/// Morphology classes from vote fractions: threshold rules, as data.
///
/// A ClassRule holds when every one of its thresholds does (`fraction >= minimum`). A
/// galaxy gets the label of the first rule that holds, in the order the rules are given;
/// galaxies for which no rule holds are unlabeled (-1). The workflow's five Galaxy Zoo
/// classes are galaxy_zoo_rules(); any other set of classes can be defined the same way.
///
/// @code
/// auto table = galaxyzoo::read_vote_table(csv);
/// galaxyzoo::Labeler labeler(galaxyzoo::galaxy_zoo_rules());
/// std::vector<int> labels = labeler.label(table);   // -1, 0, ..., 4 per row
///
/// // A two-class problem: smooth versus disk.
/// galaxyzoo::Labeler two({{0, "smooth", {{"Class1.1", 0.8}}},
///                         {1, "disk", {{"Class1.2", 0.8}}}});
/// @endcode

#include <cstddef>
#include <string>
#include <vector>

#include "galaxyzoo/data/vote_table.hpp"

namespace galaxyzoo {

/// One condition of a rule: the fraction in `column` is at least `minimum`.
struct Threshold {
  std::string column;  ///< vote-table column name, e.g. "Class1.1"
  double minimum = 0;  ///< inclusive lower bound
};

/// A class and the thresholds that must all hold for a galaxy to get it.
struct ClassRule {
  int label = 0;                  ///< class index, 0 ... num_classes - 1
  std::string name;               ///< human-readable name, e.g. "completely round smooth"
  std::vector<Threshold> all_of;  ///< conditions, all required
  /// Column holding the class's share of all votes, for soft targets (empty: none).
  std::string share_column;
};

/// The workflow's five Galaxy Zoo classes, in rule order:
/// 0 completely round smooth (Class1.1 >= 0.469, Class7.1 >= 0.5),
/// 1 in-between smooth (Class1.1 >= 0.469, Class7.2 >= 0.5),
/// 2 cigar-shaped smooth (Class1.1 >= 0.469, Class7.3 >= 0.5),
/// 3 edge-on disk (Class1.2 >= 0.430, Class2.1 >= 0.602),
/// 4 spiral (Class1.2 >= 0.430, Class2.2 >= 0.715, Class4.1 >= 0.619).
/// Their shares (ClassRule::share_column), the Kaggle table's products down the decision
/// tree: smooth x round (Class7.1), smooth x in-between (Class7.2), smooth x cigar
/// (Class7.3), features x edge-on (Class2.1), features x not edge-on x spiral (Class4.1).
std::vector<ClassRule> galaxy_zoo_rules();

/// Applies a list of ClassRule to vote tables.
class Labeler {
 public:
  /// @throws Error if @p rules is empty, a label is negative, two rules share a label
  ///         with different names, or labels leave a gap (0, 1 and 3 but no 2).
  explicit Labeler(std::vector<ClassRule> rules);

  /// Label of every row of @p table: the first rule that holds, or -1.
  /// @throws InputError naming the column if a rule refers to a column @p table lacks.
  std::vector<int> label(const VoteTable& table) const;

  /// Whether every rule names a share column, so that soft_targets() can be computed.
  bool has_shares() const noexcept;

  /// The soft target of every row of @p table: per class (by label) the sum of the
  /// share columns of its rules, divided by the sum over all classes, so that the row
  /// adds up to 1. A row whose shares are all 0 gets an empty vector.
  /// @throws Error if a rule has no share column; InputError naming the column if @p table
  ///         lacks one.
  std::vector<std::vector<double>> soft_targets(const VoteTable& table) const;

  /// Number of classes (largest label + 1).
  std::size_t num_classes() const noexcept { return class_names_.size(); }
  /// Name of each class, indexed by label.
  const std::vector<std::string>& class_names() const noexcept { return class_names_; }
  /// The rules, in evaluation order.
  const std::vector<ClassRule>& rules() const noexcept { return rules_; }

 private:
  std::vector<ClassRule> rules_;
  std::vector<std::string> class_names_;
};

}  // namespace galaxyzoo
