#pragma once
/// @file
/// The one way galaxyzoo lists an input folder. Every walk over a folder of inputs
/// (images, a dataset, a step's stamped folder) goes through list_folder(), so that a
/// symbolic-link loop, a dangling link or an unreadable file never aborts a program with
/// an uncaught std::filesystem::filesystem_error: such an entry is returned by name with
/// the reason, and the caller either reports it and goes on, or refuses it where leaving
/// it out would change the result (FolderListing::require_no_skipped()). A folder that is
/// missing, not a folder or not readable is an IoError naming it.
///
/// @code
/// const auto listing = galaxyzoo::list_folder("images", [](const std::string& name) {
///   return name.size() > 4 && name.compare(name.size() - 4, 4, ".jpg") == 0;
/// });
/// for (const auto& line : listing.warnings()) std::cerr << "warning: " << line << '\n';
/// for (const auto& file : listing.files) use(file);
/// @endcode

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace galaxyzoo {

/// An entry of a folder that list_folder() left out, and why.
struct SkippedEntry {
  std::filesystem::path path;  ///< the entry (the folder joined with its name)
  /// Why it was left out: "a symbolic-link loop", "a dangling symbolic link",
  /// "unreadable (Permission denied)", ...
  std::string reason;
};

/// What list_folder() found in a folder.
struct FolderListing {
  std::filesystem::path folder;  ///< the folder listed
  /// The wanted entries that are readable files (or links to them), sorted by path.
  std::vector<std::filesystem::path> files;
  /// The wanted entries that could not be used, sorted by path.
  std::vector<SkippedEntry> skipped;

  /// One line per skipped entry: "skipped 'PATH': REASON".
  std::vector<std::string> warnings() const;
  /// Refuses the listing if an entry was skipped, where leaving it out would change the
  /// result. @throws IoError naming the first skipped entry, its reason and how many
  ///         entries were skipped.
  void require_no_skipped() const;
};

/// Lists the entries directly inside @p folder whose names @p wanted accepts (entries it
/// refuses are not looked at, so a broken link with an unwanted name is ignored). Each
/// wanted entry is followed through symbolic links: a readable regular file goes into
/// FolderListing::files; a folder (or a link to one) or another non-file is left out
/// without a word; a symbolic-link loop, a dangling link, an entry whose status cannot
/// be read and a file that cannot be opened for reading go into FolderListing::skipped.
/// Never throws std::filesystem::filesystem_error. @p what names the folder's role in
/// messages ("input folder", "image folder").
/// @throws IoError naming @p folder if it does not exist, is not a folder, or cannot be
///         read (opened or iterated).
FolderListing list_folder(const std::filesystem::path& folder,
                          const std::function<bool(const std::string& name)>& wanted,
                          std::string_view what = "input folder");

}  // namespace galaxyzoo
