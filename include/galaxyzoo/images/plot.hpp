#pragma once
/// @file
/// Line plots and heatmaps rendered by the library: SVG text, turned into PNG through
/// libvips. Enough plotting for the workflow's figures (loss curves, confusion matrices).
///
/// @code
/// galaxyzoo::LinePlot loss({"Loss", "epoch", "cross-entropy"});
/// loss.add({"train", {0, 1, 2}, {1.2, 0.9, 0.7}});
/// loss.add({"val", {0, 1, 2}, {1.3, 1.0, 0.95}});
/// galaxyzoo::write_png(galaxyzoo::render_panels({loss}), "loss.png");
///
/// Eigen::MatrixXd cm(2, 2);
/// cm << 0.9, 0.1, 0.25, 0.75;
/// galaxyzoo::Heatmap map({"Confusion matrix", "predicted", "true"}, cm,
///                        {"round", "spiral"}, {"round", "spiral"});
/// galaxyzoo::write_png(map.render(), "confusion.png");
/// @endcode
///
/// A LinePlot has titled axes with "nice" ticks and grid lines, one polyline with markers
/// per series, and a legend; several plots can share one image as panels. A Heatmap
/// colours the cells of a matrix on a white-to-blue scale, writes each cell's value in it,
/// names the rows and columns and adds a colour bar.

#include <Eigen/Core>

#include <limits>
#include <string>
#include <vector>

#include "galaxyzoo/images/image.hpp"

namespace galaxyzoo {

/// One line of a plot.
struct Series {
  std::string label;      ///< legend entry
  std::vector<double> x;  ///< abscissae
  std::vector<double> y;  ///< ordinates (NaN points are skipped)
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

/// How a Heatmap shows its values.
struct HeatmapOptions {
  int decimals = 2;  ///< digits after the decimal point in the cells (0: whole numbers)
  /// Value drawn white; NaN (the default): 0, or the smallest value if that is below 0.
  double min = std::numeric_limits<double>::quiet_NaN();
  /// Value drawn darkest blue; NaN (the default): the largest value.
  double max = std::numeric_limits<double>::quiet_NaN();
  std::string colour_label;          ///< beside the colour bar (default: none)
  std::string missing_text = "n/a";  ///< written in NaN cells, which are drawn grey
};

/// A matrix drawn as coloured cells with their values, row and column names and a colour bar.
class Heatmap {
 public:
  /// A heatmap of @p values; labels.x_label names the columns, labels.y_label the rows.
  /// Lines of the title after the first (separated by '\n') are drawn smaller, as a
  /// subtitle. Names are wrapped at spaces and at '\n'. NaN values are drawn as missing.
  /// @throws Error if the matrix is empty or the numbers of names differ from its shape.
  Heatmap(PlotLabels labels, Eigen::MatrixXd values, std::vector<std::string> row_names,
          std::vector<std::string> column_names, HeatmapOptions options = {});
  /// The heatmap as an SVG group of @p width x @p height pixels.
  std::string svg(int width, int height) const;
  /// The heatmap rendered on white. @throws Error if libvips cannot render the SVG.
  Image render(int width = 780, int height = 680) const;

 private:
  PlotLabels labels_;
  Eigen::MatrixXd values_;
  std::vector<std::string> row_names_;
  std::vector<std::string> column_names_;
  HeatmapOptions options_;
};

}  // namespace galaxyzoo
