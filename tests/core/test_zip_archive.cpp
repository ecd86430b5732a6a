#define BOOST_TEST_MODULE zip_archive
#include <boost/test/unit_test.hpp>

#include <galaxyzoo/core/error.hpp>
#include <galaxyzoo/core/zip_archive.hpp>

#include <map>

#include "kaggle_fixture.hpp"

namespace gz = galaxyzoo;
using gz::testing::TempDir;

namespace {

const std::map<std::string, std::string> kRecords = {
    {"m/data.pkl", "a pickle"}, {"m/data/0", std::string(100, '\x01')}, {"m/version", "3\n"}};

std::string archive() {
  gz::ZipWriter writer;
  for (const auto& [name, data] : kRecords) writer.add(name, data);
  return writer.finish();
}

// The records read from @p bytes, or the error's message as the only entry "!" (a
// CorruptFileError, or the Error of reading a record a damaged method field says is
// compressed).
std::map<std::string, std::string> read_back(const TempDir& dir, const std::string& bytes) {
  gz::testing::write_text(dir / "a.zip", bytes);
  try {
    const gz::ZipReader zip(dir / "a.zip");
    std::map<std::string, std::string> out;
    for (const auto& name : zip.names()) out[name] = std::string(zip.record(name));
    return out;
  } catch (const gz::Error& e) {
    return {{"!", e.what()}};
  }
}

// Little-endian field of @p bytes.
void put32(std::string& bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<char>(value >> (8 * i));
}

}  // namespace

BOOST_AUTO_TEST_CASE(records_read_back_aligned_and_the_same_bytes_each_time) {
  TempDir dir;
  const std::string bytes = archive();
  BOOST_TEST(bytes == archive());  // no dates: the same bytes for the same records
  BOOST_TEST(gz::looks_like_zip(bytes));
  BOOST_TEST(!gz::looks_like_zip("GZSEALED"));
  gz::testing::write_text(dir / "a.zip", bytes);
  const gz::ZipReader zip(dir / "a.zip");
  BOOST_TEST(zip.names().size() == 3u);
  for (const auto& [name, data] : kRecords) {
    BOOST_TEST(zip.contains(name));
    BOOST_TEST(zip.record(name) == data);
    // Data starts at a multiple of 64 bytes, as PyTorch's writer aligns it.
    BOOST_TEST(bytes.find(data) % 64 == 0u, name);
  }
  BOOST_TEST(!zip.contains("m/other"));
  BOOST_CHECK_THROW(zip.record("m/other"), gz::CorruptFileError);
  gz::ZipWriter twice;
  twice.add("x", "1");
  BOOST_CHECK_THROW(twice.add("x", "2"), gz::Error);
  BOOST_CHECK_THROW(twice.add("", "2"), gz::Error);
}

// Every single flipped bit is either found or changes nothing that is read (dates,
// version fields and padding are not used); every truncation is found.
BOOST_AUTO_TEST_CASE(every_flipped_bit_is_found_or_harmless_and_every_truncation_found) {
  TempDir dir;
  const std::string bytes = archive();
  std::size_t found = 0, harmless = 0;
  for (std::size_t at = 0; at < bytes.size(); ++at) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string damaged = bytes;
      damaged[at] = static_cast<char>(damaged[at] ^ (1 << bit));
      const auto back = read_back(dir, damaged);
      if (back.count("!")) {
        ++found;
      } else {
        BOOST_TEST_REQUIRE((back == kRecords), "flip at byte " << at << " went unnoticed");
        ++harmless;
      }
    }
  }
  BOOST_TEST_MESSAGE(found << " flips found, " << harmless << " harmless");
  BOOST_TEST(found > 0u);
  for (std::size_t size = 0; size < bytes.size(); size += 7)
    BOOST_TEST(read_back(dir, bytes.substr(0, size)).count("!") == 1u, "truncated to " << size);
  BOOST_TEST(read_back(dir, "GZSEALED and more bytes than an end record")
                 .at("!")
                 .find("not a zip archive") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(damage_is_named) {
  TempDir dir;
  const std::string bytes = archive();
  std::string flipped = bytes;
  flipped[bytes.find(std::string(100, '\x01')) + 50] = 'x';
  BOOST_TEST(read_back(dir, flipped).at("!").find("checksum mismatch in zip record 'm/data/0'") !=
             std::string::npos);
  BOOST_TEST(read_back(dir, flipped).at("!").find("a.zip") != std::string::npos);

  // A compressed record (method 8 in the local and central headers, as TorchScript's code
  // is stored) is listed, but reading it is refused by name.
  std::string compressed = bytes;
  compressed[8] = 8;
  const std::size_t central = compressed.find("PK\x01\x02");
  compressed[central + 10] = 8;
  gz::testing::write_text(dir / "compressed.zip", compressed);
  const gz::ZipReader zip(dir / "compressed.zip");
  BOOST_TEST(zip.contains("m/data.pkl"));
  BOOST_TEST(zip.record("m/version") == "3\n");
  try {
    zip.record("m/data.pkl");
    BOOST_FAIL("a compressed record was read");
  } catch (const gz::Error& e) {
    BOOST_TEST(std::string(e.what()).find("'m/data.pkl' is compressed") != std::string::npos);
  }

  // A directory entry pointed at another record's local header.
  std::string overlapping = bytes;
  const std::size_t second = overlapping.find("PK\x01\x02", central + 4);
  put32(overlapping, second + 42, 0);
  BOOST_TEST(read_back(dir, overlapping).count("!") == 1u);
  BOOST_CHECK_THROW(gz::ZipReader(dir / "absent.zip"), gz::IoError);
}
