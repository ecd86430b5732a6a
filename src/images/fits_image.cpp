#include "galaxyzoo/images/fits_image.hpp"

// cfitsio is confined to this file. Files are opened with fits_open_diskfile, which takes
// the name literally (fits_open_file would read "[1]" or "+2" in a name as cfitsio's
// extended file-name syntax). Tile-compressed images (.fits.fz: a binary table with
// ZIMAGE = T) are image HDUs to cfitsio, which decompresses them as they are read.

#include <fitsio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>

#include "galaxyzoo/core/error.hpp"
#include "images/fits_hdus.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

// Threads (the image loader's, the catalogue's cutouts) may read FITS files at once.
// cfitsio built without --enable-reentrant must not be entered by two threads at all
// (Debian's build is reentrant). Even a reentrant cfitsio shares one file handle, with
// one position, between opens of the same file name; so reads of one path are
// serialised: a lock per path, from a fixed set of locks chosen by the path's hash.
std::unique_lock<std::mutex> cfitsio_lock(const fs::path& path) {
  static std::mutex whole_library;
  static std::array<std::mutex, 64> per_path;
  if (!fits_is_reentrant()) return std::unique_lock<std::mutex>(whole_library);
  return std::unique_lock<std::mutex>(
      per_path[std::hash<std::string>()(path.string()) % per_path.size()]);
}

std::string hdu_name(int hdu) {
  return hdu == 0 ? "HDU 0 (primary)" : "HDU " + std::to_string(hdu);
}

// cfitsio's text for @p status; its message stack is cleared.
std::string cfitsio_reason(int status) {
  char text[FLEN_STATUS] = {};
  fits_get_errstatus(status, text);
  fits_clear_errmsg();
  return std::string(text) + " (cfitsio status " + std::to_string(status) + ")";
}

// An open FITS file, closed when it goes out of scope; errors name the file.
class FitsFile {
 public:
  explicit FitsFile(const fs::path& path) : path_(path) {
    int status = 0;
    if (fits_open_diskfile(&file_, path.c_str(), READONLY, &status) != 0) {
      file_ = nullptr;
      if (status == FILE_NOT_OPENED) {
        std::error_code ec;
        if (!fs::exists(path, ec)) fail("cannot open: no such file");
      }
      fail("cannot open as FITS: " + cfitsio_reason(status));
    }
  }
  ~FitsFile() {
    int status = 0;
    if (file_ != nullptr) fits_close_file(file_, &status);
  }
  FitsFile(const FitsFile&) = delete;
  FitsFile& operator=(const FitsFile&) = delete;

  fitsfile* get() const { return file_; }
  [[noreturn]] void fail(const std::string& problem) const { throw IoError(path_, problem); }
  // Throws for a non-zero @p status, naming @p what (and the HDU).
  void check(int status, const std::string& what) const {
    if (status != 0) fail(what + ": " + cfitsio_reason(status));
  }

  // The number of HDUs cfitsio finds (it stops at the first damaged one), each header
  // checked before cfitsio reads it (fits_hdus.hpp).
  int count_hdus() const { return count_checked_hdus(file_, path_); }

  // Moves to 0-based @p hdu. Returns false if the file has no such HDU.
  bool move_to(int hdu) const {
    int status = 0, type = 0;
    fits_movabs_hdu(file_, hdu + 1, &type, &status);
    if (status == END_OF_FILE || status == BAD_HDU_NUM) {
      fits_clear_errmsg();
      return false;
    }
    check(status, "cannot read " + hdu_name(hdu));
    return true;
  }

 private:
  fs::path path_;
  fitsfile* file_ = nullptr;
};

// What the current HDU holds: a 2-D image's size, or why it is not one ("" if it is).
struct HduShape {
  long width = 0;
  long height = 0;
  std::string not_2d;  // e.g. "a binary table", "a 3-D image (4 x 4 x 3)"
};

HduShape shape_of_current(const FitsFile& file, int hdu) {
  int status = 0, type = 0;
  fits_get_hdu_type(file.get(), &type, &status);
  file.check(status, "cannot read " + hdu_name(hdu));
  HduShape shape;
  if (type == BINARY_TBL) shape.not_2d = "a binary table";
  if (type == ASCII_TBL) shape.not_2d = "an ASCII table";
  if (type != IMAGE_HDU) return shape;
  int naxis = 0;
  long axes[9] = {};
  fits_get_img_dim(file.get(), &naxis, &status);
  if (status == 0 && naxis > 0 && naxis <= 9) fits_get_img_size(file.get(), naxis, axes, &status);
  file.check(status, "cannot read the image size of " + hdu_name(hdu));
  std::string size;
  for (int i = 0; i < std::min(naxis, 9); ++i)
    size += (i > 0 ? " x " : "") + std::to_string(axes[i]);
  long extra = 1;  // product of axes 3 ... n
  for (int i = 2; i < std::min(naxis, 9); ++i) extra *= axes[i];
  if (naxis == 0) {
    shape.not_2d = "no image (NAXIS = 0)";
  } else if (naxis < 2 || naxis > 9 || extra != 1) {
    shape.not_2d = "a " + std::to_string(naxis) + "-D image (" + size + "), not a 2-D one";
  } else if (axes[0] <= 0 || axes[1] <= 0) {
    shape.not_2d = "an empty image (" + size + ")";
  } else {
    shape.width = axes[0];
    shape.height = axes[1];
  }
  return shape;
}

// Moves to @p hdu (< 0: the first 2-D image) and returns its 0-based number and shape.
std::pair<int, HduShape> choose_hdu(const FitsFile& file, int hdu) {
  const int count = file.count_hdus();
  if (hdu >= 0) {
    if (!file.move_to(hdu)) {
      file.fail("no " + hdu_name(hdu) + ": the file has " + std::to_string(count) +
                " HDU(s), 0 to " + std::to_string(count - 1));
    }
    HduShape shape = shape_of_current(file, hdu);
    if (!shape.not_2d.empty()) file.fail(hdu_name(hdu) + " holds " + shape.not_2d);
    return {hdu, shape};
  }
  std::string seen;
  for (int h = 0; h < std::max(count, 1); ++h) {
    if (!file.move_to(h)) break;
    HduShape shape = shape_of_current(file, h);
    if (shape.not_2d.empty()) return {h, shape};
    seen += (seen.empty() ? "" : "; ") + hdu_name(h) + " holds " + shape.not_2d;
  }
  file.fail("no HDU holds a 2-D image (" + seen + ")");
}

// The current HDU's header cards (80 characters each, END left out); for a compressed
// image, the header of the image it holds.
std::string header_of_current(const FitsFile& file, int hdu) {
  int status = 0, count = 0;
  char* cards = nullptr;
  if (fits_is_compressed_image(file.get(), &status))
    fits_convert_hdr2str(file.get(), 0, nullptr, 0, &cards, &count, &status);
  else
    fits_hdr2str(file.get(), 0, nullptr, 0, &cards, &count, &status);
  std::string header;
  if (status == 0 && cards != nullptr) header.assign(cards, std::strlen(cards));
  if (cards != nullptr) fits_free_memory(cards, &status);
  file.check(status, "cannot read the header of " + hdu_name(hdu));
  header.resize(header.size() / 80 * 80);
  for (std::size_t at = 0; at < header.size(); at += 80) {
    if (header.compare(at, 8, "END     ") == 0) {
      header.resize(at);
      break;
    }
  }
  return header;
}

// Throws if the file ends before the chosen HDU's data do. cfitsio reports reading past
// the end, but libvips-with-cfitsio was seen to return pixels of a truncated file under
// load (docs/reliability.md), so the length is checked first: for a plain image, the header
// and every sample must be there (the padding to 2880 bytes may be missing); for a
// compressed one, the last 2880-byte block of the data must have begun.
void check_length(const fs::path& path, const FitsFile& file, int hdu, const HduShape& shape) {
  LONGLONG header_start = 0, data_start = 0, data_end = 0;
  int status = 0, bitpix = 0;
  fits_get_hduaddrll(file.get(), &header_start, &data_start, &data_end, &status);
  const bool compressed = fits_is_compressed_image(file.get(), &status) != 0;
  if (!compressed) fits_get_img_type(file.get(), &bitpix, &status);
  file.check(status, "cannot read " + hdu_name(hdu));
  const double needed = compressed ? static_cast<double>(data_end) - 2879
                                   : static_cast<double>(data_start) +
                                         std::abs(bitpix) / 8.0 * static_cast<double>(shape.width) *
                                             static_cast<double>(shape.height);
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (!ec && static_cast<double>(size) < needed) {
    file.fail("cannot read the pixels of " + hdu_name(hdu) + ": truncated FITS file (" +
              std::to_string(size) + " bytes, the HDU's data end at byte " +
              std::to_string(static_cast<long long>(needed)) + ")");
  }
}

// Reads rows/columns [x0, x0 + width) x [y0, y0 + height) of the current image (all
// inside it) into @p out, a row of @p out_stride floats per image row.
void read_rect(const FitsFile& file, int hdu, long x0, long y0, long width, long height, float* out,
               long out_stride) {
  long first[3] = {x0 + 1, y0 + 1, 1};
  long last[3] = {x0 + width, y0 + height, 1};
  long step[3] = {1, 1, 1};
  float blank = std::numeric_limits<float>::quiet_NaN();
  int any_blank = 0, status = 0;
  std::vector<float> rect(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  fits_read_subset(file.get(), TFLOAT, first, last, step, &blank, rect.data(), &any_blank, &status);
  file.check(status, "cannot read the pixels of " + hdu_name(hdu));
  for (long y = 0; y < height; ++y) {
    std::copy_n(rect.data() + y * width, width, out + y * out_stride);
  }
}

FitsPlane read_plane(const fs::path& path, int hdu, const FitsRegion* region,
                     std::int64_t max_pixels, bool with_samples) {
  auto lock = cfitsio_lock(path);
  const FitsFile file(path);
  const auto [chosen, shape] = choose_hdu(file, hdu);
  FitsPlane plane;
  plane.hdu = chosen;
  plane.image_width = shape.width;
  plane.image_height = shape.height;
  plane.header = header_of_current(file, chosen);
  FitsRegion r{0, 0, shape.width, shape.height};
  if (region != nullptr) r = *region;
  if (r.width <= 0 || r.height <= 0 || r.width > std::numeric_limits<int>::max() ||
      r.height > std::numeric_limits<int>::max()) {
    throw Error("'" + path.string() + "': region of " + std::to_string(r.width) + " x " +
                std::to_string(r.height) + " pixels is not a positive size");
  }
  if (max_pixels > 0 && static_cast<double>(r.width) * static_cast<double>(r.height) >
                            static_cast<double>(max_pixels)) {
    file.fail(hdu_name(chosen) + ": image of " + std::to_string(r.width) + " x " +
              std::to_string(r.height) + " pixels is larger than the limit of " +
              std::to_string(max_pixels) + ": a damaged header, or raise the limit");
  }
  plane.width = static_cast<int>(r.width);
  plane.height = static_cast<int>(r.height);
  if (!with_samples) return plane;
  check_length(path, file, chosen, shape);
  plane.samples.assign(static_cast<std::size_t>(r.width) * static_cast<std::size_t>(r.height),
                       std::numeric_limits<float>::quiet_NaN());
  // The part of the region inside the image.
  const long x_lo = std::max(r.x0, 0L), x_hi = std::min(r.x0 + r.width, shape.width);
  const long y_lo = std::max(r.y0, 0L), y_hi = std::min(r.y0 + r.height, shape.height);
  if (x_lo < x_hi && y_lo < y_hi) {
    float* corner = plane.samples.data() + (y_lo - r.y0) * r.width + (x_lo - r.x0);
    read_rect(file, chosen, x_lo, y_lo, x_hi - x_lo, y_hi - y_lo, corner, r.width);
  }
  return plane;
}

}  // namespace

FitsPlane read_fits_plane(const fs::path& path, int hdu, const FitsRegion* region,
                          std::int64_t max_pixels) {
  return read_plane(path, hdu, region, max_pixels, true);
}

FitsPlane read_fits_header(const fs::path& path, int hdu) {
  return read_plane(path, hdu, nullptr, 0, false);
}

bool is_fits_file(const fs::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) throw IoError(path, std::string("cannot open: ") + std::strerror(errno));
  char start[9] = {};
  return std::fread(start, 1, 9, file.get()) == 9 && std::memcmp(start, "SIMPLE  =", 9) == 0;
}

}  // namespace galaxyzoo
