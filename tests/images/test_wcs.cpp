#define BOOST_TEST_MODULE wcs
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/fits_image.hpp>
#include <galaxyzoo/images/wcs.hpp>

#include <cmath>

#include "fits_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;
namespace tt = boost::test_tools;

namespace {

// The header of a 100 x 80 image whose FITS pixel (crpix1, crpix2) is at (ra, dec), 0.4"
// pixels (fits_samples.hpp's TAN WCS), written and read back as the library reads it.
std::string tan_header(const TempDir& dir, double crpix1, double crpix2, double ra, double dec,
                       std::vector<std::pair<std::string, std::string>> extra = {}) {
  auto hdu = gz::testing::fits_image(100, 80, [](int, int) { return 0.0; });
  gz::testing::add_tan_wcs(hdu, crpix1, crpix2, ra, dec);
  for (auto& card : extra) {
    for (auto& s : hdu.strings) {
      if (s.first == card.first) s.second = card.second;
    }
  }
  gz::testing::write_fits(dir / "image.fits", {hdu});
  return gz::read_fits_header(dir / "image.fits").header;
}

std::string error_of(const std::string& header) {
  try {
    gz::SkyWcs(header, "survey.fits");
  } catch (const gz::Error& e) {
    return e.what();
  }
  BOOST_FAIL("no error");
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(reference_point_and_pixel_steps) {
  TempDir dir;
  const gz::SkyWcs wcs(tan_header(dir, 51, 41, 150.0, 2.0), "image.fits");
  const auto centre = wcs.to_pixel({150.0, 2.0});
  BOOST_REQUIRE(centre.has_value());
  BOOST_TEST(centre->x == 50.0, tt::tolerance(1e-9));  // FITS pixel 51 is 0-based 50
  BOOST_TEST(centre->y == 40.0, tt::tolerance(1e-9));
  // 4 arcsec north is 10 rows up; RA grows to the left (CD1_1 < 0).
  const auto north = wcs.to_pixel({150.0, 2.0 + 4.0 / 3600});
  BOOST_TEST(north->y == 50.0, tt::tolerance(1e-6));
  BOOST_TEST(north->x == 50.0, tt::tolerance(1e-6));
  const auto east = wcs.to_pixel({150.0 + 4.0 / 3600 / std::cos(2.0 * M_PI / 180), 2.0});
  BOOST_TEST(east->x == 40.0, tt::tolerance(1e-4));
  BOOST_TEST(wcs.pixel_scale_arcsec() == 0.4, tt::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(pixel_to_sky_is_the_inverse) {
  TempDir dir;
  const gz::SkyWcs wcs(tan_header(dir, 10.5, 20.5, 35.25, -12.5), "image.fits");
  for (const gz::PixelPosition p : {gz::PixelPosition{0, 0}, {99, 79}, {33.3, 7.7}}) {
    const auto sky = wcs.to_sky(p);
    BOOST_REQUIRE(sky.has_value());
    const auto back = wcs.to_pixel(*sky);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(back->x == p.x, tt::tolerance(1e-6));
    BOOST_TEST(back->y == p.y, tt::tolerance(1e-6));
  }
}

BOOST_AUTO_TEST_CASE(the_far_side_of_the_sky_has_no_pixel) {
  TempDir dir;
  const gz::SkyWcs wcs(tan_header(dir, 51, 41, 150.0, 2.0), "image.fits");
  BOOST_TEST(!wcs.to_pixel({330.0, -2.0}).has_value());  // opposite point of a TAN
  BOOST_TEST(!wcs.to_pixel({std::nan(""), 2.0}).has_value());
}

BOOST_AUTO_TEST_CASE(headers_without_an_equatorial_wcs_are_refused) {
  TempDir dir;
  gz::testing::write_fits(dir / "plain.fits",
                          {gz::testing::fits_image(4, 4, [](int, int) { return 0.0; })});
  const std::string none = error_of(gz::read_fits_header(dir / "plain.fits").header);
  BOOST_TEST(none.find("survey.fits") != std::string::npos);
  BOOST_TEST((none.find("no world coordinate system") != std::string::npos ||
              none.find("expected right ascension and declination") != std::string::npos));
  const std::string galactic =
      error_of(tan_header(dir, 1, 1, 10, 10, {{"CTYPE1", "GLON-TAN"}, {"CTYPE2", "GLAT-TAN"}}));
  BOOST_TEST(galactic.find("'GLON-TAN', 'GLAT-TAN'") != std::string::npos);
  BOOST_TEST(galactic.find("expected right ascension and declination") != std::string::npos);
}
