#include "galaxyzoo/core/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <mutex>
#include <utility>
#include <vector>

namespace galaxyzoo {
namespace {

constexpr double kMinRateSeconds = 0.5;

struct Level {
  std::string name;
  std::int64_t index = 0;
  std::int64_t count = 0;
};

// The levels of this thread's meters, outermost first.
thread_local std::vector<Level> t_levels;

std::mutex g_output_mutex;
ProgressOutput g_output;

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Phases still to run after the current one, as a multiple of one phase: the rest of
// every level.
double phases_after_current() {
  double rest = 0, below = 1;
  for (auto it = t_levels.rbegin(); it != t_levels.rend(); ++it) {
    rest += static_cast<double>(std::max<std::int64_t>(it->count - it->index, 0)) * below;
    below *= static_cast<double>(std::max<std::int64_t>(it->count, 1));
  }
  return rest;
}

}  // namespace

ProgressOutput ProgressOutput::standard_error() {
  ProgressOutput out;
  out.stream = &std::cerr;
  out.terminal = is_terminal(STDERR_FILENO);
  return out;
}

ProgressOutput progress_output() {
  std::lock_guard<std::mutex> lock(g_output_mutex);
  return g_output;
}

void set_progress_output(const ProgressOutput& output) {
  std::lock_guard<std::mutex> lock(g_output_mutex);
  g_output = output;
}

bool is_terminal(int fd) noexcept { return ::isatty(fd) == 1; }

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "-:--";
  const auto total = static_cast<long long>(std::llround(seconds));
  char text[48];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

ProgressStage::ProgressStage(std::string name, std::int64_t index, std::int64_t count) {
  t_levels.push_back({std::move(name), index, count});
}

ProgressStage::~ProgressStage() {
  if (!t_levels.empty()) t_levels.pop_back();
}

struct ProgressMeter::State {
  std::string item, unit;
  std::size_t total = 0, first = 0;
  ProgressOutput output;
  Clock clock;
  double start = 0;
  std::size_t done = 0;
  double units = 0;
  double now = 0;
  double last_plain = 0, last_redraw = -1e300;
  double next_fraction = 0;  // items at which the next fraction line is due
  std::size_t drawn = 0;     // length of the line on the terminal (0: none)
  bool finished = false;

  void advance_fraction() {
    const double step = output.fraction * static_cast<double>(total);
    if (step <= 0) return;
    next_fraction = (std::floor(static_cast<double>(done) / step) + 1) * step;
  }

  bool plain_due() const {
    return output.interval_seconds <= 0 || now - last_plain >= output.interval_seconds ||
           (output.fraction > 0 && static_cast<double>(done) >= next_fraction) || done == total;
  }

  void redraw(const std::string& text) {
    std::ostream& out = *output.stream;
    out << '\r' << text;
    if (drawn > text.size()) out << std::string(drawn - text.size(), ' ');
    out << std::flush;
    drawn = std::max<std::size_t>(text.size(), 1);
    last_redraw = now;
  }
};

ProgressMeter::ProgressMeter(std::string item, std::size_t total, std::string unit,
                             ProgressOutput output, std::size_t first, Clock clock)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.item = std::move(item);
  s.unit = std::move(unit);
  s.total = total;
  s.first = s.done = first;
  s.output = output;
  s.clock = clock ? std::move(clock) : Clock(steady_seconds);
  s.start = s.now = s.last_plain = s.clock();
  s.advance_fraction();
}

ProgressMeter::~ProgressMeter() { finish(); }

void ProgressMeter::update(std::size_t done, double units) {
  State& s = *state_;
  s.done = done;
  s.units = units;
  s.now = s.clock();
  const bool live = s.output.stream != nullptr && s.output.terminal;
  if (live && (s.now - s.last_redraw >= s.output.redraw_seconds || done == s.total))
    s.redraw(line());
  std::ostream* plain =
      s.output.stream != nullptr && !s.output.terminal ? s.output.stream : nullptr;
  if ((plain == nullptr && s.output.log == nullptr) || !s.plain_due()) return;
  const std::string text = line();
  for (std::ostream* out : {plain, s.output.log}) {
    if (out != nullptr) *out << text << '\n' << std::flush;
  }
  s.last_plain = s.now;
  s.advance_fraction();
}

void ProgressMeter::finish() {
  State& s = *state_;
  if (s.finished) return;
  s.finished = true;
  if (s.drawn > 0 && s.output.stream != nullptr) {
    *s.output.stream << '\r' << std::string(s.drawn, ' ') << '\r' << std::flush;
    s.drawn = 0;
  }
}

std::string ProgressMeter::line() const {
  const State& s = *state_;
  std::string text;
  for (const Level& level : t_levels) {
    text +=
        level.name + ' ' + std::to_string(level.index) + '/' + std::to_string(level.count) + "  ";
  }
  const double elapsed = s.now - s.start;
  // A rate over less than half a second says little (the first item's, say).
  const double rate = elapsed >= kMinRateSeconds ? s.units / elapsed : 0;
  // Seconds per item in this meter's life; unknown before the first item.
  const double per_item = s.done > s.first ? elapsed / static_cast<double>(s.done - s.first)
                                           : std::numeric_limits<double>::quiet_NaN();
  const double phase_left = per_item * static_cast<double>(s.total - std::min(s.done, s.total));
  char numbers[64];
  std::snprintf(numbers, sizeof numbers, "%.1f", rate);
  text += s.item + ' ' + std::to_string(s.done) + '/' + std::to_string(s.total) + "  " + numbers +
          ' ' + s.unit + "/s  elapsed " + format_duration(elapsed) + "  ETA ";
  if (t_levels.empty()) return text + format_duration(phase_left);
  const double step_left =
      phase_left + phases_after_current() * per_item * static_cast<double>(s.total);
  return text + t_levels.back().name + ' ' + format_duration(phase_left) + ", step " +
         format_duration(step_left);
}

std::function<void(std::size_t, std::size_t)> ProgressMeter::callback(std::string item,
                                                                      std::string unit) {
  auto meter = std::make_shared<std::unique_ptr<ProgressMeter>>();
  return
      [meter, item = std::move(item), unit = std::move(unit)](std::size_t done, std::size_t total) {
        if (!*meter) *meter = std::make_unique<ProgressMeter>(item, total, unit);
        (*meter)->update(done, static_cast<double>(done));
        if (done >= total) meter->reset();
      };
}

}  // namespace galaxyzoo
