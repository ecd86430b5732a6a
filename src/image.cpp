#include "galaxyzoo/image.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string_view>
#include <vips/vips8>

#include "galaxyzoo/atomic_output.hpp"
#include "galaxyzoo/error.hpp"

namespace galaxyzoo {
namespace {

// libvips needs one VIPS_INIT per process before use; galaxyzoo does it on first use.
void ensure_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("galaxyzoo") != 0) throw Error(std::string("cannot initialise libvips: ") + vips_error_buffer());
  });
}

// libvips reports errors in a global buffer; take the text and clear it.
std::string vips_reason(const vips::VError& e) {
  std::string reason = e.what();
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  vips_error_clear();
  return reason;
}

vips::VImage to_vips(const Image& image) {
  if (image.width <= 0 || image.height <= 0 || image.bands <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.bands) {
    throw Error("image of " + std::to_string(image.width) + " x " + std::to_string(image.height) + " x " +
                std::to_string(image.bands) + " has " + std::to_string(image.pixels.size()) + " samples");
  }
  return vips::VImage::new_from_memory(const_cast<std::uint8_t*>(image.pixels.data()), image.pixels.size(),
                                       image.width, image.height, image.bands, VIPS_FORMAT_UCHAR);
}

std::vector<std::uint8_t> save_to_buffer(const Image& image, const char* suffix, vips::VOption* options) {
  ensure_vips();
  void* data = nullptr;
  std::size_t size = 0;
  try {
    to_vips(image).write_to_buffer(suffix, &data, &size, options);
  } catch (const vips::VError& e) {
    throw Error(std::string("cannot encode image as ") + suffix + ": " + vips_reason(e));
  }
  std::vector<std::uint8_t> bytes(static_cast<std::uint8_t*>(data), static_cast<std::uint8_t*>(data) + size);
  g_free(data);
  return bytes;
}

void write_bytes(const std::vector<std::uint8_t>& bytes, const std::filesystem::path& path) {
  write_file_atomically(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Image from_vips(vips::VImage in);

}  // namespace

Image::Image(int width_, int height_, int bands_) : width(width_), height(height_), bands(bands_) {
  if (width <= 0 || height <= 0 || bands <= 0) {
    throw Error("Image: size " + std::to_string(width) + " x " + std::to_string(height) + " x " +
                std::to_string(bands) + " is not positive");
  }
  pixels.assign(static_cast<std::size_t>(width) * height * bands, 0);
}

Image read_image(const std::filesystem::path& path) {
  ensure_vips();
  try {
    return from_vips(vips::VImage::new_from_file(path.c_str(),
                                                 vips::VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL)));
  } catch (const vips::VError& e) {
    throw IoError(path, "cannot decode image: " + vips_reason(e));
  }
}

namespace {

Image from_vips(vips::VImage in) {
  if (in.format() != VIPS_FORMAT_UCHAR) in = in.cast(VIPS_FORMAT_UCHAR);
  Image out(in.width(), in.height(), in.bands());
  std::size_t size = 0;
  void* memory = in.write_to_memory(&size);
  std::memcpy(out.pixels.data(), memory, std::min(size, out.pixels.size()));
  g_free(memory);
  return out;
}

}  // namespace

Image resize(const Image& image, int width, int height) {
  ensure_vips();
  if (width <= 0 || height <= 0) {
    throw Error("resize: target size " + std::to_string(width) + " x " + std::to_string(height) + " is not positive");
  }
  try {
    const double hscale = static_cast<double>(width) / image.width;
    const double vscale = static_cast<double>(height) / image.height;
    vips::VImage out = to_vips(image).resize(hscale, vips::VImage::option()->set("vscale", vscale));
    // Rounding in libvips can leave a pixel more or less: crop or pad to the exact size.
    out = out.embed(0, 0, width, height, vips::VImage::option()->set("extend", VIPS_EXTEND_COPY));
    return from_vips(out);
  } catch (const vips::VError& e) {
    throw Error("resize failed: " + vips_reason(e));
  }
}

std::vector<std::uint8_t> encode_jpeg(const Image& image, int quality) {
  return save_to_buffer(image, ".jpg", vips::VImage::option()->set("Q", quality)->set("strip", true));
}

void write_jpeg(const Image& image, const std::filesystem::path& path, int quality) {
  write_bytes(encode_jpeg(image, quality), path);
}

void write_png(const Image& image, const std::filesystem::path& path) {
  write_bytes(save_to_buffer(image, ".png", vips::VImage::option()->set("compression", 6)), path);
}

}  // namespace galaxyzoo
