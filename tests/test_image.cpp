#define BOOST_TEST_MODULE image
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/error.hpp>
#include <galaxyzoo/image.hpp>

#include <cstdlib>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

gz::Image gradient(int w, int h) {
  gz::Image img(w, h, 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      img.at(x, y, 0) = static_cast<std::uint8_t>(x * 255 / (w - 1));
      img.at(x, y, 1) = static_cast<std::uint8_t>(y * 255 / (h - 1));
      img.at(x, y, 2) = 128;
    }
  }
  return img;
}

}  // namespace

BOOST_AUTO_TEST_CASE(constructor_makes_black_images_and_rejects_bad_sizes) {
  const gz::Image img(4, 3, 3);
  BOOST_TEST(img.pixels.size() == 36u);
  BOOST_TEST(img.at(3, 2, 2) == 0);
  BOOST_CHECK_THROW(gz::Image(0, 3, 3), gz::Error);
  BOOST_CHECK_THROW(gz::Image(3, -1, 1), gz::Error);
}

BOOST_AUTO_TEST_CASE(png_round_trip_is_exact) {
  TempDir dir;
  const auto img = gradient(40, 30);
  gz::write_png(img, dir / "g.png");
  const auto back = gz::read_image(dir / "g.png");
  BOOST_TEST(back.width == 40);
  BOOST_TEST(back.height == 30);
  BOOST_TEST(back.bands == 3);
  BOOST_TEST(back.pixels == img.pixels, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(jpeg_round_trip_is_close) {
  TempDir dir;
  const auto img = gradient(64, 64);
  gz::write_jpeg(img, dir / "g.jpg", 95);
  const auto back = gz::read_image(dir / "g.jpg");
  BOOST_REQUIRE(back.pixels.size() == img.pixels.size());
  int worst = 0;
  for (std::size_t i = 0; i < img.pixels.size(); ++i) worst = std::max(worst, std::abs(img.pixels[i] - back.pixels[i]));
  BOOST_TEST(worst <= 12);
  BOOST_TEST(gz::encode_jpeg(img, 95).size() > 100u);
}

BOOST_AUTO_TEST_CASE(unreadable_files_are_named) {
  TempDir dir;
  gz::testing::write_text(dir / "text.jpg", "this is not a JPEG");
  try {
    gz::read_image(dir / "text.jpg");
    BOOST_FAIL("no error for a text file");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == dir / "text.jpg");
    BOOST_TEST(std::string(e.what()).find("cannot decode") != std::string::npos);
  }
  BOOST_CHECK_THROW(gz::read_image(dir / "missing.jpg"), gz::IoError);
}

BOOST_AUTO_TEST_CASE(resize_gives_the_exact_size_and_keeps_flat_colour) {
  gz::Image flat(50, 40, 3);
  for (auto& p : flat.pixels) p = 100;
  const auto small = gz::resize(flat, 17, 13);
  BOOST_TEST(small.width == 17);
  BOOST_TEST(small.height == 13);
  BOOST_TEST(small.at(8, 6, 1) == 100);
  const auto big = gz::resize(flat, 101, 80);
  BOOST_TEST(big.width == 101);
  BOOST_TEST(big.at(100, 79, 0) == 100);
  BOOST_CHECK_THROW(gz::resize(flat, 0, 10), gz::Error);
}
