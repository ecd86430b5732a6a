#include "galaxyzoo/hpo/tpe_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>
#include <tuple>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/random.hpp"
#include "hpo/sampler_common.hpp"

namespace galaxyzoo {
namespace {

using detail::checked_number;
using detail::draw_uniform;
using detail::trial_rng;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kLogSqrtTwoPi = 0.91893853320467274178032973640562;  // log(sqrt(2 pi))
constexpr double kSqrtHalf = 0.70710678118654752440084436210485;
// Optuna's smallest bandwidth when the magic clip is off.
constexpr double kMinSigma = 1e-12;
// Draws from a truncated normal are rejected at most this often before clamping.
constexpr int kMaxRejections = 1000;

// log(Phi(x)), the standard normal CDF, accurate in both tails.
double log_ndtr(double x) {
  if (x > 0) return std::log1p(-0.5 * std::erfc(x * kSqrtHalf));
  if (x > -20) return std::log(0.5 * std::erfc(-x * kSqrtHalf));
  // Asymptotic series of Mills' ratio; erfc underflows further out.
  const double x2 = x * x;
  return -0.5 * x2 - std::log(-x) - kLogSqrtTwoPi +
         std::log1p(-1 / x2 + 3 / (x2 * x2) - 15 / (x2 * x2 * x2));
}

// log(1 - exp(x)) for x <= 0.
double log1mexp(double x) {
  return x > -0.6931471805599453 ? std::log(-std::expm1(x)) : std::log1p(-std::exp(x));
}

// log(Phi(b) - Phi(a)) for a <= b, without cancellation in the tails.
double log_gauss_mass(double a, double b) {
  if (!(a < b)) return -kInf;
  if (b <= 0) return log_ndtr(b) + log1mexp(log_ndtr(a) - log_ndtr(b));
  if (a >= 0) return log_gauss_mass(-b, -a);
  // The interval holds 0: 1 - Phi(a) - Phi(-b), both terms at most 1/2.
  return std::log1p(-0.5 * std::erfc(-a * kSqrtHalf) - 0.5 * std::erfc(b * kSqrtHalf));
}

double log_sum_exp(const std::vector<double>& terms) {
  const double top = *std::max_element(terms.begin(), terms.end());
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (const double t : terms) sum += std::exp(t - top);
  return top + std::log(sum);
}

// Optuna's default_weights: equal weights, except that beyond 25 observations the
// oldest ones ramp linearly from 1/n up to 1 (observations in trial order).
std::vector<double> default_weights(std::size_t n) {
  std::vector<double> w(n, 1.0);
  if (n < 25) return w;
  const std::size_t ramp = n - 25;
  for (std::size_t i = 0; i < ramp; ++i) {
    const double first = 1.0 / static_cast<double>(n);
    w[i] = ramp == 1
               ? first
               : first + (1.0 - first) * static_cast<double>(i) / static_cast<double>(ramp - 1);
  }
  return w;
}

// Component weights: the observations' then the prior's, normalised.
std::vector<double> component_log_weights(std::size_t n, double prior_weight) {
  std::vector<double> w = default_weights(n);
  w.push_back(prior_weight);
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  for (auto& x : w) x = std::log(x / total);
  return w;
}

// How TPE models one parameter. A value x maps to a coordinate u: x itself, log x on a
// log range, the choice's index for a categorical parameter. Numeric kernels are
// normal distributions truncated to [lo, hi]; a discrete value (an integer, a stepped
// float) has the kernel's mass over its cell, a continuous one its density.
class Dimension {
 public:
  explicit Dimension(const Parameter& p) : p_(&p) {
    if (p.kind == ParameterKind::categorical) return;
    if (p.log) {
      // Integers on a log range own the cells [v - 0.5, v + 0.5], in log space.
      discrete_ = p.kind == ParameterKind::integer;
      lo_ = std::log(discrete_ ? p.low - 0.5 : p.low);
      hi_ = std::log(discrete_ ? p.high + 0.5 : p.high);
    } else if (p.step > 0) {
      discrete_ = true;
      lo_ = p.low - 0.5 * p.step;
      hi_ = p.high + 0.5 * p.step;
    } else {
      lo_ = p.low;
      hi_ = p.high;
    }
  }

  const Parameter& parameter() const { return *p_; }
  bool categorical() const { return p_->kind == ParameterKind::categorical; }
  std::size_t n_choices() const { return p_->choices.size(); }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  bool discrete() const { return discrete_; }

  double coordinate(const ParameterValue& v) const {
    if (categorical())
      return static_cast<double>(std::find(p_->choices.begin(), p_->choices.end(), v) -
                                 p_->choices.begin());
    return p_->log ? std::log(to_double(v)) : to_double(v);
  }

  // The parameter's value at coordinate @p u (rounded to the grid and clamped).
  ParameterValue value(double u) const {
    const Parameter& p = *p_;
    if (categorical()) return p.choices[static_cast<std::size_t>(u)];
    if (p.log) {
      const double x = std::clamp(std::exp(u), p.low, p.high);
      if (p.kind == ParameterKind::integer)
        return static_cast<std::int64_t>(std::clamp(std::round(x), p.low, p.high));
      return x;
    }
    if (p.step > 0) {
      const double index =
          std::clamp(std::round((u - p.low) / p.step), 0.0, static_cast<double>(p.grid_size() - 1));
      return p.grid_value(static_cast<std::int64_t>(index));
    }
    return std::clamp(u, p.low, p.high);
  }

  // The cell of a discrete value, in coordinates, within [lo, hi].
  std::pair<double, double> cell(const ParameterValue& v) const {
    const double x = to_double(v);
    if (p_->log) return {std::max(std::log(x - 0.5), lo_), std::min(std::log(x + 0.5), hi_)};
    return {std::max(x - 0.5 * p_->step, lo_), std::min(x + 0.5 * p_->step, hi_)};
  }

 private:
  const Parameter* p_;
  double lo_ = 0, hi_ = 0;
  bool discrete_ = false;
};

// The kernels of one parameter: one per observation, then the prior.
class Kernels {
 public:
  Kernels(const Dimension& dim, const std::vector<double>& observations, const TpeOptions& o)
      : dim_(&dim) {
    const std::size_t n = observations.size();
    if (dim.categorical()) {
      // An observation's kernel puts 1 + floor on its choice and floor on every choice,
      // normalised; the prior's kernel is uniform.
      const std::size_t k = dim.n_choices();
      const double floor = o.prior_weight / static_cast<double>(n + 1);
      const double total = 1 + floor * static_cast<double>(k);
      for (const double c : observations) {
        std::vector<double> p(k, std::log(floor / total));
        p[static_cast<std::size_t>(c)] = std::log((1 + floor) / total);
        log_probs_.push_back(std::move(p));
      }
      log_probs_.emplace_back(k, -std::log(static_cast<double>(k)));
      return;
    }
    const double lo = dim.lo(), hi = dim.hi(), range = hi - lo;
    mus_ = observations;
    sigmas_.assign(n, 0.0);
    if (n > 0) {
      // Bandwidth: the larger distance to a neighbour, the bounds counting as
      // neighbours; without consider_endpoints the outermost kernels only look inward.
      std::vector<std::size_t> order(n);
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return mus_[a] < mus_[b]; });
      std::vector<double> sorted{lo};
      for (const auto i : order) sorted.push_back(mus_[i]);
      sorted.push_back(hi);
      std::vector<double> sorted_sigmas(n);
      for (std::size_t i = 0; i < n; ++i) {
        sorted_sigmas[i] = std::max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1]);
      }
      if (!o.consider_endpoints && n >= 2) {
        sorted_sigmas[0] = sorted[2] - sorted[1];
        sorted_sigmas[n - 1] = sorted[n] - sorted[n - 1];
      }
      for (std::size_t k = 0; k < n; ++k) sigmas_[order[k]] = sorted_sigmas[k];
      // The magic clip: no kernel narrower than the range over min(100, kernels + 1).
      const double min_sigma = o.consider_magic_clip
                                   ? range / std::min(100.0, 1.0 + static_cast<double>(n + 1))
                                   : kMinSigma;
      for (auto& s : sigmas_) s = std::clamp(s, min_sigma, range);
    }
    // The prior: one kernel as wide as the range, at its middle.
    mus_.push_back(0.5 * (lo + hi));
    sigmas_.push_back(range);
    for (std::size_t k = 0; k < mus_.size(); ++k) {
      log_norms_.push_back(
          log_gauss_mass((lo - mus_[k]) / sigmas_[k], (hi - mus_[k]) / sigmas_[k]));
    }
  }

  // A draw from kernel @p k.
  ParameterValue sample(std::size_t k, Rng& rng) const {
    if (dim_->categorical()) {
      double u = rng.uniform();
      const auto& p = log_probs_[k];
      for (std::size_t c = 0; c + 1 < p.size(); ++c) {
        u -= std::exp(p[c]);
        if (u < 0) return dim_->value(static_cast<double>(c));
      }
      return dim_->value(static_cast<double>(p.size() - 1));
    }
    // Rejection keeps at least a fifth of the draws: the mean lies in [lo, hi] and
    // the bandwidth is at most its width.
    for (int attempt = 0; attempt < kMaxRejections; ++attempt) {
      const double u = mus_[k] + sigmas_[k] * rng.normal();
      if (u >= dim_->lo() && u <= dim_->hi()) return dim_->value(u);
    }
    return dim_->value(mus_[k]);
  }

  // log of kernel @p k's probability (categorical), mass (discrete) or density
  // (continuous) at @p v.
  double log_pdf(std::size_t k, const ParameterValue& v) const {
    if (dim_->categorical()) return log_probs_[k][static_cast<std::size_t>(dim_->coordinate(v))];
    if (dim_->discrete()) {
      const auto [a, b] = dim_->cell(v);
      return log_gauss_mass((a - mus_[k]) / sigmas_[k], (b - mus_[k]) / sigmas_[k]) - log_norms_[k];
    }
    const double z = (dim_->coordinate(v) - mus_[k]) / sigmas_[k];
    return -0.5 * z * z - kLogSqrtTwoPi - std::log(sigmas_[k]) - log_norms_[k];
  }

 private:
  const Dimension* dim_;
  std::vector<double> mus_, sigmas_, log_norms_;  // numeric
  std::vector<std::vector<double>> log_probs_;    // categorical: per kernel, per choice
};

// A Parzen estimator over one or more parameters: a weighted mixture whose component k
// is the product of every parameter's kernel k (observation k's, or the prior's).
class ParzenEstimator {
 public:
  // @p observations[i]: the coordinates of observation i (one per dimension), in trial order.
  ParzenEstimator(const std::vector<Dimension>& dims,
                  const std::vector<std::vector<double>>& observations, const TpeOptions& o)
      : log_weights_(component_log_weights(observations.size(), o.prior_weight)) {
    for (std::size_t d = 0; d < dims.size(); ++d) {
      std::vector<double> column;
      for (const auto& row : observations) column.push_back(row[d]);
      kernels_.emplace_back(dims[d], column, o);
    }
  }

  std::vector<ParameterValue> sample(Rng& rng) const {
    double u = rng.uniform();
    std::size_t k = log_weights_.size() - 1;
    for (std::size_t i = 0; i + 1 < log_weights_.size(); ++i) {
      u -= std::exp(log_weights_[i]);
      if (u < 0) {
        k = i;
        break;
      }
    }
    std::vector<ParameterValue> x;
    for (const auto& kernels : kernels_) x.push_back(kernels.sample(k, rng));
    return x;
  }

  double log_pdf(const std::vector<ParameterValue>& x) const {
    std::vector<double> terms(log_weights_);
    for (std::size_t k = 0; k < terms.size(); ++k) {
      for (std::size_t d = 0; d < kernels_.size(); ++d) terms[k] += kernels_[d].log_pdf(k, x[d]);
    }
    return log_sum_exp(terms);
  }

 private:
  std::vector<double> log_weights_;
  std::vector<Kernels> kernels_;
};

// The coordinates of every trial of @p group that holds a value of each of @p dims.
std::vector<std::vector<double>> observations_of(const std::vector<Dimension>& dims,
                                                 const std::vector<const Trial*>& group) {
  std::vector<std::vector<double>> rows;
  for (const Trial* t : group) {
    std::vector<double> row;
    for (const auto& dim : dims) {
      const auto it = t->params.find(dim.parameter().name);
      if (it == t->params.end() || !dim.parameter().contains(it->second)) break;
      row.push_back(dim.coordinate(it->second));
    }
    if (row.size() == dims.size()) rows.push_back(std::move(row));
  }
  return rows;
}

// Values of @p dims: the best of n_ei_candidates draws from l(x) by log l(x) - log g(x).
std::vector<ParameterValue> propose(const std::vector<Dimension>& dims,
                                    const std::vector<const Trial*>& below,
                                    const std::vector<const Trial*>& above, const TpeOptions& o,
                                    Rng& rng) {
  const ParzenEstimator l(dims, observations_of(dims, below), o);
  const ParzenEstimator g(dims, observations_of(dims, above), o);
  std::vector<ParameterValue> best;
  double best_score = -kInf;
  for (std::int64_t i = 0; i < o.n_ei_candidates; ++i) {
    auto candidate = l.sample(rng);
    const double score = l.log_pdf(candidate) - g.log_pdf(candidate);
    if (i == 0 || score > best_score) best_score = score, best = std::move(candidate);
  }
  return best;
}

// The value of a parameter that can take only one.
std::optional<ParameterValue> single_value(const Parameter& p) {
  if (p.kind == ParameterKind::categorical) {
    if (p.choices.size() == 1) return p.choices[0];
  } else if (p.grid_size() == 1 || p.low == p.high) {
    return p.kind == ParameterKind::integer ? ParameterValue{static_cast<std::int64_t>(p.low)}
                                            : ParameterValue{p.low};
  }
  return std::nullopt;
}

// The trials a model-based sampler learns from, best first: complete trials by value,
// then pruned trials, those that got further first and, at the same last step, by the
// value there (Optuna's order); pruned trials that reported nothing come last.
std::vector<const Trial*> ranked_trials(const std::vector<Trial>& trials) {
  struct Key {
    int group;
    double first, second;
    std::int64_t number;
    bool operator<(const Key& o) const {
      return std::tie(group, first, second, number) <
             std::tie(o.group, o.first, o.second, o.number);
    }
  };
  std::vector<std::pair<Key, const Trial*>> keyed;
  for (const auto& t : trials) {
    if (t.state == TrialState::complete) {
      if (!t.value || std::isnan(*t.value)) continue;
      keyed.push_back({{0, *t.value, 0.0, t.number}, &t});
    } else if (t.state == TrialState::pruned) {
      if (t.intermediate.empty()) {
        keyed.push_back({{2, 0.0, 0.0, t.number}, &t});
      } else {
        const auto& [step, value] = *t.intermediate.rbegin();
        keyed.push_back(
            {{1, -static_cast<double>(step), std::isnan(value) ? kInf : value, t.number}, &t});
      }
    }
  }
  std::sort(keyed.begin(), keyed.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const Trial*> ranked;
  for (const auto& [key, t] : keyed) ranked.push_back(t);
  return ranked;
}

}  // namespace

TpeSampler::TpeSampler(std::uint64_t seed, TpeOptions options) : seed_(seed), options_(options) {
  if (options_.n_startup_trials < 0) throw Error("TpeSampler: n_startup_trials must be >= 0");
  if (options_.n_ei_candidates < 1) throw Error("TpeSampler: n_ei_candidates must be >= 1");
  if (!(options_.prior_weight > 0) || !std::isfinite(options_.prior_weight)) {
    throw Error("TpeSampler: prior_weight must be a finite number > 0");
  }
  if (options_.gamma_max < 1) throw Error("TpeSampler: gamma_max must be >= 1");
  if (!(options_.gamma_fraction > 0 && options_.gamma_fraction <= 1)) {
    throw Error("TpeSampler: gamma_fraction must be in (0, 1]");
  }
}

Assignment TpeSampler::sample(const SearchSpace& space, const std::vector<Trial>& trials,
                              std::int64_t number) const {
  Rng rng = trial_rng(seed_, checked_number(number));
  const auto ranked = ranked_trials(trials);
  const auto n = static_cast<std::int64_t>(ranked.size());
  if (n < options_.n_startup_trials || n == 0) return draw_uniform(space, rng);

  // The best gamma(n) trials model l(x), the rest g(x); each in trial order so that
  // the weights ramp over age.
  const auto n_below = static_cast<std::size_t>(std::min<std::int64_t>(
      static_cast<std::int64_t>(std::ceil(options_.gamma_fraction * static_cast<double>(n))),
      options_.gamma_max));
  std::vector<const Trial*> below(
      ranked.begin(),
      ranked.begin() + static_cast<std::ptrdiff_t>(std::min(n_below, ranked.size())));
  std::vector<const Trial*> above(ranked.begin() + static_cast<std::ptrdiff_t>(below.size()),
                                  ranked.end());
  const auto by_number = [](const Trial* a, const Trial* b) { return a->number < b->number; };
  std::sort(below.begin(), below.end(), by_number);
  std::sort(above.begin(), above.end(), by_number);

  Assignment assignment;
  std::vector<Dimension> modelled;
  for (const auto& p : space.parameters()) {
    if (const auto only = single_value(p)) {
      assignment[p.name] = *only;
    } else if (options_.multivariate) {
      modelled.emplace_back(p);
    } else {
      const std::vector<Dimension> one{Dimension(p)};
      assignment[p.name] = propose(one, below, above, options_, rng).front();
    }
  }
  if (!modelled.empty()) {
    const auto values = propose(modelled, below, above, options_, rng);
    for (std::size_t d = 0; d < modelled.size(); ++d)
      assignment[modelled[d].parameter().name] = values[d];
  }
  return assignment;
}

}  // namespace galaxyzoo
