#include "galaxyzoo/atomic_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <system_error>

#include "galaxyzoo/error.hpp"
#include "galaxyzoo/random.hpp"

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#define GALAXYZOO_HAVE_FSYNC 1
#endif

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

// A name unlikely to collide with another process or an earlier crashed run.
std::string unique_suffix() {
  static thread_local Rng rng(
      static_cast<std::uint64_t>(std::random_device{}()) << 32 ^
      static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&rng)));
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx",
                static_cast<unsigned long long>(rng.next()));
  return buffer;
}

fs::path sibling(const fs::path& destination, const char* kind) {
  const fs::path parent = destination.parent_path();
  return parent / ("." + destination.filename().string() + "." + kind + "-" + unique_suffix());
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

void write_file_atomically(const fs::path& path, std::string_view content) {
  create_parent(path);
  const fs::path temporary = sibling(path, "tmp");
  std::FILE* file = std::fopen(temporary.c_str(), "wb");
  if (file == nullptr) {
    throw IoError(path, std::string("cannot open for writing: ") + std::strerror(errno));
  }
  bool ok = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  ok = std::fflush(file) == 0 && ok;
  const int saved_errno = errno;
#ifdef GALAXYZOO_HAVE_FSYNC
  ok = ::fsync(::fileno(file)) == 0 && ok;
#endif
  ok = std::fclose(file) == 0 && ok;
  if (!ok) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw IoError(path, std::string("write failed: ") + std::strerror(saved_errno ? saved_errno : errno));
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw IoError(path, "cannot rename temporary file into place: " + ec.message());
  }
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
