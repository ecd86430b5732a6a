#pragma once
/// @file
/// Classification metrics with scikit-learn's semantics, and bootstrap intervals for them.
/// Use compute_metrics() on true and predicted labels (and optionally probabilities), and
/// bootstrap_intervals() for confidence intervals on small test sets.
///
/// @code
/// std::vector<int> truth{0, 0, 1, 2}, predicted{0, 1, 1, 1};
/// galaxyzoo::ClassificationMetrics m =
///     galaxyzoo::compute_metrics(truth, predicted, /*num_classes=*/3);
/// // m.accuracy == 0.5; m.per_class[2].recall == 0 (never predicted); m.confusion(0, 1) == 1
/// galaxyzoo::BootstrapIntervals ci = galaxyzoo::bootstrap_intervals(truth, predicted, 3, {});
/// // ci.accuracy.low <= m.accuracy <= ci.accuracy.high
/// @endcode
///
/// What a user must know:
///  - the numbers are those of scikit-learn's `accuracy_score`,
///    `precision_recall_fscore_support(labels=range(K), zero_division=0)`,
///    `confusion_matrix(labels=range(K))` (and `normalize="true"`),
///    `log_loss(labels=range(K))` and `top_k_accuracy_score(k=2, labels=range(K))`;
///  - a ratio whose denominator is 0 (a class never predicted, or with no true samples) is
///    0, never NaN, and the macro average is over all K classes;
///  - bootstrap_intervals() gives percentile intervals of the accuracy and the macro F1,
///    resampling the test set with a seeded galaxyzoo::Rng.

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace galaxyzoo {

/// Precision, recall and F1 of one class, or an average of them.
struct PrecisionRecallF1 {
  double precision = 0;  ///< true positives / predicted positives (0 if none predicted)
  double recall = 0;     ///< true positives / true samples (0 if none)
  double f1 = 0;         ///< harmonic mean of precision and recall (0 if both are 0)
};

/// The metrics of one class.
struct ClassMetrics : PrecisionRecallF1 {
  std::size_t support = 0;    ///< true samples of the class
  std::size_t predicted = 0;  ///< samples predicted as the class
};

/// Everything compute_metrics() measures.
struct ClassificationMetrics {
  int num_classes = 0;                  ///< K; labels are 0 .. K-1
  std::size_t samples = 0;              ///< test samples
  double accuracy = 0;                  ///< fraction predicted correctly
  std::vector<ClassMetrics> per_class;  ///< indexed by label
  PrecisionRecallF1 macro;              ///< unweighted mean over all K classes
  PrecisionRecallF1 weighted;           ///< mean weighted by support
  /// Counts [K, K]: row = true label, column = predicted label.
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> confusion;
  /// Each row of #confusion divided by its sum; a class without true samples has a row of 0.
  Eigen::MatrixXd confusion_normalized;
  /// Mean cross-entropy of the probabilities; only when they were given.
  std::optional<double> log_loss;
  /// Fraction whose true class is among the two most probable; only with probabilities.
  std::optional<double> top2_accuracy;

  /// The labels with no true sample (their recall is reported as 0, not NaN).
  std::vector<int> absent_classes() const;
};

/// Metrics of @p predicted against @p truth for labels 0 .. @p num_classes - 1.
/// @throws Error if the vectors differ in length or are empty, @p num_classes < 1, or a
///         label is outside [0, num_classes) (the message gives its index and value).
ClassificationMetrics compute_metrics(const std::vector<int>& truth,
                                      const std::vector<int>& predicted, int num_classes);

/// As above, plus the log loss and top-2 accuracy of @p probabilities [samples, K]
/// (K = its number of columns). As scikit-learn's `log_loss` does for float64 input, each
/// probability is clipped to [eps, 1 - eps] (eps: the double machine epsilon) and each row
/// is divided by its sum before the logarithm. In the top-2 ranking, equal probabilities
/// rank the higher label first (scikit-learn's order).
/// @throws Error as above, and if @p probabilities has another number of rows than
///         @p truth, or a value that is negative or not finite.
ClassificationMetrics compute_metrics(const std::vector<int>& truth,
                                      const std::vector<int>& predicted,
                                      const Eigen::MatrixXd& probabilities);

/// How bootstrap_intervals() resamples.
struct BootstrapOptions {
  std::size_t resamples = 1000;  ///< bootstrap samples drawn
  double confidence = 0.95;      ///< the interval holds this central fraction of the samples
  std::uint64_t seed = 10;       ///< same seed, same intervals
};

/// A confidence interval.
struct Interval {
  double low = 0;   ///< lower end
  double high = 0;  ///< upper end
};

/// Percentile bootstrap intervals of the accuracy, the macro F1 and each class's recall.
struct BootstrapIntervals {
  Interval accuracy;  ///< of ClassificationMetrics::accuracy
  Interval macro_f1;  ///< of ClassificationMetrics::macro f1
  /// Of each class's recall, over the resamples that hold the class ([0, 0] if none does).
  std::vector<Interval> recall;
  BootstrapOptions options;  ///< how they were computed
};

/// Draws options.resamples samples of the test set with replacement (galaxyzoo::Rng seeded
/// with options.seed), computes the accuracy, macro F1 and per-class recall of each, and
/// returns the (1 - confidence) / 2 and (1 + confidence) / 2 quantiles (linear interpolation
/// between order statistics, as numpy's default `percentile`).
/// @throws Error as compute_metrics(), or if resamples is 0 or confidence is not in (0, 1).
BootstrapIntervals bootstrap_intervals(const std::vector<int>& truth,
                                       const std::vector<int>& predicted, int num_classes,
                                       const BootstrapOptions& options);

}  // namespace galaxyzoo
