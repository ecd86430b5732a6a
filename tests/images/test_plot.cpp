#define BOOST_TEST_MODULE plot
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/plot.hpp>

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
