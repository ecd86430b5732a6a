#include "galaxyzoo/images/galaxy_image_source.hpp"

#include <array>
#include <cctype>
#include <system_error>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/images/fits_stretch.hpp"

namespace galaxyzoo {
namespace {

// @p pattern with every `{name}` replaced by @p replace(name).
template <class Replace>
std::string expand(const std::string& pattern, Replace replace) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    out += replace(
        pattern.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1));
    i = close == std::string::npos ? pattern.size() : close;
  }
  return out;
}

void check_pattern(const GalaxyImageOptions& o) {
  const std::string where = "image pattern '" + o.pattern + "': ";
  bool id = false, band = false;
  for (std::size_t i = o.pattern.find('{'); i != std::string::npos;
       i = o.pattern.find('{', i + 1)) {
    const std::size_t close = o.pattern.find('}', i);
    if (close == std::string::npos) throw Error(where + "a '{' with no closing '}'");
    const std::string name = o.pattern.substr(i + 1, close - i - 1);
    id = id || name == "id";
    band = band || name == "band";
    if (name != "id" && name != "band")
      throw Error(where + "unknown placeholder '{" + name + "}', expected {id} or {band}");
  }
  if (!id) throw Error(where + "no {id}, so every row would have the same image");
  if (band && o.bands.size() != 3)
    throw Error(where + "{band} needs three bands (red, green, blue), got " +
                std::to_string(o.bands.size()));
  if (!band && !o.bands.empty()) throw Error(where + "bands given but no {band} in the pattern");
}

std::string trimmed(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// Why @p file cannot be read, or "" if it is a regular file (or a link to one).
std::string missing_reason(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (status.type() == std::filesystem::file_type::not_found)
    return "no file '" + file.string() + "'";
  if (ec) return "cannot read '" + file.string() + "': " + ec.message();
  if (!std::filesystem::is_regular_file(status)) return "'" + file.string() + "' is not a file";
  return "";
}

}  // namespace

GalaxyImageSource::GalaxyImageSource(GalaxyImageOptions options) : options_(std::move(options)) {
  options_.read.fits.grey_to_rgb = true;
  if (!options_.survey_images.empty()) {
    cutter_.emplace(options_.survey_images, options_.cutout);
  } else {
    check_pattern(options_);
  }
}

std::filesystem::path GalaxyImageSource::path(const std::string& id,
                                              const std::string& band) const {
  const std::string name =
      expand(options_.pattern, [&](const std::string& key) { return key == "id" ? id : band; });
  return options_.folder / name;
}

std::string GalaxyImageSource::description() const {
  if (cutter_) return "cutouts of " + std::to_string(cutter_->size()) + " survey image(s)";
  return (options_.folder / options_.pattern).string();
}

GalaxyImage GalaxyImageSource::image(const std::string& raw_id,
                                     const std::optional<SkyPosition>& position) const {
  if (cutter_) return cut(position);
  const std::string id = trimmed(raw_id);
  if (id.empty()) return {{}, "an empty id"};
  return read_files(id);
}

GalaxyImage GalaxyImageSource::read_files(const std::string& id) const {
  GalaxyImage out;
  try {
    if (options_.bands.empty()) {
      const auto file = path(id);
      out.failure = missing_reason(file);
      if (!out.ok()) return out;
      out.image = read_image(file, options_.read);
      if (out.image.bands != 3)
        out.failure = "'" + file.string() + "' has " + std::to_string(out.image.bands) +
                      " bands, expected 3 (RGB)";
      return out;
    }
    std::array<FitsSource, 3> bands;
    for (std::size_t b = 0; b < 3; ++b) {
      bands[b] = {path(id, options_.bands[b]), options_.read.fits.hdu};
      out.failure = missing_reason(bands[b].path);
      if (!out.ok()) return out;
    }
    out.image = read_fits_rgb(bands, options_.read.fits.display, options_.read.max_pixels);
  } catch (const Error& e) {  // unreadable, damaged, not an image
    out.image = {};
    out.failure = e.what();
  }
  return out;
}

GalaxyImage GalaxyImageSource::cut(const std::optional<SkyPosition>& position) const {
  if (!position) return {{}, "no sky position"};
  SkyCutout c = cutter_->cut(*position);
  if (!c.ok()) return {{}, c.failure};
  FitsDisplay grey = options_.read.fits.display;
  grey.composite = FitsComposite::per_band;  // the same plane three times: grey as RGB
  try {
    return {compose_rgb(c.plane, c.plane, c.plane, grey), ""};
  } catch (const Error& e) {
    return {{}, e.what()};
  }
}

}  // namespace galaxyzoo
