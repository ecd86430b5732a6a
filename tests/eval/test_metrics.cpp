#define BOOST_TEST_MODULE metrics
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/eval/metrics.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

namespace gz = galaxyzoo;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_CASE(hand_checked_three_classes) {
  // Confusion (rows true, columns predicted): [2 1 0; 0 2 0; 1 0 2].
  const std::vector<int> truth{0, 0, 1, 1, 2, 2, 2, 0}, predicted{0, 1, 1, 1, 2, 0, 2, 0};
  const auto m = gz::compute_metrics(truth, predicted, 3);
  BOOST_TEST(m.samples == 8u);
  BOOST_TEST(m.accuracy == 0.75);
  BOOST_TEST(m.confusion(0, 0) == 2);
  BOOST_TEST(m.confusion(0, 1) == 1);
  BOOST_TEST(m.confusion(2, 0) == 1);
  BOOST_TEST(m.confusion.sum() == 8);
  BOOST_TEST(m.per_class[0].precision == 2.0 / 3, tt::tolerance(1e-15));
  BOOST_TEST(m.per_class[1].recall == 1.0);
  BOOST_TEST(m.per_class[1].f1 == 0.8, tt::tolerance(1e-15));
  BOOST_TEST(m.per_class[2].precision == 1.0);
  BOOST_TEST(m.per_class[2].support == 3u);
  BOOST_TEST(m.per_class[2].predicted == 2u);
  BOOST_TEST(m.macro.f1 == (2.0 / 3 + 0.8 + 0.8) / 3, tt::tolerance(1e-15));
  BOOST_TEST(m.weighted.recall == (3 * 2.0 / 3 + 2 * 1.0 + 3 * 2.0 / 3) / 8, tt::tolerance(1e-15));
  BOOST_TEST(m.confusion_normalized(2, 2) == 2.0 / 3, tt::tolerance(1e-15));
  BOOST_TEST(m.confusion_normalized.row(1).sum() == 1.0);
  BOOST_TEST(!m.log_loss.has_value());
  BOOST_TEST(!m.top2_accuracy.has_value());
  BOOST_TEST(m.absent_classes().empty());
}

BOOST_AUTO_TEST_CASE(empty_classes_give_zero_not_nan) {
  // Class 1 is never predicted, class 2 has no true samples, class 3 appears nowhere.
  const std::vector<int> truth{0, 0, 1, 1}, predicted{0, 2, 0, 0};
  const auto m = gz::compute_metrics(truth, predicted, 4);
  BOOST_TEST(m.per_class[1].precision == 0.0);
  BOOST_TEST(m.per_class[1].recall == 0.0);
  BOOST_TEST(m.per_class[1].f1 == 0.0);
  BOOST_TEST(m.per_class[2].recall == 0.0);
  BOOST_TEST(m.per_class[2].support == 0u);
  BOOST_TEST(m.per_class[3].f1 == 0.0);
  BOOST_TEST(m.confusion_normalized.row(2).isZero());
  BOOST_TEST(m.confusion_normalized.row(3).isZero());
  BOOST_TEST((m.absent_classes() == std::vector<int>{2, 3}));
  // The macro average is over all 4 classes: precision (1/3 + 0 + 0 + 0) / 4.
  BOOST_TEST(m.macro.precision == 1.0 / 12, tt::tolerance(1e-15));
  BOOST_TEST(std::isfinite(m.macro.f1));
  BOOST_TEST(std::isfinite(m.weighted.f1));
}

BOOST_AUTO_TEST_CASE(probabilities_give_log_loss_and_top2) {
  Eigen::MatrixXd p(3, 3);
  p << 0.7, 0.2, 0.1,  //
      0.1, 0.3, 0.6,   // true 1 is second
      0.5, 0.4, 0.1;   // true 2 is last
  const auto m = gz::compute_metrics({0, 1, 2}, {0, 2, 0}, p);
  BOOST_TEST(*m.log_loss == -(std::log(0.7) + std::log(0.3) + std::log(0.1)) / 3,
             tt::tolerance(1e-14));
  BOOST_TEST(*m.top2_accuracy == 2.0 / 3, tt::tolerance(1e-15));
  // A probability of 0 for the true class is clipped, not infinite.
  Eigen::MatrixXd hard(1, 2);
  hard << 1.0, 0.0;
  const auto h = gz::compute_metrics({1}, {0}, hard);
  BOOST_TEST(std::isfinite(*h.log_loss));
  BOOST_TEST(*h.log_loss == -std::log(std::numeric_limits<double>::epsilon()), tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(bad_input_is_rejected) {
  BOOST_CHECK_THROW(gz::compute_metrics({0, 1}, {0}, 2), gz::Error);     // lengths differ
  BOOST_CHECK_THROW(gz::compute_metrics({}, {}, 2), gz::Error);          // empty test set
  BOOST_CHECK_THROW(gz::compute_metrics({0, 2}, {0, 1}, 2), gz::Error);  // true label out of range
  BOOST_CHECK_THROW(gz::compute_metrics({0, 1}, {0, -1}, 2),
                    gz::Error);                                    // predicted label negative
  BOOST_CHECK_THROW(gz::compute_metrics({0}, {0}, 0), gz::Error);  // no classes
  try {
    gz::compute_metrics({0, 1, 7}, {0, 1, 1}, 5);
    BOOST_FAIL("expected an error");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find("sample 2 is 7; expected 0 to 4") != std::string::npos,
               e.what());
  }
  Eigen::MatrixXd p = Eigen::MatrixXd::Constant(2, 3, 1.0 / 3);
  BOOST_CHECK_THROW(gz::compute_metrics({0, 1, 2}, {0, 1, 2}, p), gz::Error);  // 2 rows, 3 samples
  BOOST_CHECK_THROW(gz::compute_metrics({0, 3}, {0, 1}, p), gz::Error);  // label 3 of 3 columns
  p(1, 2) = std::numeric_limits<double>::quiet_NaN();
  BOOST_CHECK_THROW(gz::compute_metrics({0, 1}, {0, 1}, p), gz::Error);
  p(1, 2) = -0.1;
  BOOST_CHECK_THROW(gz::compute_metrics({0, 1}, {0, 1}, p), gz::Error);
  BOOST_CHECK_THROW(gz::bootstrap_intervals({0, 1}, {0, 1}, 2, {/*resamples=*/0}), gz::Error);
  BOOST_CHECK_THROW(gz::bootstrap_intervals({0, 1}, {0, 1}, 2, {100, /*confidence=*/1.0}),
                    gz::Error);
  BOOST_CHECK_THROW(gz::bootstrap_intervals({0, 1}, {0, 9}, 2, {}), gz::Error);
}

BOOST_AUTO_TEST_CASE(bootstrap_is_deterministic_per_seed) {
  std::vector<int> truth, predicted;
  for (int i = 0; i < 60; ++i) {
    truth.push_back(i % 3);
    predicted.push_back(i % 7 == 0 ? (i + 1) % 3 : i % 3);  // 9 of 60 wrong
  }
  const gz::BootstrapOptions options{500, 0.95, 42};
  const auto a = gz::bootstrap_intervals(truth, predicted, 3, options);
  const auto b = gz::bootstrap_intervals(truth, predicted, 3, options);
  BOOST_TEST(a.accuracy.low == b.accuracy.low);
  BOOST_TEST(a.accuracy.high == b.accuracy.high);
  BOOST_TEST(a.macro_f1.low == b.macro_f1.low);
  BOOST_TEST(a.macro_f1.high == b.macro_f1.high);
  const auto other = gz::bootstrap_intervals(truth, predicted, 3, {500, 0.95, 43});
  BOOST_TEST((other.accuracy.low != a.accuracy.low || other.accuracy.high != a.accuracy.high ||
              other.macro_f1.low != a.macro_f1.low || other.macro_f1.high != a.macro_f1.high));
  const auto m = gz::compute_metrics(truth, predicted, 3);
  BOOST_TEST(a.accuracy.low < m.accuracy);
  BOOST_TEST(m.accuracy < a.accuracy.high);
  BOOST_TEST(a.macro_f1.low < m.macro.f1);
  BOOST_TEST(m.macro.f1 < a.macro_f1.high);
  BOOST_TEST(a.accuracy.high <= 1.0);
  BOOST_REQUIRE(a.recall.size() == 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    BOOST_TEST(a.recall[k].low <= m.per_class[k].recall);
    BOOST_TEST(m.per_class[k].recall <= a.recall[k].high);
    BOOST_TEST(a.recall[k].low < a.recall[k].high);
  }
  // A narrower confidence gives a narrower interval from the same resamples.
  const auto narrow = gz::bootstrap_intervals(truth, predicted, 3, {500, 0.5, 42});
  BOOST_TEST(narrow.accuracy.low >= a.accuracy.low);
  BOOST_TEST(narrow.accuracy.high <= a.accuracy.high);
  BOOST_TEST(narrow.accuracy.high - narrow.accuracy.low < a.accuracy.high - a.accuracy.low);
  // Perfect predictions: every resample is perfect.
  const auto perfect = gz::bootstrap_intervals(truth, truth, 3, options);
  BOOST_TEST(perfect.accuracy.low == 1.0);
  BOOST_TEST(perfect.macro_f1.high == 1.0);
  for (const auto& interval : perfect.recall) BOOST_TEST(interval.low == 1.0);
}

// The values scikit-learn computes for the cases in tests/support/sklearn_metrics.py,
// written by that script (ctest runs it first, with Debian's python3-sklearn).
BOOST_AUTO_TEST_CASE(agrees_with_scikit_learn, *boost::unit_test::disabled()) {
  const auto& suite = boost::unit_test::framework::master_test_suite();
  BOOST_REQUIRE_MESSAGE(suite.argc >= 2,
                        "usage: test_metrics --run_test=agrees_with_scikit_learn -- FILE.json");
  std::ifstream in(suite.argv[suite.argc - 1]);
  BOOST_REQUIRE(in);
  const auto doc = nlohmann::json::parse(in);
  BOOST_TEST_MESSAGE("scikit-learn " << doc.at("sklearn_version").get<std::string>());
  const auto tolerance = tt::tolerance(1e-12);
  std::size_t cases = 0;
  for (const auto& c : doc.at("cases")) {
    const std::string name = c.at("name");
    BOOST_TEST_CONTEXT("case " << name) {
      const auto truth = c.at("truth").get<std::vector<int>>();
      const auto predicted = c.at("predicted").get<std::vector<int>>();
      const int k = c.at("num_classes");
      const auto& e = c.at("expected");
      gz::ClassificationMetrics m;
      if (c.contains("probabilities")) {
        const auto rows = c.at("probabilities").get<std::vector<std::vector<double>>>();
        Eigen::MatrixXd p(static_cast<Eigen::Index>(rows.size()), k);
        for (std::size_t i = 0; i < rows.size(); ++i) {
          for (int j = 0; j < k; ++j)
            p(static_cast<Eigen::Index>(i), j) = rows[i][static_cast<std::size_t>(j)];
        }
        m = gz::compute_metrics(truth, predicted, p);
        BOOST_TEST(*m.log_loss == e.at("log_loss").get<double>(), tolerance);
        BOOST_TEST(*m.top2_accuracy == e.at("top2_accuracy").get<double>(), tolerance);
      } else {
        m = gz::compute_metrics(truth, predicted, k);
      }
      BOOST_TEST(m.accuracy == e.at("accuracy").get<double>(), tolerance);
      for (int j = 0; j < k; ++j) {
        const auto u = static_cast<std::size_t>(j);
        BOOST_TEST_CONTEXT("class " << j) {
          BOOST_TEST(m.per_class[u].precision == e.at("precision")[u].get<double>(), tolerance);
          BOOST_TEST(m.per_class[u].recall == e.at("recall")[u].get<double>(), tolerance);
          BOOST_TEST(m.per_class[u].f1 == e.at("f1")[u].get<double>(), tolerance);
          BOOST_TEST(m.per_class[u].support == e.at("support")[u].get<std::size_t>());
          for (int col = 0; col < k; ++col) {
            const auto v = static_cast<std::size_t>(col);
            BOOST_TEST(m.confusion(j, col) == e.at("confusion")[u][v].get<std::int64_t>());
            BOOST_TEST(
                m.confusion_normalized(j, col) == e.at("confusion_normalized")[u][v].get<double>(),
                tolerance);
          }
        }
      }
      for (const char* average : {"macro", "weighted"}) {
        const auto& ours = std::string(average) == "macro" ? m.macro : m.weighted;
        const auto& theirs = e.at(average);
        BOOST_TEST_CONTEXT(average << " average") {
          BOOST_TEST(ours.precision == theirs.at("precision").get<double>(), tolerance);
          BOOST_TEST(ours.recall == theirs.at("recall").get<double>(), tolerance);
          BOOST_TEST(ours.f1 == theirs.at("f1").get<double>(), tolerance);
        }
      }
      ++cases;
    }
  }
  BOOST_TEST(cases >= 10u);
}
