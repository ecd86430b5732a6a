#define BOOST_TEST_MODULE fits_image
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/fits_image.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "fits_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using namespace galaxyzoo::testing;

namespace {

// value = 10 * row + column: every sample names its place.
FitsHdu place_image(int width, int height) {
  return fits_image(width, height, [](int x, int y) { return 10 * y + x; });
}

// The text of the error read_fits_plane() throws; fails the test if it throws none.
std::string read_error(const std::filesystem::path& path, int hdu,
                       const gz::FitsRegion* region = nullptr) {
  try {
    gz::read_fits_plane(path, hdu, region);
  } catch (const gz::Error& e) {
    return e.what();
  }
  BOOST_ERROR("no error reading " << path << " HDU " << hdu);
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Header card @p key's value text (the 70 characters after "= "), or "" if absent.
std::string card(const std::string& header, const std::string& key) {
  std::string padded = key;
  padded.resize(8, ' ');
  for (std::size_t at = 0; at + 80 <= header.size(); at += 80)
    if (header.compare(at, 8, padded) == 0) return header.substr(at + 10, 70);
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(reads_the_primary_image_and_its_wcs_header) {
  TempDir dir;
  FitsHdu image = place_image(5, 4);
  add_tan_wcs(image, 3.0, 2.5, 150.25, 2.5);
  write_fits(dir / "wcs.fits", {image});

  const gz::FitsPlane plane = gz::read_fits_plane(dir / "wcs.fits");
  BOOST_TEST(plane.hdu == 0);
  BOOST_TEST(plane.width == 5);
  BOOST_TEST(plane.height == 4);
  BOOST_TEST(plane.image_width == 5);
  BOOST_TEST(plane.image_height == 4);
  BOOST_TEST(plane.samples == image.samples, boost::test_tools::per_element());
  BOOST_TEST(plane.at(4, 3) == 34.0F);
  // Whole 80-character cards, no END, the WCS among them as wcspih() wants them.
  BOOST_TEST(plane.header.size() % 80 == 0u);
  BOOST_TEST(card(plane.header, "END").empty());
  BOOST_TEST(contains(card(plane.header, "CTYPE1"), "'RA---TAN'"));
  BOOST_TEST(std::stod(card(plane.header, "CRVAL1")) == 150.25);
  BOOST_TEST(std::stod(card(plane.header, "CD2_2")) == 0.4 / 3600,
             boost::test_tools::tolerance(1e-12));

  const gz::FitsPlane header = gz::read_fits_header(dir / "wcs.fits");
  BOOST_TEST(header.samples.empty());
  BOOST_TEST(header.width == 5);
  BOOST_TEST(header.header == plane.header);
  BOOST_TEST(gz::is_fits_file(dir / "wcs.fits"));
  gz::testing::write_text(dir / "text.fits", "not FITS");
  BOOST_TEST(!gz::is_fits_file(dir / "text.fits"));
}

BOOST_AUTO_TEST_CASE(any_hdu_can_be_chosen_and_wrong_ones_are_named) {
  TempDir dir;
  FitsHdu cube = fits_image(4, 4, [](int, int) { return 0; });
  cube.depth = 3;
  cube.samples.resize(48, 1.0F);
  FitsHdu table;
  table.table = true;
  const FitsHdu first = place_image(3, 2);
  const FitsHdu second = fits_image(4, 4, [](int x, int y) { return 100 + x * y; });
  write_fits(dir / "multi.fits", {FitsHdu{}, first, table, second, cube});

  // Default: the first HDU with a 2-D image (the primary one is empty).
  const gz::FitsPlane chosen = gz::read_fits_plane(dir / "multi.fits");
  BOOST_TEST(chosen.hdu == 1);
  BOOST_TEST(chosen.samples == first.samples, boost::test_tools::per_element());
  const gz::FitsPlane third = gz::read_fits_plane(dir / "multi.fits", 3);
  BOOST_TEST(third.hdu == 3);
  BOOST_TEST(third.samples == second.samples, boost::test_tools::per_element());

  const std::string name = (dir / "multi.fits").string();
  for (const auto& [hdu, expected] : std::vector<std::pair<int, std::string>>{
           {0, "HDU 0 (primary) holds no image (NAXIS = 0)"},
           {2, "HDU 2 holds a binary table"},
           {4, "HDU 4 holds a 3-D image (4 x 4 x 3), not a 2-D one"},
           {9, "no HDU 9: the file has 5 HDU(s), 0 to 4"}}) {
    BOOST_TEST_CONTEXT("HDU " << hdu) {
      const std::string error = read_error(dir / "multi.fits", hdu);
      BOOST_TEST(contains(error, name));
      BOOST_TEST(contains(error, expected), error);
    }
  }

  // A cube with a third axis of 1 is an image.
  FitsHdu flat = place_image(3, 2);
  flat.depth = 1;
  write_fits(dir / "flat_cube.fits", {flat});
  BOOST_TEST(gz::read_fits_plane(dir / "flat_cube.fits").samples == flat.samples,
             boost::test_tools::per_element());
  // No image at all.
  write_fits(dir / "tables.fits", {FitsHdu{}, table});
  const std::string none = read_error(dir / "tables.fits", -1);
  BOOST_TEST(contains(none, "no HDU holds a 2-D image"), none);
  BOOST_TEST(contains(none, "HDU 1 holds a binary table"), none);
}

BOOST_AUTO_TEST_CASE(tile_compressed_files_read_as_their_image) {
  TempDir dir;
  // 16-bit integers: RICE and GZIP compress them losslessly.
  FitsHdu image = fits_image(40, 30, [](int x, int y) { return (x * 37 + y * 101) % 3000; });
  image.bitpix = SHORT_IMG;
  add_tan_wcs(image, 20.0, 15.0, 10.5, -30.0);
  for (const int type : {RICE_1, GZIP_1}) {
    BOOST_TEST_CONTEXT("compression " << type) {
      const auto path = dir / ("image" + std::to_string(type) + ".fits.fz");
      write_fits(path, {image}, type);
      const gz::FitsPlane plane = gz::read_fits_plane(path);
      BOOST_TEST(plane.hdu == 1);  // behind an empty primary HDU
      BOOST_TEST(plane.width == 40);
      BOOST_TEST(plane.samples == image.samples, boost::test_tools::per_element());
      // The image's header, not the table's that stores it.
      BOOST_TEST(std::stol(card(plane.header, "NAXIS1")) == 40);
      BOOST_TEST(card(plane.header, "ZNAXIS1").empty());
      BOOST_TEST(contains(card(plane.header, "CTYPE2"), "'DEC--TAN'"));
      const gz::FitsRegion region{7, 5, 3, 2};
      const gz::FitsPlane part = gz::read_fits_plane(path, -1, &region);
      BOOST_TEST(part.at(0, 0) == plane.at(7, 5));
      BOOST_TEST(part.at(2, 1) == plane.at(9, 6));
    }
  }
}

BOOST_AUTO_TEST_CASE(regions_partly_outside_are_nan_there) {
  TempDir dir;
  write_fits(dir / "p.fits", {place_image(5, 4)});
  const gz::FitsRegion region{-2, 2, 4, 3};  // columns -2 ... 1, rows 2 ... 4
  const gz::FitsPlane part = gz::read_fits_plane(dir / "p.fits", -1, &region);
  BOOST_TEST(part.width == 4);
  BOOST_TEST(part.height == 3);
  BOOST_TEST(part.image_width == 5);
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 4; ++x) {
      const int column = x - 2, row = y + 2;
      BOOST_TEST_CONTEXT("(" << x << ", " << y << ")") {
        if (column < 0 || row > 3)
          BOOST_TEST(std::isnan(part.at(x, y)));
        else
          BOOST_TEST(part.at(x, y) == 10.0F * row + column);
      }
    }
  }
  const gz::FitsRegion outside{50, 50, 2, 2};
  const gz::FitsPlane none = gz::read_fits_plane(dir / "p.fits", -1, &outside);
  BOOST_TEST(std::isnan(none.at(1, 1)));
  const gz::FitsRegion empty{0, 0, 0, 3};
  BOOST_CHECK_THROW(gz::read_fits_plane(dir / "p.fits", -1, &empty), gz::Error);
}

BOOST_AUTO_TEST_CASE(blanks_become_nan_and_scaling_is_applied) {
  TempDir dir;
  FitsHdu image = fits_image(3, 1, [](int x, int) { return x == 1 ? -999 : 10 * x; });
  image.bitpix = SHORT_IMG;
  image.numbers = {{"BLANK", -999}, {"BSCALE", 2.0}, {"BZERO", 100.0}};
  FitsHdu floats = fits_image(2, 1, [](int x, int) { return x == 0 ? NAN : 1.5; });
  write_fits(dir / "b.fits", {image, floats});
  const gz::FitsPlane plane = gz::read_fits_plane(dir / "b.fits", 0);
  BOOST_TEST(plane.at(0, 0) == 100.0F);
  BOOST_TEST(std::isnan(plane.at(1, 0)));
  BOOST_TEST(plane.at(2, 0) == 140.0F);
  const gz::FitsPlane second = gz::read_fits_plane(dir / "b.fits", 1);
  BOOST_TEST(std::isnan(second.at(0, 0)));
  BOOST_TEST(second.at(1, 0) == 1.5F);
}

BOOST_AUTO_TEST_CASE(damaged_and_missing_files_are_named) {
  TempDir dir;
  write_fits(dir / "whole.fits", {place_image(60, 50)});
  const std::string bytes = gz::testing::read_text(dir / "whole.fits");
  gz::testing::write_text(dir / "short.fits", bytes.substr(0, 2880 + 100));
  const std::string data_error = read_error(dir / "short.fits", -1);
  BOOST_TEST(contains(data_error, (dir / "short.fits").string()));
  BOOST_TEST(contains(data_error, "HDU 0"), data_error);
  gz::testing::write_text(dir / "header.fits", bytes.substr(0, 400));
  const std::string header_error = read_error(dir / "header.fits", -1);
  BOOST_TEST(contains(header_error, (dir / "header.fits").string()), header_error);
  const std::string missing = read_error(dir / "nothing.fits", -1);
  BOOST_TEST(contains(missing, "no such file"), missing);
  BOOST_CHECK_THROW(gz::read_fits_plane(dir / "whole.fits", -1, nullptr, 2999), gz::IoError);
  // cfitsio's extended file-name syntax is not applied: "[1]" is part of the name.
  write_fits(dir / "a[1].fits", {place_image(2, 2)});
  BOOST_TEST(gz::read_fits_plane(dir / "a[1].fits").width == 2);
}
