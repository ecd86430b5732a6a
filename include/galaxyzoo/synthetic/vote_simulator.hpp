#pragma once
/// @file
/// Synthetic Galaxy Zoo 2 vote fractions that follow the decision tree.
///
/// Each simulated galaxy is classified by a crowd of volunteers (30 to 60 by default, as
/// in Galaxy Zoo 2). Every volunteer walks the 11-question decision tree; at each
/// question the crowd's answer probabilities are drawn from a Dirichlet distribution
/// around the profile of the galaxy's intended class, so volunteers disagree and some
/// galaxies end up near or below the class thresholds. The fractions are vote counts
/// divided by the crowd size, so, as in the Kaggle file, each question's answers sum to
/// the fraction of volunteers who reached it.
///
/// Galaxies are described by their GalaxyKind, or by the intended class of
/// galaxy_zoo_rules(): 0 round smooth, 1 in-between smooth, 2 cigar-shaped, 3 edge-on
/// disk, 4 spiral; VoteSimulator::kNoClass draws one of the kinds meant to match no rule
/// (an artifact, an ambiguous disk or a merger).
///
/// @code
/// galaxyzoo::VoteSimulator sim(/*seed=*/7);
/// Eigen::RowVectorXd spiral = sim.votes(4);          // 37 fractions
/// auto table = sim.table({100008, 100023}, {0, 4});   // a VoteTable
/// galaxyzoo::write_vote_table("training_solutions_rev1.csv", table);
/// @endcode

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/data/vote_table.hpp"
#include "galaxyzoo/synthetic/synthetic_galaxy.hpp"

namespace galaxyzoo {

/// Crowd size and agreement of VoteSimulator.
struct VoteSimulatorOptions {
  int min_voters = 30;          ///< smallest crowd per galaxy
  int max_voters = 60;          ///< largest crowd per galaxy
  double concentration = 25.0;  ///< Dirichlet concentration: higher means more agreement
};

/// Draws decision-tree-consistent vote fractions for galaxies of intended classes.
class VoteSimulator {
 public:
  /// Intended class of a galaxy that should match no class rule.
  static constexpr int kNoClass = -1;

  /// @throws Error if the options are inconsistent (min_voters < 1, max < min,
  ///         concentration <= 0).
  explicit VoteSimulator(std::uint64_t seed, VoteSimulatorOptions options = {});

  /// The 37 fractions (kaggle_vote_columns() order) of one galaxy of @p intended_class
  /// (0 ... 4, or kNoClass). @throws Error for another class.
  Eigen::RowVectorXd votes(int intended_class);

  /// The 37 fractions of one galaxy of @p kind (what a crowd answers on seeing it).
  /// @throws Error for a value that is not a GalaxyKind.
  Eigen::RowVectorXd votes(GalaxyKind kind);

  /// A VoteTable with one row per (id, class) pair.
  /// @throws Error if the two vectors differ in length.
  VoteTable table(const std::vector<std::int64_t>& galaxy_ids,
                  const std::vector<int>& intended_classes);

 private:
  Rng rng_;
  VoteSimulatorOptions options_;
};

}  // namespace galaxyzoo
