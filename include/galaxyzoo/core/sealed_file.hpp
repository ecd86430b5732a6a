#pragma once
/// @file
/// Files whose damage is found before they are parsed: model files and training
/// checkpoints. Use write_sealed_file() / read_sealed_file() around any payload that a
/// parser must never see damaged; KeepPrevious::yes keeps a fallback copy.
///
/// @code
/// galaxyzoo::write_sealed_file("checkpoint.pt", bytes, galaxyzoo::KeepPrevious::yes);
/// std::string payload;
/// try {
///   payload = galaxyzoo::read_sealed_file("checkpoint.pt");
/// } catch (const galaxyzoo::CorruptFileError& e) {
///   payload = galaxyzoo::read_sealed_file(galaxyzoo::previous_copy("checkpoint.pt"));
/// }
/// @endcode
///
/// Format: a 32-byte header, then the payload (here a LibTorch archive):
///
/// | bytes | content |
/// |---|---|
/// | 0-7 | the magic `GZSEALED` |
/// | 8-11 | layout version, 1 (little-endian) |
/// | 12-15 | CRC-32 (zlib's) of the payload (little-endian) |
/// | 16-23 | payload length in bytes (little-endian) |
/// | 24-31 | zero |
///
/// Guarantees: writes are atomic (atomic_output.hpp); a truncated, torn or altered file is
/// reported as CorruptFileError naming it; with KeepPrevious::yes the replaced file stays
/// as previous_copy(path), a hard link (an atomic copy where hard links are unavailable), so
/// both names hold a whole file at every moment.

#include <filesystem>
#include <string>
#include <string_view>

#include "galaxyzoo/core/error.hpp"

namespace galaxyzoo {

/// Whether write_sealed_file() keeps the file it replaces as previous_copy().
enum class KeepPrevious { no, yes };

/// Where write_sealed_file(path, ..., KeepPrevious::yes) keeps the replaced file:
/// `PATH.previous`.
std::filesystem::path previous_copy(const std::filesystem::path& path);

/// Writes @p payload sealed to @p path, atomically; see the file comment.
/// @throws IoError naming the path if it cannot be written (the destination, and its
///         previous copy, are then unchanged).
void write_sealed_file(const std::filesystem::path& path, std::string_view payload,
                       KeepPrevious keep = KeepPrevious::no);

/// The payload of the sealed file @p path.
/// @throws IoError if it cannot be read; CorruptFileError naming the file and what is
///         wrong (not a sealed file, another layout version, truncated, longer than
///         recorded, or a checksum mismatch).
std::string read_sealed_file(const std::filesystem::path& path);

/// True if @p bytes begin as a sealed file does (the magic); for formats that also read
/// older, unsealed files.
bool looks_sealed(std::string_view bytes) noexcept;

}  // namespace galaxyzoo
