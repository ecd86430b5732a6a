#include "galaxyzoo/core/sealed_file.hpp"

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <system_error>

#include "core/byte_fields.hpp"
#include "galaxyzoo/core/atomic_output.hpp"
#include "galaxyzoo/core/error.hpp"

namespace fs = std::filesystem;

namespace galaxyzoo {
namespace {

using detail::crc32_of;
using detail::get_le;
using detail::put_le;

constexpr std::string_view kMagic = "GZSEALED";
constexpr std::uint32_t kLayoutVersion = 1;
constexpr std::size_t kHeaderSize = 32;

// All the bytes of the file at @p path, in one read (checkpoints are hundreds of MB).
std::string read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw IoError(path, std::string("cannot open: ") + std::strerror(errno));
  const std::streamoff size = in.tellg();
  if (size < 0) throw IoError(path, "cannot find its size");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  in.read(bytes.data(), size);
  if (in.gcount() != size) throw IoError(path, "read failed");
  return bytes;
}

// Keeps the file at @p path, if there is one, as previous_copy(path): a hard link under a
// temporary name renamed over the previous copy, so that PATH.previous always holds a
// whole file, old or new, and no bytes are copied. On a file system without hard links
// the file is copied there atomically instead.
void keep_previous_copy(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return;
  const fs::path previous = previous_copy(path);
  const fs::path link = fs::path(previous.string() + ".link");
  fs::remove(link, ec);
  fs::create_hard_link(path, link, ec);
  if (ec) {
    write_file_atomically(previous, read_whole_file(path));
    return;
  }
  fs::rename(link, previous, ec);
  // When the previous copy already is this file (a resumed run saving again), rename
  // leaves both names in place.
  std::error_code ignored;
  fs::remove(link, ignored);
  if (ec) throw IoError(previous, "cannot keep the previous copy: " + ec.message());
}

}  // namespace

fs::path previous_copy(const fs::path& path) { return fs::path(path.string() + ".previous"); }

bool looks_sealed(std::string_view bytes) noexcept {
  return bytes.substr(0, kMagic.size()) == kMagic;
}

void write_sealed_file(const fs::path& path, std::string_view payload, KeepPrevious keep) {
  std::string header;
  header.append(kMagic);
  put_le(header, kLayoutVersion, 4);
  put_le(header, crc32_of(payload), 4);
  put_le(header, payload.size(), 8);
  put_le(header, 0, 8);

  // Keep the file being replaced only once the new one is whole and on disk: a write
  // that fails (a full disk) leaves both the file and its previous copy as they were.
  auto keep_replaced = [&] {
    if (keep == KeepPrevious::yes) keep_previous_copy(path);
  };
  remove_abandoned_temporaries(path);
  write_file_atomically(path, {header, payload}, keep_replaced);
}

std::string read_sealed_file(const fs::path& path) {
  std::string bytes = read_whole_file(path);
  if (!looks_sealed(bytes)) {
    throw CorruptFileError(
        path, bytes.size() < kMagic.size()
                  ? "truncated: " + std::to_string(bytes.size()) + " bytes, not a galaxyzoo file"
                  : "not a galaxyzoo sealed file (no GZSEALED header)");
  }
  if (bytes.size() < kHeaderSize) {
    throw CorruptFileError(path, "truncated in its header (" + std::to_string(bytes.size()) +
                                     " of " + std::to_string(kHeaderSize) + " bytes)");
  }
  const std::uint64_t version = get_le(bytes, 8, 4);
  if (version != kLayoutVersion) {
    throw CorruptFileError(path, "sealed-file layout version " + std::to_string(version) +
                                     ", this library reads " + std::to_string(kLayoutVersion));
  }
  const std::uint64_t expected_crc = get_le(bytes, 12, 4);
  const std::uint64_t length = get_le(bytes, 16, 8);
  const std::uint64_t have = bytes.size() - kHeaderSize;
  if (have < length) {
    throw CorruptFileError(path, "truncated: " + std::to_string(have) + " of " +
                                     std::to_string(length) + " payload bytes");
  }
  if (have > length) {
    throw CorruptFileError(path, std::to_string(have - length) + " bytes more than recorded (" +
                                     std::to_string(length) + ")");
  }
  if (get_le(bytes, 24, 8) != 0)
    throw CorruptFileError(path, "damaged header (reserved bytes are not zero)");
  bytes.erase(0, kHeaderSize);
  if (crc32_of(bytes) != expected_crc)
    throw CorruptFileError(path, "checksum mismatch: the content is damaged");
  return bytes;
}

}  // namespace galaxyzoo
