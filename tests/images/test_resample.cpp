#define BOOST_TEST_MODULE resample
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/resample.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

namespace gz = galaxyzoo;

namespace {

// A one-band image of the given values, row by row.
gz::Image grey(int width, int height, std::initializer_list<int> values) {
  gz::Image img(width, height, 1);
  std::size_t i = 0;
  for (const int v : values) img.pixels[i++] = static_cast<std::uint8_t>(v);
  return img;
}

// Largest difference of two images' samples (255 when their sizes differ).
int max_difference(const gz::Image& a, const gz::Image& b) {
  if (a.width != b.width || a.height != b.height || a.bands != b.bands) return 255;
  int worst = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i)
    worst = std::max(worst, std::abs(int{a.pixels[i]} - int{b.pixels[i]}));
  return worst;
}

}  // namespace

BOOST_AUTO_TEST_CASE(shrinking_by_two_averages_blocks) {
  const auto in = grey(4, 2, {0, 10, 100, 200, 20, 30, 0, 0});
  const auto out = gz::resize_area(in, 2, 1);
  BOOST_TEST(out.width == 2);
  BOOST_TEST(out.height == 1);
  BOOST_TEST(int{out.at(0, 0, 0)} == 15);  // (0 + 10 + 20 + 30) / 4
  BOOST_TEST(int{out.at(1, 0, 0)} == 75);  // (100 + 200 + 0 + 0) / 4
}

BOOST_AUTO_TEST_CASE(shrinking_by_a_fraction_weights_by_overlap) {
  // 3 -> 2: output pixel 0 covers source [0, 1.5): 2/3 of pixel 0 and 1/3 of pixel 1.
  const auto out = gz::resize_area(grey(3, 1, {0, 90, 180}), 2, 1);
  BOOST_TEST(int{out.at(0, 0, 0)} == 30);
  BOOST_TEST(int{out.at(1, 0, 0)} == 150);
}

BOOST_AUTO_TEST_CASE(enlarging_by_two_repeats_and_by_a_fraction_blends_at_edges) {
  const auto twice = gz::resize_area(grey(2, 1, {40, 80}), 4, 1);
  for (int x = 0; x < 4; ++x) BOOST_TEST(int{twice.at(x, 0, 0)} == (x < 2 ? 40 : 80));
  // 2 -> 3: the middle output pixel covers [2/3, 4/3): half of each source pixel.
  const auto blended = gz::resize_area(grey(2, 1, {40, 80}), 3, 1);
  BOOST_TEST(int{blended.at(0, 0, 0)} == 40);
  BOOST_TEST(int{blended.at(1, 0, 0)} == 60);
  BOOST_TEST(int{blended.at(2, 0, 0)} == 80);
}

BOOST_AUTO_TEST_CASE(a_constant_image_stays_constant_at_any_size) {
  gz::Image flat(13, 7, 3);
  std::fill(flat.pixels.begin(), flat.pixels.end(), std::uint8_t{173});
  for (const auto& [w, h] : {std::pair{5, 3}, {29, 31}, {13, 7}, {1, 1}}) {
    const auto out = gz::resize_area(flat, w, h);
    BOOST_TEST(out.bands == 3);
    BOOST_TEST(
        std::all_of(out.pixels.begin(), out.pixels.end(), [](std::uint8_t v) { return v == 173; }));
  }
}

BOOST_AUTO_TEST_CASE(the_method_is_chosen_by_name) {
  BOOST_TEST((gz::parse_resampling("area") == gz::Resampling::area));
  BOOST_TEST((gz::parse_resampling("lanczos3") == gz::Resampling::lanczos3));
  BOOST_TEST(std::string(gz::to_string(gz::Resampling::lanczos3)) == "lanczos3");
  try {
    gz::parse_resampling("cubic");
    BOOST_FAIL("expected an error");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find("'cubic'") != std::string::npos);
  }
  // Both methods give the asked size; on a ramp they differ (Lanczos rings, area does not).
  gz::Image ramp(8, 8, 1);
  for (int i = 0; i < 64; ++i) ramp.pixels[static_cast<std::size_t>(i)] = (i % 8) < 4 ? 0 : 255;
  const auto area = gz::resample(ramp, 13, 13, gz::Resampling::area);
  const auto lanczos = gz::resample(ramp, 13, 13, gz::Resampling::lanczos3);
  BOOST_TEST(area.width == 13);
  BOOST_TEST(lanczos.width == 13);
  BOOST_TEST(max_difference(area, lanczos) > 0);
}

BOOST_AUTO_TEST_CASE(bad_sizes_are_errors) {
  const auto in = grey(2, 2, {1, 2, 3, 4});
  BOOST_CHECK_THROW(gz::resize_area(in, 0, 2), gz::Error);
  BOOST_CHECK_THROW(gz::resample(in, 2, -1, gz::Resampling::lanczos3), gz::Error);
  BOOST_CHECK_THROW(gz::resize_area(gz::Image(), 2, 2), gz::Error);
}

// Against OpenCV's cv2.resize(..., interpolation=cv2.INTER_AREA) on 8-bit images, enlarging
// (156 -> 256, the augmentation's case), shrinking by whole and fractional factors and
// keeping the size: the folder written by tests/support/opencv_area.py (ctest fixture).
// OpenCV computes in fixed point when enlarging 8-bit images, so a sample may differ by 1.
BOOST_AUTO_TEST_CASE(agrees_with_opencv, *boost::unit_test::disabled()) {
  const auto& args = boost::unit_test::framework::master_test_suite();
  BOOST_REQUIRE_MESSAGE(args.argc > 1, "usage: test_resample -- REFERENCE_FOLDER");
  const std::filesystem::path folder = args.argv[args.argc - 1];
  std::ifstream in(folder / "cases.json");
  BOOST_REQUIRE(in);
  const auto cases = nlohmann::json::parse(in).at("resize");
  BOOST_REQUIRE(cases.size() >= 6u);
  for (const auto& c : cases) {
    const auto name = c.at("input").get<std::string>();
    BOOST_TEST_CONTEXT(name) {
      const auto source = gz::read_image(folder / name);
      const auto expected = gz::read_image(folder / c.at("output").get<std::string>());
      const auto ours =
          gz::resize_area(source, c.at("width").get<int>(), c.at("height").get<int>());
      BOOST_TEST(max_difference(ours, expected) <= 1);
    }
  }
}
