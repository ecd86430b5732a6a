#define BOOST_TEST_MODULE image
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/image.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>
#include <vips/vips8>

#include "image_samples.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using namespace galaxyzoo::testing;

namespace {

// A minimal FITS file: one 2880-byte block of 80-character header cards, then the
// big-endian samples (row 1 of the FITS data first), padded to 2880 bytes.
void write_fits_float(const std::filesystem::path& path, int w, int h,
                      const std::vector<float>& samples) {
  std::string header;
  const auto card = [&](const std::string& key, const std::string& value) {
    char text[81];
    std::snprintf(text, sizeof text, "%-8s= %20s", key.c_str(), value.c_str());
    std::string line(text);
    line.resize(80, ' ');
    header += line;
  };
  card("SIMPLE", "T");
  card("BITPIX", "-32");
  card("NAXIS", "2");
  card("NAXIS1", std::to_string(w));
  card("NAXIS2", std::to_string(h));
  std::string end = "END";
  end.resize(80, ' ');
  header += end;
  header.resize((header.size() + 2879) / 2880 * 2880, ' ');
  std::string data;
  for (float f : samples) {
    std::uint32_t u = 0;
    std::memcpy(&u, &f, 4);
    for (int shift = 24; shift >= 0; shift -= 8) data += static_cast<char>((u >> shift) & 0xFF);
  }
  data.resize((data.size() + 2879) / 2880 * 2880, '\0');
  gz::testing::write_text(path, header + data);
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

// ---------------------------------------------------------------------------------------
// read_image: recognising the format, crops and limits

BOOST_AUTO_TEST_CASE(random_bytes_and_missing_files_are_io_errors) {
  TempDir dir;
  std::string junk(5000, '\0');
  std::uint32_t state = 3;
  for (auto& c : junk) {
    state = state * 1664525u + 1013904223u;
    c = static_cast<char>(state >> 24);
  }
  gz::testing::write_text(dir / "random.jpg", junk);
  gz::testing::write_text(dir / "random.png", junk);
  gz::testing::write_text(dir / "empty.jpg", "");
  expect_io_error(dir / "random.jpg");
  expect_io_error(dir / "random.png");
  expect_io_error(dir / "empty.jpg");
  try {
    gz::read_image(dir / "missing.png");
    BOOST_ERROR("no error for a missing file");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == dir / "missing.png");
    BOOST_TEST(std::string(e.what()).find("No such file") != std::string::npos, e.what());
  }
}

BOOST_AUTO_TEST_CASE(files_are_recognised_by_content_not_name) {
  TempDir dir;
  const auto img = noise(30, 20, 3);
  gz::write_png(img, dir / "really_a_png.jpg");
  gz::write_jpeg(img, dir / "really_a_jpeg.png", 90);
  gz::ImageInfo info;
  BOOST_TEST(gz::read_image(dir / "really_a_png.jpg", {}, &info).pixels == img.pixels);
  BOOST_TEST(info.format == "png");
  BOOST_TEST(gz::read_image(dir / "really_a_jpeg.png", {}, &info).width == 30);
  BOOST_TEST(info.format == "jpeg");
}

BOOST_AUTO_TEST_CASE(a_crop_larger_than_the_image_names_the_file_and_both_sizes) {
  TempDir dir;
  gz::write_jpeg(noise(100, 80, 3), dir / "small.jpg");
  gz::write_png(noise(100, 80, 3), dir / "small.png");
  for (const char* name : {"small.jpg", "small.png"}) {
    try {
      read_centred(dir / name, 256, 64);
      BOOST_ERROR("no error for a crop larger than the image");
    } catch (const gz::IoError&) {
      BOOST_ERROR("a crop larger than the image is not an I/O error");
    } catch (const gz::Error& e) {
      const std::string what = e.what();
      BOOST_TEST(what.find(name) != std::string::npos, what);
      BOOST_TEST(what.find("256 x 64") != std::string::npos, what);
      BOOST_TEST(what.find("100 x 80") != std::string::npos, what);
    }
  }
  gz::ReadOptions half;
  half.crop_width = 50;  // crop_height left 0
  BOOST_CHECK_THROW(gz::read_image(dir / "small.jpg", half), gz::Error);
  // The whole image is a valid crop.
  BOOST_TEST(read_centred(dir / "small.png", 100, 80).pixels == noise(100, 80, 3).pixels);
}

BOOST_AUTO_TEST_CASE(images_over_the_pixel_limit_are_refused_before_decoding) {
  TempDir dir;
  gz::write_jpeg(noise(100, 80, 3), dir / "small.jpg");
  gz::write_png(noise(100, 80, 3), dir / "small.png");
  gz::ReadOptions limited;
  limited.max_pixels = 100 * 80 - 1;
  for (const char* name : {"small.jpg", "small.png"}) {
    try {
      gz::read_image(dir / name, limited);
      BOOST_ERROR("no error for an image over the pixel limit");
    } catch (const gz::Error& e) {
      const std::string what = e.what();
      BOOST_TEST(what.find(name) != std::string::npos, what);
      BOOST_TEST(what.find("100 x 80 pixels is larger than the limit of 7999") != std::string::npos,
                 what);
    }
    limited.max_pixels = 100 * 80;
    BOOST_TEST(gz::read_image(dir / name, limited).width == 100);
    limited.max_pixels = 100 * 80 - 1;
  }
  // A JPEG header claiming 60000 x 60000 with the data of 100 x 80: refused from the
  // header, before anything is allocated for the pixels.
  std::string bytes = gz::testing::read_text(dir / "small.jpg");
  const auto sof = bytes.find("\xff\xc0");
  BOOST_REQUIRE(sof != std::string::npos);
  bytes[sof + 5] = bytes[sof + 7] = static_cast<char>(0xea);
  bytes[sof + 6] = bytes[sof + 8] = static_cast<char>(0x60);
  gz::testing::write_text(dir / "huge.jpg", bytes);
  BOOST_CHECK_THROW(gz::read_image(dir / "huge.jpg"), gz::Error);
}

// ---------------------------------------------------------------------------------------
// read_image: libvips formats

BOOST_AUTO_TEST_CASE(png_crops_are_exact_at_odd_offsets) {
  TempDir dir;
  const auto img = noise(45, 38, 3);
  gz::write_png(img, dir / "n.png");
  for (const auto& [w, h] :
       std::vector<std::pair<int, int>>{{45, 38}, {44, 37}, {20, 11}, {1, 1}, {45, 1}}) {
    BOOST_TEST_CONTEXT(w << " x " << h) {
      BOOST_TEST(read_centred(dir / "n.png", w, h).pixels == reference_crop(img, w, h).pixels);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_file_rewritten_under_the_same_name_reads_back_new) {
  // libvips' operation cache would return the first file's pixels (it keys loads by name).
  TempDir dir;
  gz::write_png(noise(12, 10, 3, 1), dir / "x.png");
  BOOST_TEST(gz::read_image(dir / "x.png").pixels == noise(12, 10, 3, 1).pixels);
  gz::write_png(noise(12, 10, 3, 2), dir / "x.png");
  BOOST_TEST(gz::read_image(dir / "x.png").pixels == noise(12, 10, 3, 2).pixels);
}

BOOST_AUTO_TEST_CASE(grey_and_rgba_pngs_keep_their_bands) {
  TempDir dir;
  const auto grey = noise(21, 13, 1);
  const auto rgba = noise(21, 13, 4);
  to_vips(grey).pngsave((dir / "grey.png").c_str());
  to_vips(rgba)
      .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_sRGB))
      .pngsave((dir / "rgba.png").c_str());
  gz::ImageInfo info;
  BOOST_TEST(gz::read_image(dir / "grey.png", {}, &info).pixels == grey.pixels);
  BOOST_TEST(info.bands == 1);
  BOOST_TEST(info.format == "png");
  BOOST_TEST(info.width == 21);
  BOOST_TEST(info.height == 13);
  const auto back = read_centred(dir / "rgba.png", 9, 5, &info);
  BOOST_TEST(back.bands == 4);
  BOOST_TEST(info.bands == 4);
  BOOST_TEST(back.pixels == reference_crop(rgba, 9, 5).pixels);
}

BOOST_AUTO_TEST_CASE(sixteen_bit_pngs_are_stretched) {
  TempDir dir;
  // One row of grey: 1000, 2000, ..., 9000 (16 bits).
  std::vector<std::uint16_t> values;
  for (int i = 1; i <= 9; ++i) values.push_back(static_cast<std::uint16_t>(1000 * i));
  vips_ready();
  vips::VImage::new_from_memory(values.data(), values.size() * 2, 9, 1, 1, VIPS_FORMAT_USHORT)
      .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_GREY16))
      .pngsave((dir / "deep.png").c_str(), vips::VImage::option()->set("bitdepth", 16));

  gz::ReadOptions linear;
  linear.stretch = gz::Stretch::linear;
  gz::ImageInfo info;
  const auto lin = gz::read_image(dir / "deep.png", linear, &info);
  BOOST_TEST(info.bands == 1);
  BOOST_TEST(info.format == "png");
  BOOST_REQUIRE(lin.width == 9);
  for (int i = 0; i < 9; ++i) BOOST_TEST(lin.at(i, 0, 0) == std::lround(255.0 * i / 8.0));

  gz::ReadOptions asinh;  // the default
  asinh.asinh_softening = 0.1;
  const auto soft = gz::read_image(dir / "deep.png", asinh);
  for (int i = 0; i < 9; ++i) {
    const double t = i / 8.0;
    BOOST_TEST(soft.at(i, 0, 0) == std::lround(255.0 * std::asinh(t / 0.1) / std::asinh(1 / 0.1)));
  }
  BOOST_TEST(soft.at(1, 0, 0) > lin.at(1, 0, 0));  // asinh lifts the faint end

  // The range is the whole file's, so a crop equals the crop of the stretched image.
  linear.crop_width = 3;
  linear.crop_height = 1;
  const auto crop = gz::read_image(dir / "deep.png", linear);
  BOOST_TEST(crop.pixels == reference_crop(lin, 3, 1).pixels);
}

BOOST_AUTO_TEST_CASE(fits_images_are_read_and_stretched) {
  TempDir dir;
  // 4 x 3, value = 10 * row + column; FITS data start with the bottom row.
  std::vector<float> samples;
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x) samples.push_back(static_cast<float>(10 * y + x));
  write_fits_float(dir / "cutout.fits", 4, 3, samples);

  gz::ReadOptions linear;  // min-max clipping, linear: the values are known
  linear.fits.display.clip = gz::FitsClip::minmax;
  linear.fits.display.stretch = gz::Stretch::linear;
  gz::ImageInfo info;
  const auto img = gz::read_image(dir / "cutout.fits", linear, &info);
  BOOST_TEST(info.format == "fits");
  BOOST_TEST(info.width == 4);
  BOOST_TEST(info.height == 3);
  BOOST_TEST(info.bands == 1);
  // FITS the astronomers' way up: the first data row at the bottom.
  BOOST_TEST(img.at(0, 2, 0) == 0);    // value 0
  BOOST_TEST(img.at(3, 0, 0) == 255);  // value 23
  BOOST_TEST(img.at(1, 1, 0) == std::lround(255.0 * 11 / 23));

  linear.crop_width = 2;
  linear.crop_height = 1;
  BOOST_TEST(gz::read_image(dir / "cutout.fits", linear).pixels ==
             reference_crop(img, 2, 1).pixels);

  // A truncated FITS file is an error too.
  const std::string bytes = gz::testing::read_text(dir / "cutout.fits");
  gz::testing::write_text(dir / "short.fits", bytes.substr(0, 2880 + 10));
  expect_io_error(dir / "short.fits", {}, "cannot read the pixels of HDU 0 (primary)");

  // A single band as grey RGB, for the network; the same pixels in every band.
  gz::ReadOptions rgb = linear;
  rgb.fits.grey_to_rgb = true;
  rgb.crop_width = rgb.crop_height = 0;
  const auto grey_rgb = gz::read_image(dir / "cutout.fits", rgb, &info);
  BOOST_TEST(info.bands == 3);
  BOOST_REQUIRE(grey_rgb.bands == 3);
  for (int b = 0; b < 3; ++b) BOOST_TEST(grey_rgb.at(1, 1, b) == img.at(1, 1, 0));
  // The default clips at the 0.5 and 99.5 percentiles and stretches by asinh.
  BOOST_TEST(gz::read_image(dir / "cutout.fits").at(3, 0, 0) == 255);
  BOOST_TEST(gz::read_image(dir / "cutout.fits").at(0, 2, 0) == 0);
}

BOOST_AUTO_TEST_CASE(truncated_pngs_are_errors) {
  TempDir dir;
  gz::write_png(noise(200, 150, 3), dir / "n.png");
  const std::string bytes = gz::testing::read_text(dir / "n.png");
  gz::testing::write_text(dir / "half.png", bytes.substr(0, bytes.size() / 2));
  expect_io_error(dir / "half.png");
  gz::ReadOptions crop;
  crop.crop_width = crop.crop_height = 20;
  expect_io_error(dir / "half.png", crop);
}
