#include "galaxyzoo/plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "galaxyzoo/error.hpp"

namespace galaxyzoo {
namespace {

// Colours of successive series (a colour-blind-safe palette).
const char* const kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};
constexpr int kLeft = 72, kRight = 20, kTop = 42, kBottom = 56;

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Ticks at multiples of 1, 2 or 5 x 10^k covering [lo, hi] with about @p count steps.
std::vector<double> nice_ticks(double& lo, double& hi, int count, bool integers = false) {
  if (!(hi > lo)) {
    const double pad = lo == 0 ? 1 : std::abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / count;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (raw <= step) break;
  }
  if (integers) step = std::max(step, 1.0);  // no ticks between whole epochs
  lo = std::floor(lo / step) * step;
  hi = std::ceil(hi / step) * step;
  std::vector<double> ticks;
  for (double t = lo; t <= hi + step / 2; t += step) ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

std::string number(double v) {
  std::ostringstream s;
  s.precision(4);
  s << v;
  return s.str();
}

}  // namespace

LinePlot::LinePlot(PlotLabels labels) : labels_(std::move(labels)) {}

void LinePlot::add(Series series) {
  if (series.x.size() != series.y.size()) {
    throw Error("LinePlot: series '" + series.label + "' has " + std::to_string(series.x.size()) + " x and " +
                std::to_string(series.y.size()) + " y values");
  }
  series_.push_back(std::move(series));
}

std::string LinePlot::svg(int width, int height) const {
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo, y_lo = x_lo, y_hi = -x_lo;
  for (const auto& s : series_) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
    }
  }
  if (!std::isfinite(x_lo)) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;  // nothing to draw
  bool integer_x = true;
  for (const auto& s : series_) {
    for (const double x : s.x) integer_x = integer_x && x == std::floor(x);
  }
  const auto x_ticks = nice_ticks(x_lo, x_hi, 6, integer_x);
  const auto y_ticks = nice_ticks(y_lo, y_hi, 5);
  const double w = width - kLeft - kRight, h = height - kTop - kBottom;
  auto px = [&](double x) { return kLeft + (x - x_lo) / (x_hi - x_lo) * w; };
  auto py = [&](double y) { return kTop + h - (y - y_lo) / (y_hi - y_lo) * h; };

  std::ostringstream out;
  out << "<rect x='0' y='0' width='" << width << "' height='" << height << "' fill='white'/>\n";
  out << "<text x='" << width / 2 << "' y='26' text-anchor='middle' font-size='17' font-weight='bold'>"
      << escape(labels_.title) << "</text>\n";
  for (const double t : x_ticks) {
    out << "<line x1='" << px(t) << "' y1='" << kTop << "' x2='" << px(t) << "' y2='" << kTop + h
        << "' stroke='#e3e3e3'/>\n<text x='" << px(t) << "' y='" << kTop + h + 18
        << "' text-anchor='middle' font-size='12'>" << number(t) << "</text>\n";
  }
  for (const double t : y_ticks) {
    out << "<line x1='" << kLeft << "' y1='" << py(t) << "' x2='" << kLeft + w << "' y2='" << py(t)
        << "' stroke='#e3e3e3'/>\n<text x='" << kLeft - 8 << "' y='" << py(t) + 4
        << "' text-anchor='end' font-size='12'>" << number(t) << "</text>\n";
  }
  out << "<rect x='" << kLeft << "' y='" << kTop << "' width='" << w << "' height='" << h
      << "' fill='none' stroke='#333'/>\n";
  out << "<text x='" << kLeft + w / 2 << "' y='" << height - 14 << "' text-anchor='middle' font-size='14'>"
      << escape(labels_.x_label) << "</text>\n";
  out << "<text transform='translate(18," << kTop + h / 2 << ") rotate(-90)' text-anchor='middle' font-size='14'>"
      << escape(labels_.y_label) << "</text>\n";

  if (!series_.empty()) {  // legend box, top right inside the plot area
    out << "<rect x='" << kLeft + w - 118 << "' y='" << kTop + 6 << "' width='110' height='"
        << 20 * series_.size() + 8 << "' fill='white' fill-opacity='0.85' stroke='#bbb'/>\n";
  }
  for (std::size_t k = 0; k < series_.size(); ++k) {
    const auto& s = series_[k];
    const char* colour = kColours[k % (sizeof kColours / sizeof *kColours)];
    std::ostringstream points;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) points << px(s.x[i]) << ',' << py(s.y[i]) << ' ';
    }
    out << "<polyline points='" << points.str() << "' fill='none' stroke='" << colour << "' stroke-width='2.2'/>\n";
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        out << "<circle cx='" << px(s.x[i]) << "' cy='" << py(s.y[i]) << "' r='3.5' fill='" << colour << "'/>\n";
      }
    }
    const double ly = kTop + 18 + 20.0 * static_cast<double>(k);
    out << "<line x1='" << kLeft + w - 110 << "' y1='" << ly - 4 << "' x2='" << kLeft + w - 86 << "' y2='" << ly - 4
        << "' stroke='" << colour << "' stroke-width='2.5'/>\n<text x='" << kLeft + w - 80 << "' y='" << ly
        << "' font-size='13'>" << escape(s.label) << "</text>\n";
  }
  return out.str();
}

Image render_panels(const std::vector<LinePlot>& plots, int width, int height) {
  if (plots.empty()) throw Error("render_panels: no plots");
  std::ostringstream svg;
  const int total = width * static_cast<int>(plots.size());
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << total << "' height='" << height
      << "' font-family='DejaVu Sans, sans-serif'>\n";
  for (std::size_t i = 0; i < plots.size(); ++i) {
    svg << "<g transform='translate(" << width * static_cast<int>(i) << ",0)'>\n" << plots[i].svg(width, height) << "</g>\n";
  }
  svg << "</svg>\n";
  return render_svg(svg.str());
}

}  // namespace galaxyzoo
