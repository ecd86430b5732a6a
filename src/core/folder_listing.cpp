#include "galaxyzoo/core/folder_listing.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "galaxyzoo/core/error.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// Why @p entry, whose status() failed with @p ec, cannot be used.
std::string status_failure(const fs::path& entry, const std::error_code& ec) {
  if (ec == std::errc::too_many_symbolic_link_levels) return "a symbolic-link loop";
  std::error_code link_ec;
  const bool is_link = fs::is_symlink(fs::symlink_status(entry, link_ec));
  if (is_link && ec == std::errc::no_such_file_or_directory) return "a dangling symbolic link";
  if (ec == std::errc::no_such_file_or_directory) return "removed while the folder was listed";
  return "cannot read its status (" + ec.message() + ")";
}

// Checks that @p folder can be listed; throws an IoError naming it otherwise.
void check_folder(const fs::path& folder, std::string_view what) {
  std::error_code ec;
  const fs::file_status status = fs::status(folder, ec);
  const std::string role(what);
  if (status.type() == fs::file_type::not_found) {
    std::error_code link_ec;
    throw IoError(folder, fs::is_symlink(fs::symlink_status(folder, link_ec))
                              ? role + " is a dangling symbolic link"
                              : role + " does not exist");
  }
  if (ec) throw IoError(folder, "cannot read the " + role + ": " + ec.message());
  if (!fs::is_directory(status)) throw IoError(folder, "is not a folder, expected the " + role);
}

}  // namespace

std::vector<std::string> FolderListing::warnings() const {
  std::vector<std::string> lines;
  lines.reserve(skipped.size());
  for (const auto& s : skipped) lines.push_back("skipped " + quoted(s.path) + ": " + s.reason);
  return lines;
}

void FolderListing::require_no_skipped() const {
  if (skipped.empty()) return;
  std::string problem = skipped.front().reason;
  if (skipped.size() > 1) {
    problem += " (and " + std::to_string(skipped.size() - 1) + " more unusable entries in " +
               quoted(folder) + ")";
  }
  throw IoError(skipped.front().path, problem + "; remove or repair it");
}

FolderListing list_folder(const fs::path& folder,
                          const std::function<bool(const std::string& name)>& wanted,
                          std::string_view what) {
  check_folder(folder, what);
  FolderListing listing;
  listing.folder = folder;
  std::error_code ec;
  fs::directory_iterator it(folder, ec);
  for (const fs::directory_iterator end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    if (!wanted(path.filename().string())) continue;
    std::error_code status_ec;
    const fs::file_status status = fs::status(path, status_ec);
    if (status_ec) {
      listing.skipped.push_back({path, status_failure(path, status_ec)});
    } else if (!fs::is_regular_file(status)) {
      continue;  // a folder, a device, a pipe: not an input file
    } else if (::access(path.c_str(), R_OK) != 0) {
      listing.skipped.push_back({path, std::string("unreadable (") + std::strerror(errno) + ")"});
    } else {
      listing.files.push_back(path);
    }
  }
  if (ec) throw IoError(folder, "cannot list the " + std::string(what) + ": " + ec.message());
  std::sort(listing.files.begin(), listing.files.end());
  std::sort(listing.skipped.begin(), listing.skipped.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return listing;
}

}  // namespace galaxyzoo
