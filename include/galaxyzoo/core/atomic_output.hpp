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

#include <cstddef>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <string_view>

namespace galaxyzoo {

/// Writes @p content to @p path atomically (temporary file, fsync, rename). If given,
/// @p before_rename runs once the temporary file is whole and on disk, just before the
/// rename (write_sealed_file() keeps the file being replaced there); if it throws, the
/// temporary file is removed and the exception goes on.
/// @throws IoError naming the path if any step fails; the destination is then unchanged.
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           const std::function<void()>& before_rename = {});

/// As above, the file being @p parts one after the other (no copy joins them).
/// @throws IoError as above.
void write_file_atomically(const std::filesystem::path& path,
                           std::initializer_list<std::string_view> parts,
                           const std::function<void()>& before_rename = {});

/// Removes the temporary files beside @p path that writes of it by processes of this
/// host left behind when they were killed (`.NAME.tmp-HOST-PID-...` whose process is
/// gone). Temporaries of live processes, and of other hosts, are left alone.
/// write_sealed_file() calls it, as checkpoints are large and written often.
/// @return how many files were removed.
std::size_t remove_abandoned_temporaries(const std::filesystem::path& path);

/// As remove_abandoned_temporaries(), for every file in @p folder at once, and staging
/// folders too: one pass over the folder, as preprocessing and augmentation do before
/// they write thousands of files there. StagingDirectory does the same for the staging
/// folders of its destination. @return how many entries were removed.
std::size_t remove_abandoned_temporaries_in(const std::filesystem::path& folder);

/// Creates the folder @p folder (and its parents) if needed, then removes what writes
/// into it by killed processes left behind (remove_abandoned_temporaries_in()): what
/// preprocessing and augmentation do before they write thousands of files there.
/// @throws IoError "cannot create output folder" if it cannot be created.
void prepare_output_folder(const std::filesystem::path& folder);

/// Whether the file @p stamp_file holds exactly @p stamp. A stamp records how the outputs
/// in a folder were made (options, inputs), so that a later run can tell which outputs it
/// may keep; it is written (atomically) after them. A stamp that differs, or an unreadable
/// one, is removed here, before anything new is written, so that an interrupted run cannot
/// leave new and old outputs under a stamp that vouches for both.
bool stamp_matches(const std::filesystem::path& stamp_file, std::string_view stamp);

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
  explicit StagingDirectory(std::filesystem::path destination, Existing existing = Existing::fail);
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
