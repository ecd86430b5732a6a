#pragma once
/// @file
/// Zip archives of uncompressed records, the container of Python's `torch.save` and of
/// galaxyzoo's model files (docs/python.md). ZipWriter builds one in memory; ZipReader
/// reads one and checks it whole before anything is parsed.
///
/// @code
/// galaxyzoo::ZipWriter writer;
/// writer.add("model/data.pkl", pickle);
/// writer.add("model/data/0", tensor_bytes);
/// galaxyzoo::write_file_atomically("model.pt", writer.finish());
///
/// const galaxyzoo::ZipReader zip("model.pt");    // every record's CRC-32 checked here
/// std::string_view pickle = zip.record("model/data.pkl");
/// @endcode
///
/// Guarantees: ZipWriter's output is the same bytes for the same records (no dates, no
/// compression), every record's data starts at a multiple of 64 bytes (as PyTorch's own
/// writer aligns them), and Python's zipfile and `torch.load` read it. ZipReader reads
/// stored records (what `torch.save` writes), with or without zip64 fields, and lists
/// compressed ones (TorchScript's code) without reading them; it reports a
/// truncated file, a damaged directory, a record whose bytes do not match its CRC-32, or
/// records that overlap as CorruptFileError naming the file.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace galaxyzoo {

/// Builds a zip archive of stored records in memory.
class ZipWriter {
 public:
  /// Appends a record @p name holding @p data.
  /// @throws Error for an empty or duplicate name, a record that would end past 4 GiB, or
  ///         a 65536th record (the writer does not write zip64 fields).
  void add(const std::string& name, std::string_view data);

  /// The whole archive: the records, their directory and its end record. The writer is
  /// empty afterwards.
  /// @throws Error if the directory would end past 4 GiB.
  std::string finish();

 private:
  struct Entry {
    std::string name;
    std::uint32_t crc = 0;
    std::uint64_t size = 0;
    std::uint64_t offset = 0;
  };
  std::string bytes_;
  std::vector<Entry> entries_;
};

/// A zip archive read whole into memory and checked (see the file comment).
class ZipReader {
 public:
  /// Reads and checks @p path.
  /// @throws IoError if it cannot be read; CorruptFileError naming it if it is not a
  ///         whole, undamaged zip archive of stored records.
  explicit ZipReader(const std::filesystem::path& path);

  /// The file it was read from.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// The record names, in the directory's order.
  std::vector<std::string> names() const;
  /// True if there is a record @p name.
  bool contains(std::string_view name) const noexcept;
  /// The bytes of record @p name (valid while the reader lives).
  /// @throws CorruptFileError naming the file and the record if there is none; Error if it
  ///         is compressed.
  std::string_view record(std::string_view name) const;

 private:
  struct Record {
    std::string name;
    std::uint64_t local = 0;   // of the local header
    std::uint64_t offset = 0;  // of the data
    std::uint64_t size = 0;    // of the data as stored
    bool stored = true;        // not compressed: size bytes, checked against the CRC-32
  };
  void read_directory();
  std::filesystem::path path_;
  std::string bytes_;
  std::vector<Record> records_;
};

/// True if @p bytes begin as a zip archive does (a local file header, `PK\3\4`).
bool looks_like_zip(std::string_view bytes) noexcept;

}  // namespace galaxyzoo
