#define BOOST_TEST_MODULE vote_simulator
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/data/labeling.hpp>
#include <galaxyzoo/synthetic/vote_simulator.hpp>

#include <cmath>

namespace gz = galaxyzoo;

namespace {

// Sum of the answers of question q (1-based) in a row of fractions.
double answered(const Eigen::RowVectorXd& f, int q) {
  static const int first[] = {0, 3, 5, 7, 9, 13, 15, 18, 25, 28, 31, 37};
  return f.segment(first[q - 1], first[q] - first[q - 1]).sum();
}

}  // namespace

BOOST_AUTO_TEST_CASE(fractions_follow_the_decision_tree) {
  gz::VoteSimulator sim(11);
  for (int k = -1; k <= 4; ++k) {
    for (int i = 0; i < 50; ++i) {
      const Eigen::RowVectorXd f = sim.votes(k);
      BOOST_REQUIRE(f.size() == 37);
      BOOST_TEST(f.minCoeff() >= 0.0);
      BOOST_TEST(f.maxCoeff() <= 1.0);
      const double tol = 1e-12;
      BOOST_TEST(std::abs(answered(f, 1) - 1.0) < tol);
      BOOST_TEST(std::abs(answered(f, 7) - f[0]) < tol);   // smooth -> roundness
      BOOST_TEST(std::abs(answered(f, 2) - f[1]) < tol);   // features -> edge-on?
      BOOST_TEST(std::abs(answered(f, 9) - f[3]) < tol);   // edge-on -> bulge shape
      BOOST_TEST(std::abs(answered(f, 3) - f[4]) < tol);   // not edge-on -> bar
      BOOST_TEST(std::abs(answered(f, 4) - f[4]) < tol);   // -> spiral?
      BOOST_TEST(std::abs(answered(f, 5) - f[4]) < tol);   // -> bulge prominence
      BOOST_TEST(std::abs(answered(f, 10) - f[7]) < tol);  // spiral -> arms
      BOOST_TEST(std::abs(answered(f, 11) - f[7]) < tol);
      BOOST_TEST(std::abs(answered(f, 6) - (f[0] + f[1])) < tol);  // not a star -> odd?
      BOOST_TEST(std::abs(answered(f, 8) - f[13]) < tol);          // odd -> which feature
    }
  }
}

BOOST_AUTO_TEST_CASE(intended_classes_mostly_get_their_label_with_realistic_disagreement) {
  gz::VoteSimulator sim(12);
  const gz::Labeler labeler(gz::galaxy_zoo_rules());
  const int n = 400;
  for (int k = -1; k <= 4; ++k) {
    std::vector<std::int64_t> ids(n);
    for (int i = 0; i < n; ++i) ids[static_cast<std::size_t>(i)] = i + 1;
    const auto labels = labeler.label(sim.table(ids, std::vector<int>(n, k)));
    int hits = 0;
    for (const int l : labels) hits += l == k;
    const double rate = static_cast<double>(hits) / n;
    BOOST_TEST_MESSAGE("class " << k << ": " << rate << " labeled as intended");
    if (k == -1) {
      BOOST_TEST(rate > 0.6);  // most match no rule...
    } else {
      BOOST_TEST(rate > 0.6);  // ...and most of the others get their class,
      BOOST_TEST(rate < 1.0);  // but not all: volunteers disagree.
    }
  }
}

BOOST_AUTO_TEST_CASE(seeded_and_validated) {
  gz::VoteSimulator a(5), b(5);
  BOOST_TEST((a.votes(3) - b.votes(3)).cwiseAbs().maxCoeff() == 0.0);
  BOOST_CHECK_THROW(a.votes(5), gz::Error);
  BOOST_CHECK_THROW(a.votes(-2), gz::Error);
  BOOST_CHECK_THROW(a.table({1, 2}, {0}), gz::Error);
  gz::VoteSimulatorOptions bad;
  bad.min_voters = 0;
  BOOST_CHECK_THROW(gz::VoteSimulator(1, bad), gz::Error);
}

BOOST_AUTO_TEST_CASE(table_has_the_kaggle_columns) {
  gz::VoteSimulator sim(1);
  const auto table = sim.table({100008, 100023}, {0, 4});
  BOOST_TEST(table.columns == gz::kaggle_vote_columns(), boost::test_tools::per_element());
  BOOST_TEST(table.fractions.rows() == 2);
}
