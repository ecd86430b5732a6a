#pragma once
/// @file
/// Which galaxy images exist: a folder scan or a list file. Kaggle names each image
/// `<GalaxyID>.jpg`; an ImageIndex maps GalaxyID to the image's path, so that catalogue
/// rows without an image can be dropped before anything is copied.
///
/// @code
/// galaxyzoo::ImageIndex images = galaxyzoo::ImageIndex::scan(root / "images_training_rev1");
/// if (images.contains(100008)) std::cout << images.path(100008) << '\n';
/// @endcode

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <unordered_map>

namespace galaxyzoo {

/// GalaxyID -> image path, for the images that exist.
class ImageIndex {
 public:
  /// Indexes every `<integer>.jpg`, `.jpeg` or `.png` file directly inside @p folder
  /// (list_folder()); other files and folders are ignored.
  /// @throws IoError if @p folder does not exist or is not a readable folder, or naming
  ///         an image entry that cannot be read (a symbolic-link loop, a dangling link,
  ///         no read permission): leaving a galaxy out would change the dataset.
  static ImageIndex scan(const std::filesystem::path& folder);

  /// Reads @p list_file, one image name per line (`100008.jpg`, or a path ending in it),
  /// resolving names relative to @p folder. Blank lines and lines starting with '#' are
  /// skipped. The files themselves are not checked.
  /// @throws IoError if the list cannot be read; InputError (file and line) for a name
  ///         that is not `<GalaxyID>.<extension>`.
  static ImageIndex from_list(const std::filesystem::path& list_file,
                              const std::filesystem::path& folder);

  /// An index that reports every GalaxyID as present at `folder/<id>.jpg`, for callers
  /// that have no images (benchmarks, catalogue-only work).
  static ImageIndex assume_all(const std::filesystem::path& folder);

  /// Whether an image of galaxy @p id exists.
  bool contains(std::int64_t id) const;
  /// Path of galaxy @p id's image (`folder/<id>.jpg` for assume_all()).
  /// @throws Error if contains(id) is false.
  std::filesystem::path path(std::int64_t id) const;
  /// Number of indexed images (0 for assume_all()).
  std::size_t size() const noexcept { return paths_.size(); }
  /// The folder the images are in.
  const std::filesystem::path& folder() const noexcept { return folder_; }

 private:
  std::filesystem::path folder_;
  std::unordered_map<std::int64_t, std::filesystem::path> paths_;
  bool assume_all_ = false;
};

}  // namespace galaxyzoo
