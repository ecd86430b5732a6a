#include "galaxyzoo/synthetic/vote_simulator.hpp"

#include <array>
#include <initializer_list>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

// First column of each question in kaggle_vote_columns() (question q is kFirst[q - 1]).
constexpr int kFirst[11] = {0, 3, 5, 7, 9, 13, 15, 18, 25, 28, 31};
constexpr int kAnswers[11] = {3, 2, 2, 2, 4, 2, 3, 7, 3, 3, 6};

// Mean answer probabilities of the crowd for each question, by GalaxyKind.
enum Kind {
  kRound,
  kInBetween,
  kCigar,
  kEdgeOn,
  kSpiral,
  kArtifact,
  kAmbiguousDisk,
  kMerger,
  kKinds
};
static_assert(kKinds == kNumGalaxyKinds, "one vote profile per GalaxyKind");

using Profile = std::array<std::vector<double>, 11>;

const std::array<Profile, kKinds>& profiles() {
  static const std::array<Profile, kKinds> table = [] {
    // Defaults shared by most kinds; each kind overrides the questions that define it.
    const Profile base = {{
        {0.80, 0.17, 0.03},        // Q1 smooth / features / star
        {0.15, 0.85},              // Q2 edge-on?
        {0.10, 0.90},              // Q3 bar?
        {0.20, 0.80},              // Q4 spiral?
        {0.15, 0.45, 0.30, 0.10},  // Q5 bulge prominence
        {0.12, 0.88},              // Q6 anything odd?
        {0.40, 0.45, 0.15},        // Q7 round / in-between / cigar
        {0.15, 0.10, 0.12, 0.18, 0.25, 0.15,
         0.05},                                // Q8 ring lens disturbed irregular other merger dust
        {0.45, 0.10, 0.45},                    // Q9 edge-on bulge: rounded / boxy / none
        {0.35, 0.40, 0.25},                    // Q10 arm tightness
        {0.03, 0.50, 0.15, 0.07, 0.05, 0.20},  // Q11 number of arms
    }};
    std::array<Profile, kKinds> p;
    p.fill(base);
    p[kRound][6] = {0.85, 0.13, 0.02};
    p[kInBetween][6] = {0.10, 0.85, 0.05};
    p[kCigar][0] = {0.74, 0.23, 0.03};
    p[kCigar][6] = {0.03, 0.17, 0.80};
    p[kEdgeOn][0] = {0.14, 0.84, 0.02};
    p[kEdgeOn][1] = {0.90, 0.10};
    p[kEdgeOn][7] = {0.05, 0.05, 0.10, 0.10, 0.20, 0.10, 0.40};
    p[kSpiral][0] = {0.10, 0.88, 0.02};
    p[kSpiral][1] = {0.05, 0.95};
    p[kSpiral][2] = {0.20, 0.80};
    p[kSpiral][3] = {0.90, 0.10};
    p[kSpiral][4] = {0.15, 0.55, 0.25, 0.05};
    p[kArtifact][0] = {0.25, 0.20, 0.55};
    p[kArtifact][5] = {0.40, 0.60};
    p[kAmbiguousDisk][0] = {0.30, 0.68, 0.02};
    p[kAmbiguousDisk][1] = {0.30, 0.70};
    p[kAmbiguousDisk][3] = {0.40, 0.60};
    // Two overlapping galaxies: smooth-looking, but the crowd cannot agree how round,
    // and many flag the merger.
    p[kMerger][6] = {0.34, 0.33, 0.33};
    p[kMerger][5] = {0.55, 0.45};
    p[kMerger][7] = {0.05, 0.03, 0.25, 0.07, 0.05, 0.50, 0.05};
    return p;
  }();
  return table;
}

}  // namespace

VoteSimulator::VoteSimulator(std::uint64_t seed, VoteSimulatorOptions options)
    : rng_(seed), options_(options) {
  if (options_.min_voters < 1 || options_.max_voters < options_.min_voters ||
      !(options_.concentration > 0)) {
    throw Error("VoteSimulator: need 1 <= min_voters <= max_voters and concentration > 0");
  }
}

Eigen::RowVectorXd VoteSimulator::votes(int intended_class) {
  if (intended_class < kNoClass || intended_class > kSpiral) {
    throw Error("VoteSimulator: intended class " + std::to_string(intended_class) +
                " is not one of -1 (no class), 0, 1, 2, 3, 4");
  }
  const int kind =
      intended_class >= 0 ? intended_class : kArtifact + static_cast<int>(rng_.below(3));
  return votes(static_cast<GalaxyKind>(kind));
}

Eigen::RowVectorXd VoteSimulator::votes(GalaxyKind kind) {
  const int k = static_cast<int>(kind);
  if (k < 0 || k >= kKinds) throw Error("VoteSimulator: unknown galaxy kind " + std::to_string(k));
  const Profile& profile = profiles()[static_cast<std::size_t>(k)];

  const int span = options_.max_voters - options_.min_voters + 1;
  const int crowd =
      options_.min_voters + static_cast<int>(rng_.below(static_cast<std::uint64_t>(span)));
  std::array<int, 37> counts{};

  // n volunteers answer question q; returns how many chose each answer.
  auto ask = [&](int q, int n) {
    const auto& mean = profile[static_cast<std::size_t>(q - 1)];
    const int k = kAnswers[q - 1];
    std::array<double, 7> p{};
    double sum = 0;
    for (int a = 0; a < k; ++a) sum += p[a] = rng_.gamma(options_.concentration * mean[a]);
    std::array<int, 7> chosen{};
    for (int v = 0; v < n; ++v) {
      double u = rng_.uniform() * sum;
      int a = 0;
      while (a < k - 1 && u >= p[a]) u -= p[a++];
      ++chosen[a];
    }
    for (int a = 0; a < k; ++a) counts[kFirst[q - 1] + a] += chosen[a];
    return chosen;
  };

  const auto q1 = ask(1, crowd);
  const int smooth = q1[0];
  const int features = q1[1];
  ask(7, smooth);
  const auto q2 = ask(2, features);
  ask(9, q2[0]);                  // edge-on: bulge shape
  ask(3, q2[1]);                  // face-on: bar
  const auto q4 = ask(4, q2[1]);  // spiral?
  ask(10, q4[0]);
  ask(11, q4[0]);
  ask(5, q2[1]);  // bulge prominence
  const auto q6 = ask(6, smooth + features);
  ask(8, q6[0]);

  Eigen::RowVectorXd fractions(37);
  for (int c = 0; c < 37; ++c) fractions[c] = static_cast<double>(counts[c]) / crowd;
  return fractions;
}

VoteTable VoteSimulator::table(const std::vector<std::int64_t>& galaxy_ids,
                               const std::vector<int>& intended_classes) {
  if (galaxy_ids.size() != intended_classes.size()) {
    throw Error("VoteSimulator::table: " + std::to_string(galaxy_ids.size()) + " ids but " +
                std::to_string(intended_classes.size()) + " classes");
  }
  VoteTable table;
  table.galaxy_ids = galaxy_ids;
  table.columns = kaggle_vote_columns();
  table.fractions.resize(static_cast<Eigen::Index>(galaxy_ids.size()), 37);
  for (std::size_t r = 0; r < galaxy_ids.size(); ++r) {
    table.fractions.row(static_cast<Eigen::Index>(r)) = votes(intended_classes[r]);
  }
  return table;
}

}  // namespace galaxyzoo
