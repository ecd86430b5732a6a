#include "galaxyzoo/images/wcs.hpp"

#include <wcslib/wcs.h>
#include <wcslib/wcserr.h>
#include <wcslib/wcshdr.h>

#include <cmath>
#include <mutex>
#include <string_view>
#include <vector>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {

struct SkyWcs::Impl {
  wcsprm* all = nullptr;  // every WCS wcspih() found; the first is used
  int count = 0;
  std::mutex mutex;  // wcslib's structs are not safe to share between threads
  double scale_arcsec = 0;

  ~Impl() {
    if (all) wcsvfree(&count, &all);
  }
  wcsprm& wcs() const noexcept { return all[0]; }
};

namespace {

std::string axis_type(const wcsprm& w, int axis) {
  std::string type(w.ctype[axis]);
  return type.substr(0, type.find_last_not_of(' ') + 1);
}

// The area of a pixel in square degrees: |det| of the celestial part of CDELT x PC. (From
// w.pc and w.cdelt: wcslib leaves lin.piximg null when PC is the unit matrix, as in a
// header with CDELTi and no PCi_j; a CDi_j header has its matrix in pc and cdelt 1.)
double pixel_area(const wcsprm& w) {
  const double* m = w.pc;
  const int n = w.naxis, a = w.lng, b = w.lat;
  return std::abs(w.cdelt[a] * w.cdelt[b] *
                  (m[a * n + a] * m[b * n + b] - m[a * n + b] * m[b * n + a]));
}

}  // namespace

SkyWcs::SkyWcs(const std::string& header, const std::string& source) : impl_(new Impl) {
  std::string cards = header;
  int rejected = 0;
  const int keys = static_cast<int>(cards.size() / 80);
  const int status =
      wcspih(cards.data(), keys, WCSHDR_all, 0, &rejected, &impl_->count, &impl_->all);
  if (status != 0 || impl_->count == 0 || impl_->all == nullptr) {
    throw Error("survey image '" + source + "': no world coordinate system in its header" +
                (status ? std::string(" (wcslib: ") + wcshdr_errmsg[status] + ")" : std::string()));
  }
  wcsprm& w = impl_->wcs();
  wcserr_enable(1);
  if (const int s = wcsset(&w); s != 0) {
    const std::string why = w.err && w.err->msg ? w.err->msg : wcs_errmsg[s];
    throw Error("survey image '" + source + "': invalid world coordinate system (wcslib: " + why +
                ")");
  }
  if (w.lng < 0 || w.lat < 0 || w.lng > 1 || w.lat > 1 || axis_type(w, w.lng).rfind("RA", 0) != 0 ||
      axis_type(w, w.lat).rfind("DEC", 0) != 0) {
    std::string types;
    for (int i = 0; i < w.naxis; ++i)
      types += (i ? ", " : "") + std::string("'") + axis_type(w, i) + "'";
    throw Error("survey image '" + source + "': its first two axes are " + types +
                ", expected right ascension and declination (CTYPE RA---xxx and DEC--xxx)");
  }
  impl_->scale_arcsec = std::sqrt(pixel_area(w)) * 3600.0;
}

SkyWcs::~SkyWcs() = default;
SkyWcs::SkyWcs(SkyWcs&&) noexcept = default;
SkyWcs& SkyWcs::operator=(SkyWcs&&) noexcept = default;

std::optional<PixelPosition> SkyWcs::to_pixel(const SkyPosition& sky) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  wcsprm& w = impl_->wcs();
  const auto n = static_cast<std::size_t>(w.naxis);
  std::vector<double> world(w.crval, w.crval + n), image(n), pixel(n);
  world[static_cast<std::size_t>(w.lng)] = sky.ra;
  world[static_cast<std::size_t>(w.lat)] = sky.dec;
  double phi = 0, theta = 0;
  int stat = 0;
  if (!std::isfinite(sky.ra) || !std::isfinite(sky.dec) ||
      wcss2p(&w, 1, w.naxis, world.data(), &phi, &theta, image.data(), pixel.data(), &stat) != 0 ||
      stat != 0 || !std::isfinite(pixel[0]) || !std::isfinite(pixel[1])) {
    return std::nullopt;
  }
  return PixelPosition{pixel[0] - 1.0, pixel[1] - 1.0};
}

std::optional<SkyPosition> SkyWcs::to_sky(const PixelPosition& p) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  wcsprm& w = impl_->wcs();
  const auto n = static_cast<std::size_t>(w.naxis);
  std::vector<double> pixel(n, 1.0), image(n), world(n);
  pixel[0] = p.x + 1.0;
  pixel[1] = p.y + 1.0;
  double phi = 0, theta = 0;
  int stat = 0;
  if (wcsp2s(&w, 1, w.naxis, pixel.data(), image.data(), &phi, &theta, world.data(), &stat) != 0 ||
      stat != 0) {
    return std::nullopt;
  }
  return SkyPosition{world[static_cast<std::size_t>(w.lng)],
                     world[static_cast<std::size_t>(w.lat)]};
}

double SkyWcs::pixel_scale_arcsec() const noexcept { return impl_->scale_arcsec; }

}  // namespace galaxyzoo
