#pragma once
// Little-endian fields and zlib's CRC-32: what the sealed files (sealed_file.cpp) and the
// zip archives (zip_archive.cpp) share. Private to src/.

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace galaxyzoo::detail {

/// Appends the @p bytes low bytes of @p value to @p out, little-endian.
inline void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

/// The little-endian number of @p bytes bytes at @p at in @p in (the caller checks the range).
inline std::uint64_t get_le(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = value << 8 | static_cast<unsigned char>(in[at + i]);
  return value;
}

/// zlib's CRC-32 of @p bytes, of any length.
inline std::uint32_t crc32_of(std::string_view bytes) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  constexpr std::size_t kChunk = 1u << 30;  // zlib takes at most 4 GiB - 1 per call
  for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, bytes.size() - at);
    crc = ::crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
  }
  return static_cast<std::uint32_t>(crc);
}

}  // namespace galaxyzoo::detail
