#include "galaxyzoo/data/image_index.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <string>
#include <string_view>

#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/folder_listing.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

bool is_image_extension(std::string extension) {
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension == ".jpg" || extension == ".jpeg" || extension == ".png";
}

// GalaxyID of `<digits>.<image extension>`, or 0 if the name is not of that form.
std::int64_t id_of(const fs::path& name) {
  if (!is_image_extension(name.extension().string())) return 0;
  const std::string stem = name.stem().string();
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(stem.data(), stem.data() + stem.size(), id);
  if (ec != std::errc() || end != stem.data() + stem.size() || id <= 0) return 0;
  return id;
}

}  // namespace

ImageIndex ImageIndex::scan(const fs::path& folder) {
  const FolderListing listing = list_folder(
      folder, [](const std::string& name) { return id_of(name) > 0; }, "image folder");
  listing.require_no_skipped();  // a galaxy left out would change the dataset
  ImageIndex index;
  index.folder_ = folder;
  for (const auto& file : listing.files) index.paths_.emplace(id_of(file.filename()), file);
  return index;
}

ImageIndex ImageIndex::from_list(const fs::path& list_file, const fs::path& folder) {
  std::ifstream in(list_file);
  if (!in) throw IoError(list_file, "cannot open image list");
  ImageIndex index;
  index.folder_ = folder;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::string_view name(line);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back())))
      name.remove_suffix(1);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front())))
      name.remove_prefix(1);
    if (name.empty() || name.front() == '#') continue;
    const fs::path file_name = fs::path(std::string(name)).filename();
    const std::int64_t id = id_of(file_name);
    if (id == 0) {
      throw InputError(list_file, line_number, "",
                       "expected an image name like '100008.jpg', got '" + std::string(name) + "'");
    }
    index.paths_.emplace(id, folder / file_name);
  }
  return index;
}

ImageIndex ImageIndex::assume_all(const fs::path& folder) {
  ImageIndex index;
  index.folder_ = folder;
  index.assume_all_ = true;
  return index;
}

bool ImageIndex::contains(std::int64_t id) const { return assume_all_ || paths_.count(id) > 0; }

fs::path ImageIndex::path(std::int64_t id) const {
  if (assume_all_) return folder_ / (std::to_string(id) + ".jpg");
  const auto it = paths_.find(id);
  if (it == paths_.end())
    throw Error("no image of galaxy " + std::to_string(id) + " in " + folder_.string());
  return it->second;
}

}  // namespace galaxyzoo
