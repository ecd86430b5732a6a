#define BOOST_TEST_MODULE fits_stretch
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/fits_stretch.hpp>

#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "fits_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using namespace galaxyzoo::testing;
namespace tt = boost::test_tools;

namespace {

gz::FitsPlane plane_of(const FitsHdu& hdu) {
  gz::FitsPlane plane;
  plane.width = hdu.width;
  plane.height = hdu.height;
  plane.samples = hdu.samples;
  return plane;
}

// Sky of 100, a galaxy rising to 200 at (10, 10) and, at (2, 3), a hot pixel of 10^6.
FitsHdu galaxy_with_hot_pixel() {
  return fits_image(21, 21, [](int x, int y) {
    if (x == 2 && y == 3) return 1e6;
    const double r2 = (x - 10) * (x - 10) + (y - 10) * (y - 10);
    return 100 + 100 * std::exp(-r2 / 8);
  });
}

// Image row of FITS row @p y of a plane @p height rows high.
int row(int y, int height) { return height - 1 - y; }

}  // namespace

BOOST_AUTO_TEST_CASE(percentiles_interpolate_and_skip_blanks) {
  std::vector<float> samples;
  for (int i = 0; i <= 100; ++i) samples.push_back(static_cast<float>(i));
  gz::FitsDisplay display;  // 0.5 and 99.5 %
  auto range = gz::clip_range(samples, display);
  BOOST_TEST(range.low == 0.5, tt::tolerance(1e-12));
  BOOST_TEST(range.high == 99.5, tt::tolerance(1e-12));
  samples.insert(samples.end(), {NAN, INFINITY, -INFINITY});
  range = gz::clip_range(samples, display);
  BOOST_TEST(range.low == 0.5, tt::tolerance(1e-12));
  BOOST_TEST(range.high == 99.5, tt::tolerance(1e-12));
  display.clip = gz::FitsClip::minmax;
  range = gz::clip_range(samples, display);
  BOOST_TEST(range.low == 0.0);
  BOOST_TEST(range.high == 100.0);
  display.clip = gz::FitsClip::percentile;
  display.low_percentile = 10;
  display.high_percentile = 90;
  range = gz::clip_range(samples, display);
  BOOST_TEST(range.low == 10.0, tt::tolerance(1e-12));
  BOOST_TEST(range.high == 90.0, tt::tolerance(1e-12));
  const auto nothing = gz::clip_range({NAN, NAN}, display);
  BOOST_TEST(nothing.low == 0.0);
  BOOST_TEST(nothing.high == 0.0);
}

BOOST_AUTO_TEST_CASE(percentile_clipping_keeps_the_contrast_a_hot_pixel_squashes) {
  const gz::FitsPlane plane = plane_of(galaxy_with_hot_pixel());
  gz::FitsDisplay percentile;
  percentile.stretch = gz::Stretch::linear;
  gz::FitsDisplay minmax = percentile;
  minmax.clip = gz::FitsClip::minmax;
  const gz::Image kept = gz::stretch_to_grey(plane, percentile);
  const gz::Image squashed = gz::stretch_to_grey(plane, minmax);
  BOOST_TEST(kept.bands == 1);
  // The galaxy's centre is near white with percentiles and black with min-max.
  BOOST_TEST(kept.at(10, row(10, 21), 0) >= 250);
  BOOST_TEST(squashed.at(10, row(10, 21), 0) == 0);
  // Its profile is visible: two and three pixels out, well apart (161 and 132 above a sky
  // of 100 with the 99.5th percentile at 188: 175 and 94).
  BOOST_TEST(kept.at(12, row(10, 21), 0) == 175);
  BOOST_TEST(kept.at(13, row(10, 21), 0) == 94);
  // The hot pixel is white either way, the sky black.
  BOOST_TEST(kept.at(2, row(3, 21), 0) == 255);
  BOOST_TEST(squashed.at(2, row(3, 21), 0) == 255);
  BOOST_TEST(kept.at(0, 0, 0) == 0);
}

BOOST_AUTO_TEST_CASE(stretches_put_the_first_fits_row_at_the_bottom) {
  // One column of 0, 1, ..., 8 going up; min-max clipping.
  const gz::FitsPlane plane = plane_of(fits_image(1, 9, [](int, int y) { return y; }));
  gz::FitsDisplay display;
  display.clip = gz::FitsClip::minmax;
  display.stretch = gz::Stretch::linear;
  const gz::Image linear = gz::stretch_to_grey(plane, display);
  display.stretch = gz::Stretch::asinh;
  display.asinh_softening = 0.1;
  const gz::Image asinh = gz::stretch_to_grey(plane, display);
  for (int y = 0; y < 9; ++y) {
    const double t = y / 8.0;
    BOOST_TEST(linear.at(0, row(y, 9), 0) == std::lround(255 * t));
    BOOST_TEST(asinh.at(0, row(y, 9), 0) ==
               std::lround(255 * std::asinh(t / 0.1) / std::asinh(1 / 0.1)));
  }
  // Blanks become 0, a constant plane all 0.
  gz::FitsPlane blank = plane;
  blank.samples[8] = NAN;
  BOOST_TEST(gz::stretch_to_grey(blank, display).at(0, 0, 0) == 0);
  const gz::Image flat =
      gz::stretch_to_grey(plane_of(fits_image(3, 3, [](int, int) { return 5; })), display);
  BOOST_TEST(flat.pixels == std::vector<std::uint8_t>(9, 0), tt::per_element());
}

BOOST_AUTO_TEST_CASE(zscale_gives_hand_computed_limits) {
  // A ramp 0, 10, ..., 990: the fit is exact (slope 10), nothing is rejected; with
  // contrast 1 the limits are median 495 -/+ slope x (49 - 1) and x (100 - 49), within
  // the data: 15 and min(990, 1005).
  std::vector<float> ramp;
  for (int i = 0; i < 100; ++i) ramp.push_back(10.0F * static_cast<float>(99 - i));
  const auto range = gz::zscale_range(ramp, 1.0);
  BOOST_TEST(range.low == 15.0, tt::tolerance(1e-9));
  BOOST_TEST(range.high == 990.0, tt::tolerance(1e-9));
  // Contrast 0.25 makes the slope 40: both limits are the data's.
  const auto wide = gz::zscale_range(ramp, 0.25);
  BOOST_TEST(wide.low == 0.0);
  BOOST_TEST(wide.high == 990.0);
  // Too few samples for a fit: the data's extremes.
  const auto few = gz::zscale_range({3, 1, 2}, 0.25);
  BOOST_TEST(few.low == 1.0);
  BOOST_TEST(few.high == 3.0);
  BOOST_CHECK_THROW(gz::zscale_range(ramp, 0.0), gz::Error);
  BOOST_CHECK_THROW(gz::zscale_range(ramp, 0.25, 5), gz::Error);
}

// Against astropy's ZScaleInterval: the file tests/support/astropy_zscale.py writes
// (ctest fixture zscale.export_astropy).
BOOST_AUTO_TEST_CASE(zscale_agrees_with_astropy, *boost::unit_test::disabled()) {
  const auto& suite = boost::unit_test::framework::master_test_suite();
  BOOST_REQUIRE_MESSAGE(suite.argc >= 2, "usage: --run_test=zscale_agrees_with_astropy -- FILE");
  std::ifstream in(suite.argv[suite.argc - 1]);
  BOOST_REQUIRE(in);
  double contrast = 0;
  std::size_t count = 0;
  int cases = 0;
  while (in >> contrast >> count) {
    std::vector<float> samples(count);
    for (auto& v : samples) {
      std::string text;
      in >> text;
      v = text == "nan" ? NAN : std::stof(text);
    }
    double low = 0, high = 0;
    in >> low >> high;
    BOOST_TEST_CONTEXT("case " << cases << " (" << count << " samples, contrast " << contrast
                               << ")") {
      const auto range = gz::zscale_range(samples, contrast);
      BOOST_TEST(range.low == low, tt::tolerance(1e-5));
      BOOST_TEST(range.high == high, tt::tolerance(1e-5));
    }
    ++cases;
  }
  BOOST_TEST(cases == 6);
}

BOOST_AUTO_TEST_CASE(lupton_composites_keep_colour_ratios) {
  // Red twice green, green twice blue everywhere, on a sky of 0; brightness rising left
  // to right over three decades.
  auto band = [](double weight) {
    return plane_of(
        fits_image(30, 2, [=](int x, int) { return weight * std::pow(10.0, x / 10.0); }));
  };
  const gz::FitsPlane r = band(4), g = band(2), b = band(1);
  gz::FitsDisplay display;
  display.lupton_minimum = 0;
  display.lupton_stretch = 150;  // I = 150 is white: the brightest pixels saturate
  const gz::Image rgb = gz::compose_rgb(r, g, b, display);
  BOOST_TEST(rgb.bands == 3);
  int compared = 0;
  for (int x = 0; x < 30; ++x) {
    const int red = rgb.at(x, 0, 0), green = rgb.at(x, 0, 1), blue = rgb.at(x, 0, 2);
    if (blue < 20) continue;  // too dark for the ratio to survive rounding
    BOOST_TEST_CONTEXT("x " << x << ": " << red << ", " << green << ", " << blue) {
      BOOST_TEST(red / static_cast<double>(green) == 2.0, tt::tolerance(0.05));
      BOOST_TEST(green / static_cast<double>(blue) == 2.0, tt::tolerance(0.05));
    }
    ++compared;
  }
  BOOST_TEST(compared >= 10);
  BOOST_TEST(rgb.at(29, 0, 0) == 255);  // saturated, and still red : green 2 : 1
  BOOST_TEST(std::abs(rgb.at(29, 0, 1) - 128) <= 1);
  // The brighter, the lighter: the asinh on the intensity.
  BOOST_TEST(rgb.at(5, 0, 1) < rgb.at(15, 0, 1));

  // Per-band clipping stretches each band to its own range: the colour is lost.
  display.composite = gz::FitsComposite::per_band;
  const gz::Image per_band = gz::compose_rgb(r, g, b, display);
  BOOST_TEST(per_band.at(20, 0, 0) == per_band.at(20, 0, 1));
  BOOST_CHECK_THROW(
      gz::compose_rgb(r, g, plane_of(fits_image(3, 3, [](int, int) { return 1; })), display),
      gz::Error);
}

BOOST_AUTO_TEST_CASE(lupton_defaults_fill_the_range_in_any_units) {
  // Sky 1000 +/- noise in every band, a red galaxy; data units in the thousands.
  auto band = [](double weight, unsigned seed) {
    return plane_of(fits_image(40, 40, [=](int x, int y) {
      const double r2 = (x - 20) * (x - 20) + (y - 20) * (y - 20);
      return 1000 + ((x * 7 + y * 13 + seed) % 11) + weight * 5000 * std::exp(-r2 / 30);
    }));
  };
  const gz::Image rgb = gz::compose_rgb(band(1.0, 1), band(0.5, 2), band(0.25, 3));
  BOOST_TEST(rgb.at(20, row(20, 40), 0) == 255);  // the centre is bright and red
  BOOST_TEST(rgb.at(20, row(20, 40), 2) < rgb.at(20, row(20, 40), 1));
  BOOST_TEST(rgb.at(0, 0, 0) <= 10);  // the sky is near black
}

BOOST_AUTO_TEST_CASE(composites_from_three_files_or_three_hdus) {
  TempDir dir;
  const FitsHdu r = fits_image(6, 5, [](int x, int y) { return 10 + x + y; });
  const FitsHdu g = fits_image(6, 5, [](int x, int) { return 5 + x; });
  const FitsHdu b = fits_image(6, 5, [](int, int y) { return 2 + y; });
  write_fits(dir / "r.fits", {r});
  write_fits(dir / "g.fits", {g});
  write_fits(dir / "b.fits", {b});
  write_fits(dir / "rgb.fits", {r, g, b});
  const gz::Image expected = gz::compose_rgb(plane_of(r), plane_of(g), plane_of(b));
  const gz::Image files =
      gz::read_fits_rgb({{{dir / "r.fits", -1}, {dir / "g.fits", -1}, {dir / "b.fits", -1}}});
  BOOST_TEST(files.pixels == expected.pixels, tt::per_element());
  const gz::Image hdus =
      gz::read_fits_rgb({{{dir / "rgb.fits", 0}, {dir / "rgb.fits", 1}, {dir / "rgb.fits", 2}}});
  BOOST_TEST(hdus.pixels == expected.pixels, tt::per_element());
  // read_image() makes the same composite from three HDUs of one file.
  gz::ReadOptions options;
  options.fits.composite_hdus = {0, 1, 2};
  gz::ImageInfo info;
  BOOST_TEST(gz::read_image(dir / "rgb.fits", options, &info).pixels == expected.pixels,
             tt::per_element());
  BOOST_TEST(info.bands == 3);
  BOOST_TEST(info.format == "fits");

  write_fits(dir / "small.fits", {fits_image(3, 5, [](int, int) { return 1; })});
  try {
    gz::read_fits_rgb({{{dir / "r.fits", -1}, {dir / "small.fits", -1}, {dir / "b.fits", -1}}});
    BOOST_ERROR("bands of different sizes were composed");
  } catch (const gz::Error& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find((dir / "small.fits").string() + "' HDU 0: 3 x 5") != std::string::npos,
               what);
  }
}

BOOST_AUTO_TEST_CASE(options_out_of_range_are_refused) {
  const gz::FitsPlane plane = plane_of(fits_image(3, 3, [](int x, int) { return x; }));
  auto refused = [&](auto change) {
    gz::FitsDisplay display;
    change(display);
    BOOST_CHECK_THROW(gz::stretch_to_grey(plane, display), gz::Error);
  };
  refused([](gz::FitsDisplay& d) { d.low_percentile = -1; });
  refused([](gz::FitsDisplay& d) { d.high_percentile = 100.5; });
  refused([](gz::FitsDisplay& d) { d.low_percentile = d.high_percentile = 50; });
  refused([](gz::FitsDisplay& d) {
    d.clip = gz::FitsClip::zscale;
    d.zscale_contrast = 1.5;
  });
  refused([](gz::FitsDisplay& d) { d.asinh_softening = 0; });
  refused([](gz::FitsDisplay& d) { d.lupton_q = 0; });
  refused([](gz::FitsDisplay& d) { d.lupton_stretch = -1; });
  BOOST_CHECK_THROW(gz::stretch_to_grey(gz::FitsPlane{}), gz::Error);
}
