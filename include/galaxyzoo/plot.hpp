#pragma once
/// @file
/// Line plots rendered by the library: SVG text, turned into PNG through libvips.
///
/// Enough plotting for the workflow's figures (loss curves now, confusion matrices later)
/// without a Python stack: titled axes with "nice" ticks and grid lines, one polyline with
/// markers per series, and a legend. Several plots can share one image as panels.
///
/// @code
/// galaxyzoo::LinePlot loss({"Loss", "epoch", "cross-entropy"});
/// loss.add({"train", {0, 1, 2}, {1.2, 0.9, 0.7}});
/// loss.add({"val", {0, 1, 2}, {1.3, 1.0, 0.95}});
/// galaxyzoo::write_png(galaxyzoo::render_panels({loss}), "loss.png");
/// @endcode

#include <string>
#include <vector>

#include "galaxyzoo/image.hpp"

namespace galaxyzoo {

/// One line of a plot.
struct Series {
  std::string label;       ///< legend entry
  std::vector<double> x;   ///< abscissae
  std::vector<double> y;   ///< ordinates (NaN points are skipped)
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
  /// The plot as an SVG group of @p width x @p height pixels.
  std::string svg(int width, int height) const;

 private:
  PlotLabels labels_;
  std::vector<Series> series_;
};

/// Renders @p plots side by side, each @p width x @p height pixels, on white.
/// @throws Error if libvips cannot render the SVG.
Image render_panels(const std::vector<LinePlot>& plots, int width = 640, int height = 440);

}  // namespace galaxyzoo
