#pragma once
/// @file
/// Writing outputs so that a crash or an error never leaves them half-written.
///
/// A file is written to a temporary name beside its destination, flushed to disk and
/// renamed over the destination; a folder is assembled in a staging folder beside its
/// destination and renamed into place by commit(). Rename within one file system is
/// atomic, so a reader (or a restarted run) sees either the old output or the new one.
///
/// @code
/// galaxyzoo::write_file_atomically("out/manifest.csv", text);
///
/// galaxyzoo::StagingDirectory staging("out/dataset");  // creates out/.dataset.staging-...
/// write_things_into(staging.path());
/// staging.commit();   // out/dataset now holds exactly what was written; before this line
///                     // it was untouched, and an exception removes the staging folder
/// @endcode

#include <filesystem>
#include <string_view>

namespace galaxyzoo {

/// Writes @p content to @p path atomically (temporary file, fsync, rename).
/// @throws IoError naming the path if any step fails; the destination is then unchanged.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

/// A temporary folder beside a destination folder that becomes it on commit().
class StagingDirectory {
 public:
  /// What commit() does when the destination already exists and is not empty.
  enum class Existing {
    fail,     ///< throw IoError (the default: never destroy a user's data silently)
    replace,  ///< swap the new folder in and delete the old one
  };

  /// Creates the staging folder next to @p destination.
  /// @throws IoError if the destination's parent cannot be created or written, or if
  ///         the destination exists, is not empty and @p existing is Existing::fail.
  explicit StagingDirectory(std::filesystem::path destination,
                            Existing existing = Existing::fail);
  StagingDirectory(const StagingDirectory&) = delete;
  StagingDirectory& operator=(const StagingDirectory&) = delete;
  /// Removes the staging folder unless commit() succeeded.
  ~StagingDirectory();

  /// The folder to write into.
  const std::filesystem::path& path() const noexcept { return staging_; }
  /// The folder that commit() creates.
  const std::filesystem::path& destination() const noexcept { return destination_; }

  /// Renames the staging folder to the destination.
  /// @throws IoError if the rename fails; the destination is then unchanged.
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path staging_;
  Existing existing_;
  bool committed_ = false;
};

}  // namespace galaxyzoo
