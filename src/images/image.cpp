#include "galaxyzoo/images/image.hpp"

// Two decoders are behind read_image():
//
// - JPEG files (recognised by content, not by name) go to the libjpeg-turbo codec of
//   jpeg_codec.hpp, which says why.
// - FITS files go to cfitsio (fits_image.hpp), which reads any HDU and tile-compressed
//   files, and are clipped and stretched by fits_stretch.hpp.
// - Everything else (PNG, TIFF, WebP, ...) goes through libvips, here, which reads many
//   formats and sample types and whose overhead does not matter for the rare non-JPEG
//   input.
//
// JPEG encoding uses libjpeg-turbo for the same reason; PNG encoding and resizing stay on
// libvips.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vips/vips8>

// After vips8, which brings the GLib types it uses.
#include <vips/vector.h>

#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/images/fits_stretch.hpp"
#include "images/jpeg_codec.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

// ---------------------------------------------------------------------------------------
// libvips helpers

// libvips needs one VIPS_INIT per process before use; galaxyzoo does it on first use.
// It also turns off libvips' operation cache: the cache keys a file load by the file's
// name (libvips 8.14 does not look at the file again), so a file rewritten under the same
// name would read back as its old pixels, and galaxyzoo never repeats an operation that
// the cache could save.
void ensure_vips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("galaxyzoo") != 0)
      throw Error(std::string("cannot initialise libvips: ") + vips_error_buffer());
    vips_cache_set_max(0);
    // libvips 8.14's run-time generated (liborc) vector code crashes now and then when
    // two threads resize at once, as the image loader's threads do; the plain C path is
    // safe and the images here are small.
    vips_vector_set_enabled(FALSE);
  });
}

// libvips reports errors in a global buffer; take the text and clear it.
std::string vips_reason(const vips::VError& e) {
  std::string reason = e.what();
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  vips_error_clear();
  return reason;
}

void check_image(const Image& image) {
  if (image.width <= 0 || image.height <= 0 || image.bands <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.bands) {
    throw Error("image of " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                " x " + std::to_string(image.bands) + " has " +
                std::to_string(image.pixels.size()) + " samples");
  }
}

vips::VImage to_vips(const Image& image) {
  check_image(image);
  return vips::VImage::new_from_memory(const_cast<std::uint8_t*>(image.pixels.data()),
                                       image.pixels.size(), image.width, image.height, image.bands,
                                       VIPS_FORMAT_UCHAR);
}

// An 8-bit libvips image copied into an Image (this runs the libvips pipeline).
Image from_vips_uchar(const vips::VImage& in) {
  Image out(in.width(), in.height(), in.bands());
  std::size_t size = 0;
  void* memory = in.write_to_memory(&size);
  std::memcpy(out.pixels.data(), memory, std::min(size, out.pixels.size()));
  g_free(memory);
  return out;
}

std::vector<std::uint8_t> save_to_buffer(const Image& image, const char* suffix,
                                         vips::VOption* options) {
  ensure_vips();
  void* data = nullptr;
  std::size_t size = 0;
  try {
    to_vips(image).write_to_buffer(suffix, &data, &size, options);
  } catch (const vips::VError& e) {
    throw Error(std::string("cannot encode image as ") + suffix + ": " + vips_reason(e));
  }
  std::vector<std::uint8_t> bytes(static_cast<std::uint8_t*>(data),
                                  static_cast<std::uint8_t*>(data) + size);
  g_free(data);
  return bytes;
}

void write_bytes(const std::vector<std::uint8_t>& bytes, const fs::path& path) {
  write_file_atomically(
      path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// ---------------------------------------------------------------------------------------
// Files and crop geometry

// Closes a std::FILE when it goes out of scope.
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

FilePtr open_for_reading(const fs::path& path) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) throw IoError(path, std::string("cannot open: ") + std::strerror(errno));
  return file;
}

// All of an open file, in one read (the JPEG decoder works on memory).
std::vector<std::uint8_t> read_all(const fs::path& path, std::FILE* file) {
  std::vector<std::uint8_t> bytes;
  if (std::fseek(file, 0, SEEK_END) == 0) {
    const long size = std::ftell(file);
    if (size > 0) bytes.resize(static_cast<std::size_t>(size));
  }
  std::rewind(file);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file));
  if (std::ferror(file)) throw IoError(path, std::string("cannot read: ") + std::strerror(errno));
  return bytes;
}

// Every FITS file starts with the card "SIMPLE  =".
bool is_fits_signature(std::string_view bytes) { return bytes.substr(0, 9) == "SIMPLE  ="; }

// The region read_image() returns from a width x height image: all of it, or the centred
// crop (offsets rounded down when the margins are odd).
PixelRegion centred_region(const fs::path& path, const ReadOptions& options, int width,
                           int height) {
  if (options.max_pixels > 0 && static_cast<std::int64_t>(width) * height > options.max_pixels) {
    throw Error("'" + path.string() + "': image of " + std::to_string(width) + " x " +
                std::to_string(height) + " pixels is larger than the limit of " +
                std::to_string(options.max_pixels) +
                " (ReadOptions::max_pixels): a damaged header, or raise the limit");
  }
  if (options.crop_width == 0 && options.crop_height == 0) return {0, 0, width, height};
  const std::string crop =
      std::to_string(options.crop_width) + " x " + std::to_string(options.crop_height);
  if (options.crop_width <= 0 || options.crop_height <= 0) {
    throw Error("'" + path.string() + "': crop " + crop +
                " is not positive (set both sizes, or neither)");
  }
  if (options.crop_width > width || options.crop_height > height) {
    throw Error("'" + path.string() + "': crop " + crop + " is larger than the image (" +
                std::to_string(width) + " x " + std::to_string(height) + ")");
  }
  return {(width - options.crop_width) / 2, (height - options.crop_height) / 2, options.crop_width,
          options.crop_height};
}

void fill_info(ImageInfo* info, int width, int height, int bands, std::string format) {
  if (info == nullptr) return;
  info->width = width;
  info->height = height;
  info->bands = bands;
  info->format = std::move(format);
}

// ---------------------------------------------------------------------------------------
// libvips reader (everything but JPEG)

// "pngload" -> "png", "fitsload" -> "fits", "tiffload" -> "tiff".
std::string format_of(const vips::VImage& image) {
  std::string loader;
  try {
    loader = image.get_string("vips-loader");
  } catch (const vips::VError& e) {
    vips_reason(e);
    return "unknown";
  }
  const std::size_t load = loader.find("load");
  return load == std::string::npos ? loader : loader.substr(0, load);
}

// The smallest and largest finite sample of @p image, over all bands.
std::pair<double, double> finite_range(const vips::VImage& image) {
  std::size_t size = 0;
  void* memory = image.cast(VIPS_FORMAT_DOUBLE).write_to_memory(&size);
  const auto* samples = static_cast<const double*>(memory);
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (std::size_t i = 0; i < size / sizeof(double); ++i) {
    if (!std::isfinite(samples[i])) continue;
    lo = std::min(lo, samples[i]);
    hi = std::max(hi, samples[i]);
  }
  g_free(memory);
  if (lo > hi) lo = hi = 0;  // no finite sample at all
  return {lo, hi};
}

// Samples of more than 8 bits mapped to 0..255 by @p options.stretch. The range comes
// from the whole image (@p full), so a crop gives the same values as cropping the whole
// stretched image. Non-finite samples become 0.
Image stretch_to_uchar(const vips::VImage& full, const vips::VImage& region,
                       const ReadOptions& options) {
  const auto [lo, hi] = finite_range(full);
  const double s = options.asinh_softening;
  const double asinh_scale = 1.0 / std::asinh(1.0 / s);

  std::size_t size = 0;
  void* memory = region.cast(VIPS_FORMAT_DOUBLE).write_to_memory(&size);
  const auto* samples = static_cast<const double*>(memory);
  Image out(region.width(), region.height(), region.bands());
  const std::size_t count = std::min(size / sizeof(double), out.pixels.size());
  for (std::size_t i = 0; i < count; ++i) {
    const double x = samples[i];
    if (!std::isfinite(x) || hi <= lo) continue;  // stays 0
    const double t = (x - lo) / (hi - lo);        // 0 ... 1
    const double v = options.stretch == Stretch::linear ? t : std::asinh(t / s) * asinh_scale;
    out.pixels[i] = static_cast<std::uint8_t>(std::lround(std::clamp(255.0 * v, 0.0, 255.0)));
  }
  g_free(memory);
  return out;
}

Image read_with_vips(const fs::path& path, const ReadOptions& options, ImageInfo* info) {
  ensure_vips();
  if (vips_foreign_find_load(path.c_str()) == nullptr) {
    vips_error_clear();
    throw IoError(path, "cannot decode image: not a format libvips can read");
  }

  vips::VImage image;
  try {
    // fail_on: a truncated or corrupt file is an error, not an image padded with grey.
    // Random access (the default), because data of more than 8 bits is read twice: its
    // range first, then its pixels.
    image = vips::VImage::new_from_file(path.c_str(),
                                        vips::VImage::option()->set("fail_on", VIPS_FAIL_ON_ERROR));
  } catch (const vips::VError& e) {
    throw IoError(path, "cannot decode image: " + vips_reason(e));
  }
  fill_info(info, image.width(), image.height(), image.bands(), format_of(image));
  const PixelRegion r = centred_region(path, options, image.width(), image.height());
  if (image.format() != VIPS_FORMAT_UCHAR && !(options.asinh_softening > 0)) {
    throw Error("read_image: asinh_softening " + std::to_string(options.asinh_softening) +
                " is not positive");
  }

  try {
    const vips::VImage region = r.width == image.width() && r.height == image.height()
                                    ? image
                                    : image.extract_area(r.left, r.top, r.width, r.height);
    if (image.format() == VIPS_FORMAT_UCHAR) return from_vips_uchar(region);
    return stretch_to_uchar(image, region, options);
  } catch (const vips::VError& e) {
    throw IoError(path, "cannot decode image: " + vips_reason(e));
  }
}

// ---------------------------------------------------------------------------------------
// FITS (cfitsio)

// The pixels of @p region of @p image.
Image crop_to(const Image& image, const PixelRegion& region) {
  if (region.width == image.width && region.height == image.height) return image;
  Image out(region.width, region.height, image.bands);
  const std::size_t row = static_cast<std::size_t>(region.width) * image.bands;
  for (int y = 0; y < region.height; ++y) {
    const std::size_t from =
        (static_cast<std::size_t>(region.top + y) * image.width + region.left) * image.bands;
    std::memcpy(&out.at(0, y, 0), image.pixels.data() + from, row);
  }
  return out;
}

// One grey band as three equal ones.
Image grey_as_rgb(const Image& grey) {
  Image out(grey.width, grey.height, 3);
  for (std::size_t i = 0; i < grey.pixels.size(); ++i)
    out.pixels[3 * i] = out.pixels[3 * i + 1] = out.pixels[3 * i + 2] = grey.pixels[i];
  return out;
}

Image read_fits(const fs::path& path, const ReadOptions& options, ImageInfo* info) {
  const FitsReadOptions& fits = options.fits;
  const auto& hdus = fits.composite_hdus;
  const bool composite = hdus[0] >= 0 || hdus[1] >= 0 || hdus[2] >= 0;
  if (composite && (hdus[0] < 0 || hdus[1] < 0 || hdus[2] < 0)) {
    throw Error("'" + path.string() + "': composite HDUs " + std::to_string(hdus[0]) + ", " +
                std::to_string(hdus[1]) + ", " + std::to_string(hdus[2]) +
                ": give three HDU numbers (>= 0), or none");
  }
  Image image;
  try {
    if (composite) {
      image = read_fits_rgb({{{path, hdus[0]}, {path, hdus[1]}, {path, hdus[2]}}}, fits.display,
                            options.max_pixels);
    } else {
      image = stretch_to_grey(read_fits_plane(path, fits.hdu, nullptr, options.max_pixels),
                              fits.display);
      if (fits.grey_to_rgb) image = grey_as_rgb(image);
    }
  } catch (const IoError& e) {
    // "'PATH': no HDU 3 ..." as every reader's "'PATH': cannot decode image: ...".
    const std::string what = e.what(), named = "'" + path.string() + "': ";
    throw IoError(
        path, "cannot decode image: " +
                  (what.compare(0, named.size(), named) == 0 ? what.substr(named.size()) : what));
  }
  fill_info(info, image.width, image.height, image.bands, "fits");
  return crop_to(image, centred_region(path, options, image.width, image.height));
}

}  // namespace

Image::Image(int width_, int height_, int bands_) : width(width_), height(height_), bands(bands_) {
  if (width <= 0 || height <= 0 || bands <= 0) {
    throw Error("Image: size " + std::to_string(width) + " x " + std::to_string(height) + " x " +
                std::to_string(bands) + " is not positive");
  }
  pixels.assign(static_cast<std::size_t>(width) * height * bands, 0);
}

Image read_image(const fs::path& path, const ReadOptions& options, ImageInfo* info) {
  // Sniff by content: a JPEG named .png (or a PNG named .jpg) is common in scraped data.
  std::string signature(16, '\0');
  std::vector<std::uint8_t> jpeg;
  {
    FilePtr file = open_for_reading(path);
    signature.resize(std::fread(signature.data(), 1, signature.size(), file.get()));
    if (std::ferror(file.get()))
      throw IoError(path, std::string("cannot read: ") + std::strerror(errno));
    if (is_jpeg_signature(signature)) jpeg = read_all(path, file.get());
  }
  if (is_jpeg_signature(signature)) {
    return decode_jpeg(path, jpeg, [&](int width, int height, int bands) {
      fill_info(info, width, height, bands, "jpeg");
      return centred_region(path, options, width, height);
    });
  }
  if (is_fits_signature(signature)) return read_fits(path, options, info);
  return read_with_vips(path, options, info);
}

Image resize(const Image& image, int width, int height) {
  ensure_vips();
  if (width <= 0 || height <= 0) {
    throw Error("resize: target size " + std::to_string(width) + " x " + std::to_string(height) +
                " is not positive");
  }
  try {
    const double hscale = static_cast<double>(width) / image.width;
    const double vscale = static_cast<double>(height) / image.height;
    vips::VImage out = to_vips(image).resize(hscale, vips::VImage::option()->set("vscale", vscale));
    // Rounding in libvips can leave a pixel more or less: crop or pad to the exact size.
    out = out.embed(0, 0, width, height, vips::VImage::option()->set("extend", VIPS_EXTEND_COPY));
    if (out.format() != VIPS_FORMAT_UCHAR) out = out.cast(VIPS_FORMAT_UCHAR);
    return from_vips_uchar(out);
  } catch (const vips::VError& e) {
    throw Error("resize failed: " + vips_reason(e));
  }
}

Image render_svg(const std::string& svg) {
  ensure_vips();
  try {
    vips::VImage rendered = vips::VImage::new_from_buffer(svg.data(), svg.size(), "");
    // librsvg gives RGBA: flatten onto white.
    if (rendered.bands() == 4)
      rendered = rendered.flatten(
          vips::VImage::option()->set("background", std::vector<double>{255, 255, 255}));
    return from_vips_uchar(rendered);
  } catch (const vips::VError& e) {
    throw Error("cannot render SVG: " + vips_reason(e));
  }
}

std::vector<std::uint8_t> encode_jpeg(const Image& image, int quality) {
  check_image(image);
  if (quality < 1 || quality > 100)
    throw Error("encode_jpeg: quality " + std::to_string(quality) + " is not in 1-100");
  if (image.bands != 1 && image.bands != 3) {
    throw Error("encode_jpeg: a JPEG holds 1 (grey) or 3 (RGB) bands, not " +
                std::to_string(image.bands));
  }

  return compress_jpeg(image, quality);
}

void write_jpeg(const Image& image, const fs::path& path, int quality) {
  write_bytes(encode_jpeg(image, quality), path);
}

void write_png(const Image& image, const fs::path& path) {
  write_bytes(save_to_buffer(image, ".png", vips::VImage::option()->set("compression", 6)), path);
}

}  // namespace galaxyzoo
