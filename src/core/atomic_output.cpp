#include "galaxyzoo/core/atomic_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <system_error>

#include "core/process_liveness.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/random.hpp"
#include "galaxyzoo/core/text_file.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#define GALAXYZOO_HAVE_FSYNC 1
#endif

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

// A name unlikely to collide with another process or an earlier crashed run.
std::string unique_suffix() {
  static thread_local Rng rng(static_cast<std::uint64_t>(std::random_device{}()) << 32 ^
                              static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&rng)));
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(rng.next()));
  return buffer;
}

// ".NAME.KIND-HOST-PID-RANDOM" beside NAME: the host and pid tell a later writer whether
// the process that made it is gone (remove_abandoned_temporaries()).
std::string sibling_prefix(const fs::path& destination, const char* kind) {
  return "." + destination.filename().string() + "." + kind + "-";
}

fs::path sibling(const fs::path& destination, const char* kind) {
  static const std::string owner = detail::this_host() + "-" + std::to_string(::getpid()) + "-";
  return destination.parent_path() / (sibling_prefix(destination, kind) + owner + unique_suffix());
}

void create_parent(const fs::path& destination) {
  const fs::path parent = destination.parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw IoError(parent, "cannot create output folder: " + ec.message());
  if (!fs::is_directory(parent)) throw IoError(parent, "exists but is not a folder");
}

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view content,
                           const std::function<void()>& before_rename) {
  write_file_atomically(path, {content}, before_rename);
}

void write_file_atomically(const fs::path& path, std::initializer_list<std::string_view> parts,
                           const std::function<void()>& before_rename) {
  create_parent(path);
  const fs::path temporary = sibling(path, "tmp");
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) {
    throw IoError(path, std::string("cannot open for writing: ") + std::strerror(errno));
  }
  bool ok = true;
  for (const std::string_view part : parts)
    ok = ok && std::fwrite(part.data(), 1, part.size(), file) == part.size();
  ok = std::fflush(file) == 0 && ok;
  const int saved_errno = errno;
#ifdef GALAXYZOO_HAVE_FSYNC
  ok = ::fsync(::fileno(file)) == 0 && ok;
#endif
  ok = std::fclose(file) == 0 && ok;
  if (!ok) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw IoError(path,
                  std::string("write failed: ") + std::strerror(saved_errno ? saved_errno : errno));
  }
  if (before_rename) {
    try {
      before_rename();
    } catch (...) {
      std::error_code ignored;
      fs::remove(temporary, ignored);
      throw;
    }
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw IoError(path, "cannot rename temporary file into place: " + ec.message());
  }
}

namespace {

// True if OWNER ("HOST-PID-RANDOM", the end of a temporary name) names a process of this
// host that has exited. Read from the right: host names may hold '-'.
bool owner_has_exited(std::string_view owner) {
  const auto random_at = owner.rfind('-');
  if (random_at == std::string_view::npos || random_at == 0) return false;
  const auto pid_at = owner.rfind('-', random_at - 1);
  if (pid_at == std::string_view::npos) return false;
  return detail::local_process_has_exited(owner.substr(0, pid_at),
                                          owner.substr(pid_at + 1, random_at - pid_at - 1));
}

// Removes the entries of @p folder for which owner_of(name) gives an owner that has exited.
template <typename OwnerOf>
std::size_t sweep(const fs::path& folder, OwnerOf owner_of) {
  std::error_code ec;
  std::size_t removed = 0;
  for (fs::directory_iterator it(folder.empty() ? fs::path(".") : folder, ec), end;
       !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::optional<std::string_view> owner = owner_of(std::string_view(name));
    if (!owner || !owner_has_exited(*owner)) continue;
    std::error_code ignored;
    if (fs::remove_all(it->path(), ignored) > 0) ++removed;
  }
  return removed;
}

// Removes the siblings of @p destination of @p kind ("tmp", "staging") whose owner has
// exited.
std::size_t sweep_siblings(const fs::path& destination, const char* kind) {
  const std::string prefix = sibling_prefix(destination, kind);
  return sweep(destination.parent_path(),
               [&](std::string_view name) -> std::optional<std::string_view> {
                 if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
                 return name.substr(prefix.size());
               });
}

}  // namespace

std::size_t remove_abandoned_temporaries(const fs::path& path) {
  return sweep_siblings(path, "tmp");
}

void prepare_output_folder(const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder))
    throw IoError(folder, "cannot create output folder: " + ec.message());
  remove_abandoned_temporaries_in(folder);
}

bool stamp_matches(const fs::path& stamp_file, std::string_view stamp) {
  std::string recorded;
  std::error_code ec;
  if (fs::is_regular_file(stamp_file, ec)) recorded = read_text_file(stamp_file, "stamp file");
  if (recorded == stamp) return true;
  fs::remove(stamp_file, ec);
  return false;
}

std::size_t remove_abandoned_temporaries_in(const fs::path& folder) {
  return sweep(folder, [](std::string_view name) -> std::optional<std::string_view> {
    if (name.empty() || name[0] != '.') return std::nullopt;
    for (const std::string_view kind : {".tmp-", ".staging-"}) {
      const auto at = name.rfind(kind);
      if (at != std::string_view::npos && at > 1) return name.substr(at + kind.size());
    }
    return std::nullopt;
  });
}

StagingDirectory::StagingDirectory(fs::path destination, Existing existing)
    : destination_(std::move(destination)), existing_(existing) {
  if (destination_.filename().empty()) destination_ = destination_.parent_path();
  std::error_code ec;
  if (fs::exists(destination_, ec)) {
    if (!fs::is_directory(destination_)) {
      throw IoError(destination_, "exists and is not a folder");
    }
    if (existing_ == Existing::fail && !fs::is_empty(destination_, ec)) {
      throw IoError(destination_,
                    "output folder exists and is not empty (choose another folder, or "
                    "allow replacing it)");
    }
  }
  create_parent(destination_);
  // A staging folder of a killed earlier run (it can hold a whole data set) goes first.
  sweep_siblings(destination_, "staging");
  staging_ = sibling(destination_, "staging");
  fs::create_directory(staging_, ec);
  if (ec) throw IoError(staging_, "cannot create staging folder: " + ec.message());
}

StagingDirectory::~StagingDirectory() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(staging_, ignored);
}

void StagingDirectory::commit() {
  std::error_code ec;
  fs::path old;
  if (fs::exists(destination_, ec)) {
    if (fs::is_empty(destination_, ec)) {
      fs::remove(destination_, ec);
    } else if (existing_ == Existing::replace) {
      old = sibling(destination_, "old");
      fs::rename(destination_, old, ec);
      if (ec) throw IoError(destination_, "cannot move the old output aside: " + ec.message());
    } else {
      throw IoError(destination_, "output folder appeared while it was being written");
    }
  }
  fs::rename(staging_, destination_, ec);
  if (ec) {
    if (!old.empty()) {
      std::error_code ignored;
      fs::rename(old, destination_, ignored);
    }
    throw IoError(destination_, "cannot rename staging folder into place: " + ec.message());
  }
  committed_ = true;
  if (!old.empty()) fs::remove_all(old, ec);
}

}  // namespace galaxyzoo
