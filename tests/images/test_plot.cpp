#define BOOST_TEST_MODULE plot
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/plot.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include "text_checks.hpp"

namespace gz = galaxyzoo;

namespace {

using galaxyzoo::testing::count;

}  // namespace

BOOST_AUTO_TEST_CASE(svg_has_titles_series_and_legend) {
  gz::LinePlot plot({"Loss & <accuracy>", "epoch", "cross-entropy"});
  plot.add({"train", {0, 1, 2}, {1.5, 1.0, 0.5}});
  plot.add({"val", {0, 1, 2}, {1.6, std::numeric_limits<double>::quiet_NaN(), 0.9}});
  const std::string svg = plot.svg(600, 400);
  BOOST_TEST(svg.find("Loss &amp; &lt;accuracy&gt;") != std::string::npos);  // escaped
  BOOST_TEST(svg.find(">epoch<") != std::string::npos);
  BOOST_TEST(svg.find(">cross-entropy<") != std::string::npos);
  BOOST_TEST(count(svg, "<polyline") == 2u);
  BOOST_TEST(count(svg, "<circle") == 5u + 2u);  // the NaN point is skipped; 2 in the legend
  BOOST_TEST(svg.find(">train<") != std::string::npos);
  BOOST_TEST(svg.find(">val<") != std::string::npos);
  // Whole epochs get whole ticks only.
  BOOST_TEST(svg.find(">0.5</text>") != std::string::npos);  // y tick
  BOOST_TEST(svg.find("'middle' font-size='12'>1.5<") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(panels_render_to_an_image_of_the_right_size) {
  gz::LinePlot a({"A", "x", "y"}), b({"B", "x", "y"});
  a.add({"s", {0, 1}, {0, 1}});
  const gz::Image img = gz::render_panels({a, b}, 300, 200);
  BOOST_TEST(img.width == 600);
  BOOST_TEST(img.height == 200);
  BOOST_TEST(img.bands == 3);
  BOOST_TEST(img.at(2, 2, 0) == 255);  // white background
  // Something dark was drawn (text, axes).
  int dark = 0;
  for (std::size_t i = 0; i < img.pixels.size(); i += 3) dark += img.pixels[i] < 100;
  BOOST_TEST(dark > 100);
}

BOOST_AUTO_TEST_CASE(bad_input_is_rejected) {
  gz::LinePlot plot({"t", "x", "y"});
  BOOST_CHECK_THROW(plot.add({"s", {0, 1}, {0}}), gz::Error);
  BOOST_CHECK_THROW(gz::render_panels({}), gz::Error);
  BOOST_CHECK_THROW(gz::render_svg("<svg this is not svg"), gz::Error);
}

// The x of the legend's frame in @p svg (the last rect with a grey stroke).
static double legend_x(const std::string& svg) {
  const auto rect = svg.rfind("<rect x='", svg.find("stroke='#bbb'"));
  return std::stod(svg.substr(rect + 9));
}

BOOST_AUTO_TEST_CASE(legend_goes_where_it_hides_no_data) {
  // Data in the top right corner: the legend moves to the top left.
  gz::LinePlot rising({"t", "x", "y"});
  rising.add({"rising", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}});
  BOOST_TEST(legend_x(rising.svg(600, 400)) < 200);
  // Falling data leave the top right free.
  gz::LinePlot falling({"t", "x", "y"});
  falling.add({"falling", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}});
  BOOST_TEST(legend_x(falling.svg(600, 400)) > 300);
  // Data in every corner: the y axis grows above the data to make room.
  gz::LinePlot full({"t", "x", "y"});
  full.add({"a", {0, 10}, {0, 10}});
  full.add({"b", {0, 10}, {10, 0}});
  full.add({"c", {0, 10}, {5, 5}});
  const std::string svg = full.svg(600, 400);
  BOOST_TEST(svg.find(">15</text>") != std::string::npos);  // a y tick above 10
}

BOOST_AUTO_TEST_CASE(markers_log_axes_categories_and_hidden_entries) {
  gz::LinePlot plot({"t", "learning rate", "loss"});
  gz::Series points{"trials", {1e-5, 3e-4, 1e-3}, {1, 2, 3}};
  points.line = false;
  points.marker = gz::Marker::cross;
  points.colour = "#123456";
  plot.add(points);
  gz::Series quiet{"not listed", {1e-5, 1e-3}, {2, 2}};
  quiet.in_legend = false;
  quiet.marker = gz::Marker::none;
  plot.add(quiet);
  gz::Series ring{"best", {3e-4}, {2}};
  ring.marker = gz::Marker::ring;
  plot.add(ring);
  plot.set_x_log();
  const std::string svg = plot.svg(600, 400);
  BOOST_TEST(count(svg, "<polyline") == 2u);         // no line for the crosses
  BOOST_TEST(count(svg, "stroke='#123456'") == 4u);  // three crosses and the legend's
  BOOST_TEST(svg.find(">not listed<") == std::string::npos);
  BOOST_TEST(svg.find("fill='none' stroke='#009E73'") != std::string::npos);  // the ring
  for (const char* tick : {">1e-05<", ">0.0001<", ">0.001<", ">2e-05<", ">0.0005<"})
    BOOST_TEST(svg.find(tick) != std::string::npos, tick);

  gz::LinePlot named({"t", "layer", "loss"});
  named.add({"trials", {0, 1, 1}, {1, 2, 3}});
  named.set_x_categories({"first & only", "21"});
  const std::string cat = named.svg(600, 400);
  BOOST_TEST(cat.find(">first &amp; only<") != std::string::npos);
  BOOST_TEST(cat.find(">21<") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(plots_are_written_as_png_and_svg) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("galaxyzoo-test-plot-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  gz::LinePlot plot({"t", "x", "y"});
  plot.add({"s", {0, 1}, {0, 1}});
  gz::write_plots({plot, plot}, dir / "two.png", 300, 200);
  BOOST_TEST(gz::read_image(dir / "two.png").width == 600);
  std::ifstream svg(dir / "two.svg");
  std::string first;
  std::getline(svg, first);
  BOOST_TEST(first.find("<svg") == 0u);
  BOOST_TEST(first.find("width='600' height='200'") != std::string::npos);
  std::filesystem::remove_all(dir);
}
