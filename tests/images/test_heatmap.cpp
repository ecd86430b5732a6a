#define BOOST_TEST_MODULE heatmap
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/heatmap.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "text_checks.hpp"

namespace gz = galaxyzoo;

namespace {

using galaxyzoo::testing::count;

}  // namespace

BOOST_AUTO_TEST_CASE(heatmap_has_names_values_and_a_colour_bar) {
  Eigen::MatrixXd m(2, 3);
  m << 0.5, 0.25, 0.25,  //
      std::numeric_limits<double>::quiet_NaN(), 0, 1;
  gz::HeatmapOptions options;
  options.colour_label = "fraction of true class";
  gz::Heatmap map({"Confusion <normalised>", "predicted class", "true class"}, m,
                  {"completely round smooth", "b"}, {"x", "cigar-shaped smooth", "z & w"}, options);
  const std::string svg = map.svg(700, 600);
  BOOST_TEST(svg.find("Confusion &lt;normalised&gt;") != std::string::npos);
  BOOST_TEST(svg.find(">predicted class<") != std::string::npos);
  BOOST_TEST(svg.find(">true class<") != std::string::npos);
  BOOST_TEST(svg.find(">fraction of true class<") != std::string::npos);
  // Long names are wrapped onto lines of their own.
  BOOST_TEST(svg.find(">completely round<") != std::string::npos);
  BOOST_TEST(svg.find(">cigar-shaped<") != std::string::npos);
  BOOST_TEST(svg.find(">z &amp; w<") != std::string::npos);
  // One value per cell, two decimals; the NaN cell is marked missing.
  BOOST_TEST(count(svg, ">0.25<") == 2u);
  BOOST_TEST(count(svg, ">0.50<") == 1u);
  BOOST_TEST(count(svg, ">1.00<") == 1u);
  BOOST_TEST(count(svg, ">n/a<") == 1u);
  BOOST_TEST(count(svg, "<rect") == 6u + 2u);  // cells, background and colour bar
  BOOST_TEST(svg.find("linearGradient") != std::string::npos);
  // The largest value is the darkest blue and carries white text; 0 is near white.
  BOOST_TEST(svg.find("fill='#08306b'") != std::string::npos);
  const auto one = svg.find(">1.00<");
  BOOST_TEST(svg.rfind("fill='white'", one) > svg.rfind("<text", one));
  BOOST_TEST(svg.find("fill='#f7fbff'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(heatmap_counts_and_rendering) {
  Eigen::MatrixXd m(2, 2);
  m << 12, 3, 0, 7;
  gz::HeatmapOptions options;
  options.decimals = 0;
  gz::Heatmap map({"Counts", "predicted", "true"}, m, {"a", "b"}, {"a", "b"}, options);
  const std::string svg = map.svg(500, 450);
  BOOST_TEST(svg.find(">12<") != std::string::npos);
  BOOST_TEST(svg.find(">3<") != std::string::npos);
  BOOST_TEST(svg.find(">12.0") == std::string::npos);
  const gz::Image img = map.render(500, 450);
  BOOST_TEST(img.width == 500);
  BOOST_TEST(img.height == 450);
  BOOST_TEST(img.at(2, 2, 0) == 255);  // white background
  int blue = 0;                        // the dark cell of 12 and the colour bar
  for (std::size_t i = 0; i < img.pixels.size(); i += 3)
    blue += img.pixels[i + 2] > 90 && img.pixels[i] < 40;
  BOOST_TEST(blue > 2000);
}

BOOST_AUTO_TEST_CASE(heatmap_bad_shapes_are_rejected) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(2, 2);
  BOOST_CHECK_THROW(gz::Heatmap({"t", "x", "y"}, m, {"a"}, {"a", "b"}), gz::Error);
  BOOST_CHECK_THROW(gz::Heatmap({"t", "x", "y"}, m, {"a", "b"}, {"a", "b", "c"}), gz::Error);
  BOOST_CHECK_THROW(gz::Heatmap({"t", "x", "y"}, Eigen::MatrixXd(), {}, {}), gz::Error);
}
