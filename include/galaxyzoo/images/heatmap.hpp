#pragma once
/// @file
/// Heatmaps rendered by the library: a matrix drawn as coloured cells with their values,
/// as SVG text or rendered to an image through libvips (the confusion matrices).
///
/// @code
/// Eigen::MatrixXd cm(2, 2);
/// cm << 0.9, 0.1, 0.25, 0.75;
/// galaxyzoo::Heatmap map({"Confusion matrix", "predicted", "true"}, cm,
///                        {"round", "spiral"}, {"round", "spiral"});
/// galaxyzoo::write_png(map.render(), "confusion.png");
/// @endcode
///
/// A Heatmap colours the cells of a matrix on a white-to-blue scale, writes each cell's
/// value in it, names the rows and columns and adds a colour bar.

#include <Eigen/Core>

#include <limits>
#include <string>
#include <vector>

#include "galaxyzoo/images/image.hpp"
#include "galaxyzoo/images/plot.hpp"

namespace galaxyzoo {

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
