#include "galaxyzoo/images/sky_cutout.hpp"

#include <cmath>
#include <sstream>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {
namespace {

std::string position_text(const SkyPosition& sky) {
  std::ostringstream text;
  text.precision(10);
  text << "ra " << sky.ra << ", dec " << sky.dec;
  return text.str();
}

}  // namespace

SkyCutter::SkyCutter(const std::vector<FitsSource>& images, CutoutSize size) {
  if (images.empty()) throw Error("sky cutouts: no survey image given");
  if ((size.pixels > 0) == (size.arcsec > 0) || size.pixels < 0 || !(size.arcsec >= 0)) {
    throw Error("sky cutouts: give the side in pixels or in arcseconds (exactly one above 0)");
  }
  for (const FitsSource& source : images) {
    const FitsPlane header = read_fits_header(source.path, source.hdu);
    SkyWcs wcs(header.header, source.path.string());
    const double side =
        size.pixels > 0 ? size.pixels : std::round(size.arcsec / wcs.pixel_scale_arcsec());
    if (!(side <= kMaxSide)) {
      throw Error("survey image '" + source.path.string() + "': a cutout of " +
                  std::to_string(size.arcsec) + " arcsec is " + std::to_string(side) + " of its " +
                  std::to_string(wcs.pixel_scale_arcsec()) + " arcsec pixels, more than " +
                  std::to_string(kMaxSide));
    }
    images_.push_back({{source.path, header.hdu},
                       header.image_width,
                       header.image_height,
                       std::move(wcs),
                       std::max(1, static_cast<int>(side))});
  }
}

SkyCutout SkyCutter::cut(const SkyPosition& sky) const {
  SkyCutout out;
  for (const Survey& s : images_) {
    const auto pixel = s.wcs.to_pixel(sky);
    if (!pixel) continue;
    const double cx = std::floor(pixel->x + 0.5), cy = std::floor(pixel->y + 0.5);
    if (cx < 0 || cy < 0 || cx >= static_cast<double>(s.width) ||
        cy >= static_cast<double>(s.height))
      continue;
    const FitsRegion region{static_cast<long>(cx) - s.side / 2, static_cast<long>(cy) - s.side / 2,
                            s.side, s.side};
    try {
      out.plane = read_fits_plane(s.source.path, s.source.hdu, &region);
    } catch (const IoError& e) {
      out.failure = e.what();
      return out;
    }
    out.image = s.source.path;
    return out;
  }
  out.failure = position_text(sky) + " is outside " +
                (images_.size() == 1 ? "the survey image '" + images_[0].source.path.string() + "'"
                                     : "all " + std::to_string(images_.size()) + " survey images");
  return out;
}

}  // namespace galaxyzoo
