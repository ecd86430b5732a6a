#define BOOST_TEST_MODULE sky_cutout
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/sky_cutout.hpp>

#include <cmath>

#include "fits_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

// A 100 x 80 survey image of value 1 + x + 1000 y (0-based), its FITS pixel (51, 41) at
// (ra, 2.0), 0.4" pixels.
std::filesystem::path survey(const TempDir& dir, const std::string& name, double ra) {
  auto hdu = gz::testing::fits_image(100, 80, [](int x, int y) { return 1 + x + 1000 * y; });
  gz::testing::add_tan_wcs(hdu, 51, 41, ra, 2.0);
  gz::testing::write_fits(dir / name, {hdu});
  return dir / name;
}

// The sky position of 0-based pixel (x, y) of survey(..., ra).
gz::SkyPosition at_pixel(double ra, double x, double y) {
  const double dec = 2.0 + (y - 40) * 0.4 / 3600;
  return {ra - (x - 50) * 0.4 / 3600 / std::cos(dec * M_PI / 180), dec};
}

}  // namespace

BOOST_AUTO_TEST_CASE(cutout_is_centred_on_the_position) {
  TempDir dir;
  const gz::SkyCutter cutter({{survey(dir, "a.fits", 150.0), -1}}, {5, 0});
  BOOST_TEST(cutter.side(0) == 5);
  const auto c = cutter.cut(at_pixel(150.0, 50, 40));
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c.image == dir / "a.fits");
  BOOST_TEST(c.plane.width == 5);
  BOOST_TEST(c.plane.height == 5);
  BOOST_TEST(c.plane.at(2, 2) == 1 + 50 + 1000 * 40);  // the centre pixel
  BOOST_TEST(c.plane.at(0, 0) == 1 + 48 + 1000 * 38);
  // A position 0.3 pixel off still has the nearest pixel at the centre.
  BOOST_TEST(cutter.cut(at_pixel(150.0, 50.3, 39.8)).plane.at(2, 2) == 1 + 50 + 1000 * 40);
}

BOOST_AUTO_TEST_CASE(cutouts_over_the_edge_are_nan_outside) {
  TempDir dir;
  const gz::SkyCutter cutter({{survey(dir, "a.fits", 150.0), -1}}, {4, 0});
  const auto c = cutter.cut(at_pixel(150.0, 0, 79));  // the top-left corner pixel
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c.plane.at(2, 2) == 1 + 0 + 1000 * 79);
  BOOST_TEST(std::isnan(c.plane.at(1, 2)));              // left of column 0
  BOOST_TEST(std::isnan(c.plane.at(2, 3)));              // above the last row
  const auto off = cutter.cut(at_pixel(150.0, -1, 40));  // centre outside: no cutout
  BOOST_TEST(!off.ok());
  BOOST_TEST(off.failure.find("is outside the survey image '" + (dir / "a.fits").string()) !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_first_image_containing_the_centre_is_used) {
  TempDir dir;
  // b.fits' centre is 20 arcsec (50 pixels) east of a.fits': they overlap by half.
  const double east = 150.0 + 20.0 / 3600 / std::cos(2.0 * M_PI / 180);
  const gz::SkyCutter cutter(
      {{survey(dir, "a.fits", 150.0), -1}, {survey(dir, "b.fits", east), -1}}, {3, 0});
  const auto both = cutter.cut(at_pixel(150.0, 20, 40));  // in both: a.fits
  BOOST_TEST(both.image == dir / "a.fits");
  // b.fits' pixel x is a.fits' x - 50: its column 20 is 30 columns left of a.fits.
  const auto only_b = cutter.cut(at_pixel(east, 20, 40));
  BOOST_REQUIRE(only_b.ok());
  BOOST_TEST(only_b.image == dir / "b.fits");
  BOOST_TEST(only_b.plane.at(1, 1) == 1 + 20 + 1000 * 40);
  const auto none = cutter.cut({10.0, -40.0});
  BOOST_TEST(none.failure.find("outside all 2 survey images") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(arcseconds_are_converted_with_the_pixel_scale) {
  TempDir dir;
  const auto file = survey(dir, "a.fits", 150.0);
  BOOST_TEST(gz::SkyCutter({{file, -1}}, {0, 4.0}).side(0) == 10);        // 4" / 0.4"
  BOOST_TEST(gz::SkyCutter({{file, -1}}, {0, 0.01}).side(0) == 1);        // at least one pixel
  BOOST_CHECK_THROW(gz::SkyCutter({{file, -1}}, {0, 36000}), gz::Error);  // 90000 pixels
  BOOST_CHECK_THROW(gz::SkyCutter({{file, -1}}, {5, 4.0}), gz::Error);    // both
  BOOST_CHECK_THROW(gz::SkyCutter({{file, -1}}, {0, 0}), gz::Error);      // neither
  BOOST_CHECK_THROW(gz::SkyCutter({}, {5, 0}), gz::Error);
  BOOST_CHECK_THROW(gz::SkyCutter({{dir / "absent.fits", -1}}, {5, 0}), gz::IoError);
}
