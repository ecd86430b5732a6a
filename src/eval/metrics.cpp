#include "galaxyzoo/eval/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/random.hpp"

namespace galaxyzoo {
namespace {

using Counts = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;

void check_labels(const std::vector<int>& truth, const std::vector<int>& predicted,
                  int num_classes) {
  if (num_classes < 1)
    throw Error("metrics: " + std::to_string(num_classes) + " classes; expected at least 1");
  if (truth.size() != predicted.size()) {
    throw Error("metrics: " + std::to_string(truth.size()) + " true labels but " +
                std::to_string(predicted.size()) +
                " predicted labels; expected one of each per sample");
  }
  if (truth.empty()) throw Error("metrics: no samples (the test set is empty)");
  for (const auto* labels : {&truth, &predicted}) {
    for (std::size_t i = 0; i < labels->size(); ++i) {
      const int label = (*labels)[i];
      if (label < 0 || label >= num_classes) {
        throw Error(std::string("metrics: ") + (labels == &truth ? "true" : "predicted") +
                    " label of sample " + std::to_string(i) + " is " + std::to_string(label) +
                    "; expected 0 to " + std::to_string(num_classes - 1));
      }
    }
  }
}

// a / b, or 0 when b is 0 (scikit-learn's zero_division=0).
double ratio(double a, double b) { return b == 0 ? 0.0 : a / b; }

// F1 written as scikit-learn computes it (2 P R / (P + R), denominator 0 -> 0), so that
// the results agree to the last bit or two.
double f1(double precision, double recall) {
  const double denominator = precision + recall;
  return 2 * precision * recall / (denominator == 0 ? 1.0 : denominator);
}

// The confusion matrix of the samples @p index[0..n) (all samples when index is empty).
Counts confusion(const std::vector<int>& truth, const std::vector<int>& predicted, int k,
                 const std::vector<std::size_t>& index) {
  Counts c = Counts::Zero(k, k);
  if (index.empty()) {
    for (std::size_t i = 0; i < truth.size(); ++i) ++c(truth[i], predicted[i]);
  } else {
    for (const std::size_t i : index) ++c(truth[i], predicted[i]);
  }
  return c;
}

// Every count-based metric from the confusion matrix @p counts (at least one sample).
ClassificationMetrics from_confusion(Counts counts) {
  ClassificationMetrics m;
  m.num_classes = static_cast<int>(counts.rows());
  m.samples = static_cast<std::size_t>(counts.sum());
  m.confusion = std::move(counts);
  const auto n = static_cast<double>(m.samples);
  m.accuracy = static_cast<double>(m.confusion.trace()) / n;
  m.confusion_normalized = Eigen::MatrixXd::Zero(m.num_classes, m.num_classes);
  for (int k = 0; k < m.num_classes; ++k) {
    ClassMetrics c;
    const auto tp = static_cast<double>(m.confusion(k, k));
    c.support = static_cast<std::size_t>(m.confusion.row(k).sum());
    c.predicted = static_cast<std::size_t>(m.confusion.col(k).sum());
    c.precision = ratio(tp, static_cast<double>(c.predicted));
    c.recall = ratio(tp, static_cast<double>(c.support));
    c.f1 = f1(c.precision, c.recall);
    if (c.support > 0) {
      m.confusion_normalized.row(k) =
          m.confusion.row(k).cast<double>() / static_cast<double>(c.support);
    }
    m.macro.precision += c.precision;
    m.macro.recall += c.recall;
    m.macro.f1 += c.f1;
    const auto weight = static_cast<double>(c.support);
    m.weighted.precision += c.precision * weight;
    m.weighted.recall += c.recall * weight;
    m.weighted.f1 += c.f1 * weight;
    m.per_class.push_back(c);
  }
  for (auto* average : {&m.macro, &m.weighted}) {
    const double divisor = average == &m.macro ? static_cast<double>(m.num_classes) : n;
    average->precision /= divisor;
    average->recall /= divisor;
    average->f1 /= divisor;
  }
  return m;
}

// numpy's default percentile: linear interpolation between the order statistics.
double quantile(std::vector<double> sorted_values, double q) {
  std::sort(sorted_values.begin(), sorted_values.end());
  const double position = q * static_cast<double>(sorted_values.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted_values.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted_values[below] + (sorted_values[above] - sorted_values[below]) * fraction;
}

}  // namespace

std::vector<int> ClassificationMetrics::absent_classes() const {
  std::vector<int> out;
  for (std::size_t k = 0; k < per_class.size(); ++k) {
    if (per_class[k].support == 0) out.push_back(static_cast<int>(k));
  }
  return out;
}

ClassificationMetrics compute_metrics(const std::vector<int>& truth,
                                      const std::vector<int>& predicted, int num_classes) {
  check_labels(truth, predicted, num_classes);
  return from_confusion(confusion(truth, predicted, num_classes, {}));
}

ClassificationMetrics compute_metrics(const std::vector<int>& truth,
                                      const std::vector<int>& predicted,
                                      const Eigen::MatrixXd& probabilities) {
  const auto k = static_cast<int>(probabilities.cols());
  ClassificationMetrics m = compute_metrics(truth, predicted, k);
  if (probabilities.rows() != static_cast<Eigen::Index>(truth.size())) {
    throw Error("metrics: probabilities for " + std::to_string(probabilities.rows()) +
                " samples but " + std::to_string(truth.size()) + " labels");
  }
  for (Eigen::Index i = 0; i < probabilities.rows(); ++i) {
    for (Eigen::Index j = 0; j < k; ++j) {
      const double p = probabilities(i, j);
      if (!std::isfinite(p) || p < 0) {
        throw Error("metrics: probability of class " + std::to_string(j) + " for sample " +
                    std::to_string(i) + " is " + std::to_string(p) +
                    "; expected a finite value >= 0");
      }
    }
  }
  constexpr double eps = std::numeric_limits<double>::epsilon();
  const Eigen::MatrixXd clipped = probabilities.cwiseMax(eps).cwiseMin(1 - eps);
  const Eigen::VectorXd sums = clipped.rowwise().sum();
  double loss = 0;
  std::size_t top2 = 0;
  for (Eigen::Index i = 0; i < clipped.rows(); ++i) {
    const int t = truth[static_cast<std::size_t>(i)];
    loss -= std::log(clipped(i, t) / sums(i));
    // Rank of the true class: classes scored higher, and equal ones with a higher label.
    const double s = probabilities(i, t);
    int ahead = 0;
    for (int j = 0; j < k; ++j)
      ahead += probabilities(i, j) > s || (probabilities(i, j) == s && j > t);
    top2 += ahead < 2;
  }
  m.log_loss = loss / static_cast<double>(m.samples);
  m.top2_accuracy = static_cast<double>(top2) / static_cast<double>(m.samples);
  return m;
}

BootstrapIntervals bootstrap_intervals(const std::vector<int>& truth,
                                       const std::vector<int>& predicted, int num_classes,
                                       const BootstrapOptions& options) {
  check_labels(truth, predicted, num_classes);
  if (options.resamples == 0) throw Error("bootstrap_intervals: resamples must be at least 1");
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw Error("bootstrap_intervals: confidence " + std::to_string(options.confidence) +
                " is not in (0, 1)");
  }
  Rng rng(options.seed);
  const std::size_t n = truth.size();
  std::vector<std::size_t> index(n);
  std::vector<double> accuracy, macro_f1;
  std::vector<std::vector<double>> recall(static_cast<std::size_t>(num_classes));
  accuracy.reserve(options.resamples);
  macro_f1.reserve(options.resamples);
  for (std::size_t r = 0; r < options.resamples; ++r) {
    for (auto& i : index) i = static_cast<std::size_t>(rng.below(n));
    const ClassificationMetrics m = from_confusion(confusion(truth, predicted, num_classes, index));
    accuracy.push_back(m.accuracy);
    macro_f1.push_back(m.macro.f1);
    for (std::size_t k = 0; k < recall.size(); ++k) {
      if (m.per_class[k].support > 0) recall[k].push_back(m.per_class[k].recall);
    }
  }
  const double lo = (1 - options.confidence) / 2, hi = (1 + options.confidence) / 2;
  BootstrapIntervals out;
  out.accuracy = {quantile(accuracy, lo), quantile(accuracy, hi)};
  out.macro_f1 = {quantile(macro_f1, lo), quantile(macro_f1, hi)};
  for (const auto& values : recall) {
    out.recall.push_back(values.empty() ? Interval{}
                                        : Interval{quantile(values, lo), quantile(values, hi)});
  }
  out.options = options;
  return out;
}

}  // namespace galaxyzoo
