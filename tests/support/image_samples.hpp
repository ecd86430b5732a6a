#pragma once
// Test support for the image tests (test_image, test_jpeg_codec): sample images, reference
// crops, libvips for writing test files in formats galaxyzoo does not write, and the check
// that a file does not decode. Include after <boost/test/unit_test.hpp>.
#include <boost/test/unit_test.hpp>
#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/images/image.hpp>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vips/vips8>

namespace galaxyzoo::testing {

/// Red rising to the right, green downwards, blue constant.
inline Image gradient(int w, int h) {
  Image img(w, h, 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      img.at(x, y, 0) = static_cast<std::uint8_t>(x * 255 / (w - 1));
      img.at(x, y, 1) = static_cast<std::uint8_t>(y * 255 / (h - 1));
      img.at(x, y, 2) = 128;
    }
  }
  return img;
}

/// Noise: every pixel and every chroma sample different, so a crop that came from the
/// wrong place or a smoothed edge cannot go unnoticed.
inline Image noise(int w, int h, int bands, std::uint32_t seed = 1) {
  Image img(w, h, bands);
  std::uint32_t state = seed;
  for (auto& p : img.pixels) {
    state = state * 1664525u + 1013904223u;
    p = static_cast<std::uint8_t>(state >> 24);
  }
  // A smooth part too, so the JPEG has both high and low frequencies.
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w / 2; ++x)
      for (int b = 0; b < bands; ++b)
        img.at(x, y, b) = static_cast<std::uint8_t>((x * 7 + y * 3 + b * 50) & 255);
  return img;
}

/// The region of @p img from (left, top), cut out pixel by pixel: the reference crop.
inline Image cut(const Image& img, int left, int top, int w, int h) {
  Image out(w, h, img.bands);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int b = 0; b < img.bands; ++b) out.at(x, y, b) = img.at(left + x, top + y, b);
  return out;
}

/// read_image() of the centred @p w x @p h crop.
inline Image read_centred(const std::filesystem::path& path, int w, int h,
                          ImageInfo* info = nullptr) {
  ReadOptions options;
  options.crop_width = w;
  options.crop_height = h;
  return read_image(path, options, info);
}

/// The centred crop of a full decode, with read_image's rounding (offsets rounded down).
inline Image reference_crop(const Image& full, int w, int h) {
  return cut(full, (full.width - w) / 2, (full.height - h) / 2, w, h);
}

inline void vips_ready() {
  static const bool ok = VIPS_INIT("galaxyzoo-tests") == 0;
  if (!ok) throw std::runtime_error("cannot initialise libvips");
}

/// A libvips image of @p img (for writing test files in formats galaxyzoo does not write).
inline vips::VImage to_vips(const Image& img) {
  vips_ready();
  return vips::VImage::new_from_memory(const_cast<std::uint8_t*>(img.pixels.data()),
                                       img.pixels.size(), img.width, img.height, img.bands,
                                       VIPS_FORMAT_UCHAR)
      .copy_memory();
}

/// Checks that read_image() throws an IoError naming @p path, "cannot decode" and
/// @p reason (if given).
inline void expect_io_error(const std::filesystem::path& path, const ReadOptions& options = {},
                            const std::string& reason = "") {
  try {
    read_image(path, options);
    BOOST_ERROR("no error for " << path);
  } catch (const IoError& e) {
    BOOST_TEST(e.path() == path);
    BOOST_TEST(std::string(e.what()).find("cannot decode") != std::string::npos, e.what());
    if (!reason.empty())
      BOOST_TEST(std::string(e.what()).find(reason) != std::string::npos, e.what());
  }
}

}  // namespace galaxyzoo::testing
