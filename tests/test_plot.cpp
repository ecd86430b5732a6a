#define BOOST_TEST_MODULE plot
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/error.hpp>
#include <galaxyzoo/plot.hpp>

#include <cmath>
#include <limits>

namespace gz = galaxyzoo;

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

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
  BOOST_TEST(count(svg, "<circle") == 5u);  // the NaN point is skipped
  BOOST_TEST(svg.find(">train<") != std::string::npos);
  BOOST_TEST(svg.find(">val<") != std::string::npos);
  // Whole epochs get whole ticks only.
  BOOST_TEST(svg.find(">0.5</text>") != std::string::npos);   // y tick
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
