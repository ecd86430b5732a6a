#include "images/svg_text.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace galaxyzoo::detail {

std::string svg_escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double& lo, double& hi, int count, bool integers) {
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
  for (double t = lo; t <= hi + step / 2; t += step)
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  return ticks;
}

namespace {

std::string with_digits(double v, int digits) {
  std::ostringstream s;
  s.precision(digits);
  s << v;
  return s.str();
}

}  // namespace

std::string tick_label(double v) { return with_digits(v, 4); }

std::vector<std::string> tick_labels(const std::vector<double>& ticks) {
  std::vector<std::string> labels;
  for (int digits = 4; digits <= 15; ++digits) {
    labels.clear();
    bool distinct = true;
    for (const double t : ticks) {
      labels.push_back(with_digits(t, digits));
      distinct = distinct && (labels.size() < 2 || labels.back() != labels[labels.size() - 2]);
    }
    if (distinct) break;
  }
  return labels;
}

std::string svg_document(int width, int height, const std::string& body) {
  std::ostringstream svg;
  svg << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width << "' height='" << height
      << "' font-family='DejaVu Sans, sans-serif'>\n"
      << body << "</svg>\n";
  return svg.str();
}

std::string svg_title(const std::string& text, double x, double width) {
  std::ostringstream out;
  std::istringstream lines(text);
  std::string line;
  for (int i = 0; std::getline(lines, line); ++i) {
    const double size = i == 0 ? 17 : 13, half = 0.31 * size * static_cast<double>(line.size()) + 6;
    const double cx = half * 2 >= width ? width / 2 : std::clamp(x, half, width - half);
    out << "<text x='" << cx << "' y='" << (i == 0 ? 26 : 30 + 17 * i)
        << "' text-anchor='middle' font-size='" << size
        << (i == 0 ? "' font-weight='bold'>" : "' fill='#444'>") << svg_escape(line) << "</text>\n";
  }
  return out.str();
}

}  // namespace galaxyzoo::detail
