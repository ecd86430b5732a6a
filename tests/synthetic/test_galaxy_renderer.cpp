#define BOOST_TEST_MODULE galaxy_renderer
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/synthetic/galaxy_renderer.hpp>

#include <cmath>

namespace gz = galaxyzoo;
using gz::GalaxyKind;

namespace {

constexpr int kSize = 128;

gz::GalaxyModel model_of(GalaxyKind kind, std::uint64_t seed) {
  gz::Rng rng(seed);
  auto m = gz::random_galaxy_model(kind, rng, kSize);
  m.stars.clear();  // keep the measurements about the galaxy
  m.trail_flux = 0;
  return m;
}

// Second moments of the light above the background: (major / minor axis ratio, angle).
struct Shape {
  double axis_ratio, angle;
};
Shape shape_of(const gz::Image& img) {
  double sum = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const double w = std::max(0, img.at(x, y, 1) - 40);
      sum += w;
      sx += w * x;
      sy += w * y;
      sxx += w * x * x;
      syy += w * y * y;
      sxy += w * x * y;
    }
  }
  const double mx = sx / sum, my = sy / sum;
  const double a = sxx / sum - mx * mx, b = syy / sum - my * my, c = sxy / sum - mx * my;
  const double root = std::sqrt((a - b) * (a - b) / 4 + c * c);
  const double l1 = (a + b) / 2 + root, l2 = (a + b) / 2 - root;
  return {std::sqrt(std::max(l2, 1e-9) / l1), 0.5 * std::atan2(2 * c, a - b)};
}

}  // namespace

BOOST_AUTO_TEST_CASE(same_model_and_seed_same_pixels) {
  const auto m = model_of(GalaxyKind::spiral, 1);
  const auto a = gz::render_galaxy(m, 9, kSize);
  const auto b = gz::render_galaxy(m, 9, kSize);
  const auto c = gz::render_galaxy(m, 10, kSize);
  BOOST_TEST(a.width == kSize);
  BOOST_TEST(a.bands == 3);
  BOOST_TEST(a.pixels == b.pixels, boost::test_tools::per_element());
  BOOST_TEST(a.pixels != c.pixels);  // other noise
  BOOST_CHECK_THROW(gz::render_galaxy(m, 1, 0), gz::Error);
}

BOOST_AUTO_TEST_CASE(galaxy_is_bright_at_the_centre_on_a_dark_sky) {
  const auto m = model_of(GalaxyKind::round_smooth, 2);
  const auto img = gz::render_galaxy(m, 1, kSize);
  const int cx = static_cast<int>(std::lround(m.x)), cy = static_cast<int>(std::lround(m.y));
  BOOST_TEST(img.at(cx, cy, 0) > 150);
  BOOST_TEST(img.at(2, 2, 0) < 40);
  BOOST_TEST(img.at(kSize - 3, kSize - 3, 1) < 40);
}

BOOST_AUTO_TEST_CASE(flattening_and_orientation_follow_the_model) {
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const auto round =
        shape_of(gz::render_galaxy(model_of(GalaxyKind::round_smooth, seed), seed, kSize));
    BOOST_TEST(round.axis_ratio > 0.8);
    const auto m = model_of(GalaxyKind::edge_on_disk, seed);
    const auto edge_on = shape_of(gz::render_galaxy(m, seed, kSize));
    BOOST_TEST(edge_on.axis_ratio < 0.4);
    // The major axis lies along the position angle (modulo pi).
    double diff = std::fmod(std::abs(edge_on.angle - m.position_angle), 3.14159265358979);
    diff = std::min(diff, 3.14159265358979 - diff);
    BOOST_TEST(diff < 0.1);
  }
}

BOOST_AUTO_TEST_CASE(spirals_are_bluer_than_ellipticals) {
  auto blue_over_red = [](const gz::Image& img) {
    double r = 0, b = 0;
    for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
      if (img.pixels[i + 1] > 60) {
        r += img.pixels[i];
        b += img.pixels[i + 2];
      }
    }
    return b / r;
  };
  BOOST_TEST(blue_over_red(gz::render_galaxy(model_of(GalaxyKind::spiral, 4), 1, kSize)) >
             blue_over_red(gz::render_galaxy(model_of(GalaxyKind::round_smooth, 4), 1, kSize)));
}
