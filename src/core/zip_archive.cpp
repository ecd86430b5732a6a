#include "galaxyzoo/core/zip_archive.hpp"

#include <algorithm>
#include <limits>

#include "core/byte_fields.hpp"
#include "galaxyzoo/core/error.hpp"
#include "galaxyzoo/core/text_file.hpp"

namespace galaxyzoo {
namespace {

// Signatures and sizes of the zip structures (PKWARE's APPNOTE).
constexpr std::uint32_t kLocalHeader = 0x04034b50;
constexpr std::uint32_t kCentralHeader = 0x02014b50;
constexpr std::uint32_t kEndOfDirectory = 0x06054b50;
constexpr std::uint32_t kZip64End = 0x06064b50;
constexpr std::uint32_t kZip64Locator = 0x07064b50;
constexpr std::uint64_t kLocalSize = 30;
constexpr std::uint64_t kCentralSize = 46;
constexpr std::uint64_t kEndSize = 22;
constexpr std::uint64_t kZip64EndSize = 56;
constexpr std::uint64_t kZip64LocatorSize = 20;
constexpr std::uint64_t kAlignment = 64;
constexpr std::uint16_t kVersion = 20;      // 2.0: stored records in folders
constexpr std::uint16_t kDosDate = 0x0021;  // 1980-01-01, a fixed date: same bytes each time
constexpr std::uint16_t kPaddingId = 0x4246;

using detail::crc32_of;
constexpr auto put = detail::put_le;
constexpr auto get = detail::get_le;

// The fields a local header and its directory entry share, from "version needed" to the
// sizes.
void put_common(std::string& out, std::uint32_t crc, std::uint64_t size) {
  put(out, kVersion, 2);
  put(out, 0, 2);  // flags
  put(out, 0, 2);  // stored
  put(out, 0, 2);  // time
  put(out, kDosDate, 2);
  put(out, crc, 4);
  put(out, size, 4);
  put(out, size, 4);
}

// One record's fields from the central directory.
struct Central {
  std::string name;
  std::uint32_t crc = 0;
  std::uint64_t size = 0;
  std::uint64_t local = 0;  // offset of the local header
};

// Where the central directory lies, from the end records.
struct Directory {
  std::uint64_t entries = 0;
  std::uint64_t offset = 0;
  std::uint64_t end = 0;  // where the structures after it begin
};

// Replaces the 32-bit fields of @p c that say "see zip64" from the zip64 extra field in
// @p extra.
void apply_zip64(Central& c, std::string_view extra, std::uint64_t& csize, bool offset_in_zip64,
                 const CorruptFileError& damaged) {
  for (std::uint64_t at = 0; at + 4 <= extra.size();) {
    const std::uint64_t id = get(extra, at, 2), length = get(extra, at + 2, 2);
    if (at + 4 + length > extra.size()) throw damaged;
    if (id == 1) {
      std::uint64_t field = at + 4;
      auto next = [&] {
        if (field + 8 > at + 4 + length) throw damaged;
        field += 8;
        return get(extra, field - 8, 8);
      };
      if (c.size == 0xffffffff) c.size = next();
      if (csize == 0xffffffff) csize = next();
      if (offset_in_zip64) c.local = next();
      return;
    }
    at += 4 + length;
  }
  throw damaged;
}

// The central directory's place, from the end record (and the zip64 one if there is one).
template <typename Corrupt>
Directory find_directory(std::string_view in, const Corrupt& corrupt) {
  // The end record: the last 22 bytes, or earlier if the archive has a comment.
  std::uint64_t end = in.size() - kEndSize;
  for (;; --end) {
    if (get(in, end, 4) == kEndOfDirectory && end + kEndSize + get(in, end + 20, 2) == in.size())
      break;
    if (end == 0 || in.size() - end > kEndSize + 0xffff) {
      throw corrupt(looks_like_zip(in) ? "truncated or damaged: no end of the zip directory"
                                       : "not a zip archive (as torch.save writes)");
    }
  }
  Directory d{get(in, end + 10, 2), get(in, end + 16, 4), end};
  std::uint64_t size = get(in, end + 12, 4);
  const bool locator =
      end >= kZip64LocatorSize && get(in, end - kZip64LocatorSize, 4) == kZip64Locator;
  if (locator || d.entries == 0xffff || d.offset == 0xffffffff || size == 0xffffffff) {
    if (!locator) throw corrupt("damaged zip directory (no zip64 locator)");
    const std::uint64_t at = get(in, end - kZip64LocatorSize + 8, 8);
    if (at > end - kZip64LocatorSize || end - kZip64LocatorSize - at < kZip64EndSize ||
        get(in, at, 4) != kZip64End)
      throw corrupt("damaged zip64 end record");
    d = Directory{get(in, at + 32, 8), get(in, at + 48, 8), at};
    size = get(in, at + 40, 8);
  }
  if (d.offset > d.end || d.end - d.offset != size)
    throw corrupt("damaged zip directory (its size or place do not fit the file)");
  return d;
}

}  // namespace

void ZipWriter::add(const std::string& name, std::string_view data) {
  if (name.empty() || name.size() > 0xffff) throw Error("ZipWriter: bad record name");
  for (const Entry& e : entries_) {
    if (e.name == name) throw Error("ZipWriter: record '" + name + "' added twice");
  }
  const std::uint64_t offset = bytes_.size();
  const std::uint64_t unpadded = offset + kLocalSize + name.size() + 4;
  const std::uint64_t padding = (kAlignment - unpadded % kAlignment) % kAlignment;
  if (unpadded + padding + data.size() >= 0xffffffffULL || entries_.size() >= 0xffff)
    throw Error("ZipWriter: over 4 GiB or 65535 records (zip64 is not written)");
  Entry entry{name, crc32_of(data), data.size(), offset};
  put(bytes_, kLocalHeader, 4);
  put_common(bytes_, entry.crc, entry.size);
  put(bytes_, name.size(), 2);
  put(bytes_, 4 + padding, 2);
  bytes_ += name;
  put(bytes_, kPaddingId, 2);
  put(bytes_, padding, 2);
  bytes_.append(padding, 'Z');
  bytes_.append(data);
  entries_.push_back(std::move(entry));
}

std::string ZipWriter::finish() {
  const std::uint64_t directory = bytes_.size();
  std::uint64_t total = directory + kEndSize;
  for (const Entry& e : entries_) total += kCentralSize + e.name.size();
  if (total >= 0xffffffffULL) throw Error("ZipWriter: over 4 GiB (zip64 is not written)");
  for (const Entry& e : entries_) {
    put(bytes_, kCentralHeader, 4);
    put(bytes_, kVersion, 2);  // made by
    put_common(bytes_, e.crc, e.size);
    put(bytes_, e.name.size(), 2);
    put(bytes_, 0, 2);  // extra
    put(bytes_, 0, 2);  // comment
    put(bytes_, 0, 2);  // disk
    put(bytes_, 0, 2);  // internal attributes
    put(bytes_, 0, 4);  // external attributes
    put(bytes_, e.offset, 4);
    bytes_ += e.name;
  }
  const std::uint64_t directory_size = bytes_.size() - directory;
  put(bytes_, kEndOfDirectory, 4);
  put(bytes_, 0, 2);
  put(bytes_, 0, 2);
  put(bytes_, entries_.size(), 2);
  put(bytes_, entries_.size(), 2);
  put(bytes_, directory_size, 4);
  put(bytes_, directory, 4);
  put(bytes_, 0, 2);  // comment
  entries_.clear();
  std::string out;
  out.swap(bytes_);
  return out;
}

ZipReader::ZipReader(const std::filesystem::path& path)
    : path_(path), bytes_(read_text_file(path, "zip archive")) {
  read_directory();
}

void ZipReader::read_directory() {
  const std::string_view in = bytes_;
  auto corrupt = [&](const std::string& what) { return CorruptFileError(path_, what); };
  if (in.size() < kEndSize) {
    throw corrupt("truncated: " + std::to_string(in.size()) + " bytes, not a zip archive");
  }
  const Directory d = find_directory(in, corrupt);
  std::uint64_t at = d.offset;
  for (std::uint64_t i = 0; i < d.entries; ++i) {
    const CorruptFileError damaged = corrupt("damaged zip directory entry " + std::to_string(i));
    if (d.end - at < kCentralSize || get(in, at, 4) != kCentralHeader) throw damaged;
    const std::uint64_t name_length = get(in, at + 28, 2), extra_length = get(in, at + 30, 2);
    const std::uint64_t variable = name_length + extra_length + get(in, at + 32, 2);
    if (d.end - at - kCentralSize < variable) throw damaged;
    Central c{std::string(in.substr(at + kCentralSize, name_length)),
              static_cast<std::uint32_t>(get(in, at + 16, 4)), get(in, at + 24, 4),
              get(in, at + 42, 4)};
    std::uint64_t csize = get(in, at + 20, 4);  // the bytes stored
    if (c.size == 0xffffffff || csize == 0xffffffff || c.local == 0xffffffff) {
      apply_zip64(c, in.substr(at + kCentralSize + name_length, extra_length), csize,
                  c.local == 0xffffffff, damaged);
    }
    // Compressed records (TorchScript's code) are listed but not read: record() refuses them.
    const bool stored = get(in, at + 10, 2) == 0;
    if ((stored && csize != c.size) || (get(in, at + 8, 2) & 1) != 0) throw damaged;
    at += kCentralSize + variable;

    // The local header must agree with the directory, and the data must lie before it.
    const CorruptFileError bad_record = corrupt("damaged zip record '" + c.name + "'");
    if (c.local > d.offset || d.offset - c.local < kLocalSize ||
        get(in, c.local, 4) != kLocalHeader)
      throw bad_record;
    const std::uint64_t local_name = get(in, c.local + 26, 2);
    const std::uint64_t data = c.local + kLocalSize + local_name + get(in, c.local + 28, 2);
    if (local_name != name_length || in.substr(c.local + kLocalSize, local_name) != c.name ||
        data > d.offset || d.offset - data < csize)
      throw bad_record;
    // Without a data descriptor (flag 8) the local header repeats the CRC and sizes.
    if ((get(in, c.local + 6, 2) & 8) == 0 &&
        (get(in, c.local + 14, 4) != c.crc ||
         (get(in, c.local + 22, 4) != c.size && get(in, c.local + 22, 4) != 0xffffffff)))
      throw bad_record;
    if (contains(c.name)) throw corrupt("zip record '" + c.name + "' appears twice");
    if (stored && crc32_of(in.substr(data, c.size)) != c.crc)
      throw corrupt("checksum mismatch in zip record '" + c.name + "': the content is damaged");
    records_.push_back({std::move(c.name), c.local, data, csize, stored});
  }
  if (at != d.end) throw corrupt("damaged zip directory (entries and size disagree)");
  // No record may lie inside another (a directory edited to point twice at the same bytes).
  std::vector<Record> by_place = records_;
  std::sort(by_place.begin(), by_place.end(),
            [](const Record& a, const Record& b) { return a.local < b.local; });
  for (std::size_t i = 1; i < by_place.size(); ++i) {
    if (by_place[i].local < by_place[i - 1].offset + by_place[i - 1].size)
      throw corrupt("zip records '" + by_place[i - 1].name + "' and '" + by_place[i].name +
                    "' overlap");
  }
}

std::vector<std::string> ZipReader::names() const {
  std::vector<std::string> out;
  for (const Record& r : records_) out.push_back(r.name);
  return out;
}

bool ZipReader::contains(std::string_view name) const noexcept {
  return std::any_of(records_.begin(), records_.end(),
                     [&](const Record& r) { return r.name == name; });
}

std::string_view ZipReader::record(std::string_view name) const {
  for (const Record& r : records_) {
    if (r.name == name && !r.stored) {
      throw Error("'" + path_.string() + "': zip record '" + r.name +
                  "' is compressed; galaxyzoo reads stored records, as torch.save writes them");
    }
    if (r.name == name) return std::string_view(bytes_).substr(r.offset, r.size);
  }
  throw CorruptFileError(path_, "no record '" + std::string(name) + "' in the zip archive");
}

bool looks_like_zip(std::string_view bytes) noexcept {
  return bytes.size() >= 4 && get(bytes, 0, 4) == kLocalHeader;
}

}  // namespace galaxyzoo
