#define BOOST_TEST_MODULE galaxy_image_source
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/galaxy_image_source.hpp>

#include <cmath>

#include "fits_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;
using gz::testing::write_text;

namespace {

gz::Image colour_image(int size, int bands = 3) {
  gz::Image img(size, size, bands);
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x)
      for (int c = 0; c < bands; ++c) img.at(x, y, c) = static_cast<std::uint8_t>(40 * c + x + y);
  return img;
}

std::string pattern_error(const std::string& pattern, std::vector<std::string> bands = {}) {
  gz::GalaxyImageOptions o;
  o.pattern = pattern;
  o.bands = std::move(bands);
  try {
    gz::GalaxyImageSource source(o);
  } catch (const gz::Error& e) {
    return e.what();
  }
  BOOST_FAIL("no error for pattern " + pattern);
  return "";
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A FITS image of 16 x 16 samples of value scale * (x + y).
void write_plane(const std::filesystem::path& path, double scale) {
  std::filesystem::create_directories(path.parent_path());
  gz::testing::write_fits(
      path, {gz::testing::fits_image(16, 16, [&](int x, int y) { return scale * (x + y); })});
}

}  // namespace

BOOST_AUTO_TEST_CASE(patterns_are_checked) {
  BOOST_TEST(has(pattern_error("{name}.jpg"), "unknown placeholder '{name}'"));
  BOOST_TEST(has(pattern_error("{id.jpg"), "no closing '}'"));
  BOOST_TEST(has(pattern_error("galaxy.jpg"), "no {id}"));
  BOOST_TEST(has(pattern_error("{id}-{band}.fits"), "{band} needs three bands"));
  BOOST_TEST(has(pattern_error("{id}-{band}.fits", {"g", "r"}), "got 2"));
  BOOST_TEST(has(pattern_error("{id}.fits", {"i", "r", "g"}), "no {band} in the pattern"));
}

BOOST_AUTO_TEST_CASE(paths_follow_the_pattern_in_the_folder) {
  gz::GalaxyImageOptions o;
  o.folder = "images";
  o.pattern = "{id}/{id}-{band}.fits.fz";
  o.bands = {"i", "r", "g"};
  const gz::GalaxyImageSource source(o);
  BOOST_TEST(source.path("1237648720693755918", "r") ==
             std::filesystem::path("images/1237648720693755918/1237648720693755918-r.fits.fz"));
  BOOST_TEST(!source.cuts_from_survey());
  BOOST_TEST(source.description() == "images/{id}/{id}-{band}.fits.fz");
}

BOOST_AUTO_TEST_CASE(image_files_and_their_failures) {
  TempDir dir;
  gz::write_jpeg(colour_image(32), dir / "7.jpg", 95);
  gz::write_jpeg(colour_image(32, 1), dir / "8.jpg", 95);  // grey
  write_text(dir / "9.jpg", "not a JPEG");
  gz::GalaxyImageOptions o;
  o.folder = dir.path();
  o.read.crop_width = o.read.crop_height = 16;
  const gz::GalaxyImageSource source(o);
  const auto ok = source.image(" 7 ", std::nullopt);  // spaces around an id are ignored
  BOOST_REQUIRE(ok.ok());
  BOOST_TEST(ok.image.bands == 3);
  BOOST_TEST(ok.image.width == 16);  // the centre crop of the read options
  BOOST_TEST(has(source.image("6", std::nullopt).failure, "no file '" + (dir / "6.jpg").string()));
  BOOST_TEST(has(source.image("8", std::nullopt).failure, "1 bands, expected 3"));
  const auto bad = source.image("9", std::nullopt);
  BOOST_TEST(!bad.ok());
  BOOST_TEST(has(bad.failure, (dir / "9.jpg").string()));
  BOOST_TEST(source.image("  ", std::nullopt).failure == "an empty id");
}

BOOST_AUTO_TEST_CASE(fits_files_in_sub_folders_and_band_composites) {
  TempDir dir;
  write_plane(dir / "42" / "42.fits", 1.0);
  for (const auto& [band, scale] : {std::pair{"i", 3.0}, {"r", 2.0}, {"g", 1.0}})
    write_plane(dir / "42" / (std::string("42-") + band + ".fits"), scale);
  gz::GalaxyImageOptions o;
  o.folder = dir.path();
  o.pattern = "{id}/{id}.fits";
  const auto grey = gz::GalaxyImageSource(o).image("42", std::nullopt);
  BOOST_REQUIRE(grey.ok());
  BOOST_TEST(grey.image.bands == 3);  // grey as RGB
  BOOST_TEST(grey.image.at(10, 5, 0) == grey.image.at(10, 5, 2));
  o.pattern = "{id}/{id}-{band}.fits";
  o.bands = {"i", "r", "g"};
  const gz::GalaxyImageSource bands(o);
  const auto rgb = bands.image("42", std::nullopt);
  BOOST_REQUIRE(rgb.ok());
  BOOST_TEST(rgb.image.bands == 3);
  BOOST_TEST(rgb.image.at(8, 8, 0) > rgb.image.at(8, 8, 2));  // i (red) is the brightest band
  std::filesystem::remove(dir / "42" / "42-r.fits");
  BOOST_TEST(has(bands.image("42", std::nullopt).failure, "42-r.fits"));
}

BOOST_AUTO_TEST_CASE(survey_cutouts_are_grey_rgb_and_need_a_position) {
  TempDir dir;
  auto hdu =
      gz::testing::fits_image(60, 60, [](int x, int y) { return std::hypot(x - 30, y - 30); });
  gz::testing::add_tan_wcs(hdu, 31, 31, 150.0, 2.0);
  gz::testing::write_fits(dir / "survey.fits", {hdu});
  gz::GalaxyImageOptions o;
  o.survey_images = {{dir / "survey.fits", -1}};
  o.cutout.pixels = 20;
  o.pattern = "unused";  // not checked for cutouts
  const gz::GalaxyImageSource source(o);
  BOOST_TEST(source.cuts_from_survey());
  const auto c = source.image("1", gz::SkyPosition{150.0, 2.0});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c.image.width == 20);
  BOOST_TEST(c.image.bands == 3);
  for (int x = 0; x < 20; ++x) BOOST_TEST(c.image.at(x, 3, 0) == c.image.at(x, 3, 1));
  BOOST_TEST(source.image("1", std::nullopt).failure == "no sky position");
  BOOST_TEST(has(source.image("1", gz::SkyPosition{10.0, 2.0}).failure, "is outside"));
}
