#include "galaxyzoo/hpo/trial_plots.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/hpo/hpo_search.hpp"

namespace galaxyzoo {
namespace {

constexpr const char* kComplete = "#0072B2";  // blue
constexpr const char* kPruned = "#D55E00";    // orange
constexpr const char* kRunning = "#999999";   // grey
constexpr const char* kBest = "#000000";
constexpr const char* kBestSoFar = "#009E73";  // green
constexpr const char* kObjective = "objective (lower is better)";

Series markers(std::string label, const char* colour, Marker marker) {
  Series s{std::move(label), {}, {}};
  s.line = false;
  s.colour = colour;
  s.marker = marker;
  s.size = marker == Marker::cross ? 5 : 4.5;
  return s;
}

bool has_value(const Trial& t) { return t.finished() && t.value && std::isfinite(*t.value); }

// A trial's intermediate values as a line, epochs counted from 1.
Series trial_line(const Trial& t, const char* colour) {
  Series s{"", {}, {}};
  for (const auto& [step, value] : t.intermediate) {
    s.x.push_back(static_cast<double>(step + 1));
    s.y.push_back(value);
  }
  s.colour = colour;
  s.marker = Marker::circle;
  s.size = 2.5;
  s.opacity = 0.75;
  s.in_legend = false;
  return s;
}

}  // namespace

LinePlot history_plot(const std::vector<TrialRecord>& records) {
  LinePlot plot({"Optimisation history", "trial", kObjective});
  Series complete = markers("complete", kComplete, Marker::circle);
  Series pruned = markers("pruned", kPruned, Marker::cross);
  Series best{"best so far", {}, {}};
  best.colour = kBestSoFar;
  best.marker = Marker::none;
  double so_far = std::numeric_limits<double>::infinity();
  for (const auto& r : records) {
    const Trial& t = r.trial;
    if (!has_value(t)) continue;
    const auto x = static_cast<double>(t.number);
    Series& s = t.state == TrialState::complete ? complete : pruned;
    s.x.push_back(x);
    s.y.push_back(*t.value);
    if (t.state != TrialState::complete || *t.value >= so_far) continue;
    if (std::isfinite(so_far)) best.x.push_back(x), best.y.push_back(so_far);  // the step
    so_far = *t.value;
    best.x.push_back(x), best.y.push_back(so_far);
  }
  if (!records.empty() && std::isfinite(so_far)) {
    best.x.push_back(static_cast<double>(records.back().trial.number));
    best.y.push_back(so_far);
  }
  for (auto* s : {&best, &complete, &pruned}) {
    if (!s->x.empty()) plot.add(std::move(*s));
  }
  return plot;
}

LinePlot intermediate_plot(const std::vector<TrialRecord>& records) {
  LinePlot plot({"Intermediate values", "epoch", "validation loss"});
  const auto best = best_trial(records);
  Series ends = markers("pruned (x: where)", kPruned, Marker::cross);
  bool complete_listed = false, running_listed = false;
  for (const auto& r : records) {
    const Trial& t = r.trial;
    if (t.intermediate.empty() || (best && best->trial.number == t.number)) continue;
    if (t.state == TrialState::pruned) {
      Series s = trial_line(t, kPruned);
      s.marker = Marker::none;
      ends.x.push_back(s.x.back()), ends.y.push_back(s.y.back());
      plot.add(std::move(s));
    } else if (t.state == TrialState::complete) {
      Series s = trial_line(t, kComplete);
      s.label = "complete", s.in_legend = !complete_listed, complete_listed = true;
      plot.add(std::move(s));
    } else {
      Series s = trial_line(t, kRunning);
      s.label = to_string(t.state), s.in_legend = !running_listed, running_listed = true;
      plot.add(std::move(s));
    }
  }
  if (!ends.x.empty()) plot.add(std::move(ends));
  if (best && !best->trial.intermediate.empty()) {
    Series s = trial_line(best->trial, kBest);
    s.label = "best: trial " + std::to_string(best->trial.number);
    s.in_legend = true, s.opacity = 1, s.size = 3.5;
    plot.add(std::move(s));
  }
  return plot;
}

LinePlot parameter_plot(const std::vector<TrialRecord>& records, const Parameter& parameter) {
  const bool categorical = parameter.kind == ParameterKind::categorical;
  LinePlot plot(
      {parameter.name, parameter.name + (parameter.log ? " (log scale)" : ""), kObjective});
  Series complete = markers("complete", kComplete, Marker::circle);
  Series pruned = markers("pruned", kPruned, Marker::cross);
  for (const auto& r : records) {
    const Trial& t = r.trial;
    const auto it = t.params.find(parameter.name);
    if (!has_value(t) || it == t.params.end()) continue;
    double x = 0;
    if (categorical) {
      const auto c = std::find(parameter.choices.begin(), parameter.choices.end(), it->second);
      if (c == parameter.choices.end()) continue;
      x = static_cast<double>(c - parameter.choices.begin());
    } else {
      x = to_double(it->second);
    }
    Series& s = t.state == TrialState::complete ? complete : pruned;
    s.x.push_back(x);
    s.y.push_back(*t.value);
  }
  if (categorical) {
    std::vector<std::string> names;
    for (const auto& c : parameter.choices) names.push_back(to_string(c));
    plot.set_x_categories(std::move(names));
  }
  plot.set_x_log(parameter.log);
  for (auto* s : {&complete, &pruned}) {
    if (!s->x.empty()) plot.add(std::move(*s));
  }
  return plot;
}

void write_trial_plots(const std::vector<TrialRecord>& records, const SearchSpace& space,
                       const std::filesystem::path& folder, const std::string& name) {
  write_plots({history_plot(records)}, folder / (name + "_history.png"));
  write_plots({intermediate_plot(records)}, folder / (name + "_intermediate.png"));
  std::vector<LinePlot> parameters;
  for (const auto& p : space.parameters()) parameters.push_back(parameter_plot(records, p));
  if (!parameters.empty()) write_plots(parameters, folder / (name + "_params.png"), 480, 400);
}

}  // namespace galaxyzoo
