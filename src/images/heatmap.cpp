#include "galaxyzoo/images/heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <utility>

#include "galaxyzoo/core/error.hpp"
#include "images/svg_text.hpp"

namespace galaxyzoo {
namespace {

using detail::nice_ticks;
using detail::svg_escape;
using detail::svg_title;
using detail::tick_label;

std::string fixed(double v, int decimals) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(std::max(decimals, 0));
  s << (v == 0 ? 0.0 : v);  // no "-0.00"
  return s.str();
}

// ColorBrewer's 9-class "Blues" (matplotlib's and seaborn's "Blues"), light to dark.
constexpr unsigned char kBlues[9][3] = {{247, 251, 255}, {222, 235, 247}, {198, 219, 239},
                                        {158, 202, 225}, {107, 174, 214}, {66, 146, 198},
                                        {33, 113, 181},  {8, 81, 156},    {8, 48, 107}};

// The colour of @p t in [0, 1] on the Blues scale, and whether it is dark (for the text).
std::string blues(double t, bool* dark = nullptr) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * 8;
  const int i = std::min(static_cast<int>(t), 7);
  const double f = t - i;
  double rgb[3];
  for (int c = 0; c < 3; ++c) rgb[c] = kBlues[i][c] + (kBlues[i + 1][c] - kBlues[i][c]) * f;
  if (dark) *dark = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] < 140;
  char hex[8];
  std::snprintf(hex, sizeof hex, "#%02x%02x%02x", static_cast<int>(std::lround(rgb[0])),
                static_cast<int>(std::lround(rgb[1])), static_cast<int>(std::lround(rgb[2])));
  return hex;
}

// @p text broken at newlines, and at spaces into lines of at most @p width characters
// (longer words stay whole).
std::vector<std::string> wrap(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::istringstream paragraphs(text);
  std::string paragraph;
  while (std::getline(paragraphs, paragraph)) {
    std::istringstream words(paragraph);
    std::string word;
    bool first = true;
    while (words >> word) {
      if (!first && lines.back().size() + 1 + word.size() <= width) {
        lines.back() += ' ' + word;
      } else {
        lines.push_back(word);
      }
      first = false;
    }
  }
  if (lines.empty()) lines.emplace_back();
  return lines;
}

std::size_t longest(const std::vector<std::string>& lines) {
  std::size_t n = 0;
  for (const auto& l : lines) n = std::max(n, l.size());
  return n;
}

// Multi-line text centred vertically on @p y (one <tspan> per line).
std::string text_lines(const std::vector<std::string>& lines, double x, double y,
                       const char* anchor, double size, const char* fill = "#222") {
  std::ostringstream out;
  const double step = size * 1.2;
  const double first = y + size * 0.35 - step * (static_cast<double>(lines.size()) - 1) / 2;
  out << "<text text-anchor='" << anchor << "' font-size='" << size << "' fill='" << fill << "'>";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out << "<tspan x='" << x << "' y='" << first + step * static_cast<double>(i) << "'>"
        << svg_escape(lines[i]) << "</tspan>";
  }
  out << "</text>\n";
  return out.str();
}

// The values a heatmap draws white (lo) and darkest blue (hi).
struct ColourRange {
  double lo = 0, hi = 1;
};

ColourRange colour_range(const Eigen::MatrixXd& values, const HeatmapOptions& options) {
  double lo = options.min, hi = options.max;
  double smallest = std::numeric_limits<double>::infinity(), largest = -smallest;
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    const double v = values.data()[i];
    if (std::isfinite(v)) smallest = std::min(smallest, v), largest = std::max(largest, v);
  }
  if (!std::isfinite(smallest)) smallest = 0, largest = 1;  // all missing
  if (std::isnan(lo)) lo = std::min(0.0, smallest);
  if (std::isnan(hi)) hi = largest;
  if (!(hi > lo)) hi = lo + 1;
  return {lo, hi};
}

constexpr double kHeatmapFont = 13;                      // names of rows and columns
constexpr double kHeatmapAdvance = 0.58 * kHeatmapFont;  // DejaVu Sans' mean advance
constexpr double kColourBarWidth = 18;

// Where the parts of a heatmap go: names wrapped to lines, the cell size, the grid.
struct HeatmapLayout {
  std::vector<std::vector<std::string>> row_lines, column_lines;
  std::size_t column_rows = 2;  // lines of the longest column name
  double cell = 1;              // side of a cell
  double column_font = kHeatmapFont;
  double grid_w = 0, grid_h = 0;  // size of the grid
  double x0 = 0, y0 = 0;          // its top left corner
  double shift = 0;               // how far the grid (and the title) moved down
};

HeatmapLayout heatmap_layout(int width, int height, const std::string& title,
                             const std::vector<std::string>& row_names,
                             const std::vector<std::string>& column_names) {
  const auto rows = static_cast<int>(row_names.size()),
             cols = static_cast<int>(column_names.size());
  HeatmapLayout l;
  std::size_t row_chars = 0;
  for (const auto& n : row_names)
    l.row_lines.push_back(wrap(n, 16)),
        row_chars = std::max(row_chars, longest(l.row_lines.back()));
  const double left = 44 + kHeatmapAdvance * static_cast<double>(row_chars) + 10;
  const double right = 100;
  const double top = 46 + 17 * static_cast<double>(std::count(title.begin(), title.end(), '\n'));
  // Column names wrap to the cell width, so the cell size and the lines under the grid
  // depend on each other: start from two lines, wrap, and size the cells again.
  std::size_t column_chars = 1;
  double bottom = 0;
  for (int pass = 0; pass < 2; ++pass) {
    bottom = 14 + kHeatmapFont * 1.2 * static_cast<double>(l.column_rows) + 40;
    l.cell = std::max(1.0, std::min((width - left - right) / cols, (height - top - bottom) / rows));
    const auto chars = static_cast<std::size_t>(std::max(4.0, l.cell * 0.95 / kHeatmapAdvance));
    l.column_lines.clear();
    l.column_rows = 1;
    column_chars = 1;
    for (const auto& n : column_names) {
      l.column_lines.push_back(wrap(n, chars));
      l.column_rows = std::max(l.column_rows, l.column_lines.back().size());
      column_chars = std::max(column_chars, longest(l.column_lines.back()));
    }
  }
  // Words longer than a cell get a smaller font rather than running into their neighbours.
  l.column_font =
      std::clamp(l.cell * 0.95 / (0.58 * static_cast<double>(column_chars)), 8.0, kHeatmapFont);
  l.grid_w = l.cell * cols, l.grid_h = l.cell * rows;
  // The grid centred in the space left; the title moves down with it.
  l.x0 = left + (width - left - right - l.grid_w) / 2;
  l.shift = std::max(0.0, (height - top - bottom - l.grid_h) / 2), l.y0 = top + l.shift;
  return l;
}

// The cells with their values, and the row names beside them.
void draw_cells(std::ostream& out, const HeatmapLayout& l, const Eigen::MatrixXd& values,
                const ColourRange& range, const HeatmapOptions& options) {
  const double cell = l.cell;
  // Cell text as large as fits (DejaVu Sans digits are 0.64 em wide).
  auto cell_font = [&](const std::string& text) {
    const double fits =
        cell * 0.85 / (0.64 * std::max<double>(1, static_cast<double>(text.size())));
    return std::clamp(std::min(cell / 4.2, fits), 7.0, 16.0);
  };
  for (int r = 0; r < values.rows(); ++r) {
    for (int c = 0; c < values.cols(); ++c) {
      const double v = values(r, c), x = l.x0 + cell * c, y = l.y0 + cell * r;
      bool dark = false;
      const bool missing = std::isnan(v);
      const std::string fill =
          missing ? "#e6e6e6" : blues((v - range.lo) / (range.hi - range.lo), &dark);
      out << "<rect x='" << x << "' y='" << y << "' width='" << cell << "' height='" << cell
          << "' fill='" << fill << "' stroke='white' stroke-width='1.5'/>\n";
      const std::string text = missing ? options.missing_text : fixed(v, options.decimals);
      out << text_lines({text}, x + cell / 2, y + cell / 2, "middle", cell_font(text),
                        missing ? "#777"
                        : dark  ? "white"
                                : "#111");
    }
    out << text_lines(l.row_lines[static_cast<std::size_t>(r)], l.x0 - 8, l.y0 + cell * (r + 0.5),
                      "end", kHeatmapFont);
  }
}

// The column names under the grid and the axis labels.
void draw_axes(std::ostream& out, const HeatmapLayout& l, const PlotLabels& labels) {
  for (std::size_t c = 0; c < l.column_lines.size(); ++c) {
    const auto& lines = l.column_lines[c];
    const double block = l.column_font * 1.2 * static_cast<double>(lines.size());
    out << text_lines(lines, l.x0 + l.cell * (static_cast<int>(c) + 0.5),
                      l.y0 + l.grid_h + 10 + block / 2, "middle", l.column_font);
  }
  out << "<text x='" << l.x0 + l.grid_w / 2 << "' y='"
      << l.y0 + l.grid_h + 14 + kHeatmapFont * 1.2 * static_cast<double>(l.column_rows) + 22
      << "' text-anchor='middle' font-size='14' font-weight='bold'>" << svg_escape(labels.x_label)
      << "</text>\n";
  out << "<text transform='translate(20," << l.y0 + l.grid_h / 2
      << ") rotate(-90)' text-anchor='middle' font-size='14' font-weight='bold'>"
      << svg_escape(labels.y_label) << "</text>\n";
}

// The colour bar: a gradient through the scale's stops, with ticks inside [lo, hi].
void draw_colour_bar(std::ostream& out, const HeatmapLayout& l, const ColourRange& range,
                     const std::string& colour_label) {
  const double lo = range.lo, hi = range.hi;
  const double bx = l.x0 + l.grid_w + 24;
  out << "<defs><linearGradient id='heatmap-scale' x1='0' y1='1' x2='0' y2='0'>";
  for (int i = 0; i <= 8; ++i)
    out << "<stop offset='" << i / 8.0 << "' stop-color='" << blues(i / 8.0) << "'/>";
  out << "</linearGradient></defs>\n";
  out << "<rect x='" << bx << "' y='" << l.y0 << "' width='" << kColourBarWidth << "' height='"
      << l.grid_h << "' fill='url(#heatmap-scale)' stroke='#555' stroke-width='0.8'/>\n";
  double tick_lo = lo, tick_hi = hi;
  for (const double t : nice_ticks(tick_lo, tick_hi, 5)) {
    if (t < lo - 1e-9 * (hi - lo) || t > hi + 1e-9 * (hi - lo)) continue;
    const double ty = l.y0 + l.grid_h - (t - lo) / (hi - lo) * l.grid_h;
    out << "<line x1='" << bx + kColourBarWidth << "' y1='" << ty << "' x2='"
        << bx + kColourBarWidth + 5 << "' y2='" << ty << "' stroke='#555'/>\n<text x='"
        << bx + kColourBarWidth + 8 << "' y='" << ty + 4 << "' font-size='12'>" << tick_label(t)
        << "</text>\n";
  }
  if (!colour_label.empty()) {
    out << "<text transform='translate(" << bx + kColourBarWidth + 50 << "," << l.y0 + l.grid_h / 2
        << ") rotate(-90)' text-anchor='middle' font-size='13'>" << svg_escape(colour_label)
        << "</text>\n";
  }
}

}  // namespace

Heatmap::Heatmap(PlotLabels labels, Eigen::MatrixXd values, std::vector<std::string> row_names,
                 std::vector<std::string> column_names, HeatmapOptions options)
    : labels_(std::move(labels)),
      values_(std::move(values)),
      row_names_(std::move(row_names)),
      column_names_(std::move(column_names)),
      options_(std::move(options)) {
  if (values_.size() == 0) throw Error("Heatmap '" + labels_.title + "': the matrix is empty");
  if (row_names_.size() != static_cast<std::size_t>(values_.rows()) ||
      column_names_.size() != static_cast<std::size_t>(values_.cols())) {
    throw Error("Heatmap '" + labels_.title + "': " + std::to_string(row_names_.size()) +
                " row and " + std::to_string(column_names_.size()) + " column names for a " +
                std::to_string(values_.rows()) + " x " + std::to_string(values_.cols()) +
                " matrix");
  }
}

std::string Heatmap::svg(int width, int height) const {
  const ColourRange range = colour_range(values_, options_);
  const HeatmapLayout layout =
      heatmap_layout(width, height, labels_.title, row_names_, column_names_);
  std::ostringstream out;
  out << "<rect x='0' y='0' width='" << width << "' height='" << height << "' fill='white'/>\n";
  out << "<g transform='translate(0," << layout.shift << ")'>"
      << svg_title(labels_.title, layout.x0 + layout.grid_w / 2, width) << "</g>\n";
  draw_cells(out, layout, values_, range, options_);
  draw_axes(out, layout, labels_);
  draw_colour_bar(out, layout, range, options_.colour_label);
  return out.str();
}

Image Heatmap::render(int width, int height) const {
  return render_svg(detail::svg_document(width, height, svg(width, height)));
}

}  // namespace galaxyzoo
