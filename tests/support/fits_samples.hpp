#pragma once
// Test support for the FITS tests (test_fits_image, test_fits_stretch, test_image): writes
// FITS files with cfitsio, HDU by HDU: images of any BITPIX with header cards (a WCS, BLANK,
// BSCALE), 3-D cubes, binary tables, and tile-compressed images. Link PkgConfig::CFITSIO.
#include <fitsio.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace galaxyzoo::testing {

/// One HDU to write.
struct FitsHdu {
  int width = 0;               ///< NAXIS1 (0 with height 0: an HDU without data)
  int height = 0;              ///< NAXIS2
  int depth = 0;               ///< > 0: NAXIS3, a cube (samples hold width x height x depth)
  int bitpix = FLOAT_IMG;      ///< FLOAT_IMG, SHORT_IMG, ...
  std::vector<float> samples;  ///< row by row, first FITS row first
  bool table = false;          ///< a binary table of one column instead of an image
  std::vector<std::pair<std::string, double>> numbers;       ///< numeric cards
  std::vector<std::pair<std::string, std::string>> strings;  ///< string cards
};

/// Throws on a cfitsio error, naming the step.
inline void fits_ok(int status, const char* what) {
  if (status == 0) return;
  char text[FLEN_STATUS] = {};
  fits_get_errstatus(status, text);
  fits_clear_errmsg();
  throw std::runtime_error(std::string("test FITS writer: ") + what + ": " + text);
}

/// A WCS (TAN projection) as header cards: reference pixel (crpix1, crpix2) at
/// (ra, dec) degrees, 0.4 arcsec pixels, RA increasing to the left.
inline void add_tan_wcs(FitsHdu& hdu, double crpix1, double crpix2, double ra, double dec) {
  hdu.strings.push_back({"CTYPE1", "RA---TAN"});
  hdu.strings.push_back({"CTYPE2", "DEC--TAN"});
  hdu.numbers.insert(hdu.numbers.end(), {{"CRPIX1", crpix1},
                                         {"CRPIX2", crpix2},
                                         {"CRVAL1", ra},
                                         {"CRVAL2", dec},
                                         {"CD1_1", -0.4 / 3600},
                                         {"CD1_2", 0.0},
                                         {"CD2_1", 0.0},
                                         {"CD2_2", 0.4 / 3600}});
}

/// Writes @p hdus to a new file @p path (the first is the primary HDU; a table cannot be
/// first). @p compression (RICE_1, GZIP_1; 0: none) tile-compresses every image after the
/// primary HDU, which cfitsio then writes as an empty primary HDU plus extensions.
inline void write_fits(const std::filesystem::path& path, const std::vector<FitsHdu>& hdus,
                       int compression = 0) {
  std::filesystem::remove(path);
  fitsfile* f = nullptr;
  int status = 0;
  fits_create_diskfile(&f, path.c_str(), &status);
  fits_ok(status, "create");
  if (compression != 0) fits_set_compression_type(f, compression, &status);
  for (const FitsHdu& h : hdus) {
    if (h.table) {
      char name[] = "FLUX", form[] = "1E";
      char* names[] = {name};
      char* forms[] = {form};
      fits_create_tbl(f, BINARY_TBL, 2, 1, names, forms, nullptr, "CAT", &status);
      float values[2] = {1, 2};
      fits_write_col(f, TFLOAT, 1, 1, 1, 2, values, &status);
      fits_ok(status, "table");
      continue;
    }
    long axes[3] = {h.width, h.height, h.depth};
    const int naxis = h.width == 0 ? 0 : (h.depth > 0 ? 3 : 2);
    fits_create_img(f, h.bitpix, naxis, axes, &status);
    fits_ok(status, "image HDU");
    for (const auto& [key, value] : h.numbers) {
      double v = value;
      long long whole = static_cast<long long>(value);
      if (static_cast<double>(whole) == value)  // BLANK must be an integer card
        fits_update_key(f, TLONGLONG, key.c_str(), &whole, nullptr, &status);
      else
        fits_update_key(f, TDOUBLE, key.c_str(), &v, nullptr, &status);
    }
    for (const auto& [key, value] : h.strings)
      fits_update_key(f, TSTRING, key.c_str(), const_cast<char*>(value.c_str()), nullptr, &status);
    fits_ok(status, "header cards");
    // Written as stored (BSCALE and BZERO as cards only, so the test chooses raw values).
    if (naxis > 0) {
      if (compression == 0) fits_set_bscale(f, 1.0, 0.0, &status);
      std::vector<float> samples = h.samples;
      if (h.bitpix == SHORT_IMG) {
        // cfitsio compresses 16-bit images only from 16-bit data (the samples fit).
        std::vector<short> shorts(samples.begin(), samples.end());
        fits_write_img(f, TSHORT, 1, static_cast<LONGLONG>(shorts.size()), shorts.data(), &status);
      } else {
        fits_write_img(f, TFLOAT, 1, static_cast<LONGLONG>(samples.size()), samples.data(),
                       &status);
      }
    }
    fits_ok(status, "pixels");
  }
  fits_close_file(f, &status);
  fits_ok(status, "close");
}

/// A width x height float image of value f(x, y) (x, y 0-based, y the FITS row).
template <typename F>
FitsHdu fits_image(int width, int height, F f) {
  FitsHdu h;
  h.width = width;
  h.height = height;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) h.samples.push_back(static_cast<float>(f(x, y)));
  return h;
}

}  // namespace galaxyzoo::testing
