#include "galaxyzoo/images/plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <utility>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "images/svg_text.hpp"

namespace galaxyzoo {
namespace {

using detail::svg_escape;

// Colours of successive series (a colour-blind-safe palette).
const char* const kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};
constexpr int kLeft = 72, kRight = 20, kTop = 42, kBottom = 56;
constexpr double kLegendRow = 20, kLegendPad = 8, kLegendMargin = 8;
constexpr double kInset = 8;  // between the frame and the axes' ends: markers stay whole

std::string colour_of(const Series& s, std::size_t k) {
  return s.colour.empty() ? kColours[k % (sizeof kColours / sizeof *kColours)] : s.colour;
}

// Where the data go in pixels.
struct Axes {
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  bool x_log = false;
  double w = 1, h = 1;  // of the plot area, whose top left corner is (kLeft, kTop)
  std::vector<double> x_ticks, y_ticks;

  double px(double x) const {
    const double t = x_log ? (std::log10(x) - std::log10(x_lo)) / (std::log10(x_hi / x_lo))
                           : (x - x_lo) / (x_hi - x_lo);
    return kLeft + kInset + t * (w - 2 * kInset);
  }
  double py(double y) const {
    return kTop + h - kInset - (y - y_lo) / (y_hi - y_lo) * (h - 2 * kInset);
  }
};

bool drawn(const Series& s, std::size_t i, bool x_log) {
  return std::isfinite(s.x[i]) && std::isfinite(s.y[i]) && (!x_log || s.x[i] > 0);
}

// Ticks at 1, 2 and 5 x 10^k (only 10^k over more than two decades) covering [lo, hi],
// which widens to whole decades.
std::vector<double> log_ticks(double& lo, double& hi) {
  const int a = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  const int b = std::max(a + 1, static_cast<int>(std::ceil(std::log10(hi) - 1e-9)));
  lo = std::pow(10.0, a), hi = std::pow(10.0, b);
  std::vector<double> ticks;
  for (int k = a; k <= b; ++k) {
    for (const double m : {1.0, 2.0, 5.0}) {
      if ((m == 1.0 || b - a <= 2) && m * std::pow(10.0, k) <= hi * (1 + 1e-9))
        ticks.push_back(m * std::pow(10.0, k));
    }
  }
  return ticks;
}

// Legend box size and the pixel rectangle it covers at a corner.
struct Box {
  double x = 0, y = 0, w = 0, h = 0;
  bool contains(double px, double py, double pad) const {
    return px >= x - pad && px <= x + w + pad && py >= y - pad && py <= y + h + pad;
  }
};

Box legend_box(const std::vector<Series>& series, const Axes& a, int corner) {
  std::size_t rows = 0, chars = 0;
  for (const auto& s : series) {
    if (s.in_legend) ++rows, chars = std::max(chars, s.label.size());
  }
  Box b;
  b.w = 44 + 7.6 * static_cast<double>(chars);
  b.h = kLegendRow * static_cast<double>(rows) + kLegendPad;
  b.x = corner % 2 == 0 ? kLeft + a.w - b.w - kLegendMargin : kLeft + kLegendMargin;
  b.y = corner < 2 ? kTop + kLegendMargin : kTop + a.h - b.h - kLegendMargin;
  return b;
}

// How much of the data the legend at @p box would hide: points, and samples along lines.
int hidden(const std::vector<Series>& series, const Axes& a, const Box& box) {
  int n = 0;
  for (const auto& s : series) {
    double last_x = NAN, last_y = NAN;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!drawn(s, i, a.x_log)) continue;
      const double x = a.px(s.x[i]), y = a.py(s.y[i]);
      n += box.contains(x, y, s.size + 4) ? 4 : 0;
      if (s.line && std::isfinite(last_x)) {
        const int steps = 1 + static_cast<int>(std::hypot(x - last_x, y - last_y) / 3);
        for (int k = 1; k < steps; ++k) {
          const double f = static_cast<double>(k) / steps;
          n += box.contains(last_x + (x - last_x) * f, last_y + (y - last_y) * f, 2);
        }
      }
      last_x = x, last_y = y;
    }
  }
  return n;
}

// The corner (0 top right, 1 top left, 2 bottom right, 3 bottom left) that hides least.
std::pair<int, int> best_corner(const std::vector<Series>& series, const Axes& a) {
  std::pair<int, int> best{0, std::numeric_limits<int>::max()};
  for (int corner = 0; corner < 4; ++corner) {
    const int cost = hidden(series, a, legend_box(series, a, corner));
    if (cost < best.second) best = {corner, cost};
  }
  return best;
}

// The data's extent: [x_lo, x_hi] x [y_lo, y_hi]; all NaN if nothing is drawn.
Axes data_extent(const std::vector<Series>& series, bool x_log) {
  Axes a;
  a.x_log = x_log;
  a.x_lo = a.y_lo = std::numeric_limits<double>::infinity();
  a.x_hi = a.y_hi = -a.x_lo;
  for (const auto& s : series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!drawn(s, i, x_log)) continue;
      a.x_lo = std::min(a.x_lo, s.x[i]), a.x_hi = std::max(a.x_hi, s.x[i]);
      a.y_lo = std::min(a.y_lo, s.y[i]), a.y_hi = std::max(a.y_hi, s.y[i]);
    }
  }
  if (!std::isfinite(a.x_lo))
    a.x_lo = x_log ? 1 : 0, a.x_hi = x_log ? 10 : 1, a.y_lo = 0, a.y_hi = 1;
  return a;
}

std::string marker_svg(Marker marker, double x, double y, double r, const std::string& colour) {
  std::ostringstream out;
  switch (marker) {
    case Marker::circle:
      out << "<circle cx='" << x << "' cy='" << y << "' r='" << r << "' fill='" << colour << "'/>";
      break;
    case Marker::ring:
      out << "<circle cx='" << x << "' cy='" << y << "' r='" << r << "' fill='none' stroke='"
          << colour << "' stroke-width='2.2'/>";
      break;
    case Marker::cross:
      out << "<path d='M" << x - r << ',' << y - r << " L" << x + r << ',' << y + r << " M" << x - r
          << ',' << y + r << " L" << x + r << ',' << y - r << "' stroke='" << colour
          << "' stroke-width='2.2'/>";
      break;
    case Marker::diamond:
      out << "<path d='M" << x << ',' << y - r * 1.3 << " L" << x + r * 1.3 << ',' << y << " L" << x
          << ',' << y + r * 1.3 << " L" << x - r * 1.3 << ',' << y << " Z' fill='" << colour
          << "'/>";
      break;
    case Marker::none:
      break;
  }
  return out.str();
}

// Grid lines, tick labels, frame and axis titles.
void draw_frame(std::ostream& out, const Axes& a, const PlotLabels& labels,
                const std::vector<std::string>& categories, int width, int height) {
  const auto x_labels = detail::tick_labels(a.x_ticks), y_labels = detail::tick_labels(a.y_ticks);
  for (std::size_t i = 0; i < a.x_ticks.size(); ++i) {
    const double t = a.x_ticks[i];
    const auto k = static_cast<std::size_t>(std::lround(t));
    out << "<line x1='" << a.px(t) << "' y1='" << kTop << "' x2='" << a.px(t) << "' y2='"
        << kTop + a.h << "' stroke='#e3e3e3'/>\n<text x='" << a.px(t) << "' y='" << kTop + a.h + 18
        << "' text-anchor='middle' font-size='12'>"
        << (categories.empty() ? x_labels[i] : svg_escape(categories.at(k))) << "</text>\n";
  }
  for (std::size_t i = 0; i < a.y_ticks.size(); ++i) {
    const double t = a.y_ticks[i];
    out << "<line x1='" << kLeft << "' y1='" << a.py(t) << "' x2='" << kLeft + a.w << "' y2='"
        << a.py(t) << "' stroke='#e3e3e3'/>\n<text x='" << kLeft - 8 << "' y='" << a.py(t) + 4
        << "' text-anchor='end' font-size='12'>" << y_labels[i] << "</text>\n";
  }
  out << "<rect x='" << kLeft << "' y='" << kTop << "' width='" << a.w << "' height='" << a.h
      << "' fill='none' stroke='#333'/>\n";
  out << "<text x='" << kLeft + a.w / 2 << "' y='" << height - 14
      << "' text-anchor='middle' font-size='14'>" << svg_escape(labels.x_label) << "</text>\n";
  out << "<text transform='translate(18," << kTop + a.h / 2
      << ") rotate(-90)' text-anchor='middle' font-size='14'>" << svg_escape(labels.y_label)
      << "</text>\n";
  out << detail::svg_title(labels.title, width / 2.0, width);
}

void draw_series(std::ostream& out, const Series& s, const std::string& colour, const Axes& a) {
  out << "<g opacity='" << s.opacity << "'>";
  if (s.line) {
    out << "<polyline points='";
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (drawn(s, i, a.x_log)) out << a.px(s.x[i]) << ',' << a.py(s.y[i]) << ' ';
    }
    out << "' fill='none' stroke='" << colour << "' stroke-width='2.2'/>\n";
  }
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (drawn(s, i, a.x_log))
      out << marker_svg(s.marker, a.px(s.x[i]), a.py(s.y[i]), s.size, colour);
  }
  out << "</g>\n";
}

void draw_legend(std::ostream& out, const std::vector<Series>& series, const Box& box) {
  out << "<rect x='" << box.x << "' y='" << box.y << "' width='" << box.w << "' height='" << box.h
      << "' fill='white' fill-opacity='0.9' stroke='#bbb'/>\n";
  double y = box.y + kLegendPad / 2 + kLegendRow / 2;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    if (!s.in_legend) continue;
    const std::string colour = colour_of(s, k);
    if (s.line) {
      out << "<line x1='" << box.x + 8 << "' y1='" << y << "' x2='" << box.x + 32 << "' y2='" << y
          << "' stroke='" << colour << "' stroke-width='2.5'/>";
    }
    out << marker_svg(s.marker, box.x + 20, y, std::min(s.size, 6.0), colour) << "<text x='"
        << box.x + 38 << "' y='" << y + 4.5 << "' font-size='13'>" << svg_escape(s.label)
        << "</text>\n";
    y += kLegendRow;
  }
}

// Sets the axes' ranges and ticks from the data extent in @p a.
void set_ticks(Axes& a, const std::vector<Series>& series, std::size_t categories) {
  if (categories > 0) {
    a.x_lo = -0.5, a.x_hi = static_cast<double>(categories) - 0.5;
    a.x_ticks.clear();
    for (std::size_t k = 0; k < categories; ++k) a.x_ticks.push_back(static_cast<double>(k));
  } else if (a.x_log) {
    a.x_ticks = log_ticks(a.x_lo, a.x_hi);
  } else {
    bool integers = true;
    for (const auto& s : series) {
      for (const double x : s.x) integers = integers && x == std::floor(x);
    }
    a.x_ticks = detail::nice_ticks(a.x_lo, a.x_hi, 6, integers);
  }
  a.y_ticks = detail::nice_ticks(a.y_lo, a.y_hi, 5);
}

}  // namespace

LinePlot::LinePlot(PlotLabels labels) : labels_(std::move(labels)) {}

void LinePlot::add(Series series) {
  if (series.x.size() != series.y.size()) {
    throw Error("LinePlot: series '" + series.label + "' has " + std::to_string(series.x.size()) +
                " x and " + std::to_string(series.y.size()) + " y values");
  }
  series_.push_back(std::move(series));
}

std::string LinePlot::svg(int width, int height) const {
  const Axes extent = data_extent(series_, x_log_ && x_categories_.empty());
  Axes a = extent;
  a.w = width - kLeft - kRight, a.h = height - kTop - kBottom;
  set_ticks(a, series_, x_categories_.size());
  const bool legend =
      std::any_of(series_.begin(), series_.end(), [](const Series& s) { return s.in_legend; });
  std::pair<int, int> corner{0, 0};
  if (legend) {
    corner = best_corner(series_, a);
    if (corner.second > 0) {
      // Every corner hides data: raise the top of the y axis until the legend fits above.
      const double room = legend_box(series_, a, 0).h + 2 * kLegendMargin;
      a.y_lo = extent.y_lo;
      a.y_hi = extent.y_hi + (extent.y_hi - extent.y_lo) * room / std::max(1.0, a.h - room);
      a.y_ticks = detail::nice_ticks(a.y_lo, a.y_hi, 5);
      corner = best_corner(series_, a);
    }
  }
  std::ostringstream out;
  out << "<rect x='0' y='0' width='" << width << "' height='" << height << "' fill='white'/>\n";
  draw_frame(out, a, labels_, x_categories_, width, height);
  for (std::size_t k = 0; k < series_.size(); ++k)
    draw_series(out, series_[k], colour_of(series_[k], k), a);
  if (legend) draw_legend(out, series_, legend_box(series_, a, corner.first));
  return out.str();
}

std::string panels_svg(const std::vector<LinePlot>& plots, int width, int height) {
  if (plots.empty()) throw Error("render_panels: no plots");
  std::ostringstream body;
  for (std::size_t i = 0; i < plots.size(); ++i) {
    body << "<g transform='translate(" << width * static_cast<int>(i) << ",0)'>\n"
         << plots[i].svg(width, height) << "</g>\n";
  }
  return detail::svg_document(width * static_cast<int>(plots.size()), height, body.str());
}

Image render_panels(const std::vector<LinePlot>& plots, int width, int height) {
  return render_svg(panels_svg(plots, width, height));
}

void write_plots(const std::vector<LinePlot>& plots, const std::filesystem::path& png, int width,
                 int height) {
  const std::string svg = panels_svg(plots, width, height);
  write_png(render_svg(svg), png);
  std::filesystem::path svg_file = png;
  write_file_atomically(svg_file.replace_extension(".svg"), svg);
}

}  // namespace galaxyzoo
