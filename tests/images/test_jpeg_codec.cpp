#define BOOST_TEST_MODULE jpeg_codec
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/image.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>
#include <vips/vips8>

#include <jpeglib.h>  // after <cstdio>: test files with chroma subsamplings libvips cannot write

#include "image_samples.hpp"
#include "images/jpeg_codec.hpp"
#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using namespace galaxyzoo::testing;

namespace {

// A JPEG of @p img with luma sampling factors h x v (2 x 1 is 4:2:2, 1 x 2 is 4:4:0),
// written with libjpeg directly (its default error handler exits: fine in a test).
void write_jpeg_sampled(const std::filesystem::path& path, const gz::Image& img, int h, int v) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr errors{};
  cinfo.err = jpeg_std_error(&errors);
  jpeg_create_compress(&cinfo);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  BOOST_REQUIRE(file != nullptr);
  jpeg_stdio_dest(&cinfo, file);
  cinfo.image_width = static_cast<JDIMENSION>(img.width);
  cinfo.image_height = static_cast<JDIMENSION>(img.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 80, TRUE);
  cinfo.comp_info[0].h_samp_factor = h;
  cinfo.comp_info[0].v_samp_factor = v;
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row =
        const_cast<std::uint8_t*>(img.pixels.data()) + cinfo.next_scanline * img.width * 3;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::fclose(file);
}

std::vector<std::uint8_t> bytes_of(const std::string& text) {
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The codec itself

BOOST_AUTO_TEST_CASE(the_signature_is_soi_then_a_marker) {
  BOOST_TEST(gz::is_jpeg_signature(std::string("\xFF\xD8\xFF\xE0", 4)));
  BOOST_TEST(gz::is_jpeg_signature(std::string("\xFF\xD8\xFF", 3)));
  BOOST_TEST(!gz::is_jpeg_signature(std::string("\xFF\xD8", 2)));
  BOOST_TEST(!gz::is_jpeg_signature(std::string("\xFF\xD8\x00", 3)));
  BOOST_TEST(!gz::is_jpeg_signature("\x89PNG\r\n"));
  BOOST_TEST(!gz::is_jpeg_signature(""));
  BOOST_TEST(gz::is_jpeg_signature(
      std::string(reinterpret_cast<const char*>(gz::compress_jpeg(noise(8, 8, 3), 75).data()), 3)));
}

BOOST_AUTO_TEST_CASE(decode_asks_for_the_region_with_the_stored_size) {
  const auto img = noise(40, 30, 3);
  const auto bytes = gz::compress_jpeg(img, 90);
  int calls = 0;
  const auto whole = gz::decode_jpeg("whole.jpg", bytes, [&](int w, int h, int bands) {
    ++calls;
    BOOST_TEST(w == 40);
    BOOST_TEST(h == 30);
    BOOST_TEST(bands == 3);
    return gz::PixelRegion{0, 0, w, h};
  });
  BOOST_TEST(calls == 1);
  BOOST_TEST(whole.width == 40);
  BOOST_TEST(whole.height == 30);
  // Any region, not only a centred one, equals the same region of the whole decode.
  const auto part = gz::decode_jpeg("part.jpg", bytes, [](int, int, int) {
    return gz::PixelRegion{3, 5, 17, 11};
  });
  BOOST_TEST(part.pixels == cut(whole, 3, 5, 17, 11).pixels);
  const auto grey = gz::compress_jpeg(noise(9, 7, 1), 75);
  gz::decode_jpeg("grey.jpg", grey, [](int w, int h, int bands) {
    BOOST_TEST(bands == 1);
    return gz::PixelRegion{0, 0, w, h};
  });
}

BOOST_AUTO_TEST_CASE(decode_errors_name_the_file_and_libjpegs_reason) {
  const auto bytes = gz::compress_jpeg(noise(64, 64, 3), 75);
  const auto whole = [](int w, int h, int) { return gz::PixelRegion{0, 0, w, h}; };
  const std::vector<std::uint8_t> half(bytes.begin(), bytes.begin() + bytes.size() / 2);
  try {
    gz::decode_jpeg("half.jpg", half, whole);
    BOOST_ERROR("no error for half a JPEG");
  } catch (const gz::IoError& e) {
    BOOST_TEST(e.path() == "half.jpg");
    BOOST_TEST(std::string(e.what()).find("cannot decode JPEG: Premature end of JPEG file") !=
                   std::string::npos,
               e.what());
  }
  BOOST_CHECK_THROW(gz::decode_jpeg("junk.jpg", bytes_of("\xFF\xD8\xFFjunk"), whole), gz::IoError);
  BOOST_CHECK_THROW(gz::decode_jpeg("empty.jpg", {}, whole), gz::IoError);
  // What the region chooser throws comes through unchanged.
  BOOST_CHECK_THROW(
      gz::decode_jpeg("refused.jpg", bytes,
                      [](int, int, int) -> gz::PixelRegion { throw gz::Error("refused"); }),
      gz::Error);
}

BOOST_AUTO_TEST_CASE(compress_follows_the_quality_and_the_bands) {
  const auto img = noise(64, 48, 3);
  const auto low = gz::compress_jpeg(img, 30);
  const auto high = gz::compress_jpeg(img, 95);
  BOOST_TEST(low.size() < high.size());
  BOOST_TEST(gz::encode_jpeg(img, 95) == high);
  const auto whole = [](int w, int h, int) { return gz::PixelRegion{0, 0, w, h}; };
  BOOST_TEST(gz::decode_jpeg("grey.jpg", gz::compress_jpeg(noise(10, 6, 1), 75), whole).bands == 1);
}

// ---------------------------------------------------------------------------------------
// read_image: the JPEG path

BOOST_AUTO_TEST_CASE(jpeg_round_trip_is_close) {
  TempDir dir;
  const auto img = gradient(64, 64);
  gz::write_jpeg(img, dir / "g.jpg", 95);
  const auto back = gz::read_image(dir / "g.jpg");
  BOOST_REQUIRE(back.pixels.size() == img.pixels.size());
  int worst = 0;
  for (std::size_t i = 0; i < img.pixels.size(); ++i)
    worst = std::max(worst, std::abs(img.pixels[i] - back.pixels[i]));
  BOOST_TEST(worst <= 12);
  BOOST_TEST(gz::encode_jpeg(img, 95).size() > 100u);
}

BOOST_AUTO_TEST_CASE(jpeg_info_reports_the_stored_image) {
  TempDir dir;
  gz::write_jpeg(noise(424, 424, 3), dir / "g.jpg", 75);
  gz::ImageInfo info;
  const auto crop = read_centred(dir / "g.jpg", 256, 256, &info);
  BOOST_TEST(info.width == 424);
  BOOST_TEST(info.height == 424);
  BOOST_TEST(info.bands == 3);
  BOOST_TEST(info.format == "jpeg");
  BOOST_TEST(crop.width == 256);
  BOOST_TEST(crop.height == 256);
  BOOST_TEST(crop.bands == 3);
}

// libjpeg-turbo decodes only the crop's iMCU columns and skips the rows above it; the
// pixels must still be exactly those of a full decode, for every chroma subsampling, for
// progressive files, and at odd offsets (where the fancy upsampling's edges matter).
BOOST_AUTO_TEST_CASE(jpeg_centred_crop_equals_the_same_region_of_a_full_decode) {
  TempDir dir;
  const auto img = noise(101, 77, 3);
  const auto grey = noise(101, 77, 1);
  to_vips(img).jpegsave((dir / "420.jpg").c_str(), vips::VImage::option()->set("Q", 80));
  to_vips(img).jpegsave(
      (dir / "444.jpg").c_str(),
      vips::VImage::option()->set("Q", 80)->set("subsample_mode", VIPS_FOREIGN_SUBSAMPLE_OFF));
  to_vips(img).jpegsave((dir / "progressive.jpg").c_str(),
                        vips::VImage::option()->set("Q", 80)->set("interlace", true));
  to_vips(grey).jpegsave((dir / "grey.jpg").c_str(), vips::VImage::option()->set("Q", 80));
  // 4:2:2 (h2v1) and 4:4:0 (h1v2) have their own fancy upsamplers.
  write_jpeg_sampled(dir / "422.jpg", img, 2, 1);
  write_jpeg_sampled(dir / "440.jpg", img, 1, 2);
  to_vips(img).jpegsave((dir / "restart.jpg").c_str(),
                        vips::VImage::option()->set("Q", 80)->set("restart_interval", 2));

  for (const char* name :
       {"420.jpg", "422.jpg", "440.jpg", "444.jpg", "progressive.jpg", "grey.jpg", "restart.jpg"}) {
    const auto full = gz::read_image(dir / name);
    BOOST_REQUIRE(full.width == 101);
    for (const auto& [w, h] : std::vector<std::pair<int, int>>{{101, 77},
                                                               {100, 76},
                                                               {99, 75},
                                                               {64, 64},
                                                               {63, 33},
                                                               {50, 31},
                                                               {31, 50},
                                                               {17, 9},
                                                               {16, 16},
                                                               {3, 5},
                                                               {1, 1},
                                                               {2, 77},
                                                               {101, 1},
                                                               {90, 70},
                                                               {85, 61}}) {
      const auto crop = read_centred(dir / name, w, h);
      BOOST_TEST_CONTEXT(name << " crop " << w << " x " << h) {
        BOOST_TEST(crop.width == w);
        BOOST_TEST(crop.height == h);
        BOOST_TEST(crop.pixels == reference_crop(full, w, h).pixels);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(jpeg_crop_of_a_survey_sized_image_is_exact) {
  TempDir dir;
  gz::write_jpeg(noise(424, 424, 3, 7), dir / "g.jpg", 75);
  const auto full = gz::read_image(dir / "g.jpg");
  const auto crop = read_centred(dir / "g.jpg", 256, 256);
  BOOST_TEST(crop.pixels == cut(full, 84, 84, 256, 256).pixels);
  // Odd margins: the offset is rounded down, (424 - 255) / 2 = 84.
  const auto odd = read_centred(dir / "g.jpg", 255, 201);
  BOOST_TEST(odd.pixels == cut(full, 84, 111, 255, 201).pixels);
}

BOOST_AUTO_TEST_CASE(grey_and_cmyk_jpegs_decode_as_stored) {
  TempDir dir;
  to_vips(noise(40, 30, 1)).jpegsave((dir / "grey.jpg").c_str());
  to_vips(noise(40, 30, 4))
      .copy(vips::VImage::option()->set("interpretation", VIPS_INTERPRETATION_CMYK))
      .jpegsave((dir / "cmyk.jpg").c_str());
  gz::ImageInfo info;
  BOOST_TEST(gz::read_image(dir / "grey.jpg", {}, &info).bands == 1);
  BOOST_TEST(info.bands == 1);
  BOOST_TEST(gz::read_image(dir / "cmyk.jpg", {}, &info).bands == 4);
  BOOST_TEST(info.bands == 4);
  BOOST_TEST(info.format == "jpeg");
}

BOOST_AUTO_TEST_CASE(truncated_and_corrupt_jpegs_are_errors) {
  TempDir dir;
  gz::write_jpeg(noise(424, 424, 3), dir / "g.jpg", 75);
  const std::string bytes = gz::testing::read_text(dir / "g.jpg");
  gz::ReadOptions crop;
  crop.crop_width = crop.crop_height = 256;

  gz::testing::write_text(dir / "half.jpg", bytes.substr(0, bytes.size() / 2));
  expect_io_error(dir / "half.jpg", {}, "Premature end of JPEG file");
  expect_io_error(dir / "half.jpg", crop, "Premature end of JPEG file");
  // Cut below the crop: the rows under it are still read, so this is found too.
  gz::testing::write_text(dir / "tail.jpg", bytes.substr(0, bytes.size() - 200));
  expect_io_error(dir / "tail.jpg", crop);
  // Only the header: no image data at all.
  gz::testing::write_text(dir / "header.jpg", bytes.substr(0, 300));
  expect_io_error(dir / "header.jpg");
  // An end-of-image marker in the middle of the entropy-coded data.
  std::string corrupt = bytes;
  corrupt[bytes.size() / 2] = '\xFF';
  corrupt[bytes.size() / 2 + 1] = '\xD9';
  gz::testing::write_text(dir / "corrupt.jpg", corrupt);
  expect_io_error(dir / "corrupt.jpg", crop);
  // The JPEG signature followed by junk.
  gz::testing::write_text(dir / "junk.jpg",
                          std::string("\xFF\xD8\xFF", 3) + std::string(1000, 'x'));
  expect_io_error(dir / "junk.jpg");
}

// ---------------------------------------------------------------------------------------
// encode_jpeg / write_jpeg on libjpeg-turbo

BOOST_AUTO_TEST_CASE(encode_jpeg_follows_quality_and_rejects_bad_input) {
  const auto img = noise(64, 48, 3);
  const auto low = gz::encode_jpeg(img, 30);
  const auto high = gz::encode_jpeg(img, 95);
  BOOST_TEST(low.size() < high.size());
  BOOST_TEST(low[0] == 0xFF);
  BOOST_TEST(low[1] == 0xD8);
  BOOST_TEST(gz::encode_jpeg(noise(10, 10, 1), 75).size() > 100u);
  BOOST_CHECK_THROW(gz::encode_jpeg(img, 0), gz::Error);
  BOOST_CHECK_THROW(gz::encode_jpeg(img, 101), gz::Error);
  BOOST_CHECK_THROW(gz::encode_jpeg(noise(10, 10, 4), 75), gz::Error);
  gz::Image broken = img;
  broken.pixels.pop_back();
  BOOST_CHECK_THROW(gz::encode_jpeg(broken, 75), gz::Error);
}

BOOST_AUTO_TEST_CASE(encode_jpeg_decodes_like_libvips_jpegsave) {
  // encode_jpeg replaced libvips' jpegsave (Q, strip): with the same quantisation tables
  // and chroma subsampling (4:2:0 below quality 90, none from 90), both files decode to
  // the same pixels.
  TempDir dir;
  const auto img = noise(64, 48, 3);
  for (int quality : {50, 75, 89, 90, 95}) {
    BOOST_TEST_CONTEXT("quality " << quality) {
      gz::write_jpeg(img, dir / "ours.jpg", quality);
      to_vips(img).jpegsave((dir / "vips.jpg").c_str(),
                            vips::VImage::option()->set("Q", quality)->set("strip", true));
      BOOST_TEST(gz::read_image(dir / "ours.jpg").pixels ==
                 gz::read_image(dir / "vips.jpg").pixels);
    }
  }
}
