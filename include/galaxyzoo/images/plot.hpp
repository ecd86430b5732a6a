#pragma once
/// @file
/// Line and scatter plots rendered by the library: SVG text, turned into PNG through
/// libvips. Enough plotting for the workflow's figures (loss curves, the search's trials);
/// heatmaps are in heatmap.hpp.
///
/// @code
/// galaxyzoo::LinePlot loss({"Loss", "epoch", "cross-entropy"});
/// loss.add({"train", {1, 2, 3}, {1.2, 0.9, 0.7}});
/// loss.add({"val", {1, 2, 3}, {1.3, 1.0, 0.95}});
/// galaxyzoo::Series best{"best epoch", {3}, {0.95}};
/// best.line = false;
/// best.marker = galaxyzoo::Marker::ring;
/// loss.add(best);
/// galaxyzoo::write_plots({loss}, "loss.png");  // loss.png and loss.svg
/// @endcode
///
/// A LinePlot has titled axes with "nice" ticks and grid lines (linear, logarithmic or
/// named categories on x), one polyline and/or markers per series, and a legend in the
/// corner of the plot area that hides the fewest points (with room made above the data
/// when every corner would hide some); several plots can share one image as panels.

#include <filesystem>
#include <string>
#include <vector>

#include "galaxyzoo/images/image.hpp"

namespace galaxyzoo {

/// The shape drawn at each point of a series.
enum class Marker {
  circle,   ///< a filled disc
  cross,    ///< an x
  diamond,  ///< a filled diamond
  ring,     ///< a large hollow circle, to single out a point drawn by another series
  none,     ///< no marker (the line only)
};

/// One line of a plot.
struct Series {
  std::string label;               ///< legend entry
  std::vector<double> x;           ///< abscissae
  std::vector<double> y;           ///< ordinates (NaN points are skipped)
  bool line = true;                ///< join the points with a line (false: markers only)
  Marker marker = Marker::circle;  ///< the shape at each point
  std::string colour{};            ///< "#rrggbb"; empty: the palette's next colour
  bool in_legend = true;           ///< false: drawn but not listed in the legend
  double size = 3.5;               ///< marker radius in pixels
  double opacity = 1;              ///< of the line and markers, in (0, 1]
};

/// Titles of a plot.
struct PlotLabels {
  std::string title;    ///< above the plot
  std::string x_label;  ///< under the x axis
  std::string y_label;  ///< beside the y axis
};

/// A plot of lines against shared axes.
class LinePlot {
 public:
  /// An empty plot with these titles.
  explicit LinePlot(PlotLabels labels);
  /// Adds a series. @throws Error if x and y differ in length.
  void add(Series series);
  /// A logarithmic x axis (ticks at 1, 2 and 5 x 10^k); points with x <= 0 are skipped.
  void set_x_log(bool log = true) { x_log_ = log; }
  /// Named categories on x: the series' x values are indices into @p names (0, 1, ...).
  void set_x_categories(std::vector<std::string> names) { x_categories_ = std::move(names); }
  /// The plot as an SVG group of @p width x @p height pixels.
  std::string svg(int width, int height) const;

 private:
  PlotLabels labels_;
  std::vector<Series> series_;
  bool x_log_ = false;
  std::vector<std::string> x_categories_;
};

/// @p plots side by side, each @p width x @p height pixels, on white, as an SVG document.
/// @throws Error if there are no plots.
std::string panels_svg(const std::vector<LinePlot>& plots, int width = 640, int height = 440);

/// Renders @p plots side by side, each @p width x @p height pixels, on white.
/// @throws Error if libvips cannot render the SVG.
Image render_panels(const std::vector<LinePlot>& plots, int width = 640, int height = 440);

/// Writes @p plots (as render_panels() draws them) to @p png, and as SVG to the same path
/// with the extension ".svg" (for papers), each atomically.
/// @throws Error as render_panels(); IoError if a file cannot be written.
void write_plots(const std::vector<LinePlot>& plots, const std::filesystem::path& png,
                 int width = 640, int height = 440);

}  // namespace galaxyzoo
